//! [`SqliteStore`]: opening the file, the connections, error mapping and row helpers. The
//! `overture_store::Store` methods live in one file per resource and are wired up in
//! `store_impl.rs`.
//!
//! Statements run on the calling thread. SQLite answers a statement on a local file in
//! microseconds; handing every statement to a connection thread and back (what an async
//! driver does) cost more than the statements themselves: in a simulated campaign year, the
//! thread hand-offs took about 70% of the time. A store method takes the writer (or a reader)
//! for the few statements it runs, then gives it back; it never holds one across an `await`.

use std::cell::RefCell;
use std::fmt::Display;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use jiff::Timestamp;
use overture_core::WorkspaceId;
use overture_store::{StoreError, Workspace};
use rusqlite::types::FromSql;
use rusqlite::{Connection, OpenFlags, Params, Row, Transaction, TransactionBehavior};
use rusqlite_migration::{M, Migrations};
use rustc_hash::FxHashMap;

/// How to open a [`SqliteStore`].
#[derive(Debug, Clone)]
pub struct SqliteOptions {
    /// How long a connection waits for a lock held by another process before giving up.
    pub busy_timeout: Duration,
    /// How many idle read connections to keep (more are opened while many readers are busy).
    pub readers: u32,
    /// Page cache per connection, in KiB. Every commit walks the writer's cache, so a bigger
    /// one makes each of the engine's small transactions slower (a 64 MiB cache cost a sixth
    /// of a simulated year).
    pub cache_kib: u32,
    /// The writer's page cache during a lead import, in KiB. A large import updates a unique
    /// index much bigger than the everyday cache; a cache that holds it avoids rereading
    /// pages on every insert.
    pub import_cache_kib: u32,
    /// A scratch database (a simulation's, replaced on each run): SQLite never waits for the
    /// disk (`synchronous = OFF`). A crash of the process still loses nothing committed; a
    /// power loss may lose the file. Never for a database that holds real work.
    pub scratch: bool,
    /// Only this store ever opens the file while it is open (a simulation's throwaway file):
    /// SQLite takes its file locks once instead of around every statement
    /// (`locking_mode = EXCLUSIVE`, which also keeps the write-ahead log's index in memory),
    /// and every read goes through the writing connection. Another process cannot read the
    /// file until the store is dropped. With `scratch` too, there is no write-ahead log: a
    /// commit writes straight into the file, and a crash in the middle of one may leave the
    /// file unreadable (`overture simulate` and the year benchmark, whose files are thrown
    /// away; not `overture demo`, whose file `overture status` may read while it runs).
    pub exclusive: bool,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self {
            busy_timeout: Duration::from_secs(5),
            readers: 4,
            cache_kib: 8 * 1024,
            import_cache_kib: 64 * 1024,
            scratch: false,
            exclusive: false,
        }
    }
}

/// How many prepared statements each connection keeps.
const STATEMENT_CACHE: usize = 256;

/// The schema, one migration per file of `migrations/` (the PostgreSQL store uses the same
/// file names). SQLite's `user_version` records how many are applied.
pub(crate) fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("../migrations/0001_initial.sql")),
        M::up(include_str!("../migrations/0003_engine.sql")),
        M::up(include_str!("../migrations/0004_history_indexes.sql")),
        M::up(include_str!(
            "../migrations/0005_lighter_action_indexes.sql"
        )),
        M::up(include_str!("../migrations/0006_enrollment_proximity.sql")),
        M::up(include_str!("../migrations/0007_account_governor.sql")),
        M::up(include_str!("../migrations/0008_connections.sql")),
        M::up(include_str!("../migrations/0009_account_sender.sql")),
        M::up(include_str!("../migrations/0010_variants.sql")),
        M::up(include_str!("../migrations/0011_secrets.sql")),
        M::up(include_str!("../migrations/0012_suppressions.sql")),
        M::up(include_str!("../migrations/0013_workspace_secrets.sql")),
        M::up(include_str!("../migrations/0014_users.sql")),
        M::up(include_str!("../migrations/0015_webhooks.sql")),
        M::up(include_str!("../migrations/0016_list_indexes.sql")),
        M::up(include_str!("../migrations/0017_account_leases.sql")),
        M::up(include_str!("../migrations/0018_work_notify.sql")),
    ])
}

/// The `overture_store::Store` on one SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    inner: std::sync::Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    path: PathBuf,
    options: SqliteOptions,
    /// Exactly one writing connection: SQLite has one writer, and queueing writers here
    /// instead of in SQLite's lock means a write never fails with `SQLITE_BUSY` inside the
    /// process.
    writer: Mutex<Connection>,
    /// Idle read connections. Readers see the last committed state and never block the
    /// writer (WAL).
    readers: Mutex<Vec<Connection>>,
}

