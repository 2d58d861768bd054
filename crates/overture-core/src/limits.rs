//! Limits that keep an account inside LinkedIn's rules: per-day and rolling 7-day caps per
//! action kind, minimum spacing with jitter, a warm-up ramp for new accounts and the free
//! tier's note quota.

use std::collections::BTreeMap;

use jiff::SignedDuration;
use serde::{Deserialize, Serialize};

use crate::account::Tier;
use crate::action::ActionKind;

/// The caps and spacing for one action kind on one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindLimit {
    /// At most this many per calendar day in the account's time zone.
    pub per_day: u32,
    /// At most this many in any rolling 7 days.
    pub per_week: u32,
    /// At least this long between two actions of this kind.
    pub min_spacing: SignedDuration,
    /// Up to this much random extra delay on top of `min_spacing`.
    pub jitter: SignedDuration,
}

/// The warm-up ramp: a new account starts at a fraction of its daily caps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WarmUp {
    /// Percentage of the daily caps allowed on the first day.
    pub start_percent: u8,
    /// Days until the full caps apply.
    pub ramp_days: u32,
}

/// The free tier's quota of invitations with a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteQuota {
    /// Notes allowed in any rolling 30 days.
    pub per_30_days: u32,
}

/// All the limits of one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountLimits {
    /// Caps and spacing per action kind; a kind missing here is not allowed at all.
    pub kinds: BTreeMap<ActionKind, KindLimit>,
    /// The warm-up ramp.
    pub warm_up: WarmUp,
    /// The note quota, on tiers that have one.
    pub note_quota: Option<NoteQuota>,
}

impl AccountLimits {
    /// Conservative defaults for a tier (see `docs/limits.md`).
    pub fn for_tier(tier: Tier) -> Self {
        let spaced = |per_day, per_week, spacing_secs: i64| KindLimit {
            per_day,
            per_week,
            min_spacing: SignedDuration::from_secs(spacing_secs),
            jitter: SignedDuration::from_secs(spacing_secs),
        };
        let invites_week = if tier == Tier::Free { 100 } else { 180 };
        let kinds = BTreeMap::from([
            (ActionKind::Visit, spaced(80, 400, 60)),
            (ActionKind::Follow, spaced(30, 150, 120)),
            (ActionKind::Like, spaced(30, 150, 120)),
            (ActionKind::Invite, spaced(20, invites_week, 180)),
            (ActionKind::Withdraw, spaced(40, 200, 90)),
            (ActionKind::Message, spaced(50, 250, 120)),
            (ActionKind::Email, spaced(50, 300, 120)),
        ]);
        Self {
            kinds,
            warm_up: WarmUp {
                start_percent: 20,
                ramp_days: 14,
            },
            note_quota: (tier == Tier::Free).then_some(NoteQuota { per_30_days: 5 }),
        }
    }
}
