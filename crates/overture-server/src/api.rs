//! `/api/v1`: the JSON API. Every query is scoped by the caller's workspace: another
//! workspace's object answers 404, never 403 and never its data.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use overture_auth::Action;
use overture_core::suppression::parse_entry;
use overture_core::{AccountId, SuppressionKind};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::caller::{ApiError, Caller, ErrorBody, path_id};

/// A sender account.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AccountView {
    /// Its id.
    pub id: i64,
    /// Its handle.
    pub name: String,
    /// `linkedin`, `email` or `sandbox`.
    pub kind: String,
    /// `free`, `premium` or `sales_navigator`.
    pub tier: String,
    /// `active`, `paused`, `restricted` or `needs_credentials`.
    pub status: String,
    /// Why it is paused, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Its IANA time zone.
    pub time_zone: String,
    /// Invitations sent and not answered.
    pub pending_invitations: u64,
    /// The most it keeps pending.
    pub max_pending: u32,
    /// What it waits for, when it cannot act yet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_step: Option<String>,
}

pub(crate) async fn view(
    state: &AppState,
    account: overture_core::Account,
) -> Result<AccountView, ApiError> {
    let pending = state
        .store
        .pending(account.workspace_id, account.id)
        .await?;
    let reason = match &account.status {
        overture_core::AccountStatus::Paused { reason } => Some(reason.clone()),
        _ => None,
    };
    let next_step = waits_for(&account);
    Ok(AccountView {
        id: account.id.get(),
        name: account.name,
        kind: account.kind.to_string(),
        tier: account.tier.to_string(),
        status: account.status.name().to_owned(),
        reason,
        time_zone: account.time_zone.to_string(),
        pending_invitations: pending,
        max_pending: account.governor.max_pending,
        next_step,
    })
}

