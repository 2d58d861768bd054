//! `GET /`: each account's health: pending invitations against the cap, the week's
//! invitations against the weekly budget, and its state with the reason.

use axum::extract::State;
use axum::response::Response;
use jiff::SignedDuration;
use overture_core::{Account, AccountStatus, ActionKind};
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
    let now = state.clock.now();
    let pending = state
        .store
        .pending(account.workspace_id, account.id)
        .await?;
    let week_ago = now
        .saturating_sub(SignedDuration::from_hours(7 * 24))
        .unwrap_or(now);
    let history = state
        .store
        .history(account.id, ActionKind::Invite, week_ago)
        .await?;
    let week_used = history
        .effects
        .iter()
        .filter(|t| **t >= week_ago && **t <= now)
        .count();
    Ok(Health {
        id: account.id.get(),
        name: account.name.clone(),
        kind: account.kind.to_string(),
        state: account.status.name(),
        reason: reason(&account.status),
        pending,
        pending_cap: account.governor.max_pending,
        week_used: u64::try_from(week_used).unwrap_or(u64::MAX),
        week_cap: account
            .limits
            .kinds
            .get(&ActionKind::Invite)
            .map(|l| l.per_week),
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
