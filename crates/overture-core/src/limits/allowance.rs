//! How many actions of a kind an account may still do, and when the next one is allowed.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::{AccountLimits, KindLimit, NoteQuota, account_day};
use crate::account::Zone;
use crate::action::ActionKind;
use crate::working_hours::{WorkingHours, civil_date, next_day_start, plus};

/// The rolling window of the weekly cap: 7 × 24 hours, whatever the civil calendar does.
pub const WEEK: SignedDuration = SignedDuration::from_hours(7 * 24);

/// The rolling window of the note quota: 30 × 24 hours.
pub const NOTE_WINDOW: SignedDuration = SignedDuration::from_hours(30 * 24);

/// How far back [`allowance`] looks: the rolling week, and for invitations on an account with
/// a note quota, the quota's 30 days. History older than this changes no answer (the day
/// cap looks at one civil day, and the minimum spacing is far shorter than a week), so a
/// caller may leave it out.
pub fn history_window(kind: ActionKind, limits: &AccountLimits) -> SignedDuration {
    if kind == ActionKind::Invite && limits.note_quota.is_some() {
        NOTE_WINDOW
    } else {
        WEEK
    }
}

/// Everything [`allowance`] needs to know about one account and one action kind.
#[derive(Debug, Clone, Copy)]
pub struct LimitQuery<'a> {
    /// The action kind asked about.
    pub kind: ActionKind,
    /// The account's limits.
    pub limits: &'a AccountLimits,
    /// The account's time zone: days and working hours are read in it.
    pub zone: &'a Zone,
    /// The account's working hours.
    pub hours: &'a WorkingHours,
    /// When the account was added; the warm-up counts civil days from here.
    pub created_at: Timestamp,
    /// This account's past and in-flight actions of `kind`, in any order. Every entry counts,
    /// even one dated after `now`, so in-flight work is never forgotten.
    pub history: &'a [Timestamp],
    /// For invitations: when this account sent (or is sending) an invitation with a note.
    pub notes: &'a [Timestamp],
    /// A uniform random number in `[0, 1)` from the engine's seeded generator; it picks the
    /// jitter on top of the minimum spacing (see [`KindLimit::spacing`]). 0 gives the minimum.
    pub jitter_sample: f64,
    /// The current instant.
    pub now: Timestamp,
}

/// Which limit decides when the next action may happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Binding {
    /// Nothing: one more action is allowed now.
    Ready,
    /// The kind is not allowed on this account (missing from the limits, or a cap of 0).
    Disabled,
    /// The minimum spacing (with jitter) after the latest action.
    MinSpacing,
    /// Today's cap (after warm-up) is used up.
    DayCap,
    /// The rolling 7-day cap is used up.
    WeekCap,
    /// The account is outside its working hours.
    WorkingHours,
}

/// What the limits allow for one account and one action kind at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allowance {
    /// Today's cap after warm-up (today is the civil date of `now` in the account's zone).
    pub day_cap: u32,
    /// How many more may happen today.
    pub remaining_today: u32,
    /// How many more fit in the rolling 7 days ending now.
    pub remaining_week: u32,
    /// The smaller of the two: how many more may happen, timing aside.
    pub remaining: u32,
    /// The earliest instant at or after `now` at which one more action is allowed, or `None`
    /// when it never is.
    pub next_allowed: Option<Timestamp>,
    /// The limit that decides `next_allowed`.
    pub binding: Binding,
    /// For invitations on an account with a note quota: what the quota allows.
    pub note: Option<NoteAllowance>,
}

/// What the note quota allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteAllowance {
    /// How many more notes fit in the rolling 30 days ending now.
    pub remaining: u32,
    /// The earliest instant at or after `now` at which the quota has room for one more note,
    /// or `None` when it never has (a quota of 0).
    pub next_allowed: Option<Timestamp>,
    /// The earliest instant at which an invitation with a note is allowed by every limit
    /// (spacing, caps, working hours and the note quota).
    pub next_invite_with_note: Option<Timestamp>,
}

impl NoteAllowance {
    /// Whether an invitation sent at `now` may carry a note.
    pub fn may_attach_now(&self, now: Timestamp) -> bool {
        self.next_allowed.is_some_and(|t| t <= now)
    }
}

