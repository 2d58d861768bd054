use jiff::{SignedDuration, Timestamp};

use super::*;
use crate::working_hours::WorkingHours;
use crate::working_hours::tests::{hours, short, ts, zone};

/// A limit written as `2/day 5/week 10m` (the last part is the minimum spacing).
fn limit(spec: &str) -> KindLimit {
    let parts: Vec<&str> = spec.split(' ').collect();
    let number = |part: &str, unit: &str| part.strip_suffix(unit).unwrap().parse().unwrap();
    KindLimit {
        per_day: number(parts[0], "/day"),
        per_week: number(parts[1], "/week"),
        min_spacing: parts[2].parse().unwrap(),
        jitter: SignedDuration::ZERO,
    }
}

/// Limits for invitations only, without warm-up, with an optional note quota.
fn invite_limits(spec: &str, notes_per_30_days: Option<u32>) -> AccountLimits {
    AccountLimits {
        kinds: BTreeMap::from([(ActionKind::Invite, limit(spec))]),
        warm_up: WarmUp {
            start_percent: 100,
            ramp_days: 0,
        },
        note_quota: notes_per_30_days.map(|per_30_days| NoteQuota { per_30_days }),
    }
}

/// Runs `allowance` for invitations and renders it as
/// `<left today>/<day cap> today, <left in week> week, next <instant> <binding>`.
fn check(
    zone_name: &str,
    hours_spec: &str,
    spec: &str,
    history: &[&str],
    now: &str,
    expected: &str,
) {
    let limits = invite_limits(spec, None);
    let (z, h) = (zone(zone_name), hours(hours_spec));
    let history: Vec<Timestamp> = history.iter().map(|s| ts(s)).collect();
    let query = LimitQuery {
        kind: ActionKind::Invite,
        limits: &limits,
        zone: &z,
        hours: &h,
        created_at: ts("2020-01-01T00:00Z"),
        history: &history,
        notes: &[],
        jitter_sample: 0.0,
        now: ts(now),
    };
    let a = allowance(&query);
    assert_eq!(a.remaining, a.remaining_today.min(a.remaining_week));
    let next = a.next_allowed.map_or("never".to_owned(), short);
    let actual = format!(
        "{}/{} today, {} week, next {next} {:?}",
        a.remaining_today, a.day_cap, a.remaining_week, a.binding
    );
    assert_eq!(
        actual, expected,
        "{zone_name} {hours_spec} {spec} {history:?} at {now}"
    );
}

const WK: &str = "mon-fri 09:00-18:00";
const ALWAYS: &str = "all 00:00-23:59";

#[rustfmt::skip]
#[test]
fn next_allowed() {
    // 2025-06-02 is a Monday.
    check("UTC", WK, "2/day 5/week 10m", &[], "2025-06-02T10:00Z", "2/2 today, 5 week, next 2025-06-02T10:00Z Ready");
    check("UTC", WK, "2/day 5/week 10m", &["2025-06-02T09:55Z"], "2025-06-02T10:00Z", "1/2 today, 4 week, next 2025-06-02T10:05Z MinSpacing");
    check("UTC", WK, "2/day 5/week 10m", &["2025-06-02T09:00Z", "2025-06-02T09:30Z"], "2025-06-02T10:00Z", "0/2 today, 3 week, next 2025-06-03T09:00Z DayCap");
    check("UTC", WK, "2/day 5/week 10m", &[], "2025-06-02T20:00Z", "2/2 today, 5 week, next 2025-06-03T09:00Z WorkingHours");
    check("UTC", WK, "2/day 5/week 10m", &[], "2025-06-06T18:00Z", "2/2 today, 5 week, next 2025-06-09T09:00Z WorkingHours");
    // Outside the hours with the day's cap used up: the hours alone already wait as long.
    check("UTC", WK, "2/day 5/week 10m", &["2025-06-02T09:00Z", "2025-06-02T09:30Z"], "2025-06-02T20:00Z", "0/2 today, 3 week, next 2025-06-03T09:00Z WorkingHours");
    // Spacing that runs past the end of the day's window waits for the next window.
    check("UTC", WK, "2/day 5/week 1h", &["2025-06-02T17:30Z"], "2025-06-02T17:40Z", "1/2 today, 4 week, next 2025-06-03T09:00Z MinSpacing");
    // Unsorted history; the week is full until the oldest action is 7 × 24 h old.
    check("UTC", WK, "2/day 5/week 10m", &["2025-05-29T10:00Z", "2025-05-27T10:00Z", "2025-06-02T09:00Z", "2025-05-30T10:00Z", "2025-05-28T10:00Z"], "2025-06-02T10:00Z", "1/2 today, 0 week, next 2025-06-03T10:00Z WeekCap");
    // Actions older than 7 × 24 h no longer count.
    check("UTC", WK, "2/day 5/week 10m", &["2025-05-26T10:00Z", "2025-05-26T09:59Z"], "2025-06-02T10:00Z", "2/2 today, 5 week, next 2025-06-02T10:00Z Ready");
    // In-flight work dated after now counts and pushes the spacing.
    check("UTC", WK, "2/day 5/week 10m", &["2025-06-02T10:30Z"], "2025-06-02T10:00Z", "1/2 today, 4 week, next 2025-06-02T10:40Z MinSpacing");
    // History beyond the caps (imported, or limits lowered) never gives negative room.
    check("UTC", WK, "1/day 1/week 0s", &["2025-06-02T09:00Z", "2025-06-02T09:01Z", "2025-06-02T09:02Z"], "2025-06-02T10:00Z", "0/1 today, 0 week, next 2025-06-09T09:02Z WeekCap");
    check("UTC", WK, "0/day 5/week 10m", &[], "2025-06-02T10:00Z", "0/0 today, 5 week, next never Disabled");
    check("UTC", WK, "5/day 0/week 10m", &[], "2025-06-02T10:00Z", "5/5 today, 0 week, next never Disabled");
}

