//! `GET /invitations`: the invitations table (age, state, account, lead), filtered by state
//! and by age, in cursor pages; `POST /invitations/withdraw`: withdraw one or a selection
//! through the governor.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use axum::extract::{Query, State};
use axum::response::Response;
use jiff::SignedDuration;
use overture_core::{Invitation, InvitationId, InvitationState, Lead, LeadId, WorkspaceId};
use overture_store::InvitationQuery;
use serde::{Deserialize, Serialize};

use super::{Names, days, shown};
use crate::AppState;
use crate::web::render::{WebError, render};
use crate::web::session::{Layout, Signed, layout};

/// Rows per page.
const PAGE: u32 = 50;

/// The table's filters and cursor.
#[derive(Debug, Default, Deserialize, Serialize)]
pub(super) struct Filters {
    /// `pending`, `accepted`, … or empty for every state.
    #[serde(default)]
    state: String,
    /// Only invitations at least this many days old (empty: any age).
    #[serde(default)]
    older_than: String,
    /// The last id of the previous page.
    #[serde(default)]
    after: Option<i64>,
}

#[derive(Debug, Serialize)]
struct Row {
    id: i64,
    lead: String,
    profile_url: String,
    account: String,
    state: &'static str,
    age_days: i64,
    sent_at: String,
    campaign: String,
    pending: bool,
}

#[derive(Debug, Serialize)]
struct Page {
    layout: Layout,
    rows: Vec<Row>,
    state: String,
    older_than: String,
    states: [&'static str; 5],
    next: Option<i64>,
    notice: Option<String>,
}

/// A lead's name, or its profile when it has none.
pub(crate) fn lead_name(lead: &Lead) -> String {
    let name = [&lead.data.first_name, &lead.data.last_name]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ");
    if name.is_empty() {
        lead.data.profile_url.to_string()
    } else {
        name
    }
}

/// Reads the filters into a store query; a bad value names the field.
fn query(f: &Filters, now: jiff::Timestamp) -> Result<InvitationQuery, WebError> {
    let state = match f.state.trim() {
        "" | "any" => None,
        text => Some(text.parse::<InvitationState>().map_err(|_| {
            WebError::BadRequest(format!(
                "state `{text}` is not one of pending, accepted, withdrawn, ignored, vanished"
            ))
        })?),
    };
    let sent_before = match f.older_than.trim() {
        "" => None,
        text => {
            let d: i64 = text
                .parse()
                .ok()
                .filter(|d| (0..=3650).contains(d))
                .ok_or_else(|| {
                    WebError::BadRequest(format!(
                        "older_than `{text}` is not a number of days between 0 and 3650"
                    ))
                })?;
            // An invitation `d` days old or more was sent at or before now − d days.
            Some(now - SignedDuration::from_hours(d * 24) + SignedDuration::from_millis(1))
        }
    };
    Ok(InvitationQuery {
        after: f.after.map(InvitationId),
        account: None,
        state,
        sent_before,
        limit: PAGE,
    })
}

/// The rows of `invitations`, with their leads', accounts' and campaigns' names.
async fn rows(
    state: &AppState,
    ws: WorkspaceId,
    invitations: &[Invitation],
) -> Result<Vec<Row>, WebError> {
    let now = state.clock.now();
    let names = Names::of(state, ws).await?;
    let mut leads: BTreeMap<LeadId, Lead> = BTreeMap::new();
    let mut out = Vec::with_capacity(invitations.len());
    for i in invitations {
        let lead = match leads.entry(i.lead_id) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(state.store.lead(ws, i.lead_id).await?),
        };
        out.push(Row {
            id: i.id.get(),
            lead: lead_name(lead),
            profile_url: lead.data.profile_url.to_string(),
            account: names.account(Some(i.account_id)),
            state: i.state.as_str(),
            age_days: days(i.sent_at, now),
            sent_at: shown(i.sent_at),
            campaign: names
                .campaign(i.campaign_id)
                .unwrap_or_else(|| "(by hand)".to_owned()),
            pending: i.state == InvitationState::Pending,
        });
    }
    Ok(out)
}

/// The page, with an optional notice (after a withdrawal).
pub(super) async fn render_page(
    state: &AppState,
    signed: &Signed,
    filters: &Filters,
    notice: Option<String>,
) -> Result<Response, WebError> {
    let q = query(filters, state.clock.now())?;
    let invitations = state.store.invitations(signed.workspace, q).await?;
    let next = (invitations.len() == PAGE as usize)
        .then(|| invitations.last().map(|i| i.id.get()))
        .flatten();
    let rows = rows(state, signed.workspace, &invitations).await?;
    let layout = layout(state, signed, "invitations").await?;
    Ok(render(
        "invitations.html",
        Page {
            layout,
            rows,
            state: filters.state.clone(),
            older_than: filters.older_than.clone(),
            states: ["pending", "accepted", "withdrawn", "ignored", "vanished"],
            next,
            notice,
        },
    ))
}

/// `GET /invitations`.
pub(super) async fn page(
    State(state): State<AppState>,
    signed: Signed,
    Query(filters): Query<Filters>,
) -> Result<Response, WebError> {
    render_page(&state, &signed, &filters, None).await
}

/// `POST /invitations/withdraw`: `one=ID` (a row's button) or every checked `ids=ID`, queued
/// through the governor.
pub(super) async fn withdraw(
    State(state): State<AppState>,
    signed: Signed,
    body: axum::body::Bytes,
) -> Result<Response, WebError> {
    signed.may(overture_auth::Action::WriteData)?;
    let mut one = None;
    let mut ids = Vec::new();
    let mut filters = Filters::default();
    for (key, value) in url::form_urlencoded::parse(&body) {
        let id = || {
            value.trim().parse::<i64>().map(InvitationId).map_err(|_| {
                WebError::BadRequest(format!("`{key}` must be an invitation id, not `{value}`"))
            })
        };
        match key.as_ref() {
            "one" => one = Some(id()?),
            "ids" => ids.push(id()?),
            "state" => filters.state = value.into_owned(),
            "older_than" => filters.older_than = value.into_owned(),
            _ => {}
        }
    }
    let chosen = match one {
        Some(id) => vec![id],
        None => ids,
    };
    if chosen.is_empty() {
        return Err(WebError::BadRequest(
            "Tick the invitations to withdraw first.".to_owned(),
        ));
    }
    let notice = crate::web::actions::withdraw(&state, signed.workspace, &chosen).await?;
    render_page(&state, &signed, &filters, Some(notice)).await
}
