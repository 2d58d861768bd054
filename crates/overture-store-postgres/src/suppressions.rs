//! The suppression list and the leads' unsubscribe tokens.

use jiff::Timestamp;
use overture_core::{EnrollmentId, LeadId, Suppression, SuppressionKind, WorkspaceId};
use overture_store::{StoreError, Unsubscribed};
use sqlx::PgConnection;
use sqlx::postgres::PgRow;

use crate::postgres_store::{
    PostgresStore, col, col_parse, col_ts, commit, exec, ms, row, rows, scalar, unavailable,
};

const WHAT: &str = "suppression";

fn decode(row: &PgRow) -> Result<Suppression, StoreError> {
    Ok(Suppression {
        kind: col_parse(row, WHAT, "kind")?,
        value: col(row, WHAT, "value")?,
        reason: col(row, WHAT, "reason")?,
        created_at: col_ts(row, WHAT, "created_at")?,
    })
}

/// The entry that suppresses the lead `l` (a row of `leads` in scope): its profile, its
/// address or its address's domain, profile first. A subquery for `concat!`, shared by
/// [`suppression_of`] and the claim of actions (which joins it laterally).
macro_rules! suppression_of_lead {
    () => {
        "SELECT s.kind, s.value, s.reason, s.created_at FROM suppressions s
          WHERE s.workspace_id = l.workspace_id
            AND (   (s.kind = 'profile' AND s.value = l.profile_url)
                 OR (s.kind = 'address' AND s.value = lower(trim(l.email)))
                 OR (s.kind = 'domain'
                     AND s.value = lower(substr(trim(l.email),
                                                strpos(trim(l.email), '@') + 1))))
          ORDER BY CASE s.kind WHEN 'profile' THEN 0 WHEN 'address' THEN 1 ELSE 2 END
          LIMIT 1"
    };
}
pub(crate) use suppression_of_lead;

