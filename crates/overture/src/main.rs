//! The `overture` command: the composition root.
//!
//! Only this crate knows which store and which channels exist; it resolves the configuration
//! (defaults, then `overture.toml`, then `OVERTURE_*` variables, then flags), opens the store
//! and hands typed settings to the libraries, which read no environment or files themselves.

mod any_store;
mod cli;
mod cmd;
mod config;
mod crash_test;
mod error;
mod linkedin;
mod mailbox;
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
    quiet_on_closed_output();
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

/// Exits quietly, as a pipeline expects, when the reader of standard output goes away
/// (`overture leads list | head`): Rust ignores SIGPIPE, so a write to a closed pipe fails and
/// `println!` panics. Any other panic keeps the default report.
fn quiet_on_closed_output() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            // 128 + SIGPIPE, as a shell reports a process ended by a closed pipe.
            std::process::exit(141);
        }
        default(info);
    }));
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
