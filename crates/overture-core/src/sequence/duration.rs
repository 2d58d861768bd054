//! Durations as written in campaign files: `30m`, `12h`, `3d`, `1w`, or combinations like `1d12h`.

use std::fmt;
use std::str::FromStr;

use jiff::SignedDuration;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Minutes in each unit, largest first; the order a combination must follow.
const UNITS: [(char, i64); 4] = [('w', 7 * 24 * 60), ('d', 24 * 60), ('h', 60), ('m', 1)];

/// The longest duration a campaign may use: a year is far beyond any sensible wait.
const MAX_MINUTES: i64 = 365 * 24 * 60;

/// A non-negative length of time in whole minutes, written like `3d`, `12h`, `30m`, `1w` or `1d12h`.
///
/// A day is always 24 hours and a week 7 days: waits are measured on the clock, not the calendar.
/// `Display` writes the canonical form in days, hours and minutes (`1w` shows as `7d`), which
/// parses back to the same value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration {
    minutes: i64,
}

/// Why a duration could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    /// Nothing was written.
    #[error("duration is empty (write one like `2d`, `12h` or `30m`)")]
    Empty,
    /// A minus sign: waits cannot go back in time.
    #[error("duration `{0}` is negative (durations count forward, like `2d`)")]
    Negative(String),
    /// A number without a unit after it.
    #[error("duration `{0}` needs a unit after the number: w, d, h or m (like `2d`)")]
    MissingUnit(String),
    /// A unit without a number before it.
    #[error("duration `{0}` needs a number before each unit (like `2d`)")]
    MissingNumber(String),
    /// A unit that is not `w`, `d`, `h` or `m`.
    #[error("duration `{given}` has unknown unit `{unit}` (use w, d, h or m)")]
    UnknownUnit {
        /// The whole text.
        given: String,
        /// The unit that was not understood.
        unit: char,
    },
    /// A unit used twice, or after a smaller one.
    #[error("duration `{0}` must list each unit once, largest first (like `1d12h`)")]
    UnitOrder(String),
    /// Longer than a year.
    #[error("duration `{0}` is too long (at most 365d)")]
    TooLong(String),
}

impl Duration {
    /// The empty duration.
    pub const ZERO: Duration = Duration { minutes: 0 };

    /// Parses `3d`, `12h`, `30m`, `1w`, or a combination with each unit once, largest first (`1d12h`).
    pub fn parse(text: &str) -> Result<Duration, DurationError> {
        let given = text.trim();
        if given.is_empty() {
            return Err(DurationError::Empty);
        }
        if given.starts_with('-') {
            return Err(DurationError::Negative(given.to_owned()));
        }
        let mut minutes: i64 = 0;
        let mut number: Option<i64> = None;
        // Index in `UNITS` of the next unit allowed; enforces "each once, largest first".
        let mut next_unit = 0;
        for c in given.chars() {
            if let Some(digit) = c.to_digit(10) {
                let n = number
                    .unwrap_or(0)
                    .checked_mul(10)
                    .and_then(|n| n.checked_add(i64::from(digit)))
                    .filter(|n| *n <= MAX_MINUTES)
                    .ok_or_else(|| DurationError::TooLong(given.to_owned()))?;
                number = Some(n);
                continue;
            }
            let Some(position) = UNITS.iter().position(|(unit, _)| *unit == c) else {
                return Err(DurationError::UnknownUnit {
                    given: given.to_owned(),
                    unit: c,
                });
            };
            let Some(n) = number.take() else {
                return Err(DurationError::MissingNumber(given.to_owned()));
            };
            if position < next_unit {
                return Err(DurationError::UnitOrder(given.to_owned()));
            }
            next_unit = position + 1;
            minutes = n
                .checked_mul(UNITS[position].1)
                .and_then(|m| m.checked_add(minutes))
                .filter(|m| *m <= MAX_MINUTES)
                .ok_or_else(|| DurationError::TooLong(given.to_owned()))?;
        }
        if number.is_some() {
            return Err(DurationError::MissingUnit(given.to_owned()));
        }
        Ok(Duration { minutes })
    }

    /// A duration of whole minutes; `None` when negative or longer than a year.
    pub fn from_minutes(minutes: i64) -> Option<Duration> {
        (0..=MAX_MINUTES)
            .contains(&minutes)
            .then_some(Duration { minutes })
    }

    /// The length in whole minutes.
    pub fn as_minutes(self) -> i64 {
        self.minutes
    }

    /// The same length as a `jiff` duration, to add to a timestamp.
    pub fn to_signed_duration(self) -> SignedDuration {
        // At most a year of minutes, far inside `SignedDuration`'s range.
        SignedDuration::from_secs(self.minutes * 60)
    }

    /// Whether the duration is empty.
    pub fn is_zero(self) -> bool {
        self.minutes == 0
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.minutes == 0 {
            return f.write_str("0m");
        }
        let mut rest = self.minutes;
        // Weeks are skipped on purpose: `14d` reads better than `2w`.
        for (unit, size) in &UNITS[1..] {
            let n = rest / size;
            rest %= size;
            if n > 0 {
                write!(f, "{n}{unit}")?;
            }
        }
        Ok(())
    }
}

impl FromStr for Duration {
    type Err = DurationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Duration::parse(s)
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Duration::parse(&text).map_err(serde::de::Error::custom)
    }
}
