//! The outbox: the dispatcher turns events into deliveries, the deliverer sends them.

use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use overture_clock::Clock;
use overture_core::WorkspaceId;
use overture_core::webhook::{WebhookEndpointId, WebhookEventType};
use overture_secrets::MasterKey;
use overture_store::{
    AttemptOutcome, EventQuery, NewWebhookDelivery, Store, WebhookAttempt, WebhookDelivery,
    WebhookEndpoint,
};
use url::Url;

use crate::endpoints::{endpoint, endpoint_secret};
use crate::error::WebhookError;
use crate::guard;
use crate::payload::{payload, ping};
use crate::schedule::next_attempt;
use crate::signing::{SigningSecret, sign};

/// How the outbox works. The binary builds it from its configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookConfig {
    /// Allow private, loopback and link-local targets for every endpoint (tests, receivers
    /// on the same network as a self-hosted install). Off by default.
    pub allow_private_targets: bool,
    /// How long to wait for a connection.
    pub connect_timeout: Duration,
    /// How long to wait for the whole answer.
    pub timeout: Duration,
    /// How many deliveries are sent at once, per round.
    pub batch: u32,
    /// How many events the dispatcher reads per transaction.
    pub event_batch: u32,
    /// How long a claimed delivery is held before another round may try it again (longer
    /// than `timeout`).
    pub lease: SignedDuration,
    /// How often [`run`] looks for new events.
    pub poll_every: SignedDuration,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        Self {
            allow_private_targets: false,
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(15),
            batch: 16,
            event_batch: 500,
            lease: SignedDuration::from_mins(2),
            poll_every: SignedDuration::from_secs(2),
        }
    }
}

/// What a dispatch round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DispatchReport {
    /// Events read past the cursors.
    pub events: u64,
    /// Deliveries queued.
    pub queued: u64,
}

/// What a delivery round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliverReport {
    /// Deliveries attempted.
    pub attempted: u64,
    /// Of which delivered.
    pub delivered: u64,
    /// Of which to be tried again.
    pub retrying: u64,
    /// Of which given up.
    pub failed: u64,
}

/// Reads every workspace's events past its cursor and queues one delivery per event and
/// endpoint that subscribes to its type (enabled, and created no later than the event), moving
/// the cursor in the same transaction. Running it twice queues nothing twice.
pub async fn dispatch<S: Store>(
    store: &S,
    config: &WebhookConfig,
    now: Timestamp,
) -> Result<DispatchReport, WebhookError> {
    let kinds: Vec<_> = WebhookEventType::SUBSCRIBABLE
        .iter()
        .filter_map(|t| t.event_kind())
        .collect();
    let mut report = DispatchReport::default();
    for ws in store.list_workspaces().await? {
        let endpoints = store.list_webhook_endpoints(ws.id).await?;
        loop {
            let cursor = store.webhook_cursor(ws.id).await?;
            let events = store
                .list_events(
                    ws.id,
                    EventQuery {
                        after: cursor,
                        kinds: kinds.clone(),
                        limit: config.event_batch.max(1),
                    },
                )
                .await?;
            let Some(last) = events.last().map(|e| e.id) else {
                break;
            };
            let mut deliveries = Vec::new();
            for event in &events {
                let Some(event_type) = WebhookEventType::of(event.event.kind) else {
                    continue;
                };
                let Some(body) = payload(event) else {
                    continue;
                };
                for endpoint in endpoints
                    .iter()
                    .filter(|e| e.wants(event_type) && e.created_at <= event.event.at)
                {
                    deliveries.push(NewWebhookDelivery {
                        endpoint_id: endpoint.id,
                        event_id: Some(event.id),
                        event_type,
                        message_id: message_id(),
                        payload: body.clone(),
                        due_at: now,
                    });
                }
            }
            report.events += events.len() as u64;
            report.queued += store
                .enqueue_webhook_deliveries(ws.id, &deliveries, Some(last), now)
                .await?;
            if events.len() < config.event_batch.max(1) as usize {
                break;
            }
        }
    }
    Ok(report)
}

