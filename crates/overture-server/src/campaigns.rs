//! `/api/v1/campaigns`: storing a campaign from YAML or JSON, validating one, starting,
//! pausing, and its numbers.

use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use overture_auth::Action;
use overture_core::CampaignId;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::caller::{ApiError, Caller, ErrorBody, path_id};
use crate::lists::{CampaignView, campaign_view};
use crate::ops::{Problem, SourceFormat};

/// The definition's format, from the request's content type: JSON, or YAML (also when none
/// is given, as campaign files are).
fn format(headers: &HeaderMap) -> Result<SourceFormat, ApiError> {
    let given = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    match given.as_deref() {
        Some("application/json") => Ok(SourceFormat::Json),
        None | Some("application/yaml" | "application/x-yaml" | "text/yaml" | "text/x-yaml") => {
            Ok(SourceFormat::Yaml)
        }
        Some(other) => Err(ApiError::UnsupportedMediaType(format!(
            "`{other}`: send the campaign as YAML (`Content-Type: application/yaml`) or JSON \
             (`application/json`)"
        ))),
    }
}

/// The body as text; an empty body is refused.
fn text(body: &[u8]) -> Result<&str, ApiError> {
    let text = std::str::from_utf8(body).map_err(|e| {
        ApiError::BadRequest(format!(
            "the campaign is not UTF-8 text (byte {}); save it as UTF-8",
            e.valid_up_to()
        ))
    })?;
    if text.trim().is_empty() {
        return Err(ApiError::BadRequest(
            "the body is empty: send the campaign definition (YAML or JSON)".into(),
        ));
    }
    Ok(text)
}

/// A stored campaign.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StoredView {
    /// The campaign as stored now.
    pub campaign: CampaignView,
    /// Whether a new version was stored (false when the text is the stored one).
    pub changed: bool,
}

/// Stores a campaign from its definition, in YAML (`application/yaml`, as campaign files are)
/// or JSON (`application/json`, the same keys). A definition naming a stored campaign is its
/// next version. A definition that does not read is a 400 listing every problem by line and
/// column, and nothing is stored. Its texts are checked when it starts.
#[utoipa::path(
    post,
    path = "/api/v1/campaigns",
    tag = "campaigns",
    security(("token" = [])),
    request_body(
        content(
            (String = "application/yaml"),
            (Object = "application/json"),
        ),
        description = "The campaign definition (docs/campaigns.md)"
    ),
    responses(
        (status = 201, body = StoredView, description = "Stored (a new campaign or version)"),
        (status = 200, body = StoredView, description = "Unchanged"),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 415, body = ErrorBody),
    )
)]
pub async fn create_campaign(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<StoredView>), ApiError> {
    caller.may(Action::WriteData)?;
    let format = format(&headers)?;
    let stored = state
        .store
        .create_campaign(caller.workspace, text(&body)?, format, state.clock.now())
        .await?;
    let status = if stored.changed {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(StoredView {
            campaign: campaign_view(stored.campaign),
            changed: stored.changed,
        }),
    ))
}

/// What validating found.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CheckView {
    /// Whether it may be stored and started as it is.
    pub valid: bool,
    /// Its name, once it reads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// How many steps it has.
    pub steps: usize,
    /// What keeps it from starting (texts, senders, leads), by place.
    pub problems: Vec<Problem>,
    /// Every text's lint, the senders' profiles and each lead's rendering, once it reads.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub messages: Option<serde_json::Value>,
}

/// Checks a campaign definition (YAML or JSON, as for storing) against the workspace's
/// accounts and leads, storing nothing. A definition that does not read is a 400 with each
/// problem by line and column, as storing it would be; one that reads answers whether it may
/// start, with every text's lint and rendering for each lead of its list.
#[utoipa::path(
    post,
    path = "/api/v1/campaigns/validate",
    tag = "campaigns",
    security(("token" = [])),
    request_body(
        content(
            (String = "application/yaml"),
            (Object = "application/json"),
        ),
        description = "The campaign definition"
    ),
    responses(
        (status = 200, body = CheckView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 415, body = ErrorBody),
    )
)]
pub async fn validate_campaign(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<CheckView>, ApiError> {
    caller.may(Action::ReadData)?;
    let format = format(&headers)?;
    let check = state
        .store
        .validate_campaign(caller.workspace, text(&body)?, format)
        .await?;
    if check.name.is_none() {
        // It does not read: a 400 with each problem, as storing it would answer.
        let first = check
            .problems
            .first()
            .map_or_else(String::new, |p| p.message.clone());
        return Err(ApiError::Invalid {
            message: format!(
                "the definition does not read: {first} ({} problem(s))",
                check.problems.len()
            ),
            problems: check.problems,
        });
    }
    Ok(Json(CheckView {
        valid: check.valid,
        name: check.name,
        steps: check.steps,
        problems: check.problems,
        messages: check.messages.and_then(|m| serde_json::to_value(m).ok()),
    }))
}

/// How to start.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StartOptions {
    /// Start even when some texts cannot go out to some leads: those leads stop with the
    /// reason instead of getting a text with a gap.
    #[serde(default)]
    pub allow_problems: bool,
}

