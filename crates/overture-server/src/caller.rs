//! Who is calling the API: [`Caller`], from an API token (`Authorization: Bearer ovt_…`), and
//! the API's errors.

use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use overture_auth::{Action, allows, parse_api_token};
use overture_core::{Role, WorkspaceId};
use overture_store::StoreError;
use serde::Serialize;

use crate::AppState;
use crate::ops::{OpsError, Problem};

/// The authenticated caller: the workspace every query is scoped by, and the role.
#[derive(Debug, Clone, Copy)]
pub struct Caller {
    /// The token's workspace.
    pub workspace: WorkspaceId,
    /// The token's role.
    pub role: Role,
}

impl Caller {
    /// Refuses with 403 unless the role may do `action`.
    pub fn may(&self, action: Action) -> Result<(), ApiError> {
        if allows(self.role, action) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "a {} token cannot do this; ask an owner or admin for a token with more rights",
                self.role
            )))
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let presented = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| ApiError::Unauthorized("send an API token: `Authorization: Bearer ovt_…` (make one with `overture token create`)".into()))?;
        let hash = parse_api_token(presented)
            .map_err(|_| ApiError::Unauthorized("that is not an Overture API token".into()))?;
        let token = state
            .store
            .api_token(hash.as_str(), state.clock.now())
            .await?
            .ok_or_else(|| ApiError::Unauthorized("unknown or revoked token".into()))?;
        Ok(Caller {
            workspace: token.workspace_id,
            role: token.role,
        })
    }
}

/// The object id in the path; an id that is no number names no object (404).
pub(crate) fn path_id<T: From<i64>>(
    id: Result<axum::extract::Path<i64>, axum::extract::rejection::PathRejection>,
) -> Result<T, ApiError> {
    id.map(|axum::extract::Path(id)| T::from(id))
        .map_err(|_| ApiError::NotFound)
}

/// An API error, as JSON `{ "error": "…" }` with its status.
#[derive(Debug)]
pub enum ApiError {
    /// 400: the request is wrong; the message says how.
    BadRequest(String),
    /// 401: no valid token.
    Unauthorized(String),
    /// 403: the token's role may not do this.
    Forbidden(String),
    /// 409: the object is not in a state that allows it; the message says why.
    Conflict(String),
    /// 404: no such object in the caller's workspace (another workspace's objects are not
    /// found either).
    NotFound,
    /// 400 with every problem by place (line, column, field).
    Invalid {
        /// A summary naming the first problem.
        message: String,
        /// Every problem.
        problems: Vec<Problem>,
    },
    /// 409 with what to fix.
    Unfit {
        /// A summary.
        message: String,
        /// What to fix.
        problems: Vec<Problem>,
    },
    /// 503: the store does not answer, or the server lacks what the request needs; the
    /// message says which.
    Unavailable,
    /// 415: the body is not of a type the endpoint reads.
    UnsupportedMediaType(String),
    /// 503 with a message saying what the operator must do.
    NotConfigured(String),
    /// 500: something went wrong on the server's side (logged, not shown).
    Internal,
}

/// The body of an error answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong and what to do.
    pub error: String,
    /// Every problem by place, when the request's content is at fault.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
}

impl From<OpsError> for ApiError {
    fn from(e: OpsError) -> Self {
        match e {
            OpsError::NotFound => ApiError::NotFound,
            OpsError::Invalid { message, problems } => ApiError::Invalid { message, problems },
            OpsError::Conflict { message, problems } => ApiError::Unfit { message, problems },
            OpsError::Store(e) => e.into(),
            OpsError::Internal(cause) => {
                tracing::error!(error = %cause, "API: a request failed");
                ApiError::Internal
            }
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { .. } => ApiError::NotFound,
            other => {
                tracing::warn!(error = %other, "API: the store failed");
                ApiError::Unavailable
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut problems = Vec::new();
        let (status, message) = match self {
            ApiError::BadRequest(m) => (StatusCode::BAD_REQUEST, m),
            ApiError::Invalid {
                message,
                problems: found,
            } => {
                problems = found;
                (StatusCode::BAD_REQUEST, message)
            }
            ApiError::Unfit {
                message,
                problems: found,
            } => {
                problems = found;
                (StatusCode::CONFLICT, message)
            }
            ApiError::UnsupportedMediaType(m) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, m),
            ApiError::NotConfigured(m) => (StatusCode::SERVICE_UNAVAILABLE, m),
            ApiError::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "something went wrong on the server; it is logged, try again later".to_owned(),
            ),
            ApiError::Unauthorized(m) => (StatusCode::UNAUTHORIZED, m),
            ApiError::Forbidden(m) => (StatusCode::FORBIDDEN, m),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not found".to_owned()),
            ApiError::Conflict(m) => (StatusCode::CONFLICT, m),
            ApiError::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "the database does not answer; try again in a minute".to_owned(),
            ),
        };
        let body = ErrorBody {
            error: message,
            problems,
        };
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}
