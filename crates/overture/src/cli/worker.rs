//! The arguments of `overture worker`.

use clap::Args;

use super::RunArgs;

/// `overture worker`
#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// The worker's name, unique among the workers on the database [default: HOST-PID]
    #[arg(long, value_name = "NAME")]
    pub id: Option<String>,
    /// How many accounts the worker holds at most (the others are left to other workers)
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub max_accounts: u32,
    /// How long the worker holds an account without renewing (it renews at half time); when
    /// the worker stops or loses the database, other workers take its accounts over this long
    /// after its last renewal. The same on every worker of a database, at least 10s
    #[arg(long, default_value = "2m", value_name = "DURATION")]
    pub account_lease: String,
    #[command(flatten)]
    pub run: RunArgs,
}
