//! Back-offs per account and axis, poll cursors, and the invitation look-ups of the engine.

use jiff::Timestamp;
use overture_core::{AccountId, Invitation, LeadId, WorkspaceId};
use overture_store::{Backoff, PollKind, StoreError};

use crate::changes::{set_cursor, upsert_backoff};
use crate::invitations::decode as decode_invitation;
use crate::sqlite_store::{SqliteStore, col, col_parse, col_ts, from_ms, unavailable};

/// The invitation columns `invitations::decode` reads, as a literal for `concat!`.
macro_rules! invitation_columns {
    () => {
        "id, workspace_id, account_id, lead_id, campaign_id, external_id, note, sent_at, state, \
         resolved_at"
    };
}

impl SqliteStore {
    pub(crate) async fn set_backoff_impl(&self, backoff: Backoff) -> Result<Backoff, StoreError> {
        let mut tx = self.begin().await?;
        upsert_backoff(&mut tx, &backoff).await?;
        tx.commit().await.map_err(unavailable)?;
        let stored = self.backoffs_impl(backoff.account).await?;
        stored
            .into_iter()
            .find(|b| b.axis == backoff.axis)
            .ok_or_else(|| StoreError::not_found("backoff", backoff.account))
    }

    pub(crate) async fn backoffs_impl(
        &self,
        account: AccountId,
    ) -> Result<Vec<Backoff>, StoreError> {
        const WHAT: &str = "backoff";
        let rows = sqlx::query(
            "SELECT axis, until, reason FROM backoffs WHERE account_id = ?1 ORDER BY axis",
        )
        .bind(account.get())
        .fetch_all(&self.read)
        .await
        .map_err(unavailable)?;
        rows.iter()
            .map(|row| {
                Ok(Backoff {
                    account,
                    axis: col_parse(row, WHAT, "axis")?,
                    until: col_ts(row, WHAT, "until")?,
                    reason: col(row, WHAT, "reason")?,
                })
            })
            .collect()
    }

    pub(crate) async fn poll_cursor_impl(
        &self,
        account: AccountId,
        kind: PollKind,
    ) -> Result<Option<Timestamp>, StoreError> {
        let at: Option<i64> = sqlx::query_scalar(
            "SELECT polled_at FROM poll_cursors WHERE account_id = ?1 AND kind = ?2",
        )
        .bind(account.get())
        .bind(kind.as_str())
        .fetch_optional(&self.read)
        .await
        .map_err(unavailable)?;
        at.map(|t| from_ms("poll cursor", t)).transpose()
    }

    pub(crate) async fn set_poll_cursor_impl(
        &self,
        account: AccountId,
        kind: PollKind,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        set_cursor(&mut tx, account, kind.as_str(), at).await?;
        tx.commit().await.map_err(unavailable)
    }

    pub(crate) async fn latest_invitation_impl(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        lead: LeadId,
    ) -> Result<Option<Invitation>, StoreError> {
        let row = sqlx::query(concat!(
            "SELECT ",
            invitation_columns!(),
            " FROM invitations WHERE workspace_id = ?1 AND account_id = ?2 AND lead_id = ?3
              ORDER BY id DESC LIMIT 1"
        ))
        .bind(ws.get())
        .bind(account.get())
        .bind(lead.get())
        .fetch_optional(&self.read)
        .await
        .map_err(unavailable)?;
        row.as_ref().map(decode_invitation).transpose()
    }

    pub(crate) async fn pending_invitations_impl(
        &self,
        ws: WorkspaceId,
        account: AccountId,
    ) -> Result<Vec<Invitation>, StoreError> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            invitation_columns!(),
            " FROM invitations WHERE workspace_id = ?1 AND account_id = ?2 AND state = 'pending'
              ORDER BY id"
        ))
        .bind(ws.get())
        .bind(account.get())
        .fetch_all(&self.read)
        .await
        .map_err(unavailable)?;
        rows.iter().map(decode_invitation).collect()
    }
}
