//! The effect ledger: intents committed before a channel call, results after it.

use std::collections::{HashMap, HashSet};

use jiff::{SignedDuration, Timestamp};
use overture_core::{AccountId, Action, ActionId, ActionKind, ActionState, LeadId, WorkspaceId};
use overture_store::{
    ActionHistory, Changes, EffectEntry, EffectOutcome, EffectRecord, EffectResult, InFlightEffect,
    Intent, IntentOutcome, StoreError,
};
use sqlx::PgConnection;
use sqlx::postgres::PgRow;

use crate::actions::{decode, decode_claim};
use crate::changes::apply_in_tx;
use crate::enrollments::is_open;
use crate::postgres_store::{
    PostgresStore, Tx, col, col_int, col_opt_ts, col_parse, col_ts, commit, found, from_ms, ms,
    row, rows, scalar, settle,
};

const WHAT: &str = "action";

/// The columns `decode`, `decode_effect` and `decode_claim` (in `actions`) read, as a literal
/// for `concat!`.
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
    row: &PgRow,
) -> Result<overture_store::ClaimedAction, StoreError> {
    let mut claim = decode_claim(row)?;
    let effect: Option<String> = col(row, WHAT, "effect")?;
    if effect.is_none() {
        claim.in_flight = decode_effect(row)?;
    }
    Ok(claim)
}

fn decode_effect(row: &PgRow) -> Result<Option<EffectRecord>, StoreError> {
    let Some(intent_at) = col_opt_ts(row, WHAT, "intent_at")? else {
        return Ok(None);
    };
    Ok(Some(EffectRecord {
        action: ActionId(col(row, WHAT, "id")?),
        intent_at,
        with_note: col(row, WHAT, "with_note")?,
        failures: col_int(row, WHAT, "failures")?,
    }))
}

/// The effect a result records: `done`, `failed` or `in_doubt`, or none for a release.
fn effect_of(result: &EffectResult, next: ActionState) -> Option<&'static str> {
    match result {
        EffectResult::Done { .. } => Some("done"),
        EffectResult::Failed { .. } | EffectResult::InDoubt { .. } => {
            Some(if next == ActionState::Failed {
                "failed"
            } else {
                "in_doubt"
            })
        }
        EffectResult::Retry { .. } => None,
    }
}

/// Records attempts' results on their actions, each only if it is held with its outcome's
/// fence and is in state `from` (moving to `next`); returns the updated actions, in no
/// particular order. One statement whatever the number of outcomes: the rows go in as
/// arrays and each row's update is what its result asks for (a release clears the intent and
/// moves the due instant; a result that happened or failed keeps it). The ids must differ.
async fn set_results(
    tx: &mut PgConnection,
    outcomes: &[(&EffectOutcome, ActionState, ActionState)],
) -> Result<Vec<Action>, StoreError> {
    let n = outcomes.len();
    let (mut ids, mut nexts, mut froms, mut ats) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let (mut retries, mut effects, mut texts, mut dues, mut fences) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for (outcome, from, next) in outcomes {
        let (text, due) = match &outcome.result {
            EffectResult::Done { external_id } => (external_id.clone(), None),
            EffectResult::Failed { error } | EffectResult::InDoubt { error } => {
                (Some(error.clone()), None)
            }
            EffectResult::Retry { due_at, error } => (error.clone(), Some(ms(*due_at))),
        };
        ids.push(outcome.action.get());
        nexts.push(next.as_str());
        froms.push(from.as_str());
        ats.push(ms(outcome.at));
        retries.push(matches!(outcome.result, EffectResult::Retry { .. }));
        effects.push(effect_of(&outcome.result, *next));
        texts.push(text);
        dues.push(due);
        fences.push(outcome.fence);
    }
    // `v_text` is the external id of a result that happened, the error of one that failed
    // or is in doubt, and the error (if any) of a release.
    rows(
        tx,
        sqlx::query(concat!(
            "UPDATE actions SET state = v_next, lease_until = NULL, effect = v_effect,
                    effect_at = CASE WHEN v_retry THEN NULL ELSE v_at END,
                    intent_at = CASE WHEN v_retry THEN NULL
                                     WHEN v_effect = 'done' THEN coalesce(intent_at, v_at)
                                     ELSE intent_at END,
                    with_note = with_note AND NOT v_retry,
                    external_id = CASE WHEN v_effect = 'done'
                                       THEN coalesce(v_text, external_id)
                                       ELSE external_id END,
                    last_error = CASE WHEN v_effect = 'done' THEN last_error
                                      WHEN v_retry THEN coalesce(v_text, last_error)
                                      ELSE v_text END,
                    due_at = CASE WHEN v_retry THEN v_due ELSE due_at END,
                    failures = failures
                        + CASE WHEN v_retry AND v_text IS NOT NULL THEN 1 ELSE 0 END,
                    updated_at = v_at
               FROM UNNEST($1::BIGINT[], $2::TEXT[], $3::TEXT[], $4::BIGINT[], $5::BOOL[],
                           $6::TEXT[], $7::TEXT[], $8::BIGINT[], $9::BIGINT[])
                    AS v(v_id, v_next, v_from, v_at, v_retry, v_effect, v_text, v_due, v_fence)
              WHERE id = v_id AND fence = v_fence AND state = v_from
              RETURNING ",
            columns!()
        ))
        .bind(ids)
        .bind(nexts)
        .bind(froms)
        .bind(ats)
        .bind(retries)
        .bind(effects)
        .bind(texts)
        .bind(dues)
        .bind(fences),
        decode,
    )
    .await
}