impl SqliteStore {
    /// Opens (creating if missing) the database file at `path` and applies the embedded
    /// migrations that are not applied yet.
    pub async fn open(path: &Path, options: SqliteOptions) -> Result<Self, StoreError> {
        let mut writer = connect(path, &options, false)?;
        adopt_sqlx_history(&writer)?;
        migrations()
            .to_latest(&mut writer)
            .map_err(|e| StoreError::Unavailable {
                message: format!("migrating {}: {e}", path.display()),
            })?;
        Ok(Self {
            inner: std::sync::Arc::new(Inner {
                path: path.to_owned(),
                options,
                writer: Mutex::new(writer),
                readers: Mutex::new(Vec::new()),
            }),
        })
    }

    /// Closes the idle read connections and folds the write-ahead log back into the file.
    /// The store stays usable; its clones keep working.
    pub async fn close(&self) {
        lock(&self.inner.readers).clear();
        let writer = lock(&self.inner.writer);
        if let Err(e) = writer.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)") {
            tracing::debug!(error = %e, "checkpoint on close failed");
        }
    }

    /// Runs `f` in a write transaction and commits it when `f` succeeds (rolls it back when
    /// it fails). `BEGIN IMMEDIATE` takes the write lock at once, so a transaction that reads
    /// first never has to upgrade its lock (and deadlock) later. `f` must not call the store.
    pub(crate) fn write<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut writer = lock(&self.inner.writer);
        let tx = writer
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(unavailable)?;
        let value = f(&tx)?;
        tx.commit().map_err(unavailable)?;
        Ok(value)
    }

    /// [`SqliteStore::write`] with the writer's page cache at
    /// [`SqliteOptions::import_cache_kib`] for the transaction's length.
    pub(crate) fn write_large<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let cache = |kib: u32| {
            self.on_writer(|c| {
                c.pragma_update(None, "cache_size", -i64::from(kib))
                    .map_err(unavailable)
            })
        };
        cache(self.inner.options.import_cache_kib)?;
        let result = self.write(f);
        cache(self.inner.options.cache_kib)?;
        result
    }

    /// Runs `f` on the writing connection outside a transaction: a read that must see the
    /// writer's own last commit at once, or a statement that is a transaction by itself.
    pub(crate) fn on_writer<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        f(&lock(&self.inner.writer))
    }

    /// Runs `f` on a read connection (see the committed state; never blocks the writer).
    pub(crate) fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        // The writer's page cache is never stale (every commit went through it), while a
        // reader's is dropped after each commit; when nobody writes, read there.
        if self.inner.options.exclusive {
            // No other connection can read an exclusively locked file.
            return f(&lock(&self.inner.writer));
        }
        match self.inner.writer.try_lock() {
            Ok(writer) => return f(&writer),
            Err(std::sync::TryLockError::Poisoned(writer)) => return f(&writer.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => {}
        }
        let idle = lock(&self.inner.readers).pop();
        let conn = match idle {
            Some(conn) => conn,
            None => connect(&self.inner.path, &self.inner.options, true)?,
        };
        let value = f(&conn);
        let mut idle = lock(&self.inner.readers);
        if idle.len() < self.inner.options.readers.max(1) as usize {
            idle.push(conn);
        }
        value
    }

    pub(crate) fn list_workspaces_impl(&self) -> Result<Vec<Workspace>, StoreError> {
        self.read(|c| {
            rows(
                c,
                "SELECT id, name FROM workspaces ORDER BY id",
                (),
                |row| {
                    Ok(Workspace {
                        id: WorkspaceId(col(row, "workspace", "id")?),
                        name: col(row, "workspace", "name")?,
                    })
                },
            )
        })
    }

    pub(crate) fn create_workspace_impl(&self, name: &str) -> Result<Workspace, StoreError> {
        let id: i64 = self.write(|tx| {
            tx.query_row(
                "INSERT INTO workspaces (name) VALUES (?1) RETURNING id",
                [name],
                |row| row.get(0),
            )
            .map_err(db_err("workspace", name))
        })?;
        Ok(Workspace {
            id: WorkspaceId(id),
            name: name.to_owned(),
        })
    }
}

/// A file made by an earlier version, whose migrations sqlx applied and recorded in
/// `_sqlx_migrations`, gets its `user_version` from that table, so that no migration runs
/// twice.
fn adopt_sqlx_history(conn: &Connection) -> Result<(), StoreError> {
    let version: i64 = scalar(conn, "PRAGMA user_version", [])?.unwrap_or(0);
    let sqlx: Option<i64> = scalar(
        conn,
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
        [],
    )?;
    if version != 0 || sqlx.is_none() {
        return Ok(());
    }
    let applied: i64 = scalar(
        conn,
        "SELECT count(*) FROM _sqlx_migrations WHERE success",
        [],
    )?
    .unwrap_or(0);
    conn.pragma_update(None, "user_version", applied)
        .map_err(unavailable)
}

