//! Summaries for the dashboard: the pending invitations by age, and the acceptance curve.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::{Estimate, PendingInvite, age};

/// A range of whole days of age (days of 24 hours, rounded down).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AgeBucket {
    /// 0 to 7 days (and anything sent "in the future", from clock skew).
    #[serde(rename = "0-7")]
    Days0To7,
    /// 8 to 14 days.
    #[serde(rename = "8-14")]
    Days8To14,
    /// 15 to 21 days.
    #[serde(rename = "15-21")]
    Days15To21,
    /// 22 to 30 days.
    #[serde(rename = "22-30")]
    Days22To30,
    /// 31 to 90 days.
    #[serde(rename = "31-90")]
    Days31To90,
    /// 91 days and more.
    #[serde(rename = "91+")]
    Days91Plus,
}

impl AgeBucket {
    /// Every bucket, youngest first.
    pub const ALL: [AgeBucket; 6] = [
        AgeBucket::Days0To7,
        AgeBucket::Days8To14,
        AgeBucket::Days15To21,
        AgeBucket::Days22To30,
        AgeBucket::Days31To90,
        AgeBucket::Days91Plus,
    ];

    /// The bucket of an invitation of this age.
    pub fn of(age: SignedDuration) -> Self {
        match age.as_secs().div_euclid(24 * 60 * 60) {
            ..=7 => AgeBucket::Days0To7,
            8..=14 => AgeBucket::Days8To14,
            15..=21 => AgeBucket::Days15To21,
            22..=30 => AgeBucket::Days22To30,
            31..=90 => AgeBucket::Days31To90,
            _ => AgeBucket::Days91Plus,
        }
    }

    /// The label to show: `0-7`, `8-14`, …, `91+`.
    pub fn label(self) -> &'static str {
        match self {
            AgeBucket::Days0To7 => "0-7",
            AgeBucket::Days8To14 => "8-14",
            AgeBucket::Days15To21 => "15-21",
            AgeBucket::Days22To30 => "22-30",
            AgeBucket::Days31To90 => "31-90",
            AgeBucket::Days91Plus => "91+",
        }
    }
}

/// How many pending invitations fall in one age bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketCount {
    /// The bucket.
    pub bucket: AgeBucket,
    /// The number of pending invitations in it.
    pub count: u32,
}

/// The pending invitations counted by age at `now`, every bucket present, youngest first.
pub fn pending_by_age(pending: &[PendingInvite], now: Timestamp) -> [BucketCount; 6] {
    let mut counts = AgeBucket::ALL.map(|bucket| BucketCount { bucket, count: 0 });
    for invite in pending {
        let bucket = AgeBucket::of(age(invite.sent_at, now));
        // `ALL` lists every bucket, so the search always finds it.
        if let Some(entry) = counts.iter_mut().find(|c| c.bucket == bucket) {
            entry.count = entry.count.saturating_add(1);
        }
    }
    counts
}

/// The ages (in days) the dashboard's acceptance chart shows by default.
pub const CURVE_DAYS: [u32; 12] = [1, 2, 3, 5, 7, 10, 14, 21, 30, 45, 60, 90];

/// One point of the acceptance chart.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    /// The age, in days.
    pub days: u32,
    /// The share of invitations accepted within that age: `F(days)`.
    pub accepted: f64,
    /// The chance that an invitation unanswered at that age is still accepted.
    pub still_likely: f64,
}

/// The acceptance curve at the given ages (in days), for a chart; [`CURVE_DAYS`] are the
/// usual ones. The eventual rate is [`Estimate::eventual`].
pub fn acceptance_curve(estimate: &Estimate, ages: &[u32]) -> Vec<CurvePoint> {
    ages.iter()
        .map(|&days| {
            let age = SignedDuration::from_hours(i64::from(days) * 24);
            CurvePoint {
                days,
                accepted: estimate.accepted_by(age),
                still_likely: estimate.still_likely(age),
            }
        })
        .collect()
}