#[rustfmt::skip]
#[test]
fn days_and_weeks_in_the_account_zone() {
    // Berlin is UTC+2: 23:30Z on Monday is already Tuesday there, a fresh day.
    check("Europe/Berlin", ALWAYS, "1/day 9/week 0s", &["2025-06-02T10:00Z"], "2025-06-02T23:30Z", "1/1 today, 8 week, next 2025-06-02T23:30Z Ready");
    check("UTC", ALWAYS, "1/day 9/week 0s", &["2025-06-02T10:00Z"], "2025-06-02T23:30Z", "0/1 today, 8 week, next 2025-06-03T00:00Z DayCap");
    // New York springs forward on 2025-03-09: that day starts at 05:00Z and lasts 23 hours.
    check("America/New_York", ALWAYS, "1/day 9/week 0s", &["2025-03-08T15:00Z"], "2025-03-08T16:00Z", "0/1 today, 8 week, next 2025-03-09T05:00Z DayCap");
    check("America/New_York", ALWAYS, "1/day 9/week 0s", &["2025-03-09T15:00Z"], "2025-03-09T16:00Z", "0/1 today, 8 week, next 2025-03-10T04:00Z DayCap");
    // Berlin falls back on 2025-10-26: that day starts at 22:00Z and lasts 25 hours.
    check("Europe/Berlin", ALWAYS, "1/day 9/week 0s", &["2025-10-25T15:00Z"], "2025-10-25T16:00Z", "0/1 today, 8 week, next 2025-10-25T22:00Z DayCap");
    check("Europe/Berlin", ALWAYS, "1/day 9/week 0s", &["2025-10-26T15:00Z"], "2025-10-26T16:00Z", "0/1 today, 8 week, next 2025-10-26T23:00Z DayCap");
    // The week is 7 × 24 h even across a DST change: 11:00 EDT, not 10:00.
    check("America/New_York", ALWAYS, "9/day 1/week 0s", &["2025-03-05T15:00Z"], "2025-03-10T15:00Z", "9/9 today, 0 week, next 2025-03-12T15:00Z WeekCap");
    // Lord Howe (UTC+11 in summer, +10:30 in winter) and Kolkata (UTC+05:30).
    check("Australia/Lord_Howe", WK, "1/day 9/week 0s", &["2025-06-01T23:00Z"], "2025-06-02T00:00Z", "0/1 today, 8 week, next 2025-06-02T22:30Z DayCap");
    check("Asia/Kolkata", WK, "1/day 9/week 0s", &["2025-06-02T04:00Z"], "2025-06-02T05:00Z", "0/1 today, 8 week, next 2025-06-03T03:30Z DayCap");
}

/// The warm-up cap for a base cap on an account day.
fn check_warm_up(base: u32, start_percent: u8, ramp_days: u32, day: i64, expected: u32) {
    let warm_up = WarmUp {
        start_percent,
        ramp_days,
    };
    let actual = warm_up.daily_cap(base, day);
    assert_eq!(
        actual, expected,
        "{base} at {start_percent}% over {ramp_days} days, day {day}"
    );
}

#[rustfmt::skip]
#[test]
fn warm_up() {
    check_warm_up(20, 20, 14, 0, 4);
    check_warm_up(20, 20, 14, 1, 5); // 25.7% of 20 is 5.1
    check_warm_up(20, 20, 14, 7, 12); // 60%
    check_warm_up(20, 20, 14, 13, 18); // 94.3% of 20 is 18.9
    check_warm_up(20, 20, 14, 14, 20);
    check_warm_up(20, 20, 14, 400, 20);
    check_warm_up(20, 20, 14, -3, 4); // before the account existed counts as day 0
    check_warm_up(1, 20, 14, 0, 1); // at least 1
    check_warm_up(3, 0, 14, 0, 1);
    check_warm_up(0, 20, 14, 5, 0); // a disabled kind stays disabled
    check_warm_up(80, 20, 0, 0, 80); // no ramp
    check_warm_up(80, 100, 14, 0, 80);
    check_warm_up(u32::MAX, 50, 2, 1, 3_221_225_471); // no overflow
}

