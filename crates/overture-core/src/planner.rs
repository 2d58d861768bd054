//! The planner: which enrollments of an account advance next, and when.
//!
//! Planning is a pure function of the account, its history, the candidates and `now`: no IO,
//! no clock, and randomness comes in as a seed. For each action kind the planner orders the
//! candidates (campaign priority, higher first; then [`lead_score`]; then readiness and id, so
//! the order is total), asks [`allowance`] for the next allowed instant with every already
//! planned action counted as in flight, and spreads the due times over the current working
//! window: consecutive actions are at least the kind's spacing (with seeded jitter) apart and
//! otherwise evenly spread, so a window's budget never goes out in a burst.
//!
//! The limits are invariants here: a plan never holds more actions than the allowance, because
//! every planned action joins the history the next answer is computed from.

mod random;
mod rotation;
mod score;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};

use crate::account::Account;
use crate::action::ActionKind;
use crate::ids::EnrollmentId;
use crate::limits::{LimitQuery, allowance, note_allowance};

pub use random::{derive, mix, unit};
pub use rotation::assign_senders;
pub use score::{LeadSignals, lead_score};

/// The most seeded noise added on top of the even spread of due times.
const MAX_NOISE: SignedDuration = SignedDuration::from_mins(30);

/// What to do about an invitation's note when the account's note quota is used up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NotePolicy {
    /// The action carries no note (or is not an invitation).
    NoNote,
    /// The note must go out with the invitation: wait for the quota if need be.
    Required,
    /// Send without the note when the quota is used up (`without_note_if_quota_exhausted`).
    DropWhenExhausted,
}

/// An enrollment whose current step is an action, waiting to be planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    /// The enrollment.
    pub enrollment: EnrollmentId,
    /// The action its current step needs.
    pub kind: ActionKind,
    /// Not before this instant (the step's due time).
    pub ready_at: Timestamp,
    /// The campaign's priority: higher goes first.
    pub priority: i32,
    /// The lead's score ([`lead_score`]): higher goes first within a priority.
    pub score: u32,
    /// For invitations: what to do with the note.
    pub note: NotePolicy,
    /// For invitations: how many may go out before the account's pending count reaches the
    /// cap the candidate's campaign sets for itself (its `settings.governor.max_pending`);
    /// `u32::MAX` when the campaign sets none. The account's own cap ([`PlanInput::invite_room`])
    /// applies as well.
    pub invite_room: u32,
}

/// Everything the planner needs about one account.
#[derive(Debug, Clone, Copy)]
pub struct PlanInput<'a> {
    /// The sender.
    pub account: &'a Account,
    /// The account's past, in-flight and already planned actions per kind (their instants).
    pub history: &'a BTreeMap<ActionKind, Vec<Timestamp>>,
    /// When the account sent (or will send) invitations with a note.
    pub notes: &'a [Timestamp],
    /// The enrollments to plan, in any order.
    pub candidates: &'a [Candidate],
    /// How many more invitations may go out before the account's pending invitations reach
    /// the governor's cap (pending ones and invitations already queued both count);
    /// `u32::MAX` when there is no cap.
    pub invite_room: u32,
    /// The engine's seed, for the jitter.
    pub seed: u64,
    /// The current instant.
    pub now: Timestamp,
}

/// An action the planner scheduled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scheduled {
    /// The enrollment it advances.
    pub enrollment: EnrollmentId,
    /// What to do.
    pub kind: ActionKind,
    /// When to do it.
    pub due_at: Timestamp,
    /// Whether an invitation carries its note.
    pub with_note: bool,
}

/// A candidate that does not fit the account's budget in the current window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deferred {
    /// The enrollment.
    pub enrollment: EnrollmentId,
    /// When to plan it again (when the budget is expected to have room); `None` when no such
    /// instant is known (the kind is not allowed on the account, or the account is paused).
    pub until: Option<Timestamp>,
}

/// The planner's answer for one account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Actions to queue, by due time.
    pub scheduled: Vec<Scheduled>,
    /// Candidates left for later.
    pub deferred: Vec<Deferred>,
}

/// How soon invitations held back at the pending cap are looked at again (within the window).
pub const CAP_RECHECK: SignedDuration = SignedDuration::from_hours(1);

/// Plans one account: which candidates get an action in the current (or, planned from outside
/// the working hours, the next) working window, and when. Candidates whose account may not act
/// now, or whose kind has no room left in the window under way, are all deferred to when it
/// may (and ranked again then).
pub fn plan_account(input: &PlanInput<'_>) -> Plan {
    let mut plan = Plan::default();
    let account = input.account;
    if !account.status.may_act(input.now) {
        let until = match &account.status {
            crate::account::AccountStatus::Restricted { until } => Some(*until),
            _ => None,
        };
        plan.deferred = input
            .candidates
            .iter()
            .map(|c| Deferred {
                enrollment: c.enrollment,
                until,
            })
            .collect();
        return plan;
    }
    let mut by_kind: BTreeMap<ActionKind, Vec<Candidate>> = BTreeMap::new();
    for c in input.candidates {
        by_kind.entry(c.kind).or_default().push(*c);
    }
    let mut notes = input.notes.to_vec();
    for (kind, mut candidates) in by_kind {
        candidates.sort_by_key(|c| {
            (
                std::cmp::Reverse(c.priority),
                std::cmp::Reverse(c.score),
                c.ready_at,
                c.enrollment,
            )
        });
        let history = input.history.get(&kind).cloned().unwrap_or_default();
        plan_kind(input, kind, &candidates, history, &mut notes, &mut plan);
    }
    plan.scheduled.sort_by_key(|s| (s.due_at, s.enrollment));
    plan
}

