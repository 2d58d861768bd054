//! The estimate recovers a known acceptance curve from a synthetic history, is the prior without
//! history, and moves from the prior to the history as the history grows.

use jiff::{SignedDuration, Timestamp};

use super::*;

/// The true acceptance rate of the synthetic accounts.
const RATE: f64 = 0.35;
/// Time to acceptance of those who accept: log-normal with this median (days)…
const MEDIAN_DAYS: f64 = 0.6;
/// …and this standard deviation of its logarithm.
const SIGMA: f64 = 1.5;
/// How far the estimate may be from the truth with a few thousand invitations.
const TOLERANCE: f64 = 0.03;

fn now() -> Timestamp {
    "2026-06-01T12:00:00Z".parse().unwrap()
}

fn d(days: f64) -> SignedDuration {
    SignedDuration::from_secs_f64(days * 86_400.0)
}

/// SplitMix64: a small seeded generator, enough for test data.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u = 1.0 - self.uniform();
        let v = self.uniform();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// The standard normal distribution function (Abramowitz and Stegun 7.1.26, error < 1.5e-7).
fn normal_cdf(z: f64) -> f64 {
    let x = z.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erf = 1.0 - poly * (-x * x).exp();
    0.5 * (1.0 + erf.copysign(z))
}

/// The true probability of acceptance within `days`.
fn truth(rate: f64, days: f64) -> f64 {
    rate * normal_cdf((days / MEDIAN_DAYS).ln() / SIGMA)
}

/// How the synthetic account follows its invitations.
struct Follow {
    /// Invitations were sent uniformly between these many days before now.
    sent_days_ago: (f64, f64),
    /// This share of invitations is withdrawn, at an age uniform in 14 to 30 days.
    withdrawn: f64,
    /// This share of those who never accept decline (at a log-normal age around 2 days).
    declined: f64,
}

/// `n` invitations of an account that accepts at `rate` with the log-normal delay.
fn history(seed: u64, n: usize, rate: f64, follow: &Follow) -> Vec<Observation> {
    let mut rng = Rng(seed);
    (0..n)
        .map(|_| {
            let (least, most) = follow.sent_days_ago;
            let followed = least + (most - least) * rng.uniform();
            let sent_at = now() - d(followed);
            let accepts = rng.uniform() < rate;
            let delay = (MEDIAN_DAYS.ln() + SIGMA * rng.normal()).exp();
            let withdraw_at = if rng.uniform() < follow.withdrawn {
                14.0 + 16.0 * rng.uniform()
            } else {
                f64::INFINITY
            };
            let declines = !accepts && rng.uniform() < follow.declined;
            let decline_at = 2.0 * rng.normal().exp();
            let horizon = followed.min(withdraw_at);
            let outcome = if accepts && delay <= horizon {
                Outcome::Accepted {
                    at: sent_at + d(delay),
                }
            } else if declines && decline_at <= horizon {
                Outcome::Declined
            } else if withdraw_at <= followed {
                Outcome::Censored {
                    at: sent_at + d(withdraw_at),
                }
            } else {
                Outcome::Pending
            };
            Observation { sent_at, outcome }
        })
        .collect()
}

const REALISTIC: Follow = Follow {
    sent_days_ago: (0.0, 180.0),
    withdrawn: 0.5,
    declined: 0.2,
};

/// `(F(1d), F(7d), F(30d), F(∞))`.
fn summary(estimate: &Estimate) -> [f64; 4] {
    [
        estimate.accepted_by(d(1.0)),
        estimate.accepted_by(d(7.0)),
        estimate.accepted_by(d(30.0)),
        estimate.eventual(),
    ]
}

#[test]
fn recovers_a_known_curve_from_a_few_thousand_invitations() {
    let want = [truth(RATE, 1.0), truth(RATE, 7.0), truth(RATE, 30.0), RATE];
    for seed in [1, 2, 3] {
        let history = history(seed, 4000, RATE, &REALISTIC);
        let got = summary(&Estimate::new(Prior::default(), &history, now()));
        for ((label, got), want) in ["F(1d)", "F(7d)", "F(30d)", "F(∞)"]
            .iter()
            .zip(got)
            .zip(want)
        {
            println!(
                "seed {seed} {label}: estimate {got:.4}, truth {want:.4}, error {:+.4}",
                got - want
            );
            assert!(
                (got - want).abs() <= TOLERANCE,
                "seed {seed} {label}: {got} vs {want}"
            );
        }
    }
}

