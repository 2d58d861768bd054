//! Executing due actions: gates (account, back-offs, limits, note quota, cooldown), the
//! intent, the channel call, and the result with its state changes in one transaction.

use futures_util::future::join_all;
use jiff::Timestamp;
use overture_channel::{
    Channel, ChannelError, Channels, EmailRequest, InviteRequest, MessageRequest, Profile,
};
use overture_clock::Clock;
use overture_core::cooldown::DEFAULT_REINVITE_COOLDOWN;
use overture_core::governor;
use overture_core::limits::{LimitQuery, NOTE_WINDOW, allowance, history_window};
use overture_core::sequence::CampaignSpec;
use overture_core::{
    Account, AccountStatus, ActionKind, Cooldown, EnrollmentState, EventKind, InvitationEvent,
    InvitationId, ProfileUrl,
};
use overture_store::{
    BackoffAxis, Changes, ClaimedAction, EffectOutcome, EffectResult, EnrollmentRecord,
    EnrollmentUpdate, Intent, IntentOutcome, InvitationChange, NewInvitation, Proximity, Store,
    StoreError, waves,
};
use serde_json::json;

use crate::advance::after_step;
use crate::config::Failpoint;
use crate::payload::Payload;
use crate::{Engine, EngineError, TickReport, plus};

/// How long after a queued withdrawal is due an invitation held at the pending cap looks again.
const AFTER_WITHDRAWAL: jiff::SignedDuration = jiff::SignedDuration::from_mins(2);

/// A claimed action with everything needed to carry it out.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    pub claim: ClaimedAction,
    pub account: Account,
    pub payload: Payload,
    pub profile: ProfileUrl,
    pub enrollment: Option<EnrollmentRecord>,
    pub spec: Option<CampaignSpec>,
}

impl Job {
    /// The enrollment change that stops it for `reason`.
    pub(crate) fn stop(&self, reason: &str) -> Option<EnrollmentUpdate> {
        self.enrollment.as_ref().map(|r| EnrollmentUpdate {
            id: r.enrollment.id,
            expect_step: self.payload.step,
            step: self.payload.step,
            state: EnrollmentState::Stopped,
            next_due_at: None,
            attempt: r.attempt,
            reason: Some(reason.to_owned()),
        })
    }

    /// Whether the job's campaign invites again after withdrawals (`retry_after_withdrawal`):
    /// an invitation the re-invite cooldown refuses then waits for the cooldown's end instead
    /// of stopping the lead's sequence.
    pub(crate) fn waits_out_cooldowns(&self) -> bool {
        self.spec
            .as_ref()
            .is_some_and(|spec| spec.settings.retry_after_withdrawal.is_some())
    }
}

impl<S: Store, C: Channels, K: Clock> Engine<S, C, K> {
    /// Claims due actions in batches and executes them until none is due.
    pub(crate) async fn execute(&mut self, report: &mut TickReport) -> Result<(), EngineError> {
        // Every executed action leaves the due set (done, failed, or released to a later
        // instant); the bound only guards against a store that does not.
        for _ in 0..10_000 {
            let now = self.clock.now();
            let claims = self.claim(now).await?;
            if claims.is_empty() {
                break;
            }
            self.failpoint(Failpoint::AfterClaim)?;
            // Nothing executed here becomes due again at this instant (a release is at least
            // a second later), so a short batch was the last one.
            let last = claims.len() < usize::try_from(self.config.batch).unwrap_or(usize::MAX);
            for wave in waves(claims) {
                let mut jobs = Vec::with_capacity(wave.len());
                for claim in wave {
                    if let Some(job) = self.job(claim, report).await? {
                        jobs.push(job);
                    }
                }
                self.execute_wave(jobs, report).await?;
            }
            if last {
                break;
            }
        }
        Ok(())
    }

