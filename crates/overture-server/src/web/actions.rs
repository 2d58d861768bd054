//! What the dashboard's forms change, through the server's use cases ([`crate::ops::Ops`]),
//! the same as the API's and the command line's, and what they did in words.

use overture_core::{Campaign, InvitationId, WorkspaceId};

use super::render::WebError;
use crate::AppState;
use crate::ops::{OpsError, Problem};

/// A problem as a line of text: `line 3, email: not an address`.
fn problem_text(p: &Problem) -> String {
    let mut place = Vec::new();
    if let Some(line) = p.line {
        place.push(format!("line {line}"));
    }
    if let Some(column) = p.column {
        place.push(format!("column {column}"));
    }
    if let Some(field) = &p.field {
        place.push(field.clone());
    }
    if place.is_empty() {
        p.message.clone()
    } else {
        format!("{}: {}", place.join(", "), p.message)
    }
}

/// The summary and every problem after it.
fn with_problems(message: String, problems: &[Problem]) -> String {
    let listed: Vec<String> = problems
        .iter()
        .map(problem_text)
        .filter(|p| *p != message)
        .collect();
    if listed.is_empty() {
        message
    } else {
        format!("{message} — {}", listed.join("; "))
    }
}

impl From<OpsError> for WebError {
    fn from(e: OpsError) -> Self {
        match e {
            OpsError::NotFound => WebError::NotFound,
            OpsError::Invalid { message, problems } => {
                WebError::BadRequest(with_problems(message, &problems))
            }
            OpsError::Conflict { message, problems } => {
                WebError::Conflict(with_problems(message, &problems))
            }
            OpsError::Store(e) => e.into(),
            OpsError::Internal(message) => {
                tracing::error!(error = %message, "dashboard: a use case failed");
                WebError::Internal
            }
        }
    }
}

/// Starts (`start`) or pauses (`pause`) a campaign; starting enrolls its list's new leads.
pub(crate) async fn set_campaign_status(
    state: &AppState,
    campaign: &Campaign,
    to: &str,
) -> Result<String, WebError> {
    let (ws, id) = (campaign.workspace_id, campaign.id);
    match to {
        "pause" => {
            state.store.pause_campaign(ws, id).await?;
            Ok(format!(
                "Campaign {} is paused; start it again to resume.",
                campaign.name
            ))
        }
        "start" => {
            let started = state
                .store
                .start_campaign(ws, id, false, state.clock.now())
                .await?;
            Ok(format!(
                "Campaign {} is active; {} new lead(s) enrolled. The engine of `overture serve` carries it out.",
                campaign.name, started.enrolled
            ))
        }
        other => Err(WebError::BadRequest(format!(
            "`to` must be start or pause, not `{other}`"
        ))),
    }
}

/// Imports an uploaded CSV onto `list`, all or nothing; what it did, in words.
pub(crate) async fn import_leads(
    state: &AppState,
    ws: WorkspaceId,
    list: &str,
    file: Option<Vec<u8>>,
) -> Result<String, WebError> {
    let Some(csv) = file.filter(|f| !f.is_empty()) else {
        return Err(WebError::BadRequest(
            "file: choose a CSV file to upload (it was missing or empty)".to_owned(),
        ));
    };
    let done = state
        .store
        .import_leads_csv(ws, &csv, Some(list), state.clock.now())
        .await?;
    Ok(format!(
        "Imported onto {}: {} new, {} updated, {} unchanged, {} duplicate row(s) merged.",
        done.list, done.imported, done.updated, done.unchanged, done.duplicates_merged
    ))
}

/// Queues the withdrawal of these invitations through the governor; what it did, in words.
pub(crate) async fn withdraw(
    state: &AppState,
    ws: WorkspaceId,
    ids: &[InvitationId],
) -> Result<String, WebError> {
    let outcome = state
        .store
        .withdraw_invitations(ws, ids, state.config.seed, state.clock.now())
        .await?;
    let mut parts = vec![format!("{} withdrawal(s) queued", outcome.queued.len())];
    for (n, what) in [
        (outcome.already_queued.len(), "already queued"),
        (outcome.not_pending.len(), "no longer pending"),
        (
            outcome.kept_by_policy.len(),
            "kept by the account's policy (too young, or sent by hand)",
        ),
        (
            outcome.not_today.len(),
            "beyond today's withdrawal limit (ask again tomorrow)",
        ),
    ] {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    }
    Ok(format!(
        "{}. The engine carries withdrawals out inside each account's limits and working hours.",
        parts.join("; ")
    ))
}
