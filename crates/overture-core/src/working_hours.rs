//! Working hours: the days and hours, in the account's time zone, when an account may act.

use jiff::civil::{Time, Weekday};
use serde::{Deserialize, Serialize};

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
}

/// Days of the week and a daily window, read in the account's time zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkingHours {
    /// The days on which the account works.
    pub days: Vec<Day>,
    /// Start of the daily window (inclusive).
    pub start: Time,
    /// End of the daily window (exclusive).
    pub end: Time,
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
