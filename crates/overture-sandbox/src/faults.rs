//! Fault injection: make chosen calls fail, before or after their effect.

use overture_channel::ChannelError;

use crate::rng::{Rng, tag};

/// An operation of the Channel port, as recorded and as targeted by faults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Op {
    /// `lookup_profile`.
    LookupProfile,
    /// `visit`.
    Visit,
    /// `follow`.
    Follow,
    /// `like_recent_post`.
    LikeRecentPost,
    /// `invite`.
    Invite,
    /// `sent_invitations`.
    SentInvitations,
    /// `withdraw`.
    Withdraw,
    /// `connections_since`.
    ConnectionsSince,
    /// `send_message`.
    SendMessage,
    /// `thread`.
    Thread,
    /// `replies_since`.
    RepliesSince,
}

impl Op {
    /// The operation's name (the Channel method's name).
    pub fn as_str(self) -> &'static str {
        match self {
            Op::LookupProfile => "lookup_profile",
            Op::Visit => "visit",
            Op::Follow => "follow",
            Op::LikeRecentPost => "like_recent_post",
            Op::Invite => "invite",
            Op::SentInvitations => "sent_invitations",
            Op::Withdraw => "withdraw",
            Op::ConnectionsSince => "connections_since",
            Op::SendMessage => "send_message",
            Op::Thread => "thread",
            Op::RepliesSince => "replies_since",
        }
    }
}

/// What an injected fault does to a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultEffect {
    /// The call fails with this error before its effect: nothing happened.
    Before(ChannelError),
    /// The effect happens, but the answer is lost: the caller gets `Transient`. This is the
    /// case that makes reconciliation necessary.
    LostAnswer,
}

/// Which matching calls a fault hits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FaultTrigger {
    /// The next `n` matching calls.
    Next(u32),
    /// Each matching call with this probability (drawn from the world's seed), indefinitely.
    Probability(f64),
}

/// A fault to inject: for an operation (or any) on a seat (or any), which calls, and how they
/// fail. Build one with [`FaultPlan::fail`] or [`FaultPlan::lose_answer`] and refine it.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultPlan {
    /// The operation; `None` matches every operation.
    pub op: Option<Op>,
    /// The seat handle; `None` matches every seat.
    pub seat: Option<String>,
    /// Which matching calls fail.
    pub trigger: FaultTrigger,
    /// How they fail.
    pub effect: FaultEffect,
}

impl FaultPlan {
    /// The next call of any operation on any seat fails with `error`, before its effect.
    pub fn fail(error: ChannelError) -> Self {
        Self {
            op: None,
            seat: None,
            trigger: FaultTrigger::Next(1),
            effect: FaultEffect::Before(error),
        }
    }

    /// The next call of any operation on any seat takes effect but its answer is lost.
    pub fn lose_answer() -> Self {
        Self {
            op: None,
            seat: None,
            trigger: FaultTrigger::Next(1),
            effect: FaultEffect::LostAnswer,
        }
    }

    /// Only calls of `op`.
    #[must_use]
    pub fn on(mut self, op: Op) -> Self {
        self.op = Some(op);
        self
    }

    /// Only calls of the seat `handle`.
    #[must_use]
    pub fn for_seat(mut self, handle: &str) -> Self {
        self.seat = Some(handle.to_owned());
        self
    }

    /// The next `n` matching calls.
    #[must_use]
    pub fn times(mut self, n: u32) -> Self {
        self.trigger = FaultTrigger::Next(n);
        self
    }

    /// Each matching call with probability `p` (clamped to `0..=1`).
    #[must_use]
    pub fn with_probability(mut self, p: f64) -> Self {
        let p = if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) };
        self.trigger = FaultTrigger::Probability(p);
        self
    }

    fn matches(&self, op: Op, seat: &str) -> bool {
        self.op.is_none_or(|o| o == op) && self.seat.as_deref().is_none_or(|s| s == seat)
    }
}

/// An injected plan and what is left of it.
#[derive(Debug, Clone)]
pub(crate) struct ActiveFault {
    plan: FaultPlan,
    remaining: u32,
}

impl ActiveFault {
    pub(crate) fn new(plan: FaultPlan) -> Self {
        let remaining = match plan.trigger {
            FaultTrigger::Next(n) => n,
            FaultTrigger::Probability(_) => u32::MAX,
        };
        Self { plan, remaining }
    }
}

/// The first plan that fires for this call, if any; used-up plans are dropped.
pub(crate) fn fire(
    faults: &mut Vec<ActiveFault>,
    draws: &mut u64,
    seed: u64,
    op: Op,
    seat: &str,
) -> Option<FaultEffect> {
    let mut fired = None;
    for f in faults.iter_mut() {
        if !f.plan.matches(op, seat) || f.remaining == 0 {
            continue;
        }
        let hit = match f.plan.trigger {
            FaultTrigger::Next(_) => true,
            FaultTrigger::Probability(p) => {
                *draws += 1;
                Rng::from_key(&[seed, tag::FAULT, *draws]).chance(p)
            }
        };
        if hit {
            if matches!(f.plan.trigger, FaultTrigger::Next(_)) {
                f.remaining -= 1;
            }
            fired = Some(f.plan.effect.clone());
            break;
        }
    }
    faults.retain(|f| f.remaining > 0);
    fired
}
