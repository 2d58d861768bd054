//! Actions: the durable queue with leases and fence tokens.

use jiff::{SignedDuration, Timestamp};
use overture_core::action::ActionEvent;
use overture_core::{
    AccountId, Action, ActionId, ActionState, CampaignId, EnrollmentId, LeadId, WorkspaceId,
};
use overture_store::{ActionQuery, ActionTally, ClaimedAction, NewAction, StoreError};
use rusqlite::{Row, params};

use crate::changes::enqueue;
use crate::sqlite_store::{
    SqliteStore, col, col_opt_ts, col_parse, col_ts, found, limit, ms, row, rows, scalar,
};
use crate::suppressions::suppression_of;

const WHAT: &str = "action";

/// The columns `decode` and `decode_claim` read, as a literal for `concat!`.
macro_rules! columns {
    () => {
        "id, workspace_id, account_id, lead_id, campaign_id, enrollment_id, kind, payload, \
         due_at, idempotency_key, state, attempts, last_error, lease_until, fence"
    };
}

/// An action from a row that has the action columns (the effect ledger reads it too).
pub(crate) fn decode(row: &Row<'_>) -> Result<Action, StoreError> {
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
pub(crate) fn decode_claim(row: &Row<'_>) -> Result<ClaimedAction, StoreError> {
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

impl SqliteStore {
    pub(crate) fn action_tally_impl(&self) -> Result<Vec<ActionTally>, StoreError> {
        self.read(|c| {
            rows(
                c,
                "SELECT workspace_id, account_id, kind, state, COUNT(*) AS n FROM actions
                  GROUP BY workspace_id, account_id, kind, state
                  ORDER BY workspace_id, account_id, kind, state",
                (),
                |row| {
                    let kind: String = col(row, WHAT, "kind")?;
                    let state: String = col(row, WHAT, "state")?;
                    Ok(ActionTally {
                        workspace: WorkspaceId::from(col::<i64>(row, WHAT, "workspace_id")?),
                        account: AccountId::from(col::<i64>(row, WHAT, "account_id")?),
                        kind: kind.parse().map_err(|e| StoreError::corrupt(WHAT, e))?,
                        state: state.parse().map_err(|e| StoreError::corrupt(WHAT, e))?,
                        count: col::<i64>(row, WHAT, "n")?.unsigned_abs(),
                    })
                },
            )
        })
    }

    pub(crate) fn enqueue_actions_impl(&self, actions: &[NewAction]) -> Result<u64, StoreError> {
        self.write(|tx| {
            let mut inserted = 0;
            for new in actions {
                inserted += u64::from(enqueue(tx, new)?);
            }
            Ok(inserted)
        })
    }

    /// Claims due actions; with `worker`, only those of the accounts it holds.
    pub(crate) fn claim_due_actions_impl(
        &self,
        worker: Option<&str>,
        now: Timestamp,
        max: u32,
        lease: SignedDuration,
    ) -> Result<Vec<ClaimedAction>, StoreError> {
        let lease_until = now
            .checked_add(lease)
            .map_err(|e| StoreError::conflict("lease", e))?;
        // Most calls find nothing due: a plain read answers those without taking the write
        // lock. An action that becomes due right after it is claimed by the next call.
        let any: bool = self.on_writer(|c| {
            Ok(scalar(
                c,
                "SELECT EXISTS (SELECT 1 FROM actions WHERE state = 'queued' AND due_at <= ?1)
                     OR EXISTS (SELECT 1 FROM actions WHERE state = 'claimed' AND lease_until <= ?1)",
                [ms(now)],
            )?
            .unwrap_or(false))
        })?;
        if !any {
            return Ok(Vec::new());
        }
        // BEGIN IMMEDIATE holds the write lock from the select to the update, so two workers
        // can never claim the same action.
        let mut claimed = self.write(|tx| {
            rows(
                tx,
                concat!(
                    "UPDATE actions
                        SET state = 'claimed', lease_until = ?2, fence = fence + 1,
                            attempts = attempts + 1, updated_at = ?1
                      WHERE id IN (
                        SELECT id FROM actions
                         WHERE ((state = 'queued' AND due_at <= ?1)
                            OR (state = 'claimed' AND lease_until <= ?1))
                           AND (?4 IS NULL OR account_id IN (
                                SELECT account_id FROM account_leases
                                 WHERE worker = ?4 AND expires_at > ?1))
                         ORDER BY due_at, id LIMIT +?3)
                      RETURNING ",
                    columns!(),
                    ", intent_at, with_note, effect, failures"
                ),
                params![ms(now), ms(lease_until), limit(max), worker],
                crate::effects::decode_claim_in_flight,
            )
            .and_then(|mut claimed| {
                // The suppression list is read in the claiming transaction: an entry added
                // before the claim is never missed.
                for c in &mut claimed {
                    if let Some(lead) = c.action.lead_id {
                        c.suppressed = suppression_of(tx, c.action.workspace_id, lead)?;
                    }
                }
                Ok(claimed)
            })
        })?;
        // RETURNING gives no order; the queue's order is oldest due first.
        claimed.sort_by_key(|c| (c.action.due_at, c.action.id));
        Ok(claimed)
    }

    pub(crate) fn finish_action_impl(
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
        self.write(|tx| {
            let (action, current) = found(
                row(
                    tx,
                    concat!("SELECT ", columns!(), " FROM actions WHERE id = ?1"),
                    [id.get()],
                    |row| Ok((decode(row)?, col::<i64>(row, WHAT, "fence")?)),
                )?,
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
            found(
                row(
                    tx,
                    concat!(
                        "UPDATE actions
                            SET state = ?2,
                                lease_until = CASE WHEN ?2 = 'claimed' THEN lease_until END,
                                last_error = coalesce(?3, last_error),
                                updated_at = ?4
                          WHERE id = ?1
                          RETURNING ",
                        columns!()
                    ),
                    params![id.get(), next.as_str(), error, ms(now)],
                    decode,
                )?,
                WHAT,
                id,
            )
        })
    }

    pub(crate) fn list_actions_impl(
        &self,
        ws: WorkspaceId,
        query: ActionQuery,
    ) -> Result<Vec<Action>, StoreError> {
        self.read(|c| {
            rows(
                c,
                concat!(
                    "SELECT ",
                    columns!(),
                    " FROM actions
                      WHERE workspace_id = ?1
                        AND (?2 IS NULL OR state = ?2)
                        AND (?3 IS NULL OR account_id = ?3)
                      ORDER BY id LIMIT +?4"
                ),
                params![
                    ws.get(),
                    query.state.map(ActionState::as_str),
                    query.account.map(AccountId::get),
                    limit(query.limit),
                ],
                decode,
            )
        })
    }
}
