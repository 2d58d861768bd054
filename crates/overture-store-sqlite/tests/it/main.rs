//! Integration tests of the SQLite store: the shared conformance suite on fresh temporary
//! files, and behaviour only a file-backed store has.

mod sqlite;

use overture_store_sqlite::{SqliteOptions, SqliteStore};
use tempfile::TempDir;

/// A store on a fresh file; the directory lives as long as the store.
#[derive(Debug)]
pub struct Fresh {
    /// The store.
    pub store: SqliteStore,
    /// Keeps the directory until the test ends.
    pub dir: TempDir,
}

/// Opens a store on a new file in a new temporary directory.
pub async fn fresh() -> Fresh {
    fresh_with(SqliteOptions::default()).await
}

/// [`fresh`] with other options.
pub async fn fresh_with(options: SqliteOptions) -> Fresh {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = SqliteStore::open(&dir.path().join("overture.db"), options)
        .await
        .expect("a fresh store opens");
    Fresh { store, dir }
}

mod conformance {
    use super::fresh;

    overture_store::conformance_tests!(async || {
        let fresh = fresh().await;
        (fresh.store, fresh.dir)
    });
}

/// The suite again on a simulation's store: exclusive, with no write-ahead log. Rollbacks,
/// constraints and reads of the writer's own commits must behave the same.
mod conformance_exclusive_scratch {
    use overture_store_sqlite::SqliteOptions;

    use super::fresh_with;

    overture_store::conformance_tests!(async || {
        let fresh = fresh_with(SqliteOptions {
            scratch: true,
            exclusive: true,
            ..SqliteOptions::default()
        })
        .await;
        (fresh.store, fresh.dir)
    });
}
