//! `GET /campaigns`: each campaign's funnel (enrolled → invited → accepted → replied) and a
//! start/pause button; `GET /campaigns/{id}`: the funnel and the comparison of its text
//! variants; `POST /campaigns/{id}/status`: start or pause (members and up).

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use overture_auth::Action;
use overture_core::variants::summarize;
use overture_core::{Campaign, CampaignId, EnrollmentState, InvitationState, WorkspaceId};
use overture_store::step_tallies;
use serde::{Deserialize, Serialize};

use super::{all_invitations, percent};
use crate::AppState;
use crate::web::render::{WebError, render};
use crate::web::session::{Layout, Signed, layout};

#[derive(Debug, Default, Clone, Copy, Serialize, PartialEq, Eq)]
pub(crate) struct Funnel {
    pub(crate) enrolled: u64,
    pub(crate) invited: u64,
    pub(crate) accepted: u64,
    pub(crate) replied: u64,
}

#[derive(Debug, Serialize)]
struct Row {
    id: i64,
    name: String,
    status: &'static str,
    version: u32,
    funnel: Funnel,
    accept_rate: String,
    reply_rate: String,
    can_start: bool,
    can_pause: bool,
}

#[derive(Debug, Serialize)]
struct ListPage {
    layout: Layout,
    campaigns: Vec<Row>,
}

/// Invited and accepted per campaign, from every invitation of the workspace.
async fn invitation_counts(
    state: &AppState,
    ws: WorkspaceId,
) -> Result<BTreeMap<CampaignId, (u64, u64)>, WebError> {
    let mut counts: BTreeMap<CampaignId, (u64, u64)> = BTreeMap::new();
    for i in all_invitations(state, ws).await? {
        if let Some(c) = i.campaign_id {
            let entry = counts.entry(c).or_default();
            entry.0 += 1;
            if i.state == InvitationState::Accepted {
                entry.1 += 1;
            }
        }
    }
    Ok(counts)
}

async fn funnel(
    state: &AppState,
    campaign: &Campaign,
    invitations: &BTreeMap<CampaignId, (u64, u64)>,
) -> Result<Funnel, WebError> {
    let enrollments = state
        .store
        .enrollments(campaign.workspace_id, campaign.id)
        .await?;
    let (invited, accepted) = invitations.get(&campaign.id).copied().unwrap_or_default();
    let replied = enrollments
        .iter()
        .filter(|e| e.enrollment.state == EnrollmentState::Replied)
        .count();
    Ok(Funnel {
        enrolled: u64::try_from(enrollments.len()).unwrap_or(u64::MAX),
        invited,
        accepted,
        replied: u64::try_from(replied).unwrap_or(u64::MAX),
    })
}

async fn row(
    state: &AppState,
    campaign: &Campaign,
    invitations: &BTreeMap<CampaignId, (u64, u64)>,
) -> Result<Row, WebError> {
    use overture_core::CampaignStatus::{Active, Draft, Paused};
    let funnel = funnel(state, campaign, invitations).await?;
    Ok(Row {
        id: campaign.id.get(),
        name: campaign.name.clone(),
        status: campaign.status.as_str(),
        version: campaign.version,
        accept_rate: percent(funnel.accepted, funnel.invited),
        reply_rate: percent(funnel.replied, funnel.enrolled),
        funnel,
        can_start: matches!(campaign.status, Draft | Paused),
        can_pause: campaign.status == Active,
    })
}

/// `GET /campaigns`.
pub(super) async fn list(
    State(state): State<AppState>,
    signed: Signed,
) -> Result<Response, WebError> {
    let invitations = invitation_counts(&state, signed.workspace).await?;
    let mut campaigns = Vec::new();
    for c in state.store.campaigns(signed.workspace).await? {
        campaigns.push(row(&state, &c, &invitations).await?);
    }
    let layout = layout(&state, &signed, "campaigns").await?;
    Ok(render("campaigns.html", ListPage { layout, campaigns }))
}

#[derive(Debug, Serialize)]
struct Variant {
    number: usize,
    text: String,
    sends: u64,
    successes: u64,
    rate: String,
    best: String,
}

#[derive(Debug, Serialize)]
struct StepRow {
    number: usize,
    label: String,
    kind: &'static str,
    goal: &'static str,
    variants: Vec<Variant>,
}

#[derive(Debug, Serialize)]
struct DetailPage {
    layout: Layout,
    campaign: Row,
    steps: Vec<StepRow>,
}

/// `GET /campaigns/{id}`.
pub(super) async fn detail(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let campaign = state
        .store
        .campaign(signed.workspace, CampaignId(id))
        .await?;
    let invitations = invitation_counts(&state, signed.workspace).await?;
    let stats = state.store.variants(signed.workspace, campaign.id).await?;
    let mut steps = Vec::new();
    for (index, step) in campaign.spec.steps.iter().enumerate() {
        let texts = step.kind.texts();
        let (Some(goal), false) = (step.kind.goal(), texts.is_empty()) else {
            continue;
        };
        let tallies = step_tallies(
            &stats,
            u32::try_from(index).unwrap_or(u32::MAX),
            texts.len(),
        );
        let several = texts.len() > 1;
        let variants = texts
            .iter()
            .zip(summarize(&tallies))
            .enumerate()
            .map(|(i, (text, s))| Variant {
                number: i + 1,
                text: (*text).to_owned(),
                sends: s.tally.sends,
                successes: s.tally.successes,
                rate: percent(s.tally.successes, s.tally.sends),
                best: if several {
                    format!("{:.0}%", s.best * 100.0)
                } else {
                    "—".to_owned()
                },
            })
            .collect();
        steps.push(StepRow {
            number: index + 1,
            label: step.label.clone().unwrap_or_default(),
            kind: step.kind.name(),
            goal: match goal {
                overture_core::variants::Goal::Acceptance => "accepted",
                overture_core::variants::Goal::Reply => "replied",
            },
            variants,
        });
    }
    let row = row(&state, &campaign, &invitations).await?;
    let layout = layout(&state, &signed, "campaigns").await?;
    Ok(render(
        "campaign.html",
        DetailPage {
            layout,
            campaign: row,
            steps,
        },
    ))
}

/// The start/pause form.
#[derive(Debug, Deserialize)]
pub(super) struct StatusForm {
    /// `start` or `pause`.
    to: String,
}

/// `POST /campaigns/{id}/status`.
pub(super) async fn set_status(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
    Form(form): Form<StatusForm>,
) -> Result<Response, WebError> {
    signed.may(Action::WriteData)?;
    let campaign = state
        .store
        .campaign(signed.workspace, CampaignId(id))
        .await?;
    crate::web::actions::set_campaign_status(&state, &campaign, &form.to).await?;
    Ok(Redirect::to(&format!("/campaigns/{}", campaign.id)).into_response())
}
