//! `GET /`: each account's health (`overture_engine::health`, as `overture status` shows it):
//! pending invitations against the cap the governor keeps now, the week's invitations against
//! the weekly budget, and its state with the reason.

use axum::extract::State;
use axum::response::Response;
use overture_core::{Account, AccountStatus};
use serde::Serialize;

use super::shown;
use crate::AppState;
use crate::web::render::{WebError, render};
use crate::web::session::{Layout, Signed, layout};

#[derive(Debug, Serialize)]
struct Health {
    id: i64,
    name: String,
    kind: String,
    state: &'static str,
    reason: String,
    pending: u64,
    pending_cap: u32,
    pending_cap_setting: u32,
    week_used: u64,
    week_cap: Option<u32>,
}

#[derive(Debug, Serialize)]
struct Page {
    layout: Layout,
    accounts: Vec<Health>,
}

/// Why an account is not active, in words.
fn reason(status: &AccountStatus) -> String {
    match status {
        AccountStatus::Active => String::new(),
        AccountStatus::Paused { reason } => reason.clone(),
        AccountStatus::Restricted { until } => {
            format!("restricted by LinkedIn until {} UTC", shown(*until))
        }
        AccountStatus::NeedsCredentials => {
            "the session expired: store new cookies with `overture account set`".to_owned()
        }
    }
}

async fn health(state: &AppState, account: &Account) -> Result<Health, WebError> {
    let report = state
        .store
        .account_health(account.workspace_id, account.id, state.clock.now())
        .await?;
    let h = report.health;
    Ok(Health {
        id: account.id.get(),
        name: account.name.clone(),
        kind: account.kind.to_string(),
        state: account.status.name(),
        reason: reason(&account.status),
        pending: h.pending,
        pending_cap: h.pending_cap,
        pending_cap_setting: h.pending_cap_setting,
        week_used: h.invites_7d,
        week_cap: h.invite_week_cap,
    })
}

/// `GET /`.
pub(super) async fn page(
    State(state): State<AppState>,
    signed: Signed,
) -> Result<Response, WebError> {
    let mut accounts = Vec::new();
    for account in state.store.accounts(signed.workspace).await? {
        accounts.push(health(&state, &account).await?);
    }
    let layout = layout(&state, &signed, "overview").await?;
    Ok(render("overview.html", Page { layout, accounts }))
}
