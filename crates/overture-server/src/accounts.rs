//! `/api/v1/accounts`: adding an account, and an account's health.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use overture_auth::Action;
use overture_core::{AccountId, AccountStatus};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::api::{AccountView, view};
use crate::caller::{ApiError, Caller, ErrorBody, path_id};
use crate::ops::AccountRequest;

/// A new sender account.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewAccountBody {
    /// Its handle: 1 to 64 letters, digits, `-`, `_` or `.`, unique in the workspace.
    pub name: String,
    /// `linkedin`, `sandbox` or `email`.
    pub kind: String,
    /// `free`, `premium` or `sales_navigator` (`free` when absent).
    #[serde(default)]
    pub tier: Option<String>,
    /// An IANA time zone such as `Europe/Berlin` (UTC when absent).
    #[serde(default)]
    pub time_zone: Option<String>,
}

/// Adds a sender account. A sandbox account is active at once; a LinkedIn or email account
/// waits as `needs_credentials` until its session or mailbox password is given on the server
/// with `overture account set` (credentials never travel through the API), as its
/// `next_step` says.
#[utoipa::path(
    post,
    path = "/api/v1/accounts",
    tag = "accounts",
    security(("token" = [])),
    request_body = NewAccountBody,
    responses(
        (status = 201, body = AccountView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "The name is taken"),
    )
)]
pub async fn create_account(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<Json<NewAccountBody>, JsonRejection>,
) -> Result<(StatusCode, Json<AccountView>), ApiError> {
    caller.may(Action::ManageAccounts)?;
    let Json(body) = body.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let request = AccountRequest {
        name: body.name,
        kind: body.kind,
        tier: body.tier,
        time_zone: body.time_zone,
    };
    let account = state
        .store
        .create_account(caller.workspace, request, state.clock.now())
        .await?;
    Ok((StatusCode::CREATED, Json(view(&state, account).await?)))
}

/// An account's health.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HealthView {
    /// The account's id.
    pub id: i64,
    /// Its handle.
    pub name: String,
    /// `active`, `paused`, `restricted` or `needs_credentials`.
    pub status: String,
    /// Why it is paused, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Until when LinkedIn restricts it (RFC 3339), when it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restricted_until: Option<String>,
    /// Invitations sent and not answered.
    pub pending: u64,
    /// The most it keeps pending now (lower than its setting after a restriction).
    pub pending_cap: u32,
    /// Its `max_pending` setting.
    pub pending_cap_setting: u32,
    /// Invitations sent in the last 24 hours.
    pub invites_24h: u64,
    /// The day's invitation limit, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invite_day_cap: Option<u32>,
    /// Invitations sent in the last 7 days: the weekly budget used.
    pub invites_7d: u64,
    /// The weekly invitation budget, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invite_week_cap: Option<u32>,
}

/// An account's health: its status and why, its pending invitations against the cap, and its
/// invitations against the day's limit and the weekly budget.
#[utoipa::path(
    get,
    path = "/api/v1/accounts/{id}/health",
    tag = "accounts",
    security(("token" = [])),
    params(("id" = i64, Path, description = "The account's id")),
    responses(
        (status = 200, body = HealthView),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
pub async fn account_health(
    State(state): State<AppState>,
    caller: Caller,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<HealthView>, ApiError> {
    caller.may(Action::ReadData)?;
    let id: AccountId = path_id(id)?;
    let report = state
        .store
        .account_health(caller.workspace, id, state.clock.now())
        .await?;
    let (account, health) = (report.account, report.health);
    let (reason, restricted_until) = match &account.status {
        AccountStatus::Paused { reason } => (Some(reason.clone()), None),
        AccountStatus::Restricted { until } => (None, Some(until.to_string())),
        _ => (None, None),
    };
    Ok(Json(HealthView {
        id: account.id.get(),
        name: account.name,
        status: account.status.name().to_owned(),
        reason,
        restricted_until,
        pending: health.pending,
        pending_cap: health.pending_cap,
        pending_cap_setting: health.pending_cap_setting,
        invites_24h: health.invites_24h,
        invite_day_cap: health.invite_day_cap,
        invites_7d: health.invites_7d,
        invite_week_cap: health.invite_week_cap,
    }))
}
