//! Erasing a person (`Store::erase_lead`), and recognising an erased person imported again.

use jiff::Timestamp;
use overture_core::suppression::normalise_address;
use overture_core::{LeadId, NewLead, SuppressionKind, WorkspaceId};
use overture_store::{ERASED_PREFIX, ERASED_REASON, Erasure, StoreError, erased_value};
use rusqlite::{Connection, OptionalExtension, params};

use crate::sqlite_store::{SqliteStore, exec, scalar, unavailable};
use crate::suppressions::insert;

impl SqliteStore {
    pub(crate) fn erase_lead_impl(
        &self,
        ws: WorkspaceId,
        id: LeadId,
        now: Timestamp,
    ) -> Result<Erasure, StoreError> {
        self.write(|tx| {
            let person: Option<(String, Option<String>)> = tx
                .query_row(
                    "SELECT profile_url, email FROM leads WHERE workspace_id = ?1 AND id = ?2",
                    params![ws.get(), id.get()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
                .map_err(unavailable)?;
            let Some((profile, email)) = person else {
                return Err(StoreError::not_found("lead", id));
            };
            let (ws_id, lead) = (ws.get(), id.get());
            let run = |sql: &str| exec(tx, sql, params![ws_id, lead], unavailable);
            let mut erasure = Erasure::default();
            // Deliveries carry the events' details; they go before the events are emptied.
            run(
                "DELETE FROM webhook_deliveries WHERE workspace_id = ?1 AND event_id IN
                   (SELECT id FROM events WHERE workspace_id = ?1 AND lead_id = ?2)",
            )?;
            erasure.events = run("UPDATE events SET lead_id = NULL, data = '{}'
                                   WHERE workspace_id = ?1 AND lead_id = ?2")?;
            erasure.actions = run(
                "DELETE FROM actions
                                    WHERE workspace_id = ?1 AND lead_id = ?2 AND state = 'queued'",
            )?;
            // Done, failed or in-flight actions stay for the limits and the effect ledger,
            // without what they said or whom they were for.
            run(
                "UPDATE actions SET lead_id = NULL, payload = '{}', last_error = NULL,
                        external_id = NULL
                  WHERE workspace_id = ?1 AND lead_id = ?2",
            )?;
            erasure.enrollments =
                run("DELETE FROM enrollments WHERE workspace_id = ?1 AND lead_id = ?2")?;
            erasure.invitations =
                run("DELETE FROM invitations WHERE workspace_id = ?1 AND lead_id = ?2")?;
            run("DELETE FROM cooldowns WHERE workspace_id = ?1 AND lead_id = ?2")?;
            run("DELETE FROM connections WHERE workspace_id = ?1 AND lead_id = ?2")?;
            run("DELETE FROM unsubscribe_tokens WHERE workspace_id = ?1 AND lead_id = ?2")?;
            run("DELETE FROM lead_list_members WHERE lead_id = ?2
                   AND list_id IN (SELECT id FROM lead_lists WHERE workspace_id = ?1)")?;
            run("DELETE FROM leads WHERE workspace_id = ?1 AND id = ?2")?;
            let mut entries = vec![(SuppressionKind::Profile, profile)];
            if let Some(address) = email.as_deref().and_then(normalise_address) {
                entries.push((SuppressionKind::Address, address));
            }
            for (kind, value) in entries {
                erasure.suppressed += suppress(tx, ws, kind, &erased_value(&value), now)?;
            }
            Ok(erasure)
        })
    }
}

/// Adds a suppression entry with the erasure's reason; 1 when it is new.
fn suppress(
    conn: &Connection,
    ws: WorkspaceId,
    kind: SuppressionKind,
    value: &str,
    now: Timestamp,
) -> Result<u64, StoreError> {
    insert(conn, ws, kind, value, ERASED_REASON, now)
}

/// Puts the erased people among `leads` back on the suppression list in clear (they gave
/// their data again by being imported): those whose profile URL or address hashes to an
/// entry left by an erasure. Costs one query when the workspace has no such entry.
pub(crate) fn suppress_erased<'a>(
    conn: &Connection,
    ws: WorkspaceId,
    leads: impl Iterator<Item = &'a NewLead>,
    now: Timestamp,
) -> Result<(), StoreError> {
    let any: bool = scalar(
        conn,
        "SELECT EXISTS (SELECT 1 FROM suppressions WHERE workspace_id = ?1 AND reason = ?2
                          AND substr(value, 1, 7) = ?3)",
        params![ws.get(), ERASED_REASON, ERASED_PREFIX],
    )?
    .unwrap_or(false);
    if !any {
        return Ok(());
    }
    for lead in leads {
        let mut entries = vec![(SuppressionKind::Profile, lead.profile_url.to_string())];
        if let Some(address) = lead.email.as_deref().and_then(normalise_address) {
            entries.push((SuppressionKind::Address, address));
        }
        for (kind, value) in entries {
            let erased: bool = scalar(
                conn,
                "SELECT EXISTS (SELECT 1 FROM suppressions
                                 WHERE workspace_id = ?1 AND kind = ?2 AND value = ?3)",
                params![ws.get(), kind.as_str(), erased_value(&value)],
            )?
            .unwrap_or(false);
            if erased {
                suppress(conn, ws, kind, &value, now)?;
            }
        }
    }
    Ok(())
}
