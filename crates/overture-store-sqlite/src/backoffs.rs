//! Back-offs per account and axis, poll cursors, and the invitation look-ups of the engine.

use jiff::Timestamp;
use overture_core::{AccountId, Invitation, LeadId, WorkspaceId};
use overture_store::{Backoff, PollKind, StoreError};
use rusqlite::params;

use crate::changes::{set_cursor, upsert_backoff};
use crate::invitations::{decode as decode_invitation, invitation_columns};
use crate::sqlite_store::{SqliteStore, col, col_parse, col_ts, found, from_ms, rows, scalar};

impl SqliteStore {
    pub(crate) fn set_backoff_impl(&self, backoff: Backoff) -> Result<Backoff, StoreError> {
        self.write(|tx| upsert_backoff(tx, &backoff))?;
        let stored = self.backoffs_impl(backoff.account)?;
        stored
            .into_iter()
            .find(|b| b.axis == backoff.axis)
            .ok_or_else(|| StoreError::not_found("backoff", backoff.account))
    }

    pub(crate) fn backoffs_impl(&self, account: AccountId) -> Result<Vec<Backoff>, StoreError> {
        const WHAT: &str = "backoff";
        self.read(|c| {
            rows(
                c,
                "SELECT axis, until, reason FROM backoffs WHERE account_id = ?1 ORDER BY axis",
                [account.get()],
                |row| {
                    Ok(Backoff {
                        account,
                        axis: col_parse(row, WHAT, "axis")?,
                        until: col_ts(row, WHAT, "until")?,
                        reason: col(row, WHAT, "reason")?,
                    })
                },
            )
        })
    }

    pub(crate) fn poll_cursor_impl(
        &self,
        account: AccountId,
        kind: PollKind,
    ) -> Result<Option<Timestamp>, StoreError> {
        let at: Option<i64> = self.read(|c| {
            scalar(
                c,
                "SELECT polled_at FROM poll_cursors WHERE account_id = ?1 AND kind = ?2",
                params![account.get(), kind.as_str()],
            )
        })?;
        at.map(|t| from_ms("poll cursor", t)).transpose()
    }

    pub(crate) fn mailbox_cursor_impl(
        &self,
        account: AccountId,
    ) -> Result<Option<String>, StoreError> {
        self.read(|c| {
            scalar(
                c,
                "SELECT cursor FROM mailbox_cursors WHERE account_id = ?1",
                [account.get()],
            )
        })
    }

    pub(crate) fn set_poll_cursor_impl(
        &self,
        account: AccountId,
        kind: PollKind,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        self.write(|tx| set_cursor(tx, account, kind.as_str(), at))
    }

    pub(crate) fn latest_invitation_impl(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        lead: LeadId,
    ) -> Result<Option<Invitation>, StoreError> {
        // A person gets a few invitations at most: reading them all costs no more than one.
        Ok(self.invitations_to_impl(ws, account, lead)?.pop())
    }

    pub(crate) fn invitations_to_impl(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        lead: LeadId,
    ) -> Result<Vec<Invitation>, StoreError> {
        self.read(|c| {
            rows(
                c,
                concat!(
                    "SELECT ",
                    invitation_columns!(),
                    " FROM invitations WHERE workspace_id = ?1 AND account_id = ?2 AND lead_id = ?3
                      ORDER BY id"
                ),
                [ws.get(), account.get(), lead.get()],
                decode_invitation,
            )
        })
    }

    pub(crate) fn pending_count_impl(
        &self,
        ws: WorkspaceId,
        account: AccountId,
    ) -> Result<u64, StoreError> {
        let count: i64 = self.read(|c| {
            found(
                scalar(
                    c,
                    "SELECT count(*) FROM invitations
                      WHERE workspace_id = ?1 AND account_id = ?2 AND state = 'pending'",
                    [ws.get(), account.get()],
                )?,
                "invitation",
                account,
            )
        })?;
        u64::try_from(count).map_err(|e| StoreError::corrupt("invitation", e))
    }

    pub(crate) fn pending_invitations_impl(
        &self,
        ws: WorkspaceId,
        account: AccountId,
    ) -> Result<Vec<Invitation>, StoreError> {
        self.read(|c| {
            rows(
                c,
                concat!(
                    "SELECT ",
                    invitation_columns!(),
                    " FROM invitations WHERE workspace_id = ?1 AND account_id = ?2 AND state = 'pending'
                      ORDER BY id"
                ),
                [ws.get(), account.get()],
                decode_invitation,
            )
        })
    }
}
