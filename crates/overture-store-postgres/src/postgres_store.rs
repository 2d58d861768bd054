//! [`PostgresStore`]: connecting, migrating, transactions, error mapping and row helpers. The
//! `overture_store::Store` methods live in one file per resource and are wired up in
//! `store_impl.rs`.

use std::fmt::Display;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use overture_core::WorkspaceId;
use overture_store::{StoreError, Workspace};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgArguments, PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::{Decode, PgConnection, Postgres, Row, Transaction, Type};

use crate::work_notify::WorkNotify;

/// How to connect a [`PostgresStore`].
#[derive(Debug, Clone)]
pub struct PostgresOptions {
    /// The most connections the store keeps open to the server at once.
    pub max_connections: u32,
    /// How long a store method waits for a free connection before it fails as unavailable.
    pub acquire_timeout: Duration,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        Self {
            max_connections: 10,
            acquire_timeout: Duration::from_secs(10),
        }
    }
}

/// The `overture_store::Store` on a PostgreSQL database. Clones share one connection pool,
/// and one connection of it that listens for work queued by other processes once the engine
/// waits for some (`AccountLeaseStore::work_queued`).
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
    work: Arc<WorkNotify>,
}

/// A statement with its bound parameters.
pub(crate) type Query = sqlx::query::Query<'static, Postgres, PgArguments>;

