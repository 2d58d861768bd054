//! [`SqliteStore`]: opening the file, the pools, error mapping and row helpers. The
//! `overture_store::Store` methods live in one file per resource and are wired up here.

use std::fmt::Display;
use std::path::Path;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use overture_core::action::ActionEvent;
use overture_core::{
    Account, AccountId, AccountSettings, AccountStatus, Action, ActionId, Campaign, CampaignId,
    CampaignStatus, Cooldown, Event, EventId, Invitation, InvitationEvent, InvitationId, Lead,
    LeadId, LeadList, NewAccount, NewEvent, NewLead, ProfileUrl, WorkspaceId,
};
use overture_core::{ActionKind, EnrollmentId};
use overture_store::{
    ActionHistory, Backoff, Changes, ContactPolicy, EffectEntry, EffectOutcome, EnrollmentRecord,
    EnrollmentUpdate, InFlightEffect, Intent, IntentOutcome, NewEnrollment, OpenAccount, PollKind,
};
use overture_store::{
    ActionQuery, Applied, ClaimedAction, EventQuery, ImportOutcome, InvitationQuery, LeadQuery,
    NewAction, NewCampaignVersion, NewInvitation, Store, StoreError, Workspace,
};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Decode, Row, Sqlite, Transaction, Type};

/// How to open a [`SqliteStore`].
#[derive(Debug, Clone)]
pub struct SqliteOptions {
    /// How long a connection waits for a lock held by another process before giving up.
    pub busy_timeout: Duration,
    /// How long a caller waits for a pooled connection (the single writer may be busy with a
    /// large import).
    pub acquire_timeout: Duration,
    /// How many read connections to keep (at least one).
    pub readers: u32,
    /// Page cache per connection, in KiB. Large imports update a unique index much bigger
    /// than SQLite's 2 MiB default; a cache that holds it avoids rereading pages on every
    /// insert.
    pub cache_kib: u32,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self {
            busy_timeout: Duration::from_secs(5),
            acquire_timeout: Duration::from_secs(120),
            readers: 4,
            cache_kib: 64 * 1024,
        }
    }
}

/// The `overture_store::Store` on one SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    /// Exactly one connection: SQLite has one writer, and queueing writers here instead of in
    /// SQLite's lock means a write never fails with `SQLITE_BUSY` inside the process.
    pub(crate) write: SqlitePool,
    /// Readers see the last committed state and never block the writer (WAL).
    pub(crate) read: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database file at `path` and applies the embedded
    /// migrations that are not applied yet.
    pub async fn open(path: &Path, options: SqliteOptions) -> Result<Self, StoreError> {
        let connect = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // In WAL mode, NORMAL syncs the WAL at checkpoints, not at every commit. A commit
            // is written to the WAL file before it returns, so it survives a crash of the
            // process (the operating system still has the pages); only a power loss or kernel
            // crash can lose the last commits, and even then the file stays consistent.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(options.busy_timeout)
            .pragma("cache_size", format!("-{}", options.cache_kib))
            .pragma("temp_store", "memory");
        // No ping before handing out a connection: with SQLite it is one more round trip to
        // the connection's thread for every statement, and a local file does not drop.
        let write = SqlitePoolOptions::new()
            .test_before_acquire(false)
            .max_connections(1)
            .min_connections(1)
            .acquire_timeout(options.acquire_timeout)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(connect.clone())
            .await
            .map_err(unavailable)?;
        sqlx::migrate!("./migrations")
            .run(&write)
            .await
            .map_err(|e| StoreError::Unavailable {
                message: format!("migrating {}: {e}", path.display()),
            })?;
        let read = SqlitePoolOptions::new()
            .test_before_acquire(false)
            .max_connections(options.readers.max(1))
            .acquire_timeout(options.acquire_timeout)
            .connect_with(connect.read_only(true))
            .await
            .map_err(unavailable)?;
        Ok(Self { write, read })
    }

    /// Closes both pools, waiting for connections in use to be returned.
    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }

    /// Starts a write transaction. `BEGIN IMMEDIATE` takes the write lock at once, so a
    /// transaction that reads first never has to upgrade its lock (and deadlock) later.
    pub(crate) async fn begin(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        self.write
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(unavailable)
    }

    async fn list_workspaces_impl(&self) -> Result<Vec<Workspace>, StoreError> {
        let rows = sqlx::query("SELECT id, name FROM workspaces ORDER BY id")
            .fetch_all(&self.read)
            .await
            .map_err(unavailable)?;
        rows.iter()
            .map(|row| {
                Ok(Workspace {
                    id: WorkspaceId(col(row, "workspace", "id")?),
                    name: col(row, "workspace", "name")?,
                })
            })
            .collect()
    }

    async fn create_workspace_impl(&self, name: &str) -> Result<Workspace, StoreError> {
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar("INSERT INTO workspaces (name) VALUES (?1) RETURNING id")
            .bind(name)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err("workspace", name))?;
        tx.commit().await.map_err(unavailable)?;
        Ok(Workspace {
            id: WorkspaceId(id),
            name: name.to_owned(),
        })
    }
}

