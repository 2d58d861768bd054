//! `GET /events`: the live event feed, newest first. htmx polls `GET /events/feed?after=ID`
//! every 3 seconds for newer events and puts them on top; without JavaScript a link reloads
//! the page.

use axum::extract::{Query, State};
use axum::response::Response;
use overture_core::{Event, EventId, WorkspaceId};
use overture_store::EventQuery;
use serde::{Deserialize, Serialize};

use super::{Names, shown};
use crate::AppState;
use crate::web::render::{WebError, render};
use crate::web::session::{Layout, Signed, layout};

/// The most events the page shows, and a poll brings.
const SHOWN: usize = 100;
/// Events read per store page while looking for the newest.
const BATCH: u32 = 1000;

#[derive(Debug, Serialize)]
struct Row {
    id: i64,
    at: String,
    kind: &'static str,
    account: String,
    lead: Option<i64>,
    campaign: String,
    data: String,
}

#[derive(Debug, Serialize)]
struct Page {
    layout: Layout,
    rows: Vec<Row>,
    last: i64,
}

#[derive(Debug, Serialize)]
struct Feed {
    rows: Vec<Row>,
    last: i64,
}

/// `?after=` of the poll.
#[derive(Debug, Deserialize)]
pub(super) struct After {
    #[serde(default)]
    after: i64,
}

/// The newest events after `after`, at most [`SHOWN`], newest first.
async fn newest(state: &AppState, ws: WorkspaceId, after: i64) -> Result<Vec<Event>, WebError> {
    let mut cursor = (after > 0).then_some(EventId(after));
    let mut kept: Vec<Event> = Vec::new();
    loop {
        let page = state
            .store
            .events(
                ws,
                EventQuery {
                    after: cursor,
                    kinds: Vec::new(),
                    limit: BATCH,
                },
            )
            .await?;
        let full = page.len() == BATCH as usize;
        cursor = page.last().map(|e| e.id);
        kept.extend(page);
        if kept.len() > SHOWN {
            kept.drain(..kept.len() - SHOWN);
        }
        if !full {
            break;
        }
    }
    kept.reverse();
    Ok(kept)
}

async fn rows(state: &AppState, ws: WorkspaceId, events: Vec<Event>) -> Result<Vec<Row>, WebError> {
    let names = Names::of(state, ws).await?;
    Ok(events
        .into_iter()
        .map(|e| Row {
            id: e.id.get(),
            at: shown(e.event.at),
            kind: e.event.kind.as_str(),
            account: names.account(e.event.account_id),
            lead: e.event.lead_id.map(|l| l.get()),
            campaign: names.campaign(e.event.campaign_id).unwrap_or_default(),
            data: if e.event.data == "{}" {
                String::new()
            } else {
                e.event.data
            },
        })
        .collect())
}

/// `GET /events`.
pub(super) async fn page(
    State(state): State<AppState>,
    signed: Signed,
) -> Result<Response, WebError> {
    let events = newest(&state, signed.workspace, 0).await?;
    let last = events.first().map_or(0, |e| e.id.get());
    let rows = rows(&state, signed.workspace, events).await?;
    let layout = layout(&state, &signed, "events").await?;
    Ok(render("events.html", Page { layout, rows, last }))
}

/// `GET /events/feed?after=ID`: the rows newer than `ID`, and the poller for the next ones.
pub(super) async fn feed(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<After>,
) -> Result<Response, WebError> {
    let events = newest(&state, signed.workspace, q.after).await?;
    let last = events.first().map_or(q.after, |e| e.id.get());
    let rows = rows(&state, signed.workspace, events).await?;
    Ok(render("event_rows.html", Feed { rows, last }))
}
