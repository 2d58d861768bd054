//! Webhooks: Overture's events, signed and delivered to receivers over HTTP.
//!
//! An endpoint ([`create_endpoint`]) is a URL of a workspace subscribed to some event types,
//! with a signing secret in the Standard Webhooks format (`whsec_` and base64, [`SigningSecret`])
//! that is sealed with the master key before the store sees it and is shown once.
//!
//! Delivery is an outbox. The dispatcher ([`dispatch`]) reads each workspace's events after a
//! stored cursor and queues one delivery per event and subscribed endpoint, with its payload
//! ([`payload`]) and a stable message id, in the same transaction that moves the cursor. The
//! deliverer ([`deliver_due`]) claims due deliveries with a lease, signs each attempt
//! ([`sign`]: `webhook-id`, `webhook-timestamp`, `webhook-signature`), POSTs it with reqwest and
//! records the attempt: a 2xx is delivered, a 410 turns the endpoint off, anything else is tried
//! again on the [`RETRY_DELAYS`] schedule with jitter, then failed. A crash between the POST and
//! the record sends the message again after the lease, with the same `webhook-id`: at least
//! once, and receivers de-duplicate. [`run`] drives both on a clock until told to stop.
//!
//! The target guard ([`guard`]) refuses URLs whose host is or resolves to a private, loopback,
//! link-local, unspecified, multicast or metadata address, when the endpoint is created and
//! again before every attempt (DNS may change); the connection then goes to the checked
//! addresses only, and redirects are not followed.
//!
//! Depends on the core, the store port, the secrets crate and the clock; never on a store
//! backend, the engine or the binary. Reads no environment and no configuration: the binary
//! passes a [`WebhookConfig`].

mod endpoints;
mod error;
pub mod guard;
mod outbox;
pub mod payload;
mod schedule;
mod signing;

pub use endpoints::{
    CreatedEndpoint, EndpointSpec, create_endpoint, endpoint_secret, parse_event_types,
};
pub use error::WebhookError;
pub use outbox::{
    DeliverReport, DispatchReport, WebhookConfig, deliver_due, dispatch, run, send_ping,
};
pub use schedule::{RETRY_DELAYS, next_attempt, retry_delay};
pub use signing::{Signature, SigningSecret, sign};
