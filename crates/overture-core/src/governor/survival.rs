//! How likely an invitation of a given age is to be accepted, from the account's own history.
//!
//! The estimate is Kaplan–Meier's: every past invitation leaves the record at an age, either
//! accepted or censored (withdrawn, vanished, or still pending at `now`), and
//! the chance of not being accepted by age `a`, `S(a)`, is the product over acceptance ages
//! `t ≤ a` of `1 − d(t) / n(t)` (`d` acceptances at `t`, `n` invitations still waiting just
//! before). `F(a) = 1 − S(a)` is the acceptance curve and `F(∞)` the eventual acceptance rate.
//!
//! A declined (ignored) invitation will never be accepted. It is not censored at the decline,
//! which would drop a known non-acceptor from the invitations waiting and overstate the rate;
//! it counts as unaccepted until `now`, exactly like one still pending. It is not kept waiting
//! forever either: the only invitations a decline is ever seen for are non-acceptors, so keeping
//! them beyond the follow-up of the others (pending until `now`, or withdrawn) would weigh the
//! non-acceptors more than the acceptors at old ages and understate the rate there.
//!
//! The [`Prior`] joins as `m` pseudo-invitations (its weight) that follow the prior exactly: at
//! age `a`, `m·S₀(a)` of them are still waiting and they are accepted at the prior's rate. The
//! hazard at every age pools both, `(d + m·dF₀) / (n + m·S₀)`, so
//! - with no history the estimate is exactly the prior;
//! - where the history has many invitations waiting, it is (nearly) Kaplan–Meier's;
//! - where the history runs out, past its oldest followed invitation, the prior's hazard takes
//!   over, so the tail keeps falling with the prior's shape instead of Kaplan–Meier's flat line.
//!
//! Between two exits of the history `n` is constant and the prior's part integrates in closed
//! form: from age `u` to `v` the survival is multiplied by `(n + m·S₀(v)) / (n + m·S₀(u))`.

use jiff::{SignedDuration, Timestamp};

use super::prior::Prior;
use super::{age, days};
use crate::invitation::{Invitation, InvitationState};

/// How one past invitation ended, as far as is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Accepted at this instant.
    Accepted {
        /// When.
        at: Timestamp,
    },
    /// Left the sent list unaccepted at this instant and not followed further: withdrawn, or
    /// vanished (it may still turn out to be accepted).
    Censored {
        /// The last instant it was known to be unaccepted.
        at: Timestamp,
    },
    /// Still pending: unaccepted until `now`.
    Pending,
    /// Declined: it will never be accepted; counts as unaccepted until `now` (see the module
    /// documentation).
    Declined,
}

/// One past (or pending) invitation of the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observation {
    /// When it was sent.
    pub sent_at: Timestamp,
    /// How it ended.
    pub outcome: Outcome,
}

impl Observation {
    /// What a stored invitation tells: withdrawn and vanished ones are censored when they left
    /// `pending`. A withdrawn, vanished or accepted invitation without that instant counts as
    /// resolved at `now`.
    pub fn of_invitation(invitation: &Invitation, now: Timestamp) -> Self {
        let resolved = invitation.resolved_at.unwrap_or(now);
        let outcome = match invitation.state {
            InvitationState::Pending => Outcome::Pending,
            InvitationState::Accepted => Outcome::Accepted { at: resolved },
            InvitationState::Ignored => Outcome::Declined,
            InvitationState::Withdrawn | InvitationState::Vanished => {
                Outcome::Censored { at: resolved }
            }
        };
        Self {
            sent_at: invitation.sent_at,
            outcome,
        }
    }
}

/// The survival curve at one age where the history changes.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Knot {
    /// The age, in days.
    days: f64,
    /// `S` at this age, its acceptances included.
    survival: f64,
    /// How many of the history's invitations are still waiting just after this age.
    at_risk: f64,
}

