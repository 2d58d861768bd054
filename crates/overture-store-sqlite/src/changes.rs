//! Change sets of the engine, applied inside one transaction.

use std::collections::BTreeSet;

use jiff::Timestamp;
use overture_core::{AccountId, CampaignId, EnrollmentId, InvitationState, LeadId, WorkspaceId};
use overture_store::{
    Backoff, Changes, EnrollmentUpdate, InvitationChange, NewAction, NewInvitation, StoreError,
};
use rusqlite::{Connection, params};

use crate::enrollments::{is_open, update_in_tx};
use crate::invitations::require_owned;
use crate::sqlite_store::{
    SqliteStore, col_str, db_err, exec, ms, row, scalar, to_json, unavailable,
};
use crate::variants::keep_in_tx;

/// Applies every part of `changes` on `tx` (the connection of an open write transaction), in
/// the order of the fields.
pub(crate) fn apply_in_tx(
    tx: &Connection,
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
        enqueue_many(tx, ws, &changes.actions)?;
    } else {
        for action in &changes.actions {
            enqueue(tx, action)?;
        }
    }
    // Updates that keep their enrollment open touch nothing else, so they go in one
    // statement when each enrollment appears once; the rest go one by one, in order.
    let ids: BTreeSet<EnrollmentId> = changes.enrollments.iter().map(|u| u.id).collect();
    if changes.enrollments.len() > 1
        && ids.len() == changes.enrollments.len()
        && changes.enrollments.iter().all(|u| is_open(u.state))
    {
        update_open_many(tx, ws, &changes.enrollments, now)?;
    } else {
        for update in &changes.enrollments {
            update_in_tx(tx, ws, update, now)?;
        }
    }
    for choice in &changes.variants {
        keep_in_tx(tx, ws, choice)?;
    }
    for change in &changes.invitations {
        match change {
            InvitationChange::Sent(new) => record_sent(tx, ws, new)?,
            InvitationChange::Transition { id, event, at } => {
                let state: Option<String> = scalar(
                    tx,
                    "SELECT state FROM invitations WHERE id = ?1 AND workspace_id = ?2",
                    [id.get(), ws.get()],
                )?;
                let state: InvitationState = state
                    .ok_or_else(|| StoreError::not_found("invitation", id))?
                    .parse()
                    .map_err(|e| StoreError::corrupt("invitation", e))?;
                // A refused transition (already accepted, withdrawn…) is skipped: the change
                // set records facts observed elsewhere, and the stored state already says more.
                if let Ok(next) = state.apply(*event) {
                    exec(
                        tx,
                        "UPDATE invitations SET state = ?2, resolved_at = ?3 WHERE id = ?1",
                        params![id.get(), next.as_str(), ms(*at)],
                        unavailable,
                    )?;
                }
            }
        }
    }
    for cooldown in &changes.cooldowns {
        require_owned(tx, ws, cooldown.account_id, Some(cooldown.lead_id), None)?;
        exec(
            tx,
            "INSERT INTO cooldowns (workspace_id, account_id, lead_id, reinvite_not_before)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (workspace_id, account_id, lead_id) DO UPDATE
                SET reinvite_not_before =
                    max(cooldowns.reinvite_not_before, excluded.reinvite_not_before)",
            [
                ws.get(),
                cooldown.account_id.get(),
                cooldown.lead_id.get(),
                ms(cooldown.reinvite_not_before),
            ],
            unavailable,
        )?;
    }
    for backoff in &changes.backoffs {
        require_owned(tx, ws, backoff.account, None, None)?;
        upsert_backoff(tx, backoff)?;
    }
    for (account, status) in &changes.account_status {
        let changed = exec(
            tx,
            "UPDATE accounts SET status = ?3 WHERE id = ?1 AND workspace_id = ?2",
            params![account.get(), ws.get(), to_json("account", status)?],
            unavailable,
        )?;
        if changed == 0 {
            return Err(StoreError::not_found("account", account));
        }
    }
    for (account, kind, at) in &changes.poll_cursors {
        require_owned(tx, ws, *account, None, None)?;
        set_cursor(tx, *account, kind.as_str(), *at)?;
    }
    for (account, cursor) in &changes.mailbox_cursors {
        require_owned(tx, ws, *account, None, None)?;
        exec(
            tx,
            "INSERT INTO mailbox_cursors (account_id, cursor, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (account_id) DO UPDATE
                SET cursor = excluded.cursor, updated_at = excluded.updated_at",
            params![account.get(), cursor, ms(now)],
            db_err("mailbox cursor", account),
        )?;
    }
    for (kind, value, reason) in &changes.suppressions {
        exec(
            tx,
            "INSERT INTO suppressions (workspace_id, kind, value, reason, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (workspace_id, kind, value) DO NOTHING",
            params![ws.get(), kind.as_str(), value, reason, ms(now)],
            db_err("suppression", value),
        )?;
    }
    for seen in &changes.proximity {
        exec(
            tx,
            "UPDATE enrollments SET degree = ?3, mutual_connections = ?4
              WHERE id = ?1 AND workspace_id = ?2",
            params![
                seen.enrollment.get(),
                ws.get(),
                seen.degree.as_str(),
                seen.mutual_connections
            ],
            unavailable,
        )?;
    }
    for (lead, tag) in &changes.tags {
        let mut tags: BTreeSet<String> = row(
            tx,
            "SELECT tags FROM leads WHERE id = ?1 AND workspace_id = ?2",
            [lead.get(), ws.get()],
            |row| {
                serde_json::from_str(col_str(row, "lead", "tags")?)
                    .map_err(|e| StoreError::corrupt("lead", e))
            },
        )?
        .ok_or_else(|| StoreError::not_found("lead", lead))?;
        if tags.insert(tag.clone()) {
            exec(
                tx,
                "UPDATE leads SET tags = ?2 WHERE id = ?1",
                params![lead.get(), to_json("lead", &tags)?],
                unavailable,
            )?;
        }
    }
    for event in &changes.events {
        if event.workspace_id != ws {
            return Err(StoreError::not_found("workspace", event.workspace_id));
        }
        exec(
            tx,
            "INSERT INTO events (workspace_id, kind, at, account_id, lead_id, campaign_id, data)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                ws.get(),
                event.kind.as_str(),
                ms(event.at),
                event.account_id.map(AccountId::get),
                event.lead_id.map(LeadId::get),
                event.campaign_id.map(CampaignId::get),
                event.data,
            ],
            unavailable,
        )?;
    }
    Ok(())
}

