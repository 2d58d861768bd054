//! The `overture` command: the composition root.
//!
//! Only this crate knows which store and which channels exist; it resolves the configuration
//! (defaults, then `overture.toml`, then `OVERTURE_*` variables, then flags), opens the store
//! and hands typed settings to the libraries, which read no environment or files themselves.

mod cli;
mod cmd;
mod config;
mod error;
mod master_key;
mod output;
mod store;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::Cli;

/// mimalloc: the engine and the store allocate many short-lived rows and strings, and
/// glibc's allocator took an eighth of a simulated year.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(cmd::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => err.report(),
    }
}

fn init_tracing(verbose: u8) {
    use tracing_subscriber::EnvFilter;
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter =
        EnvFilter::try_from_env("OVERTURE_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
