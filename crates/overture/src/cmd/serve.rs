//! `overture serve`: the engine (as `overture run`) and the HTTP service in one process.

use std::net::SocketAddr;
use std::sync::Arc;

use overture_clock::SystemClock;
use overture_server::{AppState, WebSettings, WebState, router};

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
    let state = AppState {
        store: Arc::new(store),
        clock: Arc::new(SystemClock),
        web: WebState::new(WebSettings {
            secure_cookies: args.secure_cookies,
            ..WebSettings::default()
        }),
    };
    // The client's address keys the sign-in rate limiter.
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    eprintln!(
        "Serving on http://{address} (dashboard: /, health: /healthz, metrics: /metrics, API: /api/v1/openapi.json)."
    );
    let outcome = super::run::run(ctx, args.run).await;
    server.abort();
    let _ = server.await;
    outcome
}
