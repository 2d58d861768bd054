//! Creating endpoints and reading their secrets back, sealed with the master key.

use jiff::Timestamp;
use overture_core::webhook::{WebhookEndpointId, WebhookEventType};
use overture_core::{AccountId, WorkspaceId};
use overture_secrets::{MasterKey, SecretPlace, open, seal};
use overture_store::{NewWebhookEndpoint, Store, WebhookEndpoint};

use crate::error::WebhookError;
use crate::guard;
use crate::signing::SigningSecret;

/// What a new endpoint is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointSpec {
    /// The receiver's URL.
    pub url: String,
    /// The event types it receives (duplicates are dropped; pings go to every endpoint).
    pub events: Vec<WebhookEventType>,
    /// Whether private targets are allowed for this endpoint (the operator's choice; the
    /// deliverer's [`WebhookConfig`](crate::WebhookConfig) can allow them for all).
    pub allow_private_targets: bool,
}

/// A stored endpoint and its secret, to be shown to the user once.
#[derive(Debug)]
pub struct CreatedEndpoint {
    /// The endpoint as stored.
    pub endpoint: WebhookEndpoint,
    /// Its signing secret (`whsec_…`); never stored in clear, never shown again.
    pub secret: SigningSecret,
}

/// Where an endpoint's secret is sealed: its workspace, no account, and its URL (unique in the
/// workspace), so a ciphertext moved to another endpoint does not decrypt.
fn place(ws: WorkspaceId, name: &str) -> SecretPlace<'_> {
    SecretPlace {
        workspace: ws,
        account: AccountId(0),
        name,
    }
}

fn place_name(url: &str) -> String {
    format!("webhook:{url}")
}

/// Reads event type names as a person gives them (`invite_accepted`, `reply_received`, …;
/// `unsubscribed` stands for `lead_unsubscribed`); blank ones are skipped. An unknown name (or
/// `ping`, which every endpoint gets anyway) is an error naming the accepted ones.
pub fn parse_event_types(given: &[String]) -> Result<Vec<WebhookEventType>, String> {
    let names: Vec<&str> = WebhookEventType::SUBSCRIBABLE
        .iter()
        .map(|t| t.as_str())
        .collect();
    given
        .iter()
        .map(|e| e.trim())
        .filter(|e| !e.is_empty())
        .map(|e| {
            // The event is `unsubscribed`; its webhook type is `lead_unsubscribed`.
            let e = if e == "unsubscribed" {
                "lead_unsubscribed"
            } else {
                e
            };
            match e.parse::<WebhookEventType>() {
                Ok(WebhookEventType::Ping) | Err(_) => Err(format!(
                    "unknown event type `{e}` (expected some of: {})",
                    names.join(", ")
                )),
                Ok(t) => Ok(t),
            }
        })
        .collect()
}

/// Checks the URL (with the target guard, unless `allow_private` says otherwise), makes a
/// secret, seals it and stores the endpoint.
pub async fn create_endpoint<S: Store>(
    store: &S,
    master: &MasterKey,
    ws: WorkspaceId,
    spec: EndpointSpec,
    allow_private: bool,
    now: Timestamp,
) -> Result<CreatedEndpoint, WebhookError> {
    let url = guard::parse_url(&spec.url)?;
    guard::check_url(&url, allow_private || spec.allow_private_targets).await?;
    let mut events: Vec<WebhookEventType> = spec
        .events
        .into_iter()
        .filter(|e| *e != WebhookEventType::Ping)
        .collect();
    events.sort();
    events.dedup();
    if events.is_empty() {
        let names: Vec<&str> = WebhookEventType::SUBSCRIBABLE
            .iter()
            .map(|e| e.as_str())
            .collect();
        return Err(WebhookError::NoEvents(names.join(", ")));
    }
    let secret = SigningSecret::generate()?;
    let url = url.to_string();
    let name = place_name(&url);
    let sealed = seal(master, place(ws, &name), secret.text())?;
    let endpoint = store
        .create_webhook_endpoint(NewWebhookEndpoint {
            workspace_id: ws,
            url,
            events,
            allow_private_targets: spec.allow_private_targets,
            secret: sealed,
            created_at: now,
        })
        .await?;
    Ok(CreatedEndpoint { endpoint, secret })
}

/// The endpoint's signing secret, decrypted.
pub async fn endpoint_secret<S: Store>(
    store: &S,
    master: &MasterKey,
    endpoint: &WebhookEndpoint,
) -> Result<SigningSecret, WebhookError> {
    let sealed = store
        .webhook_endpoint_secret(endpoint.workspace_id, endpoint.id)
        .await?;
    let name = place_name(&endpoint.url);
    let clear = open(master, place(endpoint.workspace_id, &name), &sealed)?;
    SigningSecret::parse(clear)
}

/// Whether `id` names an endpoint of the workspace (for callers that only hold an id).
pub(crate) async fn endpoint<S: Store>(
    store: &S,
    ws: WorkspaceId,
    id: WebhookEndpointId,
) -> Result<WebhookEndpoint, WebhookError> {
    Ok(store.webhook_endpoint(ws, id).await?)
}
