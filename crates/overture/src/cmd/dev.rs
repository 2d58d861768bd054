//! `overture dev …`: tools for developing Overture.

use std::sync::Arc;

use anyhow::Context;
use overture_clock::SystemClock;
use overture_fake_linkedin::{FakeLinkedIn, Options, World};

use crate::cli::{DevCommand, FakeLinkedinArgs};
use crate::error::CliResult;

/// Runs a `dev` subcommand.
pub async fn run(command: DevCommand) -> CliResult {
    match command {
        DevCommand::FakeLinkedin(args) => fake_linkedin(args).await,
    }
}

/// Serves the fake LinkedIn's demo world on the wall clock until Ctrl-C.
async fn fake_linkedin(args: FakeLinkedinArgs) -> CliResult {
    let options = Options {
        clock: Arc::new(SystemClock),
        port: args.port,
        ..Options::default()
    };
    let fake = FakeLinkedIn::start_with(World::demo(), options)
        .await
        .with_context(|| format!("cannot listen on 127.0.0.1:{}", args.port))?;
    println!(
        "Fake LinkedIn (fictional demo world) at {}",
        fake.base_url()
    );
    println!("Use it as the account's api_base; every path is under /voyager/api.");
    for account in fake.accounts() {
        let cookies = fake.cookies(&account).map_err(anyhow::Error::new)?;
        println!("\n{account}:");
        println!("  cookie: {}", cookies.cookie_header());
        println!("  csrf-token: {}", cookies.csrf_token());
    }
    println!("\nPress Ctrl-C to stop.");
    tokio::signal::ctrl_c()
        .await
        .context("cannot wait for Ctrl-C")?;
    Ok(())
}
