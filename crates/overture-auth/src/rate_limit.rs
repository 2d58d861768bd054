//! Login rate limiting: failures per user name and client address, with a lockout that
//! doubles each time. Pure: the caller passes `now` and keeps the limiter (one per process).

use std::collections::HashMap;
use std::net::IpAddr;

use jiff::{SignedDuration, Timestamp};

/// The limits of [`LoginLimiter`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginPolicy {
    /// How many failures inside `window` lock a key out.
    pub max_failures: u32,
    /// The sliding window failures are counted in.
    pub window: SignedDuration,
    /// The first lockout's length; each following one doubles it.
    pub lockout: SignedDuration,
    /// The longest lockout. A key that has not failed for this long after a lockout starts
    /// again from the first one.
    pub max_lockout: SignedDuration,
}

impl Default for LoginPolicy {
    /// Five failures in 15 minutes lock out for 15 minutes, then 30, 60, … up to a day.
    fn default() -> Self {
        Self {
            max_failures: 5,
            window: SignedDuration::from_mins(15),
            lockout: SignedDuration::from_mins(15),
            max_lockout: SignedDuration::from_hours(24),
        }
    }
}

/// Who is trying: the user name as typed (lower-cased) and the client's address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LoginKey {
    username: String,
    ip: IpAddr,
}

impl LoginKey {
    /// The key of a sign-in attempt. The name is trimmed and lower-cased, as addresses are
    /// stored, so that `Ana@…` and `ana@…` share their failures.
    pub fn new(username: &str, ip: IpAddr) -> Self {
        Self {
            username: username.trim().to_lowercase(),
            ip,
        }
    }
}

/// A key may not try again before `until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many failed sign-ins; try again after {until}")]
pub struct LockedOut {
    /// When the lockout ends.
    pub until: Timestamp,
}

#[derive(Debug, Clone, Default)]
struct Entry {
    /// Failures inside the window, oldest first.
    failures: Vec<Timestamp>,
    /// How many lockouts in a row (reset by a success or a long quiet).
    lockouts: u32,
    locked_until: Option<Timestamp>,
}

/// Counts failed sign-ins per [`LoginKey`]. Ask [`LoginLimiter::check`] before verifying a
/// password (a locked-out key is refused without spending argon2's time), then report the
/// result with [`LoginLimiter::record_failure`] or [`LoginLimiter::record_success`].
#[derive(Debug, Clone, Default)]
pub struct LoginLimiter {
    policy: LoginPolicy,
    entries: HashMap<LoginKey, Entry>,
}

impl LoginLimiter {
    /// A limiter with `policy`.
    pub fn new(policy: LoginPolicy) -> Self {
        Self {
            policy,
            entries: HashMap::new(),
        }
    }

    /// `Err` while the key is locked out.
    pub fn check(&self, key: &LoginKey, now: Timestamp) -> Result<(), LockedOut> {
        match self.entries.get(key).and_then(|e| e.locked_until) {
            Some(until) if now < until => Err(LockedOut { until }),
            _ => Ok(()),
        }
    }

    /// Records a failed sign-in; `Err` when the key is (now, or still) locked out.
    pub fn record_failure(&mut self, key: &LoginKey, now: Timestamp) -> Result<(), LockedOut> {
        self.check(key, now)?;
        let policy = self.policy;
        let entry = self.entries.entry(key.clone()).or_default();
        if let Some(until) = entry.locked_until
            && now >= until + policy.max_lockout
        {
            entry.lockouts = 0;
            entry.locked_until = None;
        }
        entry.failures.retain(|&at| now - at < policy.window);
        entry.failures.push(now);
        if entry.failures.len() < policy.max_failures as usize {
            return Ok(());
        }
        entry.failures.clear();
        entry.lockouts = entry.lockouts.saturating_add(1);
        let doublings = entry.lockouts.saturating_sub(1).min(30);
        let length = policy
            .lockout
            .checked_mul(1 << doublings)
            .map_or(policy.max_lockout, |d| d.min(policy.max_lockout));
        let until = now + length;
        entry.locked_until = Some(until);
        Err(LockedOut { until })
    }

    /// Records a successful sign-in: the key's failures and lockouts are forgotten.
    pub fn record_success(&mut self, key: &LoginKey) {
        self.entries.remove(key);
    }

    /// Forgets keys with nothing left to remember (no failure inside the window, no lockout
    /// that still counts), so that memory stays bounded. Call it now and then.
    pub fn forget_stale(&mut self, now: Timestamp) {
        let policy = self.policy;
        self.entries.retain(|_, e| {
            let recent_failure = e
                .failures
                .last()
                .is_some_and(|&at| now - at < policy.window);
            let lockout_counts = e
                .locked_until
                .is_some_and(|until| now < until + policy.max_lockout);
            recent_failure || lockout_counts
        });
    }

    /// How many keys are remembered.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no key is remembered.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests;