/// Maps an error that has no better classification to `Unavailable`.
pub(crate) fn unavailable(e: sqlx::Error) -> StoreError {
    StoreError::Unavailable {
        message: e.to_string(),
    }
}

/// Maps a database error of a change to `what` (`key`): a unique violation is a `Conflict`,
/// a row that does not decode is `Corrupt`, anything else is `Unavailable`.
pub(crate) fn db_err(
    what: &'static str,
    key: impl Display,
) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::conflict(what, key),
        sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => StoreError::corrupt(what, e),
        _ => unavailable(e),
    }
}

/// Reads one column, mapping a decoding failure to `Corrupt`.
pub(crate) fn col<'r, T>(
    row: &'r SqliteRow,
    what: &'static str,
    name: &str,
) -> Result<T, StoreError>
where
    T: Decode<'r, Sqlite> + Type<Sqlite>,
{
    row.try_get(name)
        .map_err(|e| StoreError::corrupt(what, format!("column {name}: {e}")))
}

/// Reads a column of integer milliseconds as a timestamp.
pub(crate) fn col_ts(
    row: &SqliteRow,
    what: &'static str,
    name: &str,
) -> Result<Timestamp, StoreError> {
    from_ms(what, col(row, what, name)?)
}

/// Reads a nullable column of integer milliseconds.
pub(crate) fn col_opt_ts(
    row: &SqliteRow,
    what: &'static str,
    name: &str,
) -> Result<Option<Timestamp>, StoreError> {
    col::<Option<i64>>(row, what, name)?
        .map(|ms| from_ms(what, ms))
        .transpose()
}

/// Reads a column of text through `FromStr` (names of enumerations).
pub(crate) fn col_parse<T>(row: &SqliteRow, what: &'static str, name: &str) -> Result<T, StoreError>
where
    T: std::str::FromStr,
    T::Err: Display,
{
    let text: String = col(row, what, name)?;
    text.parse()
        .map_err(|e| StoreError::corrupt(what, format!("column {name}: {e}")))
}

/// Reads a column of JSON text.
pub(crate) fn col_json<T>(row: &SqliteRow, what: &'static str, name: &str) -> Result<T, StoreError>
where
    T: serde::de::DeserializeOwned,
{
    let text: &str = col(row, what, name)?;
    serde_json::from_str(text).map_err(|e| StoreError::corrupt(what, format!("column {name}: {e}")))
}

/// Encodes a value as JSON text for a column.
pub(crate) fn to_json<T: serde::Serialize + ?Sized>(
    what: &'static str,
    value: &T,
) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::corrupt(what, format!("encoding: {e}")))
}

/// A timestamp as integer Unix milliseconds (sub-millisecond precision is dropped).
/// The decoded row, or `NotFound` naming `what` and `key` when the look-up found none.
pub(crate) fn found<T>(
    row: Option<SqliteRow>,
    what: &'static str,
    key: impl Display,
    decode: fn(&SqliteRow) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    match row {
        Some(row) => decode(&row),
        None => Err(StoreError::not_found(what, key)),
    }
}

pub(crate) fn ms(t: Timestamp) -> i64 {
    t.as_millisecond()
}

/// Integer Unix milliseconds as a timestamp.
pub(crate) fn from_ms(what: &'static str, ms: i64) -> Result<Timestamp, StoreError> {
    Timestamp::from_millisecond(ms).map_err(|e| StoreError::corrupt(what, e))
}

/// A `limit` for SQL.
pub(crate) fn limit(limit: u32) -> i64 {
    i64::from(limit)
}

/// Fails with `NotFound` unless the workspace exists.
pub(crate) async fn require_workspace(
    tx: &mut sqlx::SqliteConnection,
    ws: WorkspaceId,
) -> Result<(), StoreError> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM workspaces WHERE id = ?1")
        .bind(ws.get())
        .fetch_optional(&mut *tx)
        .await
        .map_err(unavailable)?;
    match found {
        Some(_) => Ok(()),
        None => Err(StoreError::not_found("workspace", ws)),
    }
}

impl Store for SqliteStore {
    async fn list_workspaces(&self) -> Result<Vec<Workspace>, StoreError> {
        self.list_workspaces_impl().await
    }

    async fn create_workspace(&self, name: &str) -> Result<Workspace, StoreError> {
        self.create_workspace_impl(name).await
    }

    async fn create_account(&self, account: NewAccount) -> Result<Account, StoreError> {
        self.create_account_impl(account).await
    }

