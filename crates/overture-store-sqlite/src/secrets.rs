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
                |row| {
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
                },
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
}
