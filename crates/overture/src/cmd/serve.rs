//! `overture serve`: the engine (as `overture run`) and the HTTP service in one process, or,
//! with `--sandbox`, a demo on an accelerated clock (module `sandbox`).

mod first_owner;
mod sandbox;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use overture_clock::{Clock, SystemClock};
use overture_server::{AppState, ServerConfig, WebSettings, WebState, router};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use super::Ctx;
use crate::cli::ServeArgs;
use crate::error::{CliError, CliResult};
use crate::output::duration;

pub async fn run(ctx: &Ctx, db: Option<&str>, args: ServeArgs) -> CliResult {
    if args.sandbox.sandbox {
        return sandbox::run(ctx, db, args).await;
    }
    let listener = bind(&args.bind).await?;
    let store = ctx.store(false).await?;
    first_owner::ensure(&store, ctx.settings.workspace(), ctx.now()).await?;
    // Without a master key the API still serves; adding a webhook then says what to do.
    let config = ServerConfig {
        master_key: crate::master_key::load(&ctx.db.key_anchor())
            .ok()
            .map(|(key, _)| Arc::new(key)),
        allow_private_targets: ctx.settings.webhook_allow_private_targets,
        seed: ctx.settings.engine_seed,
    };
    let state = AppState {
        store: Arc::new(store),
        clock: Arc::new(SystemClock),
        config,
        web: WebState::new(WebSettings {
            secure_cookies: args.secure_cookies,
            ..WebSettings::default()
        }),
    };
    let (address, server) = serve_in_background(listener, router(state))?;
    eprintln!(
        "Serving on http://{address} (dashboard: /, health: /healthz, metrics: /metrics, API: /api/v1/openapi.json)."
    );
    let outcome = if args.no_engine {
        eprintln!("Not running the engine (--no-engine): run `overture worker` for the work.");
        serve_only(args.run.until.as_deref()).await
    } else {
        super::run::run(ctx, args.run).await
    };
    server.abort();
    let _ = server.await;
    outcome
}

/// Waits for SIGINT or SIGTERM, or until `until` (a duration) has passed.
async fn serve_only(until: Option<&str>) -> CliResult {
    let limit = until.map(|t| duration("--until", t)).transpose()?;
    let clock = SystemClock;
    let timer = async {
        match limit.and_then(|d| clock.now().saturating_add(d).ok()) {
            Some(at) => overture_clock::sleep_until(&clock, at).await,
            None => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = timer => {}
        () = super::run::signal() => {}
    }
    Ok(())
}

/// Listens on `address`, or says why not and what to do.
async fn bind(address: &str) -> CliResult<TcpListener> {
    TcpListener::bind(address).await.map_err(|e| {
        CliError::input(format!(
            "cannot listen on {address}: {e} (pick another with --bind 127.0.0.1:PORT)"
        ))
    })
}

/// Serves `app` on `listener` in a task; returns the address it listens on and the task.
fn serve_in_background(
    listener: TcpListener,
    app: Router,
) -> CliResult<(SocketAddr, JoinHandle<std::io::Result<()>>)> {
    let address = listener
        .local_addr()
        .map_err(|e| CliError::Internal(anyhow::Error::new(e)))?;
    // The client's address keys the sign-in rate limiter.
    let app = app.into_make_service_with_connect_info::<SocketAddr>();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    Ok((address, server))
}