/// What the note quota alone allows at `now`, given when notes were sent (in any order).
///
/// Without a quota every invitation may carry a note: `remaining` is `u32::MAX`.
pub fn note_allowance(
    quota: Option<NoteQuota>,
    notes: &[Timestamp],
    now: Timestamp,
) -> NoteAllowance {
    let Some(quota) = quota else {
        return NoteAllowance {
            remaining: u32::MAX,
            next_allowed: Some(now),
            next_invite_with_note: None,
        };
    };
    let sorted = sorted(notes);
    let next_allowed = match rolling_wait(&sorted, NOTE_WINDOW, quota.per_30_days, now) {
        Wait::Ok => Some(now),
        Wait::Until(t) => Some(t),
        Wait::Never => None,
    };
    NoteAllowance {
        remaining: quota
            .per_30_days
            .saturating_sub(count_since(&sorted, NOTE_WINDOW, now)),
        next_allowed,
        next_invite_with_note: None,
    }
}

/// How many actions of a kind the account may still do, and when the next one is allowed.
pub fn allowance(query: &LimitQuery<'_>) -> Allowance {
    let tz = query.zone.tz();
    let limit = query.limits.kinds.get(&query.kind).copied();
    let history = sorted(query.history);
    let today = civil_date(tz, query.now);
    let day_cap = limit.map_or(0, |l| cap_on(query, l, today));
    let used_today = used_on(tz, &history, today, query.now);
    let remaining_today = day_cap.saturating_sub(saturating_u32(used_today));
    let per_week = limit.map_or(0, |l| l.per_week);
    let remaining_week = per_week.saturating_sub(count_since(&history, WEEK, query.now));

    let note = (query.kind == ActionKind::Invite)
        .then_some(query.limits.note_quota)
        .flatten()
        .map(|quota| note_allowance(Some(quota), query.notes, query.now));
    let mut allowance = Allowance {
        day_cap,
        remaining_today,
        remaining_week,
        remaining: remaining_today.min(remaining_week),
        next_allowed: None,
        binding: Binding::Disabled,
        note,
    };
    let Some(limit) = limit.filter(|l| l.per_day > 0 && l.per_week > 0) else {
        return allowance;
    };

    let search = Search {
        query,
        limit,
        history: &history,
        notes: None,
    };
    let next = search.run(Checks::ALL);
    allowance.next_allowed = next;
    allowance.binding = search.binding(next);
    if let Some(note) = &mut allowance.note {
        let notes = sorted(query.notes);
        let with_notes = Search {
            notes: Some(&notes),
            ..search
        };
        note.next_invite_with_note = with_notes.run(Checks::ALL);
    }
    allowance
}

/// The effective daily cap on `date`.
fn cap_on(query: &LimitQuery<'_>, limit: KindLimit, date: Date) -> u32 {
    let day = account_day(query.zone, query.created_at, date);
    query.limits.warm_up.daily_cap(limit.per_day, day)
}

/// Which limits a search applies; working hours always apply.
#[derive(Debug, Clone, Copy)]
struct Checks {
    spacing: bool,
    day: bool,
    week: bool,
}

impl Checks {
    const ALL: Checks = Checks {
        spacing: true,
        day: true,
        week: true,
    };
    const NONE: Checks = Checks {
        spacing: false,
        day: false,
        week: false,
    };
}

/// The search for the earliest allowed instant.
#[derive(Debug, Clone, Copy)]
struct Search<'q, 'a> {
    query: &'q LimitQuery<'a>,
    limit: KindLimit,
    /// The history, sorted.
    history: &'q [Timestamp],
    /// The notes, sorted, when the action carries a note.
    notes: Option<&'q [Timestamp]>,
}