/// Plans the candidates of one kind, best first.
fn plan_kind(
    input: &PlanInput<'_>,
    kind: ActionKind,
    candidates: &[Candidate],
    mut history: Vec<Timestamp>,
    notes: &mut Vec<Timestamp>,
    plan: &mut Plan,
) {
    let account = input.account;
    let ask = |history: &[Timestamp], notes: &[Timestamp], now: Timestamp, r: f64| {
        allowance(&LimitQuery {
            kind,
            limits: &account.limits,
            zone: &account.time_zone,
            hours: &account.working_hours,
            created_at: account.created_at,
            history,
            notes,
            jitter_sample: r,
            now,
        })
    };
    let first = ask(&history, notes, input.now, 0.0);
    let Some(start) = first.next_allowed else {
        plan.deferred.extend(candidates.iter().map(|c| Deferred {
            enrollment: c.enrollment,
            until: None,
        }));
        return;
    };
    // The window the plan fills: from the first allowed instant to the end of its working
    // window. What does not fit waits for the next planning.
    let window_end = account
        .working_hours
        .window_end(&account.time_zone, start)
        .unwrap_or(start);
    // When the budget of the window under way is used up, nothing is given a slot in a later
    // window yet: the candidates wait for it and are ranked then, together with those that
    // come meanwhile, so a better lead that comes later still goes first. (Planned from
    // outside the working hours, the plan fills the next window.)
    let current_end = account
        .working_hours
        .contains(&account.time_zone, input.now)
        .then(|| {
            account
                .working_hours
                .window_end(&account.time_zone, input.now)
        })
        .flatten();
    if current_end.is_some_and(|end| start >= end) {
        plan.deferred.extend(candidates.iter().map(|c| Deferred {
            enrollment: c.enrollment,
            until: Some(start),
        }));
        return;
    }
    let budget = ask(&history, notes, start, 0.0).remaining;
    let fits = if kind == ActionKind::Invite {
        budget.min(input.invite_room)
    } else {
        budget
    };
    let count = candidates
        .len()
        .min(usize::try_from(fits).unwrap_or(usize::MAX));
    let gap = spread_gap(start, window_end, count);
    let mut slot = 0i32;
    let room = if kind == ActionKind::Invite {
        input.invite_room
    } else {
        u32::MAX
    };
    for c in candidates {
        if u32::try_from(slot).unwrap_or(u32::MAX) >= room.min(c.invite_room) {
            // The pending cap: the rest wait for invitations to be answered or withdrawn, and
            // are looked at again within the hour, so that room the governor makes during the
            // day is used the same day.
            let recheck = start
                .max(input.now)
                .checked_add(CAP_RECHECK)
                .unwrap_or(window_end);
            plan.deferred.push(Deferred {
                enrollment: c.enrollment,
                until: Some(recheck.min(window_end)),
            });
            continue;
        }
        let salt = [
            c.enrollment.get().cast_unsigned(),
            input.now.as_second().cast_unsigned(),
        ];
        let r = unit(input.seed, &salt);
        // Evenly spread, plus a little seeded noise so that days do not repeat exactly.
        let noise = gap.min(MAX_NOISE * 2).mul_f64(r * 0.5);
        let spread = start.checked_add(gap * slot + noise).unwrap_or(start);
        let target = spread.max(c.ready_at).max(input.now);
        let answer = ask(&history, notes, target, r);
        let mut due = answer.next_allowed;
        let mut with_note = c.note != NotePolicy::NoNote;
        if with_note && let Some(note) = answer.note {
            let at = due.unwrap_or(target);
            let may_attach =
                note_allowance(account.limits.note_quota, notes, at).may_attach_now(at);
            if !may_attach {
                match c.note {
                    NotePolicy::DropWhenExhausted => with_note = false,
                    _ => due = note.next_invite_with_note,
                }
            }
        }
        match due {
            Some(t) if t < window_end => {
                history.push(t);
                if with_note {
                    notes.push(t);
                }
                plan.scheduled.push(Scheduled {
                    enrollment: c.enrollment,
                    kind,
                    due_at: t,
                    with_note,
                });
                slot = slot.saturating_add(1);
            }
            later => plan.deferred.push(Deferred {
                enrollment: c.enrollment,
                until: Some(later.unwrap_or(window_end).max(window_end)),
            }),
        }
    }
}

/// The even gap that spreads `count` actions over `[start, end)`.
fn spread_gap(start: Timestamp, end: Timestamp, count: usize) -> SignedDuration {
    let span = end.duration_since(start).max(SignedDuration::ZERO);
    let count = i32::try_from(count.max(1)).unwrap_or(i32::MAX);
    span / count
}