/// Queues one action and returns whether it was inserted; a key already queued in the
/// workspace inserts nothing.
pub(crate) fn enqueue(tx: &Connection, new: &NewAction) -> Result<bool, StoreError> {
    let ws = new.workspace_id;
    // The ownership checks ride along with the insert (one statement per action); only when
    // nothing was inserted is it worth finding out why.
    let inserted = exec(
        tx,
        "INSERT INTO actions
            (workspace_id, account_id, lead_id, campaign_id, enrollment_id, kind, payload,
             due_at, idempotency_key, state, created_at, updated_at, step, variant)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'queued', ?8, ?8, ?10, ?11
          WHERE EXISTS (SELECT 1 FROM accounts WHERE id = ?2 AND workspace_id = ?1)
            AND (?3 IS NULL OR EXISTS (SELECT 1 FROM leads WHERE id = ?3 AND workspace_id = ?1))
            AND (?4 IS NULL OR
                 EXISTS (SELECT 1 FROM campaigns WHERE id = ?4 AND workspace_id = ?1))
         ON CONFLICT (workspace_id, idempotency_key) DO NOTHING",
        params![
            ws.get(),
            new.account_id.get(),
            new.lead_id.map(LeadId::get),
            new.campaign_id.map(CampaignId::get),
            new.enrollment_id.map(EnrollmentId::get),
            new.kind.as_str(),
            new.payload,
            ms(new.due_at),
            new.idempotency_key,
            new.variant.map(|v| v.step),
            new.variant.map(|v| v.variant),
        ],
        db_err("action", &new.idempotency_key),
    )?;
    if inserted == 0 {
        // Either something is not the workspace's (an error), or the key is queued already.
        require_owned(tx, ws, new.account_id, new.lead_id, new.campaign_id)?;
    }
    Ok(inserted > 0)
}

