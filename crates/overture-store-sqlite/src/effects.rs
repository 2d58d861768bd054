//! The effect ledger: intents committed before a channel call, results after it.

use jiff::{SignedDuration, Timestamp};
use overture_core::{AccountId, Action, ActionId, ActionKind, ActionState, LeadId, WorkspaceId};
use overture_store::{
    ActionHistory, EffectEntry, EffectOutcome, EffectRecord, EffectResult, InFlightEffect, Intent,
    IntentOutcome, StoreError,
};
use rusqlite::{Connection, Row, params};

use crate::actions::{decode, decode_claim};
use crate::changes::apply_in_tx;
use crate::enrollments::is_open;
use crate::sqlite_store::{
    SqliteStore, col, col_opt_ts, col_parse, col_ts, found, from_ms, ms, row, rows, scalar,
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

/// A claim with the intent an earlier claim left without a result, if any (the claim query
/// returns the effect columns too).
pub(crate) fn decode_claim_in_flight(
    row: &Row<'_>,
) -> Result<overture_store::ClaimedAction, StoreError> {
    let mut claim = decode_claim(row)?;
    let effect: Option<String> = col(row, WHAT, "effect")?;
    if effect.is_none() {
        claim.in_flight = decode_effect(row)?;
    }
    Ok(claim)
}

fn decode_effect(row: &Row<'_>) -> Result<Option<EffectRecord>, StoreError> {
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
/// in state `from`; returns the updated action.
fn set_result(
    tx: &Connection,
    outcome: &EffectOutcome,
    from: ActionState,
    next: ActionState,
) -> Result<Option<Action>, StoreError> {
    // Every variant binds the same seven parameters (?4 and ?5 differ; some leave ?5 unused).
    let (sql, text, due): (&str, Option<&str>, Option<i64>) = match &outcome.result {
        EffectResult::Done { external_id } => (
            concat!(
                "UPDATE actions SET state = ?2, lease_until = NULL, effect = 'done',
                        effect_at = ?3, intent_at = coalesce(intent_at, ?3),
                        external_id = coalesce(?4, external_id), updated_at = ?3
                  WHERE id = ?1 AND fence = ?6 AND state = ?7
                  RETURNING ",
                columns!()
            ),
            external_id.as_deref(),
            None,
        ),
        EffectResult::Failed { error } | EffectResult::InDoubt { error } => (
            concat!(
                "UPDATE actions SET state = ?2, lease_until = NULL,
                        effect = CASE WHEN ?2 = 'failed' THEN 'failed' ELSE 'in_doubt' END,
                        effect_at = ?3, last_error = ?4, updated_at = ?3
                  WHERE id = ?1 AND fence = ?6 AND state = ?7
                  RETURNING ",
                columns!()
            ),
            Some(error.as_str()),
            None,
        ),
        EffectResult::Retry { due_at, error } => (
            concat!(
                "UPDATE actions SET state = ?2, lease_until = NULL, intent_at = NULL,
                        with_note = 0, effect = NULL, effect_at = NULL, due_at = ?5,
                        failures = failures + (?4 IS NOT NULL),
                        last_error = coalesce(?4, last_error), updated_at = ?3
                  WHERE id = ?1 AND fence = ?6 AND state = ?7
                  RETURNING ",
                columns!()
            ),
            error.as_deref(),
            Some(ms(*due_at)),
        ),
    };
    row(
        tx,
        sql,
        params![
            outcome.action.get(),
            next.as_str(),
            ms(outcome.at),
            text,
            due,
            outcome.fence,
            from.as_str(),
        ],
        decode,
    )
}

/// The effects part of an account's history (see `Store::effect_history`).
fn effects(
    c: &Connection,
    account: AccountId,
    kind: ActionKind,
    since: Timestamp,
) -> Result<ActionHistory, StoreError> {
    let mut history = ActionHistory::default();
    for (at, with_note) in rows(
        c,
        "SELECT intent_at, with_note FROM actions
          WHERE account_id = ?1 AND kind = ?2 AND intent_at IS NOT NULL
            AND intent_at >= ?3
            AND (effect IS NULL OR effect IN ('done', 'in_doubt'))
          ORDER BY intent_at",
        params![account.get(), kind.as_str(), ms(since)],
        |row| {
            Ok((
                col_ts(row, WHAT, "intent_at")?,
                col::<bool>(row, WHAT, "with_note")?,
            ))
        },
    )? {
        history.effects.push(at);
        if with_note {
            history.notes.push(at);
        }
    }
    Ok(history)
}

/// Reads the row of a claimed action, checks its fence, and returns what `read` took from the
/// row (`read` runs before the check, so it returns its own failures for the caller to raise
/// after it).
fn held<T>(
    tx: &Connection,
    id: ActionId,
    fence: i64,
    read: impl FnOnce(&Row<'_>) -> T,
) -> Result<T, StoreError> {
    let (current, value) = found(
        row(
            tx,
            concat!("SELECT ", columns!(), " FROM actions WHERE id = ?1"),
            [id.get()],
            |row| Ok((col::<i64>(row, WHAT, "fence")?, read(row))),
        )?,
        WHAT,
        id,
    )?;
    if current != fence {
        return Err(StoreError::conflict(
            WHAT,
            format!("{id}: fence {fence} is stale (the action is held with fence {current})"),
        ));
    }
    Ok(value)
}

impl SqliteStore {
    pub(crate) fn action_history_impl(
        &self,
        account: AccountId,
        kind: ActionKind,
        since: Timestamp,
    ) -> Result<ActionHistory, StoreError> {
        // Both lists come from covering indexes, oldest first.
        self.read(|c| {
            let mut history = effects(c, account, kind, since)?;
            history.planned = rows(
                c,
                "SELECT due_at FROM actions
                  WHERE account_id = ?1 AND kind = ?2 AND state IN ('queued', 'claimed')
                    AND intent_at IS NULL
                  ORDER BY due_at",
                params![account.get(), kind.as_str()],
                |row| col_ts(row, WHAT, "due_at"),
            )?;
            Ok(history)
        })
    }

    pub(crate) fn effect_history_impl(
        &self,
        account: AccountId,
        kind: ActionKind,
        since: Timestamp,
    ) -> Result<ActionHistory, StoreError> {
        self.read(|c| effects(c, account, kind, since))
    }

    pub(crate) fn record_intent_impl(&self, intent: Intent) -> Result<IntentOutcome, StoreError> {
        // The common case in one statement (atomic on its own): the action is held with this
        // fence and has no intent yet. Anything else takes the transaction below, which
        // tells the cases apart.
        let recorded = self.on_writer(|c| {
            row(
                c,
                concat!(
                    "UPDATE actions SET intent_at = ?2, with_note = ?3, effect = NULL, updated_at = ?2
                      WHERE id = ?1 AND fence = ?4 AND state = 'claimed' AND intent_at IS NULL
                      RETURNING ",
                    columns!()
                ),
                params![intent.action.get(), ms(intent.at), intent.with_note, intent.fence],
                decode_effect,
            )
        })?;
        if let Some(record) = recorded {
            let record =
                record.ok_or_else(|| StoreError::corrupt(WHAT, "an intent that was not stored"))?;
            return Ok(IntentOutcome::Recorded(record));
        }
        self.write(|tx| {
            let (state, existing) = held(tx, intent.action, intent.fence, |row| {
                (
                    col_parse::<ActionState>(row, WHAT, "state"),
                    decode_effect(row),
                )
            })?;
            if let Some(answer) = IntentOutcome::after_check(intent.action, state?, existing?)? {
                return Ok(answer);
            }
            let record = found(
                row(
                    tx,
                    concat!(
                        "UPDATE actions SET intent_at = ?2, with_note = ?3, effect = NULL, updated_at = ?2
                          WHERE id = ?1 RETURNING ",
                        columns!()
                    ),
                    params![intent.action.get(), ms(intent.at), intent.with_note],
                    decode_effect,
                )?,
                WHAT,
                intent.action,
            )?
            .ok_or_else(|| StoreError::corrupt(WHAT, "an intent that was not stored"))?;
            Ok(IntentOutcome::Recorded(record))
        })
    }

    pub(crate) fn complete_effect_impl(
        &self,
        outcome: EffectOutcome,
    ) -> Result<Action, StoreError> {
        let id = outcome.action;
        let event = outcome.result.event();
        self.write(|tx| {
            // The common case first: the action is claimed and held with this fence, so the
            // update itself checks the fence and the state. Otherwise the row is read to tell a
            // stale fence, a missing action and another state apart.
            let claimed = ActionState::Claimed;
            let updated = match claimed.apply(event) {
                Ok(next) => set_result(tx, &outcome, claimed, next)?,
                Err(_) => None,
            };
            let action = match updated {
                Some(action) => action,
                None => {
                    let current = held(tx, id, outcome.fence, decode)??.state;
                    let next = current
                        .apply(event)
                        .map_err(|e| StoreError::conflict(WHAT, format!("{id}: {e}")))?;
                    set_result(tx, &outcome, current, next)?.ok_or_else(|| {
                        StoreError::conflict(WHAT, format!("{id}: changed meanwhile"))
                    })?
                }
            };
            apply_in_tx(tx, action.workspace_id, &outcome.changes, outcome.at)?;
            // Stopping an enrollment cancels its queued actions, which may include this one (a
            // released attempt): read it again then.
            if outcome.changes.enrollments.iter().all(|u| is_open(u.state)) {
                Ok(action)
            } else {
                found(
                    row(
                        tx,
                        concat!("SELECT ", columns!(), " FROM actions WHERE id = ?1"),
                        [id.get()],
                        decode,
                    )?,
                    WHAT,
                    id,
                )
            }
        })
    }

    /// Takes over in-flight intents; with `worker`, only those of the accounts it holds.
    pub(crate) fn in_flight_intents_impl(
        &self,
        worker: Option<&str>,
        now: Timestamp,
        lease: SignedDuration,
    ) -> Result<Vec<InFlightEffect>, StoreError> {
        let lease_until = now
            .checked_add(lease)
            .map_err(|e| StoreError::conflict("lease", e))?;
        let mut out = self.write(|tx| {
            rows(
                tx,
                concat!(
                    "UPDATE actions SET fence = fence + 1, lease_until = ?2, updated_at = ?1
                      WHERE state = 'claimed' AND intent_at IS NOT NULL AND effect IS NULL
                        AND (?3 IS NULL OR account_id IN (
                             SELECT account_id FROM account_leases
                              WHERE worker = ?3 AND expires_at > ?1))
                      RETURNING ",
                    columns!()
                ),
                params![ms(now), ms(lease_until), worker],
                |row| {
                    let effect = decode_effect(row)?.ok_or_else(|| {
                        StoreError::corrupt(WHAT, "an in-flight action without intent")
                    })?;
                    Ok(InFlightEffect {
                        claim: decode_claim(row)?,
                        effect,
                    })
                },
            )
        })?;
        out.sort_by_key(|f| f.claim.action.id);
        Ok(out)
    }

    pub(crate) fn effect_log_impl(&self, ws: WorkspaceId) -> Result<Vec<EffectEntry>, StoreError> {
        self.read(|c| {
            rows(
                c,
                "SELECT account_id, lead_id, kind, intent_at, with_note FROM actions
                  WHERE workspace_id = ?1 AND intent_at IS NOT NULL
                    AND (effect IS NULL OR effect IN ('done', 'in_doubt'))
                  ORDER BY intent_at, id",
                [ws.get()],
                |row| {
                    Ok(EffectEntry {
                        account: AccountId(col(row, WHAT, "account_id")?),
                        lead: col::<Option<i64>>(row, WHAT, "lead_id")?.map(LeadId),
                        kind: col_parse(row, WHAT, "kind")?,
                        at: col_ts(row, WHAT, "intent_at")?,
                        with_note: col(row, WHAT, "with_note")?,
                    })
                },
            )
        })
    }

    pub(crate) fn next_due_impl(&self) -> Result<Option<Timestamp>, StoreError> {
        // An aggregate always answers one row; its value is NULL when nothing is due.
        let next: Option<i64> = self
            .read(|c| {
                scalar::<Option<i64>>(
                    c,
                    "SELECT min(t) FROM (
                        SELECT min(due_at) AS t FROM actions WHERE state = 'queued'
                        UNION ALL
                        SELECT min(lease_until) FROM actions WHERE state = 'claimed'
                        UNION ALL
                        SELECT min(next_due_at) FROM enrollments
                         WHERE state IN ('active', 'waiting') AND next_due_at IS NOT NULL)",
                    (),
                )
            })?
            .flatten();
        next.map(|t| from_ms(WHAT, t)).transpose()
    }
}