#[test]
fn without_history_the_estimate_is_the_prior() {
    let prior = Prior::default();
    let estimate = Estimate::new(prior, &[], now());
    assert_eq!(estimate, Estimate::from_prior(prior));
    for days in [0.0, 0.01, 0.5, 1.0, 3.0, 7.0, 12.0, 21.0, 30.0, 90.0, 365.0] {
        let f0 = prior.accepted_by(days);
        let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
        assert!(close(estimate.accepted_by(d(days)), f0), "F({days})");
        let still = (prior.acceptance_rate() - f0) / (1.0 - f0);
        assert!(
            close(estimate.still_likely(d(days)), still),
            "still({days})"
        );
    }
    assert!((estimate.eventual() - 0.30).abs() < 1e-12);
    // The shape: 63%, 88% and 99% of the eventual acceptances.
    for (days, share) in PUBLISHED_SHAPE {
        let got = estimate.accepted_by(d(days)) / estimate.eventual();
        assert!((got - share).abs() < 1e-9, "{days}: {got}");
    }
}

/// An account far from the prior (60% accept), every invitation followed for 60 days.
fn generous(seed: u64, n: usize) -> Vec<Observation> {
    let follow = Follow {
        sent_days_ago: (60.0, 60.0),
        withdrawn: 0.0,
        declined: 0.0,
    };
    history(seed, n, 0.6, &follow)
}

#[test]
fn a_small_history_lies_between_the_prior_and_the_data() {
    let prior = Prior::default();
    let history = generous(7, 40);
    let blend = summary(&Estimate::new(prior, &history, now()));
    let data = summary(&Estimate::new(
        Prior::new(0.3, 0.0).unwrap(),
        &history,
        now(),
    ));
    let alone = summary(&Estimate::from_prior(prior));
    for ((b, x), p) in blend.into_iter().zip(data).zip(alone) {
        println!("prior {p:.4} < blend {b:.4} < data {x:.4}");
        assert!(p < b && b < x, "prior {p} < blend {b} < data {x}");
    }
}

#[test]
fn the_history_outweighs_the_prior_as_it_grows() {
    let distance = |n| {
        let history = generous(11, n);
        let blend = Estimate::new(Prior::default(), &history, now()).eventual();
        let data = Estimate::new(Prior::new(0.3, 0.0).unwrap(), &history, now()).eventual();
        (data - blend) / (data - 0.3)
    };
    let shares: Vec<f64> = [10, 30, 100, 1000].into_iter().map(distance).collect();
    println!("prior's share of the way from data to prior: {shares:?}");
    // With a weight of 30 the prior has half the say at 30 invitations.
    assert!((shares[1] - 0.5).abs() < 0.1, "{shares:?}");
    assert!(shares.windows(2).all(|w| w[0] > w[1]), "{shares:?}");
    assert!(shares[3] < 0.05, "{shares:?}");
}

#[test]
fn the_tail_keeps_falling_past_the_last_acceptance() {
    // 30 acceptances within 10 days, 70 withdrawn at 20 days.
    let sent_at = now() - d(50.0);
    let history: Vec<Observation> = (0..100)
        .map(|i| {
            let outcome = if i < 30 {
                Outcome::Accepted {
                    at: sent_at + d(f64::from(i + 1) / 3.0),
                }
            } else {
                Outcome::Censored {
                    at: sent_at + d(20.0),
                }
            };
            Observation { sent_at, outcome }
        })
        .collect();
    let estimate = Estimate::new(Prior::default(), &history, now());
    let chances: Vec<f64> = [10.0, 15.0, 20.0, 25.0, 40.0, 90.0, 180.0]
        .map(|days| estimate.still_likely(d(days)))
        .to_vec();
    println!("still likely at 10, 15, 20, 25, 40, 90, 180 days: {chances:?}");
    assert!(chances.windows(2).all(|w| w[0] > w[1]), "{chances:?}");
    assert!(chances[6] > 0.0);
    // Kaplan–Meier alone is flat (and nothing is left) after its last acceptance.
    let km = Estimate::new(Prior::new(0.3, 0.0).unwrap(), &history, now());
    assert_eq!(km.still_likely(d(10.0)), 0.0);
    assert_eq!(km.still_likely(d(40.0)), 0.0);
}