/// The acceptance curve of one account: its history blended with a prior.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    prior: Prior,
    /// Ascending by age; the first is age 0 with survival 1.
    knots: Vec<Knot>,
}

impl Estimate {
    /// The estimate from `history` (in any order) at `now`, blended with `prior`. Ages below
    /// zero (an acceptance recorded before the sending, from clock skew) count as zero.
    pub fn new(prior: Prior, history: &[Observation], now: Timestamp) -> Self {
        let mut exits: Vec<(f64, bool)> = history
            .iter()
            .map(|observation| {
                let (at, accepted) = match observation.outcome {
                    Outcome::Accepted { at } => (at, true),
                    Outcome::Censored { at } => (at, false),
                    Outcome::Pending | Outcome::Declined => (now, false),
                };
                (days(age(observation.sent_at, at)).max(0.0), accepted)
            })
            .collect();
        exits.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut at_risk = count(history.len());
        let mut knots = vec![Knot {
            days: 0.0,
            survival: 1.0,
            at_risk,
        }];
        let (mut survival, mut last) = (1.0, 0.0);
        for group in exits.chunk_by(|a, b| a.0 == b.0) {
            let days = group[0].0;
            let accepted = count(group.iter().filter(|(_, accepted)| *accepted).count());
            survival *= prior_factor(&prior, at_risk, last, days);
            if accepted > 0.0 {
                survival *= 1.0 - accepted / (at_risk + prior.weight() * prior.survival(days));
            }
            at_risk -= count(group.len());
            knots.push(Knot {
                days,
                survival,
                at_risk,
            });
            last = days;
        }
        Self { prior, knots }
    }

    /// The prior alone: the estimate of an account without history.
    pub fn from_prior(prior: Prior) -> Self {
        Self::new(prior, &[], Timestamp::UNIX_EPOCH)
    }

    /// The prior this estimate was blended with.
    pub fn prior(&self) -> Prior {
        self.prior
    }

    /// The probability that an invitation is accepted within `age` of sending: `F(age)`.
    pub fn accepted_by(&self, age: SignedDuration) -> f64 {
        1.0 - self.survival(days(age))
    }

    /// The probability that an invitation is ever accepted: `F(∞)`.
    pub fn eventual(&self) -> f64 {
        1.0 - self.survival(f64::INFINITY)
    }

    /// The probability that an invitation not accepted at `age` will still be accepted:
    /// `(F(∞) − F(age)) / (1 − F(age))`. It never rises with age, and keeps falling in the tail
    /// as long as the prior has weight and a rate above zero.
    pub fn still_likely(&self, age: SignedDuration) -> f64 {
        let waiting = self.survival(days(age));
        if waiting <= 0.0 {
            return 0.0;
        }
        (1.0 - self.survival(f64::INFINITY) / waiting).clamp(0.0, 1.0)
    }

    /// `S(days)`: the probability of not being accepted within `days` (a negative or NaN age
    /// counts as 0).
    fn survival(&self, days: f64) -> f64 {
        let days = if days.is_nan() { 0.0 } else { days.max(0.0) };
        // The first knot is at age 0, so at least one lies at or below `days`.
        let index = self.knots.partition_point(|k| k.days <= days).max(1);
        let knot = self.knots[index - 1];
        knot.survival * prior_factor(&self.prior, knot.at_risk, knot.days, days)
    }
}

/// The survival factor from age `from` to `to` (in days) with `at_risk` of the history's
/// invitations waiting and no acceptance among them: the prior's hazard, diluted by them.
fn prior_factor(prior: &Prior, at_risk: f64, from: f64, to: f64) -> f64 {
    let before = at_risk + prior.weight() * prior.survival(from);
    let after = at_risk + prior.weight() * prior.survival(to);
    if before > 0.0 { after / before } else { 1.0 }
}

/// A count as a float; exact up to 2^53, far beyond any account's history.
fn count(n: usize) -> f64 {
    n as f64
}