/// A started campaign.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StartedView {
    /// The campaign, now active.
    pub campaign: CampaignView,
    /// Leads enrolled by this start (starting again enrolls those added since).
    pub enrolled: u64,
}

/// Starts (or resumes) a campaign: it becomes active and its list's leads are enrolled;
/// `overture serve`'s engine carries it out. Texts that cannot go out answer 409 with each
/// problem, unless `allow_problems`.
#[utoipa::path(
    post,
    path = "/api/v1/campaigns/{id}/start",
    tag = "campaigns",
    security(("token" = [])),
    params(("id" = i64, Path, description = "The campaign's id"), StartOptions),
    responses(
        (status = 200, body = StartedView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
    )
)]
pub async fn start_campaign(
    State(state): State<AppState>,
    caller: Caller,
    id: Result<Path<i64>, PathRejection>,
    options: Result<Query<StartOptions>, QueryRejection>,
) -> Result<Json<StartedView>, ApiError> {
    caller.may(Action::WriteData)?;
    let id: CampaignId = path_id(id)?;
    let Query(options) = options.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let started = state
        .store
        .start_campaign(
            caller.workspace,
            id,
            options.allow_problems,
            state.clock.now(),
        )
        .await?;
    Ok(Json(StartedView {
        campaign: campaign_view(started.campaign),
        enrolled: started.enrolled,
    }))
}

/// Pauses a campaign: nothing new is planned for it until it is started again.
#[utoipa::path(
    post,
    path = "/api/v1/campaigns/{id}/pause",
    tag = "campaigns",
    security(("token" = [])),
    params(("id" = i64, Path, description = "The campaign's id")),
    responses(
        (status = 200, body = CampaignView),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
pub async fn pause_campaign(
    State(state): State<AppState>,
    caller: Caller,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<CampaignView>, ApiError> {
    caller.may(Action::WriteData)?;
    let paused = state
        .store
        .pause_campaign(caller.workspace, path_id(id)?)
        .await?;
    Ok(Json(campaign_view(paused)))
}

/// How far a campaign's leads got, each counted once.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FunnelView {
    /// Leads enrolled.
    pub enrolled: u64,
    /// Leads invited.
    pub invited: u64,
    /// Leads who accepted.
    pub accepted: u64,
    /// Leads who replied.
    pub replied: u64,
}

/// A campaign's numbers.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StatsView {
    /// The campaign's id.
    pub campaign_id: i64,
    /// Its name.
    pub name: String,
    /// Enrolled → invited → accepted → replied.
    pub funnel: FunnelView,
    /// Per step that sends text, each variant's sends, successes, rate, 95% interval and
    /// chance of being the best (as `overture campaign stats --json`).
    #[schema(value_type = Vec<Object>)]
    pub steps: Vec<serde_json::Value>,
}

/// A campaign's funnel (enrolled → invited → accepted → replied) and how each text variant
/// of each step does.
#[utoipa::path(
    get,
    path = "/api/v1/campaigns/{id}/stats",
    tag = "campaigns",
    security(("token" = [])),
    params(("id" = i64, Path, description = "The campaign's id")),
    responses(
        (status = 200, body = StatsView),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
pub async fn campaign_stats(
    State(state): State<AppState>,
    caller: Caller,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<StatsView>, ApiError> {
    caller.may(Action::ReadData)?;
    let stats = state
        .store
        .campaign_stats(caller.workspace, path_id(id)?)
        .await?;
    let f = stats.funnel;
    Ok(Json(StatsView {
        campaign_id: stats.campaign_id,
        name: stats.variants.campaign,
        funnel: FunnelView {
            enrolled: f.enrolled,
            invited: f.invited,
            accepted: f.accepted,
            replied: f.replied,
        },
        steps: stats
            .variants
            .steps
            .iter()
            .filter_map(|s| serde_json::to_value(s).ok())
            .collect(),
    }))
}
