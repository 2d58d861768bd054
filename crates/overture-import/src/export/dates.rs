//! The dates of an export, one parser per file: each file writes its dates its own way, and a
//! spreadsheet that re-saved a file writes them another way again.
//!
//! Two-digit years are years of this century: LinkedIn started in 2003, so `21` is 2021.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;

/// The forms [`connected_on`] reads, for messages.
pub const CONNECTED_ON_FORMS: &str = "`08 Feb 2026`, `4-Apr-21` or `2026-02-08`";

/// The forms [`sent_at`] reads, for messages.
pub const SENT_AT_FORMS: &str = "`1/29/26, 2:37 PM` or `2026-01-29 14:37`";

/// The forms [`message_date`] reads, for messages.
pub const MESSAGE_DATE_FORMS: &str = "`2026-02-09 14:03:11 UTC`";

/// `Connected On` of `Connections.csv`: `08 Feb 2026` as LinkedIn writes it, `4-Apr-21` or
/// `04-Apr-2021` after a spreadsheet re-saved the file, or `2026-02-08`. Month names are
/// English, abbreviated or whole, in any case.
pub fn connected_on(text: &str) -> Option<Date> {
    let text = text.trim();
    let mut cursor = Cursor::new(text);
    if let Some(date) = iso_date(&mut cursor)
        && cursor.at_end()
    {
        return Some(date);
    }
    let mut parts = text.split([' ', '-', '\u{a0}']).filter(|p| !p.is_empty());
    let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || day.len() > 2 {
        return None;
    }
    let day: i8 = number(day)?;
    let month = month_number(month)?;
    let year = year_number(year)?;
    Date::new(year, month, day).ok()
}

/// `Sent At` of `Invitations.csv`, read as a clock time in `tz`: `1/29/26, 2:37 PM` as LinkedIn
/// writes it (month/day/year, 12-hour clock), with or without the comma, with seconds, a
/// four-digit year, a 24-hour clock or any kind of space before `AM`/`PM` (newer formatting
/// puts a narrow no-break space there); or `2026-01-29 14:37[:05]` after a spreadsheet
/// re-saved the file. A clock time that a daylight-saving change skips is read as the time
/// after the gap; one it repeats, as the first of the two.
pub fn sent_at(text: &str, tz: &TimeZone) -> Option<Timestamp> {
    let spaced = spaces(text);
    let mut cursor = Cursor::new(spaced.trim());
    let mut iso = cursor.clone();
    let date = match iso_date(&mut iso) {
        Some(date) => {
            cursor = iso;
            date
        }
        None => us_date(&mut cursor)?,
    };
    cursor.eat(b',');
    if !cursor.skip_spaces() {
        return None;
    }
    let time = clock(&mut cursor, true)?;
    if !cursor.at_end() {
        return None;
    }
    tz.to_timestamp(DateTime::from_parts(date, time)).ok()
}

/// `DATE` of `messages.csv`: `2026-02-09 14:03:11 UTC`; also with a `T`, a `Z` or no zone
/// (read as UTC) and without seconds.
pub fn message_date(text: &str) -> Option<Timestamp> {
    let mut cursor = Cursor::new(text.trim());
    let date = iso_date(&mut cursor)?;
    if !(cursor.eat(b'T') || cursor.skip_spaces()) {
        return None;
    }
    let time = clock(&mut cursor, false)?;
    cursor.skip_spaces();
    let zone = cursor.rest();
    if !(zone.is_empty() || zone.eq_ignore_ascii_case(b"UTC") || zone.eq_ignore_ascii_case(b"Z")) {
        return None;
    }
    TimeZone::UTC
        .to_timestamp(DateTime::from_parts(date, time))
        .ok()
}

/// The text with every kind of space (no-break, narrow no-break, thin) as an ASCII space.
fn spaces(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_ascii() {
        return text.into();
    }
    text.chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect::<String>()
        .into()
}

/// `YYYY-MM-DD`.
fn iso_date(cursor: &mut Cursor<'_>) -> Option<Date> {
    let year = cursor.digits(4, 4)?;
    cursor.expect(b'-')?;
    let month = cursor.digits(1, 2)?;
    cursor.expect(b'-')?;
    let day = cursor.digits(1, 2)?;
    date(year, month, day)
}