/// A new message id: `msg_` and a random UUID, stored with the delivery so that every
/// attempt carries the same one.
fn message_id() -> String {
    format!("msg_{}", uuid::Uuid::new_v4().simple())
}

/// Claims the deliveries due at the clock's time (up to `config.batch`), sends them
/// concurrently and records each attempt. Only a store failure is an error; a receiver's
/// failure is recorded on its delivery.
pub async fn deliver_due<S: Store, K: Clock>(
    store: &S,
    master: &MasterKey,
    config: &WebhookConfig,
    clock: &K,
) -> Result<DeliverReport, WebhookError> {
    let claimed = store
        .claim_due_webhook_deliveries(clock.now(), config.batch.max(1), config.lease)
        .await?;
    // One look-up of each endpoint and its secret per round.
    let mut endpoints: HashMap<
        WebhookEndpointId,
        (WebhookEndpoint, Result<SigningSecret, String>),
    > = HashMap::new();
    for d in &claimed {
        if let std::collections::hash_map::Entry::Vacant(slot) = endpoints.entry(d.endpoint_id) {
            let e = endpoint(store, d.workspace_id, d.endpoint_id).await?;
            let secret = endpoint_secret(store, master, &e)
                .await
                .map_err(|err| err.to_string());
            slot.insert((e, secret));
        }
    }
    let attempts = claimed.iter().filter_map(|d| {
        let (e, secret) = endpoints.get(&d.endpoint_id)?;
        Some(attempt(store, config, clock, e, secret.as_ref(), d))
    });
    let results = futures_util::future::join_all(attempts).await;
    let mut report = DeliverReport::default();
    for result in results {
        let delivery = result?;
        report.attempted += 1;
        match delivery.status {
            overture_core::webhook::DeliveryStatus::Delivered => report.delivered += 1,
            overture_core::webhook::DeliveryStatus::Pending => report.retrying += 1,
            overture_core::webhook::DeliveryStatus::Failed => report.failed += 1,
        }
    }
    Ok(report)
}

/// Queues a test message (`webhook.ping`) to one endpoint of the workspace and sends it at
/// once; the returned delivery says how it went (a failure is retried like any other).
pub async fn send_ping<S: Store, K: Clock>(
    store: &S,
    master: &MasterKey,
    config: &WebhookConfig,
    clock: &K,
    ws: WorkspaceId,
    id: WebhookEndpointId,
) -> Result<WebhookDelivery, WebhookError> {
    let e = endpoint(store, ws, id).await?;
    let secret = endpoint_secret(store, master, &e).await;
    let now = clock.now();
    let message = message_id();
    // Due only after a lease, so a running deliverer does not send it at the same time.
    store
        .enqueue_webhook_deliveries(
            ws,
            &[NewWebhookDelivery {
                endpoint_id: id,
                event_id: None,
                event_type: WebhookEventType::Ping,
                message_id: message.clone(),
                payload: ping(id, now),
                due_at: now.saturating_add(config.lease).unwrap_or(now),
            }],
            None,
            now,
        )
        .await?;
    let queued = store
        .list_webhook_deliveries(
            ws,
            overture_store::DeliveryQuery {
                endpoint: Some(id),
                limit: 20,
                ..Default::default()
            },
        )
        .await?
        .into_iter()
        .find(|d| d.message_id == message)
        .ok_or_else(|| overture_store::StoreError::not_found("webhook delivery", &message))?;
    let secret = secret.map_err(|e| e.to_string());
    attempt(store, config, clock, &e, secret.as_ref(), &queued).await
}

/// Sends one delivery and records the attempt.
async fn attempt<S: Store, K: Clock>(
    store: &S,
    config: &WebhookConfig,
    clock: &K,
    endpoint: &WebhookEndpoint,
    secret: Result<&SigningSecret, &String>,
    delivery: &WebhookDelivery,
) -> Result<WebhookDelivery, WebhookError> {
    let at = clock.now();
    let (status, error) = match secret {
        Ok(secret) => post(config, endpoint, secret, delivery, at).await,
        Err(e) => (None, Some(e.clone())),
    };
    let outcome = match status {
        Some(200..=299) => AttemptOutcome::Delivered,
        Some(410) => AttemptOutcome::EndpointGone,
        _ => match next_attempt(at, delivery.attempts + 1, &delivery.message_id) {
            Some(next_at) => AttemptOutcome::Retry { next_at },
            None => AttemptOutcome::Failed,
        },
    };
    if let Some(error) = &error {
        tracing::info!(
            delivery = %delivery.id, endpoint = %endpoint.id, attempt = delivery.attempts + 1,
            error = %error, "webhook attempt failed"
        );
    }
    Ok(store
        .record_webhook_attempt(
            delivery.id,
            WebhookAttempt {
                at,
                status,
                error,
                outcome,
            },
        )
        .await?)
}

