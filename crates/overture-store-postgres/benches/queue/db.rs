//! The databases the benchmark runs on: a fresh SQLite file or a fresh PostgreSQL database
//! per measurement, each opened once per worker (its own store handle, as a separate process
//! would have), and the fictional accounts and leads the actions are for.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use overture_core::{AccountId, ActionKind, LeadId, WorkspaceId};
use overture_store::conformance::{lead, new_account};
use overture_store::{LeadQuery, NewAction, Store};
use overture_store_postgres::{PostgresOptions, PostgresStore};
use overture_store_sqlite::{SqliteOptions, SqliteStore};
use sqlx::Connection as _;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// How many sender accounts the actions are spread over: an agency's hundreds of seats, so
/// that account affinity leaves every worker the same share (512 divides by 1, 4, 8 and 16)
/// and a claim of 200 spans many accounts, as the engine's claims do.
pub const ACCOUNTS: usize = 512;

/// How many leads the actions are aimed at (the claim reads each lead's suppression entry,
/// as the engine's does).
const LEADS: u64 = 1_000;

/// One database, opened by each worker on its own.
pub trait Db: Clone + Send + Sync + 'static {
    /// The store on it.
    type Store: Store + Clone + 'static;
    /// A new store handle (a connection pool of its own on PostgreSQL).
    fn open(&self) -> impl Future<Output = Result<Self::Store, BoxError>> + Send;
    /// Closes a handle's connections at once (not when the pool gets round to it).
    fn close(store: Self::Store) -> impl Future<Output = ()> + Send;
    /// After the queue is filled: brings the planner's statistics up to date, as a server
    /// does on its own after a bulk load (autovacuum's analyze). Nothing to do by default.
    fn analyze(&self) -> impl Future<Output = Result<(), BoxError>> + Send {
        async { Ok(()) }
    }
}

/// A SQLite file in a temporary directory, in WAL mode as the store sets it.
#[derive(Clone)]
pub struct SqliteDb {
    path: PathBuf,
    _dir: Arc<tempfile::TempDir>,
}

impl SqliteDb {
    pub fn fresh() -> Result<Self, BoxError> {
        let dir = tempfile::tempdir()?;
        Ok(Self {
            path: dir.path().join("queue.db"),
            _dir: Arc::new(dir),
        })
    }
}

impl Db for SqliteDb {
    type Store = SqliteStore;
    async fn open(&self) -> Result<SqliteStore, BoxError> {
        Ok(SqliteStore::open(&self.path, SqliteOptions::default()).await?)
    }
    async fn close(store: SqliteStore) {
        store.close().await;
    }
}

/// A database of its own on the PostgreSQL server, dropped by [`PgDb::drop_database`].
#[derive(Clone)]
pub struct PgDb {
    pub url: String,
    admin: String,
    name: String,
}

impl PgDb {
    /// Creates `overture_bench_…` on the server `admin` points to. With `async_commit`, its
    /// sessions do not wait for the disk at commit (`synchronous_commit = off`): not durable,
    /// an experiment that shows what the store does without the disk's flushes.
    pub async fn fresh(admin: &str, async_commit: bool) -> Result<Self, BoxError> {
        let name = format!("overture_bench_{}", uuid::Uuid::new_v4().simple());
        let mut url = url::Url::parse(admin)?;
        url.set_path(&name);
        run_admin(admin, &format!("CREATE DATABASE {name}")).await?;
        if async_commit {
            let sql = format!("ALTER DATABASE {name} SET synchronous_commit = off");
            run_admin(admin, &sql).await?;
        }
        Ok(Self {
            url: url.to_string(),
            admin: admin.to_owned(),
            name,
        })
    }

    /// The median time the server takes to commit a one-row insert, over 200 commits: the
    /// flush of the write-ahead log to disk that every durable commit waits for.
    pub async fn commit_latency(&self) -> Result<Duration, BoxError> {
        let mut conn = sqlx::PgConnection::connect(&self.url).await?;
        sqlx::raw_sql("CREATE TABLE commit_probe (n BIGINT)")
            .execute(&mut conn)
            .await?;
        let mut took = Vec::with_capacity(200);
        for n in 0..200_i64 {
            let start = Instant::now();
            sqlx::query("INSERT INTO commit_probe (n) VALUES ($1)")
                .bind(n)
                .execute(&mut conn)
                .await?;
            took.push(start.elapsed());
        }
        conn.close().await.ok();
        took.sort();
        Ok(took[took.len() / 2])
    }

