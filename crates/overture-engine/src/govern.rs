//! The pending-invitation governor, on the store: the account's acceptance estimate from its
//! own invitations, the withdrawals its policy asks for, and queueing them as actions that
//! the engine carries out inside the account's limits (spaced, inside working hours).
//!
//! The decisions are pure (`overture_core::governor`); this module only reads what they need
//! and writes what they decide.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use overture_channel::Channels;
use overture_clock::Clock;
use overture_core::governor::{
    Estimate, Observation, PendingInvite, Policy, Prior, Restriction, WithdrawReason, Withdrawal,
    restrained, select_withdrawals, withdrawal_times, withdrawal_times_soon,
};
use overture_core::limits::history_window;
use overture_core::working_hours::day_start;
use overture_core::{
    Account, AccountId, AccountKind, ActionKind, ActionState, CampaignId, EventKind, Invitation,
    InvitationId, InvitationState, LeadId, WorkspaceId,
};
use overture_store::{ActionQuery, EventQuery, InvitationQuery, NewAction, Store};

use crate::payload::Payload;
use crate::{Engine, EngineError, TickReport, plus};

/// The least time before an account outside its hours is looked at again.
const ONE_MINUTE: jiff::SignedDuration = jiff::SignedDuration::from_mins(1);

/// The most invitations of one account read for an estimate.
const HISTORY_LIMIT: u32 = 1_000_000;

/// What the governor sees of one account at an instant.
#[derive(Debug, Clone)]
pub struct AccountView {
    /// Every invitation the account sent, oldest first.
    pub invitations: Vec<Invitation>,
    /// The acceptance estimate from them, blended with the published prior.
    pub estimate: Estimate,
}

impl AccountView {
    /// The pending invitations, oldest first.
    pub fn pending(&self) -> impl Iterator<Item = &Invitation> {
        self.invitations
            .iter()
            .filter(|i| i.state == InvitationState::Pending)
    }
}

/// Reads the account's invitations sent up to `now` and estimates how likely each age is
/// still to be accepted. States are as stored, so a report for a past instant sees today's
/// answers.
pub async fn view<S: Store>(
    store: &S,
    ws: WorkspaceId,
    account: AccountId,
    now: Timestamp,
) -> Result<AccountView, EngineError> {
    let query = InvitationQuery {
        after: None,
        account: Some(account),
        state: None,
        sent_before: None,
        limit: HISTORY_LIMIT,
    };
    // Invitations sent after `now` (a report for an earlier instant) are not part of it.
    let mut invitations = store.list_invitations(ws, query).await?;
    invitations.retain(|i| i.sent_at <= now);
    let history: Vec<Observation> = invitations
        .iter()
        .map(|i| Observation::of_invitation(i, now))
        .collect();
    let estimate = Estimate::new(Prior::default(), &history, now);
    Ok(AccountView {
        invitations,
        estimate,
    })
}

/// The most restriction events read for one workspace.
const RESTRICTIONS_READ: u32 = 10_000;

/// The restrictions `account` has had, from its `account_restricted` events, oldest first. An
/// event without the pending count (written before it was recorded) counts as a restriction
/// at the account's cap.
pub async fn restrictions<S: Store>(
    store: &S,
    account: &Account,
) -> Result<Vec<Restriction>, EngineError> {
    let query = EventQuery {
        after: None,
        kinds: vec![EventKind::AccountRestricted],
        limit: RESTRICTIONS_READ,
    };
    let events = store.list_events(account.workspace_id, query).await?;
    Ok(events
        .into_iter()
        .filter(|e| e.event.account_id == Some(account.id))
        .map(|e| Restriction {
            at: e.event.at,
            pending: serde_json::from_str::<serde_json::Value>(&e.event.data)
                .ok()
                .and_then(|data| data.get("pending")?.as_u64())
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(account.governor.max_pending),
        })
        .collect())
}

