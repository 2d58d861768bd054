//! `/api/v1/invitations/…/withdraw`: withdrawing one invitation or a selection through the
//! governor.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use overture_auth::Action;
use overture_core::InvitationId;
use serde::Deserialize;

use crate::AppState;
use crate::caller::{ApiError, Caller, ErrorBody, path_id};
use crate::ops::WithdrawOutcome;

/// The most invitations one request withdraws.
const MAX_IDS: usize = 1000;

/// Queues the withdrawals and answers what became of each id.
async fn withdraw(
    state: &AppState,
    caller: &Caller,
    ids: &[InvitationId],
) -> Result<Json<WithdrawOutcome>, ApiError> {
    let outcome = state
        .store
        .withdraw_invitations(caller.workspace, ids, state.config.seed, state.clock.now())
        .await?;
    Ok(Json(outcome))
}

/// Withdraws a pending invitation through the governor: the withdrawal is queued and the
/// engine carries it out inside the account's withdrawal limits and working hours, as
/// `overture invites withdraw` does. One already queued is not queued twice; one younger
/// than the account policy's `min_age` is kept (the answer says which).
#[utoipa::path(
    post,
    path = "/api/v1/invitations/{id}/withdraw",
    tag = "invitations",
    security(("token" = [])),
    params(("id" = i64, Path, description = "The invitation's id")),
    responses(
        (status = 200, body = WithdrawOutcome),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
pub async fn withdraw_one(
    State(state): State<AppState>,
    caller: Caller,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<WithdrawOutcome>, ApiError> {
    caller.may(Action::WriteData)?;
    let id: InvitationId = path_id(id)?;
    withdraw(&state, &caller, &[id]).await
}

/// A selection of invitations.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct Selection {
    /// The invitations' ids (1 to 1000).
    #[schema(min_items = 1, max_items = 1000)]
    pub ids: Vec<i64>,
}

/// Withdraws a selection of pending invitations through the governor, as for one. An id that
/// is not the workspace's answers 404 and nothing is queued.
#[utoipa::path(
    post,
    path = "/api/v1/invitations/withdraw",
    tag = "invitations",
    security(("token" = [])),
    request_body = Selection,
    responses(
        (status = 200, body = WithdrawOutcome),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
pub async fn withdraw_many(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<Json<Selection>, JsonRejection>,
) -> Result<Json<WithdrawOutcome>, ApiError> {
    caller.may(Action::WriteData)?;
    let Json(body) = body.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    if body.ids.is_empty() || body.ids.len() > MAX_IDS {
        return Err(ApiError::BadRequest(format!(
            "ids: give 1 to {MAX_IDS} invitation ids (got {})",
            body.ids.len()
        )));
    }
    let ids: Vec<InvitationId> = body.ids.into_iter().map(InvitationId::from).collect();
    withdraw(&state, &caller, &ids).await
}
