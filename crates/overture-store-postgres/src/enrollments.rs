//! Enrollments: leads moving through campaigns.

use jiff::Timestamp;
use overture_core::sequence::LeadSource;
use overture_core::{
    AccountId, CampaignId, Enrollment, EnrollmentId, EnrollmentState, LeadId, WorkspaceId,
};
use overture_store::{
    ContactPolicy, EnrollmentRecord, EnrollmentUpdate, NewEnrollment, OpenAccount, StoreError,
};
use sqlx::PgConnection;
use sqlx::postgres::PgRow;

use crate::postgres_store::{
    PostgresStore, col, col_int, col_json, col_opt_int, col_opt_ts, col_parse, commit, exec, found,
    ms, row, rows, scalar, to_json, unavailable,
};

const WHAT: &str = "enrollment";

/// Selects enrollments with whether they are warmed up, as a literal for `concat!`. The degree
/// is the last visit's, or first for a lead among the sender's stored connections (a data
/// export's) that no visit has seen yet.
macro_rules! select {
    () => {
        "SELECT e.id, e.workspace_id, e.campaign_id, e.lead_id, e.account_id, e.step, e.state,
                e.next_due_at, e.variants, e.attempt, e.reason,
                EXISTS (SELECT 1 FROM actions a
                         WHERE a.enrollment_id = e.id AND a.state = 'done'
                           AND a.kind IN ('visit', 'follow', 'like')) AS warmed_up,
                coalesce(e.degree,
                         CASE WHEN EXISTS (SELECT 1 FROM connections c
                                            WHERE c.account_id = e.account_id
                                              AND c.lead_id = e.lead_id)
                              THEN 'first' END) AS degree,
                e.mutual_connections
         FROM enrollments e "
    };
}

fn decode(row: &PgRow) -> Result<EnrollmentRecord, StoreError> {
    Ok(EnrollmentRecord {
        enrollment: Enrollment {
            id: EnrollmentId(col(row, WHAT, "id")?),
            workspace_id: WorkspaceId(col(row, WHAT, "workspace_id")?),
            campaign_id: CampaignId(col(row, WHAT, "campaign_id")?),
            lead_id: LeadId(col(row, WHAT, "lead_id")?),
            account_id: col::<Option<i64>>(row, WHAT, "account_id")?.map(AccountId),
            step: col_int(row, WHAT, "step")?,
            state: col_parse(row, WHAT, "state")?,
            next_due_at: col_opt_ts(row, WHAT, "next_due_at")?,
        },
        variants: col_json(row, WHAT, "variants")?,
        attempt: col_int(row, WHAT, "attempt")?,
        warmed_up: col::<bool>(row, WHAT, "warmed_up")?,
        degree: col::<Option<String>>(row, WHAT, "degree")?
            .map(|d| d.parse())
            .transpose()
            .map_err(|e| StoreError::corrupt(WHAT, e))?,
        mutual_connections: col_opt_int(row, WHAT, "mutual_connections")?,
        reason: col(row, WHAT, "reason")?,
    })
}

/// Whether a state is open (the enrollment still moves).
pub(crate) fn is_open(state: EnrollmentState) -> bool {
    matches!(state, EnrollmentState::Active | EnrollmentState::Waiting)
}

/// Applies one enrollment update inside a transaction (`tx`); returns whether it applied.
pub(crate) async fn update_in_tx(
    tx: &mut PgConnection,
    ws: WorkspaceId,
    update: &EnrollmentUpdate,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let changed = exec(
        tx,
        sqlx::query(
            "UPDATE enrollments
                SET step = $4, state = $5, next_due_at = $6, attempt = $7,
                    reason = coalesce($8, reason), updated_at = $9
              WHERE id = $1 AND workspace_id = $2 AND step = $3
                AND state IN ('active', 'waiting')",
        )
        .bind(update.id.get())
        .bind(ws.get())
        .bind(i64::from(update.expect_step))
        .bind(i64::from(update.step))
        .bind(update.state.as_str())
        .bind(update.next_due_at.map(ms))
        .bind(i64::from(update.attempt))
        .bind(update.reason.as_deref())
        .bind(ms(now)),
        unavailable,
    )
    .await?;
    let applied = changed == 1;
    if applied && !is_open(update.state) {
        exec(
            tx,
            sqlx::query(
                "UPDATE actions SET state = 'cancelled', updated_at = $2
                  WHERE enrollment_id = $1 AND state = 'queued'",
            )
            .bind(update.id.get())
            .bind(ms(now)),
            unavailable,
        )
        .await?;
    }
    Ok(applied)
}