/// The policy `account` runs on at `now`: its own, restrained by the restrictions it has had
/// ([`overture_core::governor::restrained`]).
pub async fn policy_now<S: Store>(
    store: &S,
    account: &Account,
    now: Timestamp,
) -> Result<Policy, EngineError> {
    let known = restrictions(store, account).await?;
    Ok(restrained(&account.governor, &known, now))
}

/// The policies of the campaigns among `invitations` that tighten the account's `policy`
/// (`settings.governor` in their files), by campaign.
pub async fn campaign_policies<'a, S: Store>(
    store: &S,
    ws: WorkspaceId,
    policy: &Policy,
    invitations: impl IntoIterator<Item = &'a Invitation>,
) -> Result<BTreeMap<CampaignId, Policy>, EngineError> {
    let ids: BTreeSet<CampaignId> = invitations
        .into_iter()
        .filter_map(|i| i.campaign_id)
        .collect();
    let mut policies = BTreeMap::new();
    for id in ids {
        let tightening = store.campaign(ws, id).await?.spec.settings.governor;
        if !tightening.is_empty() {
            policies.insert(id, policy.tightened_with(&tightening));
        }
    }
    Ok(policies)
}

/// The withdrawals `policy` asks for at `now`, at most `budget` of them, in the order they
/// should go; `campaigns` holds the policies of campaigns that tighten it
/// ([`campaign_policies`]), and `room` is how many places below the cap the policy's
/// `make_room` keeps free (see [`room_for`]).
pub fn plan_withdrawals(
    policy: &Policy,
    campaigns: &BTreeMap<CampaignId, Policy>,
    view: &AccountView,
    now: Timestamp,
    budget: u32,
    room: u32,
) -> Vec<Withdrawal> {
    let pending: Vec<PendingInvite> = view.pending().map(PendingInvite::of_invitation).collect();
    select_withdrawals(
        policy,
        campaigns,
        &view.estimate,
        &pending,
        now,
        budget,
        room,
    )
}

/// The places below its cap an account's governor keeps free for new invitations: one day's
/// invitations under its limits, what the account may send before the governor's next turn.
/// The withdrawals that make the room go first thing ([`queue_withdrawals`]), and the planner
/// counts queued withdrawals as room, so the day's invitations need not wait for them.
pub fn room_for(account: &Account) -> u32 {
    account
        .limits
        .kinds
        .get(&ActionKind::Invite)
        .map_or(0, |limit| limit.per_day)
}

/// The idempotency key of the governor's withdrawal of an invitation: one per invitation, so
/// asking twice queues it once.
pub fn withdrawal_key(invitation: &Invitation) -> String {
    format!("governor:invitation:{}:withdraw", invitation.id)
}

/// Queues the withdrawals of these invitations, in their order, and returns how many were new.
/// The first `soon` make room for invitations waiting at the pending cap: they go one after
/// another as early as the account's limits for withdrawals allow
/// ([`withdrawal_times_soon`]); the rest are spread over the account's working window inside
/// those limits ([`withdrawal_times`]: spacing with jitter, the day cap, working hours). What
/// does not fit in the window is not queued (ask again another day); a withdrawal already
/// queued is not queued again.
pub async fn queue_withdrawals<S: Store>(
    store: &S,
    account: &Account,
    view: &AccountView,
    invitations: &[InvitationId],
    soon: usize,
    seed: u64,
    now: Timestamp,
) -> Result<u64, EngineError> {
    let since = plus(now, -history_window(ActionKind::Withdraw, &account.limits));
    let done = store
        .action_history(account.id, ActionKind::Withdraw, since)
        .await?;
    let mut history = done.effects;
    history.extend(done.planned);
    let soon = soon.min(invitations.len());
    let mut times = withdrawal_times_soon(account, &history, soon, seed, now);
    if times.len() == soon {
        history.extend(times.iter().copied());
        let rest = invitations.len().saturating_sub(soon);
        times.extend(withdrawal_times(account, &history, rest, seed, now));
    }
    let mut actions = Vec::with_capacity(times.len());
    for (id, due_at) in invitations.iter().zip(times) {
        let Some(invitation) = view.invitations.iter().find(|i| i.id == *id) else {
            continue;
        };
        let lead = store
            .lead(invitation.workspace_id, invitation.lead_id)
            .await?;
        let payload = Payload {
            profile: lead.data.profile_url.to_string(),
            invitation: Some(invitation.id.get()),
            invitation_external: invitation.external_id.clone(),
            ..Payload::default()
        };
        actions.push(NewAction {
            workspace_id: invitation.workspace_id,
            account_id: invitation.account_id,
            lead_id: Some(invitation.lead_id),
            campaign_id: invitation.campaign_id,
            enrollment_id: None,
            kind: ActionKind::Withdraw,
            payload: serde_json::to_string(&payload).unwrap_or_default(),
            due_at,
            idempotency_key: withdrawal_key(invitation),
            variant: None,
        });
    }
    Ok(store.enqueue_actions(&actions).await?)
}