    /// Loads what an action needs; a malformed action fails at once.
    pub(crate) async fn job(
        &mut self,
        claim: ClaimedAction,
        report: &mut TickReport,
    ) -> Result<Option<Job>, EngineError> {
        let action = &claim.action;
        let ws = action.workspace_id;
        let account = self.account(ws, action.account_id).await?;
        let parsed = serde_json::from_str::<Payload>(&action.payload)
            .map_err(|e| e.to_string())
            .and_then(|p| {
                let url = ProfileUrl::parse(&p.profile).map_err(|e| e.to_string())?;
                Ok((p, url))
            });
        let (payload, profile) = match parsed {
            Ok(parsed) => parsed,
            Err(error) => {
                let error = format!("malformed action payload: {error}");
                let result = EffectResult::Failed { error };
                self.finish(&claim, result, Changes::default(), report)
                    .await?;
                return Ok(None);
            }
        };
        let enrollment = match action.enrollment_id {
            Some(id) => self.store.enrollment(ws, id).await.ok(),
            None => None,
        };
        let spec = match action.campaign_id {
            Some(id) => Some(self.campaign(ws, id).await?.spec),
            None => None,
        };
        Ok(Some(Job {
            claim,
            account,
            payload,
            profile,
            enrollment,
            spec,
        }))
    }

    /// Carries out a wave of jobs, each of another account: each passes its gates, then their
    /// intents are committed together, their channel calls made at once, and their results
    /// committed together. A job its gates stop, or whose call fails, is settled on its own.
    async fn execute_wave(
        &mut self,
        wave: Vec<Job>,
        report: &mut TickReport,
    ) -> Result<(), EngineError> {
        let mut admitted = Vec::with_capacity(wave.len());
        for job in wave {
            if let Some((with_note, at)) = self.admit(&job, report).await? {
                admitted.push((job, with_note, at));
            }
        }
        if admitted.is_empty() {
            return Ok(());
        }
        let intents = admitted
            .iter()
            .map(|(job, with_note, at)| Intent {
                action: job.claim.action.id,
                fence: job.claim.fence,
                at: *at,
                with_note: *with_note,
            })
            .collect();
        let answers = self.store.record_intents(intents).await?;
        let mut recorded = Vec::with_capacity(admitted.len());
        let mut earlier = Vec::new();
        for ((job, with_note, _), answer) in admitted.into_iter().zip(answers) {
            match answer {
                Ok(IntentOutcome::Recorded(effect)) => recorded.push((job, with_note, effect)),
                Ok(IntentOutcome::AlreadyRecorded(effect)) => earlier.push((job, effect)),
                // Another worker took the action over: it is theirs now.
                Err(StoreError::Conflict { .. }) => {}
                // The database failed for this one: no call is made for any of them (the
                // recorded intents are reconciled, as after a crash).
                Err(e) => return Err(e.into()),
            }
        }
        for (job, effect) in earlier {
            self.reconcile(&job, &effect, report).await?;
        }
        if recorded.is_empty() {
            return Ok(());
        }
        self.failpoint(Failpoint::AfterIntent)?;
        let mut calling = Vec::with_capacity(recorded.len());
        for entry in recorded {
            // Another worker holds the account now (this process was frozen or cut off past
            // its lease): the intent is theirs to reconcile, and the channel is not called.
            if self.still_holds(entry.0.account.id).await? {
                calling.push(entry);
            }
        }
        // Each call is another account's (another session or mailbox): they run at once.
        let channels = &self.channels;
        let results = join_all(calling.iter().map(|(job, with_note, _)| async move {
            match channels.channel(&job.account) {
                Ok(channel) => call(&channel, job, *with_note).await,
                Err(e) => Err(e),
            }
        }))
        .await;
        self.failpoint(Failpoint::AfterChannelCall)?;
        let mut done = Vec::with_capacity(calling.len());
        let mut failed = Vec::new();
        for ((job, with_note, effect), result) in calling.into_iter().zip(results) {
            match result {
                Ok(Called { external_id, seen }) => {
                    let at = effect.intent_at;
                    let mut changes = self
                        .happened(&job, with_note, external_id.clone(), at)
                        .await?;
                    if let (Some(seen), Some(record)) = (seen, &job.enrollment) {
                        changes.proximity.push(Proximity {
                            enrollment: record.enrollment.id,
                            degree: seen.degree,
                            mutual_connections: seen.mutual_connections,
                        });
                    }
                    report.actions_done += 1;
                    let result = EffectResult::Done { external_id };
                    done.push((job.claim, result, changes));
                }
                Err(error) => failed.push((job, effect, error)),
            }
        }
        self.finish_all(done).await?;
        for (job, effect, error) in failed {
            self.react(&job, &effect, error, report).await?;
        }
        Ok(())
    }

