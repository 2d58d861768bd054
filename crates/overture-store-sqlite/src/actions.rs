//! Actions: the durable queue with leases and fence tokens.

use jiff::{SignedDuration, Timestamp};
use overture_core::action::ActionEvent;
use overture_core::{
    AccountId, Action, ActionId, ActionState, CampaignId, EnrollmentId, LeadId, WorkspaceId,
};
use overture_store::{ActionQuery, ClaimedAction, NewAction, StoreError};
use sqlx::sqlite::SqliteRow;

use crate::invitations::require_owned;
use crate::sqlite_store::{
    SqliteStore, col, col_opt_ts, col_parse, col_ts, db_err, limit, ms, unavailable,
};

const WHAT: &str = "action";

/// The columns `decode` and `decode_claim` read, as a literal for `concat!`.
macro_rules! columns {
    () => {
        "id, workspace_id, account_id, lead_id, campaign_id, enrollment_id, kind, payload, \
         due_at, idempotency_key, state, attempts, last_error, lease_until, fence"
    };
}

/// An action from a row that has the action columns (the effect ledger reads it too).
pub(crate) fn decode(row: &SqliteRow) -> Result<Action, StoreError> {
    let attempts: i64 = col(row, WHAT, "attempts")?;
    Ok(Action {
        id: ActionId(col(row, WHAT, "id")?),
        workspace_id: WorkspaceId(col(row, WHAT, "workspace_id")?),
        account_id: AccountId(col(row, WHAT, "account_id")?),
        lead_id: col::<Option<i64>>(row, WHAT, "lead_id")?.map(LeadId),
        campaign_id: col::<Option<i64>>(row, WHAT, "campaign_id")?.map(CampaignId),
        enrollment_id: col::<Option<i64>>(row, WHAT, "enrollment_id")?.map(EnrollmentId),
        kind: col_parse(row, WHAT, "kind")?,
        payload: col(row, WHAT, "payload")?,
        due_at: col_ts(row, WHAT, "due_at")?,
        idempotency_key: col(row, WHAT, "idempotency_key")?,
        state: col_parse(row, WHAT, "state")?,
        attempts: u32::try_from(attempts).map_err(|e| StoreError::corrupt(WHAT, e))?,
        last_error: col(row, WHAT, "last_error")?,
    })
}

/// A claimed action with its lease and fence.
pub(crate) fn decode_claim(row: &SqliteRow) -> Result<ClaimedAction, StoreError> {
    let lease_until = col_opt_ts(row, WHAT, "lease_until")?
        .ok_or_else(|| StoreError::corrupt(WHAT, "a claimed action without a lease"))?;
    Ok(ClaimedAction {
        action: decode(row)?,
        lease_until,
        fence: col(row, WHAT, "fence")?,
    })
}

