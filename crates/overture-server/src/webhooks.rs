//! `/api/v1/webhooks`: the workspace's webhook endpoints. A new endpoint's signing secret is in
//! the answer that creates it, and never again.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use overture_auth::Action;
use overture_core::webhook::WebhookEndpointId;
use overture_store::WebhookEndpoint;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::caller::{ApiError, Caller, ErrorBody, path_id};
use crate::ops::WebhookRequest;

/// A webhook endpoint (never its secret).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WebhookView {
    /// Its id.
    pub id: i64,
    /// Where deliveries go.
    pub url: String,
    /// The event types it receives.
    pub events: Vec<String>,
    /// Whether deliveries go out.
    pub enabled: bool,
    /// Why it was turned off, when it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled_reason: Option<String>,
    /// When it was added (RFC 3339).
    pub created_at: String,
}

fn webhook_view(e: WebhookEndpoint) -> WebhookView {
    WebhookView {
        id: e.id.0,
        url: e.url,
        events: e.events.iter().map(|t| t.as_str().to_owned()).collect(),
        enabled: e.enabled,
        disabled_reason: e.disabled_reason,
        created_at: e.created_at.to_string(),
    }
}

/// The workspace's webhook endpoints.
#[utoipa::path(
    get,
    path = "/api/v1/webhooks",
    tag = "webhooks",
    security(("token" = [])),
    responses(
        (status = 200, body = [WebhookView]),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
    )
)]
pub async fn list_webhooks(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<WebhookView>>, ApiError> {
    caller.may(Action::ManageWebhooks)?;
    let endpoints = state.store.webhook_endpoints(caller.workspace).await?;
    Ok(Json(endpoints.into_iter().map(webhook_view).collect()))
}

/// A new endpoint.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewWebhook {
    /// The receiver's URL (`https://…`).
    pub url: String,
    /// The event types it receives: `invite_sent`, `invite_accepted`, `reply_received`, …
    #[schema(min_items = 1)]
    pub events: Vec<String>,
}

/// A new endpoint and its signing secret.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedWebhook {
    /// The endpoint.
    pub webhook: WebhookView,
    /// Its Standard Webhooks signing secret (`whsec_…`), shown this once: give it to the
    /// receiver. It is stored encrypted and never shown again.
    pub secret: String,
}

/// Adds a webhook endpoint. Private, loopback and link-local targets are refused (400) unless
/// the server's configuration allows them. The answer carries the signing secret, once.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks",
    tag = "webhooks",
    security(("token" = [])),
    request_body = NewWebhook,
    responses(
        (status = 201, body = CreatedWebhook),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 503, body = ErrorBody, description = "The server has no master key"),
    )
)]
pub async fn create_webhook(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<Json<NewWebhook>, JsonRejection>,
) -> Result<(StatusCode, Json<CreatedWebhook>), ApiError> {
    caller.may(Action::ManageWebhooks)?;
    let Json(body) = body.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let Some(master) = state.config.master_key.clone() else {
        return Err(ApiError::NotConfigured(
            "the server has no master key to encrypt webhook secrets with: run `overture init` \
             on the server (or set OVERTURE_MASTER_KEY) and restart `overture serve`"
                .into(),
        ));
    };
    let request = WebhookRequest {
        url: body.url,
        events: body.events,
    };
    let created = state
        .store
        .create_webhook(
            caller.workspace,
            &master,
            request,
            state.config.allow_private_targets,
            state.clock.now(),
        )
        .await?;
    let secret = created.secret.text().expose().to_owned();
    Ok((
        StatusCode::CREATED,
        Json(CreatedWebhook {
            webhook: webhook_view(created.endpoint),
            secret,
        }),
    ))
}

/// Removes a webhook endpoint and its deliveries.
#[utoipa::path(
    delete,
    path = "/api/v1/webhooks/{id}",
    tag = "webhooks",
    security(("token" = [])),
    params(("id" = i64, Path, description = "The endpoint's id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
pub async fn delete_webhook(
    State(state): State<AppState>,
    caller: Caller,
    id: Result<Path<i64>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    caller.may(Action::ManageWebhooks)?;
    let id: WebhookEndpointId = path_id(id)?;
    state.store.delete_webhook(caller.workspace, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