/// The most queued actions of one account read to find the withdrawals already on their way.
const QUEUE_LIMIT: u32 = 1_000_000;

/// The leads of the account's withdrawals that are queued or under way, whoever queued them
/// (a person, the governor or a campaign): an account has at most one pending invitation per
/// lead, so these are the invitations not to queue again.
pub async fn queued_withdrawals<S: Store>(
    store: &S,
    account: &Account,
) -> Result<BTreeSet<LeadId>, EngineError> {
    let mut leads = BTreeSet::new();
    for state in [ActionState::Queued, ActionState::Claimed] {
        let query = ActionQuery {
            state: Some(state),
            account: Some(account.id),
            limit: QUEUE_LIMIT,
        };
        let actions = store.list_actions(account.workspace_id, query).await?;
        leads.extend(
            actions
                .iter()
                .filter(|a| a.kind == ActionKind::Withdraw)
                .filter_map(|a| a.lead_id),
        );
    }
    Ok(leads)
}

/// Whether the policy lets a person withdraw `invitation` at `at`: it is at least the
/// `min_age` of its campaign's policy (from `tightened`, see [`campaign_policies`]) or else
/// the account's, and it was not sent by hand unless the policy governs those too.
pub fn may_withdraw(
    policy: &Policy,
    tightened: &BTreeMap<CampaignId, Policy>,
    invitation: &Invitation,
    at: Timestamp,
) -> bool {
    let rule = invitation
        .campaign_id
        .and_then(|c| tightened.get(&c))
        .unwrap_or(policy);
    at.duration_since(invitation.sent_at) >= rule.min_age
        && (policy.govern_manual_invites || !PendingInvite::of_invitation(invitation).manual())
}

impl<S: Store, C: Channels, K: Clock> Engine<S, C, K> {
    /// Runs the governor for every account whose turn it is, inside its working hours. The
    /// list of accounts is read again every `poll_every`.
    pub(crate) async fn govern_all(
        &mut self,
        now: Timestamp,
        report: &mut TickReport,
    ) -> Result<(), EngineError> {
        let stale = self
            .governed
            .as_ref()
            .is_none_or(|(read, _)| plus(*read, self.config.poll_every) <= now || now < *read);
        if stale {
            let mut list = Vec::new();
            for ws in self.store.list_workspaces().await? {
                for account in self.store.list_accounts(ws.id).await? {
                    if account.kind != AccountKind::Email {
                        list.push((ws.id, account.id));
                    }
                }
            }
            self.governed = Some((now, list));
        }
        // Most ticks find no account due: answer those without copying the list.
        let due = |(_, id): &(WorkspaceId, AccountId)| {
            self.serves(*id, now) && self.next_govern.get(id).is_none_or(|&t| t <= now)
        };
        let accounts: Vec<(WorkspaceId, AccountId)> = self
            .governed
            .as_ref()
            .map(|(_, list)| list.iter().copied().filter(due).collect())
            .unwrap_or_default();
        for (ws, id) in accounts {
            let account = self.account(ws, id).await?;
            if !account.status.may_act(now)
                || !account.working_hours.contains(&account.time_zone, now)
            {
                let later = plus(now, self.config.poll_every);
                let next = account
                    .working_hours
                    .next_open(&account.time_zone, now)
                    .map_or(later, |open| {
                        open.max(now).min(later).max(plus(now, ONE_MINUTE))
                    });
                self.next_govern.insert(id, next);
                continue;
            }
            self.govern(ws, &account, now, report).await?;
        }
        Ok(())
    }

