//! Actions: the durable queue with leases and fence tokens.
//!
//! Several engines may claim from one database at once: the claim locks the rows it takes
//! with `FOR UPDATE SKIP LOCKED`, so concurrent claims pass each other by instead of waiting,
//! and never take the same action.

use jiff::{SignedDuration, Timestamp};
use overture_core::action::ActionEvent;
use overture_core::{
    AccountId, Action, ActionId, ActionState, CampaignId, EnrollmentId, LeadId, WorkspaceId,
};
use overture_store::{ActionQuery, ActionTally, ClaimedAction, NewAction, StoreError};
use sqlx::postgres::PgRow;

use crate::changes::enqueue;
use crate::postgres_store::{
    PostgresStore, col, col_int, col_opt_ts, col_parse, col_ts, commit, found, ms, row, rows,
    settle,
};
use crate::suppressions::{decode_joined, suppression_of_lead};

const WHAT: &str = "action";

/// The columns `decode` and `decode_claim` read, as a literal for `concat!`.
macro_rules! columns {
    () => {
        "id, workspace_id, account_id, lead_id, campaign_id, enrollment_id, kind, payload, \
         due_at, idempotency_key, state, attempts, last_error, lease_until, fence"
    };
}

/// An action from a row that has the action columns (the effect ledger reads it too).
pub(crate) fn decode(row: &PgRow) -> Result<Action, StoreError> {
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
        attempts: col_int(row, WHAT, "attempts")?,
        last_error: col(row, WHAT, "last_error")?,
    })
}

/// A claimed action with its lease and fence.
pub(crate) fn decode_claim(row: &PgRow) -> Result<ClaimedAction, StoreError> {
    let lease_until = col_opt_ts(row, WHAT, "lease_until")?
        .ok_or_else(|| StoreError::corrupt(WHAT, "a claimed action without a lease"))?;
    Ok(ClaimedAction {
        action: decode(row)?,
        lease_until,
        fence: col(row, WHAT, "fence")?,
        suppressed: None,
        in_flight: None,
    })
}

impl PostgresStore {
    pub(crate) async fn action_tally_impl(&self) -> Result<Vec<ActionTally>, StoreError> {
        let mut c = self.conn().await?;
        rows(
            &mut c,
            sqlx::query(
                "SELECT workspace_id, account_id, kind, state, count(*) AS n FROM actions
                  GROUP BY workspace_id, account_id, kind, state
                  ORDER BY workspace_id, account_id, kind COLLATE \"C\", state COLLATE \"C\"",
            ),
            |row| {
                Ok(ActionTally {
                    workspace: WorkspaceId::from(col::<i64>(row, WHAT, "workspace_id")?),
                    account: AccountId::from(col::<i64>(row, WHAT, "account_id")?),
                    kind: col_parse(row, WHAT, "kind")?,
                    state: col_parse(row, WHAT, "state")?,
                    count: col::<i64>(row, WHAT, "n")?.unsigned_abs(),
                })
            },
        )
        .await
    }

    pub(crate) async fn enqueue_actions_impl(
        &self,
        actions: &[NewAction],
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        let mut inserted = 0;
        for new in actions {
            inserted += u64::from(enqueue(&mut tx, new).await?);
        }
        commit(tx).await?;
        Ok(inserted)
    }

