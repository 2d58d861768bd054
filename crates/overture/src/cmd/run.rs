//! `overture run` and `overture worker`: the engine in real time, alone on the store or as
//! one worker among several.
//!
//! Sandbox accounts are carried by a sandbox world built from `engine_seed` (it lives in
//! memory, so it starts afresh with each run). LinkedIn accounts are carried by the Voyager
//! client, from their stored sessions (decrypted with the master key): a session stored while
//! the engine runs (`overture account set NAME --cookies-file`) is picked up within
//! [`RELOAD_EVERY`], and cookies LinkedIn rotates are stored back, encrypted. An account without
//! a session is paused as needing credentials at its first action, and nothing is sent. Email
//! accounts are carried by their mailboxes (SMTP to send, IMAP to read), loaded the same way.
//! SIGINT and SIGTERM stop the engine cleanly: the action being executed finishes, nothing is
//! left claimed, and rotated cookies are stored before the command ends.

use std::sync::Arc;

use jiff::SignedDuration;
use overture_channel::{ChannelError, Channels, Either};
use overture_clock::Clock;
use overture_core::{Account, AccountKind, AccountStatus};
use overture_email::{MailboxChannel, MailboxChannels};
use overture_engine::{Engine, EngineConfig, WorkerConfig};
use overture_linkedin::{LinkedInChannel, LinkedInChannels};
use overture_sandbox::{SandboxChannel, SandboxChannels, SandboxNetwork, SeatProfile, WorldParams};
use overture_secrets::vault::LINKEDIN_SESSION;
use overture_store::Store;
use tokio::sync::mpsc;

use super::Ctx;
use crate::cli::{RunArgs, WorkerArgs};
use crate::crash_test;
use crate::error::{CliError, CliResult};
use crate::linkedin::{SessionLoader, save_rotations};
use crate::master_key;
use crate::output::duration;

mod webhooks;

/// How often the stored LinkedIn sessions are looked at for changes while the engine runs.
pub const RELOAD_EVERY: SignedDuration = SignedDuration::from_secs(30);

pub async fn run(ctx: &Ctx, args: RunArgs) -> CliResult {
    engine(ctx, args, None).await
}

/// `overture worker`: the engine as one worker among several on the database.
pub async fn worker(ctx: &Ctx, args: WorkerArgs) -> CliResult {
    let id = match args.id {
        Some(id) if id.trim().is_empty() => {
            return Err(CliError::input(
                "--id is empty: give the worker a name, or leave --id out for HOST-PID",
            ));
        }
        Some(id) => id,
        None => format!("{}-{}", host_name(), std::process::id()),
    };
    if args.max_accounts == 0 {
        return Err(CliError::input(
            "--max-accounts is 0: a worker must be allowed to hold at least one account",
        ));
    }
    eprintln!(
        "Worker {id}: acting only for the accounts it holds (at most {}).",
        args.max_accounts
    );
    let account_lease = duration("--account-lease", &args.account_lease)?;
    if account_lease < SignedDuration::from_secs(10) {
        return Err(CliError::input(format!(
            "--account-lease `{}` is shorter than 10s: a worker must be able to renew it in time \
             (the default is 2m)",
            args.account_lease
        )));
    }
    let mut worker = WorkerConfig::new(id);
    worker.max_accounts = args.max_accounts;
    worker.account_lease = account_lease;
    engine(ctx, args.run, Some(worker)).await
}

/// The machine's name, for a worker's default name.
fn host_name() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/proc/sys/kernel/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "worker".to_owned())
}

