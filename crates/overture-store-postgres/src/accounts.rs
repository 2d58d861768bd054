//! Accounts: sender seats.

use overture_core::account::Zone;
use overture_core::{Account, AccountId, AccountSettings, AccountStatus, NewAccount, WorkspaceId};
use overture_store::StoreError;
use sqlx::postgres::PgRow;

use crate::postgres_store::{
    PostgresStore, col, col_json, col_parse, col_str, col_ts, commit, db_err, exec, found, ms,
    require_workspace, row, row_or, rows, to_json, unavailable,
};

const WHAT: &str = "account";

/// The columns `decode` reads, as a literal for `concat!`.
macro_rules! columns {
    () => {
        "id, workspace_id, name, kind, tier, time_zone, working_hours, limits, governor, sender, \
         status, created_at"
    };
}

fn decode(row: &PgRow) -> Result<Account, StoreError> {
    Ok(Account {
        id: AccountId(col(row, WHAT, "id")?),
        workspace_id: WorkspaceId(col(row, WHAT, "workspace_id")?),
        name: col(row, WHAT, "name")?,
        kind: col_parse(row, WHAT, "kind")?,
        tier: col_parse(row, WHAT, "tier")?,
        time_zone: Zone::parse(col_str(row, WHAT, "time_zone")?)
            .map_err(|e| StoreError::corrupt(WHAT, e))?,
        working_hours: col_json(row, WHAT, "working_hours")?,
        limits: col_json(row, WHAT, "limits")?,
        governor: col_json(row, WHAT, "governor")?,
        sender: col_json(row, WHAT, "sender")?,
        status: col_json(row, WHAT, "status")?,
        created_at: col_ts(row, WHAT, "created_at")?,
    })
}

impl PostgresStore {
    pub(crate) async fn create_account_impl(&self, new: NewAccount) -> Result<Account, StoreError> {
        let mut tx = self.begin().await?;
        require_workspace(&mut tx, new.workspace_id).await?;
        let account = found(
            row_or(
                &mut tx,
                sqlx::query(concat!(
                    "INSERT INTO accounts
                        (workspace_id, name, kind, tier, time_zone, working_hours, limits, status,
                         created_at, governor, sender)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                     RETURNING ",
                    columns!()
                ))
                .bind(new.workspace_id.get())
                .bind(&new.name)
                .bind(new.kind.as_str())
                .bind(new.tier.as_str())
                .bind(new.time_zone.name())
                .bind(to_json(WHAT, &new.working_hours)?)
                .bind(to_json(WHAT, &new.limits)?)
                .bind(to_json(WHAT, &new.status)?)
                .bind(ms(new.created_at))
                .bind(to_json(WHAT, &new.governor)?)
                .bind(to_json(WHAT, &new.sender)?),
                db_err(WHAT, &new.name),
                decode,
            )
            .await?,
            WHAT,
            &new.name,
        )?;
        commit(tx).await?;
        Ok(account)
    }

    pub(crate) async fn account_impl(
        &self,
        ws: WorkspaceId,
        id: AccountId,
    ) -> Result<Account, StoreError> {
        let mut c = self.conn().await?;
        let account = row(
            &mut c,
            sqlx::query(concat!(
                "SELECT ",
                columns!(),
                " FROM accounts WHERE workspace_id = $1 AND id = $2"
            ))
            .bind(ws.get())
            .bind(id.get()),
            decode,
        )
        .await?;
        found(account, WHAT, id)
    }

    pub(crate) async fn account_by_name_impl(
        &self,
        ws: WorkspaceId,
        name: &str,
    ) -> Result<Account, StoreError> {
        let mut c = self.conn().await?;
        let account = row(
            &mut c,
            sqlx::query(concat!(
                "SELECT ",
                columns!(),
                " FROM accounts WHERE workspace_id = $1 AND name = $2"
            ))
            .bind(ws.get())
            .bind(name),
            decode,
        )
        .await?;
        found(account, WHAT, name)
    }

    pub(crate) async fn list_accounts_impl(
        &self,
        ws: WorkspaceId,
    ) -> Result<Vec<Account>, StoreError> {
        let mut c = self.conn().await?;
        rows(
            &mut c,
            sqlx::query(concat!(
                "SELECT ",
                columns!(),
                " FROM accounts WHERE workspace_id = $1 ORDER BY id"
            ))
            .bind(ws.get()),
            decode,
        )
        .await
    }

    pub(crate) async fn set_account_status_impl(
        &self,
        ws: WorkspaceId,
        id: AccountId,
        status: AccountStatus,
    ) -> Result<Account, StoreError> {
        let status = to_json(WHAT, &status)?;
        let mut c = self.conn().await?;
        let changed = exec(
            &mut c,
            sqlx::query("UPDATE accounts SET status = $3 WHERE workspace_id = $1 AND id = $2")
                .bind(ws.get())
                .bind(id.get())
                .bind(status),
            unavailable,
        )
        .await?;
        if changed == 0 {
            return Err(StoreError::not_found(WHAT, id));
        }
        drop(c);
        self.account_impl(ws, id).await
    }

    pub(crate) async fn update_account_settings_impl(
        &self,
        ws: WorkspaceId,
        id: AccountId,
        settings: AccountSettings,
    ) -> Result<Account, StoreError> {
        let mut c = self.conn().await?;
        let changed = exec(
            &mut c,
            sqlx::query(
                "UPDATE accounts
                    SET tier = $3, time_zone = $4, working_hours = $5, limits = $6, governor = $7,
                        sender = $8
                  WHERE workspace_id = $1 AND id = $2",
            )
            .bind(ws.get())
            .bind(id.get())
            .bind(settings.tier.as_str())
            .bind(settings.time_zone.name())
            .bind(to_json(WHAT, &settings.working_hours)?)
            .bind(to_json(WHAT, &settings.limits)?)
            .bind(to_json(WHAT, &settings.governor)?)
            .bind(to_json(WHAT, &settings.sender)?),
            unavailable,
        )
        .await?;
        if changed == 0 {
            return Err(StoreError::not_found(WHAT, id));
        }
        drop(c);
        self.account_impl(ws, id).await
    }
}
