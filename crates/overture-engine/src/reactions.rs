//! Reactions to channel errors: each class of error changes the account, the enrollment or
//! the action as `docs/engine.md` documents, and appends an event.

use jiff::{SignedDuration, Timestamp};
use overture_channel::{ChannelError, Channels};
use overture_clock::Clock;
use overture_core::SuppressionKind;
use overture_core::cooldown::DEFAULT_REINVITE_COOLDOWN;
use overture_core::limits::{NOTE_WINDOW, WEEK};
use overture_core::suppression::normalise_address;
use overture_core::{AccountStatus, ActionKind, Cooldown, EventKind};
use overture_store::{Backoff, BackoffAxis, Changes, EffectRecord, EffectResult, Store};
use serde_json::json;

use crate::execute::Job;
use crate::reconcile::Verdict;
use crate::{Engine, EngineError, TickReport, plus};

impl<S: Store, C: Channels, K: Clock> Engine<S, C, K> {
    /// Reacts to a channel error on an action whose intent is committed.
    pub(crate) async fn react(
        &mut self,
        job: &Job,
        effect: &EffectRecord,
        error: ChannelError,
        report: &mut TickReport,
    ) -> Result<(), EngineError> {
        let now = self.clock.now();
        let action = &job.claim.action;
        let ws = action.workspace_id;
        let account = action.account_id;
        let kind = action.kind;
        let code = error.code();
        let mut changes = Changes::default();
        let event = |kind: EventKind, data: serde_json::Value| {
            Self::event(
                ws,
                kind,
                now,
                Some(account),
                action.lead_id,
                action.campaign_id,
                data,
            )
        };
        let backoff = |axis, until| Backoff {
            account,
            axis,
            until,
            reason: code.to_owned(),
        };
        let result = match &error {
            ChannelError::RateLimited { retry_after } => {
                let until = plus(now, (*retry_after).max(SignedDuration::from_mins(1)));
                changes
                    .backoffs
                    .push(backoff(BackoffAxis::Action(kind), until));
                changes.events.push(event(
                    EventKind::LimitReached,
                    json!({ "reason": code, "kind": kind, "until": until }),
                ));
                report.actions_released += 1;
                EffectResult::Retry {
                    due_at: until,
                    error: None,
                }
            }
            ChannelError::WeeklyCapReached { retry_after } => {
                let until = match retry_after {
                    Some(after) => plus(now, *after),
                    None => self.week_frees_at(account, now).await?,
                };
                let axis = BackoffAxis::Action(ActionKind::Invite);
                changes.backoffs.push(backoff(axis, until));
                changes.events.push(event(
                    EventKind::LimitReached,
                    json!({ "reason": code, "kind": kind, "until": until }),
                ));
                report.actions_released += 1;
                EffectResult::Retry {
                    due_at: until,
                    error: None,
                }
            }
            ChannelError::NoteQuotaExhausted => {
                let until = self.notes_free_at(account, effect, now).await?;
                changes
                    .backoffs
                    .push(backoff(BackoffAxis::InviteNote, until));
                changes.events.push(event(
                    EventKind::LimitReached,
                    json!({ "reason": code, "kind": kind, "until": until }),
                ));
                report.actions_released += 1;
                // With the note back-off stored, the next attempt goes without the note if the
                // step allows it, or waits for the quota.
                let due = if job.payload.without_note_if_quota_exhausted {
                    plus(now, SignedDuration::from_mins(1))
                } else {
                    until
                };
                EffectResult::Retry {
                    due_at: due,
                    error: None,
                }
            }
            ChannelError::CannotReinviteYet => {
                if let Some(lead) = action.lead_id {
                    let mut cooldown = Cooldown {
                        workspace_id: ws,
                        account_id: account,
                        lead_id: lead,
                        reinvite_not_before: now,
                    };
                    cooldown.extend_to(plus(now, DEFAULT_REINVITE_COOLDOWN));
                    changes.cooldowns.push(cooldown);
                }
                changes.events.push(event(
                    EventKind::LimitReached,
                    json!({ "reason": code, "kind": kind }),
                ));
                if job.waits_out_cooldowns() {
                    // The campaign invites again once the (now longer) cooldown is over.
                    report.actions_released += 1;
                    EffectResult::Retry {
                        due_at: plus(now, DEFAULT_REINVITE_COOLDOWN),
                        error: None,
                    }
                } else {
                    changes.enrollments.extend(job.stop(code));
                    report.actions_failed += 1;
                    EffectResult::Failed {
                        error: error.to_string(),
                    }
                }
            }
            ChannelError::SessionExpired
            | ChannelError::Challenge { .. }
            | ChannelError::ActionRequired { .. } => {
                let status = match &error {
                    ChannelError::Challenge { detail } => AccountStatus::Paused {
                        reason: format!("security challenge: {detail}"),
                    },
                    ChannelError::ActionRequired { detail } => AccountStatus::Paused {
                        reason: format!("account needs attention: {detail}"),
                    },
                    _ => AccountStatus::NeedsCredentials,
                };
                self.pause(&mut changes, status, code, now, job);
                let due = plus(now, self.config.paused_recheck);
                report.actions_released += 1;
                EffectResult::Retry {
                    due_at: due,
                    error: None,
                }
            }
            ChannelError::Restricted { until } => {
                let until = until.unwrap_or(plus(now, self.config.default_restriction));
                changes
                    .account_status
                    .push((account, AccountStatus::Restricted { until }));
                let pending = self.restricted(ws, account, now).await?;
                changes.events.push(event(
                    EventKind::AccountRestricted,
                    json!({ "reason": code, "until": until, "pending": pending }),
                ));
                report.actions_released += 1;
                EffectResult::Retry {
                    due_at: until,
                    error: None,
                }
            }
            ChannelError::AddressInvalid { detail } => {
                // The address is refused for good: it goes on the suppression list, so no
                // campaign writes to it again.
                if let Some(address) = job.payload.to.as_deref().and_then(normalise_address) {
                    let reason = format!("refused: {detail}");
                    changes
                        .suppressions
                        .push((SuppressionKind::Address, address, reason));
                }
                changes.enrollments.extend(job.stop(code));
                report.actions_failed += 1;
                EffectResult::Failed {
                    error: error.to_string(),
                }
            }
            ChannelError::ProfileUnreachable => {
                changes.enrollments.extend(job.stop(code));
                report.actions_failed += 1;
                EffectResult::Failed {
                    error: error.to_string(),
                }
            }
            ChannelError::Permanent { .. } => {
                changes.enrollments.extend(job.stop(code));
                report.actions_failed += 1;
                EffectResult::Failed {
                    error: error.to_string(),
                }
            }
            ChannelError::Transient { .. } => {
                // A write may have happened: ask the channel before anything else.
                return match self.verify(job, effect).await {
                    Verdict::Happened(external_id) => {
                        self.complete_happened(job, effect, external_id, report)
                            .await
                    }
                    Verdict::NotHappened => {
                        self.retry_or_fail(job, effect, error.to_string(), report)
                            .await
                    }
                    // Nobody can tell yet: the intent stays, and the action is reconciled once
                    // its lease runs out.
                    Verdict::Unknown(_) => Ok(()),
                };
            }
        };
        self.finish(&job.claim, result, changes, report).await
    }

