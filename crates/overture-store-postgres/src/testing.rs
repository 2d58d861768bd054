//! Throwaway databases for tests (feature `testing`): each test gets a database of its own on
//! the server named by `OVERTURE_TEST_POSTGRES_URL`, dropped when the test ends.

use sqlx::Connection as _;

use crate::{PostgresOptions, PostgresStore};

/// The variable that names the server tests may create databases on, for example
/// `postgres://postgres@127.0.0.1:5432/postgres`.
pub const URL_VARIABLE: &str = "OVERTURE_TEST_POSTGRES_URL";

/// A database created for one test and dropped (with any connection left to it) when this
/// guard is dropped.
#[derive(Debug)]
pub struct TestDatabase {
    /// The URL of the new database.
    pub url: String,
    admin: String,
    name: String,
}

impl TestDatabase {
    /// Creates a fresh database, or `None`, having said so on stderr, when
    /// [`URL_VARIABLE`] is not set. Panics when the server refuses: a test should fail then.
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

    /// [`TestDatabase::create`] for a test without a runtime of its own.
    pub fn create_blocking() -> Option<Self> {
        block_on(Self::create())
    }

    /// A store on this database (a small pool).
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

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (admin, sql) = (
            self.admin.clone(),
            format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        );
        // Drop may run inside a test's runtime, which cannot block on itself: the statement
        // runs on a thread with a runtime of its own.
        let dropped = std::thread::spawn(move || block_on(run(&admin, &sql))).join();
        if dropped.is_err() && !std::thread::panicking() {
            panic!("dropping the test database {} failed", self.name);
        }
    }
}

fn block_on<T>(future: impl Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime for the test database")
        .block_on(future)
}

/// Runs one statement on the server's admin database.
async fn run(admin: &str, sql: &str) {
    let mut conn = sqlx::PgConnection::connect(admin)
        .await
        .unwrap_or_else(|e| panic!("connecting to {admin}: {e}"));
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    conn.close().await.ok();
}