    /// Runs a job's gates: `Some((with_note, now))` when it may be carried out now (the
    /// instant the gates looked at), `None` when a gate settled it (released, failed, or
    /// reconciled).
    async fn admit(
        &mut self,
        job: &Job,
        report: &mut TickReport,
    ) -> Result<Option<(bool, Timestamp)>, EngineError> {
        let now = self.clock.now();
        let action = &job.claim.action;
        let kind = action.kind;
        let account = &job.account;
        // An intent left without a result by an earlier claim: what happened is asked of the
        // channel first. Neither a gate's release nor a fresh attempt may paper over it.
        if let Some(effect) = job.claim.in_flight.clone() {
            return self.reconcile(job, &effect, report).await.map(|()| None);
        }
        // The suppression list, read in the claiming transaction: nobody on it is contacted
        // (a withdrawal still goes: it takes an invitation back).
        if let Some(entry) = job
            .claim
            .suppressed
            .as_ref()
            .filter(|_| kind != ActionKind::Withdraw)
        {
            let reason = format!("suppressed: {entry}");
            let mut changes = Changes::default();
            changes.enrollments.extend(job.stop(&reason));
            report.actions_failed += 1;
            let result = EffectResult::Failed { error: reason };
            return self
                .finish(&job.claim, result, changes, report)
                .await
                .map(|()| None);
        }
        if !account.status.may_act(now) {
            let due = match &account.status {
                AccountStatus::Restricted { until } => *until,
                _ => plus(now, self.config.paused_recheck),
            };
            return self.release(job, due, report).await.map(|()| None);
        }
        let backoffs = self.store.backoffs(account.id).await?;
        let active = |axis| {
            backoffs
                .iter()
                .find(|b| b.axis == axis && b.until > now)
                .map(|b| b.until)
        };
        if let Some(until) = active(BackoffAxis::Action(kind)) {
            return self.release(job, until, report).await.map(|()| None);
        }
        let history = self
            .store
            .effect_history(
                account.id,
                kind,
                plus(now, -history_window(kind, &account.limits)),
            )
            .await?;
        let answer = allowance(&LimitQuery {
            kind,
            limits: &account.limits,
            zone: &account.time_zone,
            hours: &account.working_hours,
            created_at: account.created_at,
            history: &history.effects,
            notes: &history.notes,
            jitter_sample: 0.0,
            now,
        });
        if answer.next_allowed != Some(now) {
            let due = answer
                .next_allowed
                .unwrap_or(plus(now, self.config.paused_recheck));
            return self.release(job, due, report).await.map(|()| None);
        }
        let mut with_note = kind == ActionKind::Invite && job.payload.note.is_some();
        if with_note {
            let quota_ok = answer.note.is_none_or(|n| n.may_attach_now(now));
            let note_backoff = active(BackoffAxis::InviteNote);
            if !quota_ok || note_backoff.is_some() {
                if job.payload.without_note_if_quota_exhausted {
                    with_note = false;
                } else {
                    // Never drop a note silently: wait for the quota.
                    let quota = answer.note.and_then(|n| n.next_allowed);
                    let due = quota.max(note_backoff).unwrap_or(plus(now, NOTE_WINDOW));
                    return self
                        .release(job, due.max(plus(now, self.config.lease)), report)
                        .await
                        .map(|()| None);
                }
            }
        }
        if kind == ActionKind::Invite
            && let Some(lead) = action.lead_id
            && let Some(cooldown) = self
                .store
                .cooldown(action.workspace_id, account.id, lead)
                .await?
            && !cooldown.allows(now)
        {
            if job.waits_out_cooldowns() {
                return self
                    .release(job, cooldown.reinvite_not_before, report)
                    .await
                    .map(|()| None);
            }
            let mut changes = Changes::default();
            changes.enrollments.extend(job.stop("cooling_down"));
            let error = "the person cannot be invited again yet (cooldown)".to_owned();
            report.actions_failed += 1;
            return self
                .finish(&job.claim, EffectResult::Failed { error }, changes, report)
                .await
                .map(|()| None);
        }
        if kind == ActionKind::Invite {
            // The pending cap holds whatever was planned: at the cap the invitation waits.
            let pending = self
                .store
                .pending_count(action.workspace_id, account.id)
                .await?;
            let pending = usize::try_from(pending).unwrap_or(usize::MAX);
            if !governor::may_invite(&account.governor, pending) {
                // A queued withdrawal will make room: look again just after it is due.
                let later = self
                    .queued_withdrawals(account)
                    .await?
                    .into_iter()
                    .map(|due| due.max(now))
                    .min()
                    .map_or(plus(now, self.config.poll_every), |due| {
                        plus(due, AFTER_WITHDRAWAL).min(plus(now, self.config.poll_every))
                    });
                return self.release(job, later, report).await.map(|()| None);
            }
        }
        Ok(Some((with_note, now)))
    }

