//! `GET /metrics`: Prometheus text exposition.

use std::fmt::Write as _;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// Prometheus' text format.
const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Actions per account by kind and state, pending invitations per account, and the queue's
/// lag in seconds.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain"))
)]
pub async fn metrics(State(state): State<AppState>) -> Response {
    match render(&state).await {
        Ok(text) => ([(header::CONTENT_TYPE, CONTENT_TYPE)], text).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "metrics: the store does not answer");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// Escapes a label value.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

async fn render(state: &AppState) -> Result<String, overture_store::StoreError> {
    let mut out = String::new();
    let mut names = std::collections::HashMap::new();
    let _ = writeln!(
        out,
        "# HELP overture_pending_invitations Invitations sent and not answered yet."
    );
    let _ = writeln!(out, "# TYPE overture_pending_invitations gauge");
    for ws in state.store.workspaces().await? {
        for account in state.store.accounts(ws.id).await? {
            let pending = state.store.pending(ws.id, account.id).await?;
            let _ = writeln!(
                out,
                "overture_pending_invitations{{workspace=\"{}\",account=\"{}\"}} {pending}",
                label(&ws.name),
                label(&account.name)
            );
            names.insert(account.id, (ws.name.clone(), account.name));
        }
    }
    let _ = writeln!(
        out,
        "# HELP overture_actions Actions by account, kind and state."
    );
    let _ = writeln!(out, "# TYPE overture_actions gauge");
    for t in state.store.action_tally().await? {
        let (ws, account) = names
            .get(&t.account)
            .cloned()
            .unwrap_or_else(|| (t.workspace.to_string(), t.account.to_string()));
        let _ = writeln!(
            out,
            "overture_actions{{workspace=\"{}\",account=\"{}\",kind=\"{}\",state=\"{}\"}} {}",
            label(&ws),
            label(&account),
            t.kind,
            t.state,
            t.count
        );
    }
    let now = state.clock.now();
    let lag = match state.store.next_due().await? {
        Some(due) if due < now => now.duration_since(due).as_secs_f64(),
        _ => 0.0,
    };
    let _ = writeln!(
        out,
        "# HELP overture_queue_lag_seconds How long the oldest due action has waited."
    );
    let _ = writeln!(out, "# TYPE overture_queue_lag_seconds gauge");
    let _ = writeln!(out, "overture_queue_lag_seconds {lag}");
    Ok(out)
}
