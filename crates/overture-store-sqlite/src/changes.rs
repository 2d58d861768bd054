//! Change sets of the engine, applied inside one transaction.

use std::collections::BTreeSet;

use jiff::Timestamp;
use overture_core::{AccountId, CampaignId, EnrollmentId, InvitationState, LeadId, WorkspaceId};
use overture_store::{Backoff, Changes, InvitationChange, NewAction, NewInvitation, StoreError};
use sqlx::SqliteConnection;

use crate::enrollments::update_in_tx;
use crate::invitations::require_owned;
use crate::sqlite_store::{SqliteStore, col, db_err, ms, to_json, unavailable};

/// Applies every part of `changes` on `tx`, in the order of the fields.
pub(crate) async fn apply_in_tx(
    tx: &mut SqliteConnection,
    ws: WorkspaceId,
    changes: &Changes,
    now: Timestamp,
) -> Result<(), StoreError> {
    for action in &changes.actions {
        if action.workspace_id != ws {
            return Err(StoreError::not_found("workspace", action.workspace_id));
        }
        enqueue(tx, action).await?;
    }
    for update in &changes.enrollments {
        update_in_tx(tx, ws, update, now).await?;
    }
    for change in &changes.invitations {
        match change {
            InvitationChange::Sent(new) => record_sent(tx, ws, new).await?,
            InvitationChange::Transition { id, event, at } => {
                let state: Option<String> = sqlx::query_scalar(
                    "SELECT state FROM invitations WHERE id = ?1 AND workspace_id = ?2",
                )
                .bind(id.get())
                .bind(ws.get())
                .fetch_optional(&mut *tx)
                .await
                .map_err(unavailable)?;
                let state: InvitationState = state
                    .ok_or_else(|| StoreError::not_found("invitation", id))?
                    .parse()
                    .map_err(|e| StoreError::corrupt("invitation", e))?;
                // A refused transition (already accepted, withdrawn…) is skipped: the change
                // set records facts observed elsewhere, and the stored state already says more.
                if let Ok(next) = state.apply(*event) {
                    sqlx::query(
                        "UPDATE invitations SET state = ?2, resolved_at = ?3 WHERE id = ?1",
                    )
                    .bind(id.get())
                    .bind(next.as_str())
                    .bind(ms(*at))
                    .execute(&mut *tx)
                    .await
                    .map_err(unavailable)?;
                }
            }
        }
    }
    for cooldown in &changes.cooldowns {
        require_owned(tx, ws, cooldown.account_id, Some(cooldown.lead_id), None).await?;
        sqlx::query(
            "INSERT INTO cooldowns (workspace_id, account_id, lead_id, reinvite_not_before)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (workspace_id, account_id, lead_id) DO UPDATE
                SET reinvite_not_before =
                    max(cooldowns.reinvite_not_before, excluded.reinvite_not_before)",
        )
        .bind(ws.get())
        .bind(cooldown.account_id.get())
        .bind(cooldown.lead_id.get())
        .bind(ms(cooldown.reinvite_not_before))
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
    }
    for backoff in &changes.backoffs {
        require_owned(tx, ws, backoff.account, None, None).await?;
        upsert_backoff(tx, backoff).await?;
    }
    for (account, status) in &changes.account_status {
        let done =
            sqlx::query("UPDATE accounts SET status = ?3 WHERE id = ?1 AND workspace_id = ?2")
                .bind(account.get())
                .bind(ws.get())
                .bind(to_json("account", status)?)
                .execute(&mut *tx)
                .await
                .map_err(unavailable)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found("account", account));
        }
    }
    for (account, kind, at) in &changes.poll_cursors {
        require_owned(tx, ws, *account, None, None).await?;
        set_cursor(tx, *account, kind.as_str(), *at).await?;
    }
    for (lead, tag) in &changes.tags {
        let row = sqlx::query("SELECT tags FROM leads WHERE id = ?1 AND workspace_id = ?2")
            .bind(lead.get())
            .bind(ws.get())
            .fetch_optional(&mut *tx)
            .await
            .map_err(unavailable)?
            .ok_or_else(|| StoreError::not_found("lead", lead))?;
        let text: String = col(&row, "lead", "tags")?;
        let mut tags: BTreeSet<String> =
            serde_json::from_str(&text).map_err(|e| StoreError::corrupt("lead", e))?;
        if tags.insert(tag.clone()) {
            sqlx::query("UPDATE leads SET tags = ?2 WHERE id = ?1")
                .bind(lead.get())
                .bind(to_json("lead", &tags)?)
                .execute(&mut *tx)
                .await
                .map_err(unavailable)?;
        }
    }
    for event in &changes.events {
        if event.workspace_id != ws {
            return Err(StoreError::not_found("workspace", event.workspace_id));
        }
        sqlx::query(
            "INSERT INTO events (workspace_id, kind, at, account_id, lead_id, campaign_id, data)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .bind(ws.get())
        .bind(event.kind.as_str())
        .bind(ms(event.at))
        .bind(event.account_id.map(AccountId::get))
        .bind(event.lead_id.map(LeadId::get))
        .bind(event.campaign_id.map(CampaignId::get))
        .bind(&event.data)
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
    }
    Ok(())
}

