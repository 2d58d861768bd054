//! Advancing enrollments: steps without actions run at once, waits and branches move the
//! enrollment on, and steps with actions become candidates for the planner.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use overture_channel::Channels;
use overture_clock::Clock;
use overture_core::governor;
use overture_core::limits::history_window;
use overture_core::planner::{
    Candidate, LeadSignals, NotePolicy, PlanInput, lead_score, plan_account,
};
use overture_core::sequence::{CampaignSpec, Condition, Jump, StepKind};
use overture_core::suppression::normalise_address;
use overture_core::{
    AccountId, ActionKind, CampaignId, CampaignStatus, Degree, EnrollmentId, EnrollmentState,
    InvitationState, LeadId, SenderProfile, Tier, WorkspaceId,
};
use overture_message::{Template, TextKind, Vars, length, seed};
use overture_store::{Changes, EnrollmentRecord, EnrollmentUpdate, NewAction, StepVariant, Store};

use crate::payload::Payload;
use crate::{Engine, EngineError, TickReport, plus, variants};

/// Where and when a lead is invited again after a withdrawal.
struct InviteAgain {
    /// The `invite` step.
    step: u32,
    /// When the re-invite cooldown is over.
    due: Timestamp,
    /// The step's attempt: the invitations the campaign sent the lead so far, so that each
    /// new invitation has its own idempotency key.
    attempt: u32,
}

/// The idempotency key of a step's action: the same effect always has the same key.
pub(crate) fn idempotency_key(enrollment: EnrollmentId, step: u32, attempt: u32) -> String {
    format!("enrollment:{enrollment}:step:{step}:attempt:{attempt}")
}

