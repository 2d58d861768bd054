//! The governor's settings for one account, and how a campaign tightens them.

use jiff::{SignedDuration, Span, SpanRelativeTo};
use serde::{Deserialize, Deserializer, Serialize};

use crate::sequence::Duration;

/// How the governor treats one account's pending invitations.
///
/// Written in TOML or YAML with every field optional (a missing field takes its default);
/// durations are friendly (`"21d"`, `"504h"`) or ISO 8601 (`"PT504H"`), days being 24 hours.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawPolicy")]
pub struct Policy {
    /// Keep at most this many invitations pending; at the cap new invitations wait.
    pub max_pending: u32,
    /// Withdraw invitations older than this.
    #[serde(serialize_with = "jiff::fmt::serde::duration::friendly::compact::required")]
    pub withdraw_after: SignedDuration,
    /// Also withdraw invitations the account's history says are unlikely to be accepted, and
    /// rank by that likelihood.
    pub smart: bool,
    /// With `smart`, withdraw an invitation whose chance of still being accepted is below this
    /// probability (0.02 is 2%).
    pub smart_threshold: f64,
    /// Never withdraw an invitation younger than this, whatever else says so.
    #[serde(serialize_with = "jiff::fmt::serde::duration::friendly::compact::required")]
    pub min_age: SignedDuration,
    /// Withdraw at most this many invitations a day; 0 turns automatic withdrawal off.
    pub withdrawals_per_day: u32,
    /// Govern invitations sent by hand outside Overture too.
    pub govern_manual_invites: bool,
    /// Near the cap, withdraw to make room for the invitations the account wants to send
    /// (within the day's budget and never younger than `min_age`): with `smart` the least
    /// likely first, and only those less likely to be accepted than a new invitation; without
    /// it, at the cap, the oldest as the budget allows. Off, new invitations wait at the cap
    /// until acceptances or the other rules free room.
    pub make_room: bool,
}

impl Policy {
    /// 400 pending at most.
    pub const DEFAULT_MAX_PENDING: u32 = 400;
    /// Withdraw after 60 days whatever the estimate says (a backstop: the estimate and the cap
    /// decide before, see `docs/governor.md` for why not 21 days).
    pub const DEFAULT_WITHDRAW_AFTER: SignedDuration = SignedDuration::from_hours(60 * 24);
    /// Withdraw below a 0.2% chance of acceptance (see `docs/governor.md` for why not 2%).
    pub const DEFAULT_SMART_THRESHOLD: f64 = 0.002;
    /// Never withdraw before 3 days.
    pub const DEFAULT_MIN_AGE: SignedDuration = SignedDuration::from_hours(3 * 24);
    /// 40 withdrawals a day.
    pub const DEFAULT_WITHDRAWALS_PER_DAY: u32 = 40;

    /// The defaults: 400 pending, making room near the cap by withdrawing the least likely;
    /// withdraw below a 0.2% chance (smart on) or after 60 days; never before 3 days, at most 40
    /// a day, manual invitations included.
    pub const fn new() -> Self {
        Self {
            max_pending: Self::DEFAULT_MAX_PENDING,
            withdraw_after: Self::DEFAULT_WITHDRAW_AFTER,
            smart: true,
            smart_threshold: Self::DEFAULT_SMART_THRESHOLD,
            min_age: Self::DEFAULT_MIN_AGE,
            withdrawals_per_day: Self::DEFAULT_WITHDRAWALS_PER_DAY,
            govern_manual_invites: true,
            make_room: true,
        }
    }

    /// Checks that the durations are not negative and the threshold is a probability.
    pub fn validate(&self) -> Result<(), PolicyError> {
        for (field, value) in [
            ("withdraw_after", self.withdraw_after),
            ("min_age", self.min_age),
        ] {
            if value.is_negative() {
                return Err(PolicyError::NegativeDuration { field, value });
            }
        }
        if !(0.0..=1.0).contains(&self.smart_threshold) {
            return Err(PolicyError::Threshold {
                value: self.smart_threshold,
            });
        }
        Ok(())
    }

    /// This policy with a campaign's [`Tightening`] applied: each field the campaign gives
    /// takes the stricter of the two values (the smaller cap, the shorter `withdraw_after`, the
    /// longer `min_age`; a smart threshold turns `smart` on, with the higher of the two
    /// thresholds). Fields the campaign leaves out keep the account's value, so a campaign can
    /// only tighten, never loosen.
    pub fn tightened_with(&self, tightening: &Tightening) -> Policy {
        let mut policy = *self;
        if let Some(cap) = tightening.max_pending {
            policy.max_pending = policy.max_pending.min(cap);
        }
        if let Some(after) = tightening.withdraw_after {
            policy.withdraw_after = policy.withdraw_after.min(after.to_signed_duration());
        }
        if let Some(threshold) = tightening.smart_threshold {
            policy.smart_threshold = if policy.smart {
                policy.smart_threshold.max(threshold)
            } else {
                threshold
            };
            policy.smart = true;
        }
        if let Some(age) = tightening.min_age {
            policy.min_age = policy.min_age.max(age.to_signed_duration());
        }
        policy
    }

