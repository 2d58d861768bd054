//! Integration tests of the PostgreSQL store: the shared conformance suite, each test on a
//! database of its own, and what only a shared database has (several workers at once).
//!
//! The server comes from `OVERTURE_TEST_POSTGRES_URL` (for example
//! `postgres://postgres@127.0.0.1:5432/postgres`): each test creates a uniquely named
//! database through it and drops it when the test ends (`testing::TestDatabase`). Without
//! the variable, every test says so on stderr and passes without checking anything
//! (`scripts/test.sh` sets it).

mod postgres;
mod work_notify;

pub use overture_store_postgres::testing::TestDatabase as Database;

mod conformance {
    use super::Database;

    overture_store::conformance_tests!(async || {
        let db = Database::create().await?;
        let store = db.store().await;
        Some((store, db))
    });
}
