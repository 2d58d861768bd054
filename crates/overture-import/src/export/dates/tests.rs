use jiff::civil::date;
use jiff::tz::TimeZone;
use proptest::prelude::*;

use super::*;

fn check_connected(text: &str, expected: Option<(i16, i8, i8)>) {
    let expected = expected.map(|(y, m, d)| date(y, m, d));
    assert_eq!(connected_on(text), expected, "{text:?}");
}

#[test]
fn connected_on_forms() {
    check_connected("08 Feb 2026", Some((2026, 2, 8)));
    check_connected("8 Feb 2026", Some((2026, 2, 8)));
    check_connected(" 07 Jun 2026 ", Some((2026, 6, 7)));
    check_connected("4-Apr-21", Some((2021, 4, 4)));
    check_connected("04-Apr-2021", Some((2021, 4, 4)));
    check_connected("30-sept-19", Some((2019, 9, 30)));
    check_connected("1 DECEMBER 2024", Some((2024, 12, 1)));
    check_connected("2026-02-08", Some((2026, 2, 8)));
    check_connected("29 Feb 2024", Some((2024, 2, 29)));

    check_connected("29 Feb 2023", None);
    check_connected("31 Foo 2021", None);
    check_connected("08 Fe 2026", None);
    check_connected("Feb 08 2026", None);
    check_connected("08 Feb 226", None);
    check_connected("08 Feb 2026 extra", None);
    check_connected("2026-02-08x", None);
    check_connected("123 Feb 2026", None);
    check_connected("", None);
}

fn utc(text: &str) -> Timestamp {
    text.parse().unwrap()
}

#[test]
fn sent_at_forms_in_a_zone() {
    let berlin = TimeZone::get("Europe/Berlin").unwrap();
    let check = |text: &str, expected: Option<&str>| {
        assert_eq!(sent_at(text, &berlin), expected.map(utc), "{text:?}");
    };
    check("1/29/26, 2:37 PM", Some("2026-01-29T13:37:00Z"));
    check("1/29/26, 2:37 pm", Some("2026-01-29T13:37:00Z"));
    check("1/29/26 2:37PM", Some("2026-01-29T13:37:00Z"));
    check("1/29/26, 2:37\u{202f}PM", Some("2026-01-29T13:37:00Z"));
    check("01/29/2026, 02:37:09 PM", Some("2026-01-29T13:37:09Z"));
    check("7/4/25, 12:05 AM", Some("2025-07-03T22:05:00Z"));
    check("7/4/25, 12:05 PM", Some("2025-07-04T10:05:00Z"));
    check("1/29/26, 14:37", Some("2026-01-29T13:37:00Z"));
    check("2026-01-29 14:37", Some("2026-01-29T13:37:00Z"));
    check("2026-01-29 14:37:30", Some("2026-01-29T13:37:30Z"));

    check("13/29/26, 2:37 PM", None);
    check("1/29/26, 13:37 PM", None);
    check("1/29/26, 0:37 AM", None);
    check("1/29/26, 2:37 XM", None);
    check("1/29/26,2:37 PM", None);
    check("1/29/126, 2:37 PM", None);
    check("1/29/26", None);
    check("", None);
}

#[test]
fn sent_at_across_daylight_saving_changes() {
    let berlin = TimeZone::get("Europe/Berlin").unwrap();
    // 02:30 does not exist on 2026-03-29: the time after the gap.
    assert_eq!(
        sent_at("3/29/26, 2:30 AM", &berlin),
        Some(utc("2026-03-29T01:30:00Z"))
    );
    // 02:30 happens twice on 2026-10-25: the first one.
    assert_eq!(
        sent_at("10/25/26, 2:30 AM", &berlin),
        Some(utc("2026-10-25T00:30:00Z"))
    );
    assert_eq!(
        sent_at("1/29/26, 2:37 PM", &TimeZone::UTC),
        Some(utc("2026-01-29T14:37:00Z"))
    );
}

#[test]
fn message_date_forms() {
    let check = |text: &str, expected: Option<&str>| {
        assert_eq!(message_date(text), expected.map(utc), "{text:?}");
    };
    check("2026-02-09 14:03:11 UTC", Some("2026-02-09T14:03:11Z"));
    check("2026-02-09 14:03:11", Some("2026-02-09T14:03:11Z"));
    check("2026-02-09T14:03:11Z", Some("2026-02-09T14:03:11Z"));
    check("2026-02-09 14:03 utc", Some("2026-02-09T14:03:00Z"));
    check("2026-02-09 14:03:11 CET", None);
    check("2026-02-30 14:03:11 UTC", None);
    check("2026-02-09 24:03:11 UTC", None);
    check("2026-02-09 2:03:11 PM", None);
    check("2/9/26, 2:03 PM", None);
    check("", None);
}

proptest! {
    #[test]
    fn the_parsers_never_panic(text in "\\PC{0,40}") {
        let _ = connected_on(&text);
        let _ = sent_at(&text, &TimeZone::UTC);
        let _ = message_date(&text);
    }

    #[test]
    fn sent_at_reads_back_what_was_written(
        month in 1i8..=12, day in 1i8..=28, year in 2003i16..=2099,
        hour in 0i8..=23, minute in 0i8..=59,
    ) {
        let twelve = match hour % 12 { 0 => 12, h => h };
        let meridiem = if hour < 12 { "AM" } else { "PM" };
        let text = format!("{month}/{day}/{:02}, {twelve}:{minute:02} {meridiem}", year % 100);
        let expected = date(2000 + year % 100, month, day).at(hour, minute, 0, 0);
        let expected = TimeZone::UTC.to_timestamp(expected).unwrap();
        prop_assert_eq!(sent_at(&text, &TimeZone::UTC), Some(expected));
    }
}