    /// Runs the governor for `account` when it is due (every `govern_every`): queues the
    /// withdrawals its policy asks for, within what is left of the day's withdrawal budget
    /// (withdrawals done today and those already queued count, the campaigns' own too).
    pub(crate) async fn govern(
        &mut self,
        ws: WorkspaceId,
        account: &Account,
        now: Timestamp,
        report: &mut TickReport,
    ) -> Result<(), EngineError> {
        if self.next_govern.get(&account.id).is_some_and(|&t| t > now) {
            return Ok(());
        }
        self.next_govern
            .insert(account.id, plus(now, self.config.govern_every));
        let wants_to_invite = self.wants_to_invite.remove(&account.id);
        let policy = account.governor;
        let day_start = day_start(&account.time_zone, now);
        let today = self
            .store
            .action_history(account.id, ActionKind::Withdraw, day_start)
            .await?;
        let used = today.effects.len().saturating_add(today.planned.len());
        let budget = policy.withdrawals_left(u32::try_from(used).unwrap_or(u32::MAX));
        if budget == 0 {
            return Ok(());
        }
        let mut pending = self.store.pending_invitations(ws, account.id).await?;
        if policy.govern_manual_invites {
            let found = self
                .discover_manual_invites(ws, account, &pending, now)
                .await?;
            report.discovered += u32::try_from(found).unwrap_or(u32::MAX);
            if found > 0 {
                pending = self.store.pending_invitations(ws, account.id).await?;
            }
        }
        // Nothing to do unless some invitation is old enough to be withdrawn at all (a
        // campaign's tightening only ever makes that later).
        let oldest = pending.iter().map(|i| i.sent_at).min();
        if oldest.is_none_or(|sent| plus(sent, policy.min_age) > now) {
            return Ok(());
        }
        let campaigns = campaign_policies(&self.store, ws, &policy, &pending).await?;
        let view = view(&self.store, ws, account.id, now).await?;
        // Room only while the account has invitations to send.
        let room = if wants_to_invite {
            room_for(account)
        } else {
            0
        };
        let chosen = plan_withdrawals(&policy, &campaigns, &view, now, budget, room);
        tracing::debug!(
            account = %account.name,
            pending = pending.len(),
            budget,
            room,
            chosen = chosen.len(),
            "governor turn"
        );
        if chosen.is_empty() {
            return Ok(());
        }
        // Those that make room first, as soon as the limits allow; then the rest.
        let (soon, rest): (Vec<&Withdrawal>, Vec<&Withdrawal>) = chosen
            .iter()
            .partition(|w| matches!(w.reason, WithdrawReason::OverCap | WithdrawReason::MakeRoom));
        let ids: Vec<InvitationId> = soon.iter().chain(&rest).map(|w| w.id).collect();
        let seed = self.config.seed;
        let queued =
            queue_withdrawals(&self.store, account, &view, &ids, soon.len(), seed, now).await?;
        tracing::debug!(account = %account.name, queued, "governor queued withdrawals");
        report.governed += u32::try_from(queued).unwrap_or(u32::MAX);
        Ok(())
    }
}
