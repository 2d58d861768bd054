//! Back-offs per account and axis, poll cursors, and the invitation look-ups of the engine.

use jiff::Timestamp;
use overture_core::{AccountId, Invitation, LeadId, WorkspaceId};
use overture_store::{Backoff, PollKind, StoreError};

use crate::changes::{set_cursor, upsert_backoff};
use crate::invitations::{decode as decode_invitation, invitation_columns};
use crate::postgres_store::{
    PostgresStore, col, col_parse, col_ts, commit, found, from_ms, rows, scalar,
};

impl PostgresStore {
    pub(crate) async fn set_backoff_impl(&self, backoff: Backoff) -> Result<Backoff, StoreError> {
        let mut tx = self.begin().await?;
        upsert_backoff(&mut tx, &backoff).await?;
        commit(tx).await?;
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
        let mut c = self.conn().await?;
        rows(
            &mut c,
            sqlx::query(
                "SELECT axis, until, reason FROM backoffs WHERE account_id = $1
                  ORDER BY axis COLLATE \"C\"",
            )
            .bind(account.get()),
            |row| {
                Ok(Backoff {
                    account,
                    axis: col_parse(row, WHAT, "axis")?,
                    until: col_ts(row, WHAT, "until")?,
                    reason: col(row, WHAT, "reason")?,
                })
            },
        )
        .await
    }

    pub(crate) async fn poll_cursor_impl(
        &self,
        account: AccountId,
        kind: PollKind,
    ) -> Result<Option<Timestamp>, StoreError> {
        let mut c = self.conn().await?;
        let at: Option<i64> = scalar(
            &mut c,
            sqlx::query("SELECT polled_at FROM poll_cursors WHERE account_id = $1 AND kind = $2")
                .bind(account.get())
                .bind(kind.as_str()),
        )
        .await?;
        at.map(|t| from_ms("poll cursor", t)).transpose()
    }

    pub(crate) async fn mailbox_cursor_impl(
        &self,
        account: AccountId,
    ) -> Result<Option<String>, StoreError> {
        let mut c = self.conn().await?;
        scalar(
            &mut c,
            sqlx::query("SELECT cursor FROM mailbox_cursors WHERE account_id = $1")
                .bind(account.get()),
        )
        .await
    }

    pub(crate) async fn set_poll_cursor_impl(
        &self,
        account: AccountId,
        kind: PollKind,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let mut c = self.conn().await?;
        set_cursor(&mut c, account, kind.as_str(), at).await
    }

    pub(crate) async fn latest_invitation_impl(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        lead: LeadId,
    ) -> Result<Option<Invitation>, StoreError> {
        // A person gets a few invitations at most: reading them all costs no more than one.
        Ok(self.invitations_to_impl(ws, account, lead).await?.pop())
    }

    pub(crate) async fn invitations_to_impl(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        lead: LeadId,
    ) -> Result<Vec<Invitation>, StoreError> {
        let mut c = self.conn().await?;
        rows(
            &mut c,
            sqlx::query(concat!(
                "SELECT ",
                invitation_columns!(),
                " FROM invitations WHERE workspace_id = $1 AND account_id = $2 AND lead_id = $3
                  ORDER BY id"
            ))
            .bind(ws.get())
            .bind(account.get())
            .bind(lead.get()),
            decode_invitation,
        )
        .await
    }

    pub(crate) async fn pending_count_impl(
        &self,
        ws: WorkspaceId,
        account: AccountId,
    ) -> Result<u64, StoreError> {
        let mut c = self.conn().await?;
        let count: i64 = found(
            scalar(
                &mut c,
                sqlx::query(
                    "SELECT count(*) FROM invitations
                      WHERE workspace_id = $1 AND account_id = $2 AND state = 'pending'",
                )
                .bind(ws.get())
                .bind(account.get()),
            )
            .await?,
            "invitation",
            account,
        )?;
        u64::try_from(count).map_err(|e| StoreError::corrupt("invitation", e))
    }

    pub(crate) async fn pending_invitations_impl(
        &self,
        ws: WorkspaceId,
        account: AccountId,
    ) -> Result<Vec<Invitation>, StoreError> {
        let mut c = self.conn().await?;
        rows(
            &mut c,
            sqlx::query(concat!(
                "SELECT ",
                invitation_columns!(),
                " FROM invitations
                  WHERE workspace_id = $1 AND account_id = $2 AND state = 'pending'
                  ORDER BY id"
            ))
            .bind(ws.get())
            .bind(account.get()),
            decode_invitation,
        )
        .await
    }
}
