//! The effect ledger: intents committed before a channel call, results after it.

use jiff::{SignedDuration, Timestamp};
use overture_core::action::ActionEvent;
use overture_core::{AccountId, Action, ActionId, ActionKind, ActionState, LeadId, WorkspaceId};
use overture_store::{
    ActionHistory, EffectEntry, EffectOutcome, EffectRecord, EffectResult, InFlightEffect, Intent,
    IntentOutcome, StoreError,
};
use sqlx::sqlite::SqliteRow;

use crate::actions::{decode, decode_claim};
use crate::changes::apply_in_tx;
use crate::enrollments::is_open;
use crate::sqlite_store::{
    SqliteStore, col, col_opt_ts, col_parse, col_ts, from_ms, ms, unavailable,
};

const WHAT: &str = "action";

/// The columns `decode`, `decode_effect` and `decode_claim` (in `actions`) read, as a literal for `concat!`.
macro_rules! columns {
    () => {
        "id, workspace_id, account_id, lead_id, campaign_id, enrollment_id, kind, payload, \
         due_at, idempotency_key, state, attempts, last_error, lease_until, fence, intent_at, \
         with_note, effect, failures"
    };
}

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

/// Records an attempt's result on the action, if it is held with the outcome's fence and is
/// in state `from`; returns the updated row.
async fn set_result(
    tx: &mut sqlx::SqliteConnection,
    outcome: &EffectOutcome,
    from: ActionState,
    next: ActionState,
) -> Result<Option<SqliteRow>, StoreError> {
    let id = outcome.action;
    let at = ms(outcome.at);
    let query = match &outcome.result {
        EffectResult::Done { external_id } => sqlx::query(concat!(
            "UPDATE actions SET state = ?2, lease_until = NULL, effect = 'done',
                    effect_at = ?3, intent_at = coalesce(intent_at, ?3),
                    external_id = coalesce(?4, external_id), updated_at = ?3
              WHERE id = ?1 AND fence = ?6 AND state = ?7
              RETURNING ",
            columns!()
        ))
        .bind(id.get())
        .bind(next.as_str())
        .bind(at)
        .bind(external_id.clone())
        .bind(None::<i64>),
        EffectResult::Failed { error } | EffectResult::InDoubt { error } => sqlx::query(concat!(
            "UPDATE actions SET state = ?2, lease_until = NULL,
                    effect = CASE WHEN ?2 = 'failed' THEN 'failed' ELSE 'in_doubt' END,
                    effect_at = ?3, last_error = ?4, updated_at = ?3
              WHERE id = ?1 AND fence = ?6 AND state = ?7
              RETURNING ",
            columns!()
        ))
        .bind(id.get())
        .bind(next.as_str())
        .bind(at)
        .bind(error.clone())
        .bind(None::<i64>),
        EffectResult::Retry { due_at, error } => sqlx::query(concat!(
            "UPDATE actions SET state = ?2, lease_until = NULL, intent_at = NULL,
                    with_note = 0, effect = NULL, effect_at = NULL, due_at = ?5,
                    failures = failures + (?4 IS NOT NULL),
                    last_error = coalesce(?4, last_error), updated_at = ?3
              WHERE id = ?1 AND fence = ?6 AND state = ?7
              RETURNING ",
            columns!()
        ))
        .bind(id.get())
        .bind(next.as_str())
        .bind(at)
        .bind(error.clone())
        .bind(ms(*due_at)),
    };
    query
        .bind(outcome.fence)
        .bind(from.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(unavailable)
}

/// Parses integer milliseconds from a `group_concat` list.
fn parse_ms(text: &str) -> Result<i64, StoreError> {
    text.parse()
        .map_err(|e| StoreError::corrupt(WHAT, format!("a time in a list: {e}")))
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
        // One row with both lists as text: sqlx hands every row from SQLite's worker thread
        // to the caller separately, and an account's history holds hundreds of rows.
        let row = sqlx::query(
            "SELECT
                (SELECT group_concat(intent_at || ':' || with_note) FROM actions
                  WHERE account_id = ?1 AND kind = ?2 AND intent_at IS NOT NULL
                    AND intent_at >= ?3
                    AND (effect IS NULL OR effect IN ('done', 'in_doubt'))) AS effects,
                (SELECT group_concat(due_at) FROM actions
                  WHERE account_id = ?1 AND kind = ?2 AND state IN ('queued', 'claimed')
                    AND intent_at IS NULL) AS planned",
        )
        .bind(account.get())
        .bind(kind.as_str())
        .bind(ms(since))
        .fetch_one(&self.read)
        .await
        .map_err(unavailable)?;
        let mut history = ActionHistory::default();
        let effects: Option<String> = col(&row, WHAT, "effects")?;
        let mut effects = effects
            .iter()
            .flat_map(|list| list.split(','))
            .map(|item| {
                let (at, note) = item.split_once(':').unwrap_or((item, "0"));
                Ok((parse_ms(at)?, note != "0"))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        effects.sort_unstable();
        for (at, with_note) in effects {
            let at = from_ms(WHAT, at)?;
            history.effects.push(at);
            if with_note {
                history.notes.push(at);
            }
        }
        let planned: Option<String> = col(&row, WHAT, "planned")?;
        let mut planned = planned
            .iter()
            .flat_map(|list| list.split(','))
            .map(parse_ms)
            .collect::<Result<Vec<_>, StoreError>>()?;
        planned.sort_unstable();
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
        // The common case in one statement (atomic on its own): the action is held with this
        // fence and has no intent yet. Anything else takes the transaction below, which
        // tells the cases apart.
        let row = sqlx::query(concat!(
            "UPDATE actions SET intent_at = ?2, with_note = ?3, effect = NULL, updated_at = ?2
              WHERE id = ?1 AND fence = ?4 AND state = 'claimed' AND intent_at IS NULL
              RETURNING ",
            columns!()
        ))
        .bind(intent.action.get())
        .bind(ms(intent.at))
        .bind(intent.with_note)
        .bind(intent.fence)
        .fetch_optional(&self.write)
        .await
        .map_err(unavailable)?;
        if let Some(row) = row {
            let record = decode_effect(&row)?
                .ok_or_else(|| StoreError::corrupt(WHAT, "an intent that was not stored"))?;
            return Ok(IntentOutcome::Recorded(record));
        }
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
        let event = match &outcome.result {
            EffectResult::Done { .. } => ActionEvent::Succeed,
            EffectResult::Failed { .. } => ActionEvent::Fail,
            EffectResult::Retry { .. } => ActionEvent::Release,
            EffectResult::InDoubt { .. } => ActionEvent::LoseTrack,
        };
        let mut tx = self.begin().await?;
        // The common case first: the action is claimed and held with this fence, so the
        // update itself checks the fence and the state. Otherwise the row is read to tell a
        // stale fence, a missing action and another state apart.
        let claimed = ActionState::Claimed;
        let updated = match claimed.apply(event) {
            Ok(next) => set_result(&mut tx, &outcome, claimed, next).await?,
            Err(_) => None,
        };
        let row = match updated {
            Some(row) => row,
            None => {
                let row = held(&mut tx, id, outcome.fence).await?;
                let current = decode(&row)?.state;
                let next = current
                    .apply(event)
                    .map_err(|e| StoreError::conflict(WHAT, format!("{id}: {e}")))?;
                set_result(&mut tx, &outcome, current, next)
                    .await?
                    .ok_or_else(|| StoreError::conflict(WHAT, format!("{id}: changed meanwhile")))?
            }
        };
        let action = decode(&row)?;
        apply_in_tx(&mut tx, action.workspace_id, &outcome.changes, outcome.at).await?;
        // Stopping an enrollment cancels its queued actions, which may include this one (a
        // released attempt): read it again then.
        let action = if outcome.changes.enrollments.iter().all(|u| is_open(u.state)) {
            action
        } else {
            let row = sqlx::query(concat!(
                "SELECT ",
                columns!(),
                " FROM actions WHERE id = ?1"
            ))
            .bind(id.get())
            .fetch_one(&mut *tx)
            .await
            .map_err(unavailable)?;
            decode(&row)?
        };
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
