//! Webhooks as the store keeps them: endpoints (with their signing secret sealed above the
//! store), the outbox of deliveries, the attempts made, and the dispatcher's cursor.

use jiff::Timestamp;
use overture_core::webhook::{
    DeliveryStatus, WebhookDeliveryId, WebhookEndpointId, WebhookEventType,
};
use overture_core::{EventId, WorkspaceId};
use serde::Serialize;

use crate::secrets::SealedSecret;

/// An endpoint to store. Its signing secret is sealed before it gets here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWebhookEndpoint {
    /// Owning workspace.
    pub workspace_id: WorkspaceId,
    /// Where deliveries are POSTed (`http` or `https`); unique per workspace.
    pub url: String,
    /// The event types it receives (at least one).
    pub events: Vec<WebhookEventType>,
    /// Whether private, loopback and link-local targets are allowed for this endpoint (set by
    /// the operator only, never by a tenant).
    pub allow_private_targets: bool,
    /// The signing secret, encrypted.
    pub secret: SealedSecret,
    /// When it was created; events before this instant are not delivered to it.
    pub created_at: Timestamp,
}

/// A stored endpoint, without its secret (read it with `Store::webhook_endpoint_secret`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookEndpoint {
    /// Store key.
    pub id: WebhookEndpointId,
    /// Owning workspace.
    pub workspace_id: WorkspaceId,
    /// Where deliveries are POSTed.
    pub url: String,
    /// The event types it receives.
    pub events: Vec<WebhookEventType>,
    /// Whether deliveries go out; a 410 answer turns it off.
    pub enabled: bool,
    /// Why it was turned off, when it was.
    pub disabled_reason: Option<String>,
    /// Whether private targets are allowed for it.
    pub allow_private_targets: bool,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

impl WebhookEndpoint {
    /// Whether the endpoint receives `event_type` now.
    pub fn wants(&self, event_type: WebhookEventType) -> bool {
        self.enabled && self.events.contains(&event_type)
    }
}

/// A message to queue for one endpoint. The pair (endpoint, event) is its idempotency key:
/// queuing it again adds nothing. A message without an event (a ping) is always new.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWebhookDelivery {
    /// The receiving endpoint.
    pub endpoint_id: WebhookEndpointId,
    /// The event it tells of (`None` for a ping).
    pub event_id: Option<EventId>,
    /// Its type.
    pub event_type: WebhookEventType,
    /// The `webhook-id` header: the same on every attempt, so receivers can de-duplicate.
    pub message_id: String,
    /// The JSON body, fixed once queued so every attempt sends the same bytes.
    pub payload: String,
    /// When the first attempt is due.
    pub due_at: Timestamp,
}

/// A stored delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookDelivery {
    /// Store key.
    pub id: WebhookDeliveryId,
    /// Owning workspace (the endpoint's).
    pub workspace_id: WorkspaceId,
    /// The receiving endpoint.
    pub endpoint_id: WebhookEndpointId,
    /// The event it tells of.
    pub event_id: Option<EventId>,
    /// Its type.
    pub event_type: WebhookEventType,
    /// The `webhook-id` header.
    pub message_id: String,
    /// The JSON body.
    pub payload: String,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// How many attempts were recorded.
    pub attempts: u32,
    /// When the next attempt is due (while pending; a claim moves it past its lease).
    pub next_attempt_at: Timestamp,
    /// The HTTP status of the last attempt, if it got an answer.
    pub last_status: Option<u16>,
    /// What went wrong in the last attempt, if anything did.
    pub last_error: Option<String>,
    /// When it was queued.
    pub created_at: Timestamp,
    /// When it was delivered or given up.
    pub finished_at: Option<Timestamp>,
}

/// How an attempt ended, as the deliverer decided from the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// A 2xx answer: the delivery is done.
    Delivered,
    /// Another answer or no answer: try again at `next_at`.
    Retry {
        /// When the next attempt is due.
        next_at: Timestamp,
    },
    /// Give up on this delivery (the retries ran out).
    Failed,
    /// The receiver answered 410 Gone: give up and turn the endpoint off.
    EndpointGone,
}

/// One attempt's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookAttempt {
    /// When the attempt started.
    pub at: Timestamp,
    /// The HTTP status, if the receiver answered.
    pub status: Option<u16>,
    /// What went wrong (a transport error, a refused target, a non-2xx answer).
    pub error: Option<String>,
    /// What the deliverer decided.
    pub outcome: AttemptOutcome,
}

/// A recorded attempt, as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredAttempt {
    /// Its delivery.
    pub delivery_id: WebhookDeliveryId,
    /// 1 for the first attempt.
    pub number: u32,
    /// When it started.
    pub at: Timestamp,
    /// The HTTP status, if any.
    pub status: Option<u16>,
    /// What went wrong, if anything.
    pub error: Option<String>,
}

/// Which deliveries to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryQuery {
    /// Only this endpoint's.
    pub endpoint: Option<WebhookEndpointId>,
    /// Only those in this state.
    pub status: Option<DeliveryStatus>,
    /// Only those with a smaller id (pages go newest first).
    pub before: Option<WebhookDeliveryId>,
    /// At most this many.
    pub limit: u32,
}
