use proptest::prelude::*;

use super::sample::{gamma, normal};
use super::*;
use crate::sequence::{Invite, Message, StepKind};

fn tally(sends: u64, successes: u64) -> Tally {
    Tally { sends, successes }
}

/// The Wilson interval of `successes / sends`, rounded to four places.
#[track_caller]
fn check(successes: u64, sends: u64, expected: Option<(f64, f64)>) {
    let round = |x: f64| (x * 10_000.0).round() / 10_000.0;
    let got = wilson(tally(sends, successes), Z_95).map(|i| (round(i.low), round(i.high)));
    assert_eq!(got, expected, "{successes}/{sends}");
}

#[test]
fn wilson_matches_known_intervals() {
    check(10, 100, Some((0.0552, 0.1744)));
    check(50, 100, Some((0.4038, 0.5962)));
    check(3, 250, Some((0.0041, 0.0347)));
    check(1, 2, Some((0.0945, 0.9055)));
    check(0, 10, Some((0.0, 0.2775)));
    check(10, 10, Some((0.7225, 1.0)));
    check(0, 0, None);
    // More successes than sends (a miscount) read as all of them.
    check(12, 10, Some((0.7225, 1.0)));
}

#[test]
fn tallies_count_failures_and_rates() {
    assert_eq!(tally(10, 3).failures(), 7);
    assert_eq!(tally(10, 12).failures(), 0);
    assert_eq!(tally(0, 0).rate(), None);
    assert_eq!(tally(4, 1).rate(), Some(0.25));
    assert_eq!(tally(4, 1).posterior(), (2.0, 4.0));
}

#[test]
fn steps_name_their_variants_and_goal() {
    let invite = StepKind::Invite(Invite {
        notes: vec!["a".into(), "b".into()],
        without_note_if_quota_exhausted: false,
    });
    let message = StepKind::Message(Message {
        texts: vec!["a".into()],
    });
    assert_eq!(
        (invite.variant_count(), invite.goal()),
        (2, Some(Goal::Acceptance))
    );
    assert_eq!(
        (message.variant_count(), message.goal()),
        (1, Some(Goal::Reply))
    );
    assert_eq!(
        (StepKind::Follow.variant_count(), StepKind::Follow.goal()),
        (0, None)
    );
    assert_eq!(Goal::Reply.to_string(), "reply");
}

#[test]
fn a_single_variant_or_none_is_always_the_first() {
    for seed in 0..100 {
        assert_eq!(allocate(&[], seed), 0);
        assert_eq!(allocate(&[tally(10, 9)], seed), 0);
    }
    assert_eq!(probability_best(&[tally(3, 1)], 1, 100), [1.0]);
    assert!(probability_best(&[], 1, 100).is_empty());
    assert_eq!(
        probability_best(&[tally(1, 1), tally(1, 0)], 1, 0),
        [0.5, 0.5]
    );
}

/// How many of `n` seeded allocations go to each variant.
fn shares(tallies: &[Tally], n: u64) -> Vec<u64> {
    let mut counts = vec![0; tallies.len()];
    for seed in 0..n {
        counts[allocate(tallies, seed)] += 1;
    }
    counts
}

#[test]
fn without_evidence_the_allocation_is_even() {
    let counts = shares(&[Tally::default(); 2], 4_000);
    for c in counts {
        assert!((1_800..=2_200).contains(&c), "{c} of 4000");
    }
}

#[test]
fn the_report_favours_the_better_variant_and_is_reproducible() {
    let tallies = [tally(200, 20), tally(200, 40)];
    let report = summarize(&tallies);
    assert_eq!(
        report,
        summarize(&tallies),
        "the same counts, the same report"
    );
    assert!(report[1].best > 0.99, "{report:?}");
    assert!((report[0].best + report[1].best - 1.0).abs() < 1e-9);
    assert_eq!(report[0].rate, Some(0.1));
    // A variant nothing was sent with has a uniform prior: against a rate of 0.2 it is
    // likely the best (P(rate > 0.2) = 0.8), and its rate and interval are unknown.
    let report = summarize(&[tally(200, 20), tally(200, 40), tally(0, 0)]);
    assert!((0.75..0.82).contains(&report[2].best), "{report:?}");
    assert_eq!((report[2].rate, report[2].interval), (None, None));
}

