//! The engine's error type.

use overture_store::StoreError;

use crate::config::Failpoint;

/// Why the engine stopped a tick.
///
/// Channel failures are not errors of the engine: they are reactions (see `docs/engine.md`)
/// recorded in the store. What remains is the store failing, and the test failpoints.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    /// The store failed; the tick stopped where it was, and the next one resumes from the
    /// stored state (the effect ledger makes that safe).
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// A configured failpoint was reached: the engine stops as if the process died there.
    #[error("failpoint {0:?} reached")]
    Failpoint(Failpoint),
}
