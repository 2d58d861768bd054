//! Working hours: the days and hours, in the account's time zone, when an account may act.
//!
//! An instant is inside the working hours when its civil reading in the account's zone falls in
//! the daily window of a working day. Reading civil time (instead of adding hours to a start
//! instant) is what makes DST behave: a window that starts inside a DST gap opens at the first
//! instant after the gap, and in a DST fold every real instant whose reading is inside the
//! window counts, once.
//!
//! A window whose `end` is before its `start` runs overnight: `22:00`–`02:00` on a Friday covers
//! Friday 22:00 to Saturday 02:00, and the Saturday part belongs to Friday's shift (Friday must
//! be a working day, Saturday need not be).

use jiff::civil::{Date, DateTime, Time, Weekday};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use crate::account::Zone;

/// A day of the week, as written in settings (`mon`, `tue`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Day {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

impl Day {
    /// Every day, Monday first.
    pub const ALL: [Day; 7] = [
        Day::Mon,
        Day::Tue,
        Day::Wed,
        Day::Thu,
        Day::Fri,
        Day::Sat,
        Day::Sun,
    ];

    /// The same day as jiff's weekday.
    pub fn weekday(self) -> Weekday {
        match self {
            Day::Mon => Weekday::Monday,
            Day::Tue => Weekday::Tuesday,
            Day::Wed => Weekday::Wednesday,
            Day::Thu => Weekday::Thursday,
            Day::Fri => Weekday::Friday,
            Day::Sat => Weekday::Saturday,
            Day::Sun => Weekday::Sunday,
        }
    }

    /// The day for jiff's weekday.
    pub fn from_weekday(weekday: Weekday) -> Self {
        match weekday {
            Weekday::Monday => Day::Mon,
            Weekday::Tuesday => Day::Tue,
            Weekday::Wednesday => Day::Wed,
            Weekday::Thursday => Day::Thu,
            Weekday::Friday => Day::Fri,
            Weekday::Saturday => Day::Sat,
            Weekday::Sunday => Day::Sun,
        }
    }
}

/// Working hours that cannot hold any instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WorkingHoursError {
    /// No working day was given.
    #[error("working hours need at least one day (for example mon to fri)")]
    NoDays,
    /// The window starts and ends at the same time, so it is empty.
    #[error("working hours start and end at the same time ({at}); the window would be empty")]
    EmptyWindow {
        /// The start and end time.
        at: Time,
    },
}

/// Days of the week and a daily window, read in the account's time zone.
///
/// Build it with [`WorkingHours::new`]; deserializing validates the same way. A window with
/// `end < start` runs overnight (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawWorkingHours")]
pub struct WorkingHours {
    /// The days on which the account works (a shift belongs to the day it starts on).
    pub days: Vec<Day>,
    /// Start of the daily window (inclusive).
    pub start: Time,
    /// End of the daily window (exclusive); before `start` for an overnight window.
    pub end: Time,
}

/// The serialized shape, checked by `WorkingHours::new` on the way in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWorkingHours {
    days: Vec<Day>,
    start: Time,
    end: Time,
}

impl TryFrom<RawWorkingHours> for WorkingHours {
    type Error = WorkingHoursError;

    fn try_from(raw: RawWorkingHours) -> Result<Self, Self::Error> {
        WorkingHours::new(raw.days, raw.start, raw.end)
    }
}

impl Default for WorkingHours {
    /// Monday to Friday, 09:00 to 18:00.
    fn default() -> Self {
        Self {
            days: vec![Day::Mon, Day::Tue, Day::Wed, Day::Thu, Day::Fri],
            start: Time::constant(9, 0, 0, 0),
            end: Time::constant(18, 0, 0, 0),
        }
    }
}

/// How far ahead `next_open` looks: two weeks covers every weekday even when a zone skips a
/// whole civil day (Samoa did in 2011).
const SEARCH_DAYS: i64 = 15;

impl WorkingHours {
    /// Validated working hours; the days are sorted and deduplicated.
    pub fn new(
        days: impl IntoIterator<Item = Day>,
        start: Time,
        end: Time,
    ) -> Result<Self, WorkingHoursError> {
        let mut days: Vec<Day> = days.into_iter().collect();
        days.sort_unstable();
        days.dedup();
        let hours = Self { days, start, end };
        hours.validate()?;
        Ok(hours)
    }

    /// Checks what [`WorkingHours::new`] checks, for values built field by field.
    pub fn validate(&self) -> Result<(), WorkingHoursError> {
        if self.days.is_empty() {
            return Err(WorkingHoursError::NoDays);
        }
        if self.start == self.end {
            return Err(WorkingHoursError::EmptyWindow { at: self.start });
        }
        Ok(())
    }

    /// Whether the window runs past midnight into the next civil day.
    pub fn is_overnight(&self) -> bool {
        self.end < self.start
    }

    /// Whether a shift starts on this weekday.
    pub fn works_on(&self, weekday: Weekday) -> bool {
        self.days.contains(&Day::from_weekday(weekday))
    }

