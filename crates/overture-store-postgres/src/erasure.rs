//! Erasing a person (`Store::erase_lead`), and recognising an erased person imported again.

use jiff::Timestamp;
use overture_core::suppression::normalise_address;
use overture_core::{LeadId, NewLead, SuppressionKind, WorkspaceId};
use overture_store::{ERASED_PREFIX, ERASED_REASON, Erasure, StoreError, erased_value};
use sqlx::PgConnection;

use crate::postgres_store::{PostgresStore, col, commit, exec, row, scalar, unavailable};
use crate::suppressions::insert;

/// Which count of the [`Erasure`] a statement's row count goes to.
type Count = fn(&mut Erasure) -> &mut u64;

impl PostgresStore {
    pub(crate) async fn erase_lead_impl(
        &self,
        ws: WorkspaceId,
        id: LeadId,
        now: Timestamp,
    ) -> Result<Erasure, StoreError> {
        let mut tx = self.begin().await?;
        let person: Option<(String, Option<String>)> = row(
            &mut tx,
            sqlx::query(
                "SELECT profile_url, email FROM leads WHERE workspace_id = $1 AND id = $2
                    FOR UPDATE",
            )
            .bind(ws.get())
            .bind(id.get()),
            |r| Ok((col(r, "lead", "profile_url")?, col(r, "lead", "email")?)),
        )
        .await?;
        let Some((profile, email)) = person else {
            return Err(StoreError::not_found("lead", id));
        };
        let mut erasure = Erasure::default();
        // Each statement takes the workspace as $1 and the lead as $2. Rows that refer to the
        // lead go before the lead itself (the foreign keys are enforced).
        let statements: [(&str, Option<Count>); 11] = [
            // Deliveries carry the events' details; they go before the events are emptied.
            (
                "DELETE FROM webhook_deliveries WHERE workspace_id = $1 AND event_id IN
                   (SELECT id FROM events WHERE workspace_id = $1 AND lead_id = $2)",
                None,
            ),
            (
                "UPDATE events SET lead_id = NULL, data = '{}'
                  WHERE workspace_id = $1 AND lead_id = $2",
                Some(|e| &mut e.events),
            ),
            (
                "DELETE FROM actions WHERE workspace_id = $1 AND lead_id = $2 AND state = 'queued'",
                Some(|e| &mut e.actions),
            ),
            // Done, failed or in-flight actions stay for the limits and the effect ledger,
            // without what they said or whom they were for.
            (
                "UPDATE actions SET lead_id = NULL, payload = '{}', last_error = NULL,
                        external_id = NULL
                  WHERE workspace_id = $1 AND lead_id = $2",
                None,
            ),
            (
                "DELETE FROM enrollments WHERE workspace_id = $1 AND lead_id = $2",
                Some(|e| &mut e.enrollments),
            ),
            (
                "DELETE FROM invitations WHERE workspace_id = $1 AND lead_id = $2",
                Some(|e| &mut e.invitations),
            ),
            (
                "DELETE FROM cooldowns WHERE workspace_id = $1 AND lead_id = $2",
                None,
            ),
            (
                "DELETE FROM connections WHERE workspace_id = $1 AND lead_id = $2",
                None,
            ),
            (
                "DELETE FROM unsubscribe_tokens WHERE workspace_id = $1 AND lead_id = $2",
                None,
            ),
            (
                "DELETE FROM lead_list_members WHERE lead_id = $2
                   AND list_id IN (SELECT id FROM lead_lists WHERE workspace_id = $1)",
                None,
            ),
            (
                "DELETE FROM leads WHERE workspace_id = $1 AND id = $2",
                None,
            ),
        ];
        for (sql, count) in statements {
            let n = exec(
                &mut tx,
                sqlx::query(sql).bind(ws.get()).bind(id.get()),
                unavailable,
            )
            .await?;
            if let Some(field) = count {
                *field(&mut erasure) = n;
            }
        }
        let mut entries = vec![(SuppressionKind::Profile, profile)];
        if let Some(address) = email.as_deref().and_then(normalise_address) {
            entries.push((SuppressionKind::Address, address));
        }
        for (kind, value) in entries {
            erasure.suppressed +=
                insert(&mut tx, ws, kind, &erased_value(&value), ERASED_REASON, now).await?;
        }
        commit(tx).await?;
        Ok(erasure)
    }
}

/// Puts the erased people among `leads` back on the suppression list in clear (they gave
/// their data again by being imported): those whose profile URL or address hashes to an
/// entry left by an erasure. Costs one query when the workspace has no such entry.
pub(crate) async fn suppress_erased<'a>(
    c: &mut PgConnection,
    ws: WorkspaceId,
    leads: impl Iterator<Item = &'a NewLead>,
    now: Timestamp,
) -> Result<(), StoreError> {
    let any: Option<bool> = scalar(
        c,
        sqlx::query(
            "SELECT EXISTS (SELECT 1 FROM suppressions WHERE workspace_id = $1 AND reason = $2
                              AND substr(value, 1, 7) = $3)",
        )
        .bind(ws.get())
        .bind(ERASED_REASON)
        .bind(ERASED_PREFIX),
    )
    .await?;
    if !any.unwrap_or(false) {
        return Ok(());
    }
    for lead in leads {
        let mut entries = vec![(SuppressionKind::Profile, lead.profile_url.to_string())];
        if let Some(address) = lead.email.as_deref().and_then(normalise_address) {
            entries.push((SuppressionKind::Address, address));
        }
        for (kind, value) in entries {
            let erased: Option<bool> = scalar(
                c,
                sqlx::query(
                    "SELECT EXISTS (SELECT 1 FROM suppressions
                                     WHERE workspace_id = $1 AND kind = $2 AND value = $3)",
                )
                .bind(ws.get())
                .bind(kind.as_str())
                .bind(erased_value(&value)),
            )
            .await?;
            if erased.unwrap_or(false) {
                insert(c, ws, kind, &value, ERASED_REASON, now).await?;
            }
        }
    }
    Ok(())
}