#[test]
fn warm_up_applies_to_today() {
    let limits = AccountLimits::for_tier(Tier::Free);
    let (z, h) = (zone("Europe/Berlin"), hours(WK));
    let query = LimitQuery {
        kind: ActionKind::Invite,
        limits: &limits,
        zone: &z,
        hours: &h,
        // Added on Monday at 23:30 Berlin time (UTC+2); Tuesday is its day 1.
        created_at: ts("2025-06-02T21:30Z"),
        history: &[],
        notes: &[],
        jitter_sample: 0.0,
        now: ts("2025-06-03T08:00Z"),
    };
    assert_eq!(allowance(&query).day_cap, 5);
    assert_eq!(
        account_day(&z, query.created_at, jiff::civil::date(2025, 6, 3)),
        1
    );
}

/// The note quota alone: `<remaining>, next <instant>`.
fn check_notes(quota: Option<u32>, notes: &[&str], now: &str, expected: &str) {
    let notes: Vec<Timestamp> = notes.iter().map(|s| ts(s)).collect();
    let n = note_allowance(
        quota.map(|per_30_days| NoteQuota { per_30_days }),
        &notes,
        ts(now),
    );
    let may = if n.may_attach_now(ts(now)) {
        "may"
    } else {
        "may not"
    };
    let actual = format!(
        "{} left, {may}, next {}",
        n.remaining,
        n.next_allowed.map_or("never".to_owned(), short)
    );
    assert_eq!(actual, expected, "{quota:?} {notes:?} at {now}");
}

#[rustfmt::skip]
#[test]
fn note_quota() {
    let now = "2025-06-30T12:00Z";
    check_notes(Some(2), &[], now, "2 left, may, next 2025-06-30T12:00Z");
    check_notes(Some(2), &["2025-06-10T12:00Z"], now, "1 left, may, next 2025-06-30T12:00Z");
    check_notes(Some(2), &["2025-06-20T12:00Z", "2025-06-10T12:00Z"], now, "0 left, may not, next 2025-07-10T12:00Z");
    check_notes(Some(2), &["2025-05-31T12:00Z", "2025-06-10T12:00Z"], now, "1 left, may, next 2025-06-30T12:00Z");
    check_notes(Some(2), &["2025-06-01T12:00Z", "2025-06-10T12:00Z", "2025-06-29T12:00Z"], now, "0 left, may not, next 2025-07-10T12:00Z");
    check_notes(Some(0), &[], now, "0 left, may not, next never");
    check_notes(None, &["2025-06-29T12:00Z"], now, "4294967295 left, may, next 2025-06-30T12:00Z");
}

#[test]
fn invites_with_a_note_wait_for_the_quota_and_the_hours() {
    let limits = invite_limits("20/day 100/week 3m", Some(1));
    let (z, h) = (zone("UTC"), hours(WK));
    let notes = [ts("2025-05-10T07:00Z")];
    let query = LimitQuery {
        kind: ActionKind::Invite,
        limits: &limits,
        zone: &z,
        hours: &h,
        created_at: ts("2020-01-01T00:00Z"),
        history: &notes,
        notes: &notes,
        jitter_sample: 0.0,
        now: ts("2025-06-02T10:00Z"),
    };
    let a = allowance(&query);
    assert_eq!(a.next_allowed, Some(query.now));
    let note = a.note.unwrap();
    // The quota frees up on Monday 2025-06-09 at 07:00, before the window opens at 09:00.
    assert_eq!(note.next_allowed, Some(ts("2025-06-09T07:00Z")));
    assert_eq!(note.next_invite_with_note, Some(ts("2025-06-09T09:00Z")));
    assert!(!note.may_attach_now(query.now));
    // Other kinds report no note quota.
    let visits = AccountLimits::for_tier(Tier::Free);
    let query = LimitQuery {
        kind: ActionKind::Visit,
        limits: &visits,
        ..query
    };
    assert_eq!(allowance(&query).note, None);
}