    /// Applies one `KEY=VALUE` change (`max_pending=300`, `withdraw_after=14d`, `smart=off`,
    /// `smart_threshold=0.03`, `min_age=2d`, `withdrawals_per_day=30`,
    /// `govern_manual_invites=off`). The policy is unchanged when the change is refused.
    pub fn apply_override(&mut self, change: &str) -> Result<(), PolicyOverrideError> {
        let refuse = |reason: &str| PolicyOverrideError {
            change: change.to_owned(),
            reason: reason.to_owned(),
        };
        let (key, value) = change
            .split_once('=')
            .map(|(k, v)| (k.trim(), v.trim()))
            .ok_or_else(|| refuse("not KEY=VALUE (for example max_pending=300)"))?;
        let count = || {
            value
                .parse::<u32>()
                .map_err(|_| refuse("not a whole number"))
        };
        let duration = || {
            value
                .parse::<Span>()
                .ok()
                .and_then(|span| span.to_duration(SpanRelativeTo::days_are_24_hours()).ok())
                .ok_or_else(|| refuse("not a duration such as 21d or 36h"))
        };
        let switch = || match value.to_ascii_lowercase().as_str() {
            "on" | "true" | "yes" => Ok(true),
            "off" | "false" | "no" => Ok(false),
            _ => Err(refuse("not on or off")),
        };
        let mut next = *self;
        match key {
            "max_pending" => next.max_pending = count()?,
            "withdraw_after" => next.withdraw_after = duration()?,
            "smart" => next.smart = switch()?,
            "smart_threshold" => {
                next.smart_threshold = match value.strip_suffix('%') {
                    Some(percent) => percent.trim().parse::<f64>().map(|p| p / 100.0),
                    None => value.parse::<f64>(),
                }
                .map_err(|_| refuse("not a probability such as 0.02 or 2%"))?;
            }
            "min_age" => next.min_age = duration()?,
            "withdrawals_per_day" => next.withdrawals_per_day = count()?,
            "govern_manual_invites" => next.govern_manual_invites = switch()?,
            "make_room" => next.make_room = switch()?,
            _ => return Err(refuse("unknown key")),
        }
        next.validate().map_err(|e| refuse(&e.to_string()))?;
        *self = next;
        Ok(())
    }

    /// How many more withdrawals today's budget allows after `withdrawn_today`.
    pub fn withdrawals_left(&self, withdrawn_today: u32) -> u32 {
        self.withdrawals_per_day.saturating_sub(withdrawn_today)
    }
}

impl Default for Policy {
    /// The defaults of [`Policy::new`].
    fn default() -> Self {
        Self::new()
    }
}

/// What a campaign tightens of its accounts' policies, for its own invitations (the
/// campaign file's `settings.governor`). Every field is optional; [`Policy::tightened_with`]
/// applies the given ones. The daily withdrawal budget, manual invitations and `make_room` are
/// the account's alone: a campaign cannot change them.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Tightening {
    /// While the account has this many invitations pending (or more), the campaign's new
    /// invitations wait, whatever the account's own cap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_pending: Option<u32>,
    /// Withdraw the campaign's invitations older than this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdraw_after: Option<Duration>,
    /// Withdraw the campaign's invitations whose chance of still being accepted is below this
    /// probability (smart on for them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smart_threshold: Option<f64>,
    /// Never withdraw the campaign's invitations younger than this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_age: Option<Duration>,
}

impl Tightening {
    /// True when the campaign tightens nothing.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// A `KEY=VALUE` change to a policy that cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "governor `{change}`: {reason} (keys: max_pending, withdraw_after, smart, smart_threshold, \
     min_age, withdrawals_per_day, govern_manual_invites, make_room)"
)]
pub struct PolicyOverrideError {
    /// The change given.
    pub change: String,
    /// Why it was refused.
    pub reason: String,
}

/// A policy that makes no sense.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum PolicyError {
    /// `withdraw_after` or `min_age` is negative.
    #[error("governor `{field}` is negative ({value:#}); use a duration such as \"21d\"")]
    NegativeDuration {
        /// The field.
        field: &'static str,
        /// The value given.
        value: SignedDuration,
    },
    /// The smart threshold is not a probability.
    #[error("governor `smart_threshold` is {value}; it must be between 0 and 1 (0.02 is 2%)")]
    Threshold {
        /// The value given.
        value: f64,
    },
}

/// The serialized shape, checked by [`Policy::validate`] on the way in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawPolicy {
    max_pending: u32,
    #[serde(deserialize_with = "days_of_24_hours")]
    withdraw_after: SignedDuration,
    smart: bool,
    smart_threshold: f64,
    #[serde(deserialize_with = "days_of_24_hours")]
    min_age: SignedDuration,
    withdrawals_per_day: u32,
    govern_manual_invites: bool,
    make_room: bool,
}

/// A duration written friendly (`"21d"`, `"3d 12h"`) or in ISO 8601 (`"P21D"`, `"PT504H"`),
/// days (and weeks) being 24 hours (and 7 such days).
fn days_of_24_hours<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<SignedDuration, D::Error> {
    Span::deserialize(deserializer)?
        .to_duration(SpanRelativeTo::days_are_24_hours())
        .map_err(serde::de::Error::custom)
}

impl Default for RawPolicy {
    fn default() -> Self {
        let p = Policy::new();
        Self {
            max_pending: p.max_pending,
            withdraw_after: p.withdraw_after,
            smart: p.smart,
            smart_threshold: p.smart_threshold,
            min_age: p.min_age,
            withdrawals_per_day: p.withdrawals_per_day,
            govern_manual_invites: p.govern_manual_invites,
            make_room: p.make_room,
        }
    }
}

impl TryFrom<RawPolicy> for Policy {
    type Error = PolicyError;

    fn try_from(raw: RawPolicy) -> Result<Self, PolicyError> {
        let policy = Policy {
            max_pending: raw.max_pending,
            withdraw_after: raw.withdraw_after,
            smart: raw.smart,
            smart_threshold: raw.smart_threshold,
            min_age: raw.min_age,
            withdrawals_per_day: raw.withdrawals_per_day,
            govern_manual_invites: raw.govern_manual_invites,
            make_room: raw.make_room,
        };
        policy.validate()?;
        Ok(policy)
    }
}
