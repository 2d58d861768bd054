use super::*;
use crate::params::WorldParams;

fn world() -> World {
    let mut params = WorldParams::default();
    params.population.people = 20;
    World::generate(params, 7)
}

#[test]
fn delays_reproduce_the_observed_quantiles() {
    // Observed: 63% of acceptances within 1 day, 88% within 7 days, 99% within 30 days.
    // Tolerance: ±0.015 on 100,000 samples (the sampling error is below 0.002).
    let timing = TimingParams::default();
    let mut rng = Rng::from_key(&[42]);
    let n = 100_000;
    let samples: Vec<SignedDuration> = (0..n).map(|_| sample_delay(&mut rng, &timing)).collect();
    for (days, expected) in [(1, 0.63), (7, 0.88), (30, 0.99)] {
        let limit = SignedDuration::from_hours(24 * days);
        let share = samples.iter().filter(|d| **d <= limit).count() as f64 / n as f64;
        assert!(
            (share - expected).abs() < 0.015,
            "within {days} days: {share}, expected {expected}"
        );
    }
}

#[test]
fn notes_are_read_for_name_common_ground_selling_and_generic_text() {
    let w = world();
    let p = &w.people[0];
    let a = &w.params.acceptance;
    let company = w.company_of(p).to_owned();
    let check = |text: &str, expected: TextFeatures| {
        assert_eq!(analyse(text, &w, p, a), expected, "{text}");
    };
    check("Hello there", TextFeatures::default());
    check(
        &format!("Hi {}, I saw your work at {company}", p.first),
        TextFeatures {
            first_name: true,
            common_ground: true,
            ..TextFeatures::default()
        },
    );
    check(
        "Can I show you a quick demo? Our pricing is great",
        TextFeatures {
            selling: true,
            ..TextFeatures::default()
        },
    );
    check(
        "I\u{2019}d like to add you to my professional network.",
        TextFeatures {
            generic: true,
            ..TextFeatures::default()
        },
    );
    // Whole words only: "recall" is not "call".
    check("I recall your talk", TextFeatures::default());
}

#[test]
fn personal_notes_beat_no_note_and_selling_notes_lose() {
    let w = world();
    let p = &w.people[1];
    fn invite<'a>(p: &'a Person, note: Option<&'a str>) -> Invite<'a> {
        Invite {
            sender: Sender {
                key: 1,
                completeness: 0.8,
                industry: None,
            },
            person_index: 1,
            person: p,
            degree: Degree::Second,
            mutuals: 5,
            note,
            attempt: 1,
        }
    }
    let personal = format!("Hi {}, fellow {} person here", p.first, w.industry_of(p));
    let none = acceptance_probability(&w, &invite(p, None));
    let good = acceptance_probability(&w, &invite(p, Some(&personal)));
    let selling = acceptance_probability(&w, &invite(p, Some("Book a demo, special offer")));
    assert!(good > none && none > selling, "{good} {none} {selling}");
}

#[test]
fn generated_urls_parse_and_are_unique() {
    let mut params = WorldParams::default();
    params.population.people = 2000;
    let w = World::generate(params, 1);
    let mut seen = std::collections::HashSet::new();
    for (i, p) in w.people.iter().enumerate() {
        assert!(seen.insert(p.profile_url.clone()));
        assert_eq!(w.find(&p.profile_url), Some(i as u32));
        assert!(p.profile_url.slug().ends_with(&format!("-{i}")));
    }
}