#[test]
fn missing_kind_is_not_allowed() {
    let limits = invite_limits("20/day 100/week 3m", None);
    let (z, h) = (zone("UTC"), WorkingHours::default());
    let query = LimitQuery {
        kind: ActionKind::Email,
        limits: &limits,
        zone: &z,
        hours: &h,
        created_at: ts("2020-01-01T00:00Z"),
        history: &[],
        notes: &[],
        jitter_sample: 0.0,
        now: ts("2025-06-02T10:00Z"),
    };
    let a = allowance(&query);
    assert_eq!(
        (a.remaining, a.next_allowed, a.binding),
        (0, None, Binding::Disabled)
    );
}

#[rustfmt::skip]
#[test]
fn jitter() {
    let l = KindLimit { jitter: "10m".parse().unwrap(), ..limit("1/day 1/week 3m") };
    let check = |r: f64, expected: &str| assert_eq!(l.spacing(r), expected.parse::<SignedDuration>().unwrap(), "r = {r}");
    check(0.0, "3m");
    check(0.5, "8m");
    check(0.999, "12m 59s 400ms");
    check(1.5, "13m");
    check(-1.0, "3m");
    check(f64::NAN, "3m");
    let negative = KindLimit { min_spacing: "-5m".parse().unwrap(), jitter: "-5m".parse().unwrap(), ..l };
    assert_eq!(negative.spacing(0.5), SignedDuration::ZERO);
}

#[test]
fn jitter_sample_delays_the_next_action() {
    let mut limits = invite_limits("20/day 100/week 3m", None);
    limits.kinds.get_mut(&ActionKind::Invite).unwrap().jitter = SignedDuration::from_mins(10);
    let (z, h) = (zone("UTC"), hours(WK));
    let history = [ts("2025-06-02T10:00Z")];
    let query = LimitQuery {
        kind: ActionKind::Invite,
        limits: &limits,
        zone: &z,
        hours: &h,
        created_at: ts("2020-01-01T00:00Z"),
        history: &history,
        notes: &[],
        jitter_sample: 0.25,
        now: ts("2025-06-02T10:01Z"),
    };
    assert_eq!(
        allowance(&query).next_allowed,
        Some(ts("2025-06-02T10:05:30Z"))
    );
}

#[test]
fn tier_defaults() {
    let free = AccountLimits::for_tier(Tier::Free);
    let premium = AccountLimits::for_tier(Tier::Premium);
    let navigator = AccountLimits::for_tier(Tier::SalesNavigator);
    let invite = |l: &AccountLimits| l.kinds[&ActionKind::Invite];
    assert_eq!((invite(&free).per_day, invite(&free).per_week), (20, 100));
    assert_eq!(invite(&premium).per_week, 180);
    assert_eq!(invite(&navigator).per_week, 180);
    assert_eq!(free.kinds[&ActionKind::Withdraw].per_day, 40);
    assert_eq!(free.kinds[&ActionKind::Visit].per_day, 80);
    assert_eq!(free.note_quota, Some(NoteQuota { per_30_days: 5 }));
    assert_eq!(premium.note_quota, None);
    assert_eq!(
        free.warm_up,
        WarmUp {
            start_percent: 20,
            ramp_days: 14
        }
    );
    for limits in [&free, &premium, &navigator] {
        assert_eq!(
            limits.kinds.len(),
            ActionKind::ALL.len(),
            "every kind has a default"
        );
        assert_eq!(limits.validate(), Ok(()));
    }
}

#[test]
fn serde_shape() {
    let limits = AccountLimits::for_tier(Tier::Free);
    let json = serde_json::to_value(&limits).unwrap();
    assert_eq!(json["kinds"]["invite"]["min_spacing"], "3m");
    assert_eq!(json["note_quota"]["per_30_days"], 5);
    let back: AccountLimits = serde_json::from_value(json).unwrap();
    assert_eq!(back, limits);
    // Hand-written: ISO or friendly durations, defaults for what is left out.
    let hand: AccountLimits = serde_json::from_str(
        r#"{"kinds": {"invite": {"per_day": 10, "per_week": 50, "min_spacing": "PT5M"}}}"#,
    )
    .unwrap();
    let invite = hand.kinds[&ActionKind::Invite];
    assert_eq!(
        (invite.min_spacing, invite.jitter),
        (SignedDuration::from_mins(5), SignedDuration::ZERO)
    );
    assert_eq!((hand.warm_up, hand.note_quota), (WarmUp::default(), None));
    let error = |text: &str| {
        serde_json::from_str::<AccountLimits>(text)
            .unwrap_err()
            .to_string()
    };
    assert!(
        error(r#"{"kinds": {"invite": {"per_day": 1, "per_week": 1, "min_spacing": "-3m"}}}"#)
            .contains("negative")
    );
    assert!(
        error(r#"{"kinds": {}, "warm_up": {"start_percent": 120, "ramp_days": 3}}"#)
            .contains("between 0 and 100")
    );
    assert!(
        error(r#"{"kinds": {"invite": {"per_day": 1, "per_wek": 1}}}"#).contains("unknown field")
    );
}
