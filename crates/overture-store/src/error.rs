//! The store's error type.

/// Why a store operation failed, classified so callers can decide without reading messages.
///
/// No backend type appears here: each backend maps its driver's errors into these variants.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The row does not exist, or belongs to another workspace.
    #[error("{what} `{key}` not found")]
    NotFound {
        /// The kind of row (`account`, `lead`, `lead list`, …).
        what: &'static str,
        /// The key that was looked up.
        key: String,
    },
    /// The change contradicts what is stored: a duplicate name, a second pending invitation,
    /// a transition the state machine refuses, a stale fence.
    #[error("{what} `{key}` conflicts with the stored state")]
    Conflict {
        /// The kind of row.
        what: &'static str,
        /// The key, or the reason the change was refused.
        key: String,
    },
    /// The database cannot be reached or refused to work (I/O, locked, full, closed).
    #[error("the store is unavailable: {message}")]
    Unavailable {
        /// The backend's description of the failure.
        message: String,
    },
    /// A stored row no longer decodes into the domain type (a bug, or a schema drift).
    #[error("stored {what} does not decode: {detail}")]
    Corrupt {
        /// The kind of row.
        what: &'static str,
        /// What did not decode.
        detail: String,
    },
}

impl StoreError {
    /// A `NotFound` for `what` with a displayable key.
    pub fn not_found(what: &'static str, key: impl std::fmt::Display) -> Self {
        StoreError::NotFound {
            what,
            key: key.to_string(),
        }
    }

    /// A `Conflict` for `what` with a displayable key or reason.
    pub fn conflict(what: &'static str, key: impl std::fmt::Display) -> Self {
        StoreError::Conflict {
            what,
            key: key.to_string(),
        }
    }

    /// A `Corrupt` for `what` with a displayable detail.
    pub fn corrupt(what: &'static str, detail: impl std::fmt::Display) -> Self {
        StoreError::Corrupt {
            what,
            detail: detail.to_string(),
        }
    }
}
