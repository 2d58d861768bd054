use jiff::Timestamp;
use jiff::civil::Time;

use super::*;

pub(crate) fn zone(name: &str) -> Zone {
    Zone::parse(name).unwrap()
}

pub(crate) fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn time(s: &str) -> Time {
    s.parse().unwrap()
}

/// Days written as `mon-fri`, `sat,sun`, or `all`.
fn days(spec: &str) -> Vec<Day> {
    let index = |name: &str| {
        Day::ALL
            .iter()
            .position(|d| format!("{d:?}").eq_ignore_ascii_case(name))
            .unwrap()
    };
    if spec == "all" {
        return Day::ALL.to_vec();
    }
    spec.split(',')
        .flat_map(|part| match part.split_once('-') {
            Some((a, b)) => Day::ALL[index(a)..=index(b)].to_vec(),
            None => vec![Day::ALL[index(part)]],
        })
        .collect()
}

/// Hours written as `mon-fri 09:00-18:00`.
pub(crate) fn hours(spec: &str) -> WorkingHours {
    let (d, window) = spec.split_once(' ').unwrap();
    let (start, end) = window.split_once('-').unwrap();
    WorkingHours::new(days(d), time(start), time(end)).unwrap()
}

/// Checks `contains`, `next_open` and `window_end` at `at`; `expected` is
/// `in, ends <instant>` or `out, opens <instant>`.
fn check(zone_name: &str, spec: &str, at: &str, expected: &str) {
    let (z, h, at_ts) = (zone(zone_name), hours(spec), ts(at));
    let end = h.window_end(&z, at_ts);
    let actual = match h.next_open(&z, at_ts) {
        Some(open) if open == at_ts && h.contains(&z, at_ts) => match end {
            Some(end) => format!("in, ends {}", short(end)),
            None => "in, never ends".to_owned(),
        },
        Some(open) if end.is_none() && !h.contains(&z, at_ts) => {
            format!("out, opens {}", short(open))
        }
        other => format!("inconsistent: next_open {other:?}, window_end {end:?}"),
    };
    assert_eq!(actual, expected, "{zone_name} {spec} at {at}");
}

/// An instant without zero seconds, as the cases write it.
pub(crate) fn short(t: Timestamp) -> String {
    let s = t.to_string();
    s.strip_suffix(":00Z")
        .map_or(s.clone(), |s| format!("{s}Z"))
}

#[rustfmt::skip]
#[test]
fn windows() {
    let wk = "mon-fri 09:00-18:00";
    // 2025-06-02 is a Monday.
    check("UTC", wk, "2025-06-02T09:00Z", "in, ends 2025-06-02T18:00Z");
    check("UTC", wk, "2025-06-02T08:59:59Z", "out, opens 2025-06-02T09:00Z");
    check("UTC", wk, "2025-06-02T17:59:59Z", "in, ends 2025-06-02T18:00Z");
    check("UTC", wk, "2025-06-02T18:00Z", "out, opens 2025-06-03T09:00Z");
    check("UTC", wk, "2025-06-06T18:00Z", "out, opens 2025-06-09T09:00Z");
    check("UTC", wk, "2025-06-07T12:00Z", "out, opens 2025-06-09T09:00Z");
    check("UTC", "sun 00:00-01:00", "2025-06-02T00:30Z", "out, opens 2025-06-08T00:00Z");
    // Berlin is UTC+2 in summer.
    check("Europe/Berlin", wk, "2025-06-02T06:59Z", "out, opens 2025-06-02T07:00Z");
    check("Europe/Berlin", wk, "2025-06-02T07:00Z", "in, ends 2025-06-02T16:00Z");
    // Kolkata is UTC+05:30; Monday 09:00 there is Monday 03:30Z.
    check("Asia/Kolkata", wk, "2025-06-01T22:00Z", "out, opens 2025-06-02T03:30Z");
    // Working days are read in the zone: Sunday 23:00Z is Monday in Kolkata, but before 09:00.
    check("Asia/Kolkata", "mon 00:00-09:00", "2025-06-01T23:00Z", "in, ends 2025-06-02T03:30Z");
}

#[rustfmt::skip]
#[test]
fn overnight_windows() {
    let night = "fri 22:00-02:00";
    // 2025-06-06 is a Friday; the Saturday morning part belongs to Friday's shift.
    check("UTC", night, "2025-06-06T21:00Z", "out, opens 2025-06-06T22:00Z");
    check("UTC", night, "2025-06-06T23:00Z", "in, ends 2025-06-07T02:00Z");
    check("UTC", night, "2025-06-07T01:00Z", "in, ends 2025-06-07T02:00Z");
    check("UTC", night, "2025-06-07T02:00Z", "out, opens 2025-06-13T22:00Z");
    // Thursday's night is not a shift: Friday 01:00 is outside.
    check("UTC", night, "2025-06-06T01:00Z", "out, opens 2025-06-06T22:00Z");
    // Ending at midnight is an overnight window with an empty morning part.
    check("UTC", "mon 20:00-00:00", "2025-06-02T23:00Z", "in, ends 2025-06-03T00:00Z");
}

