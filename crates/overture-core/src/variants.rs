//! Variants that learn: which text variant of a step a lead gets, and how well each variant
//! does.
//!
//! A step may carry several variants (an `invite` step's notes, a `message` step's texts, an
//! `email` step's subjects and bodies). Each lead gets one, once, when its action is first
//! planned, and keeps it. The choice is Thompson sampling on the step's [`Goal`]
//! ([`allocate`]): every variant's success rate has a Beta(1 + successes, 1 + failures)
//! posterior (a uniform prior updated by what was seen), one rate is drawn from each, and the
//! variant with the largest draw wins. A variant that does better wins more often, in
//! proportion to how sure the evidence is that it is the best, so the allocation shifts
//! towards it as the evidence grows.
//!
//! **The exploration floor.** With probability [`EXPLORATION`] the choice is uniform instead,
//! so every variant keeps at least `EXPLORATION / n` of the allocations (5% each with two
//! variants) whatever the data says. Thompson sampling alone can starve a variant after an
//! unlucky start, and here the evidence is late and moving: an invitation is answered days or
//! weeks after it is sent (until then it counts as a failure, which weighs on the variant sent
//! most recently), and what people accept drifts with the season and the market. The floor
//! keeps every variant's interval shrinking, so the report ([`summarize`]) stays honest, and
//! costs at most a tenth of the allocations.
//!
//! The report gives each variant's rate with a 95% Wilson score interval ([`wilson`]), which
//! stays inside `[0, 1]` and behaves for small counts and rates near 0, and the probability
//! that it is the best ([`probability_best`]): a Monte Carlo estimate over the same
//! posteriors with [`BEST_DRAWS`] draws from a fixed seed, so the same counts always give the
//! same report (its standard error is below 0.004).
//!
//! Like the rest of the core, nothing here draws randomness of its own: every draw is a pure
//! function of a seed, through [`planner::unit`](crate::planner::unit).

mod sample;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::account::str_enum;
use crate::sequence::StepKind;

use sample::{Draws, beta};

/// The share of allocations that are uniform rather than Thompson-sampled: each of `n`
/// variants keeps at least `EXPLORATION / n` of them.
pub const EXPLORATION: f64 = 0.1;

/// The standard normal quantile of a two-sided 95% interval.
pub const Z_95: f64 = 1.959_963_984_540_054;

/// How many posterior draws [`probability_best`] makes for the report.
pub const BEST_DRAWS: u32 = 20_000;

/// The fixed seed of the report's draws, so the same counts give the same report.
pub const BEST_SEED: u64 = 0x7661_7269_616e_7473;

/// What a step's variants compete on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Goal {
    /// The invitation is accepted.
    Acceptance,
    /// The person replies after the message or email.
    Reply,
}

str_enum!(Goal { Acceptance => "acceptance", Reply => "reply" });

impl StepKind {
    /// How many text variants the step carries: notes, message texts or emails; 0 for a step
    /// without text.
    pub fn variant_count(&self) -> usize {
        match self {
            StepKind::Invite(invite) => invite.notes.len(),
            StepKind::Message(message) => message.texts.len(),
            StepKind::Email(email) => email.variants.len(),
            _ => 0,
        }
    }

    /// What the step's variants compete on; `None` for a step without text.
    pub fn goal(&self) -> Option<Goal> {
        match self {
            StepKind::Invite(_) => Some(Goal::Acceptance),
            StepKind::Message(_) | StepKind::Email(_) => Some(Goal::Reply),
            _ => None,
        }
    }
}

/// How one variant did: how many were sent, and how many of those reached the step's goal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Sent (invitations that carried the note, messages, emails).
    pub sends: u64,
    /// Among them, those that reached the goal (accepted, replied to).
    pub successes: u64,
}

impl Tally {
    /// Sends that have not reached the goal (yet). More successes than sends count as none.
    pub fn failures(self) -> u64 {
        self.sends.saturating_sub(self.successes)
    }

    /// The successes that count: never more than the sends.
    fn wins(self) -> u64 {
        self.successes.min(self.sends)
    }