    /// Pauses the account with `status` and records why.
    fn pause(
        &self,
        changes: &mut Changes,
        status: AccountStatus,
        code: &str,
        now: Timestamp,
        job: &Job,
    ) {
        let action = &job.claim.action;
        changes.account_status.push((action.account_id, status));
        changes.events.push(Self::event(
            action.workspace_id,
            EventKind::AccountPaused,
            now,
            Some(action.account_id),
            None,
            None,
            json!({ "reason": code }),
        ));
    }

    /// Retries a failed attempt with exponential back-off, or gives up after `max_attempts`
    /// (failing the action and stopping the enrollment).
    pub(crate) async fn retry_or_fail(
        &mut self,
        job: &Job,
        effect: &EffectRecord,
        error: String,
        report: &mut TickReport,
    ) -> Result<(), EngineError> {
        let now = self.clock.now();
        let failures = effect.failures.saturating_add(1);
        if failures >= self.config.max_attempts {
            let mut changes = Changes::default();
            changes.enrollments.extend(job.stop("too many failures"));
            report.actions_failed += 1;
            let error = format!("gave up after {failures} attempts: {error}");
            return self
                .finish(&job.claim, EffectResult::Failed { error }, changes, report)
                .await;
        }
        let factor = 1i32 << effect.failures.min(16);
        let due = plus(now, self.config.backoff_base * factor);
        report.actions_released += 1;
        let result = EffectResult::Retry {
            due_at: due,
            error: Some(error),
        };
        self.finish(&job.claim, result, Changes::default(), report)
            .await
    }

    /// When the rolling week has room for one more invitation (the oldest counted one leaves
    /// it), or a day from now without history.
    async fn week_frees_at(
        &self,
        account: overture_core::AccountId,
        now: Timestamp,
    ) -> Result<Timestamp, EngineError> {
        let history = self
            .store
            .action_history(account, ActionKind::Invite, plus(now, -WEEK))
            .await?;
        let oldest = history.effects.first().map(|&t| plus(t, WEEK));
        Ok(oldest
            .filter(|&t| t > now)
            .unwrap_or(plus(now, SignedDuration::from_hours(24))))
    }

    /// When the note quota has room again (the oldest counted note leaves the 30 days), or a
    /// week from now without history.
    async fn notes_free_at(
        &self,
        account: overture_core::AccountId,
        effect: &EffectRecord,
        now: Timestamp,
    ) -> Result<Timestamp, EngineError> {
        let history = self
            .store
            .action_history(account, ActionKind::Invite, plus(now, -NOTE_WINDOW))
            .await?;
        // The refused attempt itself is not a note that went out.
        let oldest = history
            .notes
            .iter()
            .find(|&&t| t != effect.intent_at)
            .map(|&t| plus(t, NOTE_WINDOW));
        Ok(oldest
            .filter(|&t| t > now)
            .unwrap_or(plus(now, SignedDuration::from_hours(7 * 24))))
    }
}
