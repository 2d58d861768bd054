//! The webhook outbox in `overture run`: dispatcher and deliverer in one task beside the
//! engine, stopped after it (a round in progress finishes first).

use overture_secrets::MasterKey;
use overture_store::WebhookStore;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::any_store::AnyStore;
use crate::cmd::Ctx;
use crate::crash_test::RunClock;
use crate::error::CliResult;

/// The running outbox: its task and the sender that stops it.
pub type Running = Option<(JoinHandle<()>, oneshot::Sender<()>)>;

/// Starts the outbox whenever there is a master key (endpoints added while the engine runs
/// are served too); without one, endpoints cannot sign and nothing is delivered.
pub async fn spawn(
    ctx: &Ctx,
    store: &AnyStore,
    key: Option<MasterKey>,
    clock: RunClock,
) -> CliResult<Running> {
    let ws = ctx.settings.workspace();
    let endpoints = store.list_webhook_endpoints(ws).await?;
    let Some(key) = key else {
        if endpoints.is_empty() {
            return Ok(None);
        }
        eprintln!(
            "Webhooks: {} endpoint(s), but no master key to sign with; nothing is delivered (set {}).",
            endpoints.len(),
            crate::master_key::ENV
        );
        return Ok(None);
    };
    if !endpoints.is_empty() {
        eprintln!(
            "Webhooks: delivering to {} endpoint(s).",
            endpoints.iter().filter(|e| e.enabled).count()
        );
    }
    let (stop, stopped) = oneshot::channel::<()>();
    let config = crate::cmd::webhook::config(ctx);
    let task = tokio::spawn(overture_webhooks::run(
        store.clone(),
        key,
        clock,
        config,
        async move {
            let _ = stopped.await;
        },
    ));
    Ok(Some((task, stop)))
}

/// Stops the outbox and waits for its round to end.
pub async fn stop(running: Running) {
    if let Some((task, stop)) = running {
        let _ = stop.send(());
        let _ = task.await;
    }
}
