//! Limits that keep an account inside LinkedIn's rules: per-day and rolling 7-day caps per
//! action kind, minimum spacing with jitter, a warm-up ramp for new accounts and the free
//! tier's note quota.
//!
//! The types here are plain settings (stored as JSON, written in TOML); [`allowance`] answers
//! how many actions of a kind an account may still do and when the next one is allowed.
//! `docs/limits.md` explains the defaults and the semantics.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::account::{Tier, Zone};
use crate::action::ActionKind;

mod allowance;
mod overrides;

pub use allowance::{
    Allowance, Binding, LimitQuery, NOTE_WINDOW, NoteAllowance, WEEK, allowance, history_window,
    note_allowance,
};
pub use overrides::LimitOverrideError;

/// The caps and spacing for one action kind on one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindLimit {
    /// At most this many per calendar day in the account's time zone (before warm-up).
    pub per_day: u32,
    /// At most this many in any rolling 7 × 24 hours.
    pub per_week: u32,
    /// At least this long between two actions of this kind (`"3m"`, `"90s"`).
    #[serde(
        default,
        serialize_with = "jiff::fmt::serde::duration::friendly::compact::required"
    )]
    pub min_spacing: SignedDuration,
    /// Up to this much random extra delay on top of `min_spacing`.
    #[serde(
        default,
        serialize_with = "jiff::fmt::serde::duration::friendly::compact::required"
    )]
    pub jitter: SignedDuration,
}

impl KindLimit {
    /// The gap to keep after the previous action: `min_spacing + jitter × r`.
    ///
    /// `r` is a uniform random number in `[0, 1)` that the caller supplies (the engine draws it
    /// from a seeded generator, so runs replay); values outside that range are clamped, and a
    /// NaN counts as 0. Negative durations count as zero.
    pub fn spacing(&self, r: f64) -> SignedDuration {
        let r = if r.is_nan() { 0.0 } else { r.clamp(0.0, 1.0) };
        let min = self.min_spacing.max(SignedDuration::ZERO);
        let jitter = self.jitter.max(SignedDuration::ZERO).as_secs_f64() * r;
        // Both parts are finite and non-negative, so only an absurd total can fail; it
        // saturates at the largest duration.
        let extra = SignedDuration::try_from_secs_f64(jitter).unwrap_or(SignedDuration::MAX);
        min.saturating_add(extra)
    }
}

/// The warm-up ramp: a new account starts at a fraction of its daily caps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WarmUp {
    /// Percentage of the daily caps allowed on the account's first day (0 to 100).
    pub start_percent: u8,
    /// Days until the full caps apply; 0 turns the ramp off.
    pub ramp_days: u32,
}

impl Default for WarmUp {
    /// 20% on the first day, rising to 100% over 14 days.
    fn default() -> Self {
        Self {
            start_percent: 20,
            ramp_days: 14,
        }
    }
}

impl WarmUp {
    /// The daily cap on account day `day` (0 is the day the account was added).
    ///
    /// The percentage rises linearly from `start_percent` on day 0 to 100 on day `ramp_days`;
    /// the cap is rounded down but is at least 1 when `base` is above 0.
    pub fn daily_cap(&self, base: u32, day: i64) -> u32 {
        let ramp = i64::from(self.ramp_days);
        if base == 0 || day >= ramp {
            return base;
        }
        let day = day.max(0);
        let start = i64::from(self.start_percent.min(100));
        // The percentage times `ramp`, kept in integers so the rounding is exact.
        let scaled_percent = start * (ramp - day) + 100 * day;
        let cap = i64::from(base) * scaled_percent / (100 * ramp);
        // `cap` lies between 0 and `base`, so it fits in a `u32`.
        u32::try_from(cap).unwrap_or(base).max(1)
    }
}