/// Runs the engine in real time, alone on the store or (with `worker`) as a worker.
async fn engine(ctx: &Ctx, args: RunArgs, worker: Option<WorkerConfig>) -> CliResult {
    let limit = match &args.until {
        Some(text) => Some(duration("--until", text)?),
        None => None,
    };
    let store = ctx.store(false).await?;
    let ws = ctx.settings.workspace();
    let clock = ctx.clock;
    let network = SandboxNetwork::new(
        WorldParams::default(),
        ctx.settings.engine_seed,
        Arc::new(clock),
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
        worker,
        on_failpoint: crash_test::hook()?,
        ..EngineConfig::default()
    };
    let deadline = limit.map(|d| clock.now().saturating_add(d).unwrap_or(clock.now()));
    let linkedin = Arc::new(LinkedInChannels::new());
    let mailboxes = Arc::new(MailboxChannels::new());
    let (rotations, rotated) = mpsc::unbounded_channel();
    let mut loader = None;
    // The key is needed to read stored sessions; without any, a key (if there is one) still
    // lets sessions stored while the engine runs be loaded.
    let db = &ctx.db.key_anchor();
    let key = if has_sessions(&store, &accounts).await? {
        Some(master_key::load(db)?.0)
    } else {
        master_key::load(db).ok().map(|(key, _)| key)
    };
    // Webhooks go out alongside the engine, with their own loop (module `webhooks`).
    let webhooks = webhooks::spawn(ctx, &store, key.clone(), clock).await?;
    if let Some(key) = key {
        let saver = tokio::spawn(save_rotations(store.clone(), key.clone(), rotated, clock));
        let both = (Arc::clone(&linkedin), Arc::clone(&mailboxes));
        let mut l = SessionLoader::new(key, both, Arc::new(clock), rotations);
        let loaded = l.refresh(&store, ws).await?;
        eprintln!("LinkedIn and email: {loaded} account(s) with their credentials.");
        loader = Some((l, saver));
    }
    let channels = RunChannels {
        sandbox: network.channels(),
        linkedin,
        mailboxes,
    };
    let reloads = loader.map(|(mut l, saver)| {
        let store = store.clone();
        let reload = tokio::spawn(async move {
            loop {
                let next = clock
                    .now()
                    .saturating_add(RELOAD_EVERY)
                    .unwrap_or(clock.now());
                overture_clock::sleep_until(&clock, next).await;
                if let Err(e) = l.refresh(&store, ws).await {
                    tracing::warn!(error = %e, "could not reload the LinkedIn sessions");
                }
            }
        });
        (reload, saver)
    });
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
    let outcome = engine.run(stop).await;
    // The clients (and their rotation hooks) go with the engine and the reloader; the saver
    // then stores what is left and ends.
    drop(engine);
    if let Some((reload, saver)) = reloads {
        reload.abort();
        let _ = reload.await;
        let _ = saver.await;
    }
    webhooks::stop(webhooks).await;
    outcome.map_err(|e| CliError::Internal(anyhow::Error::new(e).context("the engine stopped")))?;
    eprintln!("Stopped.");
    Ok(())
}

/// Whether any LinkedIn account has a stored session (then the master key is needed).
async fn has_sessions<S: Store>(store: &S, accounts: &[Account]) -> CliResult<bool> {
    for account in accounts.iter().filter(|a| a.kind == AccountKind::Linkedin) {
        let secrets = store.list_secrets(account.workspace_id, account.id).await?;
        if secrets.iter().any(|s| s.name == LINKEDIN_SESSION) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The channels `overture run` has: the sandbox's, LinkedIn's and the mailboxes'.
#[derive(Debug)]
struct RunChannels {
    sandbox: SandboxChannels,
    linkedin: Arc<LinkedInChannels>,
    mailboxes: Arc<MailboxChannels>,
}

impl Channels for RunChannels {
    type Channel = Either<SandboxChannel, Either<Arc<LinkedInChannel>, Arc<MailboxChannel>>>;

    fn channel(&self, account: &Account) -> Result<Self::Channel, ChannelError> {
        Ok(match account.kind {
            AccountKind::Sandbox => Either::Left(self.sandbox.channel(account)?),
            AccountKind::Linkedin => Either::Right(Either::Left(self.linkedin.channel(account)?)),
            AccountKind::Email => Either::Right(Either::Right(self.mailboxes.channel(account)?)),
        })
    }
}

/// Completes on SIGINT or SIGTERM.
pub(super) async fn signal() {
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
