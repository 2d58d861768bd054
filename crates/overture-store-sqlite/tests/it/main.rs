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
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = SqliteStore::open(&dir.path().join("overture.db"), SqliteOptions::default())
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
