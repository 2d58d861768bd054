//! Secrets of an account and of a workspace: opaque nonces and ciphertexts, encrypted before
//! they get here.

use jiff::Timestamp;
use overture_core::{AccountId, WorkspaceId};
use overture_store::{SealedSecret, SecretInfo, StoreError, StoredSecret};
use sqlx::PgConnection;
use sqlx::postgres::PgRow;

use crate::postgres_store::{
    PostgresStore, col, col_ts, commit, exec, ms, require_workspace, row, rows, scalar, unavailable,
};

const WHAT: &str = "secret";

fn info(row: &PgRow) -> Result<SecretInfo, StoreError> {
    Ok(SecretInfo {
        name: col(row, WHAT, "name")?,
        created_at: col_ts(row, WHAT, "created_at")?,
        updated_at: col_ts(row, WHAT, "updated_at")?,
    })
}

fn stored(row: &PgRow) -> Result<StoredSecret, StoreError> {
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
async fn require_account(
    c: &mut PgConnection,
    ws: WorkspaceId,
    id: AccountId,
) -> Result<(), StoreError> {
    let known: Option<i64> = scalar(
        c,
        sqlx::query("SELECT id FROM accounts WHERE workspace_id = $1 AND id = $2")
            .bind(ws.get())
            .bind(id.get()),
    )
    .await?;
    match known {
        Some(_) => Ok(()),
        None => Err(StoreError::not_found("account", id)),
    }
}

impl PostgresStore {
    pub(crate) async fn put_secret_impl(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        name: &str,
        sealed: SealedSecret,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        require_account(&mut tx, ws, account).await?;
        exec(
            &mut tx,
            sqlx::query(
                "INSERT INTO secrets
                    (workspace_id, account_id, name, nonce, ciphertext, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $6)
                 ON CONFLICT (workspace_id, account_id, name) DO UPDATE
                    SET nonce = excluded.nonce, ciphertext = excluded.ciphertext,
                        updated_at = excluded.updated_at",
            )
            .bind(ws.get())
            .bind(account.get())
            .bind(name)
            .bind(sealed.nonce)
            .bind(sealed.ciphertext)
            .bind(ms(now)),
            unavailable,
        )
        .await?;
        commit(tx).await
    }

    pub(crate) async fn secret_impl(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        name: &str,
    ) -> Result<Option<StoredSecret>, StoreError> {
        let mut c = self.conn().await?;
        row(
            &mut c,
            sqlx::query(
                "SELECT name, nonce, ciphertext, created_at, updated_at FROM secrets
                  WHERE workspace_id = $1 AND account_id = $2 AND name = $3",
            )
            .bind(ws.get())
            .bind(account.get())
            .bind(name),
            stored,
        )
        .await
    }

    pub(crate) async fn list_secrets_impl(
        &self,
        ws: WorkspaceId,
        account: AccountId,
    ) -> Result<Vec<SecretInfo>, StoreError> {
        let mut c = self.conn().await?;
        rows(
            &mut c,
            sqlx::query(
                "SELECT name, created_at, updated_at FROM secrets
                  WHERE workspace_id = $1 AND account_id = $2 ORDER BY name COLLATE \"C\"",
            )
            .bind(ws.get())
            .bind(account.get()),
            info,
        )
        .await
    }

    pub(crate) async fn delete_secret_impl(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        name: &str,
    ) -> Result<bool, StoreError> {
        let mut c = self.conn().await?;
        let deleted = exec(
            &mut c,
            sqlx::query(
                "DELETE FROM secrets WHERE workspace_id = $1 AND account_id = $2 AND name = $3",
            )
            .bind(ws.get())
            .bind(account.get())
            .bind(name),
            unavailable,
        )
        .await?;
        Ok(deleted > 0)
    }

    pub(crate) async fn put_workspace_secret_impl(
        &self,
        ws: WorkspaceId,
        name: &str,
        sealed: SealedSecret,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        require_workspace(&mut tx, ws).await?;
        exec(
            &mut tx,
            sqlx::query(
                "INSERT INTO workspace_secrets
                    (workspace_id, name, nonce, ciphertext, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $5)
                 ON CONFLICT (workspace_id, name) DO UPDATE
                    SET nonce = excluded.nonce, ciphertext = excluded.ciphertext,
                        updated_at = excluded.updated_at",
            )
            .bind(ws.get())
            .bind(name)
            .bind(sealed.nonce)
            .bind(sealed.ciphertext)
            .bind(ms(now)),
            unavailable,
        )
        .await?;
        commit(tx).await
    }

    pub(crate) async fn workspace_secret_impl(
        &self,
        ws: WorkspaceId,
        name: &str,
    ) -> Result<Option<StoredSecret>, StoreError> {
        let mut c = self.conn().await?;
        row(
            &mut c,
            sqlx::query(
                "SELECT name, nonce, ciphertext, created_at, updated_at FROM workspace_secrets
                  WHERE workspace_id = $1 AND name = $2",
            )
            .bind(ws.get())
            .bind(name),
            stored,
        )
        .await
    }

    pub(crate) async fn list_workspace_secrets_impl(
        &self,
        ws: WorkspaceId,
    ) -> Result<Vec<SecretInfo>, StoreError> {
        let mut c = self.conn().await?;
        rows(
            &mut c,
            sqlx::query(
                "SELECT name, created_at, updated_at FROM workspace_secrets
                  WHERE workspace_id = $1 ORDER BY name COLLATE \"C\"",
            )
            .bind(ws.get()),
            info,
        )
        .await
    }
}