/// The entry that suppresses lead `lead` (see [`suppression_of_lead`]).
pub(crate) async fn suppression_of(
    c: &mut PgConnection,
    ws: WorkspaceId,
    lead: LeadId,
) -> Result<Option<Suppression>, StoreError> {
    row(
        c,
        sqlx::query(concat!(
            "SELECT s.kind, s.value, s.reason, s.created_at
               FROM leads l CROSS JOIN LATERAL (",
            suppression_of_lead!(),
            ") s WHERE l.workspace_id = $1 AND l.id = $2"
        ))
        .bind(ws.get())
        .bind(lead.get()),
        decode,
    )
    .await
}

/// The entry a row carries as `suppression_kind`, `suppression_value`, `suppression_reason`
/// and `suppression_created_at` (all NULL: none).
pub(crate) fn decode_joined(row: &PgRow) -> Result<Option<Suppression>, StoreError> {
    let Some(kind) = col::<Option<String>>(row, WHAT, "suppression_kind")? else {
        return Ok(None);
    };
    Ok(Some(Suppression {
        kind: kind
            .parse()
            .map_err(|e| StoreError::corrupt(WHAT, format!("column suppression_kind: {e}")))?,
        value: col(row, WHAT, "suppression_value")?,
        reason: col(row, WHAT, "suppression_reason")?,
        created_at: col_ts(row, WHAT, "suppression_created_at")?,
    }))
}

pub(crate) async fn insert(
    c: &mut PgConnection,
    ws: WorkspaceId,
    kind: SuppressionKind,
    value: &str,
    reason: &str,
    now: Timestamp,
) -> Result<u64, StoreError> {
    exec(
        c,
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
        unavailable,
    )
    .await
}

impl PostgresStore {
    pub(crate) async fn add_suppressions_impl(
        &self,
        ws: WorkspaceId,
        entries: &[(SuppressionKind, String)],
        reason: &str,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        let mut added = 0;
        for (kind, value) in entries {
            added += insert(&mut tx, ws, *kind, value, reason, now).await?;
        }
        commit(tx).await?;
        Ok(added)
    }

    pub(crate) async fn remove_suppression_impl(
        &self,
        ws: WorkspaceId,
        kind: SuppressionKind,
        value: &str,
    ) -> Result<bool, StoreError> {
        let mut c = self.conn().await?;
        let removed = exec(
            &mut c,
            sqlx::query(
                "DELETE FROM suppressions WHERE workspace_id = $1 AND kind = $2 AND value = $3",
            )
            .bind(ws.get())
            .bind(kind.as_str())
            .bind(value),
            unavailable,
        )
        .await?;
        Ok(removed > 0)
    }

    pub(crate) async fn list_suppressions_impl(
        &self,
        ws: WorkspaceId,
    ) -> Result<Vec<Suppression>, StoreError> {
        let mut c = self.conn().await?;
        rows(
            &mut c,
            sqlx::query(
                "SELECT kind, value, reason, created_at FROM suppressions
                  WHERE workspace_id = $1 ORDER BY kind COLLATE \"C\", value COLLATE \"C\"",
            )
            .bind(ws.get()),
            decode,
        )
        .await
    }

    pub(crate) async fn lead_suppression_impl(
        &self,
        ws: WorkspaceId,
        lead: LeadId,
    ) -> Result<Option<Suppression>, StoreError> {
        let mut c = self.conn().await?;
        suppression_of(&mut c, ws, lead).await
    }

    pub(crate) async fn inbound_lead_impl(
        &self,
        ws: WorkspaceId,
        refers_to: &[String],
        from: &str,
    ) -> Result<Option<LeadId>, StoreError> {
        let mut c = self.conn().await?;
        for id in refers_to {
            let found: Option<i64> = scalar(
                &mut c,
                sqlx::query(
                    "SELECT lead_id FROM actions
                      WHERE kind = 'email' AND external_id = $1 AND workspace_id = $2
                        AND lead_id IS NOT NULL
                      LIMIT 1",
                )
                .bind(id)
                .bind(ws.get()),
            )
            .await?;
            if let Some(lead) = found {
                return Ok(Some(LeadId::from(lead)));
            }
        }
        let address = from.trim().to_lowercase();
        if address.is_empty() {
            return Ok(None);
        }
        let found: Option<i64> = scalar(
            &mut c,
            sqlx::query(
                "SELECT l.id FROM leads l
                  WHERE l.workspace_id = $1 AND lower(trim(l.email)) = $2
                  ORDER BY EXISTS (SELECT 1 FROM enrollments e
                                    WHERE e.lead_id = l.id AND e.state IN ('active', 'waiting'))
                           DESC,
                           l.id
                  LIMIT 1",
            )
            .bind(ws.get())
            .bind(address),
        )
        .await?;
        Ok(found.map(LeadId::from))
    }

    pub(crate) async fn last_email_of_impl(
        &self,
        ws: WorkspaceId,
        enrollment: EnrollmentId,
    ) -> Result<Option<String>, StoreError> {
        let mut c = self.conn().await?;
        scalar(
            &mut c,
            sqlx::query(
                "SELECT external_id FROM actions
                  WHERE workspace_id = $1 AND enrollment_id = $2 AND kind = 'email'
                    AND state = 'done' AND external_id IS NOT NULL
                  ORDER BY id DESC LIMIT 1",
            )
            .bind(ws.get())
            .bind(enrollment.get()),
        )
        .await
    }

    pub(crate) async fn unsubscribe_token_impl(
        &self,
        ws: WorkspaceId,
        lead: LeadId,
        now: Timestamp,
    ) -> Result<String, StoreError> {
        let mut tx = self.begin().await?;
        // The lead's row is locked, so two first requests for a token make one.
        let known: Option<i64> = scalar(
            &mut tx,
            sqlx::query("SELECT id FROM leads WHERE workspace_id = $1 AND id = $2 FOR UPDATE")
                .bind(ws.get())
                .bind(lead.get()),
        )
        .await?;
        if known.is_none() {
            return Err(StoreError::not_found("lead", lead));
        }
        let existing: Option<String> = scalar(
            &mut tx,
            sqlx::query("SELECT token FROM unsubscribe_tokens WHERE lead_id = $1").bind(lead.get()),
        )
        .await?;
        if let Some(token) = existing {
            return Ok(token);
        }
        // 122 random bits from the operating system.
        let token = uuid::Uuid::new_v4().simple().to_string();
        exec(
            &mut tx,
            sqlx::query(
                "INSERT INTO unsubscribe_tokens (token, workspace_id, lead_id, created_at)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(&token)
            .bind(ws.get())
            .bind(lead.get())
            .bind(ms(now)),
            unavailable,
        )
        .await?;
        commit(tx).await?;
        Ok(token)
    }

    pub(crate) async fn unsubscribe_impl(
        &self,
        token: &str,
        now: Timestamp,
    ) -> Result<Option<Unsubscribed>, StoreError> {
        let mut tx = self.begin().await?;
        let found = row(
            &mut tx,
            sqlx::query(
                "SELECT t.workspace_id, t.lead_id, l.profile_url, l.email
                   FROM unsubscribe_tokens t JOIN leads l ON l.id = t.lead_id
                  WHERE t.token = $1",
            )
            .bind(token),
            |r| {
                Ok((
                    col::<i64>(r, WHAT, "workspace_id")?,
                    col::<i64>(r, WHAT, "lead_id")?,
                    col::<String>(r, WHAT, "profile_url")?,
                    col::<Option<String>>(r, WHAT, "email")?,
                ))
            },
        )
        .await?;
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
            insert(&mut tx, workspace, *kind, value, "unsubscribed", now).await?;
        }
        let mut listed = Vec::new();
        for (kind, value) in entries {
            let stored = row(
                &mut tx,
                sqlx::query(
                    "SELECT kind, value, reason, created_at FROM suppressions
                      WHERE workspace_id = $1 AND kind = $2 AND value = $3",
                )
                .bind(workspace.get())
                .bind(kind.as_str())
                .bind(value),
                decode,
            )
            .await?;
            listed.extend(stored);
        }
        commit(tx).await?;
        Ok(Some(Unsubscribed {
            workspace,
            lead,
            entries: listed,
        }))
    }
}