/// The account day of `date`: civil days since the account was added, read in its zone.
pub fn account_day(zone: &Zone, created_at: Timestamp, date: Date) -> i64 {
    let created = zone.tz().to_datetime(created_at).date();
    // The difference of two valid dates always fits in a span of days.
    created
        .until(date)
        .map_or(0, |span| i64::from(span.get_days()))
}

/// The free tier's quota of invitations with a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteQuota {
    /// Invitations with a note allowed in any rolling 30 × 24 hours.
    pub per_30_days: u32,
}

/// Limits that make no sense.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitsError {
    /// A spacing or jitter is negative.
    #[error("`{field}` of `{kind}` is negative ({value:#}); use a duration such as \"3m\"")]
    NegativeDuration {
        /// The action kind.
        kind: ActionKind,
        /// `min_spacing` or `jitter`.
        field: &'static str,
        /// The value given.
        value: SignedDuration,
    },
    /// The warm-up starts above 100%.
    #[error("warm-up start_percent is {percent}; it must be between 0 and 100")]
    WarmUpPercent {
        /// The value given.
        percent: u8,
    },
}

/// All the limits of one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawAccountLimits")]
pub struct AccountLimits {
    /// Caps and spacing per action kind; a kind missing here is not allowed at all.
    pub kinds: BTreeMap<ActionKind, KindLimit>,
    /// The warm-up ramp.
    pub warm_up: WarmUp,
    /// The note quota, on tiers that have one.
    pub note_quota: Option<NoteQuota>,
}

/// The serialized shape, checked by `AccountLimits::validate` on the way in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAccountLimits {
    kinds: BTreeMap<ActionKind, KindLimit>,
    #[serde(default)]
    warm_up: WarmUp,
    #[serde(default)]
    note_quota: Option<NoteQuota>,
}

impl TryFrom<RawAccountLimits> for AccountLimits {
    type Error = LimitsError;

    fn try_from(raw: RawAccountLimits) -> Result<Self, LimitsError> {
        let limits = AccountLimits {
            kinds: raw.kinds,
            warm_up: raw.warm_up,
            note_quota: raw.note_quota,
        };
        limits.validate()?;
        Ok(limits)
    }
}

impl AccountLimits {
    /// Conservative defaults for a tier (see `docs/limits.md` for the sources).
    pub fn for_tier(tier: Tier) -> Self {
        let limit = |per_day, per_week, spacing_secs: i64, jitter_secs: i64| KindLimit {
            per_day,
            per_week,
            min_spacing: SignedDuration::from_secs(spacing_secs),
            jitter: SignedDuration::from_secs(jitter_secs),
        };
        let invites_week = if tier == Tier::Free { 100 } else { 180 };
        let kinds = BTreeMap::from([
            (ActionKind::Visit, limit(80, 400, 60, 60)),
            (ActionKind::Follow, limit(30, 150, 120, 120)),
            (ActionKind::Like, limit(30, 150, 120, 120)),
            (ActionKind::Invite, limit(20, invites_week, 180, 180)),
            (ActionKind::Withdraw, limit(40, 200, 60, 60)),
            (ActionKind::Message, limit(50, 250, 120, 120)),
            (ActionKind::Email, limit(50, 300, 120, 120)),
        ]);
        Self {
            kinds,
            warm_up: WarmUp::default(),
            note_quota: (tier == Tier::Free).then_some(NoteQuota { per_30_days: 5 }),
        }
    }

    /// Checks that durations are not negative and the warm-up percentage is at most 100.
    pub fn validate(&self) -> Result<(), LimitsError> {
        if self.warm_up.start_percent > 100 {
            return Err(LimitsError::WarmUpPercent {
                percent: self.warm_up.start_percent,
            });
        }
        for (&kind, limit) in &self.kinds {
            for (field, value) in [("min_spacing", limit.min_spacing), ("jitter", limit.jitter)] {
                if value.is_negative() {
                    return Err(LimitsError::NegativeDuration { kind, field, value });
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod proptests;
