//! Accounts: sender seats.

use overture_core::account::Zone;
use overture_core::{Account, AccountId, AccountSettings, AccountStatus, NewAccount, WorkspaceId};
use overture_store::StoreError;
use rusqlite::{Row, params};

use crate::sqlite_store::{
    SqliteStore, col, col_json, col_parse, col_str, col_ts, db_err, exec, found, ms,
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

fn decode(row: &Row<'_>) -> Result<Account, StoreError> {
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

impl SqliteStore {
    pub(crate) fn create_account_impl(&self, new: NewAccount) -> Result<Account, StoreError> {
        let id: i64 = self.write(|tx| {
            require_workspace(tx, new.workspace_id)?;
            found(
                row_or(
                    tx,
                    "INSERT INTO accounts
                        (workspace_id, name, kind, tier, time_zone, working_hours, limits, status,
                         created_at, governor, sender)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                     RETURNING id",
                    params![
                        new.workspace_id.get(),
                        new.name,
                        new.kind.as_str(),
                        new.tier.as_str(),
                        new.time_zone.name(),
                        to_json(WHAT, &new.working_hours)?,
                        to_json(WHAT, &new.limits)?,
                        to_json(WHAT, &new.status)?,
                        ms(new.created_at),
                        to_json(WHAT, &new.governor)?,
                        to_json(WHAT, &new.sender)?,
                    ],
                    db_err(WHAT, &new.name),
                    |row| col(row, WHAT, "id"),
                )?,
                WHAT,
                &new.name,
            )
        })?;
        self.account_impl(new.workspace_id, AccountId(id))
    }

    pub(crate) fn account_impl(
        &self,
        ws: WorkspaceId,
        id: AccountId,
    ) -> Result<Account, StoreError> {
        let account = self.read(|c| {
            row(
                c,
                concat!(
                    "SELECT ",
                    columns!(),
                    " FROM accounts WHERE workspace_id = ?1 AND id = ?2"
                ),
                [ws.get(), id.get()],
                decode,
            )
        })?;
        found(account, WHAT, id)
    }

    pub(crate) fn account_by_name_impl(
        &self,
        ws: WorkspaceId,
        name: &str,
    ) -> Result<Account, StoreError> {
        let account = self.read(|c| {
            row(
                c,
                concat!(
                    "SELECT ",
                    columns!(),
                    " FROM accounts WHERE workspace_id = ?1 AND name = ?2"
                ),
                params![ws.get(), name],
                decode,
            )
        })?;
        found(account, WHAT, name)
    }

    pub(crate) fn list_accounts_impl(&self, ws: WorkspaceId) -> Result<Vec<Account>, StoreError> {
        self.read(|c| {
            rows(
                c,
                concat!(
                    "SELECT ",
                    columns!(),
                    " FROM accounts WHERE workspace_id = ?1 ORDER BY id"
                ),
                [ws.get()],
                decode,
            )
        })
    }

    pub(crate) fn set_account_status_impl(
        &self,
        ws: WorkspaceId,
        id: AccountId,
        status: AccountStatus,
    ) -> Result<Account, StoreError> {
        let status = to_json(WHAT, &status)?;
        self.write(|tx| {
            let changed = exec(
                tx,
                "UPDATE accounts SET status = ?3 WHERE workspace_id = ?1 AND id = ?2",
                params![ws.get(), id.get(), status],
                unavailable,
            )?;
            if changed == 0 {
                return Err(StoreError::not_found(WHAT, id));
            }
            Ok(())
        })?;
        self.account_impl(ws, id)
    }

    pub(crate) fn update_account_settings_impl(
        &self,
        ws: WorkspaceId,
        id: AccountId,
        settings: AccountSettings,
    ) -> Result<Account, StoreError> {
        let working_hours = to_json(WHAT, &settings.working_hours)?;
        let limits = to_json(WHAT, &settings.limits)?;
        let governor = to_json(WHAT, &settings.governor)?;
        let sender = to_json(WHAT, &settings.sender)?;
        self.write(|tx| {
            let changed = exec(
                tx,
                "UPDATE accounts
                    SET tier = ?3, time_zone = ?4, working_hours = ?5, limits = ?6, governor = ?7,
                        sender = ?8
                  WHERE workspace_id = ?1 AND id = ?2",
                params![
                    ws.get(),
                    id.get(),
                    settings.tier.as_str(),
                    settings.time_zone.name(),
                    working_hours,
                    limits,
                    governor,
                    sender,
                ],
                unavailable,
            )?;
            if changed == 0 {
                return Err(StoreError::not_found(WHAT, id));
            }
            Ok(())
        })?;
        self.account_impl(ws, id)
    }
}