/// Queues many actions of workspace `ws` in one statement (rather than one per action); like
/// [`enqueue`], a key already queued inserts nothing.
fn enqueue_many(tx: &Connection, ws: WorkspaceId, actions: &[NewAction]) -> Result<(), StoreError> {
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
                new.variant.map(|v| v.step),
                new.variant.map(|v| v.variant),
            ])
        })
        .collect();
    let rows = to_json("action", &rows)?;
    let inserted = exec(
        tx,
        "INSERT INTO actions
            (workspace_id, account_id, lead_id, campaign_id, enrollment_id, kind, payload,
             due_at, idempotency_key, state, created_at, updated_at, step, variant)
         SELECT ?1, account, lead, campaign, enrollment, kind, payload, due, key, 'queued',
                due, due, step, variant
           FROM (SELECT j.key AS n, j.value ->> 0 AS account, j.value ->> 1 AS lead,
                        j.value ->> 2 AS campaign, j.value ->> 3 AS enrollment,
                        j.value ->> 4 AS kind, j.value ->> 5 AS payload, j.value ->> 6 AS due,
                        j.value ->> 7 AS key, j.value ->> 8 AS step, j.value ->> 9 AS variant
                   FROM json_each(?2) j)
          WHERE EXISTS (SELECT 1 FROM accounts WHERE id = account AND workspace_id = ?1)
            AND (lead IS NULL OR
                 EXISTS (SELECT 1 FROM leads WHERE id = lead AND workspace_id = ?1))
            AND (campaign IS NULL OR
                 EXISTS (SELECT 1 FROM campaigns WHERE id = campaign AND workspace_id = ?1))
          ORDER BY n
         ON CONFLICT (workspace_id, idempotency_key) DO NOTHING",
        params![ws.get(), rows],
        db_err("action", "a batch"),
    )?;
    if inserted < actions.len() as u64 {
        // Either something is not the workspace's (an error), or a key is queued already.
        for new in actions {
            require_owned(tx, ws, new.account_id, new.lead_id, new.campaign_id)?;
        }
    }
    Ok(())
}

/// Applies updates that keep their enrollments open (each enrollment once) in one statement,
/// with the same guard as `update_in_tx`: the expected step, and the enrollment still open.
fn update_open_many(
    tx: &Connection,
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
    exec(
        tx,
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
        params![ws.get(), rows, ms(now)],
        unavailable,
    )?;
    Ok(())
}

/// Stores a sent invitation; a pending one of the same sender and person only gets its
/// missing external id.
fn record_sent(tx: &Connection, ws: WorkspaceId, new: &NewInvitation) -> Result<(), StoreError> {
    if new.workspace_id != ws {
        return Err(StoreError::not_found("workspace", new.workspace_id));
    }
    require_owned(tx, ws, new.account_id, Some(new.lead_id), new.campaign_id)?;
    let updated = exec(
        tx,
        "UPDATE invitations SET external_id = coalesce(external_id, ?4)
          WHERE workspace_id = ?1 AND account_id = ?2 AND lead_id = ?3 AND state = 'pending'",
        params![
            ws.get(),
            new.account_id.get(),
            new.lead_id.get(),
            new.external_id.as_deref(),
        ],
        unavailable,
    )?;
    if updated > 0 {
        return Ok(());
    }
    exec(
        tx,
        "INSERT INTO invitations
            (workspace_id, account_id, lead_id, campaign_id, external_id, note, sent_at, state)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending')",
        params![
            ws.get(),
            new.account_id.get(),
            new.lead_id.get(),
            new.campaign_id.map(CampaignId::get),
            new.external_id.as_deref(),
            new.note.as_deref(),
            ms(new.sent_at),
        ],
        db_err("pending invitation", new.lead_id),
    )?;
    Ok(())
}

/// Stores a back-off, keeping the later of the stored and the new `until`.
pub(crate) fn upsert_backoff(tx: &Connection, backoff: &Backoff) -> Result<(), StoreError> {
    exec(
        tx,
        "INSERT INTO backoffs (account_id, axis, until, reason) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (account_id, axis) DO UPDATE
            SET reason = CASE WHEN excluded.until > backoffs.until
                              THEN excluded.reason ELSE backoffs.reason END,
                until = max(backoffs.until, excluded.until)",
        params![
            backoff.account.get(),
            backoff.axis.to_string(),
            ms(backoff.until),
            backoff.reason,
        ],
        db_err("backoff", backoff.account),
    )?;
    Ok(())
}

/// Moves a poll cursor.
pub(crate) fn set_cursor(
    tx: &Connection,
    account: AccountId,
    kind: &str,
    at: Timestamp,
) -> Result<(), StoreError> {
    exec(
        tx,
        "INSERT INTO poll_cursors (account_id, kind, polled_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (account_id, kind) DO UPDATE SET polled_at = excluded.polled_at",
        params![account.get(), kind, ms(at)],
        db_err("poll cursor", account),
    )?;
    Ok(())
}

impl SqliteStore {
    pub(crate) fn apply_changes_impl(
        &self,
        ws: WorkspaceId,
        changes: Changes,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.write(|tx| apply_in_tx(tx, ws, &changes, now))
    }
}
