//! Storing and loading secrets through the `Store` port, which only ever sees ciphertexts.

use jiff::Timestamp;
use overture_core::{AccountId, WorkspaceId};
use overture_store::{Store, StoreError};

use crate::cookies::parse_cookies;
use crate::key::MasterKey;
use crate::seal::{SealError, SecretPlace, open, seal};
use crate::secret::Secret;
use crate::session::LinkedInSession;

/// The name under which an account's LinkedIn session is stored. Its value is the session's
/// `cookie` header (`li_at=…; JSESSIONID="ajax:…"`), encrypted.
pub const LINKEDIN_SESSION: &str = "linkedin_session";

/// Why a secret could not be stored or loaded.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Encryption or decryption failed (wrong key, damaged row).
    #[error(transparent)]
    Seal(#[from] SealError),
    /// The stored session decrypted but is not a session (written by something else).
    #[error("the stored LinkedIn session does not read as cookies: {0}")]
    NotASession(String),
}

/// Encrypts `value` and stores it as the account's secret `name`, replacing any stored one.
pub async fn store_secret<S: Store>(
    store: &S,
    key: &MasterKey,
    (ws, account): (WorkspaceId, AccountId),
    name: &str,
    value: &Secret,
    now: Timestamp,
) -> Result<(), VaultError> {
    let place = SecretPlace {
        workspace: ws,
        account,
        name,
    };
    let sealed = seal(key, place, value)?;
    store.put_secret(ws, account, name, sealed, now).await?;
    Ok(())
}

/// The account's secret `name`, decrypted, if one is stored.
pub async fn load_secret<S: Store>(
    store: &S,
    key: &MasterKey,
    (ws, account): (WorkspaceId, AccountId),
    name: &str,
) -> Result<Option<Secret>, VaultError> {
    let Some(stored) = store.secret(ws, account, name).await? else {
        return Ok(None);
    };
    let place = SecretPlace {
        workspace: ws,
        account,
        name,
    };
    Ok(Some(open(key, place, &stored.sealed)?))
}

/// Encrypts and stores the account's LinkedIn session, replacing any stored one.
pub async fn store_session<S: Store>(
    store: &S,
    key: &MasterKey,
    ws: WorkspaceId,
    account: AccountId,
    session: &LinkedInSession,
    now: Timestamp,
) -> Result<(), VaultError> {
    let header = session.cookie_header();
    store_secret(store, key, (ws, account), LINKEDIN_SESSION, &header, now).await
}

/// The account's LinkedIn session, decrypted, if one is stored.
pub async fn load_session<S: Store>(
    store: &S,
    key: &MasterKey,
    ws: WorkspaceId,
    account: AccountId,
) -> Result<Option<LinkedInSession>, VaultError> {
    let Some(header) = load_secret(store, key, (ws, account), LINKEDIN_SESSION).await? else {
        return Ok(None);
    };
    parse_cookies(LINKEDIN_SESSION, header.expose())
        .map(Some)
        .map_err(|e| VaultError::NotASession(e.to_string()))
}

#[cfg(test)]
mod tests;
