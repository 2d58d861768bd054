//! The effect ledger: intents committed before a channel call, results after it.

use jiff::{SignedDuration, Timestamp};
use overture_core::action::ActionEvent;
use overture_core::{
    AccountId, Action, ActionId, ActionKind, ActionState, CampaignId, EnrollmentId, LeadId,
    WorkspaceId,
};
use overture_store::{
    ActionHistory, ClaimedAction, EffectEntry, EffectOutcome, EffectRecord, EffectResult,
    InFlightEffect, Intent, IntentOutcome, StoreError,
};
use sqlx::sqlite::SqliteRow;

use crate::changes::apply_in_tx;
use crate::sqlite_store::{
    SqliteStore, col, col_opt_ts, col_parse, col_ts, from_ms, ms, unavailable,
};

const WHAT: &str = "action";

/// The columns `decode`, `decode_effect` and `decode_claim` read, as a literal for `concat!`.
macro_rules! columns {
    () => {
        "id, workspace_id, account_id, lead_id, campaign_id, enrollment_id, kind, payload, \
         due_at, idempotency_key, state, attempts, last_error, lease_until, fence, intent_at, \
         with_note, effect, failures"
    };
}

fn decode(row: &SqliteRow) -> Result<Action, StoreError> {
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

/// The ledger entry of a row whose intent is committed; `None` without an intent.
fn decode_effect(row: &SqliteRow) -> Result<Option<EffectRecord>, StoreError> {
    let Some(intent_at) = col_opt_ts(row, WHAT, "intent_at")? else {
        return Ok(None);
    };
    let failures: i64 = col(row, WHAT, "failures")?;
    Ok(Some(EffectRecord {
        action: ActionId(col(row, WHAT, "id")?),
        intent_at,
        with_note: col(row, WHAT, "with_note")?,
        failures: u32::try_from(failures).map_err(|e| StoreError::corrupt(WHAT, e))?,
    }))
}

fn decode_claim(row: &SqliteRow) -> Result<ClaimedAction, StoreError> {
    let lease_until = col_opt_ts(row, WHAT, "lease_until")?
        .ok_or_else(|| StoreError::corrupt(WHAT, "a claimed action without a lease"))?;
    Ok(ClaimedAction {
        action: decode(row)?,
        lease_until,
        fence: col(row, WHAT, "fence")?,
    })
}

/// Reads the row of a claimed action and checks its fence.
async fn held(
    tx: &mut sqlx::SqliteConnection,
    id: ActionId,
    fence: i64,
) -> Result<SqliteRow, StoreError> {
    let row = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM actions WHERE id = ?1"
    ))
    .bind(id.get())
    .fetch_optional(&mut *tx)
    .await
    .map_err(unavailable)?
    .ok_or_else(|| StoreError::not_found(WHAT, id))?;
    let current: i64 = col(&row, WHAT, "fence")?;
    if current != fence {
        return Err(StoreError::conflict(
            WHAT,
            format!("{id}: fence {fence} is stale (the action is held with fence {current})"),
        ));
    }
    Ok(row)
}

impl SqliteStore {
    pub(crate) async fn action_history_impl(
        &self,
        account: AccountId,
        kind: ActionKind,
        since: Timestamp,
    ) -> Result<ActionHistory, StoreError> {
        let rows = sqlx::query(
            "SELECT intent_at, with_note FROM actions
              WHERE account_id = ?1 AND kind = ?2 AND intent_at IS NOT NULL AND intent_at >= ?3
                AND (effect IS NULL OR effect IN ('done', 'in_doubt'))
              ORDER BY intent_at",
        )
        .bind(account.get())
        .bind(kind.as_str())
        .bind(ms(since))
        .fetch_all(&self.read)
        .await
        .map_err(unavailable)?;
        let mut history = ActionHistory::default();
        for row in &rows {
            let at = col_ts(row, WHAT, "intent_at")?;
            history.effects.push(at);
            if col::<bool>(row, WHAT, "with_note")? {
                history.notes.push(at);
            }
        }
        let planned: Vec<i64> = sqlx::query_scalar(
            "SELECT due_at FROM actions
              WHERE account_id = ?1 AND kind = ?2 AND state IN ('queued', 'claimed')
                AND intent_at IS NULL
              ORDER BY due_at",
        )
        .bind(account.get())
        .bind(kind.as_str())
        .fetch_all(&self.read)
        .await
        .map_err(unavailable)?;
        history.planned = planned
            .into_iter()
            .map(|t| from_ms(WHAT, t))
            .collect::<Result<_, _>>()?;
        Ok(history)
    }

    pub(crate) async fn record_intent_impl(
        &self,
        intent: Intent,
    ) -> Result<IntentOutcome, StoreError> {
        let mut tx = self.begin().await?;
        let row = held(&mut tx, intent.action, intent.fence).await?;
        let state: ActionState = col_parse(&row, WHAT, "state")?;
        if state != ActionState::Claimed {
            return Err(StoreError::conflict(
                WHAT,
                format!(
                    "{}: an action that is {state} cannot be carried out",
                    intent.action
                ),
            ));
        }
        if let Some(existing) = decode_effect(&row)? {
            return Ok(IntentOutcome::AlreadyRecorded(existing));
        }
        let row = sqlx::query(concat!(
            "UPDATE actions SET intent_at = ?2, with_note = ?3, effect = NULL, updated_at = ?2
              WHERE id = ?1 RETURNING ",
            columns!()
        ))
        .bind(intent.action.get())
        .bind(ms(intent.at))
        .bind(intent.with_note)
        .fetch_one(&mut *tx)
        .await
        .map_err(unavailable)?;
        let record = decode_effect(&row)?
            .ok_or_else(|| StoreError::corrupt(WHAT, "an intent that was not stored"))?;
        tx.commit().await.map_err(unavailable)?;
        Ok(IntentOutcome::Recorded(record))
    }