impl PostgresStore {
    pub(crate) async fn enrollable_leads_impl(
        &self,
        ws: WorkspaceId,
        campaign: CampaignId,
        policy: ContactPolicy,
    ) -> Result<Vec<LeadId>, StoreError> {
        let spec = self.campaign_impl(ws, campaign).await?.spec;
        let LeadSource::List(list) = &spec.leads;
        let skip = policy == ContactPolicy::SkipContactedElsewhere;
        let mut c = self.conn().await?;
        let list_id: Option<i64> = scalar(
            &mut c,
            sqlx::query("SELECT id FROM lead_lists WHERE workspace_id = $1 AND name = $2")
                .bind(ws.get())
                .bind(list),
        )
        .await?;
        let list_id = list_id.ok_or_else(|| StoreError::not_found("lead list", list))?;
        rows(
            &mut c,
            sqlx::query(
                "SELECT m.lead_id FROM lead_list_members m
                  WHERE m.list_id = $1
                    AND NOT EXISTS (SELECT 1 FROM enrollments e
                                     WHERE e.campaign_id = $3 AND e.lead_id = m.lead_id)
                    AND NOT EXISTS (SELECT 1 FROM enrollments e
                                     WHERE e.workspace_id = $2 AND e.lead_id = m.lead_id
                                       AND e.state IN ('active', 'waiting'))
                    AND (NOT $4 OR (
                         NOT EXISTS (SELECT 1 FROM actions a
                                      WHERE a.lead_id = m.lead_id AND a.workspace_id = $2
                                        AND a.intent_at IS NOT NULL
                                        AND (a.campaign_id IS NULL OR a.campaign_id <> $3))
                     AND NOT EXISTS (SELECT 1 FROM invitations i
                                      WHERE i.lead_id = m.lead_id AND i.workspace_id = $2
                                        AND (i.campaign_id IS NULL OR i.campaign_id <> $3))))
                  ORDER BY m.lead_id",
            )
            .bind(list_id)
            .bind(ws.get())
            .bind(campaign.get())
            .bind(skip),
            |row| Ok(LeadId(col(row, WHAT, "lead_id")?)),
        )
        .await
    }

    pub(crate) async fn enrollment_loads_impl(
        &self,
        ws: WorkspaceId,
        accounts: &[AccountId],
    ) -> Result<Vec<(AccountId, u64)>, StoreError> {
        let mut c = self.conn().await?;
        let mut out = Vec::with_capacity(accounts.len());
        for &account in accounts {
            // A count always answers one row.
            let n: i64 = scalar(
                &mut c,
                sqlx::query(
                    "SELECT count(*) FROM enrollments
                      WHERE workspace_id = $1 AND account_id = $2
                        AND state IN ('active', 'waiting')",
                )
                .bind(ws.get())
                .bind(account.get()),
            )
            .await?
            .unwrap_or(0);
            out.push((account, n.unsigned_abs()));
        }
        Ok(out)
    }

    pub(crate) async fn enroll_leads_impl(
        &self,
        ws: WorkspaceId,
        campaign: CampaignId,
        leads: &[NewEnrollment],
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        let owned: Option<i64> = scalar(
            &mut tx,
            sqlx::query("SELECT id FROM campaigns WHERE id = $1 AND workspace_id = $2")
                .bind(campaign.get())
                .bind(ws.get()),
        )
        .await?;
        if owned.is_none() {
            return Err(StoreError::not_found("campaign", campaign));
        }
        let mut inserted = 0;
        for new in leads {
            // A lead with an open enrollment elsewhere, or already in this campaign, is
            // skipped by the unique indexes.
            inserted += exec(
                &mut tx,
                sqlx::query(
                    "INSERT INTO enrollments
                        (workspace_id, campaign_id, lead_id, account_id, step, state, next_due_at,
                         variants, attempt, created_at, updated_at)
                     SELECT $1, $2, l.id, a.id, 0, 'active', $5, $6, 0, $5, $5
                       FROM leads l, accounts a
                      WHERE l.id = $3 AND l.workspace_id = $1 AND a.id = $4 AND a.workspace_id = $1
                     ON CONFLICT DO NOTHING",
                )
                .bind(ws.get())
                .bind(campaign.get())
                .bind(new.lead.get())
                .bind(new.account.get())
                .bind(ms(now))
                .bind(to_json(WHAT, &new.variants)?),
                unavailable,
            )
            .await?;
        }
        commit(tx).await?;
        Ok(inserted)
    }

