//! Reconciliation: an action whose intent is committed without a result (the process died, or
//! the channel failed after a write) is resolved by asking the channel what happened.

use jiff::SignedDuration;
use overture_channel::{Channel, Channels, Degree};
use overture_clock::Clock;
use overture_core::ActionKind;
use overture_store::{EffectRecord, EffectResult, Store};

use crate::execute::{Job, find_invitation};
use crate::{Engine, EngineError, TickReport, plus};

/// What the channel says about an effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// It happened; the id of what it created, when known.
    Happened(Option<String>),
    /// It did not happen: safe to try again.
    NotHappened,
    /// The channel could not tell (it failed too).
    Unknown(String),
}

impl<S: Store, C: Channels, K: Clock> Engine<S, C, K> {
    /// Takes over and reconciles every action with an intent and no result (start-up).
    pub(crate) async fn reconcile_all(
        &mut self,
        report: &mut TickReport,
    ) -> Result<(), EngineError> {
        let now = self.clock.now();
        let in_flight = self.in_flight(now).await?;
        for flight in in_flight {
            if let Some(job) = self.job(flight.claim, report).await? {
                self.reconcile(&job, &flight.effect, report).await?;
            }
        }
        Ok(())
    }

    /// Resolves one action with an intent and no result.
    pub(crate) async fn reconcile(
        &mut self,
        job: &Job,
        effect: &EffectRecord,
        report: &mut TickReport,
    ) -> Result<(), EngineError> {
        report.reconciled += 1;
        match self.verify(job, effect).await {
            Verdict::Happened(external_id) => {
                self.complete_happened(job, effect, external_id, report)
                    .await
            }
            Verdict::NotHappened => {
                let error = "the channel shows no trace of the effect".to_owned();
                self.retry_or_fail(job, effect, error, report).await
            }
            Verdict::Unknown(error) => {
                // Never retried blindly: after a few fruitless looks a person decides.
                if job.claim.action.attempts > self.config.max_attempts.saturating_add(2) {
                    report.in_doubt += 1;
                    let error = format!("cannot tell whether it happened: {error}");
                    let result = EffectResult::InDoubt { error };
                    self.finish(&job.claim, result, Default::default(), report)
                        .await
                } else {
                    Ok(())
                }
            }
        }
    }

    /// Records an effect the channel confirmed, with its usual changes.
    pub(crate) async fn complete_happened(
        &mut self,
        job: &Job,
        effect: &EffectRecord,
        external_id: Option<String>,
        report: &mut TickReport,
    ) -> Result<(), EngineError> {
        let changes = self
            .happened(job, effect.with_note, external_id.clone(), effect.intent_at)
            .await?;
        report.actions_done += 1;
        let result = EffectResult::Done { external_id };
        self.finish(&job.claim, result, changes, report).await
    }

    /// Asks the channel whether the action's effect happened.
    pub(crate) async fn verify(&self, job: &Job, effect: &EffectRecord) -> Verdict {
        let channel = match self.channels.channel(&job.account) {
            Ok(channel) => channel,
            Err(e) => return Verdict::Unknown(e.to_string()),
        };
        let profile = &job.profile;
        match job.claim.action.kind {
            // The sent list first: it names the invitation (its id serves a later
            // withdrawal). Not there, the profile tells whether it was already accepted or is
            // pending all the same.
            ActionKind::Invite => match find_invitation(&channel, profile).await {
                Ok(Some(id)) => Verdict::Happened(Some(id)),
                Ok(None) => match channel.lookup_profile(profile).await {
                    Ok(found) if found.invitation_pending || found.degree == Degree::First => {
                        Verdict::Happened(None)
                    }
                    Ok(_) => Verdict::NotHappened,
                    Err(e) => Verdict::Unknown(e.to_string()),
                },
                Err(e) => Verdict::Unknown(e.to_string()),
            },
            ActionKind::Message => {
                let since = plus(effect.intent_at, -SignedDuration::from_mins(5));
                match channel.thread(profile, since).await {
                    Ok(thread) => {
                        let token = channel.client_token(&job.claim.action.idempotency_key);
                        let sent = thread
                            .iter()
                            .any(|m| m.from_seat && m.client_token.as_ref() == Some(&token));
                        if sent {
                            Verdict::Happened(None)
                        } else {
                            Verdict::NotHappened
                        }
                    }
                    Err(e) => Verdict::Unknown(e.to_string()),
                }
            }
            ActionKind::Withdraw => match channel.lookup_profile(profile).await {
                Ok(found) if !found.invitation_pending => {
                    Verdict::Happened(job.payload.invitation_external.clone())
                }
                Ok(_) => Verdict::NotHappened,
                Err(e) => Verdict::Unknown(e.to_string()),
            },
            // Visits, follows and likes leave nothing to look up, and doing them twice
            // changes nothing: counted as done (the intent already counts for the limits).
            ActionKind::Visit | ActionKind::Follow | ActionKind::Like => Verdict::Happened(None),
            // The Sent folder tells; a mailbox without one cannot, and the email is never sent
            // again blindly: it ends in doubt for a person to look.
            ActionKind::Email => {
                match channel.email_sent(&job.claim.action.idempotency_key).await {
                    Ok(Some(true)) => Verdict::Happened(None),
                    Ok(Some(false)) => Verdict::NotHappened,
                    Ok(None) => {
                        Verdict::Unknown("the mailbox has no Sent folder to look in".into())
                    }
                    Err(e) => Verdict::Unknown(e.to_string()),
                }
            }
        }
    }
}