    /// Passes failpoint `point`: calls the hook, then stops here when the configured failpoint
    /// is `point`.
    pub(crate) fn failpoint(&self, point: Failpoint) -> Result<(), EngineError> {
        if let Some(hook) = &self.config.on_failpoint {
            (hook.0)(point);
        }
        match self.config.failpoint {
            Some(p) if p == point => Err(EngineError::Failpoint(p)),
            _ => Ok(()),
        }
    }

    /// Puts the action back in the queue, due at `due` (at least a second from now).
    pub(crate) async fn release(
        &mut self,
        job: &Job,
        due: Timestamp,
        report: &mut TickReport,
    ) -> Result<(), EngineError> {
        let now = self.clock.now();
        let due = due.max(plus(now, jiff::SignedDuration::from_secs(1)));
        report.actions_released += 1;
        let result = EffectResult::Retry {
            due_at: due,
            error: None,
        };
        self.finish(&job.claim, result, Changes::default(), report)
            .await
    }

    /// Records an attempt's end with its changes; a lost claim is left to its new holder.
    pub(crate) async fn finish(
        &mut self,
        claim: &ClaimedAction,
        result: EffectResult,
        changes: Changes,
        _report: &mut TickReport,
    ) -> Result<(), EngineError> {
        let outcome = self.outcome(claim, result, changes);
        self.failpoint(Failpoint::DuringCommit)?;
        let answer = self.store.complete_effect(outcome).await;
        settled(claim, answer)
    }

    /// [`Engine::finish`] for several attempts (each of another account), in one call to the
    /// store, which may commit them together.
    async fn finish_all(
        &mut self,
        ended: Vec<(ClaimedAction, EffectResult, Changes)>,
    ) -> Result<(), EngineError> {
        if ended.is_empty() {
            return Ok(());
        }
        let (claims, outcomes): (Vec<_>, Vec<_>) = ended
            .into_iter()
            .map(|(claim, result, changes)| {
                let outcome = self.outcome(&claim, result, changes);
                (claim, outcome)
            })
            .unzip();
        self.failpoint(Failpoint::DuringCommit)?;
        let answers = self.store.complete_effects(outcomes).await?;
        let mut first_error = Ok(());
        for (claim, answer) in claims.iter().zip(answers) {
            let settled = settled(claim, answer);
            if first_error.is_ok() {
                first_error = settled;
            }
        }
        first_error
    }

