//! Settings for crash tests of whole processes, read from the environment by `overture run`
//! and `overture worker` only. They exist so that the crash matrix (`tests/it/crash_matrix.rs`)
//! can kill and freeze real worker processes at the engine's failpoints, and run several
//! processes on one accelerated clock. Each prints a warning when set; never set them for real
//! accounts.
//!
//! - `OVERTURE_FAILPOINTS=POINT=ACTION[:WHEN],…`: at failpoint `POINT` (`after_claim`,
//!   `after_intent`, `after_channel_call`, `during_commit`) do `ACTION`: `kill` (SIGKILL the
//!   process; at `during_commit`, a SIGKILL from another thread within a few milliseconds,
//!   while the commit runs) or `stop` (SIGSTOP it, so that a test can let its lease run out and
//!   SIGCONT it). `WHEN` is a probability per pass (`0.05`) or `once` (the first pass only);
//!   without it, every pass. `OVERTURE_FAILPOINTS_SEED` fixes the random draws.
//! - `OVERTURE_TEST_CLOCK=START,EPOCH,SPEED`: the engine's clock reads `START` at wall instant
//!   `EPOCH` (both RFC 3339) and runs `SPEED` times faster than the wall clock (see
//!   [`ScaledClock`]).

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use jiff::{SignedDuration, Timestamp};
use nix::sys::signal::{Signal, raise};
use overture_clock::{Clock, ScaledClock, SystemClock};
use overture_engine::{Failpoint, FailpointHook};

use crate::error::{CliError, CliResult};

/// The clock `run` and `worker` use: the wall clock, or a test's accelerated one.
#[derive(Debug, Clone, Copy)]
pub enum RunClock {
    /// The machine's clock.
    System(SystemClock),
    /// `OVERTURE_TEST_CLOCK`'s.
    Scaled(ScaledClock),
}

impl Clock for RunClock {
    fn now(&self) -> Timestamp {
        match self {
            RunClock::System(c) => c.now(),
            RunClock::Scaled(c) => c.now(),
        }
    }

    fn wall_duration(&self, d: SignedDuration) -> SignedDuration {
        match self {
            RunClock::System(c) => c.wall_duration(d),
            RunClock::Scaled(c) => c.wall_duration(d),
        }
    }
}

/// The clock `OVERTURE_TEST_CLOCK` names, or the wall clock.
pub fn clock() -> CliResult<RunClock> {
    let Ok(text) = std::env::var("OVERTURE_TEST_CLOCK") else {
        return Ok(RunClock::System(SystemClock));
    };
    let clock = parse_clock(&text).map_err(|e| {
        CliError::input(format!(
            "OVERTURE_TEST_CLOCK: {e}; expected START,EPOCH,SPEED such as \
             2026-03-02T09:00:00Z,2026-12-06T20:00:00Z,60 (or unset it)"
        ))
    })?;
    eprintln!(
        "Warning: OVERTURE_TEST_CLOCK is set: time runs {}x faster (a test clock, never for real accounts).",
        clock.speed()
    );
    Ok(RunClock::Scaled(clock))
}

fn parse_clock(text: &str) -> Result<ScaledClock, String> {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    let [start, epoch, speed] = parts[..] else {
        return Err(format!("{text:?} has {} parts, not 3", parts.len()));
    };
    let start: Timestamp = start.parse().map_err(|e| format!("START {start:?}: {e}"))?;
    let epoch: Timestamp = epoch.parse().map_err(|e| format!("EPOCH {epoch:?}: {e}"))?;
    let speed: f64 = speed
        .parse()
        .ok()
        .filter(|s: &f64| s.is_finite() && *s >= 1.0)
        .ok_or_else(|| format!("SPEED {speed:?} is not a number of at least 1"))?;
    Ok(ScaledClock::new(start, epoch, speed))
}

/// What to do at a failpoint.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Act {
    Kill,
    Stop,
}