/// The workspace's sender accounts, with their pending invitations.
#[utoipa::path(
    get,
    path = "/api/v1/accounts",
    tag = "accounts",
    security(("token" = [])),
    responses(
        (status = 200, body = [AccountView]),
        (status = 401, body = ErrorBody),
    )
)]
pub async fn list_accounts(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<AccountView>>, ApiError> {
    caller.may(Action::ReadData)?;
    let mut out = Vec::new();
    for account in state.store.accounts(caller.workspace).await? {
        out.push(view(&state, account).await?);
    }
    Ok(Json(out))
}

/// One sender account.
#[utoipa::path(
    get,
    path = "/api/v1/accounts/{id}",
    tag = "accounts",
    security(("token" = [])),
    params(("id" = i64, Path, description = "The account's id")),
    responses(
        (status = 200, body = AccountView),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
pub async fn get_account(
    State(state): State<AppState>,
    caller: Caller,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<AccountView>, ApiError> {
    caller.may(Action::ReadData)?;
    let account = state.store.account(caller.workspace, path_id(id)?).await?;
    Ok(Json(view(&state, account).await?))
}

/// What an account waits for: LinkedIn sessions and mailbox passwords are given on the
/// command line, never through the API.
fn waits_for(account: &overture_core::Account) -> Option<String> {
    use overture_core::AccountKind;
    (account.status == overture_core::AccountStatus::NeedsCredentials).then(|| match account.kind {
        AccountKind::Email => format!(
            "give the mailbox's settings and password on the server: overture account set {} --password-file FILE …",
            account.name
        ),
        _ => format!(
            "give its LinkedIn session on the server: overture account set {} --cookies-file FILE",
            account.name
        ),
    })
}

/// Why an account is paused.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PauseRequest {
    /// Shown with the account's status.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Pauses an account: nothing more is sent from it until it is resumed.
#[utoipa::path(
    post,
    path = "/api/v1/accounts/{id}/pause",
    tag = "accounts",
    security(("token" = [])),
    params(("id" = i64, Path, description = "The account's id")),
    request_body(content = Option<PauseRequest>, description = "Optional: why"),
    responses(
        (status = 200, body = AccountView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
pub async fn pause_account(
    State(state): State<AppState>,
    caller: Caller,
    id: Result<Path<i64>, PathRejection>,
    body: axum::body::Bytes,
) -> Result<Json<AccountView>, ApiError> {
    caller.may(Action::ManageAccounts)?;
    let id: AccountId = path_id(id)?;
    // The body is optional: none (or `null`), or `{"reason": "…"}`.
    let request: Option<PauseRequest> = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        let refused = |e: &dyn std::fmt::Display| {
            ApiError::BadRequest(format!("the body is not {{\"reason\": \"…\"}}: {e}"))
        };
        match serde_json::from_slice::<serde_json::Value>(&body).map_err(|e| refused(&e))? {
            serde_json::Value::Null => None,
            object @ serde_json::Value::Object(_) => {
                Some(serde_json::from_value(object).map_err(|e| refused(&e))?)
            }
            _ => return Err(refused(&"an object is expected")),
        }
    };
    let reason = request
        .and_then(|b| b.reason)
        .filter(|r| !r.trim().is_empty())
        .unwrap_or_else(|| "paused through the API".to_owned());
    let status = overture_core::AccountStatus::Paused { reason };
    let account = state.store.set_status(caller.workspace, id, status).await?;
    Ok(Json(view(&state, account).await?))
}

/// Resumes a paused account. An account that waits for credentials or is restricted by
/// LinkedIn cannot be resumed this way (409 says what it waits for).
#[utoipa::path(
    post,
    path = "/api/v1/accounts/{id}/resume",
    tag = "accounts",
    security(("token" = [])),
    params(("id" = i64, Path, description = "The account's id")),
    responses(
        (status = 200, body = AccountView),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
    )
)]
pub async fn resume_account(
    State(state): State<AppState>,
    caller: Caller,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<AccountView>, ApiError> {
    caller.may(Action::ManageAccounts)?;
    let id: AccountId = path_id(id)?;
    let account = state.store.account(caller.workspace, id).await?;
    match &account.status {
        overture_core::AccountStatus::Paused { .. } | overture_core::AccountStatus::Active => {}
        overture_core::AccountStatus::NeedsCredentials => {
            return Err(ApiError::Conflict(format!(
                "`{}` waits for credentials: store new ones (`overture account set {} --cookies-file FILE`)",
                account.name, account.name
            )));
        }
        overture_core::AccountStatus::Restricted { until } => {
            return Err(ApiError::Conflict(format!(
                "`{}` is restricted by LinkedIn until {until}; it resumes by itself then",
                account.name
            )));
        }
    }
    let account = state
        .store
        .set_status(caller.workspace, id, overture_core::AccountStatus::Active)
        .await?;
    Ok(Json(view(&state, account).await?))
}

/// A suppression-list entry.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SuppressionView {
    /// `address`, `domain` or `profile`.
    pub kind: String,
    /// The normalised value.
    pub value: String,
    /// Why it is on the list.
    pub reason: String,
    /// When it was added (RFC 3339).
    pub created_at: String,
}

/// The workspace's suppression list.
#[utoipa::path(
    get,
    path = "/api/v1/suppressions",
    tag = "suppressions",
    security(("token" = [])),
    responses((status = 200, body = [SuppressionView]), (status = 401, body = ErrorBody))
)]
pub async fn list_suppressions(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<SuppressionView>>, ApiError> {
    caller.may(Action::ReadData)?;
    let list = state.store.suppressions(caller.workspace).await?;
    Ok(Json(
        list.into_iter()
            .map(|s| SuppressionView {
                kind: s.kind.to_string(),
                value: s.value,
                reason: s.reason,
                created_at: s.created_at.to_string(),
            })
            .collect(),
    ))
}

/// Entries to add to the suppression list.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewSuppressions {
    /// Addresses, domains (`example.com`) or LinkedIn profile URLs.
    #[schema(min_items = 1)]
    pub entries: Vec<String>,
    /// Why they go on the list.
    #[serde(default)]
    pub reason: Option<String>,
}

/// What adding did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Added {
    /// How many entries were new.
    pub added: u64,
}

/// Adds entries to the suppression list: all or nothing (an entry that does not read is a
/// 400 naming it, and nothing is added).
#[utoipa::path(
    post,
    path = "/api/v1/suppressions",
    tag = "suppressions",
    security(("token" = [])),
    request_body = NewSuppressions,
    responses(
        (status = 201, body = Added),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
    )
)]
pub async fn add_suppressions(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<Json<NewSuppressions>, JsonRejection>,
) -> Result<(StatusCode, Json<Added>), ApiError> {
    caller.may(Action::WriteData)?;
    let Json(body) = body.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    if body.entries.is_empty() {
        return Err(ApiError::BadRequest("`entries` is empty".into()));
    }
    let entries: Vec<(SuppressionKind, String)> = body
        .entries
        .iter()
        .map(|e| {
            parse_entry(e).map_err(|err| ApiError::BadRequest(format!("{err}; nothing was added")))
        })
        .collect::<Result<_, _>>()?;
    let reason = body.reason.as_deref().unwrap_or("added through the API");
    let added = state
        .store
        .suppress(caller.workspace, &entries, reason, state.clock.now())
        .await?;
    Ok((StatusCode::CREATED, Json(Added { added })))
}
