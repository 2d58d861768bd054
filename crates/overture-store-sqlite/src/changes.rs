//! Change sets of the engine, applied inside one transaction.

use std::collections::BTreeSet;

use jiff::Timestamp;
use overture_core::{AccountId, CampaignId, EnrollmentId, InvitationState, LeadId, WorkspaceId};
use overture_store::{
    Backoff, Changes, EnrollmentUpdate, InvitationChange, NewAction, NewInvitation, StoreError,
};
use sqlx::SqliteConnection;

use crate::enrollments::{is_open, update_in_tx};
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
    }
    if changes.actions.len() > 1 {
        enqueue_many(tx, ws, &changes.actions).await?;
    } else {
        for action in &changes.actions {
            enqueue(tx, action).await?;
        }
    }
    // Updates that keep their enrollment open touch nothing else, so they go in one
    // statement when each enrollment appears once; the rest go one by one, in order.
    let ids: BTreeSet<EnrollmentId> = changes.enrollments.iter().map(|u| u.id).collect();
    if changes.enrollments.len() > 1
        && ids.len() == changes.enrollments.len()
        && changes.enrollments.iter().all(|u| is_open(u.state))
    {
        update_open_many(tx, ws, &changes.enrollments, now).await?;
    } else {
        for update in &changes.enrollments {
            update_in_tx(tx, ws, update, now).await?;
        }
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
    let stamp = ms(new.due_at);
    // The ownership checks ride along with the insert (one statement per action); only when
    // nothing was inserted is it worth finding out why.
    let done = sqlx::query(
        "INSERT INTO actions
            (workspace_id, account_id, lead_id, campaign_id, enrollment_id, kind, payload,
             due_at, idempotency_key, state, created_at, updated_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'queued', ?8, ?8
          WHERE EXISTS (SELECT 1 FROM accounts WHERE id = ?2 AND workspace_id = ?1)
            AND (?3 IS NULL OR EXISTS (SELECT 1 FROM leads WHERE id = ?3 AND workspace_id = ?1))
            AND (?4 IS NULL OR
                 EXISTS (SELECT 1 FROM campaigns WHERE id = ?4 AND workspace_id = ?1))
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
    if done.rows_affected() == 0 {
        // Either something is not the workspace's (an error), or the key is queued already.
        require_owned(tx, ws, new.account_id, new.lead_id, new.campaign_id).await?;
    }
    Ok(())
}

/// Queues many actions of workspace `ws` in one statement (sqlx hands each statement to
/// SQLite's thread separately, so one per action is slow); like [`enqueue`], a key already
/// queued inserts nothing.
async fn enqueue_many(
    tx: &mut SqliteConnection,
    ws: WorkspaceId,
    actions: &[NewAction],
) -> Result<(), StoreError> {
    let rows: Vec<serde_json::Value> = actions
        .iter()
        .map(|new| {
            serde_json::json!([
                new.account_id.get(),
                new.lead_id.map(LeadId::get),
                new.campaign_id.map(CampaignId::get),
                new.enrollment_id.map(EnrollmentId::get),
                new.kind.as_str(),
                new.payload,
                ms(new.due_at),
                new.idempotency_key,
            ])
        })
        .collect();
    let rows = to_json("action", &rows)?;
    let done = sqlx::query(
        "INSERT INTO actions
            (workspace_id, account_id, lead_id, campaign_id, enrollment_id, kind, payload,
             due_at, idempotency_key, state, created_at, updated_at)
         SELECT ?1, account, lead, campaign, enrollment, kind, payload, due, key, 'queued',
                due, due
           FROM (SELECT j.key AS n, j.value ->> 0 AS account, j.value ->> 1 AS lead,
                        j.value ->> 2 AS campaign, j.value ->> 3 AS enrollment,
                        j.value ->> 4 AS kind, j.value ->> 5 AS payload, j.value ->> 6 AS due,
                        j.value ->> 7 AS key
                   FROM json_each(?2) j)
          WHERE EXISTS (SELECT 1 FROM accounts WHERE id = account AND workspace_id = ?1)
            AND (lead IS NULL OR
                 EXISTS (SELECT 1 FROM leads WHERE id = lead AND workspace_id = ?1))
            AND (campaign IS NULL OR
                 EXISTS (SELECT 1 FROM campaigns WHERE id = campaign AND workspace_id = ?1))
          ORDER BY n
         ON CONFLICT (workspace_id, idempotency_key) DO NOTHING",
    )
    .bind(ws.get())
    .bind(rows)
    .execute(&mut *tx)
    .await
    .map_err(db_err("action", "a batch"))?;
    if done.rows_affected() < actions.len() as u64 {
        // Either something is not the workspace's (an error), or a key is queued already.
        for new in actions {
            require_owned(tx, ws, new.account_id, new.lead_id, new.campaign_id).await?;
        }
    }
    Ok(())
}

/// Applies updates that keep their enrollments open (each enrollment once) in one statement,
/// with the same guard as `update_in_tx`: the expected step, and the enrollment still open.
async fn update_open_many(
    tx: &mut SqliteConnection,
    ws: WorkspaceId,
    updates: &[EnrollmentUpdate],
    now: Timestamp,
) -> Result<(), StoreError> {
    let rows: Vec<serde_json::Value> = updates
        .iter()
        .map(|u| {
            serde_json::json!([
                u.id.get(),
                u.expect_step,
                u.step,
                u.state.as_str(),
                u.next_due_at.map(ms),
                u.attempt,
                u.reason,
            ])
        })
        .collect();
    let rows = to_json("enrollment", &rows)?;
    sqlx::query(
        "UPDATE enrollments
            SET step = u.step, state = u.state, next_due_at = u.due, attempt = u.attempt,
                reason = coalesce(u.reason, enrollments.reason), updated_at = ?3
           FROM (SELECT j.value ->> 0 AS id, j.value ->> 1 AS expect_step,
                        j.value ->> 2 AS step, j.value ->> 3 AS state, j.value ->> 4 AS due,
                        j.value ->> 5 AS attempt, j.value ->> 6 AS reason
                   FROM json_each(?2) j) AS u
          -- The unary `+` keeps SQLite from scanning an index of enrollments for each
          -- row: every row is looked up by its id.
          WHERE enrollments.id = u.id AND +enrollments.workspace_id = ?1
            AND +enrollments.step = u.expect_step
            AND +enrollments.state IN ('active', 'waiting')",
    )
    .bind(ws.get())
    .bind(rows)
    .bind(ms(now))
    .execute(&mut *tx)
    .await
    .map_err(unavailable)?;
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
