//! Secrets of an account: opaque nonces and ciphertexts, encrypted before they get here.

use jiff::Timestamp;
use overture_core::{AccountId, WorkspaceId};
use overture_store::{SealedSecret, SecretInfo, StoreError, StoredSecret};
use rusqlite::{Connection, Row, params};

use crate::sqlite_store::{SqliteStore, col, col_ts, exec, ms, row, rows, scalar, unavailable};

const WHAT: &str = "secret";

fn info(row: &Row<'_>) -> Result<SecretInfo, StoreError> {
    Ok(SecretInfo {
        name: col(row, WHAT, "name")?,
        created_at: col_ts(row, WHAT, "created_at")?,
        updated_at: col_ts(row, WHAT, "updated_at")?,
    })
}

fn stored(row: &Row<'_>) -> Result<StoredSecret, StoreError> {
    let SecretInfo {
        name,
        created_at,
        updated_at,
    } = info(row)?;
    Ok(StoredSecret {
        name,
        sealed: SealedSecret {
            nonce: col(row, WHAT, "nonce")?,
            ciphertext: col(row, WHAT, "ciphertext")?,
        },
        created_at,
        updated_at,
    })
}

/// Fails with `NotFound` unless the account exists in the workspace.
fn require_account(conn: &Connection, ws: WorkspaceId, id: AccountId) -> Result<(), StoreError> {
    let found: Option<i64> = scalar(
        conn,
        "SELECT id FROM accounts WHERE workspace_id = ?1 AND id = ?2",
        [ws.get(), id.get()],
    )?;
    match found {
        Some(_) => Ok(()),
        None => Err(StoreError::not_found("account", id)),
    }
}

impl SqliteStore {
    pub(crate) fn put_secret_impl(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        name: &str,
        sealed: SealedSecret,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            require_account(tx, ws, account)?;
            exec(
                tx,
                "INSERT INTO secrets
                    (workspace_id, account_id, name, nonce, ciphertext, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
                 ON CONFLICT (workspace_id, account_id, name) DO UPDATE
                    SET nonce = excluded.nonce, ciphertext = excluded.ciphertext,
                        updated_at = excluded.updated_at",
                params![
                    ws.get(),
                    account.get(),
                    name,
                    sealed.nonce,
                    sealed.ciphertext,
                    ms(now)
                ],
                unavailable,
            )?;
            Ok(())
        })
    }

    pub(crate) fn secret_impl(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        name: &str,
    ) -> Result<Option<StoredSecret>, StoreError> {
        self.read(|c| {
            row(
                c,
                "SELECT name, nonce, ciphertext, created_at, updated_at FROM secrets
                  WHERE workspace_id = ?1 AND account_id = ?2 AND name = ?3",
                params![ws.get(), account.get(), name],
                stored,
            )
        })
    }

    pub(crate) fn list_secrets_impl(
        &self,
        ws: WorkspaceId,
        account: AccountId,
    ) -> Result<Vec<SecretInfo>, StoreError> {
        self.read(|c| {
            rows(
                c,
                "SELECT name, created_at, updated_at FROM secrets
                  WHERE workspace_id = ?1 AND account_id = ?2 ORDER BY name",
                [ws.get(), account.get()],
                info,
            )
        })
    }

    pub(crate) fn delete_secret_impl(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        name: &str,
    ) -> Result<bool, StoreError> {
        let deleted = self.write(|tx| {
            exec(
                tx,
                "DELETE FROM secrets WHERE workspace_id = ?1 AND account_id = ?2 AND name = ?3",
                params![ws.get(), account.get(), name],
                unavailable,
            )
        })?;
        Ok(deleted > 0)
    }

    pub(crate) fn put_workspace_secret_impl(
        &self,
        ws: WorkspaceId,
        name: &str,
        sealed: SealedSecret,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            let known: Option<i64> =
                scalar(tx, "SELECT id FROM workspaces WHERE id = ?1", [ws.get()])?;
            if known.is_none() {
                return Err(StoreError::not_found("workspace", ws));
            }
            exec(
                tx,
                "INSERT INTO workspace_secrets
                    (workspace_id, name, nonce, ciphertext, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)
                 ON CONFLICT (workspace_id, name) DO UPDATE
                    SET nonce = excluded.nonce, ciphertext = excluded.ciphertext,
                        updated_at = excluded.updated_at",
                params![ws.get(), name, sealed.nonce, sealed.ciphertext, ms(now)],
                unavailable,
            )?;
            Ok(())
        })
    }

    pub(crate) fn workspace_secret_impl(
        &self,
        ws: WorkspaceId,
        name: &str,
    ) -> Result<Option<StoredSecret>, StoreError> {
        self.read(|c| {
            row(
                c,
                "SELECT name, nonce, ciphertext, created_at, updated_at FROM workspace_secrets
                  WHERE workspace_id = ?1 AND name = ?2",
                params![ws.get(), name],
                stored,
            )
        })
    }

    pub(crate) fn list_workspace_secrets_impl(
        &self,
        ws: WorkspaceId,
    ) -> Result<Vec<SecretInfo>, StoreError> {
        self.read(|c| {
            rows(
                c,
                "SELECT name, created_at, updated_at FROM workspace_secrets
                  WHERE workspace_id = ?1 ORDER BY name",
                [ws.get()],
                info,
            )
        })
    }
}
