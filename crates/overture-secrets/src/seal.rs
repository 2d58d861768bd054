//! Encrypting a secret for its place, and decrypting it there.

use chacha20poly1305::XNonce;
use chacha20poly1305::aead::{Aead, Generate, Payload};
use overture_core::{AccountId, WorkspaceId};
use overture_store::SealedSecret;

use crate::key::MasterKey;
use crate::secret::Secret;

/// Where a secret belongs: the associated data of its encryption. A ciphertext decrypts only
/// at the place it was sealed for, so one copied to another account or name is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecretPlace<'a> {
    /// The workspace.
    pub workspace: WorkspaceId,
    /// The account the secret belongs to.
    pub account: AccountId,
    /// The secret's name within the account.
    pub name: &'a str,
}

impl SecretPlace<'_> {
    fn associated_data(&self) -> Vec<u8> {
        format!(
            "overture-secret/v1\0workspace {}\0account {}\0{}",
            self.workspace, self.account, self.name
        )
        .into_bytes()
    }
}

/// Why a secret could not be sealed or opened. The messages never contain the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// Authentication failed: the master key is not the one the value was sealed with, the
    /// stored bytes were changed, or they were moved from another account or name.
    #[error(
        "secret `{name}` does not decrypt: the master key is not the one it was stored with, \
         or the stored bytes were changed"
    )]
    Undecryptable {
        /// The secret's name.
        name: String,
    },
    /// The stored nonce has the wrong length (the row was damaged).
    #[error("secret `{name}` has a damaged nonce ({len} bytes instead of 24)")]
    BadNonce {
        /// The secret's name.
        name: String,
        /// Its length.
        len: usize,
    },
    /// The decrypted value is not UTF-8 text.
    #[error("secret `{name}` does not decrypt to text")]
    NotText {
        /// The secret's name.
        name: String,
    },
    /// The operating system gave no randomness for a nonce, or the value is too long.
    #[error("secret `{name}` cannot be encrypted: {reason}")]
    Seal {
        /// The secret's name.
        name: String,
        /// What failed.
        reason: String,
    },
}

/// Encrypts `value` for `place` with a fresh random nonce.
pub fn seal(
    key: &MasterKey,
    place: SecretPlace<'_>,
    value: &Secret,
) -> Result<SealedSecret, SealError> {
    let fail = |reason: String| SealError::Seal {
        name: place.name.to_owned(),
        reason,
    };
    let nonce = XNonce::try_generate().map_err(|e| fail(e.to_string()))?;
    let aad = place.associated_data();
    let ciphertext = key
        .cipher()
        .encrypt(
            &nonce,
            Payload {
                msg: value.expose().as_bytes(),
                aad: &aad,
            },
        )
        .map_err(|_| fail("the value is too long".to_owned()))?;
    Ok(SealedSecret {
        nonce: nonce.to_vec(),
        ciphertext,
    })
}

/// Decrypts a value sealed for `place`.
pub fn open(
    key: &MasterKey,
    place: SecretPlace<'_>,
    sealed: &SealedSecret,
) -> Result<Secret, SealError> {
    let name = || place.name.to_owned();
    let nonce = XNonce::try_from(sealed.nonce.as_slice()).map_err(|_| SealError::BadNonce {
        name: name(),
        len: sealed.nonce.len(),
    })?;
    let aad = place.associated_data();
    let clear = key
        .cipher()
        .decrypt(
            &nonce,
            Payload {
                msg: &sealed.ciphertext,
                aad: &aad,
            },
        )
        .map_err(|_| SealError::Undecryptable { name: name() })?;
    String::from_utf8(clear).map(Secret::from).map_err(|e| {
        let mut bytes = e.into_bytes();
        zeroize::Zeroize::zeroize(&mut bytes);
        SealError::NotText { name: name() }
    })
}

#[cfg(test)]
mod tests;
