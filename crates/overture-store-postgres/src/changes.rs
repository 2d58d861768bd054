//! Change sets of the engine, applied inside one transaction.

use std::collections::BTreeSet;

use jiff::Timestamp;
use overture_core::{AccountId, CampaignId, EnrollmentId, InvitationState, LeadId, WorkspaceId};
use overture_store::{Backoff, Changes, InvitationChange, NewAction, NewInvitation, StoreError};
use sqlx::PgConnection;

use crate::enrollments::update_in_tx;
use crate::invitations::require_owned;
use crate::postgres_store::{
    PostgresStore, col_str, commit, db_err, exec, ms, row, scalar, to_json, unavailable,
};
use crate::variants::keep_in_tx;

/// Applies every part of `changes` on `tx` (the connection of an open transaction), in the
/// order of the fields.
pub(crate) async fn apply_in_tx(
    tx: &mut PgConnection,
    ws: WorkspaceId,
    changes: &Changes,
    now: Timestamp,
) -> Result<(), StoreError> {
    for action in &changes.actions {
        if action.workspace_id != ws {
            return Err(StoreError::not_found("workspace", action.workspace_id));
        }
    }
    for action in &changes.actions {
        enqueue(tx, action).await?;
    }
    for update in &changes.enrollments {
        update_in_tx(tx, ws, update, now).await?;
    }
    for choice in &changes.variants {
        keep_in_tx(tx, ws, choice).await?;
    }
    for change in &changes.invitations {
        match change {
            InvitationChange::Sent(new) => record_sent(tx, ws, new).await?,
            InvitationChange::Transition { id, event, at } => {
                let state: Option<String> = scalar(
                    tx,
                    sqlx::query(
                        "SELECT state FROM invitations WHERE id = $1 AND workspace_id = $2
                         FOR UPDATE",
                    )
                    .bind(id.get())
                    .bind(ws.get()),
                )
                .await?;
                let state: InvitationState = state
                    .ok_or_else(|| StoreError::not_found("invitation", id))?
                    .parse()
                    .map_err(|e| StoreError::corrupt("invitation", e))?;
                // A refused transition (already accepted, withdrawn…) is skipped: the change
                // set records facts observed elsewhere, and the stored state already says more.
                if let Ok(next) = state.apply(*event) {
                    exec(
                        tx,
                        sqlx::query(
                            "UPDATE invitations SET state = $2, resolved_at = $3 WHERE id = $1",
                        )
                        .bind(id.get())
                        .bind(next.as_str())
                        .bind(ms(*at)),
                        unavailable,
                    )
                    .await?;
                }
            }
        }
    }
    for cooldown in &changes.cooldowns {
        require_owned(tx, ws, cooldown.account_id, Some(cooldown.lead_id), None).await?;
        exec(
            tx,
            sqlx::query(
                "INSERT INTO cooldowns (workspace_id, account_id, lead_id, reinvite_not_before)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (workspace_id, account_id, lead_id) DO UPDATE
                    SET reinvite_not_before =
                        GREATEST(cooldowns.reinvite_not_before, excluded.reinvite_not_before)",
            )
            .bind(ws.get())
            .bind(cooldown.account_id.get())
            .bind(cooldown.lead_id.get())
            .bind(ms(cooldown.reinvite_not_before)),
            unavailable,
        )
        .await?;
    }
    for backoff in &changes.backoffs {
        require_owned(tx, ws, backoff.account, None, None).await?;
        upsert_backoff(tx, backoff).await?;
    }
    for (account, status) in &changes.account_status {
        let changed = exec(
            tx,
            sqlx::query("UPDATE accounts SET status = $3 WHERE id = $1 AND workspace_id = $2")
                .bind(account.get())
                .bind(ws.get())
                .bind(to_json("account", status)?),
            unavailable,
        )
        .await?;
        if changed == 0 {
            return Err(StoreError::not_found("account", account));
        }
    }
    for (account, kind, at) in &changes.poll_cursors {
        require_owned(tx, ws, *account, None, None).await?;
        set_cursor(tx, *account, kind.as_str(), *at).await?;
    }
    for (account, cursor) in &changes.mailbox_cursors {
        require_owned(tx, ws, *account, None, None).await?;
        exec(
            tx,
            sqlx::query(
                "INSERT INTO mailbox_cursors (account_id, cursor, updated_at) VALUES ($1, $2, $3)
                 ON CONFLICT (account_id) DO UPDATE
                    SET cursor = excluded.cursor, updated_at = excluded.updated_at",
            )
            .bind(account.get())
            .bind(cursor)
            .bind(ms(now)),
            db_err("mailbox cursor", account),
        )
        .await?;
    }
    for (kind, value, reason) in &changes.suppressions {
        exec(
            tx,
            sqlx::query(
                "INSERT INTO suppressions (workspace_id, kind, value, reason, created_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (workspace_id, kind, value) DO NOTHING",
            )
            .bind(ws.get())
            .bind(kind.as_str())
            .bind(value)
            .bind(reason)
            .bind(ms(now)),
            db_err("suppression", value),
        )
        .await?;
    }
    for seen in &changes.proximity {
        exec(
            tx,
            sqlx::query(
                "UPDATE enrollments SET degree = $3, mutual_connections = $4
                  WHERE id = $1 AND workspace_id = $2",
            )
            .bind(seen.enrollment.get())
            .bind(ws.get())
            .bind(seen.degree.as_str())
            .bind(i64::from(seen.mutual_connections)),
            unavailable,
        )
        .await?;
    }
    for (lead, tag) in &changes.tags {
        let mut tags: BTreeSet<String> = row(
            tx,
            sqlx::query("SELECT tags FROM leads WHERE id = $1 AND workspace_id = $2 FOR UPDATE")
                .bind(lead.get())
                .bind(ws.get()),
            |row| {
                serde_json::from_str(col_str(row, "lead", "tags")?)
                    .map_err(|e| StoreError::corrupt("lead", e))
            },
        )
        .await?
        .ok_or_else(|| StoreError::not_found("lead", lead))?;
        if tags.insert(tag.clone()) {
            exec(
                tx,
                sqlx::query("UPDATE leads SET tags = $2 WHERE id = $1")
                    .bind(lead.get())
                    .bind(to_json("lead", &tags)?),
                unavailable,
            )
            .await?;
        }
    }
    for event in &changes.events {
        if event.workspace_id != ws {
            return Err(StoreError::not_found("workspace", event.workspace_id));
        }
        exec(
            tx,
            sqlx::query(
                "INSERT INTO events (workspace_id, kind, at, account_id, lead_id, campaign_id, data)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(ws.get())
            .bind(event.kind.as_str())
            .bind(ms(event.at))
            .bind(event.account_id.map(AccountId::get))
            .bind(event.lead_id.map(LeadId::get))
            .bind(event.campaign_id.map(CampaignId::get))
            .bind(&event.data),
            unavailable,
        )
        .await?;
    }
    Ok(())
}

/// Queues one action and returns whether it was inserted; a key already queued in the
/// workspace inserts nothing.
pub(crate) async fn enqueue(tx: &mut PgConnection, new: &NewAction) -> Result<bool, StoreError> {
    let ws = new.workspace_id;
    // The ownership checks ride along with the insert (one statement per action); only when
    // nothing was inserted is it worth finding out why.
    let inserted = exec(
        tx,
        sqlx::query(
            "INSERT INTO actions
                (workspace_id, account_id, lead_id, campaign_id, enrollment_id, kind, payload,
                 due_at, idempotency_key, state, created_at, updated_at, step, variant)
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, 'queued', $8, $8, $10, $11
              WHERE EXISTS (SELECT 1 FROM accounts WHERE id = $2 AND workspace_id = $1)
                AND ($3::BIGINT IS NULL OR
                     EXISTS (SELECT 1 FROM leads WHERE id = $3 AND workspace_id = $1))
                AND ($4::BIGINT IS NULL OR
                     EXISTS (SELECT 1 FROM campaigns WHERE id = $4 AND workspace_id = $1))
             ON CONFLICT (workspace_id, idempotency_key) DO NOTHING",
        )
        .bind(ws.get())
        .bind(new.account_id.get())
        .bind(new.lead_id.map(LeadId::get))
        .bind(new.campaign_id.map(CampaignId::get))
        .bind(new.enrollment_id.map(EnrollmentId::get))
        .bind(new.kind.as_str())
        .bind(&new.payload)
        .bind(ms(new.due_at))
        .bind(&new.idempotency_key)
        .bind(new.variant.map(|v| i64::from(v.step)))
        .bind(new.variant.map(|v| i64::from(v.variant))),
        db_err("action", &new.idempotency_key),
    )
    .await?;
    if inserted == 0 {
        // Either something is not the workspace's (an error), or the key is queued already.
        require_owned(tx, ws, new.account_id, new.lead_id, new.campaign_id).await?;
    }
    Ok(inserted > 0)
}

/// Stores a sent invitation; a pending one of the same sender and person only gets its
/// missing external id.
async fn record_sent(
    tx: &mut PgConnection,
    ws: WorkspaceId,
    new: &NewInvitation,
) -> Result<(), StoreError> {
    if new.workspace_id != ws {
        return Err(StoreError::not_found("workspace", new.workspace_id));
    }
    require_owned(tx, ws, new.account_id, Some(new.lead_id), new.campaign_id).await?;
    let updated = exec(
        tx,
        sqlx::query(
            "UPDATE invitations SET external_id = coalesce(external_id, $4)
              WHERE workspace_id = $1 AND account_id = $2 AND lead_id = $3 AND state = 'pending'",
        )
        .bind(ws.get())
        .bind(new.account_id.get())
        .bind(new.lead_id.get())
        .bind(new.external_id.as_deref()),
        unavailable,
    )
    .await?;
    if updated > 0 {
        return Ok(());
    }
    exec(
        tx,
        sqlx::query(
            "INSERT INTO invitations
                (workspace_id, account_id, lead_id, campaign_id, external_id, note, sent_at, state)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending')",
        )
        .bind(ws.get())
        .bind(new.account_id.get())
        .bind(new.lead_id.get())
        .bind(new.campaign_id.map(CampaignId::get))
        .bind(new.external_id.as_deref())
        .bind(new.note.as_deref())
        .bind(ms(new.sent_at)),
        db_err("pending invitation", new.lead_id),
    )
    .await?;
    Ok(())
}

/// Stores a back-off, keeping the later of the stored and the new `until`.
pub(crate) async fn upsert_backoff(
    tx: &mut PgConnection,
    backoff: &Backoff,
) -> Result<(), StoreError> {
    exec(
        tx,
        sqlx::query(
            "INSERT INTO backoffs (account_id, axis, until, reason) VALUES ($1, $2, $3, $4)
             ON CONFLICT (account_id, axis) DO UPDATE
                SET reason = CASE WHEN excluded.until > backoffs.until
                                  THEN excluded.reason ELSE backoffs.reason END,
                    until = GREATEST(backoffs.until, excluded.until)",
        )
        .bind(backoff.account.get())
        .bind(backoff.axis.to_string())
        .bind(ms(backoff.until))
        .bind(&backoff.reason),
        db_err("backoff", backoff.account),
    )
    .await?;
    Ok(())
}

/// Moves a poll cursor.
pub(crate) async fn set_cursor(
    tx: &mut PgConnection,
    account: AccountId,
    kind: &str,
    at: Timestamp,
) -> Result<(), StoreError> {
    exec(
        tx,
        sqlx::query(
            "INSERT INTO poll_cursors (account_id, kind, polled_at) VALUES ($1, $2, $3)
             ON CONFLICT (account_id, kind) DO UPDATE SET polled_at = excluded.polled_at",
        )
        .bind(account.get())
        .bind(kind)
        .bind(ms(at)),
        db_err("poll cursor", account),
    )
    .await?;
    Ok(())
}

impl PostgresStore {
    pub(crate) async fn apply_changes_impl(
        &self,
        ws: WorkspaceId,
        changes: Changes,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        apply_in_tx(&mut tx, ws, &changes, now).await?;
        commit(tx).await
    }
}
