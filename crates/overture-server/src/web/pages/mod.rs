//! The dashboard's pages, one file per page.

mod campaigns;
mod charts;
mod events;
mod invitations;
mod leads;
mod overview;

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use jiff::Timestamp;
use overture_core::{AccountId, CampaignId, Invitation, InvitationId, WorkspaceId};
use overture_store::InvitationQuery;

use super::csrf::MAX_BODY;
use super::render::WebError;
use crate::AppState;

/// Invitations read per store page when a page needs them all.
const BATCH: u32 = 5000;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(overview::page))
        .route("/campaigns", get(campaigns::list))
        .route("/campaigns/{id}", get(campaigns::detail))
        .route("/campaigns/{id}/status", post(campaigns::set_status))
        .route("/invitations", get(invitations::page))
        .route("/invitations/withdraw", post(invitations::withdraw))
        .route("/charts", get(charts::page))
        .route(
            "/leads",
            get(leads::page)
                .post(leads::upload)
                .layer(DefaultBodyLimit::max(MAX_BODY)),
        )
        .route("/events", get(events::page))
        .route("/events/feed", get(events::feed))
}

/// An instant as pages show it: `2026-03-02 09:00` (UTC).
pub(crate) fn shown(at: Timestamp) -> String {
    at.strftime("%Y-%m-%d %H:%M").to_string()
}

/// Whole days of 24 hours from `from` to `to`, rounded down (0 for a later `from`).
pub(crate) fn days(from: Timestamp, to: Timestamp) -> i64 {
    (to.duration_since(from).as_secs() / 86_400).max(0)
}

/// A share as a percentage with one decimal, `—` when there is nothing to divide by.
pub(crate) fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "—".to_owned();
    }
    // Counts far below 2^52: the conversion is exact.
    #[allow(clippy::cast_precision_loss)]
    let share = part as f64 * 100.0 / whole as f64;
    format!("{share:.1}%")
}

/// The names of the workspace's accounts and campaigns, by id, for tables.
pub(crate) struct Names {
    pub(crate) accounts: BTreeMap<AccountId, String>,
    pub(crate) campaigns: BTreeMap<CampaignId, String>,
}

impl Names {
    pub(crate) async fn of(state: &AppState, ws: WorkspaceId) -> Result<Self, WebError> {
        let accounts = state.store.accounts(ws).await?;
        let campaigns = state.store.campaigns(ws).await?;
        Ok(Self {
            accounts: accounts.into_iter().map(|a| (a.id, a.name)).collect(),
            campaigns: campaigns.into_iter().map(|c| (c.id, c.name)).collect(),
        })
    }

    /// An account's name, or nothing.
    pub(crate) fn account(&self, id: Option<AccountId>) -> String {
        id.and_then(|a| self.accounts.get(&a).cloned())
            .unwrap_or_default()
    }

    /// A campaign's name, or nothing.
    pub(crate) fn campaign(&self, id: Option<CampaignId>) -> Option<String> {
        id.and_then(|c| self.campaigns.get(&c).cloned())
    }
}

/// Every invitation of the workspace, in id order (for counts and charts).
pub(crate) async fn all_invitations(
    state: &AppState,
    ws: WorkspaceId,
) -> Result<Vec<Invitation>, WebError> {
    let mut all = Vec::new();
    let mut after: Option<InvitationId> = None;
    loop {
        let query = InvitationQuery {
            after,
            account: None,
            state: None,
            sent_before: None,
            limit: BATCH,
        };
        let page = state.store.invitations(ws, query).await?;
        let full = page.len() == BATCH as usize;
        after = page.last().map(|i| i.id);
        all.extend(page);
        if !full {
            return Ok(all);
        }
    }
}
