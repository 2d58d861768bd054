//! The effect ledger: intents committed before a channel call, results after it.

use jiff::{SignedDuration, Timestamp};
use overture_core::action::ActionEvent;
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

/// Records an attempt's result on the action, if it is held with the outcome's fence and is
/// in state `from`; returns the updated action.
async fn set_result(
    tx: &mut PgConnection,
    outcome: &EffectOutcome,
    from: ActionState,
    next: ActionState,
) -> Result<Option<Action>, StoreError> {
    // Every variant binds the same seven parameters ($4 and $5 differ; some leave $5 unused,
    // which PostgreSQL allows since sqlx declares every parameter's type).
    let (sql, text, due): (&'static str, Option<&str>, Option<i64>) = match &outcome.result {
        EffectResult::Done { external_id } => (
            concat!(
                "UPDATE actions SET state = $2, lease_until = NULL, effect = 'done',
                        effect_at = $3, intent_at = coalesce(intent_at, $3),
                        external_id = coalesce($4, external_id), updated_at = $3
                  WHERE id = $1 AND fence = $6 AND state = $7
                  RETURNING ",
                columns!()
            ),
            external_id.as_deref(),
            None,
        ),
        EffectResult::Failed { error } | EffectResult::InDoubt { error } => (
            concat!(
                "UPDATE actions SET state = $2, lease_until = NULL,
                        effect = CASE WHEN $2 = 'failed' THEN 'failed' ELSE 'in_doubt' END,
                        effect_at = $3, last_error = $4, updated_at = $3
                  WHERE id = $1 AND fence = $6 AND state = $7
                  RETURNING ",
                columns!()
            ),
            Some(error.as_str()),
            None,
        ),
        EffectResult::Retry { due_at, error } => (
            concat!(
                "UPDATE actions SET state = $2, lease_until = NULL, intent_at = NULL,
                        with_note = FALSE, effect = NULL, effect_at = NULL, due_at = $5,
                        failures = failures + CASE WHEN $4::TEXT IS NOT NULL THEN 1 ELSE 0 END,
                        last_error = coalesce($4, last_error), updated_at = $3
                  WHERE id = $1 AND fence = $6 AND state = $7
                  RETURNING ",
                columns!()
            ),
            error.as_deref(),
            Some(ms(*due_at)),
        ),
    };
    row(
        tx,
        sqlx::query(sql)
            .bind(outcome.action.get())
            .bind(next.as_str())
            .bind(ms(outcome.at))
            .bind(text)
            .bind(due)
            .bind(outcome.fence)
            .bind(from.as_str()),
        decode,
    )
    .await
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
/// `action`, and commits; returns the action as stored.
async fn with_changes(
    mut tx: Tx,
    action: Action,
    outcome: &EffectOutcome,
) -> Result<Action, StoreError> {
    let id = outcome.action;
    apply_in_tx(&mut tx, action.workspace_id, &outcome.changes, outcome.at).await?;
    // Stopping an enrollment cancels its queued actions, which may include this one (a
    // released attempt): read it again then.
    let action = if outcome.changes.enrollments.iter().all(|u| is_open(u.state)) {
        action
    } else {
        found(
            row(
                &mut tx,
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
        )?
    };
    commit(tx).await?;
    Ok(action)
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
        // The common case in one statement (one round trip, one commit): the action is held
        // with this fence, claimed, and has no intent yet. The update checks all three on the
        // row it locks, so a takeover cannot slip in between.
        let mut c = self.conn().await?;
        let recorded = row(
            &mut c,
            sqlx::query(
                "UPDATE actions SET intent_at = $2, with_note = $3, effect = NULL,
                        updated_at = $2
                  WHERE id = $1 AND fence = $4 AND state = 'claimed' AND intent_at IS NULL
                  RETURNING id, intent_at, with_note, failures",
            )
            .bind(intent.action.get())
            .bind(ms(intent.at))
            .bind(intent.with_note)
            .bind(intent.fence),
            decode_effect,
        )
        .await?;
        drop(c);
        if let Some(record) = recorded {
            let record =
                record.ok_or_else(|| StoreError::corrupt(WHAT, "an intent that was not stored"))?;
            return Ok(IntentOutcome::Recorded(record));
        }
        // Otherwise find out why under the row's lock: unknown, stale, not claimed, or an
        // intent recorded already.
        let mut tx = self.begin().await?;
        let result = async {
            let (state, existing) = held(&mut tx, intent.action, intent.fence, |row| {
                (
                    col_parse::<ActionState>(row, WHAT, "state"),
                    decode_effect(row),
                )
            })
            .await?;
            let state = state?;
            if state != ActionState::Claimed {
                return Err(StoreError::conflict(
                    WHAT,
                    format!(
                        "{}: an action that is {state} cannot be carried out",
                        intent.action
                    ),
                ));
            }
            if let Some(existing) = existing? {
                return Ok(IntentOutcome::AlreadyRecorded(existing));
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
        let id = outcome.action;
        let event = match &outcome.result {
            EffectResult::Done { .. } => ActionEvent::Succeed,
            EffectResult::Failed { .. } => ActionEvent::Fail,
            EffectResult::Retry { .. } => ActionEvent::Release,
            EffectResult::InDoubt { .. } => ActionEvent::LoseTrack,
        };
        // The common case first: the action is still claimed with this fence. The update
        // checks both on the row it locks, so a takeover cannot slip in between; without
        // other changes it is the only statement (one round trip, one commit).
        if let Ok(next) = ActionState::Claimed.apply(event) {
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
        // Otherwise the row is locked and its fence checked before anything changes, which
        // tells a stale fence from a refused transition.
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