    /// Whether `at` is inside the working hours, read in `zone`.
    pub fn contains(&self, zone: &Zone, at: Timestamp) -> bool {
        self.contains_civil(zone.tz().to_datetime(at))
    }

    /// The earliest instant at or after `at` inside the working hours.
    ///
    /// `None` only when the hours hold no instant (no working day, or an empty window).
    pub fn next_open(&self, zone: &Zone, at: Timestamp) -> Option<Timestamp> {
        if self.contains(zone, at) {
            return Some(at);
        }
        let tz = zone.tz();
        let today = tz.to_datetime(at).date();
        // Between two time zone transitions the civil reading only moves forward, so the
        // reading enters the window either at a window start or at a transition.
        let starts = (-1..=SEARCH_DAYS)
            .filter_map(|n| today.checked_add(n.days()).ok())
            .flat_map(|date| resolve(tz, date.to_datetime(self.start)));
        let horizon = plus(at, SignedDuration::from_hours(24 * (SEARCH_DAYS + 1)));
        starts
            .chain(transitions(tz, at, horizon))
            .filter(|&c| c >= at && self.contains(zone, c))
            .min()
    }

    /// When the window that holds `at` closes: the earliest instant after `at` outside the
    /// working hours. `None` when `at` is outside them.
    pub fn window_end(&self, zone: &Zone, at: Timestamp) -> Option<Timestamp> {
        if !self.contains(zone, at) {
            return None;
        }
        let tz = zone.tz();
        let today = tz.to_datetime(at).date();
        // A shift lasts less than a civil day, plus at most a fold's repeat, so it ends within
        // two days; the reading leaves the window at a window end or at a transition.
        let ends = (-1..=2)
            .filter_map(|n| today.checked_add(n.days()).ok())
            .flat_map(|date| resolve(tz, date.to_datetime(self.end)));
        let horizon = plus(at, SignedDuration::from_hours(24 * 3));
        ends.chain(transitions(tz, at, horizon))
            .filter(|&c| c > at && !self.contains(zone, c))
            .min()
    }

    fn contains_civil(&self, dt: DateTime) -> bool {
        let (date, time) = (dt.date(), dt.time());
        if self.start < self.end {
            return self.works_on(date.weekday()) && self.start <= time && time < self.end;
        }
        let late_part = self.works_on(date.weekday()) && time >= self.start;
        let early_part = time < self.end
            && date
                .yesterday()
                .is_ok_and(|yesterday| self.works_on(yesterday.weekday()));
        late_part || early_part
    }
}

/// The first instant after `at` whose civil date in `tz` is later than `at`'s.
/// The first instant of the civil day (in `zone`) that `at` falls on: its midnight, or the
/// transition that skips midnight in a zone whose clocks jump over it.
pub fn day_start(zone: &Zone, at: Timestamp) -> Timestamp {
    let tz = zone.tz();
    // No civil day lasts 72 hours, so a day start lies between here and `at`.
    let mut start = plus(at, -SignedDuration::from_hours(72));
    while let Some(next) = next_day_start(tz, start) {
        if next > at {
            break;
        }
        start = next;
    }
    start
}

pub(crate) fn next_day_start(tz: &TimeZone, at: Timestamp) -> Option<Timestamp> {
    let today = tz.to_datetime(at).date();
    let tomorrow = today.tomorrow().ok()?;
    // Midnight may be skipped or repeated; a gap that spans midnight makes the transition
    // itself the first instant of the new day.
    let horizon = plus(at, SignedDuration::from_hours(48));
    resolve(tz, tomorrow.to_datetime(Time::midnight()))
        .into_iter()
        .chain(transitions(tz, at, horizon))
        .filter(|&c| c > at && tz.to_datetime(c).date() > today)
        .min()
}

/// The civil date of `at` in `tz`.
pub(crate) fn civil_date(tz: &TimeZone, at: Timestamp) -> Date {
    tz.to_datetime(at).date()
}

/// Every instant whose civil reading is `dt`: none in a gap, two in a fold.
fn resolve(tz: &TimeZone, dt: DateTime) -> Vec<Timestamp> {
    let offsets = match tz.to_ambiguous_timestamp(dt).offset() {
        AmbiguousOffset::Unambiguous { offset } => vec![offset],
        AmbiguousOffset::Gap { .. } => vec![],
        AmbiguousOffset::Fold { before, after } => vec![before, after],
    };
    offsets
        .into_iter()
        .filter_map(|offset| offset.to_timestamp(dt).ok())
        .collect()
}

/// The time zone transitions after `after`, up to `until`.
fn transitions(
    tz: &TimeZone,
    after: Timestamp,
    until: Timestamp,
) -> impl Iterator<Item = Timestamp> + '_ {
    tz.following(after)
        .map(|transition| transition.timestamp())
        .take_while(move |&t| t <= until)
}

/// `t + d`, clamped to the representable range instead of failing.
pub(crate) fn plus(t: Timestamp, d: SignedDuration) -> Timestamp {
    let bound = if d.is_negative() {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    };
    // A `SignedDuration` has no calendar units, so only overflow can fail, and it saturates.
    t.saturating_add(d).unwrap_or(bound)
}

#[cfg(test)]
pub(crate) mod tests;
