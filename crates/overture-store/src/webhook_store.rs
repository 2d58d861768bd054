//! [`WebhookStore`]: the part of the store port that keeps webhooks.

use std::future::Future;

use jiff::{SignedDuration, Timestamp};
use overture_core::webhook::{WebhookDeliveryId, WebhookEndpointId};
use overture_core::{EventId, WorkspaceId};

use crate::error::StoreError;
use crate::secrets::SealedSecret;
use crate::webhooks::{
    DeliveryQuery, NewWebhookDelivery, NewWebhookEndpoint, StoredAttempt, WebhookAttempt,
    WebhookDelivery, WebhookEndpoint,
};

/// Webhook endpoints, the outbox of deliveries and the dispatcher's cursor, a part of
/// [`Store`](crate::Store) (its supertrait).
pub trait WebhookStore: Send + Sync {
    // Webhooks: endpoints, the outbox of deliveries and the dispatcher's cursor. (Kept
    // together at the end of the trait; the implementations live in their own files.)

    /// Stores an endpoint, enabled; `Conflict` if the workspace has one for the same URL,
    /// `NotFound` for an unknown workspace.
    fn create_webhook_endpoint(
        &self,
        endpoint: NewWebhookEndpoint,
    ) -> impl Future<Output = Result<WebhookEndpoint, StoreError>> + Send;

    /// One endpoint of the workspace.
    fn webhook_endpoint(
        &self,
        ws: WorkspaceId,
        id: WebhookEndpointId,
    ) -> impl Future<Output = Result<WebhookEndpoint, StoreError>> + Send;

    /// The endpoint's signing secret, sealed as it was stored.
    fn webhook_endpoint_secret(
        &self,
        ws: WorkspaceId,
        id: WebhookEndpointId,
    ) -> impl Future<Output = Result<SealedSecret, StoreError>> + Send;

    /// The workspace's endpoints, in id order.
    fn list_webhook_endpoints(
        &self,
        ws: WorkspaceId,
    ) -> impl Future<Output = Result<Vec<WebhookEndpoint>, StoreError>> + Send;

    /// Turns an endpoint on or off (`reason`: why it was turned off), and returns it.
    fn set_webhook_endpoint_enabled(
        &self,
        ws: WorkspaceId,
        id: WebhookEndpointId,
        enabled: bool,
        reason: Option<String>,
        now: Timestamp,
    ) -> impl Future<Output = Result<WebhookEndpoint, StoreError>> + Send;

    /// Deletes an endpoint with its deliveries and their attempts.
    fn delete_webhook_endpoint(
        &self,
        ws: WorkspaceId,
        id: WebhookEndpointId,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The last event of the workspace the dispatcher has turned into deliveries.
    fn webhook_cursor(
        &self,
        ws: WorkspaceId,
    ) -> impl Future<Output = Result<Option<EventId>, StoreError>> + Send;

    /// Queues deliveries to the workspace's endpoints and, when given, moves the workspace's
    /// cursor to `cursor` (never backwards), in one transaction. A delivery whose endpoint and
    /// event are queued already adds nothing; an endpoint of another workspace is `NotFound`
    /// and nothing changes. Returns how many were added.
    fn enqueue_webhook_deliveries(
        &self,
        ws: WorkspaceId,
        deliveries: &[NewWebhookDelivery],
        cursor: Option<EventId>,
        now: Timestamp,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Claims up to `limit` pending deliveries of any workspace due at `now` whose endpoint is
    /// enabled, earliest due first, and moves each one's next attempt to `now + lease`: if the
    /// process dies before the attempt is recorded, the delivery is tried again after the
    /// lease (at least once, with the same message id).
    fn claim_due_webhook_deliveries(
        &self,
        now: Timestamp,
        limit: u32,
        lease: SignedDuration,
    ) -> impl Future<Output = Result<Vec<WebhookDelivery>, StoreError>> + Send;

    /// Records an attempt of a pending delivery and what follows from it, in one transaction
    /// (with [`AttemptOutcome::EndpointGone`](crate::AttemptOutcome::EndpointGone) the endpoint is turned off as well), and returns
    /// the delivery. A delivery no longer pending is a `Conflict` and nothing changes.
    fn record_webhook_attempt(
        &self,
        id: WebhookDeliveryId,
        attempt: WebhookAttempt,
    ) -> impl Future<Output = Result<WebhookDelivery, StoreError>> + Send;

    /// One delivery of the workspace.
    fn webhook_delivery(
        &self,
        ws: WorkspaceId,
        id: WebhookDeliveryId,
    ) -> impl Future<Output = Result<WebhookDelivery, StoreError>> + Send;

    /// The workspace's deliveries matching the query, newest first.
    fn list_webhook_deliveries(
        &self,
        ws: WorkspaceId,
        query: DeliveryQuery,
    ) -> impl Future<Output = Result<Vec<WebhookDelivery>, StoreError>> + Send;

    /// A delivery's attempts, first first.
    fn webhook_attempts(
        &self,
        ws: WorkspaceId,
        id: WebhookDeliveryId,
    ) -> impl Future<Output = Result<Vec<StoredAttempt>, StoreError>> + Send;

    /// When the earliest pending delivery of an enabled endpoint is due, if any.
    fn next_webhook_due(
        &self,
    ) -> impl Future<Output = Result<Option<Timestamp>, StoreError>> + Send;
}
