//! The return date in an absence notice: "until 14 December 2026", "back on 2026-12-14",
//! "returning Monday, 14 December", "bis zum 14.12.2026".

use std::sync::LazyLock;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::{Offset, TimeZone};
use regex::Regex;

/// Month names and abbreviations (English, German, French, Spanish, Dutch), lower case, with
/// their numbers. Longer spellings come first so the alternation prefers them.
const MONTHS: &[(&str, i8)] = &[
    ("january", 1),
    ("januar", 1),
    ("janvier", 1),
    ("enero", 1),
    ("januari", 1),
    ("jan", 1),
    ("jän", 1),
    ("february", 2),
    ("februar", 2),
    ("février", 2),
    ("febrero", 2),
    ("februari", 2),
    ("feb", 2),
    ("fév", 2),
    ("march", 3),
    ("märz", 3),
    ("mars", 3),
    ("marzo", 3),
    ("maart", 3),
    ("mar", 3),
    ("mär", 3),
    ("april", 4),
    ("avril", 4),
    ("abril", 4),
    ("apr", 4),
    ("avr", 4),
    ("may", 5),
    ("mai", 5),
    ("mayo", 5),
    ("mei", 5),
    ("june", 6),
    ("juni", 6),
    ("juin", 6),
    ("junio", 6),
    ("jun", 6),
    ("july", 7),
    ("juli", 7),
    ("juillet", 7),
    ("julio", 7),
    ("jul", 7),
    ("august", 8),
    ("août", 8),
    ("agosto", 8),
    ("augustus", 8),
    ("aug", 8),
    ("september", 9),
    ("septembre", 9),
    ("septiembre", 9),
    ("sept", 9),
    ("sep", 9),
    ("october", 10),
    ("oktober", 10),
    ("octobre", 10),
    ("octubre", 10),
    ("oct", 10),
    ("okt", 10),
    ("november", 11),
    ("novembre", 11),
    ("noviembre", 11),
    ("nov", 11),
    ("december", 12),
    ("dezember", 12),
    ("décembre", 12),
    ("diciembre", 12),
    ("dec", 12),
    ("dez", 12),
    ("déc", 12),
];

/// Words after which a return date follows.
static TRIGGER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)\b(?: until | till | through | back | return | returning | returns
            | bis | ab | zurück | wieder
            | jusqu['’]au | retour | hasta | regreso | vuelvo | terug | tot )\b",
    )
    .expect("the trigger pattern is valid")
});

/// The date forms, each with named groups `y`, `m` (a number), `mon` (a name), `d`, and `a`/`b`
/// for the two ambiguous numbers of a slashed date.
static DATES: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    let mut names: Vec<&str> = MONTHS.iter().map(|(name, _)| *name).collect();
    names.sort_by_key(|name| std::cmp::Reverse(name.chars().count()));
    let month = names.join("|");
    [
        r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b".to_owned(),
        r"\b(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4}|\d{2})?".to_owned(),
        r"\b(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?\b".to_owned(),
        format!(
            r"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th|\.)?(?:\s+of)?\s+(?P<mon>{month})\.?,?(?:\s+(?P<y>\d{{4}}))?\b"
        ),
        format!(
            r"\b(?P<mon>{month})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b,?(?:\s+(?P<y>\d{{4}}))?"
        ),
    ]
    .iter()
    .map(|pattern| Regex::new(pattern).expect("the date patterns are valid"))
    .collect()
});

/// How far after a trigger word the date may stand, in bytes.
const WINDOW: usize = 60;

/// The return date an absence notice gives, as the start of that day at the writer's UTC
/// `offset`; `None` when the text gives none or it is not clear.
///
/// `reference` is when the notice was written: a date without a year is the next one on or
/// after it, and a date more than a month before it or more than a year after it is not taken.
/// Only a date shortly after a word such as "until", "back", "returning", "bis", "ab" or
/// "jusqu'au" counts. A slashed date counts only when it cannot be read two ways (`14/12`, not
/// `3/4`).
pub fn return_date(text: &str, reference: Timestamp, offset: Offset) -> Option<Timestamp> {
    let text = text.to_lowercase();
    let zone = TimeZone::fixed(offset);
    let today = reference.to_zoned_datetime(zone.clone()).date();
    TRIGGER.find_iter(&text).find_map(|trigger| {
        let start = trigger.end();
        let mut end = (start + WINDOW).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let date = first_date(&text[start..end], today)?;
        let earliest = today.checked_sub(jiff::Span::new().days(31)).ok()?;
        let latest = today.checked_add(jiff::Span::new().days(366)).ok()?;
        if date < earliest || date > latest {
            return None;
        }
        date.to_zoned_datetime(zone.clone())
            .ok()
            .map(|z| z.timestamp())
    })
}

/// The date that starts earliest in `window`.
fn first_date(window: &str, today: Date) -> Option<Date> {
    DATES
        .iter()
        .filter_map(|pattern| pattern.captures(window))
        .min_by_key(|caps| caps.get(0).map_or(usize::MAX, |m| m.start()))
        .and_then(|caps| {
            let number = |name: &str| caps.name(name).and_then(|m| m.as_str().parse::<i16>().ok());
            let (day, month) = match (number("a"), number("b")) {
                (Some(a), Some(b)) if a > 12 && b <= 12 => (a, b),
                (Some(a), Some(b)) if b > 12 && a <= 12 => (b, a),
                (Some(_), Some(_)) => return None,
                _ => {
                    let month = match caps.name("mon") {
                        Some(name) => i16::from(month_number(name.as_str())?),
                        None => number("m")?,
                    };
                    (number("d")?, month)
                }
            };
            let year = number("y").map(|y| if y < 100 { 2000 + y } else { y });
            civil_date(year, month, day, today)
        })
}

fn month_number(name: &str) -> Option<i8> {
    MONTHS
        .iter()
        .find(|(spelling, _)| *spelling == name)
        .map(|(_, number)| *number)
}

/// The date; without a year, the first one on or after `today`.
fn civil_date(year: Option<i16>, month: i16, day: i16, today: Date) -> Option<Date> {
    let month = i8::try_from(month).ok()?;
    let day = i8::try_from(day).ok()?;
    match year {
        Some(year) => Date::new(year, month, day).ok(),
        None => {
            let this_year = Date::new(today.year(), month, day).ok();
            match this_year {
                Some(date) if date >= today => Some(date),
                _ => Date::new(today.year() + 1, month, day).ok(),
            }
        }
    }
}

#[cfg(test)]
mod tests;