/// Opens one connection with the store's settings.
fn connect(
    path: &Path,
    options: &SqliteOptions,
    read_only: bool,
) -> Result<Connection, StoreError> {
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
    };
    let conn = Connection::open_with_flags(path, flags).map_err(|e| StoreError::Unavailable {
        message: format!("opening {}: {e}", path.display()),
    })?;
    conn.busy_timeout(options.busy_timeout)
        .map_err(unavailable)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // In WAL mode, NORMAL syncs the WAL at checkpoints, not at every commit. A commit is
    // written to the WAL file before it returns, so it survives a crash of the process (the
    // operating system still has the pages); only a power loss or kernel crash can lose the
    // last commits, and even then the file stays consistent.
    let mut pragmas = format!(
        "PRAGMA foreign_keys = ON;
         PRAGMA synchronous = {};
         PRAGMA cache_size = -{};
         PRAGMA temp_store = MEMORY;",
        if options.scratch { "OFF" } else { "NORMAL" },
        options.cache_kib
    );
    if !read_only {
        pragmas.insert_str(0, journal(options));
    }
    conn.execute_batch(&pragmas)
        .map_err(|e| StoreError::Unavailable {
            message: format!("setting up {}: {e}", path.display()),
        })?;
    Ok(conn)
}

/// How the writing connection journals its transactions.
fn journal(options: &SqliteOptions) -> &'static str {
    match (options.exclusive, options.scratch) {
        // A throwaway file nobody else reads: no write-ahead log at all. A commit writes its
        // pages straight into the file, and a rollback undoes them from a journal in memory
        // (a third of a simulated year went to writing and checksumming the log). Only a
        // crash in the middle of a commit could leave the file broken, and the file is
        // thrown away anyway.
        (true, true) => "PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = MEMORY;",
        // The locking mode first, so that the log's index lives in memory, not in a
        // shared-memory file.
        (true, false) => "PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = WAL;",
        (false, _) => "PRAGMA journal_mode = WAL;",
    }
}

/// Locks a mutex; a panic in another holder leaves nothing half-done (its transaction rolled
/// back when it unwound), so a poisoned lock is still usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Every row of a query, decoded by `decode`. The statement is prepared once per connection.
pub(crate) fn rows<T>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    mut decode: impl FnMut(&Row<'_>) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = conn.prepare_cached(sql).map_err(unavailable)?;
    let mut found = stmt.query(params).map_err(unavailable)?;
    let mut out = Vec::new();
    while let Some(row) = found.next().map_err(unavailable)? {
        out.push(decode(row)?);
    }
    Ok(out)
}

/// The first row of a query, decoded by `decode`, if there is one.
pub(crate) fn row<T>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    decode: impl FnOnce(&Row<'_>) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    row_or(conn, sql, params, unavailable, decode)
}

/// The first row of a statement that changes rows (`INSERT … RETURNING`), with a failure
/// mapped by `err` (see [`db_err`]): SQLite reports a constraint when it steps to the row.
pub(crate) fn row_or<T>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    err: impl FnOnce(rusqlite::Error) -> StoreError,
    decode: impl FnOnce(&Row<'_>) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    let mut stmt = conn.prepare_cached(sql).map_err(unavailable)?;
    let stepped = stmt
        .query(params)
        .and_then(|mut found| match found.next()? {
            Some(row) => Ok(Some(decode(row))),
            None => Ok(None),
        });
    match stepped {
        Ok(Some(decoded)) => decoded.map(Some),
        Ok(None) => Ok(None),
        Err(e) => Err(err(e)),
    }
}

/// One value from the first column of the first row (`None`: no row).
pub(crate) fn scalar<T: FromSql>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
) -> Result<Option<T>, StoreError> {
    row(conn, sql, params, |row| {
        row.get(0)
            .map_err(|e| StoreError::corrupt("value", e.to_string()))
    })
}

/// Runs a statement that changes rows and returns how many it changed. A failure maps with
/// `err` (see [`db_err`]).
pub(crate) fn exec(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    err: impl FnOnce(rusqlite::Error) -> StoreError,
) -> Result<u64, StoreError> {
    let mut stmt = conn.prepare_cached(sql).map_err(unavailable)?;
    let changed = stmt.execute(params).map_err(err)?;
    Ok(changed as u64)
}

