//! When a failed delivery is tried again: a fixed schedule of growing delays, each stretched
//! by up to a tenth either way so that receivers coming back from an outage are not hit by
//! every retry at once.

use jiff::{SignedDuration, Timestamp};

/// The delay before each retry: after the first failed attempt 5 seconds, then 5 minutes,
/// 30 minutes, 2, 5 and 10 hours. After the seventh failed attempt (about 17.6 hours after
/// the first) the delivery is given up as `failed`.
pub const RETRY_DELAYS: [SignedDuration; 6] = [
    SignedDuration::from_secs(5),
    SignedDuration::from_mins(5),
    SignedDuration::from_mins(30),
    SignedDuration::from_hours(2),
    SignedDuration::from_hours(5),
    SignedDuration::from_hours(10),
];

/// The delay after failed attempt number `attempt` (1 for the first), with `jitter` in
/// `[0, 1)` mapped to a factor in `[0.9, 1.1)`; `None` when no retry is left.
pub fn retry_delay(attempt: u32, jitter: f64) -> Option<SignedDuration> {
    let base = RETRY_DELAYS.get(usize::try_from(attempt).ok()?.checked_sub(1)?)?;
    let factor = 0.9 + 0.2 * jitter.clamp(0.0, 1.0);
    Some(SignedDuration::from_secs_f64(base.as_secs_f64() * factor))
}

/// When to try again after failed attempt `attempt` at `now`, for the message `message_id`:
/// the jitter is drawn from the message id and the attempt, so it is the same however often
/// it is computed and differs between messages. `None` when no retry is left.
pub fn next_attempt(now: Timestamp, attempt: u32, message_id: &str) -> Option<Timestamp> {
    use sha2::Digest as _;
    let digest = sha2::Sha256::new()
        .chain_update(message_id.as_bytes())
        .chain_update(attempt.to_be_bytes())
        .finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    // 53 bits make a uniform double in [0, 1).
    let jitter = (u64::from_be_bytes(first) >> 11) as f64 / (1u64 << 53) as f64;
    let delay = retry_delay(attempt, jitter)?;
    Some(now.saturating_add(delay).unwrap_or(now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_within_a_tenth_and_run_out() {
        let mut last = SignedDuration::ZERO;
        for attempt in 1..=6 {
            let low = retry_delay(attempt, 0.0).expect("a retry");
            let high = retry_delay(attempt, 0.999_999).expect("a retry");
            let base = RETRY_DELAYS[attempt as usize - 1];
            assert!(low.as_secs_f64() >= base.as_secs_f64() * 0.9 - 1e-9);
            assert!(high.as_secs_f64() < base.as_secs_f64() * 1.1);
            assert!(low > last, "attempt {attempt}: {low:?} after {last:?}");
            last = high;
        }
        assert_eq!(retry_delay(7, 0.5), None);
        assert_eq!(retry_delay(0, 0.5), None);
    }

    #[test]
    fn the_whole_schedule_stays_within_a_day() {
        let total: f64 = (1..=6)
            .map(|a| retry_delay(a, 1.0).expect("a retry").as_secs_f64())
            .sum();
        assert!(total < 24.0 * 3600.0, "{total}");
    }

    #[test]
    fn next_attempt_is_stable_per_message_and_attempt() {
        let now: Timestamp = "2026-09-01T00:00:00Z".parse().expect("a time");
        let a = next_attempt(now, 2, "msg_a");
        assert_eq!(a, next_attempt(now, 2, "msg_a"));
        assert_ne!(a, next_attempt(now, 2, "msg_b"));
        assert_eq!(next_attempt(now, 7, "msg_a"), None);
    }
}