/// How often.
#[derive(Debug, Clone, Copy, PartialEq)]
enum When {
    Always,
    Once,
    Chance(f64),
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Rule {
    point: Failpoint,
    act: Act,
    when: When,
}

/// The hook `OVERTURE_FAILPOINTS` describes, or `None` when it is unset.
pub fn hook() -> CliResult<Option<FailpointHook>> {
    let Ok(text) = std::env::var("OVERTURE_FAILPOINTS") else {
        return Ok(None);
    };
    let rules = parse_rules(&text).map_err(|e| {
        CliError::input(format!(
            "OVERTURE_FAILPOINTS: {e}; expected POINT=kill|stop[:PROBABILITY|:once],… \
             with POINT one of after_claim, after_intent, after_channel_call, during_commit"
        ))
    })?;
    let seed = match std::env::var("OVERTURE_FAILPOINTS_SEED") {
        Ok(s) => s.trim().parse::<u64>().map_err(|_| {
            CliError::input(format!(
                "OVERTURE_FAILPOINTS_SEED {s:?} is not a whole number"
            ))
        })?,
        Err(_) => RandomState::new().hash_one(std::process::id()),
    };
    eprintln!(
        "Warning: OVERTURE_FAILPOINTS is set ({text}, seed {seed}): this process kills or stops itself on purpose."
    );
    let draws = AtomicU64::new(seed);
    let fired: Vec<AtomicBool> = rules.iter().map(|_| AtomicBool::new(false)).collect();
    let hook = move |point: Failpoint| {
        for (rule, fired) in rules.iter().zip(&fired) {
            if rule.point != point {
                continue;
            }
            let now = match rule.when {
                When::Always => true,
                When::Once => !fired.swap(true, Ordering::SeqCst),
                When::Chance(p) => unit(&draws) < p,
            };
            if now {
                act(rule.act, point, &draws);
            }
        }
    };
    Ok(Some(FailpointHook(Arc::new(hook))))
}

fn parse_rules(text: &str) -> Result<Vec<Rule>, String> {
    let mut rules = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, spec) = part
            .split_once('=')
            .ok_or_else(|| format!("{part:?} has no `=`"))?;
        let point = Failpoint::ALL
            .into_iter()
            .find(|p| p.name() == name.trim())
            .ok_or_else(|| format!("{name:?} is not a failpoint"))?;
        let (act, when) = match spec.split_once(':') {
            Some((act, when)) => (act, Some(when)),
            None => (spec, None),
        };
        let act = match act.trim() {
            "kill" => Act::Kill,
            "stop" => Act::Stop,
            other => return Err(format!("{other:?} is not an action (kill or stop)")),
        };
        let when = match when.map(str::trim) {
            None => When::Always,
            Some("once") => When::Once,
            Some(p) => match p.parse::<f64>() {
                Ok(p) if (0.0..=1.0).contains(&p) => When::Chance(p),
                _ => return Err(format!("{p:?} is neither `once` nor a probability")),
            },
        };
        rules.push(Rule { point, act, when });
    }
    if rules.is_empty() {
        return Err("no rule".to_owned());
    }
    Ok(rules)
}

/// A uniform draw in [0, 1) from the shared sequence (splitmix64: a few lines, so no random
/// number crate for a test switch).
fn unit(draws: &AtomicU64) -> f64 {
    let mut z = draws
        .fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::SeqCst)
        .wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    // The top 53 bits as a fraction: exact in an f64.
    #[allow(clippy::cast_precision_loss)]
    let fraction = (z >> 11) as f64 / (1u64 << 53) as f64;
    fraction
}

fn act(act: Act, point: Failpoint, draws: &AtomicU64) {
    match act {
        Act::Stop => {
            eprintln!("Failpoint {}: stopping (SIGSTOP)", point.name());
            let _ = raise(Signal::SIGSTOP);
        }
        Act::Kill if point == Failpoint::DuringCommit => {
            // Die while the commit runs: another thread kills the process a few
            // milliseconds from now, wherever the transaction then is.
            let delay = std::time::Duration::from_micros((unit(draws) * 4000.0) as u64);
            eprintln!(
                "Failpoint {}: killing within {} µs (SIGKILL)",
                point.name(),
                delay.as_micros()
            );
            std::thread::spawn(move || {
                // Waiting on the wall clock is the point here: the kill must land at a
                // real instant of the commit.
                #[allow(clippy::disallowed_methods)]
                std::thread::sleep(delay);
                let _ = raise(Signal::SIGKILL);
            });
        }
        Act::Kill => {
            eprintln!("Failpoint {}: killing (SIGKILL)", point.name());
            let _ = raise(Signal::SIGKILL);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_and_clocks_parse_or_say_what_is_wrong() {
        let rules = parse_rules("after_intent=kill:0.25, during_commit=kill,after_claim=stop:once")
            .unwrap();
        assert_eq!(
            rules,
            [
                Rule {
                    point: Failpoint::AfterIntent,
                    act: Act::Kill,
                    when: When::Chance(0.25)
                },
                Rule {
                    point: Failpoint::DuringCommit,
                    act: Act::Kill,
                    when: When::Always
                },
                Rule {
                    point: Failpoint::AfterClaim,
                    act: Act::Stop,
                    when: When::Once
                },
            ]
        );
        for (bad, says) in [
            ("after_lunch=kill", "not a failpoint"),
            ("after_intent=explode", "not an action"),
            ("after_intent=kill:2", "probability"),
            ("after_intent", "no `=`"),
            ("", "no rule"),
        ] {
            let err = parse_rules(bad).unwrap_err();
            assert!(err.contains(says), "{bad}: {err}");
        }
        let clock = parse_clock("2026-03-02T09:00:00Z, 2026-12-06T20:00:00Z, 60").unwrap();
        assert_eq!(clock.speed(), 60.0);
        assert!(parse_clock("2026-03-02T09:00:00Z,60").is_err());
        assert!(parse_clock("2026-03-02T09:00:00Z,2026-12-06T20:00:00Z,0.5").is_err());
    }

    #[test]
    fn draws_are_uniform_enough_and_repeat_from_a_seed() {
        let (a, b) = (AtomicU64::new(7), AtomicU64::new(7));
        let xs: Vec<f64> = (0..1000).map(|_| unit(&a)).collect();
        let ys: Vec<f64> = (0..1000).map(|_| unit(&b)).collect();
        assert_eq!(xs, ys);
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
        let below = xs.iter().filter(|&&x| x < 0.25).count();
        assert!((150..350).contains(&below), "{below}");
    }
}