    pub(crate) async fn enrollment_impl(
        &self,
        ws: WorkspaceId,
        id: EnrollmentId,
    ) -> Result<EnrollmentRecord, StoreError> {
        let mut c = self.conn().await?;
        let record = row(
            &mut c,
            sqlx::query(concat!(
                select!(),
                "WHERE e.id = $1 AND e.workspace_id = $2"
            ))
            .bind(id.get())
            .bind(ws.get()),
            decode,
        )
        .await?;
        found(record, WHAT, id)
    }

    pub(crate) async fn list_enrollments_impl(
        &self,
        ws: WorkspaceId,
        campaign: CampaignId,
    ) -> Result<Vec<EnrollmentRecord>, StoreError> {
        let mut c = self.conn().await?;
        rows(
            &mut c,
            sqlx::query(concat!(
                select!(),
                "WHERE e.workspace_id = $1 AND e.campaign_id = $2 ORDER BY e.id"
            ))
            .bind(ws.get())
            .bind(campaign.get()),
            decode,
        )
        .await
    }

    pub(crate) async fn open_enrollment_impl(
        &self,
        ws: WorkspaceId,
        lead: LeadId,
    ) -> Result<Option<EnrollmentRecord>, StoreError> {
        let mut c = self.conn().await?;
        row(
            &mut c,
            sqlx::query(concat!(
                select!(),
                "WHERE e.workspace_id = $1 AND e.lead_id = $2 AND e.state IN ('active', 'waiting')"
            ))
            .bind(ws.get())
            .bind(lead.get()),
            decode,
        )
        .await
    }

    pub(crate) async fn due_enrollments_impl(
        &self,
        now: Timestamp,
        max: u32,
    ) -> Result<Vec<EnrollmentRecord>, StoreError> {
        let mut c = self.conn().await?;
        rows(
            &mut c,
            sqlx::query(concat!(
                select!(),
                "WHERE e.state IN ('active', 'waiting') AND e.next_due_at IS NOT NULL
                   AND e.next_due_at <= $1
                 ORDER BY e.next_due_at, e.id LIMIT $2"
            ))
            .bind(ms(now))
            .bind(i64::from(max)),
            decode,
        )
        .await
    }

    pub(crate) async fn accounts_to_watch_impl(&self) -> Result<Vec<OpenAccount>, StoreError> {
        let mut c = self.conn().await?;
        rows(
            &mut c,
            sqlx::query(
                "SELECT a.workspace_id, a.id AS account_id FROM accounts a
                  WHERE EXISTS (SELECT 1 FROM enrollments e
                                 WHERE e.account_id = a.id AND e.state IN ('active', 'waiting'))
                     OR EXISTS (SELECT 1 FROM invitations i
                                 WHERE i.workspace_id = a.workspace_id AND i.account_id = a.id
                                   AND i.state = 'pending')
                     -- Mailboxes are read for replies, bounces and unsubscribes whatever
                     -- their enrollments.
                     OR a.kind = 'email'
                  ORDER BY a.id",
            ),
            |row| {
                Ok(OpenAccount {
                    workspace: WorkspaceId(col(row, WHAT, "workspace_id")?),
                    account: AccountId(col(row, WHAT, "account_id")?),
                })
            },
        )
        .await
    }

    pub(crate) async fn update_enrollment_impl(
        &self,
        ws: WorkspaceId,
        update: EnrollmentUpdate,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let applied = update_in_tx(&mut tx, ws, &update, now).await?;
        commit(tx).await?;
        Ok(applied)
    }
}
