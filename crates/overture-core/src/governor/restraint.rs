//! What an account learns from LinkedIn's restrictions: to keep fewer invitations pending.
//!
//! LinkedIn does not say why it restricts an account, nor does it show who ignored an
//! invitation or answered "I don't know this person"; what it does show is the restriction
//! itself. Piles of pending invitations, and the ignores and "I don't know" answers that old
//! invitations collect, are what gets accounts restricted, so after a restriction a `smart`
//! policy keeps fewer pending: its cap becomes a share of the pending count at the restriction
//! ([`RESTRAINT_SHARE`]) for [`RESTRAINT_MEMORY`] afterwards. A second restriction in that time
//! lowers it again from where it then stood. The account's own `max_pending` is left as the
//! user set it; the engine runs on the [`restrained`] policy.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::Policy;

/// A restriction LinkedIn imposed on the account, as the governor remembers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restriction {
    /// When the account learned of it.
    pub at: Timestamp,
    /// How many invitations were pending then.
    pub pending: u32,
}

/// How long a restriction lowers the account's cap. LinkedIn's memory of an account's
/// standing is not published; half a year outlasts every restriction length reported.
pub const RESTRAINT_MEMORY: SignedDuration = SignedDuration::from_hours(180 * 24);

/// The share of the pending count at a restriction that the account keeps pending afterwards.
pub const RESTRAINT_SHARE: f64 = 0.7;

/// The lowest a restriction takes the cap, as a share of the account's own `max_pending`: a
/// restriction while few invitations were pending was not about them.
pub const RESTRAINT_FLOOR: f64 = 0.25;

/// The policy an account runs on at `now`, given the restrictions it has had: with `smart`,
/// the cap lowered to [`RESTRAINT_SHARE`] of the pending count at each restriction of the last
/// [`RESTRAINT_MEMORY`] (the lowest wins), never below [`RESTRAINT_FLOOR`] of `max_pending`,
/// never above it. Without `smart` (the vendors' fixed rules) the policy is unchanged.
pub fn restrained(policy: &Policy, restrictions: &[Restriction], now: Timestamp) -> Policy {
    let mut policy = *policy;
    if !policy.smart {
        return policy;
    }
    let floor = share(policy.max_pending, RESTRAINT_FLOOR);
    for r in restrictions {
        let age = now.duration_since(r.at);
        if age >= SignedDuration::ZERO && age < RESTRAINT_MEMORY {
            let cap = share(r.pending, RESTRAINT_SHARE).max(floor);
            policy.max_pending = policy.max_pending.min(cap);
        }
    }
    policy
}

/// `count × share`, rounded down.
fn share(count: u32, share: f64) -> u32 {
    // A product of a u32 and a share in [0, 1] fits a u32; `as` saturates anyway.
    (f64::from(count) * share).floor() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: i64) -> Timestamp {
        let start: Timestamp = "2026-01-05T10:00:00Z".parse().unwrap();
        start + SignedDuration::from_hours(24 * day)
    }

    fn policy(max_pending: u32, smart: bool) -> Policy {
        Policy {
            max_pending,
            smart,
            ..Policy::default()
        }
    }

    #[test]
    fn a_restriction_lowers_the_cap_for_half_a_year() {
        let restrictions = [Restriction {
            at: at(10),
            pending: 400,
        }];
        let p = policy(400, true);
        assert_eq!(
            restrained(&p, &restrictions, at(9)).max_pending,
            400,
            "not yet"
        );
        assert_eq!(restrained(&p, &restrictions, at(10)).max_pending, 280);
        assert_eq!(restrained(&p, &restrictions, at(189)).max_pending, 280);
        assert_eq!(
            restrained(&p, &restrictions, at(190)).max_pending,
            400,
            "forgotten"
        );
    }

    #[test]
    fn a_second_restriction_lowers_it_again_down_to_the_floor() {
        let p = policy(400, true);
        let twice = [
            Restriction {
                at: at(0),
                pending: 400,
            },
            Restriction {
                at: at(40),
                pending: 280,
            },
        ];
        assert_eq!(restrained(&p, &twice, at(50)).max_pending, 196);
        let low = [Restriction {
            at: at(0),
            pending: 20,
        }];
        assert_eq!(
            restrained(&p, &low, at(1)).max_pending,
            100,
            "a quarter of 400"
        );
    }

    #[test]
    fn only_smart_learns_and_it_never_loosens() {
        let restrictions = [Restriction {
            at: at(0),
            pending: 400,
        }];
        assert_eq!(
            restrained(&policy(400, false), &restrictions, at(1)).max_pending,
            400
        );
        assert_eq!(
            restrained(&policy(100, true), &restrictions, at(1)).max_pending,
            100
        );
        let p = policy(400, true);
        let r = restrained(&p, &restrictions, at(1));
        assert_eq!(
            Policy {
                max_pending: p.max_pending,
                ..r
            },
            p,
            "only the cap changes"
        );
    }
}
