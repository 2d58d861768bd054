//! The one place Overture reads the wall clock.
//!
//! Everything else takes `now` as a parameter or asks a [`Clock`]. `clippy.toml` bans
//! `Timestamp::now`, `SystemTime::now` and friends everywhere; this crate is the only
//! exception, so tests and the simulation can control time completely.
//!
//! Depends on nothing of Overture's.

use std::sync::{Arc, Mutex};

use jiff::{SignedDuration, Timestamp};

/// A source of the current instant.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> Timestamp;
}

/// The machine's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // This is the clock adapter: the one allowed caller.
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that only moves when told to. Cloning shares the same instant.
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<Mutex<Timestamp>>,
}

impl ManualClock {
    /// A clock standing at `start`.
    pub fn new(start: Timestamp) -> Self {
        Self {
            now: Arc::new(Mutex::new(start)),
        }
    }

    /// Moves the clock to `to`. Moving backwards is allowed (tests of clock skew need it).
    pub fn set(&self, to: Timestamp) {
        *self.lock() = to;
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: SignedDuration) {
        let mut now = self.lock();
        *now = now.saturating_add(by).unwrap_or(*now);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Timestamp> {
        // A poisoned lock only means another thread panicked while holding a plain value; the
        // value itself is always valid, so recover it.
        self.now.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.lock()
    }
}

/// Waits until `clock` reads `until` (returns at once when it already does).
///
/// The wait itself runs on the runtime's timer, so it suits clocks that move on their own
/// ([`SystemClock`]); a simulation with a [`ManualClock`] moves the clock instead of waiting.
/// Instants too far ahead for the timer wait as long as it can.
#[cfg(feature = "tokio")]
pub async fn sleep_until<K: Clock + ?Sized>(clock: &K, until: Timestamp) {
    let wait = until.duration_since(clock.now());
    if !wait.is_positive() {
        return;
    }
    let wait = std::time::Duration::try_from(wait).unwrap_or(std::time::Duration::MAX);
    // This crate is the one place that may wait on the wall clock; everything else waits
    // through this function, so a simulation never sleeps for real.
    #[allow(clippy::disallowed_methods)]
    tokio::time::sleep(wait).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told_and_clones_share_it() {
        let start: Timestamp = "2026-03-29T00:30:00Z".parse().unwrap();
        let clock = ManualClock::new(start);
        let other = clock.clone();
        assert_eq!(clock.now(), start);
        other.advance(SignedDuration::from_hours(2));
        assert_eq!(
            clock.now(),
            "2026-03-29T02:30:00Z".parse::<Timestamp>().unwrap()
        );
        clock.set(start);
        assert_eq!(other.now(), start);
    }
}