impl Search<'_, '_> {
    /// The earliest instant at or after `now` that passes the working hours and `checks`.
    fn run(&self, checks: Checks) -> Option<Timestamp> {
        let q = self.query;
        let tz: &TimeZone = q.zone.tz();
        let mut t = q.now;
        if checks.spacing
            && let Some(&latest) = self.history.last()
        {
            t = t.max(plus(latest, self.limit.spacing(q.jitter_sample)));
        }
        // Every step moves `t` forward: out of a full day, past the oldest entries of a full
        // window, or into working hours. A history entry causes at most one day step (its day
        // is left for good) and one week step (it leaves the window for good), a note at most
        // one note step, and each of these is followed by at most one working-hours step, so
        // this bound is never reached for valid working hours.
        let entries = 2 * self.history.len() + self.notes.map_or(0, <[_]>::len);
        let max_steps = 2 * entries + 16;
        for _ in 0..max_steps {
            if !q.hours.contains(q.zone, t) {
                t = q.hours.next_open(q.zone, t)?;
                continue;
            }
            if checks.day {
                let date = civil_date(tz, t);
                let used = used_on(tz, self.history, date, t);
                if saturating_u32(used) >= cap_on(q, self.limit, date) {
                    t = next_day_start(tz, t)?;
                    continue;
                }
            }
            let week = checks
                .week
                .then_some((self.history, WEEK, self.limit.per_week));
            let notes = self
                .notes
                .zip(q.limits.note_quota)
                .map(|(notes, quota)| (notes, NOTE_WINDOW, quota.per_30_days));
            let wait = [week, notes]
                .into_iter()
                .flatten()
                .map(|(times, window, cap)| rolling_wait(times, window, cap, t))
                .find(|&wait| wait != Wait::Ok);
            match wait {
                None => return Some(t),
                Some(Wait::Until(later)) => t = later,
                Some(_) => return None,
            }
        }
        None
    }

    /// Which limit explains `next`: the one that, applied alone with the working hours, waits
    /// longest. A cap or the spacing binds only when it waits longer than the working hours
    /// alone; ties go to the limit that lasts longer (week, then day, then spacing).
    fn binding(&self, next: Option<Timestamp>) -> Binding {
        if next == Some(self.query.now) {
            return Binding::Ready;
        }
        // `None` (never) sorts after every instant.
        let key = |checks: Checks| {
            let t = self.run(checks);
            (t.is_none(), t)
        };
        let hours_only = key(Checks::NONE);
        let alone = [
            (
                Binding::MinSpacing,
                Checks {
                    spacing: true,
                    ..Checks::NONE
                },
            ),
            (
                Binding::DayCap,
                Checks {
                    day: true,
                    ..Checks::NONE
                },
            ),
            (
                Binding::WeekCap,
                Checks {
                    week: true,
                    ..Checks::NONE
                },
            ),
        ];
        let mut best = (Binding::WorkingHours, hours_only);
        for (binding, checks) in alone {
            let waits = key(checks);
            if waits > hours_only && waits >= best.1 {
                best = (binding, waits);
            }
        }
        best.0
    }
}

/// Whether a rolling window has room for one more at `t`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wait {
    /// It has.
    Ok,
    /// Not before this instant, when enough of the oldest entries have left the window.
    Until(Timestamp),
    /// Never (a cap of 0).
    Never,
}

/// Room in the window `(t - window, t]` for one more, counting every entry after `t - window`
/// (later ones included, to be safe). `sorted` is ascending.
fn rolling_wait(sorted: &[Timestamp], window: SignedDuration, cap: u32, t: Timestamp) -> Wait {
    let cutoff = plus(t, -window);
    let first = sorted.partition_point(|&h| h <= cutoff);
    let inside = &sorted[first..];
    let Ok(cap) = usize::try_from(cap) else {
        return Wait::Ok;
    };
    if inside.len() < cap {
        return Wait::Ok;
    }
    // Once the oldest `len - cap + 1` entries have left, there is room for one.
    match inside.get(inside.len() - cap) {
        Some(&oldest_to_leave) if cap > 0 => Wait::Until(plus(oldest_to_leave, window)),
        _ => Wait::Never,
    }
}

/// How many entries of `sorted` fall on `date` (the civil date of `at`) in `tz`. Only entries
/// within two days of `at` can: no civil day lasts longer, whatever the zone's transitions.
fn used_on(tz: &TimeZone, sorted: &[Timestamp], date: Date, at: Timestamp) -> usize {
    const NEAR: SignedDuration = SignedDuration::from_hours(48);
    let low = sorted.partition_point(|&h| h < plus(at, -NEAR));
    let high = sorted.partition_point(|&h| h <= plus(at, NEAR));
    sorted[low..high]
        .iter()
        .filter(|&&h| civil_date(tz, h) == date)
        .count()
}

/// How many entries of `sorted` lie after `now - window`.
fn count_since(sorted: &[Timestamp], window: SignedDuration, now: Timestamp) -> u32 {
    let cutoff = plus(now, -window);
    saturating_u32(sorted.len() - sorted.partition_point(|&h| h <= cutoff))
}

fn sorted(times: &[Timestamp]) -> Vec<Timestamp> {
    let mut sorted = times.to_vec();
    sorted.sort_unstable();
    sorted
}

fn saturating_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
