//! The Store port: everything Overture keeps, expressed as intent.
//!
//! [`Store`] is the one trait the engine, the server and the CLI use to read and change state:
//! accounts and their secrets (encrypted before they get here), leads and lead lists, campaigns and their versions, events, invitations,
//! re-invite cooldowns and the durable action queue, and the users, memberships, sessions and
//! API tokens that sign in (hashes only). Its methods say what is wanted
//! (`claim_due_actions(now, limit, lease)`), never how a database does it. Every change that
//! touches more than one row is one transaction in every backend.
//!
//! Failures are classified by [`StoreError`] so callers decide without reading messages.
//!
//! With the `conformance` feature, the `conformance` module holds one test per behaviour a
//! backend must have, and `conformance_tests!` turns them into `#[tokio::test]`s in a
//! backend's own test binary.
//!
//! This crate must not depend on any database driver: backends (`overture-store-sqlite`,
//! later `overture-store-postgres`) depend on it, not the other way round.

mod account_lease_store;
mod engine_types;
mod erasure;
mod error;
mod history;
mod secrets;
mod store;
mod types;
mod user_store;
mod users;
mod variants;
mod webhook_store;
mod webhooks;

#[cfg(feature = "conformance")]
pub mod conformance;

pub use account_lease_store::{AccountLease, AccountLeaseStore};
pub use engine_types::{
    ActionHistory, Backoff, BackoffAxis, Changes, ContactPolicy, EffectEntry, EffectOutcome,
    EffectRecord, EffectResult, EnrollmentRecord, EnrollmentUpdate, InFlightEffect, Intent,
    IntentOutcome, InvitationChange, NewEnrollment, OpenAccount, PollKind, Proximity,
};
pub use erasure::{ERASED_PREFIX, ERASED_REASON, Erasure, erased_value};
pub use error::StoreError;
pub use history::{
    AccountHistory, CONNECTED_SLACK, HistoryConnection, HistoryInvitation, HistoryOutcome,
    SAME_SENDING, StoredConnection,
};
pub use secrets::{SealedSecret, SecretInfo, StoredSecret};
pub use store::Store;
pub use types::{
    ActionQuery, ActionTally, Applied, ClaimedAction, EventQuery, ImportOutcome, InvitationQuery,
    LeadQuery, NewAction, NewCampaignVersion, NewInvitation, Unsubscribed, Workspace, waves,
};
pub use user_store::UserStore;
pub use users::{
    ApiTokenInfo, Member, Membership, NewApiToken, NewSession, NewUser, SessionAuth, User,
};
pub use variants::{StepVariant, VariantChoice, VariantStats, step_tallies};
pub use webhook_store::WebhookStore;
pub use webhooks::{
    AttemptOutcome, DeliveryQuery, NewWebhookDelivery, NewWebhookEndpoint, StoredAttempt,
    WebhookAttempt, WebhookDelivery, WebhookEndpoint,
};