    async fn account(&self, ws: WorkspaceId, id: AccountId) -> Result<Account, StoreError> {
        self.account_impl(ws, id).await
    }

    async fn account_by_name(&self, ws: WorkspaceId, name: &str) -> Result<Account, StoreError> {
        self.account_by_name_impl(ws, name).await
    }

    async fn list_accounts(&self, ws: WorkspaceId) -> Result<Vec<Account>, StoreError> {
        self.list_accounts_impl(ws).await
    }

    async fn set_account_status(
        &self,
        ws: WorkspaceId,
        id: AccountId,
        status: AccountStatus,
    ) -> Result<Account, StoreError> {
        self.set_account_status_impl(ws, id, status).await
    }

    async fn update_account_settings(
        &self,
        ws: WorkspaceId,
        id: AccountId,
        settings: AccountSettings,
    ) -> Result<Account, StoreError> {
        self.update_account_settings_impl(ws, id, settings).await
    }

    async fn import_leads(
        &self,
        ws: WorkspaceId,
        list_name: &str,
        leads: &[NewLead],
        now: Timestamp,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<ImportOutcome, StoreError> {
        self.import_leads_impl(ws, list_name, leads, now, progress)
            .await
    }

    async fn list_leads(&self, ws: WorkspaceId, query: LeadQuery) -> Result<Vec<Lead>, StoreError> {
        self.list_leads_impl(ws, query).await
    }

    async fn lead(&self, ws: WorkspaceId, id: LeadId) -> Result<Lead, StoreError> {
        self.lead_impl(ws, id).await
    }

    async fn lead_by_url(
        &self,
        ws: WorkspaceId,
        url: &ProfileUrl,
    ) -> Result<Option<Lead>, StoreError> {
        self.lead_by_url_impl(ws, url).await
    }

    async fn list_lead_lists(&self, ws: WorkspaceId) -> Result<Vec<(LeadList, u64)>, StoreError> {
        self.list_lead_lists_impl(ws).await
    }

    async fn apply_campaign(
        &self,
        ws: WorkspaceId,
        version: NewCampaignVersion,
        now: Timestamp,
    ) -> Result<Applied, StoreError> {
        self.apply_campaign_impl(ws, version, now).await
    }

    async fn campaign(&self, ws: WorkspaceId, id: CampaignId) -> Result<Campaign, StoreError> {
        self.campaign_impl(ws, id).await
    }

    async fn campaign_by_name(&self, ws: WorkspaceId, name: &str) -> Result<Campaign, StoreError> {
        self.campaign_by_name_impl(ws, name).await
    }

    async fn list_campaigns(&self, ws: WorkspaceId) -> Result<Vec<Campaign>, StoreError> {
        self.list_campaigns_impl(ws).await
    }

    async fn campaign_versions(
        &self,
        ws: WorkspaceId,
        id: CampaignId,
    ) -> Result<Vec<(u32, Timestamp)>, StoreError> {
        self.campaign_versions_impl(ws, id).await
    }

    async fn set_campaign_status(
        &self,
        ws: WorkspaceId,
        id: CampaignId,
        status: CampaignStatus,
    ) -> Result<Campaign, StoreError> {
        self.set_campaign_status_impl(ws, id, status).await
    }

    async fn append_event(&self, event: NewEvent) -> Result<EventId, StoreError> {
        self.append_event_impl(event).await
    }

    async fn list_events(
        &self,
        ws: WorkspaceId,
        query: EventQuery,
    ) -> Result<Vec<Event>, StoreError> {
        self.list_events_impl(ws, query).await
    }

    async fn record_invitation(&self, invitation: NewInvitation) -> Result<Invitation, StoreError> {
        self.record_invitation_impl(invitation).await
    }

    async fn transition_invitation(
        &self,
        ws: WorkspaceId,
        id: InvitationId,
        event: InvitationEvent,
        at: Timestamp,
    ) -> Result<Invitation, StoreError> {
        self.transition_invitation_impl(ws, id, event, at).await
    }

    async fn list_invitations(
        &self,
        ws: WorkspaceId,
        query: InvitationQuery,
    ) -> Result<Vec<Invitation>, StoreError> {
        self.list_invitations_impl(ws, query).await
    }

    async fn extend_cooldown(&self, cooldown: Cooldown) -> Result<Cooldown, StoreError> {
        self.extend_cooldown_impl(cooldown).await
    }

    async fn cooldown(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        lead: LeadId,
    ) -> Result<Option<Cooldown>, StoreError> {
        self.cooldown_impl(ws, account, lead).await
    }

    async fn enqueue_actions(&self, actions: &[NewAction]) -> Result<u64, StoreError> {
        self.enqueue_actions_impl(actions).await
    }

    async fn claim_due_actions(
        &self,
        now: Timestamp,
        limit: u32,
        lease: SignedDuration,
    ) -> Result<Vec<ClaimedAction>, StoreError> {
        self.claim_due_actions_impl(now, limit, lease).await
    }

    async fn finish_action(
        &self,
        id: ActionId,
        fence: i64,
        event: ActionEvent,
        error: Option<String>,
        now: Timestamp,
    ) -> Result<Action, StoreError> {
        self.finish_action_impl(id, fence, event, error, now).await
    }

    async fn list_actions(
        &self,
        ws: WorkspaceId,
        query: ActionQuery,
    ) -> Result<Vec<Action>, StoreError> {
        self.list_actions_impl(ws, query).await
    }

    async fn enrollable_leads(
        &self,
        ws: WorkspaceId,
        campaign: CampaignId,
        policy: ContactPolicy,
    ) -> Result<Vec<LeadId>, StoreError> {
        self.enrollable_leads_impl(ws, campaign, policy).await
    }

    async fn enrollment_loads(
        &self,
        ws: WorkspaceId,
        accounts: &[AccountId],
    ) -> Result<Vec<(AccountId, u64)>, StoreError> {
        self.enrollment_loads_impl(ws, accounts).await
    }

    async fn enroll_leads(
        &self,
        ws: WorkspaceId,
        campaign: CampaignId,
        leads: &[NewEnrollment],
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        self.enroll_leads_impl(ws, campaign, leads, now).await
    }

    async fn enrollment(
        &self,
        ws: WorkspaceId,
        id: EnrollmentId,
    ) -> Result<EnrollmentRecord, StoreError> {
        self.enrollment_impl(ws, id).await
    }

    async fn list_enrollments(
        &self,
        ws: WorkspaceId,
        campaign: CampaignId,
    ) -> Result<Vec<EnrollmentRecord>, StoreError> {
        self.list_enrollments_impl(ws, campaign).await
    }

    async fn open_enrollment(
        &self,
        ws: WorkspaceId,
        lead: LeadId,
    ) -> Result<Option<EnrollmentRecord>, StoreError> {
        self.open_enrollment_impl(ws, lead).await
    }

    async fn due_enrollments(
        &self,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<EnrollmentRecord>, StoreError> {
        self.due_enrollments_impl(now, limit).await
    }

    async fn accounts_with_open_enrollments(&self) -> Result<Vec<OpenAccount>, StoreError> {
        self.accounts_with_open_enrollments_impl().await
    }

    async fn update_enrollment(
        &self,
        ws: WorkspaceId,
        update: EnrollmentUpdate,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        self.update_enrollment_impl(ws, update, now).await
    }

    async fn apply_changes(
        &self,
        ws: WorkspaceId,
        changes: Changes,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.apply_changes_impl(ws, changes, now).await
    }

    async fn action_history(
        &self,
        account: AccountId,
        kind: ActionKind,
        since: Timestamp,
    ) -> Result<ActionHistory, StoreError> {
        self.action_history_impl(account, kind, since).await
    }

    async fn record_intent(&self, intent: Intent) -> Result<IntentOutcome, StoreError> {
        self.record_intent_impl(intent).await
    }

    async fn complete_effect(&self, outcome: EffectOutcome) -> Result<Action, StoreError> {
        self.complete_effect_impl(outcome).await
    }

    async fn in_flight_intents(
        &self,
        now: Timestamp,
        lease: SignedDuration,
    ) -> Result<Vec<InFlightEffect>, StoreError> {
        self.in_flight_intents_impl(now, lease).await
    }

    async fn effect_log(&self, ws: WorkspaceId) -> Result<Vec<EffectEntry>, StoreError> {
        self.effect_log_impl(ws).await
    }

    async fn next_due(&self) -> Result<Option<Timestamp>, StoreError> {
        self.next_due_impl().await
    }

    async fn set_backoff(&self, backoff: Backoff) -> Result<Backoff, StoreError> {
        self.set_backoff_impl(backoff).await
    }

    async fn backoffs(&self, account: AccountId) -> Result<Vec<Backoff>, StoreError> {
        self.backoffs_impl(account).await
    }

    async fn poll_cursor(
        &self,
        account: AccountId,
        kind: PollKind,
    ) -> Result<Option<Timestamp>, StoreError> {
        self.poll_cursor_impl(account, kind).await
    }

    async fn set_poll_cursor(
        &self,
        account: AccountId,
        kind: PollKind,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        self.set_poll_cursor_impl(account, kind, at).await
    }

    async fn latest_invitation(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        lead: LeadId,
    ) -> Result<Option<Invitation>, StoreError> {
        self.latest_invitation_impl(ws, account, lead).await
    }

    async fn pending_invitations(
        &self,
        ws: WorkspaceId,
        account: AccountId,
    ) -> Result<Vec<Invitation>, StoreError> {
        self.pending_invitations_impl(ws, account).await
    }
}
