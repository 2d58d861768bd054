//! Secrets as the store keeps them: opaque bytes, encrypted before they reach it.

use jiff::Timestamp;

/// An encrypted value as it is handed to the store: the nonce it was sealed with and the
/// ciphertext (with its authentication tag). The store never sees a key or a clear value.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedSecret {
    /// The nonce, unique per sealing.
    pub nonce: Vec<u8>,
    /// The ciphertext and its tag.
    pub ciphertext: Vec<u8>,
}

impl std::fmt::Debug for SealedSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Ciphertexts are harmless, but there is no reason to copy them into logs either.
        write!(
            f,
            "SealedSecret {{ nonce: {} bytes, ciphertext: {} bytes }}",
            self.nonce.len(),
            self.ciphertext.len()
        )
    }
}

/// A stored secret: its name, its sealed bytes and when it was first and last stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSecret {
    /// The secret's name within its account (`linkedin_session`, …).
    pub name: String,
    /// The encrypted value.
    pub sealed: SealedSecret,
    /// When a value was first stored under this name.
    pub created_at: Timestamp,
    /// When the current value was stored.
    pub updated_at: Timestamp,
}

/// What is known about a stored secret without reading it: its name and its times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretInfo {
    /// The secret's name within its account.
    pub name: String,
    /// When a value was first stored under this name.
    pub created_at: Timestamp,
    /// When the current value was stored.
    pub updated_at: Timestamp,
}