    /// The outcome to record for an attempt; the account statuses it changes are cached at
    /// once.
    fn outcome(
        &mut self,
        claim: &ClaimedAction,
        result: EffectResult,
        changes: Changes,
    ) -> EffectOutcome {
        for (account, status) in &changes.account_status {
            if let Some(cached) = self.accounts.get_mut(account) {
                cached.status = status.clone();
            }
        }
        EffectOutcome {
            action: claim.action.id,
            fence: claim.fence,
            at: self.clock.now(),
            result,
            changes,
        }
    }

    /// The changes of an effect that happened ([`Engine::success`]); a withdrawal outside any
    /// sequence (the governor's, a command's) also wakes the enrollment waiting for that
    /// invitation, so that it takes its branch, or is invited again, without waiting out its
    /// `within`.
    pub(crate) async fn happened(
        &mut self,
        job: &Job,
        with_note: bool,
        external_id: Option<String>,
        now: Timestamp,
    ) -> Result<Changes, EngineError> {
        let mut changes = self.success(job, with_note, external_id, now);
        let action = &job.claim.action;
        if action.kind == ActionKind::Withdraw
            && job.enrollment.is_none()
            && let Some(lead) = action.lead_id
        {
            let wake = self
                .wake_waiting(action.workspace_id, action.account_id, lead, now)
                .await?;
            changes.enrollments.extend(wake);
        }
        Ok(changes)
    }

    /// The changes of an effect that happened: its facts, and the enrollment's next step.
    pub(crate) fn success(
        &self,
        job: &Job,
        with_note: bool,
        external_id: Option<String>,
        now: Timestamp,
    ) -> Changes {
        let action = &job.claim.action;
        let ws = action.workspace_id;
        let mut changes = Changes::default();
        let kind = match action.kind {
            ActionKind::Visit => EventKind::ProfileVisited,
            ActionKind::Follow => EventKind::Followed,
            ActionKind::Like => EventKind::PostLiked,
            ActionKind::Invite => EventKind::InviteSent,
            ActionKind::Withdraw => EventKind::InviteWithdrawn,
            ActionKind::Message => EventKind::MessageSent,
            ActionKind::Email => EventKind::EmailSent,
        };
        let data = json!({ "action": action.id, "with_note": with_note });
        changes.events.push(Self::event(
            ws,
            kind,
            now,
            Some(action.account_id),
            action.lead_id,
            action.campaign_id,
            data,
        ));
        if let Some(lead) = action.lead_id {
            match action.kind {
                ActionKind::Invite => {
                    changes
                        .invitations
                        .push(InvitationChange::Sent(NewInvitation {
                            workspace_id: ws,
                            account_id: action.account_id,
                            lead_id: lead,
                            campaign_id: action.campaign_id,
                            external_id,
                            note: job.payload.note.clone().filter(|_| with_note),
                            sent_at: now,
                        }));
                }
                ActionKind::Withdraw => {
                    if let Some(id) = job.payload.invitation {
                        changes.invitations.push(InvitationChange::Transition {
                            id: InvitationId(id),
                            event: InvitationEvent::Withdraw,
                            at: now,
                        });
                    }
                    changes.cooldowns.push(Cooldown {
                        workspace_id: ws,
                        account_id: action.account_id,
                        lead_id: lead,
                        reinvite_not_before: plus(now, DEFAULT_REINVITE_COOLDOWN),
                    });
                }
                _ => {}
            }
        }
        if let (Some(record), Some(spec)) = (&job.enrollment, &job.spec) {
            let (step, state) = after_step(spec, job.payload.step);
            changes.enrollments.push(EnrollmentUpdate {
                id: record.enrollment.id,
                expect_step: job.payload.step,
                step,
                state,
                next_due_at: (state == EnrollmentState::Active).then_some(now),
                attempt: 0,
                reason: None,
            });
        }
        changes
    }
}