/// A connection in an open transaction.
pub(crate) type Tx = Transaction<'static, Postgres>;

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/database`) and
    /// applies the embedded migrations that are not applied yet. Several processes may
    /// connect at once: the migrations take a lock, and each runs once.
    pub async fn connect(url: &str, options: PostgresOptions) -> Result<Self, StoreError> {
        let connect: PgConnectOptions = url.parse().map_err(|e| StoreError::Unavailable {
            message: format!(
                "the PostgreSQL URL does not parse ({e}); write it as \
                 postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE"
            ),
        })?;
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(options.acquire_timeout)
            .connect_with(connect)
            .await
            .map_err(|e| StoreError::Unavailable {
                message: format!("connecting to PostgreSQL: {e}"),
            })?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(|e| StoreError::Unavailable {
                message: format!("migrating the PostgreSQL database: {e}"),
            })?;
        Ok(Self {
            pool,
            work: Arc::default(),
        })
    }

    /// Closes every connection of the pool; the store (and its clones) cannot be used after.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Completes when another process may have queued work (see `work_notify`).
    pub(crate) async fn work_queued_impl(&self) {
        self.work.wait(&self.pool).await;
    }

    /// Starts a transaction. It commits with `tx.commit()`; dropped without a commit (a
    /// failure, or a caller that gave up on the future), it rolls back.
    pub(crate) async fn begin(&self) -> Result<Tx, StoreError> {
        self.pool.begin().await.map_err(unavailable)
    }

    /// A connection for reads outside a transaction.
    pub(crate) async fn conn(&self) -> Result<PoolConnection<Postgres>, StoreError> {
        self.pool.acquire().await.map_err(unavailable)
    }

    pub(crate) async fn list_workspaces_impl(&self) -> Result<Vec<Workspace>, StoreError> {
        let mut c = self.conn().await?;
        rows(
            &mut c,
            sqlx::query("SELECT id, name FROM workspaces ORDER BY id"),
            |row| {
                Ok(Workspace {
                    id: WorkspaceId(col(row, "workspace", "id")?),
                    name: col(row, "workspace", "name")?,
                })
            },
        )
        .await
    }

    pub(crate) async fn create_workspace_impl(&self, name: &str) -> Result<Workspace, StoreError> {
        let mut tx = self.begin().await?;
        let id: i64 = found(
            row_or(
                &mut tx,
                sqlx::query("INSERT INTO workspaces (name) VALUES ($1) RETURNING id").bind(name),
                db_err("workspace", name),
                |row| col(row, "workspace", "id"),
            )
            .await?,
            "workspace",
            name,
        )?;
        commit(tx).await?;
        Ok(Workspace {
            id: WorkspaceId(id),
            name: name.to_owned(),
        })
    }
}

/// Commits a transaction.
pub(crate) async fn commit(tx: Tx) -> Result<(), StoreError> {
    tx.commit().await.map_err(unavailable)
}

/// Ends `tx` after `result`: commits what succeeded, and rolls back at once what failed. A
/// transaction that is only dropped keeps its row locks until its connection is used again,
/// and claims (`SKIP LOCKED`) would pass those rows by meanwhile.
pub(crate) async fn settle<T>(tx: Tx, result: Result<T, StoreError>) -> Result<T, StoreError> {
    match result {
        Ok(value) => {
            commit(tx).await?;
            Ok(value)
        }
        Err(e) => {
            let _ = tx.rollback().await;
            Err(e)
        }
    }
}

/// Every row of a query, decoded by `decode`.
pub(crate) async fn rows<T>(
    c: &mut PgConnection,
    query: Query,
    decode: impl FnMut(&PgRow) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let found = query.fetch_all(&mut *c).await.map_err(unavailable)?;
    found.iter().map(decode).collect()
}

/// The first row of a query, decoded by `decode`, if there is one.
pub(crate) async fn row<T>(
    c: &mut PgConnection,
    query: Query,
    decode: impl FnOnce(&PgRow) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    row_or(c, query, unavailable, decode).await
}

/// The first row of a statement that changes rows (`INSERT … RETURNING`), with a failure
/// mapped by `err` (see [`db_err`]).
pub(crate) async fn row_or<T>(
    c: &mut PgConnection,
    query: Query,
    err: impl FnOnce(sqlx::Error) -> StoreError,
    decode: impl FnOnce(&PgRow) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    match query.fetch_optional(&mut *c).await {
        Ok(Some(row)) => decode(&row).map(Some),
        Ok(None) => Ok(None),
        Err(e) => Err(err(e)),
    }
}

/// One value from the first column of the first row (`None`: no row).
pub(crate) async fn scalar<T>(c: &mut PgConnection, query: Query) -> Result<Option<T>, StoreError>
where
    T: for<'r> Decode<'r, Postgres> + Type<Postgres>,
{
    row(c, query, |row| {
        row.try_get(0)
            .map_err(|e| StoreError::corrupt("value", e.to_string()))
    })
    .await
}

/// Runs a statement that changes rows and returns how many it changed. A failure maps with
/// `err` (see [`db_err`]).
pub(crate) async fn exec(
    c: &mut PgConnection,
    query: Query,
    err: impl FnOnce(sqlx::Error) -> StoreError,
) -> Result<u64, StoreError> {
    let done = query.execute(&mut *c).await.map_err(err)?;
    Ok(done.rows_affected())
}

/// Maps an error that has no better classification: a value that does not decode is
/// `Corrupt`, anything else (the server, the network, the pool) is `Unavailable`.
pub(crate) fn unavailable(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => {
            StoreError::corrupt("value", e)
        }
        _ => StoreError::Unavailable {
            message: e.to_string(),
        },
    }
}

/// Maps a database error of a change to `what` (`key`): a unique violation is a `Conflict`,
/// anything else as [`unavailable`].
pub(crate) fn db_err(
    what: &'static str,
    key: impl Display,
) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::conflict(what, key),
        _ => unavailable(e),
    }
}

/// Reads one column, mapping a decoding failure to `Corrupt`.
pub(crate) fn col<'r, T>(row: &'r PgRow, what: &'static str, name: &str) -> Result<T, StoreError>
where
    T: Decode<'r, Postgres> + Type<Postgres>,
{
    row.try_get(name)
        .map_err(|e| StoreError::corrupt(what, format!("column {name}: {e}")))
}

/// Reads an integer column into a narrower type (`u32`, `u16`…).
pub(crate) fn col_int<T>(row: &PgRow, what: &'static str, name: &str) -> Result<T, StoreError>
where
    T: TryFrom<i64>,
    T::Error: Display,
{
    T::try_from(col::<i64>(row, what, name)?)
        .map_err(|e| StoreError::corrupt(what, format!("column {name}: {e}")))
}

/// Reads a nullable integer column into a narrower type.
pub(crate) fn col_opt_int<T>(
    row: &PgRow,
    what: &'static str,
    name: &str,
) -> Result<Option<T>, StoreError>
where
    T: TryFrom<i64>,
    T::Error: Display,
{
    col::<Option<i64>>(row, what, name)?
        .map(|n| {
            T::try_from(n).map_err(|e| StoreError::corrupt(what, format!("column {name}: {e}")))
        })
        .transpose()
}

/// Reads a column of integer milliseconds as a timestamp.
pub(crate) fn col_ts(row: &PgRow, what: &'static str, name: &str) -> Result<Timestamp, StoreError> {
    from_ms(what, col(row, what, name)?)
}

/// Reads a nullable column of integer milliseconds.
pub(crate) fn col_opt_ts(
    row: &PgRow,
    what: &'static str,
    name: &str,
) -> Result<Option<Timestamp>, StoreError> {
    col::<Option<i64>>(row, what, name)?
        .map(|ms| from_ms(what, ms))
        .transpose()
}

/// Reads a column of text through `FromStr` (names of enumerations).
pub(crate) fn col_parse<T>(row: &PgRow, what: &'static str, name: &str) -> Result<T, StoreError>
where
    T: std::str::FromStr,
    T::Err: Display,
{
    col_str(row, what, name)?
        .parse()
        .map_err(|e| StoreError::corrupt(what, format!("column {name}: {e}")))
}

/// Reads a column of text without copying it.
pub(crate) fn col_str<'r>(
    row: &'r PgRow,
    what: &'static str,
    name: &str,
) -> Result<&'r str, StoreError> {
    col(row, what, name)
}

/// Reads a column of JSON text.
pub(crate) fn col_json<T>(row: &PgRow, what: &'static str, name: &str) -> Result<T, StoreError>
where
    T: serde::de::DeserializeOwned,
{
    serde_json::from_str(col_str(row, what, name)?)
        .map_err(|e| StoreError::corrupt(what, format!("column {name}: {e}")))
}

/// Encodes a value as JSON text for a column.
pub(crate) fn to_json<T: serde::Serialize + ?Sized>(
    what: &'static str,
    value: &T,
) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::corrupt(what, format!("encoding: {e}")))
}

/// The decoded row, or `NotFound` naming `what` and `key` when the look-up found none.
pub(crate) fn found<T>(
    row: Option<T>,
    what: &'static str,
    key: impl Display,
) -> Result<T, StoreError> {
    row.ok_or_else(|| StoreError::not_found(what, key))
}

/// A timestamp as integer Unix milliseconds (sub-millisecond precision is dropped).
pub(crate) fn ms(t: Timestamp) -> i64 {
    t.as_millisecond()
}

/// Integer Unix milliseconds as a timestamp.
pub(crate) fn from_ms(what: &'static str, ms: i64) -> Result<Timestamp, StoreError> {
    Timestamp::from_millisecond(ms).map_err(|e| StoreError::corrupt(what, e))
}

/// Fails with `NotFound` unless the workspace exists.
pub(crate) async fn require_workspace(
    c: &mut PgConnection,
    ws: WorkspaceId,
) -> Result<(), StoreError> {
    let known: Option<i64> = scalar(
        c,
        sqlx::query("SELECT id FROM workspaces WHERE id = $1").bind(ws.get()),
    )
    .await?;
    match known {
        Some(_) => Ok(()),
        None => Err(StoreError::not_found("workspace", ws)),
    }
}