/// [`set_results`] for one outcome: the updated action, or `None` when the action is not
/// held with the fence or not in state `from`.
async fn set_result(
    tx: &mut PgConnection,
    outcome: &EffectOutcome,
    from: ActionState,
    next: ActionState,
) -> Result<Option<Action>, StoreError> {
    Ok(set_results(tx, &[(outcome, from, next)]).await?.pop())
}

/// Records the intents of actions held with their fences, claimed and without an intent,
/// in one statement (one round trip, one commit); returns the records of those it recorded,
/// by action. The ids must differ.
async fn record_fresh_intents(
    c: &mut PgConnection,
    intents: &[Intent],
) -> Result<HashMap<ActionId, EffectRecord>, StoreError> {
    let ids: Vec<i64> = intents.iter().map(|i| i.action.get()).collect();
    let ats: Vec<i64> = intents.iter().map(|i| ms(i.at)).collect();
    let notes: Vec<bool> = intents.iter().map(|i| i.with_note).collect();
    let fences: Vec<i64> = intents.iter().map(|i| i.fence).collect();
    // The state each row must be in comes with the row (`v_from`), as in `set_results`: a
    // constant `state = 'claimed'` let the planner read every claimed action through the
    // partial indexes of claimed actions and join them with the batch, whenever its
    // statistics had too few claimed rows (as right after a queue is filled); compared
    // with the batch's own column, each row can only be reached by its primary key.
    let froms = vec![ActionState::Claimed.as_str(); ids.len()];
    let recorded = rows(
        c,
        sqlx::query(
            "UPDATE actions SET intent_at = v_at, with_note = v_note, effect = NULL,
                    updated_at = v_at
               FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::BOOL[], $4::BIGINT[], $5::TEXT[])
                    AS v(v_id, v_at, v_note, v_fence, v_from)
              WHERE id = v_id AND fence = v_fence AND state = v_from AND intent_at IS NULL
              RETURNING id, intent_at, with_note, failures",
        )
        .bind(ids)
        .bind(ats)
        .bind(notes)
        .bind(fences)
        .bind(froms),
        |row| {
            decode_effect(row)?
                .ok_or_else(|| StoreError::corrupt(WHAT, "an intent that was not stored"))
        },
    )
    .await?;
    Ok(recorded.into_iter().map(|r| (r.action, r)).collect())
}

/// Which items of a batch may go into one statement: the first of each action (a repeated
/// action is answered on its own, after the statement, as it would be after the first).
fn first_of_each<T>(items: &[T], id: impl Fn(&T) -> ActionId) -> Vec<bool> {
    let mut seen = HashSet::new();
    items.iter().map(|item| seen.insert(id(item))).collect()
}

/// The effects part of an account's history (see `Store::effect_history`).
async fn effects(
    c: &mut PgConnection,
    account: AccountId,
    kind: ActionKind,
    since: Timestamp,
) -> Result<ActionHistory, StoreError> {
    let mut history = ActionHistory::default();
    let found = rows(
        c,
        sqlx::query(
            "SELECT intent_at, with_note FROM actions
              WHERE account_id = $1 AND kind = $2 AND intent_at IS NOT NULL
                AND intent_at >= $3
                AND (effect IS NULL OR effect IN ('done', 'in_doubt'))
              ORDER BY intent_at",
        )
        .bind(account.get())
        .bind(kind.as_str())
        .bind(ms(since)),
        |row| {
            Ok((
                col_ts(row, WHAT, "intent_at")?,
                col::<bool>(row, WHAT, "with_note")?,
            ))
        },
    )
    .await?;
    for (at, with_note) in found {
        history.effects.push(at);
        if with_note {
            history.notes.push(at);
        }
    }
    Ok(history)
}