#[test]
fn gamma_and_beta_draws_have_the_right_moments() {
    for shape in [0.5, 1.0, 2.5, 30.0, 1_000.0] {
        let mut draws = Draws::new(7);
        let n = 20_000;
        let xs: Vec<f64> = (0..n).map(|_| gamma(shape, &mut draws)).collect();
        let mean = xs.iter().sum::<f64>() / f64::from(n);
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / f64::from(n);
        // Mean and variance of Gamma(k, 1) are both k; five standard errors of slack.
        assert!(
            (mean - shape).abs() < 5.0 * (shape / f64::from(n)).sqrt(),
            "{shape}: {mean}"
        );
        assert!((var - shape).abs() < 0.1 * shape, "{shape}: {var}");
        assert!(xs.iter().all(|&x| x >= 0.0 && x.is_finite()));
    }
    let mut draws = Draws::new(11);
    let xs: Vec<f64> = (0..20_000).map(|_| beta(3.0, 7.0, &mut draws)).collect();
    let mean = xs.iter().sum::<f64>() / 20_000.0;
    assert!((mean - 0.3).abs() < 0.005, "{mean}");
    assert!(xs.iter().all(|x| (0.0..=1.0).contains(x)));
    assert_eq!(gamma(0.0, &mut draws), 0.0);
    assert_eq!(gamma(f64::NAN, &mut draws), 0.0);
    let mut a = Draws::new(5);
    let mut b = Draws::new(5);
    assert_eq!(normal(&mut a), normal(&mut b));
}

fn tallies(max: u64) -> impl Strategy<Value = Vec<Tally>> {
    prop::collection::vec(
        (0..max).prop_flat_map(|sends| (Just(sends), 0..=sends)),
        2..5,
    )
    .prop_map(|pairs| pairs.into_iter().map(|(s, w)| tally(s, w)).collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// The same tallies and seed always give the same variant, one of the step's.
    #[test]
    fn allocation_is_deterministic_and_in_range(t in tallies(10_000), seed in any::<u64>()) {
        let first = allocate(&t, seed);
        prop_assert!(first < t.len());
        prop_assert_eq!(first, allocate(&t, seed));
    }

    /// With a clearly better variant (twice the rate, on a few hundred sends each), most
    /// allocations go to it.
    #[test]
    fn a_clearly_better_variant_gets_most_allocations(
        rate in 0.05f64..0.4,
        sends in 300u64..2_000,
        better in 0usize..3,
        salt in any::<u64>(),
    ) {
        let worse = (sends as f64 * rate) as u64;
        let mut t = vec![tally(sends, worse); 3];
        t[better].successes = worse * 2;
        let mut counts = [0u32; 3];
        for seed in 0..1_000u64 {
            counts[allocate(&t, crate::planner::derive(salt, &[seed]))] += 1;
        }
        // Exploration alone gives the others a third of 10% each.
        prop_assert!(counts[better] > 850, "{:?}", counts);
    }

    /// Every variant keeps at least the exploration floor, `EXPLORATION / n` of the
    /// allocations, however bad its record (checked within five standard errors).
    #[test]
    fn every_variant_keeps_the_exploration_floor(t in tallies(5_000), salt in any::<u64>()) {
        let n = 4_000u64;
        let mut counts = vec![0u64; t.len()];
        for seed in 0..n {
            counts[allocate(&t, crate::planner::derive(salt, &[seed]))] += 1;
        }
        let floor = EXPLORATION / t.len() as f64;
        let expected = floor * n as f64;
        let slack = 5.0 * (n as f64 * floor * (1.0 - floor)).sqrt();
        for c in &counts {
            prop_assert!(*c as f64 >= expected - slack, "{:?} (floor {})", counts, expected);
        }
    }

    /// The Wilson interval contains the rate and lies inside [0, 1].
    #[test]
    fn the_interval_contains_the_rate(sends in 1u64..1_000_000, share in 0.0f64..=1.0) {
        let t = tally(sends, (sends as f64 * share).round() as u64);
        let rate = t.rate().unwrap_or(f64::NAN);
        let i = wilson(t, Z_95).unwrap_or(Interval { low: f64::NAN, high: f64::NAN });
        prop_assert!(0.0 <= i.low && i.low <= rate && rate <= i.high && i.high <= 1.0, "{t:?}: {i:?}");
    }

    /// The probabilities of being best are shares that sum to 1.
    #[test]
    fn best_shares_sum_to_one(t in tallies(500), seed in any::<u64>()) {
        let best = probability_best(&t, seed, 500);
        prop_assert_eq!(best.len(), t.len());
        prop_assert!(best.iter().all(|p| (0.0..=1.0).contains(p)));
        prop_assert!((best.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }
}