/// `M/D/YY` or `M/D/YYYY`.
fn us_date(cursor: &mut Cursor<'_>) -> Option<Date> {
    let month = cursor.digits(1, 2)?;
    cursor.expect(b'/')?;
    let day = cursor.digits(1, 2)?;
    cursor.expect(b'/')?;
    let start = cursor.at;
    let year = cursor.digits(2, 4)?;
    let year = match cursor.at - start {
        2 => 2000 + year,
        4 => year,
        _ => return None,
    };
    date(year, month, day)
}

fn date(year: u32, month: u32, day: u32) -> Option<Date> {
    Date::new(
        i16::try_from(year).ok()?,
        i8::try_from(month).ok()?,
        i8::try_from(day).ok()?,
    )
    .ok()
}

/// `H:MM[:SS]`, then, when `twelve_hour` allows it, an optional `AM` or `PM` (any case, with
/// or without a space before it).
fn clock(cursor: &mut Cursor<'_>, twelve_hour: bool) -> Option<Time> {
    let mut hour = cursor.digits(1, 2)?;
    cursor.expect(b':')?;
    let minute = cursor.digits(2, 2)?;
    let second = if cursor.eat(b':') {
        cursor.digits(2, 2)?
    } else {
        0
    };
    if twelve_hour {
        let mut ahead = cursor.clone();
        ahead.skip_spaces();
        let meridiem = ahead.rest();
        let pm = if meridiem.eq_ignore_ascii_case(b"PM") {
            Some(true)
        } else if meridiem.eq_ignore_ascii_case(b"AM") {
            Some(false)
        } else {
            None
        };
        if let Some(pm) = pm {
            if !(1..=12).contains(&hour) {
                return None;
            }
            hour = hour % 12 + if pm { 12 } else { 0 };
            *cursor = Cursor::new("");
        }
    }
    Time::new(
        i8::try_from(hour).ok()?,
        i8::try_from(minute).ok()?,
        i8::try_from(second).ok()?,
        0,
    )
    .ok()
}

fn number<T: std::str::FromStr>(text: &str) -> Option<T> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// `21` is 2021 and `2021` is 2021.
fn year_number(text: &str) -> Option<i16> {
    let year: i16 = number(text)?;
    match text.len() {
        2 => Some(2000 + year),
        4 => Some(year),
        _ => None,
    }
}

/// An English month name, abbreviated (`Feb`, `Sept`) or whole, in any case.
fn month_number(text: &str) -> Option<i8> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let lower = text.trim_end_matches('.').to_ascii_lowercase();
    if lower.len() < 3 {
        return None;
    }
    let index = MONTHS.iter().position(|m| m.starts_with(&lower))?;
    i8::try_from(index + 1).ok()
}

/// A position in ASCII text.
#[derive(Debug, Clone)]
struct Cursor<'a> {
    text: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Cursor {
            text: text.as_bytes(),
            at: 0,
        }
    }

    /// Between `min` and `max` ASCII digits.
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let mut value = 0u32;
        let start = self.at;
        while self.at - start < max {
            match self.text.get(self.at) {
                Some(b) if b.is_ascii_digit() => {
                    value = value * 10 + u32::from(b - b'0');
                    self.at += 1;
                }
                _ => break,
            }
        }
        let count = self.at - start;
        let followed_by_digit = self.text.get(self.at).is_some_and(u8::is_ascii_digit);
        (count >= min && !followed_by_digit).then_some(value)
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.text.get(self.at) == Some(&byte) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        self.eat(byte).then_some(())
    }

    /// Skips spaces; whether there were any.
    fn skip_spaces(&mut self) -> bool {
        let start = self.at;
        while self.text.get(self.at) == Some(&b' ') {
            self.at += 1;
        }
        self.at > start
    }

    fn rest(&self) -> &'a [u8] {
        self.text.get(self.at..).unwrap_or_default()
    }

    fn at_end(&self) -> bool {
        self.at >= self.text.len()
    }
}

#[cfg(test)]
mod tests;
