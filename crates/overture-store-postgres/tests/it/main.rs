//! Integration tests of the PostgreSQL store: the shared conformance suite, each test on a
//! database of its own, and what only a shared database has (several workers at once).
//!
//! The server comes from `OVERTURE_TEST_POSTGRES_URL` (for example
//! `postgres://postgres@127.0.0.1:5432/postgres`): each test creates a uniquely named
//! database through it and drops it when the test ends. Without the variable, every test
//! says so on stderr and passes without checking anything (`scripts/test.sh` sets it).

mod postgres;

use overture_store_postgres::{PostgresOptions, PostgresStore};

/// The variable that names the server the tests may create databases on.
const URL_VARIABLE: &str = "OVERTURE_TEST_POSTGRES_URL";

/// A throwaway database: created for one test, dropped (with any connection left to it) when
/// this guard is dropped.
#[derive(Debug)]
pub struct Database {
    /// The URL the store connects to.
    pub url: String,
    admin: String,
    name: String,
}

impl Database {
    /// Creates a fresh database, or `None` (having said so on stderr) without a server.
    pub async fn create() -> Option<Self> {
        let Ok(admin) = std::env::var(URL_VARIABLE) else {
            eprintln!("{URL_VARIABLE} is not set: skipping a PostgreSQL test");
            return None;
        };
        let name = format!("overture_test_{}", uuid::Uuid::new_v4().simple());
        let mut url = url::Url::parse(&admin)
            .unwrap_or_else(|e| panic!("{URL_VARIABLE} is not a URL ({e}): {admin}"));
        url.set_path(&name);
        run(&admin, &format!("CREATE DATABASE {name}")).await;
        Some(Self {
            url: url.to_string(),
            admin,
            name,
        })
    }

    /// A store on this database.
    pub async fn store(&self) -> PostgresStore {
        PostgresStore::connect(
            &self.url,
            PostgresOptions {
                max_connections: 4,
                ..PostgresOptions::default()
            },
        )
        .await
        .unwrap_or_else(|e| panic!("a store on {}: {e}", self.url))
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let (admin, sql) = (
            self.admin.clone(),
            format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        );
        // Drop may run inside the test's runtime, which cannot block on itself: the statement
        // runs on a thread with a runtime of its own.
        let dropped = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime to drop the test database")
                .block_on(run(&admin, &sql));
        })
        .join();
        if dropped.is_err() && !std::thread::panicking() {
            panic!("dropping the test database {} failed", self.name);
        }
    }
}

/// Runs one statement on the server's admin database.
async fn run(admin: &str, sql: &str) {
    use sqlx::Connection as _;
    let mut conn = sqlx::PgConnection::connect(admin)
        .await
        .unwrap_or_else(|e| panic!("connecting to {admin}: {e}"));
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    conn.close().await.ok();
}

mod conformance {
    use super::Database;

    overture_store::conformance_tests!(async || {
        let db = Database::create().await?;
        let store = db.store().await;
        Some((store, db))
    });
}
