//! When the day's withdrawals go out: spread over the working window, never in a burst.

use jiff::{SignedDuration, Timestamp};

use crate::account::Account;
use crate::action::ActionKind;
use crate::limits::{LimitQuery, allowance};
use crate::planner::unit;

/// Due times for up to `count` withdrawals of `account`, from `now` to the end of the working
/// window that holds the first allowed instant: evenly spread over it, each at or after the
/// instant the account's limits for withdrawals allow (spacing with seeded jitter, the day
/// cap, the rolling week, working hours), given `history` (withdrawals done or queued). Fewer
/// than `count` when the window has no room for more; the rest wait for a later day.
pub fn withdrawal_times(
    account: &Account,
    history: &[Timestamp],
    count: usize,
    seed: u64,
    now: Timestamp,
) -> Vec<Timestamp> {
    let mut history = history.to_vec();
    let Some((start, end)) = first_window(account, &history, now) else {
        return Vec::new();
    };
    let slots = i32::try_from(count.max(1)).unwrap_or(i32::MAX);
    let gap = end.duration_since(start).max(SignedDuration::ZERO) / slots;
    let mut times = Vec::with_capacity(count);
    for slot in 0..slots.min(i32::try_from(count).unwrap_or(i32::MAX)) {
        let r = unit(
            seed,
            &[
                now.as_second().cast_unsigned(),
                u64::from(slot.cast_unsigned()),
            ],
        );
        let target = start
            .checked_add(gap * slot + gap.mul_f64(r * 0.5))
            .unwrap_or(start);
        match next_withdrawal(account, &history, target, r) {
            Some(t) if t < end => {
                history.push(t);
                times.push(t);
            }
            _ => break,
        }
    }
    times
}

/// Due times for up to `count` withdrawals that make room for invitations waiting at the
/// pending cap: one after another, each at the first instant the account's limits for
/// withdrawals allow (the minimum spacing with seeded jitter, the day cap, the rolling week,
/// working hours), inside the working window that holds the first. A room-making withdrawal
/// spread over the day would hold back the invitation it makes room for until late in the day,
/// and a slot of the day's invitation cap not used that day is lost. Fewer than `count` when
/// the window or the caps have no room for more.
pub fn withdrawal_times_soon(
    account: &Account,
    history: &[Timestamp],
    count: usize,
    seed: u64,
    now: Timestamp,
) -> Vec<Timestamp> {
    let mut history = history.to_vec();
    let Some((_, end)) = first_window(account, &history, now) else {
        return Vec::new();
    };
    let mut times = Vec::with_capacity(count);
    let mut at = now;
    for slot in 0..count {
        let r = unit(seed, &[now.as_second().cast_unsigned(), slot as u64, 1]);
        match next_withdrawal(account, &history, at, r) {
            Some(t) if t < end => {
                history.push(t);
                times.push(t);
                at = t;
            }
            _ => break,
        }
    }
    times
}

/// The first instant a withdrawal is allowed at or after `now`, and the end of the working
/// window that holds it.
fn first_window(
    account: &Account,
    history: &[Timestamp],
    now: Timestamp,
) -> Option<(Timestamp, Timestamp)> {
    let start = next_withdrawal(account, history, now, 0.0)?;
    let end = account
        .working_hours
        .window_end(&account.time_zone, start)?;
    Some((start, end))
}

/// The first instant at or after `at` when the account's limits allow a withdrawal, given
/// `history` (withdrawals done or queued) and a jitter sample in `[0, 1)`.
pub(super) fn next_withdrawal(
    account: &Account,
    history: &[Timestamp],
    at: Timestamp,
    jitter: f64,
) -> Option<Timestamp> {
    allowance(&LimitQuery {
        kind: ActionKind::Withdraw,
        limits: &account.limits,
        zone: &account.time_zone,
        hours: &account.working_hours,
        created_at: account.created_at,
        history,
        notes: &[],
        jitter_sample: jitter,
        now: at,
    })
    .next_allowed
}