#[rustfmt::skip]
#[test]
fn dst() {
    // New York springs forward on Sunday 2025-03-09 at 02:00 EST (07:00Z) to 03:00 EDT.
    let ny = "America/New_York";
    // A window start inside the gap opens at the first instant after it.
    check(ny, "sun 02:30-04:00", "2025-03-09T05:00Z", "out, opens 2025-03-09T07:00Z");
    check(ny, "sun 02:30-04:00", "2025-03-09T07:00Z", "in, ends 2025-03-09T08:00Z");
    // A window end inside the gap closes at the gap.
    check(ny, "sun 01:00-02:30", "2025-03-09T06:30Z", "in, ends 2025-03-09T07:00Z");
    // The working day after the change opens at 09:00 EDT, 13:00Z.
    check(ny, "mon-fri 09:00-18:00", "2025-03-08T12:00Z", "out, opens 2025-03-10T13:00Z");
    // It falls back on Sunday 2025-11-02 at 02:00 EDT (06:00Z) to 01:00 EST: 01:00-01:30 happens twice.
    check(ny, "sun 01:00-01:30", "2025-11-02T05:15Z", "in, ends 2025-11-02T05:30Z");
    check(ny, "sun 01:00-01:30", "2025-11-02T05:30Z", "out, opens 2025-11-02T06:00Z");
    check(ny, "sun 01:00-01:30", "2025-11-02T06:10Z", "in, ends 2025-11-02T06:30Z");
    // Berlin falls back on 2025-10-26 at 03:00 CEST (01:00Z) to 02:00 CET.
    check("Europe/Berlin", "sun 02:00-04:00", "2025-10-26T00:00Z", "in, ends 2025-10-26T03:00Z");
    // Lord Howe moves by 30 minutes: 2025-10-05 02:00 +10:30 (2025-10-04T15:30Z) becomes 02:30 +11.
    let lh = "Australia/Lord_Howe";
    check(lh, "sun 02:00-03:00", "2025-10-04T15:00Z", "out, opens 2025-10-04T15:30Z");
    check(lh, "sun 02:00-03:00", "2025-10-04T15:30Z", "in, ends 2025-10-04T16:00Z");
}

#[test]
fn next_day_start_handles_midnight() {
    let z = zone("America/New_York");
    let at = ts("2025-03-08T12:00:00Z");
    assert_eq!(next_day_start(z.tz(), at), Some(ts("2025-03-09T05:00:00Z")));
    let z = zone("UTC");
    assert_eq!(
        next_day_start(z.tz(), ts("2025-06-02T00:00:00Z")),
        Some(ts("2025-06-03T00:00:00Z"))
    );
}

#[test]
fn day_start_is_the_first_instant_of_the_civil_day() {
    let paris = zone("Europe/Paris");
    assert_eq!(
        day_start(&paris, ts("2025-06-02T15:00:00Z")),
        ts("2025-06-01T22:00:00Z")
    );
    assert_eq!(
        day_start(&paris, ts("2025-06-01T22:00:00Z")),
        ts("2025-06-01T22:00:00Z"),
        "midnight is its own day's start"
    );
    // In 2018 São Paulo's clocks jumped from 00:00 to 01:00 on 4 November: that day began
    // at 01:00 local time (03:00 UTC).
    let sao_paulo = zone("America/Sao_Paulo");
    assert_eq!(
        day_start(&sao_paulo, ts("2018-11-04T15:00:00Z")),
        ts("2018-11-04T03:00:00Z")
    );
}

#[test]
fn validation() {
    let nine = time("09:00");
    assert_eq!(
        WorkingHours::new([], nine, time("18:00")),
        Err(WorkingHoursError::NoDays)
    );
    assert_eq!(
        WorkingHours::new([Day::Mon], nine, nine),
        Err(WorkingHoursError::EmptyWindow { at: nine })
    );
    let h = WorkingHours::new([Day::Fri, Day::Mon, Day::Fri], nine, time("18:00")).unwrap();
    assert_eq!(h.days, vec![Day::Mon, Day::Fri]);
    assert!(hours("mon 22:00-02:00").is_overnight());
    assert!(!WorkingHours::default().is_overnight());
    // Hours built field by field skip validation; the queries still answer without panicking.
    let none = WorkingHours {
        days: vec![],
        ..WorkingHours::default()
    };
    let at = ts("2025-06-02T10:00Z");
    assert_eq!(none.validate(), Err(WorkingHoursError::NoDays));
    assert_eq!(
        (
            none.next_open(&zone("UTC"), at),
            none.window_end(&zone("UTC"), at)
        ),
        (None, None)
    );
}

#[test]
fn serde_shape() {
    let h: WorkingHours =
        serde_json::from_str(r#"{"days":["mon","tue"],"start":"09:00","end":"17:30"}"#).unwrap();
    assert_eq!(h, hours("mon-tue 09:00-17:30"));
    let json = serde_json::to_string(&WorkingHours::default()).unwrap();
    assert_eq!(
        json,
        r#"{"days":["mon","tue","wed","thu","fri"],"start":"09:00:00","end":"18:00:00"}"#
    );
    assert_eq!(
        serde_json::from_str::<WorkingHours>(&json).unwrap(),
        WorkingHours::default()
    );
    let empty =
        serde_json::from_str::<WorkingHours>(r#"{"days":[],"start":"09:00","end":"17:00"}"#);
    assert!(empty.unwrap_err().to_string().contains("at least one day"));
}
