use jiff::Timestamp;
use jiff::tz::Offset;

use super::return_date;

/// Written on Tuesday 8 December 2026, 09:30 at UTC+1.
const WRITTEN: &str = "2026-12-08T08:30:00Z";

/// `expected` is the local date (UTC+1) or `None`.
fn check(text: &str, expected: Option<&str>) {
    let offset = Offset::from_hours(1).unwrap();
    let reference: Timestamp = WRITTEN.parse().unwrap();
    let got = return_date(text, reference, offset).map(|t| {
        t.to_zoned_datetime(jiff::tz::TimeZone::fixed(offset))
            .date()
            .to_string()
    });
    assert_eq!(got.as_deref(), expected, "for {text:?}");
}

#[test]
fn english_forms() {
    check(
        "I am out of the office until 14 December 2026.",
        Some("2026-12-14"),
    );
    check(
        "I'm back on 2026-12-14 and will reply then",
        Some("2026-12-14"),
    );
    check("Returning Monday, 14 December.", Some("2026-12-14"));
    check("I will be back on December 14th, 2026", Some("2026-12-14"));
    check("back on the 4th of January", Some("2027-01-04"));
    check("I return on Jan 4", Some("2027-01-04"));
    check("out until 14/12/2026", Some("2026-12-14"));
    check("out until 12/14/2026", Some("2026-12-14"));
}

#[test]
fn other_languages() {
    check(
        "Ich bin bis einschließlich 18.12.2026 nicht im Büro.",
        Some("2026-12-18"),
    );
    check(
        "Ab dem 4. Januar bin ich wieder erreichbar.",
        Some("2027-01-04"),
    );
    check("bis zum 11.12. abwesend", Some("2026-12-11"));
    check("Je suis absent jusqu'au 15 décembre.", Some("2026-12-15"));
}

#[test]
fn unclear_or_missing() {
    check("I am out of the office with limited access to email.", None);
    check("Out of office until 3/4/2027", None);
    check(
        "I am out of the office. Our offices reopen on 14 December",
        None,
    );
    check("back in the office on 14 December 2019", None);
    check("back next week", None);
    check("until 31 February", None);
}
