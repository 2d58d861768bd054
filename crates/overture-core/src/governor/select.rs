//! Which pending invitations to withdraw now.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::{Estimate, PendingInvite, Policy, age};
use crate::ids::{CampaignId, InvitationId};

/// Why an invitation is withdrawn.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum WithdrawReason {
    /// Older than the policy's `withdraw_after`.
    Age,
    /// Its chance of still being accepted is below the smart threshold.
    Unlikely {
        /// That chance.
        probability: f64,
    },
    /// The account is over its cap and this is among the least likely to be accepted.
    OverCap,
    /// The account is at its cap and the policy makes room for new invitations
    /// ([`Policy::make_room`]).
    MakeRoom,
}

/// One invitation to withdraw.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Withdrawal {
    /// The invitation.
    pub id: InvitationId,
    /// Why.
    pub reason: WithdrawReason,
    /// Its estimated chance of still being accepted, whatever the reason.
    pub probability: f64,
}

/// An invitation the policy allows to withdraw, with its chance of still being accepted.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    invite: PendingInvite,
    age: SignedDuration,
    probability: f64,
    /// The policy it is judged by: its campaign's, or the account's.
    rule: Policy,
}

/// The withdrawals to make now, in the order to make them: first every invitation older than
/// `withdraw_after`, oldest first; then (smart on) every one whose chance of still being
/// accepted is below the threshold, least likely first; then, while the pending count minus
/// those chosen is above `max_pending`, the least likely of the rest; then, with
/// [`Policy::make_room`], more to make room for `room` new invitations (0 when the account has
/// none to send): with smart on, while fewer than `room` places are free below the cap, the
/// least likely first, only those less likely to be accepted than a new invitation; with it off
/// (the vendors' `cap:N:K` rule), when the account is at its cap and `room` is not 0, the
/// oldest, as many as the budget allows. Ties go to the older invitation, then the smaller id.
///
/// `campaigns` holds the policies of campaigns that tighten the account's
/// ([`Policy::tightened_with`]): an invitation of such a campaign is judged by its campaign's
/// `withdraw_after`, smart threshold and `min_age`; the cap and `make_room` are the account's.
///
/// Nothing younger than its `min_age` is chosen, manual invitations only when the policy
/// governs them, and never more than `budget_left`. An id listed twice in `pending` counts
/// once (with its earliest sending).
pub fn select_withdrawals(
    policy: &Policy,
    campaigns: &BTreeMap<CampaignId, Policy>,
    estimate: &Estimate,
    pending: &[PendingInvite],
    now: Timestamp,
    budget_left: u32,
    room: u32,
) -> Vec<Withdrawal> {
    let pending = distinct(pending);
    let mut candidates: Vec<Candidate> = pending
        .iter()
        .filter(|invite| policy.govern_manual_invites || !invite.manual())
        .map(|invite| {
            let age = age(invite.sent_at, now);
            let rule = invite
                .campaign
                .and_then(|id| campaigns.get(&id))
                .unwrap_or(policy);
            Candidate {
                invite: *invite,
                age,
                probability: estimate.still_likely(age),
                rule: *rule,
            }
        })
        .filter(|c| c.age >= c.rule.min_age)
        .collect();
    let mut selection = Selection {
        chosen: Vec::new(),
        taken: BTreeSet::new(),
        budget: usize::try_from(budget_left).unwrap_or(usize::MAX),
    };

    candidates.sort_by(oldest_first);
    for c in candidates.iter().filter(|c| c.age > c.rule.withdraw_after) {
        selection.take(c, WithdrawReason::Age);
    }

    candidates.sort_by(least_likely_first);
    for c in candidates
        .iter()
        .filter(|c| c.rule.smart && c.probability < c.rule.smart_threshold)
    {
        let reason = WithdrawReason::Unlikely {
            probability: c.probability,
        };
        selection.take(c, reason);
    }

    let cap = usize::try_from(policy.max_pending).unwrap_or(usize::MAX);
    for c in &candidates {
        if pending.len().saturating_sub(selection.chosen.len()) <= cap {
            break;
        }
        selection.take(c, WithdrawReason::OverCap);
    }

    let room = usize::try_from(room).unwrap_or(usize::MAX);
    let left = |s: &Selection| pending.len().saturating_sub(s.chosen.len());
    if policy.make_room && policy.smart && left(&selection).saturating_add(room) > cap {
        // The least likely first, only those less likely to be accepted than the new
        // invitation they make room for, and no more than the room asked for.
        let fresh = estimate.eventual();
        for c in candidates.iter().filter(|c| c.probability < fresh) {
            if left(&selection).saturating_add(room) <= cap {
                break;
            }
            selection.take(c, WithdrawReason::MakeRoom);
        }
    } else if policy.make_room && !policy.smart && room > 0 && left(&selection) >= cap {
        // The vendors' rule: at the cap, the oldest, as many as the budget allows.
        candidates.sort_by(oldest_first);
        for c in &candidates {
            selection.take(c, WithdrawReason::MakeRoom);
        }
    }
    selection.chosen
}

/// The withdrawals chosen so far.
struct Selection {
    chosen: Vec<Withdrawal>,
    taken: BTreeSet<InvitationId>,
    budget: usize,
}

impl Selection {
    /// Chooses `candidate` for `reason`, unless it is already chosen or the budget is spent.
    fn take(&mut self, candidate: &Candidate, reason: WithdrawReason) {
        if self.chosen.len() < self.budget && self.taken.insert(candidate.invite.id) {
            self.chosen.push(Withdrawal {
                id: candidate.invite.id,
                reason,
                probability: candidate.probability,
            });
        }
    }
}

/// The pending invitations with each id once, keeping its earliest sending.
fn distinct(pending: &[PendingInvite]) -> Vec<PendingInvite> {
    let mut pending = pending.to_vec();
    pending.sort_by_key(|p| (p.id, p.sent_at, p.campaign));
    pending.dedup_by_key(|p| p.id);
    pending
}

fn oldest_first(a: &Candidate, b: &Candidate) -> Ordering {
    (a.invite.sent_at, a.invite.id).cmp(&(b.invite.sent_at, b.invite.id))
}

fn least_likely_first(a: &Candidate, b: &Candidate) -> Ordering {
    a.probability
        .total_cmp(&b.probability)
        .then_with(|| oldest_first(a, b))
}
