//! The webhook crate's error type.

use overture_secrets::SealError;
use overture_store::StoreError;

use crate::guard::TargetError;

/// Why a webhook operation failed.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The signing secret could not be sealed or opened (wrong master key, damaged row).
    #[error(transparent)]
    Seal(#[from] SealError),
    /// The target URL is invalid or refused.
    #[error(transparent)]
    Target(#[from] TargetError),
    /// An endpoint was given no event types.
    #[error("a webhook endpoint needs at least one event type (one of: {0})")]
    NoEvents(String),
    /// The stored secret is not a Standard Webhooks secret.
    #[error("the webhook signing secret does not read: {0}")]
    BadSecret(String),
    /// The operating system gave no randomness for a new secret.
    #[error("no randomness for a webhook secret: {0}")]
    Randomness(String),
}
