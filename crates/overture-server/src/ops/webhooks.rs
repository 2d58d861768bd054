//! Adding webhook endpoints.

use jiff::Timestamp;
use overture_core::WorkspaceId;
use overture_secrets::MasterKey;
use overture_store::Store;
use overture_webhooks::{
    CreatedEndpoint, EndpointSpec, WebhookError, create_endpoint, parse_event_types,
};

use super::OpsError;

/// A new endpoint, as a person writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookRequest {
    /// The receiver's URL (`https://…`); private, loopback and link-local targets are refused
    /// unless the server's configuration allows them.
    pub url: String,
    /// The event types it receives (`invite_accepted`, `reply_received`, …).
    pub events: Vec<String>,
}

pub(super) async fn create<S: Store>(
    store: &S,
    ws: WorkspaceId,
    master: &MasterKey,
    request: WebhookRequest,
    allow_private_targets: bool,
    now: Timestamp,
) -> Result<CreatedEndpoint, OpsError> {
    let events = parse_event_types(&request.events)
        .map_err(|e| OpsError::invalid(format!("events: {e}")))?;
    let spec = EndpointSpec {
        url: request.url,
        events,
        // Only the server's configuration lets a private target through, never a request.
        allow_private_targets: false,
    };
    create_endpoint(store, master, ws, spec, allow_private_targets, now)
        .await
        .map_err(|e| match e {
            WebhookError::Store(e) => e.into(),
            WebhookError::Target(_) | WebhookError::NoEvents(_) => {
                OpsError::invalid(format!("{e}"))
            }
            WebhookError::Seal(_) | WebhookError::BadSecret(_) | WebhookError::Randomness(_) => {
                OpsError::Internal(e.to_string())
            }
        })
}
