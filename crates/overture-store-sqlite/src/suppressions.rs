//! The suppression list and the leads' unsubscribe tokens.

use jiff::Timestamp;
use overture_core::{EnrollmentId, LeadId, Suppression, SuppressionKind, WorkspaceId};
use overture_store::{StoreError, Unsubscribed};
use rusqlite::{Connection, Row, params};

use crate::sqlite_store::{SqliteStore, col, col_ts, exec, ms, row, rows, scalar, unavailable};

const WHAT: &str = "suppression";

fn decode(row: &Row<'_>) -> Result<Suppression, StoreError> {
    let kind: String = col(row, WHAT, "kind")?;
    Ok(Suppression {
        kind: kind
            .parse()
            .map_err(|e| StoreError::corrupt(WHAT, format!("kind: {e}")))?,
        value: col(row, WHAT, "value")?,
        reason: col(row, WHAT, "reason")?,
        created_at: col_ts(row, WHAT, "created_at")?,
    })
}

/// The entry that suppresses lead `lead` (its profile, its address, its address's domain),
/// profile first.
pub(crate) fn suppression_of(
    conn: &Connection,
    ws: WorkspaceId,
    lead: LeadId,
) -> Result<Option<Suppression>, StoreError> {
    row(
        conn,
        "SELECT s.kind, s.value, s.reason, s.created_at
           FROM leads l JOIN suppressions s ON s.workspace_id = l.workspace_id
          WHERE l.workspace_id = ?1 AND l.id = ?2
            AND (   (s.kind = 'profile' AND s.value = l.profile_url)
                 OR (s.kind = 'address' AND s.value = lower(trim(l.email)))
                 OR (s.kind = 'domain'
                     AND s.value = lower(substr(trim(l.email), instr(trim(l.email), '@') + 1))))
          ORDER BY CASE s.kind WHEN 'profile' THEN 0 WHEN 'address' THEN 1 ELSE 2 END
          LIMIT 1",
        params![ws.get(), lead.get()],
        decode,
    )
}

pub(crate) fn insert(
    conn: &Connection,
    ws: WorkspaceId,
    kind: SuppressionKind,
    value: &str,
    reason: &str,
    now: Timestamp,
) -> Result<u64, StoreError> {
    exec(
        conn,
        "INSERT INTO suppressions (workspace_id, kind, value, reason, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (workspace_id, kind, value) DO NOTHING",
        params![ws.get(), kind.as_str(), value, reason, ms(now)],
        unavailable,
    )
}

impl SqliteStore {
    pub(crate) fn add_suppressions_impl(
        &self,
        ws: WorkspaceId,
        entries: &[(SuppressionKind, String)],
        reason: &str,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        self.write(|tx| {
            let mut added = 0;
            for (kind, value) in entries {
                added += insert(tx, ws, *kind, value, reason, now)?;
            }
            Ok(added)
        })
    }

    pub(crate) fn remove_suppression_impl(
        &self,
        ws: WorkspaceId,
        kind: SuppressionKind,
        value: &str,
    ) -> Result<bool, StoreError> {
        let removed = self.write(|tx| {
            exec(
                tx,
                "DELETE FROM suppressions WHERE workspace_id = ?1 AND kind = ?2 AND value = ?3",
                params![ws.get(), kind.as_str(), value],
                unavailable,
            )
        })?;
        Ok(removed > 0)
    }

    pub(crate) fn list_suppressions_impl(
        &self,
        ws: WorkspaceId,
    ) -> Result<Vec<Suppression>, StoreError> {
        self.read(|c| {
            rows(
                c,
                "SELECT kind, value, reason, created_at FROM suppressions
                  WHERE workspace_id = ?1 ORDER BY kind, value",
                [ws.get()],
                decode,
            )
        })
    }

    pub(crate) fn lead_suppression_impl(
        &self,
        ws: WorkspaceId,
        lead: LeadId,
    ) -> Result<Option<Suppression>, StoreError> {
        self.read(|c| suppression_of(c, ws, lead))
    }