/// What the store's answer to an attempt's result means for the engine: a result refused
/// because the action changed hands is left to its new holder (logged); any other error
/// stops the turn.
fn settled<T>(claim: &ClaimedAction, answer: Result<T, StoreError>) -> Result<(), EngineError> {
    match answer {
        Ok(_) => Ok(()),
        Err(StoreError::Conflict { key, .. }) => {
            tracing::warn!(action = %claim.action.id, reason = %key, "result refused: the action changed hands");
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

/// Carries out the action on the channel; the answer is the id of what it created, if any.
pub(crate) async fn call<Ch: Channel>(
    channel: &Ch,
    job: &Job,
    with_note: bool,
) -> Result<Called, ChannelError> {
    let profile = &job.profile;
    let key = job.claim.action.idempotency_key.clone();
    let external_id = match job.claim.action.kind {
        ActionKind::Visit => {
            let seen = channel.visit(profile).await?;
            return Ok(Called {
                external_id: None,
                seen: Some(seen),
            });
        }
        ActionKind::Follow => channel.follow(profile).await.map(|()| None),
        ActionKind::Like => channel.like_recent_post(profile).await.map(|_| None),
        ActionKind::Invite => {
            let request = InviteRequest {
                profile: profile.clone(),
                note: job.payload.note.clone().filter(|_| with_note),
                idempotency_key: key,
            };
            channel.invite(request).await.map(|s| Some(s.invitation_id))
        }
        ActionKind::Message => {
            let request = MessageRequest {
                profile: profile.clone(),
                text: job.payload.text.clone().unwrap_or_default(),
                idempotency_key: key,
            };
            channel
                .send_message(request)
                .await
                .map(|m| Some(m.message_id))
        }
        ActionKind::Withdraw => {
            let id = match &job.payload.invitation_external {
                Some(id) => Some(id.clone()),
                None => find_invitation(channel, profile).await?,
            };
            match id {
                Some(id) => channel.withdraw(&id).await.map(|()| Some(id)),
                // Nothing pending at the network: there is nothing left to withdraw.
                None => Ok(None),
            }
        }
        ActionKind::Email => {
            let payload = &job.payload;
            let (Some(to), Some(subject), Some(text)) =
                (&payload.to, &payload.subject, &payload.text)
            else {
                return Err(ChannelError::Permanent {
                    detail: "an email action without its address, subject or body".into(),
                });
            };
            let request = EmailRequest {
                to: to.clone(),
                to_name: None,
                subject: subject.clone(),
                text: text.clone(),
                html: payload.html.clone(),
                idempotency_key: key,
                unsubscribe_token: payload.unsubscribe.clone().unwrap_or_default(),
                in_reply_to: payload.in_reply_to.clone(),
            };
            channel
                .send_email(request)
                .await
                .map(|m| Some(m.message_id))
        }
    }?;
    Ok(Called {
        external_id,
        seen: None,
    })
}

/// What a channel call that succeeded brought back.
pub(crate) struct Called {
    /// The channel's id for what the call created (an invitation id, a message id).
    pub external_id: Option<String>,
    /// What a visit showed of the person.
    pub seen: Option<Profile>,
}

/// The id of the seat's pending invitation to `profile`, from the sent list (a bounded scan).
pub(crate) async fn find_invitation<Ch: Channel>(
    channel: &Ch,
    profile: &ProfileUrl,
) -> Result<Option<String>, ChannelError> {
    let mut cursor = None;
    for _ in 0..50 {
        let page = channel.sent_invitations(cursor, 100).await?;
        if let Some(found) = page.items.iter().find(|i| &i.profile_url == profile) {
            return Ok(Some(found.invitation_id.clone()));
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok(None),
        }
    }
    Ok(None)
}