/// Where an enrollment goes after its step `step` is done.
pub(crate) fn after_step(spec: &CampaignSpec, step: u32) -> (u32, EnrollmentState) {
    let index = usize::try_from(step).unwrap_or(usize::MAX);
    if index >= spec.steps.len() {
        return (step, EnrollmentState::Completed);
    }
    match spec.next_in_order(index) {
        Jump::To(next) => (to_u32(next), EnrollmentState::Active),
        _ => (step, EnrollmentState::Completed),
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// What advancing one enrollment came to.
enum Advanced {
    /// A change of the enrollment (with tags to put on the lead).
    Update(EnrollmentUpdate, Vec<String>),
    /// Its step needs an action: plan it.
    Candidate(Box<Pending>),
}

/// An enrollment waiting to be planned.
struct Pending {
    record: EnrollmentRecord,
    step: u32,
    kind: ActionKind,
    priority: i32,
    note: NotePolicy,
    payload: Payload,
    tags: Vec<String>,
    /// The account that carries the action when it is not the enrollment's sender (the
    /// mailbox of an `email` step).
    account: Option<AccountId>,
}

impl<S: Store, C: Channels, K: Clock> Engine<S, C, K> {
    /// Advances every due enrollment and plans the ones that need an action.
    pub(crate) async fn advance(
        &mut self,
        now: Timestamp,
        report: &mut TickReport,
    ) -> Result<(), EngineError> {
        // Every enrollment handled here leaves the due set (planned, deferred or moved to a
        // later instant), so a few passes drain it; the bound guards against a store that does
        // not apply an update.
        for _ in 0..64 {
            let mut due = self.store.due_enrollments(now, self.config.batch).await?;
            let read = due.len();
            // A worker moves only the enrollments of the accounts it holds; the others stay
            // due for their holders (and another pass would read them again).
            due.retain(|r| r.enrollment.account_id.is_none_or(|a| self.serves(a, now)));
            let full = read == due.len()
                && read >= usize::try_from(self.config.batch).unwrap_or(usize::MAX);
            let mut changes: BTreeMap<WorkspaceId, Changes> = BTreeMap::new();
            let mut pending: BTreeMap<AccountId, Vec<Pending>> = BTreeMap::new();
            for record in due {
                let ws = record.enrollment.workspace_id;
                let lead = record.enrollment.lead_id;
                match self.advance_one(record, now).await? {
                    Advanced::Update(update, tags) => {
                        let set = changes.entry(ws).or_default();
                        set.tags.extend(tags.into_iter().map(|t| (lead, t)));
                        set.enrollments.push(update);
                        report.advanced += 1;
                    }
                    Advanced::Candidate(p) => match p.account.or(p.record.enrollment.account_id) {
                        Some(account) => pending.entry(account).or_default().push(*p),
                        None => changes.entry(ws).or_default().enrollments.push(stop(
                            &p.record,
                            "no sender account",
                            now,
                        )),
                    },
                }
            }
            for (account, list) in pending {
                self.plan(account, list, now, &mut changes, report).await?;
            }
            for (ws, set) in changes {
                if !set.is_empty() {
                    self.store.apply_changes(ws, set, now).await?;
                }
            }
            if !full {
                break;
            }
        }
        Ok(())
    }

    /// Moves one enrollment through steps without actions until it needs an action, waits,
    /// or ends.
    async fn advance_one(
        &mut self,
        record: EnrollmentRecord,
        now: Timestamp,
    ) -> Result<Advanced, EngineError> {
        let e = &record.enrollment;
        let ws = e.workspace_id;
        let campaign = self.campaign(ws, e.campaign_id).await?;
        let update =
            |step: u32, state, due: Option<Timestamp>, reason: Option<&str>| EnrollmentUpdate {
                id: e.id,
                expect_step: e.step,
                step,
                state,
                next_due_at: due,
                attempt: if step == e.step { record.attempt } else { 0 },
                reason: reason.map(str::to_owned),
            };
        match campaign.status {
            CampaignStatus::Active => {}
            CampaignStatus::Archived => {
                let u = update(
                    e.step,
                    EnrollmentState::Stopped,
                    None,
                    Some("campaign archived"),
                );
                return Ok(Advanced::Update(u, Vec::new()));
            }
            CampaignStatus::Draft | CampaignStatus::Paused => {
                let later = plus(now, self.config.paused_recheck);
                return Ok(Advanced::Update(
                    update(e.step, e.state, Some(later), None),
                    vec![],
                ));
            }
        }
        let spec = &campaign.spec;
        let len = to_u32(spec.steps.len());
        let mut step = e.step;
        // Whether the current step was started before (a wait that ran out, a deadline).
        let mut started = e.state == EnrollmentState::Waiting;
        // A lead the enrollment knows as a first-degree connection (from the last visit, or
        // from the sender's connections in a data export) is connected already: no invitation
        // goes (the network would refuse it), and a wait for acceptance takes its `accepted`
        // branch.
        let connected = record.degree == Some(Degree::First);
        let mut tags = Vec::new();
        for _ in 0..=spec.steps.len() + 1 {
            let jump = |from: u32, target| {
                spec.resolve(usize::try_from(from).unwrap_or(usize::MAX), target)
                    .unwrap_or(Jump::End)
            };
            if step >= len {
                // The implicit withdrawal of a `not_accepted: withdraw` branch.
                let withdraw = self.pending_withdrawal(&record, step, spec.settings.priority);
                return match withdraw.await? {
                    Some(p) if step == len && !started => Ok(Advanced::Candidate(Box::new(p))),
                    _ => Ok(Advanced::Update(
                        update(step, EnrollmentState::Completed, None, None),
                        tags,
                    )),
                };
            }
            let kind = &spec.steps[usize::try_from(step).unwrap_or(0)].kind;
            let next = match kind {
                // An email goes to a lead with an address that is not suppressed, from one of
                // the campaign's mailboxes; for anyone else the step is skipped.
                StepKind::Email(_)
                    if spec.mailboxes.is_empty() || !self.has_email(ws, e.lead_id).await? =>
                {
                    spec.next_in_order(usize::try_from(step).unwrap_or(0))
                }
                StepKind::Invite(_) if connected => {
                    spec.next_in_order(usize::try_from(step).unwrap_or(0))
                }
                StepKind::Branch(branch) => {
                    let holds = match branch.condition {
                        Condition::HasEmail => self.has_email(ws, e.lead_id).await?,
                    };
                    jump(
                        step,
                        if holds {
                            &branch.then
                        } else {
                            &branch.otherwise
                        },
                    )
                }
                StepKind::VisitProfile
                | StepKind::Follow
                | StepKind::LikeRecentPost
                | StepKind::Invite(_)
                | StepKind::Message(_)
                | StepKind::Email(_) => {
                    return match self.candidate(&record, spec, step).await? {
                        Ok(mut p) => {
                            p.tags = tags;
                            Ok(Advanced::Candidate(Box::new(p)))
                        }
                        // A text that cannot go out as written stops the lead, with the
                        // reason: never a gap where a name should be, never over a limit.
                        Err(reason) => Ok(Advanced::Update(
                            update(step, EnrollmentState::Stopped, None, Some(&reason)),
                            tags,
                        )),
                    };
                }
                StepKind::Withdraw => {
                    match self
                        .pending_withdrawal(&record, step, spec.settings.priority)
                        .await?
                    {
                        Some(mut p) => {
                            p.tags = tags;
                            return Ok(Advanced::Candidate(Box::new(p)));
                        }
                        None => spec.next_in_order(usize::try_from(step).unwrap_or(0)),
                    }
                }
                StepKind::Tag { tag } => {
                    tags.push(tag.clone());
                    spec.next_in_order(usize::try_from(step).unwrap_or(0))
                }
                StepKind::End => Jump::End,
                StepKind::Wait { duration } => {
                    if !started {
                        let due = plus(now, duration.to_signed_duration());
                        let u = update(step, EnrollmentState::Waiting, Some(due), None);
                        return Ok(Advanced::Update(u, tags));
                    }
                    spec.next_in_order(usize::try_from(step).unwrap_or(0))
                }
                StepKind::WaitForAcceptance(wait) if connected => jump(step, &wait.accepted),
                StepKind::WaitForAcceptance(wait) => {
                    let account = e.account_id.unwrap_or(AccountId(0));
                    let invitation = self.store.latest_invitation(ws, account, e.lead_id).await?;
                    let state = invitation.map(|i| i.state);
                    match state {
                        Some(InvitationState::Accepted) => jump(step, &wait.accepted),
                        Some(InvitationState::Pending) if !started => {
                            let due = plus(now, wait.within.to_signed_duration());
                            let u = update(step, EnrollmentState::Waiting, Some(due), None);
                            return Ok(Advanced::Update(u, tags));
                        }
                        Some(InvitationState::Withdrawn) => {
                            match self.invite_again(&record, spec, step, now).await? {
                                Some(again) => {
                                    let u = EnrollmentUpdate {
                                        step: again.step,
                                        // A new invitation is a new action: its own key.
                                        attempt: again.attempt,
                                        ..update(
                                            again.step,
                                            EnrollmentState::Waiting,
                                            Some(again.due),
                                            None,
                                        )
                                    };
                                    return Ok(Advanced::Update(u, tags));
                                }
                                None => jump(step, &wait.not_accepted),
                            }
                        }
                        _ => jump(step, &wait.not_accepted),
                    }
                }
            };
            started = false;
            match next {
                Jump::To(index) => step = to_u32(index),
                Jump::End => {
                    let u = update(step, EnrollmentState::Completed, None, None);
                    return Ok(Advanced::Update(u, tags));
                }
                Jump::WithdrawAndEnd => step = len,
            }
        }
        Ok(Advanced::Update(
            update(step, EnrollmentState::Completed, None, None),
            tags,
        ))
    }

    /// Where a lead whose invitation was withdrawn while it waited at step `wait` goes to be
    /// invited again, and when: the campaign's last `invite` step before `wait`, once the
    /// re-invite cooldown is over. `None` when the campaign does not opt in
    /// (`retry_after_withdrawal`) or the lead has had all its attempts: the first invitation
    /// and `max_attempts` more.
    async fn invite_again(
        &self,
        record: &EnrollmentRecord,
        spec: &CampaignSpec,
        wait: u32,
        now: Timestamp,
    ) -> Result<Option<InviteAgain>, EngineError> {
        let e = &record.enrollment;
        let (Some(retry), Some(account)) = (spec.settings.retry_after_withdrawal, e.account_id)
        else {
            return Ok(None);
        };
        let before = usize::try_from(wait)
            .unwrap_or(usize::MAX)
            .min(spec.steps.len());
        let Some(invite_step) = spec.steps[..before]
            .iter()
            .rposition(|s| matches!(s.kind, StepKind::Invite(_)))
        else {
            return Ok(None);
        };
        let ws = e.workspace_id;
        let sent = self
            .store
            .invitations_to(ws, account, e.lead_id)
            .await?
            .iter()
            .filter(|i| i.campaign_id == Some(e.campaign_id))
            .count();
        let allowed = usize::try_from(retry.max_attempts)
            .unwrap_or(usize::MAX)
            .saturating_add(1);
        if sent >= allowed {
            return Ok(None);
        }
        let cooldown = self.store.cooldown(ws, account, e.lead_id).await?;
        Ok(Some(InviteAgain {
            step: to_u32(invite_step),
            due: cooldown.map_or(now, |c| c.reinvite_not_before.max(now)),
            attempt: to_u32(sent),
        }))
    }

    /// The candidate for an action step, with its text rendered for the lead; `Err` with the
    /// reason when the text cannot be sent (see [`Engine::render`]).
    async fn candidate(
        &mut self,
        record: &EnrollmentRecord,
        spec: &CampaignSpec,
        step: u32,
    ) -> Result<Result<Pending, String>, EngineError> {
        let e = &record.enrollment;
        let lead = self.store.lead(e.workspace_id, e.lead_id).await?;
        let (sender, tier) = match e.account_id {
            Some(id) => {
                let account = self.account(e.workspace_id, id).await?;
                (account.sender, account.tier)
            }
            None => (SenderProfile::default(), Tier::Free),
        };
        let vars = Vars::new(&lead.data, &sender);
        let index = usize::try_from(step).unwrap_or(0);
        let variant = self.variant(record, spec, step).await?;
        let mut payload = Payload {
            step,
            profile: lead.data.profile_url.to_string(),
            ..Payload::default()
        };
        let mut account = None;
        let (kind, note) = match &spec.steps[index].kind {
            StepKind::VisitProfile => (ActionKind::Visit, NotePolicy::NoNote),
            StepKind::Follow => (ActionKind::Follow, NotePolicy::NoNote),
            StepKind::LikeRecentPost => (ActionKind::Like, NotePolicy::NoNote),
            StepKind::Invite(invite) => {
                // A lead invited again after a withdrawal (only that gives an `invite` step an
                // attempt above 0, see `invite_again`) gets the campaign's chosen note.
                let retry_variant = spec
                    .settings
                    .retry_after_withdrawal
                    .and_then(|r| r.note_variant)
                    .filter(|_| record.attempt > 0);
                let variant = retry_variant
                    .and_then(|chosen| usize::try_from(chosen).ok())
                    .unwrap_or(variant);
                let text = invite.notes.get(variant).or(invite.notes.first());
                payload.variant = variants::sent(invite.notes.len(), variant);
                if let Some(source) = text {
                    let spin = seed(lead.id.get(), step, to_u32(variant));
                    match self.render(source, &vars, spin, TextKind::Invite, tier) {
                        Ok(note) => payload.note = Some(note),
                        Err(reason) => return Ok(Err(format!("invitation note: {reason}"))),
                    }
                }
                payload.without_note_if_quota_exhausted = invite.without_note_if_quota_exhausted;
                let policy = match (&payload.note, invite.without_note_if_quota_exhausted) {
                    (None, _) => NotePolicy::NoNote,
                    (Some(_), true) => NotePolicy::DropWhenExhausted,
                    (Some(_), false) => NotePolicy::Required,
                };
                (ActionKind::Invite, policy)
            }
            StepKind::Message(message) => {
                let text = message.texts.get(variant).or(message.texts.first());
                payload.variant = variants::sent(message.texts.len(), variant);
                if let Some(source) = text {
                    let spin = seed(lead.id.get(), step, to_u32(variant));
                    match self.render(source, &vars, spin, TextKind::Message, tier) {
                        Ok(text) => payload.text = Some(text),
                        Err(reason) => return Ok(Err(format!("message: {reason}"))),
                    }
                }
                (ActionKind::Message, NotePolicy::NoNote)
            }
            StepKind::Email(email) => {
                let ws = e.workspace_id;
                let Some(to) = lead.data.email.as_deref().and_then(normalise_address) else {
                    return Ok(Err("email: the lead has no email address".to_owned()));
                };
                let mailbox = self.mailbox_for(ws, spec, lead.id).await?;
                let from = self.account(ws, mailbox).await?;
                let vars = Vars::new(&lead.data, &from.sender);
                let content = email.variants.get(variant).or(email.variants.first());
                payload.variant = variants::sent(email.variants.len(), variant);
                if let Some(content) = content {
                    let spin = seed(lead.id.get(), step, to_u32(variant));
                    let subject =
                        self.render(&content.subject, &vars, spin, TextKind::EmailSubject, tier);
                    let body = self.render(&content.body, &vars, spin, TextKind::EmailBody, tier);
                    let html = content
                        .html
                        .as_ref()
                        .map(|source| self.render(source, &vars, spin, TextKind::EmailBody, tier));
                    if let Some(Err(reason)) = &html {
                        return Ok(Err(format!("email html: {reason}")));
                    }
                    payload.html = html.and_then(Result::ok);
                    match (subject, body) {
                        (Ok(subject), Ok(body)) => {
                            payload.subject = Some(subject);
                            payload.text = Some(body);
                        }
                        (Err(reason), _) => return Ok(Err(format!("email subject: {reason}"))),
                        (_, Err(reason)) => return Ok(Err(format!("email body: {reason}"))),
                    }
                }
                payload.to = Some(to);
                payload.in_reply_to = self.store.last_email_of(ws, e.id).await?;
                payload.unsubscribe = Some(
                    self.store
                        .unsubscribe_token(ws, lead.id, self.clock.now())
                        .await?,
                );
                account = Some(mailbox);
                (ActionKind::Email, NotePolicy::NoNote)
            }
            _ => (ActionKind::Withdraw, NotePolicy::NoNote),
        };
        Ok(Ok(Pending {
            record: record.clone(),
            step,
            kind,
            priority: spec.settings.priority,
            note,
            payload,
            tags: Vec::new(),
            account,
        }))
    }

    /// Whether the lead has an email address that is not on the suppression list.
    async fn has_email(&self, ws: WorkspaceId, lead: LeadId) -> Result<bool, EngineError> {
        let found = self.store.lead(ws, lead).await?;
        let usable = found
            .data
            .email
            .as_deref()
            .and_then(normalise_address)
            .is_some();
        Ok(usable && self.store.lead_suppression(ws, lead).await?.is_none())
    }

    /// The mailbox that writes to `lead`: one of the campaign's, the same for the lead every
    /// time (chosen by its id), so a thread of emails comes from one address.
    async fn mailbox_for(
        &mut self,
        ws: WorkspaceId,
        spec: &CampaignSpec,
        lead: LeadId,
    ) -> Result<AccountId, EngineError> {
        let count = u64::try_from(spec.mailboxes.len()).unwrap_or(1).max(1);
        let index = usize::try_from(lead.get().unsigned_abs() % count).unwrap_or(0);
        let name = &spec.mailboxes[index.min(spec.mailboxes.len().saturating_sub(1))];
        Ok(self.store.account_by_name(ws, name).await?.id)
    }

    /// Renders `source` for a lead: the text, or why it must not be sent (the template does
    /// not compile, a value is missing, the text is empty or over the kind's limit).
    fn render(
        &mut self,
        source: &str,
        vars: &Vars,
        spin: u64,
        kind: TextKind,
        tier: Tier,
    ) -> Result<String, String> {
        let template = self
            .templates
            .entry(source.to_owned())
            .or_insert_with(|| {
                Template::new(source)
                    .map(Arc::new)
                    .map_err(|e| e.to_string())
            })
            .clone()?;
        let text = template.render(vars, spin).map_err(|e| e.message)?;
        if text.is_empty() {
            return Err("the text renders empty".to_owned());
        }
        let n = length(&text);
        match kind.limit(tier) {
            Some(limit) if n > limit => Err(format!(
                "the text is {n} characters, over the limit of {limit}"
            )),
            _ => Ok(text),
        }
    }

    /// The withdrawal candidate when the sender has a pending invitation to the lead.
    async fn pending_withdrawal(
        &self,
        record: &EnrollmentRecord,
        step: u32,
        priority: i32,
    ) -> Result<Option<Pending>, EngineError> {
        let e = &record.enrollment;
        let Some(account) = e.account_id else {
            return Ok(None);
        };
        let invitation = self
            .store
            .latest_invitation(e.workspace_id, account, e.lead_id)
            .await?;
        let Some(invitation) = invitation.filter(|i| i.state == InvitationState::Pending) else {
            return Ok(None);
        };
        let lead = self.store.lead(e.workspace_id, e.lead_id).await?;
        Ok(Some(Pending {
            account: None,
            record: record.clone(),
            step,
            kind: ActionKind::Withdraw,
            priority,
            note: NotePolicy::NoNote,
            payload: Payload {
                step,
                profile: lead.data.profile_url.to_string(),
                invitation: Some(invitation.id.get()),
                invitation_external: invitation.external_id,
                ..Payload::default()
            },
            tags: Vec::new(),
        }))
    }

    /// Plans one account's candidates and adds the actions and deferrals to `changes`.
    async fn plan(
        &mut self,
        account_id: AccountId,
        list: Vec<Pending>,
        now: Timestamp,
        changes: &mut BTreeMap<WorkspaceId, Changes>,
        report: &mut TickReport,
    ) -> Result<(), EngineError> {
        let Some(first) = list.first() else {
            return Ok(());
        };
        let ws = first.record.enrollment.workspace_id;
        let account = self.account(ws, account_id).await?;
        let mut history = BTreeMap::new();
        let mut notes = Vec::new();
        let mut invite_room = u32::MAX;
        let mut waiting = 0usize;
        for kind in list.iter().map(|p| p.kind).collect::<BTreeSet<_>>() {
            let since = plus(now, -history_window(kind, &account.limits));
            let h = self.store.action_history(account_id, kind, since).await?;
            if kind == ActionKind::Invite {
                notes = h.notes.clone();
                // Queued invitations will be pending too once sent; queued withdrawals will
                // make room (an invitation due before its room is made waits for it when it
                // is executed, see `execute`).
                let pending = self.store.pending_count(ws, account_id).await?;
                let withdrawing = self.queued_withdrawals(&account).await?.len();
                waiting = usize::try_from(pending)
                    .unwrap_or(usize::MAX)
                    .saturating_add(h.planned.len())
                    .saturating_sub(withdrawing);
                invite_room = governor::invite_room(&account.governor, waiting);
            }
            let mut all = h.effects;
            all.extend(h.planned);
            history.insert(kind, all);
        }
        // The caps campaigns set for themselves (`settings.governor.max_pending`).
        let inviting: BTreeSet<CampaignId> = list
            .iter()
            .filter(|p| p.kind == ActionKind::Invite)
            .map(|p| p.record.enrollment.campaign_id)
            .collect();
        let waiting = u32::try_from(waiting).unwrap_or(u32::MAX);
        let mut campaign_room: HashMap<CampaignId, u32> = HashMap::new();
        for id in inviting {
            let campaign = self.campaign(ws, id).await?;
            let cap = campaign.spec.settings.governor.max_pending;
            let room = cap.map_or(u32::MAX, |cap| cap.saturating_sub(waiting));
            campaign_room.insert(id, room);
        }
        let candidates: Vec<Candidate> = list
            .iter()
            .map(|p| Candidate {
                enrollment: p.record.enrollment.id,
                kind: p.kind,
                ready_at: p.record.enrollment.next_due_at.unwrap_or(now).max(now),
                priority: p.priority,
                score: lead_score(LeadSignals {
                    warmed_up: p.record.warmed_up,
                    second_degree: p.record.degree.map(|d| d == Degree::Second),
                    mutual_connections: p.record.mutual_connections,
                }),
                note: p.note,
                invite_room: campaign_room
                    .get(&p.record.enrollment.campaign_id)
                    .copied()
                    .unwrap_or(u32::MAX),
            })
            .collect();
        if candidates.iter().any(|c| c.kind == ActionKind::Invite) {
            self.wants_to_invite.insert(account_id);
        }
        let plan = plan_account(&PlanInput {
            account: &account,
            history: &history,
            notes: &notes,
            candidates: &candidates,
            invite_room,
            seed: self.config.seed,
            now,
        });
        let mut by_id: HashMap<EnrollmentId, Pending> = list
            .into_iter()
            .map(|p| (p.record.enrollment.id, p))
            .collect();
        let set = changes.entry(ws).or_default();
        for s in plan.scheduled {
            let Some(mut p) = by_id.remove(&s.enrollment) else {
                continue;
            };
            let e = &p.record.enrollment;
            if !s.with_note && p.kind == ActionKind::Invite {
                // The planner already knows the quota is used up and the step allows it.
                p.payload.without_note_if_quota_exhausted = true;
            }
            let payload = serde_json::to_string(&p.payload).unwrap_or_default();
            let variant = p.payload.variant.map(|variant| StepVariant {
                step: p.step,
                variant,
            });
            set.variants.extend(variants::keep(&p.record, variant));
            set.actions.push(NewAction {
                workspace_id: ws,
                account_id,
                lead_id: Some(e.lead_id),
                campaign_id: Some(e.campaign_id),
                enrollment_id: Some(e.id),
                kind: p.kind,
                payload,
                due_at: s.due_at,
                idempotency_key: idempotency_key(e.id, p.step, p.record.attempt),
                variant,
            });
            set.enrollments.push(EnrollmentUpdate {
                id: e.id,
                expect_step: e.step,
                step: p.step,
                state: EnrollmentState::Waiting,
                next_due_at: None,
                attempt: if p.step == e.step {
                    p.record.attempt
                } else {
                    0
                },
                reason: None,
            });
            set.tags.extend(p.tags.drain(..).map(|t| (e.lead_id, t)));
            report.planned += 1;
        }
        let floor = plus(now, SignedDuration::from_mins(1));
        for d in plan.deferred {
            let Some(mut p) = by_id.remove(&d.enrollment) else {
                continue;
            };
            let e = &p.record.enrollment;
            let until = d
                .until
                .unwrap_or(plus(now, self.config.paused_recheck))
                .max(floor);
            set.enrollments.push(EnrollmentUpdate {
                id: e.id,
                expect_step: e.step,
                step: p.step,
                state: EnrollmentState::Active,
                next_due_at: Some(until),
                attempt: if p.step == e.step {
                    p.record.attempt
                } else {
                    0
                },
                reason: None,
            });
            set.tags.extend(p.tags.drain(..).map(|t| (e.lead_id, t)));
        }
        Ok(())
    }
}

/// Stops an enrollment for `reason`.
pub(crate) fn stop(record: &EnrollmentRecord, reason: &str, _now: Timestamp) -> EnrollmentUpdate {
    EnrollmentUpdate {
        id: record.enrollment.id,
        expect_step: record.enrollment.step,
        step: record.enrollment.step,
        state: EnrollmentState::Stopped,
        next_due_at: None,
        attempt: record.attempt,
        reason: Some(reason.to_owned()),
    }
}
