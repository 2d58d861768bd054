//! The pending-invitation governor: how many invitations an account may keep waiting, and which
//! of them to withdraw.
//!
//! LinkedIn looks askance at an account with a long tail of unanswered invitations, and an old
//! invitation is almost never accepted. The governor keeps each account's pending count at or
//! below [`Policy::max_pending`] and withdraws what is no longer worth keeping:
//!
//! 1. everything older than [`Policy::withdraw_after`], oldest first ([`WithdrawReason::Age`]);
//! 2. with [`Policy::smart`] on, everything the account's own history says is now unlikely to be
//!    accepted, least likely first ([`WithdrawReason::Unlikely`]);
//! 3. when the account is still above its cap, the least likely of the rest until it is at the
//!    cap ([`WithdrawReason::OverCap`]).
//!
//! Nothing younger than [`Policy::min_age`] is ever withdrawn (new invitations wait instead, see
//! [`may_invite`]), invitations sent by hand only when [`Policy::govern_manual_invites`], and
//! never more than the day's budget. The likelihood comes from an [`Estimate`]: a Kaplan–Meier
//! estimate of time to acceptance from the account's history, blended with a [`Prior`] built
//! from published figures until the history outweighs it.
//!
//! Everything here is a pure function of its arguments: the engine reads the invitations, the
//! clock and the budget already spent, and carries out the withdrawals.

mod dashboard;
mod pace;
mod policy;
mod prior;
mod restraint;
mod select;
mod survival;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod recovery;
#[cfg(test)]
mod tests;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::ids::{CampaignId, InvitationId};
use crate::invitation::Invitation;

pub use dashboard::{
    AgeBucket, BucketCount, CURVE_DAYS, CurvePoint, acceptance_curve, pending_by_age,
};
pub use pace::{withdrawal_times, withdrawal_times_soon};
pub use policy::{Policy, PolicyError, PolicyOverrideError, Tightening};
pub use prior::{PUBLISHED_SHAPE, Prior, PriorError, published_shape};
pub use restraint::{RESTRAINT_FLOOR, RESTRAINT_MEMORY, RESTRAINT_SHARE, Restriction, restrained};
pub use select::{WithdrawReason, Withdrawal, select_withdrawals};
pub use survival::{Estimate, Observation, Outcome};

/// One of the account's pending invitations, as the governor sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PendingInvite {
    /// The invitation.
    pub id: InvitationId,
    /// When it was sent.
    pub sent_at: Timestamp,
    /// The campaign that sent it; `None` for one sent by hand outside Overture.
    pub campaign: Option<CampaignId>,
}

impl PendingInvite {
    /// The governor's view of a stored invitation. The caller passes only invitations that are
    /// still pending.
    pub fn of_invitation(invitation: &Invitation) -> Self {
        Self {
            id: invitation.id,
            sent_at: invitation.sent_at,
            campaign: invitation.campaign_id,
        }
    }

    /// Sent by hand outside Overture: no campaign sent it.
    pub fn manual(&self) -> bool {
        self.campaign.is_none()
    }
}

/// Whether the account may send another invitation with `pending_count` already waiting: only
/// below the cap. At the cap new invitations wait; the governor never withdraws a fresh one to
/// make room.
pub fn may_invite(policy: &Policy, pending_count: usize) -> bool {
    invite_room(policy, pending_count) > 0
}

/// How many more invitations the account may send before it reaches its cap.
pub fn invite_room(policy: &Policy, pending_count: usize) -> u32 {
    let pending = u32::try_from(pending_count).unwrap_or(u32::MAX);
    policy.max_pending.saturating_sub(pending)
}

/// Seconds in a day of 24 hours: ages are measured in days of exactly 24 hours.
const SECONDS_PER_DAY: f64 = 86_400.0;

/// A duration in (fractional) days of 24 hours.
fn days(duration: SignedDuration) -> f64 {
    duration.as_secs_f64() / SECONDS_PER_DAY
}

/// How old an invitation sent at `sent_at` is at `at`.
fn age(sent_at: Timestamp, at: Timestamp) -> SignedDuration {
    at.duration_since(sent_at)
}
