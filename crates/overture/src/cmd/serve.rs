//! `overture serve`: the engine (as `overture run`) and the HTTP service in one process.

use std::sync::Arc;

use overture_clock::SystemClock;
use overture_server::{AppState, ServerConfig, router};

use super::Ctx;
use crate::cli::ServeArgs;
use crate::error::{CliError, CliResult};

pub async fn run(ctx: &Ctx, args: ServeArgs) -> CliResult {
    let listener = tokio::net::TcpListener::bind(&args.bind)
        .await
        .map_err(|e| {
            CliError::input(format!(
                "cannot listen on {}: {e} (pick another with --bind 127.0.0.1:PORT)",
                args.bind
            ))
        })?;
    let address = listener
        .local_addr()
        .map_err(|e| CliError::Internal(anyhow::Error::new(e)))?;
    let store = ctx.store(false).await?;
    // Without a master key the API still serves; adding a webhook then says what to do.
    let crate::store::DatabaseUrl::Sqlite(db) = &ctx.db;
    let config = ServerConfig {
        master_key: crate::master_key::load(db)
            .ok()
            .map(|(key, _)| Arc::new(key)),
        allow_private_targets: ctx.settings.webhook_allow_private_targets,
        seed: ctx.settings.engine_seed,
    };
    let state = AppState {
        store: Arc::new(store),
        clock: Arc::new(SystemClock),
        config,
    };
    let app = router(state);
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    eprintln!(
        "Serving on http://{address} (health: /healthz, metrics: /metrics, API: /api/v1/openapi.json)."
    );
    let outcome = super::run::run(ctx, args.run).await;
    server.abort();
    let _ = server.await;
    outcome
}
