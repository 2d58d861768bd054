//! One module per subcommand.

mod account;
mod campaign;
mod config;
mod demo;
mod dev;
mod dkim;
mod export;
mod init;
mod invites;
mod leads;
mod messages;
mod run;
mod sandbox_world;
mod serve;
mod simulate;
mod status;
mod suppress;
mod template;
mod token;
mod user;
pub mod webhook;

use overture_clock::Clock;

use crate::cli::{Cli, Command};
use crate::config::Settings;
use crate::crash_test::RunClock;
use crate::error::CliResult;
use crate::store::DatabaseUrl;

/// What every command gets: the resolved settings, the database location and the clock.
#[derive(Debug)]
pub struct Ctx {
    /// Effective settings.
    pub settings: Settings,
    /// Where the database lives.
    pub db: DatabaseUrl,
    /// The wall clock (the only place the CLI reads time), or a crash test's accelerated one
    /// (`OVERTURE_TEST_CLOCK`, see `crash_test`).
    pub clock: RunClock,
}

impl Ctx {
    /// The current instant.
    pub fn now(&self) -> jiff::Timestamp {
        self.clock.now()
    }

    /// Opens the store; read commands pass `create = false` so a typo in `--db` is reported
    /// instead of silently creating an empty database.
    pub async fn store(&self, create: bool) -> CliResult<crate::any_store::AnyStore> {
        crate::store::open(&self.db, create).await
    }
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> CliResult {
    let settings = Settings::resolve(&cli)?;
    let cli_db = cli.db.clone();
    let db = DatabaseUrl::parse(&settings.database_url)?;
    let ctx = Ctx {
        settings,
        db,
        clock: crate::crash_test::clock()?,
    };
    match cli.command {
        Command::Init => init::run(&ctx).await,
        Command::Account(c) => account::run(&ctx, c).await,
        Command::Leads(c) => leads::run(&ctx, c).await,
        Command::Template(c) => template::run(c),
        Command::Campaign(c) => campaign::run(&ctx, c).await,
        Command::Config(c) => config::run(&ctx, c),
        Command::Run(args) => run::run(&ctx, args).await,
        Command::Worker(args) => run::worker(&ctx, args).await,
        Command::Serve(args) => serve::run(&ctx, cli_db.as_deref(), args).await,
        Command::Status(args) => status::run(&ctx, args).await,
        Command::Invites(c) => invites::run(&ctx, c).await,
        Command::Export(c) => export::run(&ctx, c).await,
        Command::Suppress(c) => suppress::run(&ctx, c).await,
        Command::Dkim(c) => dkim::run(&ctx, c).await,
        Command::User(c) => user::run(&ctx, c).await,
        Command::Token(c) => token::run(&ctx, c).await,
        Command::Webhook(c) => webhook::run(&ctx, c).await,
        Command::Demo(args) => demo::run(&ctx, cli_db.as_deref(), args).await,
        Command::Simulate(args) => simulate::run(&ctx, args).await,
        Command::Dev(c) => dev::run(c).await,
    }
}