/// Queues one action; a key already queued in the workspace inserts nothing.
async fn enqueue(tx: &mut SqliteConnection, new: &NewAction) -> Result<(), StoreError> {
    let ws = new.workspace_id;
    require_owned(tx, ws, new.account_id, new.lead_id, new.campaign_id).await?;
    let stamp = ms(new.due_at);
    sqlx::query(
        "INSERT INTO actions
            (workspace_id, account_id, lead_id, campaign_id, enrollment_id, kind, payload,
             due_at, idempotency_key, state, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'queued', ?8, ?8)
         ON CONFLICT (workspace_id, idempotency_key) DO NOTHING",
    )
    .bind(ws.get())
    .bind(new.account_id.get())
    .bind(new.lead_id.map(LeadId::get))
    .bind(new.campaign_id.map(CampaignId::get))
    .bind(new.enrollment_id.map(EnrollmentId::get))
    .bind(new.kind.as_str())
    .bind(&new.payload)
    .bind(stamp)
    .bind(&new.idempotency_key)
    .execute(&mut *tx)
    .await
    .map_err(db_err("action", &new.idempotency_key))?;
    Ok(())
}

/// Stores a sent invitation; a pending one of the same sender and person only gets its
/// missing external id.
async fn record_sent(
    tx: &mut SqliteConnection,
    ws: WorkspaceId,
    new: &NewInvitation,
) -> Result<(), StoreError> {
    if new.workspace_id != ws {
        return Err(StoreError::not_found("workspace", new.workspace_id));
    }
    require_owned(tx, ws, new.account_id, Some(new.lead_id), new.campaign_id).await?;
    let updated = sqlx::query(
        "UPDATE invitations SET external_id = coalesce(external_id, ?4)
          WHERE workspace_id = ?1 AND account_id = ?2 AND lead_id = ?3 AND state = 'pending'",
    )
    .bind(ws.get())
    .bind(new.account_id.get())
    .bind(new.lead_id.get())
    .bind(new.external_id.as_deref())
    .execute(&mut *tx)
    .await
    .map_err(unavailable)?;
    if updated.rows_affected() > 0 {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO invitations
            (workspace_id, account_id, lead_id, campaign_id, external_id, note, sent_at, state)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending')",
    )
    .bind(ws.get())
    .bind(new.account_id.get())
    .bind(new.lead_id.get())
    .bind(new.campaign_id.map(CampaignId::get))
    .bind(new.external_id.as_deref())
    .bind(new.note.as_deref())
    .bind(ms(new.sent_at))
    .execute(&mut *tx)
    .await
    .map_err(db_err("pending invitation", new.lead_id))?;
    Ok(())
}

/// Stores a back-off, keeping the later of the stored and the new `until`.
pub(crate) async fn upsert_backoff(
    tx: &mut SqliteConnection,
    backoff: &Backoff,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO backoffs (account_id, axis, until, reason) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (account_id, axis) DO UPDATE
            SET reason = CASE WHEN excluded.until > backoffs.until
                              THEN excluded.reason ELSE backoffs.reason END,
                until = max(backoffs.until, excluded.until)",
    )
    .bind(backoff.account.get())
    .bind(backoff.axis.to_string())
    .bind(ms(backoff.until))
    .bind(&backoff.reason)
    .execute(&mut *tx)
    .await
    .map_err(db_err("backoff", backoff.account))?;
    Ok(())
}

/// Moves a poll cursor.
pub(crate) async fn set_cursor(
    tx: &mut SqliteConnection,
    account: AccountId,
    kind: &str,
    at: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO poll_cursors (account_id, kind, polled_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (account_id, kind) DO UPDATE SET polled_at = excluded.polled_at",
    )
    .bind(account.get())
    .bind(kind)
    .bind(ms(at))
    .execute(&mut *tx)
    .await
    .map_err(db_err("poll cursor", account))?;
    Ok(())
}

impl SqliteStore {
    pub(crate) async fn apply_changes_impl(
        &self,
        ws: WorkspaceId,
        changes: Changes,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        apply_in_tx(&mut tx, ws, &changes, now).await?;
        tx.commit().await.map_err(unavailable)?;
        Ok(())
    }
}
