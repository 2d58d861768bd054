//! The request log, duplicate detection and per-seat statistics.

use std::collections::HashMap;

use jiff::Timestamp;
use overture_core::ProfileUrl;

use crate::faults::Op;
use crate::state::{SeatId, State};
use crate::world::World;

/// One recorded call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    /// When it was made (the clock's `now`).
    pub at: Timestamp,
    /// The seat handle.
    pub seat: String,
    /// The operation.
    pub op: Op,
    /// The person it was about, if any.
    pub profile: Option<ProfileUrl>,
    /// `None` when it succeeded, else the error's code (`ChannelError::code`).
    pub error: Option<&'static str>,
    /// The idempotency key the caller passed (invitations and messages).
    pub idempotency_key: Option<String>,
    /// Whether the call changed the network (an invitation or message went out, an invitation
    /// was withdrawn, a profile was visited). True for a lost answer: the effect happened.
    pub effect: bool,
}

/// Counters of one seat.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeatStats {
    /// Invitations that went out.
    pub invites_sent: u32,
    /// Invitations accepted so far.
    pub accepted: u32,
    /// Invitations ignored so far (still pending from the seat's point of view).
    pub ignored: u32,
    /// Invitations answered "I don't know this person" (still pending for the seat).
    pub unknown: u32,
    /// Invitations withdrawn.
    pub withdrawn: u32,
    /// Invitations the seat sees as pending now.
    pub pending_now: u32,
    /// The most pending invitations the seat ever had.
    pub max_pending: u32,
    /// Messages sent.
    pub messages: u32,
    /// Replies received so far.
    pub replies: u32,
    /// Restrictions imposed (by the rules or by `restrict`).
    pub restrictions: u32,
    /// Profile visits.
    pub visits: u32,
    /// Follows.
    pub follows: u32,
    /// Posts liked.
    pub likes: u32,
    /// Calls refused by one of LinkedIn's rules (caps, quotas, cooldowns, rate limits).
    pub rule_rejections: u32,
    /// Calls that failed with an injected fault, before or after the effect.
    pub faults: u32,
}

/// Why an effect counts as performed twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DuplicateReason {
    /// The same idempotency key went out twice for the same seat and operation.
    SameIdempotencyKey,
    /// A second invitation to the same person while the first was still pending.
    WhilePending,
}

/// An effect performed twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// The seat handle.
    pub seat: String,
    /// `Invite` or `SendMessage`.
    pub op: Op,
    /// The person.
    pub profile: Option<ProfileUrl>,
    /// The idempotency key of the second effect.
    pub idempotency_key: Option<String>,
    /// When the first effect happened.
    pub first_at: Timestamp,
    /// When the second effect happened.
    pub second_at: Timestamp,
    /// Why it is a duplicate.
    pub reason: DuplicateReason,
}

/// Whom a call was about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Target {
    /// A person of the world.
    Person(u32),
    /// A profile URL that is not in the world.
    Other(Box<ProfileUrl>),
}

/// A call as kept internally (compact; turned into a [`RequestRecord`] on demand).
#[derive(Debug, Clone)]
pub(crate) struct LogEntry {
    pub(crate) at: Timestamp,
    pub(crate) seat: SeatId,
    pub(crate) op: Op,
    pub(crate) target: Option<Target>,
    pub(crate) error: Option<&'static str>,
    pub(crate) key: Option<Box<str>>,
    pub(crate) effect: bool,
    /// The invitation an `Invite` effect created.
    pub(crate) invitation: Option<u64>,
}

fn profile_of(world: &World, target: &Option<Target>) -> Option<ProfileUrl> {
    match target {
        Some(Target::Person(p)) => world.person_at(*p).map(|p| p.profile_url.clone()),
        Some(Target::Other(url)) => Some((**url).clone()),
        None => None,
    }
}

fn handle(state: &State, seat: SeatId) -> String {
    state
        .seats
        .get(seat)
        .map(|s| s.handle.clone())
        .unwrap_or_default()
}

/// The public form of every logged call.
pub(crate) fn records(state: &State, world: &World) -> Vec<RequestRecord> {
    state
        .log
        .iter()
        .map(|e| RequestRecord {
            at: e.at,
            seat: handle(state, e.seat),
            op: e.op,
            profile: profile_of(world, &e.target),
            error: e.error,
            idempotency_key: e.key.as_deref().map(str::to_owned),
            effect: e.effect,
        })
        .collect()
}

/// Invitations and messages performed twice.
pub(crate) fn duplicates(state: &State, world: &World) -> Vec<Duplicate> {
    let mut by_key: HashMap<(SeatId, Op, &str), Timestamp> = HashMap::new();
    let mut last_invite: HashMap<(SeatId, &Target), u64> = HashMap::new();
    let mut found = Vec::new();
    for e in state.log.iter().filter(|e| e.effect) {
        if !matches!(e.op, Op::Invite | Op::SendMessage) {
            continue;
        }
        let mut push = |first_at, reason| {
            found.push(Duplicate {
                seat: handle(state, e.seat),
                op: e.op,
                profile: profile_of(world, &e.target),
                idempotency_key: e.key.as_deref().map(str::to_owned),
                first_at,
                second_at: e.at,
                reason,
            });
        };
        if let Some(key) = e.key.as_deref() {
            if let Some(first) = by_key.get(&(e.seat, e.op, key)) {
                push(*first, DuplicateReason::SameIdempotencyKey);
            } else {
                by_key.insert((e.seat, e.op, key), e.at);
            }
        }
        if let (Op::Invite, Some(target), Some(id)) = (e.op, &e.target, e.invitation) {
            if let Some(prev) = last_invite.get(&(e.seat, target)) {
                let prev_inv = prev
                    .checked_sub(1)
                    .and_then(|i| state.invitations.get(i as usize));
                if let Some(prev_inv) = prev_inv
                    && was_pending_at(prev_inv, e.at)
                {
                    push(prev_inv.sent_at, DuplicateReason::WhilePending);
                }
            }
            last_invite.insert((e.seat, target), id);
        }
    }
    found
}

fn was_pending_at(inv: &crate::state::Invitation, t: Timestamp) -> bool {
    let withdrawn_before = inv.withdrawn_at.is_some_and(|w| w <= t);
    let accepted_before = matches!(inv.answer, Some((crate::model::Answer::Accept, a)) if a <= t);
    inv.sent_at <= t && !withdrawn_before && !accepted_before
}