    pub async fn drop_database(&self) -> Result<(), BoxError> {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        run_admin(&self.admin, &sql).await
    }
}

impl Db for PgDb {
    type Store = PostgresStore;
    async fn open(&self) -> Result<PostgresStore, BoxError> {
        Ok(PostgresStore::connect(&self.url, PostgresOptions::default()).await?)
    }
    async fn close(store: PostgresStore) {
        store.close().await;
    }
    /// `ANALYZE`: with autovacuum on (PostgreSQL's default), the server analyzes a table on
    /// its own once a tenth of it changed, as right after the queue is filled. Without
    /// statistics, the planner takes the queue for a few rows: the claim then reads every
    /// due action (a bitmap scan and a sort) instead of the queue's index in order up to
    /// the batch. Some servers run with autovacuum off (this machine's does), so the
    /// benchmark does what autovacuum would.
    async fn analyze(&self) -> Result<(), BoxError> {
        run_admin(&self.url, "ANALYZE").await
    }
}

async fn run_admin(admin: &str, sql: &str) -> Result<(), BoxError> {
    let mut conn = sqlx::PgConnection::connect(admin)
        .await
        .map_err(|e| format!("connecting to {admin}: {e}"))?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(&mut conn)
        .await
        .map_err(|e| format!("{sql}: {e}"))?;
    conn.close().await.ok();
    Ok(())
}

/// The accounts and leads of a fresh database.
#[derive(Debug, Clone)]
pub struct Fixture {
    pub accounts: Vec<AccountId>,
    pub leads: Vec<LeadId>,
}

impl Fixture {
    /// Creates [`ACCOUNTS`] sandbox accounts and [`LEADS`] leads through the store.
    pub async fn create<S: Store>(store: &S) -> Result<Self, BoxError> {
        let ws = WorkspaceId::DEFAULT;
        let mut accounts = Vec::with_capacity(ACCOUNTS);
        for i in 0..ACCOUNTS {
            let account = store
                .create_account(new_account(ws, &format!("sender-{i:02}")))
                .await?;
            accounts.push(account.id);
        }
        let new: Vec<_> = (1..=LEADS).map(lead).collect();
        store
            .import_leads(ws, "bench", &new, Timestamp::now(), &|_| {})
            .await?;
        let mut leads = Vec::new();
        let mut after = None;
        loop {
            let query = LeadQuery {
                list: None,
                after,
                limit: 500,
            };
            let page = store.list_leads(ws, query).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            leads.extend(page.iter().map(|l| l.id));
        }
        Ok(Self { accounts, leads })
    }

    /// The `i`th no-op action: a profile visit by a sandbox account, due now.
    pub fn action(&self, i: u64, due_at: Timestamp) -> NewAction {
        let n = usize::try_from(i).unwrap_or(usize::MAX);
        NewAction {
            workspace_id: WorkspaceId::DEFAULT,
            account_id: self.accounts[n % self.accounts.len()],
            lead_id: Some(self.leads[n % self.leads.len()]),
            campaign_id: None,
            enrollment_id: None,
            kind: ActionKind::Visit,
            payload: "{}".into(),
            due_at,
            idempotency_key: format!("bench-{i}"),
            variant: None,
        }
    }

    /// Queues actions `from..to` through `Store::enqueue_actions`, 1,000 per call.
    pub async fn enqueue<S: Store>(&self, store: &S, from: u64, to: u64) -> Result<(), BoxError> {
        let due = Timestamp::now();
        let mut i = from;
        while i < to {
            let end = (i + 1_000).min(to);
            let batch: Vec<_> = (i..end).map(|n| self.action(n, due)).collect();
            store.enqueue_actions(&batch).await?;
            i = end;
        }
        Ok(())
    }
}