    /// Claims due actions; with `worker`, only those of the accounts it holds.
    pub(crate) async fn claim_due_actions_impl(
        &self,
        worker: Option<&str>,
        now: Timestamp,
        max: u32,
        lease: SignedDuration,
    ) -> Result<Vec<ClaimedAction>, StoreError> {
        let lease_until = now
            .checked_add(lease)
            .map_err(|e| StoreError::conflict("lease", e))?;
        // One statement, so one round trip and one commit for the whole batch. The selects
        // lock the rows they pick and skip rows another claim holds, so two workers claiming
        // at once take different actions and never wait for each other. Queued actions and
        // claims whose lease ran out are picked apart, each in the order of its own partial
        // index (`actions_queued`, `actions_claimed`), so that a claim reads about as many
        // rows as it takes, however long the queue: one select with `OR` read every due row
        // and sorted them all. The rows one select locked and the batch leaves out are free
        // again at the statement's commit. The update finds its rows by primary key (`= ANY`
        // of the array the selects made), whatever the table's size: with `IN (SELECT …)` the
        // planner may read the whole table to join it with the batch. The suppression list is
        // read in the same statement: an entry added before the claim is never missed.
        let mut c = self.conn().await?;
        let mut claimed = rows(
            &mut c,
            sqlx::query(concat!(
                "WITH held AS (
                    SELECT account_id FROM account_leases
                     WHERE worker = $4 AND expires_at > $1),
                 late AS (
                    SELECT id, due_at FROM actions
                     WHERE state = 'queued' AND due_at <= $1
                       AND ($4::text IS NULL OR account_id IN (SELECT account_id FROM held))
                     ORDER BY due_at, id LIMIT $3
                     FOR UPDATE SKIP LOCKED),
                 lapsed AS (
                    SELECT id, due_at FROM actions
                     WHERE state = 'claimed' AND lease_until <= $1
                       AND ($4::text IS NULL OR account_id IN (SELECT account_id FROM held))
                     ORDER BY lease_until, id LIMIT $3
                     FOR UPDATE SKIP LOCKED),
                 due AS (
                    SELECT id FROM (SELECT * FROM late UNION ALL SELECT * FROM lapsed) d
                     ORDER BY due_at, id LIMIT $3),
                 claimed AS (
                    UPDATE actions
                       SET state = 'claimed', lease_until = $2, fence = fence + 1,
                           attempts = attempts + 1, updated_at = $1
                     WHERE id = ANY(ARRAY(SELECT id FROM due))
                     RETURNING ",
                columns!(),
                ", intent_at, with_note, effect, failures)
                 SELECT c.*, s.kind AS suppression_kind, s.value AS suppression_value,
                        s.reason AS suppression_reason, s.created_at AS suppression_created_at
                   FROM claimed c
                   LEFT JOIN leads l ON l.id = c.lead_id AND l.workspace_id = c.workspace_id
                   LEFT JOIN LATERAL (",
                suppression_of_lead!(),
                ") s ON TRUE"
            ))
            .bind(ms(now))
            .bind(ms(lease_until))
            .bind(i64::from(max))
            .bind(worker),
            |row| {
                let mut claim = crate::effects::decode_claim_in_flight(row)?;
                claim.suppressed = decode_joined(row)?;
                Ok(claim)
            },
        )
        .await?;
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
        // The row stays locked until the commit: a takeover cannot slip in between the fence
        // check and the update.
        let result = async {
            let (action, current) = found(
                row(
                    &mut tx,
                    sqlx::query(concat!(
                        "SELECT ",
                        columns!(),
                        " FROM actions WHERE id = $1 FOR UPDATE"
                    ))
                    .bind(id.get()),
                    |row| Ok((decode(row)?, col::<i64>(row, WHAT, "fence")?)),
                )
                .await?,
                WHAT,
                id,
            )?;
            if current != fence {
                return Err(StoreError::conflict(
                    WHAT,
                    format!(
                        "{id}: fence {fence} is stale (the action is held with fence {current})"
                    ),
                ));
            }
            let next = action
                .state
                .apply(event)
                .map_err(|e| StoreError::conflict(WHAT, format!("{id}: {e}")))?;
            let action = found(
                row(
                    &mut tx,
                    sqlx::query(concat!(
                        "UPDATE actions
                        SET state = $2,
                            lease_until = CASE WHEN $2 = 'claimed' THEN lease_until END,
                            last_error = coalesce($3, last_error),
                            updated_at = $4
                      WHERE id = $1
                      RETURNING ",
                        columns!()
                    ))
                    .bind(id.get())
                    .bind(next.as_str())
                    .bind(error)
                    .bind(ms(now)),
                    decode,
                )
                .await?,
                WHAT,
                id,
            )?;
            Ok(action)
        }
        .await;
        settle(tx, result).await
    }

    pub(crate) async fn list_actions_impl(
        &self,
        ws: WorkspaceId,
        query: ActionQuery,
    ) -> Result<Vec<Action>, StoreError> {
        let mut c = self.conn().await?;
        rows(
            &mut c,
            sqlx::query(concat!(
                "SELECT ",
                columns!(),
                " FROM actions
                  WHERE workspace_id = $1
                    AND ($2::TEXT IS NULL OR state = $2)
                    AND ($3::BIGINT IS NULL OR account_id = $3)
                  ORDER BY id LIMIT $4"
            ))
            .bind(ws.get())
            .bind(query.state.map(ActionState::as_str))
            .bind(query.account.map(AccountId::get))
            .bind(i64::from(query.limit)),
            decode,
        )
        .await
    }
}