    pub(crate) async fn complete_effect_impl(
        &self,
        outcome: EffectOutcome,
    ) -> Result<Action, StoreError> {
        let id = outcome.action;
        let mut tx = self.begin().await?;
        let row = held(&mut tx, id, outcome.fence).await?;
        let action = decode(&row)?;
        let event = match &outcome.result {
            EffectResult::Done { .. } => ActionEvent::Succeed,
            EffectResult::Failed { .. } => ActionEvent::Fail,
            EffectResult::Retry { .. } => ActionEvent::Release,
            EffectResult::InDoubt { .. } => ActionEvent::LoseTrack,
        };
        let next = action
            .state
            .apply(event)
            .map_err(|e| StoreError::conflict(WHAT, format!("{id}: {e}")))?;
        let at = ms(outcome.at);
        let query = match &outcome.result {
            EffectResult::Done { external_id } => sqlx::query(
                "UPDATE actions SET state = ?2, lease_until = NULL, effect = 'done',
                        effect_at = ?3, intent_at = coalesce(intent_at, ?3),
                        external_id = coalesce(?4, external_id), updated_at = ?3
                  WHERE id = ?1",
            )
            .bind(id.get())
            .bind(next.as_str())
            .bind(at)
            .bind(external_id.clone()),
            EffectResult::Failed { error } | EffectResult::InDoubt { error } => sqlx::query(
                "UPDATE actions SET state = ?2, lease_until = NULL,
                        effect = CASE WHEN ?2 = 'failed' THEN 'failed' ELSE 'in_doubt' END,
                        effect_at = ?3, last_error = ?4, updated_at = ?3
                  WHERE id = ?1",
            )
            .bind(id.get())
            .bind(next.as_str())
            .bind(at)
            .bind(error.clone()),
            EffectResult::Retry { due_at, error } => sqlx::query(
                "UPDATE actions SET state = ?2, lease_until = NULL, intent_at = NULL,
                        with_note = 0, effect = NULL, effect_at = NULL, due_at = ?4,
                        failures = failures + (?5 IS NOT NULL),
                        last_error = coalesce(?5, last_error), updated_at = ?3
                  WHERE id = ?1",
            )
            .bind(id.get())
            .bind(next.as_str())
            .bind(at)
            .bind(ms(*due_at))
            .bind(error.clone()),
        };
        query.execute(&mut *tx).await.map_err(unavailable)?;
        apply_in_tx(&mut tx, action.workspace_id, &outcome.changes, outcome.at).await?;
        let row = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM actions WHERE id = ?1"
        ))
        .bind(id.get())
        .fetch_one(&mut *tx)
        .await
        .map_err(unavailable)?;
        let action = decode(&row)?;
        tx.commit().await.map_err(unavailable)?;
        Ok(action)
    }

    pub(crate) async fn in_flight_intents_impl(
        &self,
        now: Timestamp,
        lease: SignedDuration,
    ) -> Result<Vec<InFlightEffect>, StoreError> {
        let lease_until = now
            .checked_add(lease)
            .map_err(|e| StoreError::conflict("lease", e))?;
        let mut tx = self.begin().await?;
        let rows = sqlx::query(concat!(
            "UPDATE actions SET fence = fence + 1, lease_until = ?2, updated_at = ?1
              WHERE state = 'claimed' AND intent_at IS NOT NULL AND effect IS NULL
              RETURNING ",
            columns!()
        ))
        .bind(ms(now))
        .bind(ms(lease_until))
        .fetch_all(&mut *tx)
        .await
        .map_err(unavailable)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let effect = decode_effect(row)?
                .ok_or_else(|| StoreError::corrupt(WHAT, "an in-flight action without intent"))?;
            out.push(InFlightEffect {
                claim: decode_claim(row)?,
                effect,
            });
        }
        tx.commit().await.map_err(unavailable)?;
        out.sort_by_key(|f| f.claim.action.id);
        Ok(out)
    }

    pub(crate) async fn effect_log_impl(
        &self,
        ws: WorkspaceId,
    ) -> Result<Vec<EffectEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT account_id, lead_id, kind, intent_at, with_note FROM actions
              WHERE workspace_id = ?1 AND intent_at IS NOT NULL
                AND (effect IS NULL OR effect IN ('done', 'in_doubt'))
              ORDER BY intent_at, id",
        )
        .bind(ws.get())
        .fetch_all(&self.read)
        .await
        .map_err(unavailable)?;
        rows.iter()
            .map(|row| {
                Ok(EffectEntry {
                    account: AccountId(col(row, WHAT, "account_id")?),
                    lead: col::<Option<i64>>(row, WHAT, "lead_id")?.map(LeadId),
                    kind: col_parse(row, WHAT, "kind")?,
                    at: col_ts(row, WHAT, "intent_at")?,
                    with_note: col(row, WHAT, "with_note")?,
                })
            })
            .collect()
    }

    pub(crate) async fn next_due_impl(&self) -> Result<Option<Timestamp>, StoreError> {
        let next: Option<i64> = sqlx::query_scalar(
            "SELECT min(t) FROM (
                SELECT min(due_at) AS t FROM actions WHERE state = 'queued'
                UNION ALL
                SELECT min(lease_until) FROM actions WHERE state = 'claimed'
                UNION ALL
                SELECT min(next_due_at) FROM enrollments
                 WHERE state IN ('active', 'waiting') AND next_due_at IS NOT NULL)",
        )
        .fetch_one(&self.read)
        .await
        .map_err(unavailable)?;
        next.map(|t| from_ms(WHAT, t)).transpose()
    }
}