/// Maps an error that has no better classification to `Unavailable`.
pub(crate) fn unavailable(e: rusqlite::Error) -> StoreError {
    StoreError::Unavailable {
        message: e.to_string(),
    }
}

/// Maps a database error of a change to `what` (`key`): a unique violation is a `Conflict`,
/// a value that does not convert is `Corrupt`, anything else is `Unavailable`.
pub(crate) fn db_err(
    what: &'static str,
    key: impl Display,
) -> impl FnOnce(rusqlite::Error) -> StoreError {
    move |e| match &e {
        rusqlite::Error::SqliteFailure(failure, _)
            if failure.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || failure.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
        {
            StoreError::conflict(what, key)
        }
        rusqlite::Error::FromSqlConversionFailure(..)
        | rusqlite::Error::IntegralValueOutOfRange(..)
        | rusqlite::Error::InvalidColumnType(..) => StoreError::corrupt(what, e),
        _ => unavailable(e),
    }
}

thread_local! {
    /// Where each decoder found each column by name, per thread: looking a column up by name
    /// asks SQLite for every column's name in turn, on every row (about a tenth of a
    /// simulation's samples). A remembered position is checked against the statement before
    /// use (one name, not all), so a decoder used on statements with other column orders is
    /// still right, only slower.
    /// The keys are addresses, so the quick Fx hash suits them (SipHash, which resists
    /// chosen keys, was a twentieth of a simulation's samples).
    static POSITIONS: RefCell<FxHashMap<(usize, usize, usize), usize>> =
        RefCell::new(FxHashMap::default());
}

/// The position of column `name` in the row's statement, for the decoder `what`.
fn position(row: &Row<'_>, what: &'static str, name: &str) -> Result<usize, StoreError> {
    let statement: &rusqlite::Statement<'_> = row.as_ref();
    let key = (what.as_ptr() as usize, name.as_ptr() as usize, name.len());
    let remembered = POSITIONS.with(|p| p.borrow().get(&key).copied());
    if let Some(index) = remembered
        && statement.column_name(index).is_ok_and(|n| n == name)
    {
        return Ok(index);
    }
    let index = statement
        .column_index(name)
        .map_err(|e| StoreError::corrupt(what, format!("column {name}: {e}")))?;
    POSITIONS.with(|p| p.borrow_mut().insert(key, index));
    Ok(index)
}

/// Reads one column, mapping a decoding failure to `Corrupt`.
pub(crate) fn col<T: FromSql>(
    row: &Row<'_>,
    what: &'static str,
    name: &str,
) -> Result<T, StoreError> {
    row.get(position(row, what, name)?)
        .map_err(|e| StoreError::corrupt(what, format!("column {name}: {e}")))
}

/// Reads a column of integer milliseconds as a timestamp.
pub(crate) fn col_ts(
    row: &Row<'_>,
    what: &'static str,
    name: &str,
) -> Result<Timestamp, StoreError> {
    from_ms(what, col(row, what, name)?)
}

/// Reads a nullable column of integer milliseconds.
pub(crate) fn col_opt_ts(
    row: &Row<'_>,
    what: &'static str,
    name: &str,
) -> Result<Option<Timestamp>, StoreError> {
    col::<Option<i64>>(row, what, name)?
        .map(|ms| from_ms(what, ms))
        .transpose()
}

/// Reads a column of text through `FromStr` (names of enumerations).
pub(crate) fn col_parse<T>(row: &Row<'_>, what: &'static str, name: &str) -> Result<T, StoreError>
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
    row: &'r Row<'_>,
    what: &'static str,
    name: &str,
) -> Result<&'r str, StoreError> {
    row.get_ref(position(row, what, name)?)
        .and_then(|v| v.as_str().map_err(Into::into))
        .map_err(|e| StoreError::corrupt(what, format!("column {name}: {e}")))
}

/// Reads a column of JSON text.
pub(crate) fn col_json<T>(row: &Row<'_>, what: &'static str, name: &str) -> Result<T, StoreError>
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

/// A `limit` for SQL. Queries write it as `LIMIT +?N`: SQLite plans a bare `LIMIT ?N` with
/// the bound value, so every new value re-prepares the statement (it took a fifth of a
/// simulated year); the unary plus keeps the plan independent of it.
pub(crate) fn limit(limit: u32) -> i64 {
    i64::from(limit)
}

/// Fails with `NotFound` unless the workspace exists.
pub(crate) fn require_workspace(conn: &Connection, ws: WorkspaceId) -> Result<(), StoreError> {
    let found: Option<i64> = scalar(conn, "SELECT id FROM workspaces WHERE id = ?1", [ws.get()])?;
    match found {
        Some(_) => Ok(()),
        None => Err(StoreError::not_found("workspace", ws)),
    }
}