impl SqliteStore {
    pub(crate) async fn enqueue_actions_impl(
        &self,
        actions: &[NewAction],
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        let mut inserted = 0;
        for new in actions {
            let ws = new.workspace_id;
            require_owned(&mut tx, ws, new.account_id, new.lead_id, new.campaign_id).await?;
            let stamp = ms(new.due_at);
            let done = sqlx::query(
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
            .map_err(db_err(WHAT, &new.idempotency_key))?;
            inserted += done.rows_affected();
        }
        tx.commit().await.map_err(unavailable)?;
        Ok(inserted)
    }

    pub(crate) async fn claim_due_actions_impl(
        &self,
        now: Timestamp,
        max: u32,
        lease: SignedDuration,
    ) -> Result<Vec<ClaimedAction>, StoreError> {
        let lease_until = now
            .checked_add(lease)
            .map_err(|e| StoreError::conflict("lease", e))?;
        // Most calls find nothing due: a plain read answers those without taking the write
        // lock. An action that becomes due right after it is claimed by the next call.
        let any: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM actions WHERE state = 'queued' AND due_at <= ?1)
                 OR EXISTS (SELECT 1 FROM actions WHERE state = 'claimed' AND lease_until <= ?1)",
        )
        .bind(ms(now))
        .fetch_one(&self.write)
        .await
        .map_err(unavailable)?;
        if !any {
            return Ok(Vec::new());
        }
        let mut tx = self.begin().await?;
        // BEGIN IMMEDIATE holds the write lock from the select to the update, so two workers
        // can never claim the same action.
        let rows = sqlx::query(concat!(
            "UPDATE actions
                SET state = 'claimed', lease_until = ?2, fence = fence + 1,
                    attempts = attempts + 1, updated_at = ?1
              WHERE id IN (
                SELECT id FROM actions
                 WHERE (state = 'queued' AND due_at <= ?1)
                    OR (state = 'claimed' AND lease_until <= ?1)
                 ORDER BY due_at, id LIMIT ?3)
              RETURNING ",
            columns!()
        ))
        .bind(ms(now))
        .bind(ms(lease_until))
        .bind(limit(max))
        .fetch_all(&mut *tx)
        .await
        .map_err(unavailable)?;
        let mut claimed = rows
            .iter()
            .map(decode_claim)
            .collect::<Result<Vec<_>, _>>()?;
        tx.commit().await.map_err(unavailable)?;
        // RETURNING gives no order; the queue's order is oldest due first.
        claimed.sort_by_key(|c| (c.action.due_at, c.action.id));
        Ok(claimed)
    }

    pub(crate) async fn finish_action_impl(
        &self,
        id: ActionId,
        fence: i64,
        event: ActionEvent,
        error: Option<String>,
        now: Timestamp,
    ) -> Result<Action, StoreError> {
        if event == ActionEvent::Claim {
            return Err(StoreError::conflict(
                WHAT,
                "actions are claimed through claim_due_actions",
            ));
        }
        let mut tx = self.begin().await?;
        let row = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM actions WHERE id = ?1"
        ))
        .bind(id.get())
        .fetch_optional(&mut *tx)
        .await
        .map_err(unavailable)?;
        let Some(row) = row else {
            return Err(StoreError::not_found(WHAT, id));
        };
        let current: i64 = col(&row, WHAT, "fence")?;
        if current != fence {
            return Err(StoreError::conflict(
                WHAT,
                format!("{id}: fence {fence} is stale (the action is held with fence {current})"),
            ));
        }
        let action = decode(&row)?;
        let next = action
            .state
            .apply(event)
            .map_err(|e| StoreError::conflict(WHAT, format!("{id}: {e}")))?;
        let row = sqlx::query(concat!(
            "UPDATE actions
                SET state = ?2,
                    lease_until = CASE WHEN ?2 = 'claimed' THEN lease_until END,
                    last_error = coalesce(?3, last_error),
                    updated_at = ?4
              WHERE id = ?1
              RETURNING ",
            columns!()
        ))
        .bind(id.get())
        .bind(next.as_str())
        .bind(error)
        .bind(ms(now))
        .fetch_one(&mut *tx)
        .await
        .map_err(unavailable)?;
        let action = decode(&row)?;
        tx.commit().await.map_err(unavailable)?;
        Ok(action)
    }

    pub(crate) async fn list_actions_impl(
        &self,
        ws: WorkspaceId,
        query: ActionQuery,
    ) -> Result<Vec<Action>, StoreError> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM actions
              WHERE workspace_id = ?1
                AND (?2 IS NULL OR state = ?2)
                AND (?3 IS NULL OR account_id = ?3)
              ORDER BY id LIMIT ?4"
        ))
        .bind(ws.get())
        .bind(query.state.map(ActionState::as_str))
        .bind(query.account.map(AccountId::get))
        .bind(limit(query.limit))
        .fetch_all(&self.read)
        .await
        .map_err(unavailable)?;
        rows.iter().map(decode).collect()
    }
}
