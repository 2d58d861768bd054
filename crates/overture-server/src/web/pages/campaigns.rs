//! `GET /campaigns`: each campaign's funnel (enrolled → invited → accepted → replied) and a
//! start/pause button; `GET /campaigns/{id}`: the funnel and the comparison of its text
//! variants; `POST /campaigns/{id}/status`: start or pause (members and up). The numbers are
//! the server's use cases' (`overture_engine::stats`), as `overture campaign stats` shows them.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use overture_auth::Action;
use overture_core::variants::Goal;
use overture_core::{Campaign, CampaignId, CampaignStatus};
use overture_engine::stats::{Funnel, StatsReport};
use serde::{Deserialize, Serialize};

use super::percent;
use crate::AppState;
use crate::web::render::{WebError, render};
use crate::web::session::{Layout, Signed, layout};

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

fn row(campaign: &Campaign, funnel: Funnel) -> Row {
    Row {
        id: campaign.id.get(),
        name: campaign.name.clone(),
        status: campaign.status.as_str(),
        version: campaign.version,
        accept_rate: percent(funnel.accepted, funnel.invited),
        reply_rate: percent(funnel.replied, funnel.enrolled),
        funnel,
        can_start: matches!(
            campaign.status,
            CampaignStatus::Draft | CampaignStatus::Paused
        ),
        can_pause: campaign.status == CampaignStatus::Active,
    }
}

/// `GET /campaigns`.
pub(super) async fn list(
    State(state): State<AppState>,
    signed: Signed,
) -> Result<Response, WebError> {
    let mut campaigns = Vec::new();
    for c in state.store.campaigns(signed.workspace).await? {
        let stats = state.store.campaign_stats(signed.workspace, c.id).await?;
        campaigns.push(row(&c, stats.funnel));
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
    notice: Option<String>,
}

/// The variant tables of a campaign's report.
fn steps(report: &StatsReport) -> Vec<StepRow> {
    report
        .steps
        .iter()
        .map(|s| StepRow {
            number: s.step,
            label: s.label.clone().unwrap_or_default(),
            kind: s.kind,
            goal: match s.goal {
                Goal::Acceptance => "accepted",
                Goal::Reply => "replied",
            },
            variants: s
                .variants
                .iter()
                .map(|v| Variant {
                    number: v.variant,
                    text: v.text.clone(),
                    sends: v.sends,
                    successes: v.successes,
                    rate: percent(v.successes, v.sends),
                    best: v
                        .p_best
                        .map_or_else(|| "—".to_owned(), |p| format!("{:.0}%", p * 100.0)),
                })
                .collect(),
        })
        .collect()
}

/// The detail page, with what a button just did.
async fn detail_page(
    state: &AppState,
    signed: &Signed,
    id: CampaignId,
    notice: Option<String>,
) -> Result<Response, WebError> {
    let campaign = state.store.campaign(signed.workspace, id).await?;
    let stats = state.store.campaign_stats(signed.workspace, id).await?;
    let layout = layout(state, signed, "campaigns").await?;
    Ok(render(
        "campaign.html",
        DetailPage {
            layout,
            campaign: row(&campaign, stats.funnel),
            steps: steps(&stats.variants),
            notice,
        },
    ))
}

/// `GET /campaigns/{id}`.
pub(super) async fn detail(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    detail_page(&state, &signed, CampaignId(id), None).await
}

/// The start/pause form.
#[derive(Debug, Deserialize)]
pub(super) struct StatusForm {
    /// `start` or `pause`.
    to: String,
}

/// `POST /campaigns/{id}/status`: answers with the campaign's page and what changed.
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
    let notice = crate::web::actions::set_campaign_status(&state, &campaign, &form.to).await?;
    detail_page(&state, &signed, campaign.id, Some(notice)).await
}
