//! `GET /charts`: acceptance over time (invitations sent and accepted per ISO week of their
//! sending) and time to accept (a histogram in days). Each chart has a table of the same
//! numbers; the script draws the charts from the JSON the page carries.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::response::Response;
use overture_core::{Invitation, InvitationState};
use serde::Serialize;

use super::{all_invitations, days, percent};
use crate::AppState;
use crate::web::render::{WebError, render};
use crate::web::session::{Layout, Signed, layout};

/// The histogram's buckets: 0, 1, … 13 days, then 14 days or more.
const BUCKETS: usize = 15;

#[derive(Debug, Serialize, PartialEq)]
pub(crate) struct Week {
    /// The Monday of the week, `2026-03-02`.
    pub(crate) week: String,
    pub(crate) sent: u64,
    pub(crate) accepted: u64,
    pub(crate) rate: String,
}

#[derive(Debug, Serialize, PartialEq)]
pub(crate) struct Bucket {
    pub(crate) label: String,
    pub(crate) days: usize,
    pub(crate) count: u64,
}

#[derive(Debug, Serialize)]
struct Page {
    layout: Layout,
    weeks: Vec<Week>,
    buckets: Vec<Bucket>,
    data: String,
}

/// Sent and accepted per week of sending (weeks start on Monday, UTC), oldest first.
pub(crate) fn weeks(invitations: &[Invitation]) -> Vec<Week> {
    let mut by_week: BTreeMap<jiff::civil::Date, (u64, u64)> = BTreeMap::new();
    for i in invitations {
        let day = i.sent_at.to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
        let back = i64::from(day.weekday().to_monday_zero_offset());
        let monday = day.checked_sub(jiff::Span::new().days(back)).unwrap_or(day);
        let entry = by_week.entry(monday).or_default();
        entry.0 += 1;
        if i.state == InvitationState::Accepted {
            entry.1 += 1;
        }
    }
    by_week
        .into_iter()
        .map(|(monday, (sent, accepted))| Week {
            week: monday.to_string(),
            sent,
            accepted,
            rate: percent(accepted, sent),
        })
        .collect()
}

/// How many accepted invitations were accepted after 0, 1, … days (the last bucket: 14 or
/// more).
pub(crate) fn buckets(invitations: &[Invitation]) -> Vec<Bucket> {
    let mut counts = [0u64; BUCKETS];
    for i in invitations {
        if let (InvitationState::Accepted, Some(at)) = (i.state, i.resolved_at) {
            let d = usize::try_from(days(i.sent_at, at))
                .unwrap_or(0)
                .min(BUCKETS - 1);
            counts[d] += 1;
        }
    }
    counts
        .iter()
        .enumerate()
        .map(|(d, &count)| Bucket {
            label: if d == BUCKETS - 1 {
                format!("{d}+ days")
            } else if d == 1 {
                "1 day".to_owned()
            } else {
                format!("{d} days")
            },
            days: d,
            count,
        })
        .collect()
}

/// `GET /charts`.
pub(super) async fn page(
    State(state): State<AppState>,
    signed: Signed,
) -> Result<Response, WebError> {
    let invitations = all_invitations(&state, signed.workspace).await?;
    let weeks = weeks(&invitations);
    let buckets = buckets(&invitations);
    let data = serde_json::json!({
        "weeks": {
            "labels": weeks.iter().map(|w| w.week.as_str()).collect::<Vec<_>>(),
            "sent": weeks.iter().map(|w| w.sent).collect::<Vec<_>>(),
            "accepted": weeks.iter().map(|w| w.accepted).collect::<Vec<_>>(),
        },
        "accept": {
            "x": buckets.iter().map(|b| b.days).collect::<Vec<_>>(),
            "count": buckets.iter().map(|b| b.count).collect::<Vec<_>>(),
        },
    })
    .to_string();
    let layout = layout(&state, &signed, "charts").await?;
    Ok(render(
        "charts.html",
        Page {
            layout,
            weeks,
            buckets,
            data,
        },
    ))
}
