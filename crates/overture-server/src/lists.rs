//! `/api/v1` lists with filters and cursor pagination: invitations, events, campaigns.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use jiff::SignedDuration;
use overture_auth::Action;
use overture_core::{AccountId, EventId, EventKind, InvitationId, InvitationState};
use overture_store::{EventQuery, InvitationQuery};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::caller::{ApiError, Caller, ErrorBody};

/// The most items a page holds.
const MAX_PAGE: u32 = 500;

/// A page of items and the cursor of the next one.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    /// The items, by id.
    pub items: Vec<T>,
    /// Pass it as `after` for the next page; absent on the last one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<i64>,
}

/// The page size asked for: 1 to [`MAX_PAGE`], 100 when not given.
pub(crate) fn page_size(limit: Option<u32>) -> Result<u32, ApiError> {
    match limit {
        None => Ok(100),
        Some(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
        Some(n) => Err(ApiError::BadRequest(format!(
            "limit {n}: ask for 1 to {MAX_PAGE} items a page"
        ))),
    }
}

/// The filters of the invitations list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvitationFilter {
    /// Only this state: `pending`, `accepted`, `withdrawn`, `ignored` or `vanished`.
    pub state: Option<String>,
    /// Only those sent more than this many days ago (at most 36,500).
    #[param(minimum = 0, maximum = 36500)]
    pub older_than_days: Option<u32>,
    /// Only this sender's.
    pub account: Option<i64>,
    /// The previous page's `next`.
    pub after: Option<i64>,
    /// How many (1 to 500, 100 by default).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

/// An invitation.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InvitationView {
    /// Its id.
    pub id: i64,
    /// The sender account.
    pub account_id: i64,
    /// The lead.
    pub lead_id: i64,
    /// The campaign, if one sent it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub campaign_id: Option<i64>,
    /// Where it stands.
    pub state: String,
    /// When it was sent (RFC 3339).
    pub sent_at: String,
    /// Whole days since it was sent.
    pub age_days: i64,
    /// Whether it carried a note.
    pub with_note: bool,
}

/// The workspace's invitations, filtered, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/invitations",
    tag = "invitations",
    security(("token" = [])),
    params(InvitationFilter),
    responses(
        (status = 200, body = Page<InvitationView>),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
    )
)]
pub async fn list_invitations(
    State(state): State<AppState>,
    caller: Caller,
    filter: Result<Query<InvitationFilter>, QueryRejection>,
) -> Result<Json<Page<InvitationView>>, ApiError> {
    caller.may(Action::ReadData)?;
    let Query(filter) = filter.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let wanted = match &filter.state {
        Some(name) => Some(
            name.parse::<InvitationState>()
                .map_err(|e| ApiError::BadRequest(format!("state: {e}")))?,
        ),
        None => None,
    };
    if filter.older_than_days.is_some_and(|d| d > 36_500) {
        return Err(ApiError::BadRequest(
            "older_than_days: at most 36500 (a hundred years)".into(),
        ));
    }
    let now = state.clock.now();
    let sent_before = filter.older_than_days.map(|days| {
        now.checked_sub(SignedDuration::from_hours(24 * i64::from(days)))
            .unwrap_or(now)
    });
    let limit = page_size(filter.limit)?;
    let query = InvitationQuery {
        after: filter.after.map(InvitationId::from),
        account: filter.account.map(AccountId::from),
        state: wanted,
        sent_before,
        limit: limit + 1,
    };
    let mut rows = state.store.invitations(caller.workspace, query).await?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next = more.then(|| rows.last().map(|i| i.id.get())).flatten();
    let items = rows
        .into_iter()
        .map(|i| InvitationView {
            id: i.id.get(),
            account_id: i.account_id.get(),
            lead_id: i.lead_id.get(),
            campaign_id: i.campaign_id.map(|c| c.get()),
            state: i.state.to_string(),
            sent_at: i.sent_at.to_string(),
            age_days: now.duration_since(i.sent_at).as_hours() / 24,
            with_note: i.note.is_some(),
        })
        .collect();
    Ok(Json(Page { items, next }))
}

/// The filters of the events list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventFilter {
    /// Only this kind (`invite_accepted`, `reply_received`, …).
    pub kind: Option<String>,
    /// The previous page's `next` (or the last id seen, to follow the feed).
    pub after: Option<i64>,
    /// How many (1 to 500, 100 by default).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

/// An event.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventView {
    /// Its id.
    pub id: i64,
    /// What happened.
    pub kind: String,
    /// When (RFC 3339).
    pub at: String,
    /// The account, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<i64>,
    /// The lead, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_id: Option<i64>,
    /// The campaign, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub campaign_id: Option<i64>,
    /// The details, as recorded.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

/// The workspace's events, oldest first, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/events",
    tag = "events",
    security(("token" = [])),
    params(EventFilter),
    responses(
        (status = 200, body = Page<EventView>),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
    )
)]
pub async fn list_events(
    State(state): State<AppState>,
    caller: Caller,
    filter: Result<Query<EventFilter>, QueryRejection>,
) -> Result<Json<Page<EventView>>, ApiError> {
    caller.may(Action::ReadData)?;
    let Query(filter) = filter.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let kinds = match &filter.kind {
        Some(name) => vec![
            name.parse::<EventKind>()
                .map_err(|e| ApiError::BadRequest(format!("kind: {e}")))?,
        ],
        None => Vec::new(),
    };
    let limit = page_size(filter.limit)?;
    let query = EventQuery {
        after: filter.after.map(EventId::from),
        kinds,
        limit: limit + 1,
    };
    let mut rows = state.store.events(caller.workspace, query).await?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next = more.then(|| rows.last().map(|e| e.id.get())).flatten();
    let items = rows
        .into_iter()
        .map(|e| EventView {
            id: e.id.get(),
            kind: e.event.kind.to_string(),
            at: e.event.at.to_string(),
            account_id: e.event.account_id.map(|a| a.get()),
            lead_id: e.event.lead_id.map(|l| l.get()),
            campaign_id: e.event.campaign_id.map(|c| c.get()),
            data: serde_json::from_str(&e.event.data).unwrap_or(serde_json::Value::Null),
        })
        .collect();
    Ok(Json(Page { items, next }))
}

/// A campaign.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CampaignView {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// `draft`, `active`, `paused` or `archived`.
    pub status: String,
    /// Its stored version.
    pub version: u32,
    /// Its sender accounts.
    pub accounts: Vec<String>,
    /// Its mailboxes.
    pub mailboxes: Vec<String>,
    /// How many steps it has.
    pub steps: usize,
}

/// The workspace's campaigns.
#[utoipa::path(
    get,
    path = "/api/v1/campaigns",
    tag = "campaigns",
    security(("token" = [])),
    responses((status = 200, body = [CampaignView]), (status = 401, body = ErrorBody))
)]
pub async fn list_campaigns(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<CampaignView>>, ApiError> {
    caller.may(Action::ReadData)?;
    let list = state.store.campaigns(caller.workspace).await?;
    Ok(Json(list.into_iter().map(campaign_view).collect()))
}

/// A campaign as the API shows it.
pub(crate) fn campaign_view(c: overture_core::Campaign) -> CampaignView {
    CampaignView {
        id: c.id.get(),
        name: c.name,
        status: c.status.to_string(),
        version: c.version,
        steps: c.spec.steps.len(),
        accounts: c.spec.accounts,
        mailboxes: c.spec.mailboxes,
    }
}