    pub(crate) fn inbound_lead_impl(
        &self,
        ws: WorkspaceId,
        refers_to: &[String],
        from: &str,
    ) -> Result<Option<LeadId>, StoreError> {
        self.read(|c| {
            for id in refers_to {
                let found: Option<i64> = scalar(
                    c,
                    "SELECT lead_id FROM actions
                      WHERE kind = 'email' AND external_id = ?1 AND workspace_id = ?2
                        AND lead_id IS NOT NULL
                      LIMIT 1",
                    params![id, ws.get()],
                )?;
                if let Some(lead) = found {
                    return Ok(Some(LeadId::from(lead)));
                }
            }
            let address = from.trim().to_lowercase();
            if address.is_empty() {
                return Ok(None);
            }
            let found: Option<i64> = scalar(
                c,
                "SELECT l.id FROM leads l
                  WHERE l.workspace_id = ?1 AND lower(trim(l.email)) = ?2
                  ORDER BY EXISTS (SELECT 1 FROM enrollments e
                                    WHERE e.lead_id = l.id AND e.state IN ('active', 'waiting')) DESC,
                           l.id
                  LIMIT 1",
                params![ws.get(), address],
            )?;
            Ok(found.map(LeadId::from))
        })
    }

    pub(crate) fn last_email_of_impl(
        &self,
        ws: WorkspaceId,
        enrollment: EnrollmentId,
    ) -> Result<Option<String>, StoreError> {
        self.read(|c| {
            scalar(
                c,
                "SELECT external_id FROM actions
                  WHERE workspace_id = ?1 AND enrollment_id = ?2 AND kind = 'email'
                    AND state = 'done' AND external_id IS NOT NULL
                  ORDER BY id DESC LIMIT 1",
                params![ws.get(), enrollment.get()],
            )
        })
    }

    pub(crate) fn unsubscribe_token_impl(
        &self,
        ws: WorkspaceId,
        lead: LeadId,
        now: Timestamp,
    ) -> Result<String, StoreError> {
        self.write(|tx| {
            let known: Option<i64> = scalar(
                tx,
                "SELECT id FROM leads WHERE workspace_id = ?1 AND id = ?2",
                [ws.get(), lead.get()],
            )?;
            if known.is_none() {
                return Err(StoreError::not_found("lead", lead));
            }
            let existing: Option<String> = scalar(
                tx,
                "SELECT token FROM unsubscribe_tokens WHERE lead_id = ?1",
                [lead.get()],
            )?;
            if let Some(token) = existing {
                return Ok(token);
            }
            // 122 random bits from the operating system.
            let token = uuid::Uuid::new_v4().simple().to_string();
            exec(
                tx,
                "INSERT INTO unsubscribe_tokens (token, workspace_id, lead_id, created_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![token, ws.get(), lead.get(), ms(now)],
                unavailable,
            )?;
            Ok(token)
        })
    }

    pub(crate) fn unsubscribe_impl(
        &self,
        token: &str,
        now: Timestamp,
    ) -> Result<Option<Unsubscribed>, StoreError> {
        self.write(|tx| {
            let found = row(
                tx,
                "SELECT t.workspace_id, t.lead_id, l.profile_url, l.email
                   FROM unsubscribe_tokens t JOIN leads l ON l.id = t.lead_id
                  WHERE t.token = ?1",
                [token],
                |r| {
                    Ok((
                        col::<i64>(r, WHAT, "workspace_id")?,
                        col::<i64>(r, WHAT, "lead_id")?,
                        col::<String>(r, WHAT, "profile_url")?,
                        col::<Option<String>>(r, WHAT, "email")?,
                    ))
                },
            )?;
            let Some((ws, lead, profile, email)) = found else {
                return Ok(None);
            };
            let (workspace, lead) = (WorkspaceId::from(ws), LeadId::from(lead));
            let mut entries = vec![(SuppressionKind::Profile, profile)];
            if let Some(address) = email
                .as_deref()
                .and_then(overture_core::suppression::normalise_address)
            {
                entries.push((SuppressionKind::Address, address));
            }
            for (kind, value) in &entries {
                insert(tx, workspace, *kind, value, "unsubscribed", now)?;
            }
            let mut listed = Vec::new();
            for (kind, value) in entries {
                let stored = row(
                    tx,
                    "SELECT kind, value, reason, created_at FROM suppressions
                      WHERE workspace_id = ?1 AND kind = ?2 AND value = ?3",
                    params![workspace.get(), kind.as_str(), value],
                    decode,
                )?;
                listed.extend(stored);
            }
            Ok(Some(Unsubscribed {
                workspace,
                lead,
                entries: listed,
            }))
        })
    }
}
