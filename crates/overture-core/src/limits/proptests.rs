//! Properties users depend on: an engine that always acts at the "next allowed" instant never
//! breaks a cap, the spacing, the working hours or the note quota.

use std::collections::BTreeMap;

use jiff::civil::Time;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

use super::*;
use crate::working_hours::{Day, WorkingHours, civil_date, plus};

const ZONES: [&str; 5] = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
];

/// Start dates a few days before DST changes (New York and Europe in March, Lord Howe in April
/// and October, Europe in October, New York in November) and two quiet weeks.
const STARTS: [&str; 8] = [
    "2025-03-06T00:00Z",
    "2025-03-27T00:00Z",
    "2025-04-03T00:00Z",
    "2025-10-02T00:00Z",
    "2025-10-23T00:00Z",
    "2025-10-30T00:00Z",
    "2025-06-02T00:00Z",
    "2024-12-28T00:00Z",
];

const MINUTE: i64 = 60;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

fn secs(n: i64) -> SignedDuration {
    SignedDuration::from_secs(n)
}

fn zone() -> impl Strategy<Value = Zone> {
    prop::sample::select(ZONES.to_vec()).prop_map(|name| Zone::parse(name).unwrap())
}

fn start() -> impl Strategy<Value = Timestamp> {
    (prop::sample::select(STARTS.to_vec()), 0..4 * DAY)
        .prop_map(|(base, offset)| plus(base.parse().unwrap(), secs(offset)))
}

/// Any valid working hours on a quarter-hour grid, overnight windows included.
fn working_hours() -> impl Strategy<Value = WorkingHours> {
    (1u8..128, 0i64..96, 1i64..96).prop_map(|(mask, start, length)| {
        let days = Day::ALL
            .into_iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0);
        let time = |quarter: i64| {
            let minutes = quarter % 96 * 15;
            Time::new((minutes / 60) as i8, (minutes % 60) as i8, 0, 0).unwrap()
        };
        WorkingHours::new(days.map(|(_, d)| d), time(start), time(start + length)).unwrap()
    })
}

fn kind_limit() -> impl Strategy<Value = KindLimit> {
    (1u32..12, 1u32..40, 0..3 * HOUR, 0..30 * MINUTE).prop_map(|(per_day, per_week, s, j)| {
        KindLimit {
            per_day,
            per_week,
            min_spacing: secs(s),
            jitter: secs(j),
        }
    })
}

fn limits() -> impl Strategy<Value = AccountLimits> {
    (kind_limit(), 0u8..=100, 0u32..20, 1u32..6).prop_map(|(limit, start, ramp, notes)| {
        AccountLimits {
            kinds: BTreeMap::from([(ActionKind::Invite, limit)]),
            warm_up: WarmUp {
                start_percent: start,
                ramp_days: ramp,
            },
            note_quota: Some(NoteQuota { per_30_days: notes }),
        }
    })
}

/// One engine step: how long the engine waits before asking, the jitter sample, and whether
/// the invitation wants a note.
fn steps() -> impl Strategy<Value = Vec<(i64, f64, bool)>> {
    let delay = prop_oneof![Just(0), 0..HOUR, 0..3 * DAY];
    prop::collection::vec((delay, 0.0..1.0f64, any::<bool>()), 1..40)
}

/// Past actions, as offsets before the start.
fn offsets(max: i64, len: usize) -> impl Strategy<Value = Vec<i64>> {
    prop::collection::vec(0..max, 0..len)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn acting_at_next_allowed_keeps_every_limit(
        zone in zone(),
        hours in working_hours(),
        limits in limits(),
        start in start(),
        age in 0..20 * DAY,
        past in offsets(10 * DAY, 25),
        past_notes in offsets(40 * DAY, 8),
        steps in steps(),
    ) {
        let limit = limits.kinds[&ActionKind::Invite];
        let quota = limits.note_quota.unwrap().per_30_days;
        let created_at = plus(start, secs(-age));
        let mut history: Vec<Timestamp> = past.iter().map(|&o| plus(start, secs(-o))).collect();
        let mut notes: Vec<Timestamp> = past_notes.iter().map(|&o| plus(start, secs(-o))).collect();
        let (mut scheduled, mut new_notes) = (vec![], vec![]);
        let mut now = start;
        for (delay, r, wants_note) in steps {
            now = plus(now, secs(delay));
            let query = LimitQuery {
                kind: ActionKind::Invite,
                limits: &limits,
                zone: &zone,
                hours: &hours,
                created_at,
                history: &history,
                notes: &notes,
                jitter_sample: r,
                now,
            };
            let a = allowance(&query);
            let t = a.next_allowed;
            prop_assert!(t.is_some(), "valid limits always allow one more some day");
            let t = t.unwrap();
            prop_assert!(t >= now);
            prop_assert!(hours.contains(&zone, t), "{t} is outside the working hours");
            if let Some(&latest) = history.iter().max() {
                prop_assert!(t >= plus(latest, limit.spacing(r)), "{t} is too close to {latest}");
            }
            let note = a.note.unwrap();
            if wants_note && note.may_attach_now(t) {
                notes.push(t);
                new_notes.push(t);
            }
            if let Some(with_note) = note.next_invite_with_note {
                prop_assert!(with_note >= t);
            }
            history.push(t);
            scheduled.push(t);
            now = t;
        }

        let tz = zone.tz();
        for &s in &scheduled {
            let date = civil_date(tz, s);
            let on_day = history.iter().filter(|&&h| civil_date(tz, h) == date).count();
            let cap = limits.warm_up.daily_cap(limit.per_day, account_day(&zone, created_at, date));
            prop_assert!(cap <= limit.per_day);
            prop_assert!(on_day <= cap as usize, "{on_day} actions on {date}, cap {cap}");
            let week = history.iter().filter(|&&h| h > plus(s, -WEEK) && h <= s).count();
            prop_assert!(week <= limit.per_week as usize, "{week} in the 7 days to {s}");
        }
        for &n in &new_notes {
            let month = notes.iter().filter(|&&h| h > plus(n, -NOTE_WINDOW) && h <= n).count();
            prop_assert!(month <= quota as usize, "{month} notes in the 30 days to {n}");
        }
        let mut all = history.clone();
        all.sort();
        for pair in all.windows(2) {
            if scheduled.contains(&pair[1]) {
                prop_assert!(pair[1] - pair[0] >= limit.min_spacing, "{pair:?} too close");
            }
        }
    }

    #[test]
    fn next_open_is_the_first_open_instant(
        zone in zone(),
        hours in working_hours(),
        start in start(),
        nanos in 0..1_000_000_000i64,
    ) {
        let at = plus(start, SignedDuration::from_nanos(nanos));
        let open = hours.next_open(&zone, at);
        prop_assert!(open.is_some());
        let open = open.unwrap();
        prop_assert!(open >= at && hours.contains(&zone, open));
        let mut t = at;
        while t < open {
            prop_assert!(!hours.contains(&zone, t), "{t} is open, before {open}");
            t = plus(t, secs(MINUTE));
        }
        if open > at {
            prop_assert!(!hours.contains(&zone, plus(open, SignedDuration::from_nanos(-1))));
        }

        let end = hours.window_end(&zone, open);
        prop_assert!(end.is_some());
        let end = end.unwrap();
        prop_assert!(end > open && !hours.contains(&zone, end));
        prop_assert!(hours.contains(&zone, plus(end, SignedDuration::from_nanos(-1))));
        let mut t = open;
        while t < end {
            prop_assert!(hours.contains(&zone, t), "{t} is closed, before {end}");
            t = plus(t, secs(MINUTE));
        }
    }
}