    /// The success rate; `None` before anything was sent.
    pub fn rate(self) -> Option<f64> {
        (self.sends > 0).then(|| self.wins() as f64 / self.sends as f64)
    }

    /// The posterior of the success rate from a uniform prior: Beta(1 + successes,
    /// 1 + failures).
    pub fn posterior(self) -> (f64, f64) {
        (1.0 + self.wins() as f64, 1.0 + self.failures() as f64)
    }
}

/// A confidence interval of a rate, inside `[0, 1]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

/// The Wilson score interval of a tally's rate for the normal quantile `z` ([`Z_95`] for
/// 95%); `None` before anything was sent. It always contains the rate and stays inside
/// `[0, 1]`.
pub fn wilson(tally: Tally, z: f64) -> Option<Interval> {
    let p = tally.rate()?;
    let n = tally.sends as f64;
    let z2 = z * z;
    let scale = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / scale;
    let half = z / scale * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // Mathematically low <= p <= high; the bounds keep rounding from saying otherwise.
    Some(Interval {
        low: (center - half).clamp(0.0, 1.0).min(p),
        high: (center + half).clamp(0.0, 1.0).max(p),
    })
}

/// The variant a lead gets, from the tallies of the step's variants (in order) and a seed:
/// with probability [`EXPLORATION`] a uniform pick, otherwise Thompson sampling (the largest
/// of one draw from each variant's posterior). 0 when there are fewer than two variants. The
/// same tallies and seed always give the same variant.
pub fn allocate(tallies: &[Tally], seed: u64) -> usize {
    if tallies.len() < 2 {
        return 0;
    }
    let mut draws = Draws::new(seed);
    if draws.unit() < EXPLORATION {
        return pick(draws.unit(), tallies.len());
    }
    thompson(tallies, &mut draws)
}

/// The index of the largest of one posterior draw per tally (the first on a tie).
fn thompson(tallies: &[Tally], draws: &mut Draws) -> usize {
    let mut best = (0, f64::NEG_INFINITY);
    for (i, tally) in tallies.iter().enumerate() {
        let (a, b) = tally.posterior();
        let x = beta(a, b, draws);
        if x > best.1 {
            best = (i, x);
        }
    }
    best.0
}

/// An index below `n` from a uniform `u` in `[0, 1)`.
fn pick(u: f64, n: usize) -> usize {
    // `u < 1`, so the product is below `n`; the `min` only guards against rounding.
    ((u * n as f64) as usize).min(n.saturating_sub(1))
}

/// The probability that each variant has the highest success rate, estimated from `draws`
/// joint draws of the posteriors seeded by `seed`; the shares sum to 1. A single variant is
/// the best for sure; without draws every variant gets an equal share.
pub fn probability_best(tallies: &[Tally], seed: u64, draws: u32) -> Vec<f64> {
    let n = tallies.len();
    if n <= 1 || draws == 0 {
        return vec![1.0 / n.max(1) as f64; n];
    }
    let mut wins = vec![0u32; n];
    let mut stream = Draws::new(seed);
    for _ in 0..draws {
        wins[thompson(tallies, &mut stream)] += 1;
    }
    wins.into_iter()
        .map(|w| f64::from(w) / f64::from(draws))
        .collect()
}

/// One variant's line of the report.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Sends and successes.
    pub tally: Tally,
    /// The success rate; `None` before anything was sent.
    pub rate: Option<f64>,
    /// Its 95% Wilson score interval; `None` before anything was sent.
    pub interval: Option<Interval>,
    /// The probability that it is the best variant of the step.
    pub best: f64,
}

/// The report of a step's variants, in order: rate, 95% interval and probability of being
/// the best, the latter from [`BEST_DRAWS`] draws with [`BEST_SEED`].
pub fn summarize(tallies: &[Tally]) -> Vec<Summary> {
    let best = probability_best(tallies, BEST_SEED, BEST_DRAWS);
    tallies
        .iter()
        .zip(best)
        .map(|(&tally, best)| Summary {
            tally,
            rate: tally.rate(),
            interval: wilson(tally, Z_95),
            best,
        })
        .collect()
}