/// Reads and locks the row of a claimed action, checks its fence, and returns what `read`
/// took from the row (`read` runs before the check, so it returns its own failures for the
/// caller to raise after it).
async fn held<T>(
    tx: &mut PgConnection,
    id: ActionId,
    fence: i64,
    read: impl FnOnce(&PgRow) -> T,
) -> Result<T, StoreError> {
    let (current, value) = found(
        row(
            tx,
            sqlx::query(concat!(
                "SELECT ",
                columns!(),
                " FROM actions WHERE id = $1 FOR UPDATE"
            ))
            .bind(id.get()),
            |row| Ok((col::<i64>(row, WHAT, "fence")?, read(row))),
        )
        .await?,
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

/// Applies an outcome's other changes in the transaction that recorded its result on
/// `action`; returns the action as it is then.
async fn apply_changes(
    tx: &mut PgConnection,
    action: Action,
    outcome: &EffectOutcome,
) -> Result<Action, StoreError> {
    let id = outcome.action;
    apply_in_tx(tx, action.workspace_id, &outcome.changes, outcome.at).await?;
    // Stopping an enrollment cancels its queued actions, which may include this one (a
    // released attempt): read it again then.
    if outcome.changes.enrollments.iter().all(|u| is_open(u.state)) {
        return Ok(action);
    }
    found(
        row(
            tx,
            sqlx::query(concat!(
                "SELECT ",
                columns!(),
                " FROM actions WHERE id = $1"
            ))
            .bind(id.get()),
            decode,
        )
        .await?,
        WHAT,
        id,
    )
}

/// [`apply_changes`], then the commit.
async fn with_changes(
    mut tx: Tx,
    action: Action,
    outcome: &EffectOutcome,
) -> Result<Action, StoreError> {
    let applied = apply_changes(&mut tx, action, outcome).await;
    settle(tx, applied).await
}

impl PostgresStore {
    pub(crate) async fn action_history_impl(
        &self,
        account: AccountId,
        kind: ActionKind,
        since: Timestamp,
    ) -> Result<ActionHistory, StoreError> {
        let mut c = self.conn().await?;
        let mut history = effects(&mut c, account, kind, since).await?;
        history.planned = rows(
            &mut c,
            sqlx::query(
                "SELECT due_at FROM actions
                  WHERE account_id = $1 AND kind = $2 AND state IN ('queued', 'claimed')
                    AND intent_at IS NULL
                  ORDER BY due_at",
            )
            .bind(account.get())
            .bind(kind.as_str()),
            |row| col_ts(row, WHAT, "due_at"),
        )
        .await?;
        Ok(history)
    }

    pub(crate) async fn effect_history_impl(
        &self,
        account: AccountId,
        kind: ActionKind,
        since: Timestamp,
    ) -> Result<ActionHistory, StoreError> {
        let mut c = self.conn().await?;
        effects(&mut c, account, kind, since).await
    }

    pub(crate) async fn record_intent_impl(
        &self,
        intent: Intent,
    ) -> Result<IntentOutcome, StoreError> {
        let mut answers = self.record_intents_impl(vec![intent]).await?;
        answers
            .pop()
            .unwrap_or_else(|| Err(StoreError::corrupt(WHAT, "an intent without an answer")))
    }

    pub(crate) async fn record_intents_impl(
        &self,
        intents: Vec<Intent>,
    ) -> Result<Vec<Result<IntentOutcome, StoreError>>, StoreError> {
        // The common case in one statement (one round trip, one commit) for all of them: the
        // action is held with this fence, claimed, and has no intent yet. The update checks
        // all three on the rows it locks, so a takeover cannot slip in between.
        let first = first_of_each(&intents, |i| i.action);
        let fresh: Vec<Intent> = intents
            .iter()
            .zip(&first)
            .filter_map(|(i, first)| first.then_some(*i))
            .collect();
        let mut recorded = {
            let mut c = self.conn().await?;
            record_fresh_intents(&mut c, &fresh).await?
        };
        let mut answers = Vec::with_capacity(intents.len());
        for (intent, first) in intents.into_iter().zip(first) {
            let answer = match recorded.remove(&intent.action).filter(|_| first) {
                Some(record) => Ok(IntentOutcome::Recorded(record)),
                None => self.record_intent_checked(intent).await,
            };
            answers.push(answer);
        }
        Ok(answers)
    }

    /// An intent the common case did not record: finds out why under the row's lock
    /// (unknown, stale, not claimed, or an intent recorded already), and records it if it
    /// may be after all.
    async fn record_intent_checked(&self, intent: Intent) -> Result<IntentOutcome, StoreError> {
        let mut tx = self.begin().await?;
        let result = async {
            let (state, existing) = held(&mut tx, intent.action, intent.fence, |row| {
                (
                    col_parse::<ActionState>(row, WHAT, "state"),
                    decode_effect(row),
                )
            })
            .await?;
            if let Some(answer) = IntentOutcome::after_check(intent.action, state?, existing?)? {
                return Ok(answer);
            }
            let record = found(
                row(
                    &mut tx,
                    sqlx::query(concat!(
                        "UPDATE actions SET intent_at = $2, with_note = $3, effect = NULL,
                            updated_at = $2
                      WHERE id = $1 RETURNING ",
                        columns!()
                    ))
                    .bind(intent.action.get())
                    .bind(ms(intent.at))
                    .bind(intent.with_note),
                    decode_effect,
                )
                .await?,
                WHAT,
                intent.action,
            )?
            .ok_or_else(|| StoreError::corrupt(WHAT, "an intent that was not stored"))?;
            Ok(IntentOutcome::Recorded(record))
        }
        .await;
        settle(tx, result).await
    }

    pub(crate) async fn complete_effect_impl(
        &self,
        outcome: EffectOutcome,
    ) -> Result<Action, StoreError> {
        // The common case first: the action is still claimed with this fence. The update
        // checks both on the row it locks, so a takeover cannot slip in between; without
        // other changes it is the only statement (one round trip, one commit).
        if let Ok(next) = ActionState::Claimed.apply(outcome.result.event()) {
            if outcome.changes == Changes::default() {
                let mut c = self.conn().await?;
                let done = set_result(&mut c, &outcome, ActionState::Claimed, next).await?;
                if let Some(action) = done {
                    return Ok(action);
                }
            } else {
                let mut tx = self.begin().await?;
                let done = set_result(&mut tx, &outcome, ActionState::Claimed, next).await?;
                if let Some(action) = done {
                    return with_changes(tx, action, &outcome).await;
                }
            }
        }
        self.complete_effect_checked(outcome).await
    }

    /// An outcome the common case did not record: the row is locked and its fence checked
    /// before anything changes, which tells a stale fence from a refused transition.
    async fn complete_effect_checked(&self, outcome: EffectOutcome) -> Result<Action, StoreError> {
        let id = outcome.action;
        let event = outcome.result.event();
        let mut tx = self.begin().await?;
        let checked = async {
            let current = held(&mut tx, id, outcome.fence, decode).await??.state;
            let next = current
                .apply(event)
                .map_err(|e| StoreError::conflict(WHAT, format!("{id}: {e}")))?;
            set_result(&mut tx, &outcome, current, next)
                .await?
                .ok_or_else(|| StoreError::conflict(WHAT, format!("{id}: changed meanwhile")))
        }
        .await;
        match checked {
            Ok(action) => with_changes(tx, action, &outcome).await,
            Err(e) => settle(tx, Err(e)).await,
        }
    }

    pub(crate) async fn complete_effects_impl(
        &self,
        outcomes: Vec<EffectOutcome>,
    ) -> Result<Vec<Result<Action, StoreError>>, StoreError> {
        // The common case for all of them in one transaction (one commit): one statement
        // records every result of an action still claimed with its fence, then each one's
        // other changes are applied. Should any of those changes fail, the transaction is
        // rolled back and every outcome is recorded on its own, so that one outcome's failure
        // refuses only that outcome.
        let first = first_of_each(&outcomes, |o| o.action);
        let claimed: Vec<_> = outcomes
            .iter()
            .zip(&first)
            .filter(|(_, first)| **first)
            .filter_map(|(o, _)| {
                let next = ActionState::Claimed.apply(o.result.event()).ok()?;
                Some((o, ActionState::Claimed, next))
            })
            .collect();
        // What the statement recorded, or `None` when nothing was committed (then each
        // outcome tries the common case again on its own).
        let mut recorded: Option<HashMap<ActionId, Action>> = None;
        if !claimed.is_empty() {
            let mut tx = self.begin().await?;
            let applied = async {
                let by_id: HashMap<ActionId, &EffectOutcome> =
                    claimed.iter().map(|(o, ..)| (o.action, *o)).collect();
                let mut applied = HashMap::new();
                for action in set_results(&mut tx, &claimed).await? {
                    let Some(outcome) = by_id.get(&action.id) else {
                        return Err(StoreError::corrupt(WHAT, "a result of another action"));
                    };
                    let action = if outcome.changes == Changes::default() {
                        action
                    } else {
                        apply_changes(&mut tx, action, outcome).await?
                    };
                    applied.insert(action.id, action);
                }
                Ok(applied)
            }
            .await;
            match applied {
                Ok(applied) => {
                    commit(tx).await?;
                    recorded = Some(applied);
                }
                Err(e) => {
                    let _ = tx.rollback().await;
                    if matches!(e, StoreError::Unavailable { .. }) {
                        return Err(e);
                    }
                }
            }
        }
        let mut answers = Vec::with_capacity(outcomes.len());
        for (outcome, first) in outcomes.into_iter().zip(first) {
            let answer = match recorded.as_mut() {
                None => self.complete_effect_impl(outcome).await,
                Some(recorded) => match recorded.remove(&outcome.action).filter(|_| first) {
                    Some(action) => Ok(action),
                    // The statement found it not claimed with its fence: say why.
                    None => self.complete_effect_checked(outcome).await,
                },
            };
            answers.push(answer);
        }
        Ok(answers)
    }

    /// Takes over in-flight intents; with `worker`, only those of the accounts it holds.
    pub(crate) async fn in_flight_intents_impl(
        &self,
        worker: Option<&str>,
        now: Timestamp,
        lease: SignedDuration,
    ) -> Result<Vec<InFlightEffect>, StoreError> {
        let lease_until = now
            .checked_add(lease)
            .map_err(|e| StoreError::conflict("lease", e))?;
        let mut tx = self.begin().await?;
        let mut out = rows(
            &mut tx,
            sqlx::query(concat!(
                "UPDATE actions SET fence = fence + 1, lease_until = $2, updated_at = $1
                  WHERE state = 'claimed' AND intent_at IS NOT NULL AND effect IS NULL
                    AND ($3::text IS NULL OR account_id IN (
                         SELECT account_id FROM account_leases
                          WHERE worker = $3 AND expires_at > $1))
                  RETURNING ",
                columns!()
            ))
            .bind(ms(now))
            .bind(ms(lease_until))
            .bind(worker),
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
        .await?;
        commit(tx).await?;
        out.sort_by_key(|f| f.claim.action.id);
        Ok(out)
    }

    pub(crate) async fn effect_log_impl(
        &self,
        ws: WorkspaceId,
    ) -> Result<Vec<EffectEntry>, StoreError> {
        let mut c = self.conn().await?;
        rows(
            &mut c,
            sqlx::query(
                "SELECT account_id, lead_id, kind, intent_at, with_note FROM actions
                  WHERE workspace_id = $1 AND intent_at IS NOT NULL
                    AND (effect IS NULL OR effect IN ('done', 'in_doubt'))
                  ORDER BY intent_at, id",
            )
            .bind(ws.get()),
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
        .await
    }

    pub(crate) async fn next_due_impl(&self) -> Result<Option<Timestamp>, StoreError> {
        let mut c = self.conn().await?;
        // An aggregate always answers one row; its value is NULL when nothing is due.
        let next: Option<i64> = scalar::<Option<i64>>(
            &mut c,
            sqlx::query(
                "SELECT min(t) FROM (
                    SELECT min(due_at) AS t FROM actions WHERE state = 'queued'
                    UNION ALL
                    SELECT min(lease_until) FROM actions WHERE state = 'claimed'
                    UNION ALL
                    SELECT min(next_due_at) FROM enrollments
                     WHERE state IN ('active', 'waiting') AND next_due_at IS NOT NULL) AS due",
            ),
        )
        .await?
        .flatten();
        next.map(|t| from_ms(WHAT, t)).transpose()
    }
}