/// POSTs the delivery's payload, signed at `at`, to the endpoint's checked addresses. Returns
/// the HTTP status when there was an answer and what went wrong when something did.
async fn post(
    config: &WebhookConfig,
    endpoint: &WebhookEndpoint,
    secret: &SigningSecret,
    delivery: &WebhookDelivery,
    at: Timestamp,
) -> (Option<u16>, Option<String>) {
    let url = match Url::parse(&endpoint.url) {
        Ok(url) => url,
        Err(e) => return (None, Some(format!("the stored URL does not parse: {e}"))),
    };
    let allow = config.allow_private_targets || endpoint.allow_private_targets;
    let addresses = match guard::check_url(&url, allow).await {
        Ok(addresses) => addresses,
        Err(e) => return (None, Some(e.to_string())),
    };
    let mut builder = reqwest::Client::builder()
        .connect_timeout(config.connect_timeout)
        .timeout(config.timeout)
        // A redirect could lead anywhere, past the guard.
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .user_agent(concat!("Overture-Webhooks/", env!("CARGO_PKG_VERSION")));
    if let Some(url::Host::Domain(name)) = url.host() {
        // Connect to the addresses just checked, not to what a second resolution says.
        builder = builder.resolve_to_addrs(name, &addresses);
    }
    let client = match builder.build() {
        Ok(client) => client,
        Err(e) => return (None, Some(chain(&e))),
    };
    let signature = match sign(
        secret,
        &delivery.message_id,
        at.as_second(),
        &delivery.payload,
    ) {
        Ok(signature) => signature,
        Err(e) => return (None, Some(e.to_string())),
    };
    let sent = client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", &signature.id)
        .header("webhook-timestamp", signature.timestamp.to_string())
        .header("webhook-signature", &signature.signature)
        .body(delivery.payload.clone())
        .send()
        .await;
    match sent {
        Ok(response) => {
            let status = response.status().as_u16();
            if response.status().is_success() {
                (Some(status), None)
            } else {
                (
                    Some(status),
                    Some(format!("the receiver answered {status}")),
                )
            }
        }
        Err(e) => (None, Some(chain(&e))),
    }
}

/// An error with its causes, one after the other.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Dispatches and delivers until `stop` completes: a round, then a wait on `clock` until the
/// next delivery is due or `config.poll_every` has passed. Failures are logged and the loop
/// goes on; a round in progress finishes before it stops.
pub async fn run<S: Store, K: Clock>(
    store: S,
    master: MasterKey,
    clock: K,
    config: WebhookConfig,
    stop: impl Future<Output = ()>,
) {
    let mut stop = std::pin::pin!(stop);
    loop {
        let mut busy = false;
        match dispatch(&store, &config, clock.now()).await {
            Ok(report) => busy |= report.queued > 0,
            Err(e) => tracing::warn!(error = %e, "webhook dispatch failed"),
        }
        match deliver_due(&store, &master, &config, &clock).await {
            Ok(report) => busy |= report.attempted >= u64::from(config.batch.max(1)),
            Err(e) => tracing::warn!(error = %e, "webhook delivery failed"),
        }
        let now = clock.now();
        let mut next = now.saturating_add(config.poll_every).unwrap_or(now);
        if busy {
            next = now;
        } else if let Ok(Some(due)) = store.next_webhook_due().await {
            next = next.min(due.max(now));
        }
        tokio::select! {
            () = &mut stop => return,
            () = overture_clock::sleep_until(&clock, next) => {}
        }
    }
}
