//! Accounts: sender seats.

use overture_core::account::Zone;
use overture_core::{Account, AccountId, AccountSettings, AccountStatus, NewAccount, WorkspaceId};
use overture_store::StoreError;
use sqlx::sqlite::SqliteRow;

use crate::sqlite_store::{
    SqliteStore, col, col_json, col_parse, col_ts, db_err, found, ms, require_workspace, to_json,
    unavailable,
};

const WHAT: &str = "account";

/// The columns `decode` reads, as a literal for `concat!`.
macro_rules! columns {
    () => {
        "id, workspace_id, name, kind, tier, time_zone, working_hours, limits, status, created_at"
    };
}

fn decode(row: &SqliteRow) -> Result<Account, StoreError> {
    let zone: String = col(row, WHAT, "time_zone")?;
    Ok(Account {
        id: AccountId(col(row, WHAT, "id")?),
        workspace_id: WorkspaceId(col(row, WHAT, "workspace_id")?),
        name: col(row, WHAT, "name")?,
        kind: col_parse(row, WHAT, "kind")?,
        tier: col_parse(row, WHAT, "tier")?,
        time_zone: Zone::parse(&zone).map_err(|e| StoreError::corrupt(WHAT, e))?,
        working_hours: col_json(row, WHAT, "working_hours")?,
        limits: col_json(row, WHAT, "limits")?,
        status: col_json(row, WHAT, "status")?,
        created_at: col_ts(row, WHAT, "created_at")?,
    })
}

impl SqliteStore {
    pub(crate) async fn create_account_impl(&self, new: NewAccount) -> Result<Account, StoreError> {
        let status = new.status.clone();
        let mut tx = self.begin().await?;
        require_workspace(&mut tx, new.workspace_id).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO accounts
                (workspace_id, name, kind, tier, time_zone, working_hours, limits, status,
                 created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             RETURNING id",
        )
        .bind(new.workspace_id.get())
        .bind(&new.name)
        .bind(new.kind.as_str())
        .bind(new.tier.as_str())
        .bind(new.time_zone.name())
        .bind(to_json(WHAT, &new.working_hours)?)
        .bind(to_json(WHAT, &new.limits)?)
        .bind(to_json(WHAT, &status)?)
        .bind(ms(new.created_at))
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err(WHAT, &new.name))?;
        tx.commit().await.map_err(unavailable)?;
        self.account_impl(new.workspace_id, AccountId(id)).await
    }

    pub(crate) async fn account_impl(
        &self,
        ws: WorkspaceId,
        id: AccountId,
    ) -> Result<Account, StoreError> {
        let row = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM accounts WHERE workspace_id = ?1 AND id = ?2"
        ))
        .bind(ws.get())
        .bind(id.get())
        .fetch_optional(&self.read)
        .await
        .map_err(unavailable)?;
        found(row, WHAT, id, decode)
    }

    pub(crate) async fn account_by_name_impl(
        &self,
        ws: WorkspaceId,
        name: &str,
    ) -> Result<Account, StoreError> {
        let row = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM accounts WHERE workspace_id = ?1 AND name = ?2"
        ))
        .bind(ws.get())
        .bind(name)
        .fetch_optional(&self.read)
        .await
        .map_err(unavailable)?;
        found(row, WHAT, name, decode)
    }

    pub(crate) async fn list_accounts_impl(
        &self,
        ws: WorkspaceId,
    ) -> Result<Vec<Account>, StoreError> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM accounts WHERE workspace_id = ?1 ORDER BY id"
        ))
        .bind(ws.get())
        .fetch_all(&self.read)
        .await
        .map_err(unavailable)?;
        rows.iter().map(decode).collect()
    }

    pub(crate) async fn set_account_status_impl(
        &self,
        ws: WorkspaceId,
        id: AccountId,
        status: AccountStatus,
    ) -> Result<Account, StoreError> {
        let mut tx = self.begin().await?;
        let done =
            sqlx::query("UPDATE accounts SET status = ?3 WHERE workspace_id = ?1 AND id = ?2")
                .bind(ws.get())
                .bind(id.get())
                .bind(to_json(WHAT, &status)?)
                .execute(&mut *tx)
                .await
                .map_err(unavailable)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found(WHAT, id));
        }
        tx.commit().await.map_err(unavailable)?;
        self.account_impl(ws, id).await
    }

    pub(crate) async fn update_account_settings_impl(
        &self,
        ws: WorkspaceId,
        id: AccountId,
        settings: AccountSettings,
    ) -> Result<Account, StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE accounts SET tier = ?3, time_zone = ?4, working_hours = ?5, limits = ?6
             WHERE workspace_id = ?1 AND id = ?2",
        )
        .bind(ws.get())
        .bind(id.get())
        .bind(settings.tier.as_str())
        .bind(settings.time_zone.name())
        .bind(to_json(WHAT, &settings.working_hours)?)
        .bind(to_json(WHAT, &settings.limits)?)
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found(WHAT, id));
        }
        tx.commit().await.map_err(unavailable)?;
        self.account_impl(ws, id).await
    }
}
