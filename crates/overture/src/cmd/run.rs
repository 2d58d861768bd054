//! `overture run`: the engine in real time.
//!
//! Sandbox accounts are carried by a sandbox world built from `engine_seed` (it lives in
//! memory, so it starts afresh with each run). LinkedIn and email accounts are not carried yet:
//! one that has its credentials is paused at its first action with the reason, and nothing is
//! sent (see [`RunChannels`]). SIGINT and SIGTERM stop the engine cleanly: the action being executed finishes
//! and nothing is left claimed.

use std::sync::Arc;

use overture_channel::{ChannelError, Channels};
use overture_clock::{Clock, SystemClock};
use overture_core::{Account, AccountKind, AccountStatus};
use overture_engine::{Engine, EngineConfig};
use overture_sandbox::{SandboxChannel, SandboxChannels, SandboxNetwork, SeatProfile, WorldParams};
use overture_store::Store;

use super::Ctx;
use crate::cli::RunArgs;
use crate::error::{CliError, CliResult};
use crate::output::duration;

pub async fn run(ctx: &Ctx, args: RunArgs) -> CliResult {
    let limit = match &args.until {
        Some(text) => Some(duration("--until", text)?),
        None => None,
    };
    let store = ctx.store(false).await?;
    let ws = ctx.settings.workspace();
    let network = SandboxNetwork::new(
        WorldParams::default(),
        ctx.settings.engine_seed,
        Arc::new(SystemClock),
    )
    .map_err(|e| CliError::Internal(anyhow::Error::new(e)))?;
    let accounts = store.list_accounts(ws).await?;
    for account in &accounts {
        if account.kind == AccountKind::Sandbox {
            network
                .add_seat(&account.name, account.tier, SeatProfile::default())
                .map_err(|e| CliError::Internal(anyhow::Error::new(e)))?;
        }
    }
    let waiting = accounts
        .iter()
        .filter(|a| a.status == AccountStatus::NeedsCredentials)
        .count();
    eprintln!(
        "Running: {} account(s), {waiting} waiting for credentials. Ctrl-C stops cleanly.",
        accounts.len()
    );
    let config = EngineConfig {
        seed: ctx.settings.engine_seed,
        ..EngineConfig::default()
    };
    let clock = SystemClock;
    let deadline = limit.map(|d| clock.now().saturating_add(d).unwrap_or(clock.now()));
    let channels = RunChannels {
        sandbox: network.channels(),
    };
    let mut engine = Engine::new(store, channels, clock, config);
    let stop = async move {
        let timer = async {
            match deadline {
                Some(at) => overture_clock::sleep_until(&clock, at).await,
                None => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            () = timer => {}
            () = signal() => eprintln!("Stopping: finishing the action in progress."),
        }
    };
    engine
        .run(stop)
        .await
        .map_err(|e| CliError::Internal(anyhow::Error::new(e).context("the engine stopped")))?;
    eprintln!("Stopped.");
    Ok(())
}

/// The channels `overture run` has: the sandbox's. A LinkedIn or email account gets an error
/// that pauses it with the reason before anything is sent, instead of a channel: the real
/// channels are not wired into `run` in this version.
#[derive(Debug)]
struct RunChannels {
    sandbox: SandboxChannels,
}

impl Channels for RunChannels {
    type Channel = SandboxChannel;

    fn channel(&self, account: &Account) -> Result<SandboxChannel, ChannelError> {
        if account.kind == AccountKind::Sandbox {
            return self.sandbox.channel(account);
        }
        Err(ChannelError::Challenge {
            detail: format!(
                "`overture run` cannot carry {} accounts yet; `{}` is paused and nothing was sent",
                account.kind, account.name
            ),
        })
    }
}

/// Completes on SIGINT or SIGTERM.
async fn signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = interrupt => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = interrupt.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}
