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

    /// How long the wall clock takes for this clock to move by `d` (`d` itself for a clock
    /// that runs at the wall clock's pace).
    fn wall_duration(&self, d: SignedDuration) -> SignedDuration {
        d
    }
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

/// A clock that runs `speed` times faster than the wall clock: it read `start` when the wall
/// clock read `epoch`. Every process given the same three values reads the same instants, so
/// several processes (workers, a fake network) share one accelerated time. For crash tests
/// and demos; never for real accounts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScaledClock {
    start: Timestamp,
    epoch: Timestamp,
    speed: f64,
}

impl ScaledClock {
    /// A clock reading `start` at wall instant `epoch` and running `speed` times faster
    /// (`speed` is at least 1; anything lower, or not a number, counts as 1).
    pub fn new(start: Timestamp, epoch: Timestamp, speed: f64) -> Self {
        let speed = if speed.is_finite() && speed >= 1.0 {
            speed
        } else {
            1.0
        };
        Self {
            start,
            epoch,
            speed,
        }
    }

    /// How much faster than the wall clock it runs.
    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// The reading at wall instant `wall`.
    pub fn at(&self, wall: Timestamp) -> Timestamp {
        let elapsed = wall.duration_since(self.epoch).as_secs_f64() * self.speed;
        let elapsed = SignedDuration::try_from_secs_f64(elapsed).unwrap_or(SignedDuration::MAX);
        self.start.saturating_add(elapsed).unwrap_or(Timestamp::MAX)
    }
}

impl Clock for ScaledClock {
    fn now(&self) -> Timestamp {
        self.at(SystemClock.now())
    }

    fn wall_duration(&self, d: SignedDuration) -> SignedDuration {
        SignedDuration::try_from_secs_f64(d.as_secs_f64() / self.speed).unwrap_or(d)
    }
}

/// Waits until `clock` reads `until` (returns at once when it already does).
///
/// The wait itself runs on the runtime's timer, so it suits clocks that move on their own
/// ([`SystemClock`]); a simulation with a [`ManualClock`] moves the clock instead of waiting.
/// Instants too far ahead for the timer wait as long as it can.
#[cfg(feature = "tokio")]
pub async fn sleep_until<K: Clock + ?Sized>(clock: &K, until: Timestamp) {
    let wait = clock.wall_duration(until.duration_since(clock.now()));
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

    #[test]
    fn a_scaled_clock_runs_faster_from_its_epoch_and_waits_shorter() {
        let start: Timestamp = "2026-03-02T09:00:00Z".parse().unwrap();
        let epoch: Timestamp = "2026-12-06T20:00:00Z".parse().unwrap();
        let clock = ScaledClock::new(start, epoch, 60.0);
        assert_eq!(clock.at(epoch), start);
        let later = epoch + SignedDuration::from_secs(10);
        assert_eq!(clock.at(later), start + SignedDuration::from_mins(10));
        assert_eq!(
            clock.wall_duration(SignedDuration::from_mins(2)),
            SignedDuration::from_secs(2)
        );
        assert_eq!(ScaledClock::new(start, epoch, 0.5).speed(), 1.0);
        assert_eq!(ScaledClock::new(start, epoch, f64::NAN).speed(), 1.0);
    }
}
