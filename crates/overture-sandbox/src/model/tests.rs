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
fn notes_are_read_with_the_lints_features_and_the_persons_facts() {
    let w = world();
    let p = &w.people[0];
    let a = &w.params.acceptance;
    let company = w.company_of(p).to_owned();
    let check = |text: &str, expected: TextFeatures| {
        assert_eq!(analyse(text, &w, p, a), expected, "{text}");
    };
    let none = TextFeatures::default();
    check("Hello there", none);
    let personalised = TextFeatures {
        personalised: true,
        ..none
    };
    check(&format!("Hi {}, how are things?", p.first), personalised);
    // The company personalises; it is no reason to connect by itself.
    check(&format!("How are things at {company}?"), personalised);
    // The lint's common ground, and the facts of the person's profile.
    let common_ground = TextFeatures {
        common_ground: true,
        ..none
    };
    check("We were both at the Leeds meetup", common_ground);
    check(
        &format!("How is {} treating you?", w.industry_of(p)),
        common_ground,
    );
    check(&format!("Any tips on {}?", p.title), common_ground);
    let interest = w.interests_of(p).next().unwrap().to_owned();
    check(&format!("Any thoughts on {interest}?"), common_ground);
    check(
        "Can I show you our platform? Our pricing is great",
        TextFeatures {
            selling: true,
            ..none
        },
    );
    check(
        "Have a look at https://example.invalid/report",
        TextFeatures { link: true, ..none },
    );
    check(
        "I\u{2019}d like to add you to my professional network.",
        TextFeatures {
            generic: true,
            ..none
        },
    );
    check(
        "HUGE news!!",
        TextFeatures {
            shouting: true,
            ..none
        },
    );
}

#[test]
fn a_worlds_extra_words_add_to_the_lints() {
    let mut params = WorldParams::default();
    params.population.people = 20;
    params.acceptance.selling_words = vec!["invoice".into()];
    params.acceptance.generic_phrases = vec!["reaching out to professionals".into()];
    let w = World::generate(params, 7);
    let p = &w.people[0];
    let a = &w.params.acceptance;
    let read = |text: &str| analyse(text, &w, p, a);
    assert!(read("Send me your invoice").selling);
    // Whole words only: "invoices" is not "invoice".
    assert!(!read("Invoices pile up").selling);
    assert!(read("I am reaching out to professionals like you").generic);
    // The lint's phrases still count.
    assert!(read("Book a demo").selling);
}

/// A second-degree invitation from a 0.8-complete profile.
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

/// Notes the lint passes (the first two, its own good examples) and flags, with `first` and
/// `company` written in: a person's values, or template tags for the lint.
fn notes(first: &str, company: &str) -> [Option<String>; 5] {
    [
        Some(format!(
            "Hi {first}, we were both on the panel about hiring data engineers at the Leeds meetup. I liked your point on take-home tasks; glad to stay in touch."
        )),
        Some(format!(
            "Hi {first}, I read your post on migrating {company} to event sourcing. We went down the same road last year and I'd be glad to swap notes."
        )),
        Some(format!(
            "Hi {first}, I'd like to add you to my professional network."
        )),
        Some(format!(
            "Hi {first}, our platform cuts hiring costs by 30%. Book a demo: calendly.com/acme"
        )),
        None,
    ]
}

#[test]
fn notes_the_lint_passes_are_accepted_clearly_more_often() {
    use overture_core::Tier;
    use overture_message::{TextKind, lint};

    let templates = notes("{{ first_name }}", "{{ company | default(\"your team\") }}");
    for (i, template) in templates.iter().enumerate() {
        if let Some(template) = template {
            let findings = lint(template, TextKind::Invite, Tier::Premium).findings;
            assert_eq!(findings.is_empty(), i < 2, "{template}: {findings:?}");
        }
    }

    let mut params = WorldParams::default();
    params.population.people = 500;
    let w = World::generate(params, 7);
    let mut totals = [0.0; 5];
    for p in &w.people {
        let probabilities = notes(&p.first, w.company_of(p))
            .map(|note| acceptance_probability(&w, &invite(p, note.as_deref())));
        let [clean, with_company, generic, selling, none] = probabilities;
        assert!(clean > none && with_company > none, "{}", p.first);
        assert!(none > generic && none > selling, "{}", p.first);
        for (total, probability) in totals.iter_mut().zip(probabilities) {
            *total += probability;
        }
    }
    let n = w.people.len() as f64;
    let [clean, with_company, generic, selling, none] = totals.map(|t| t / n);
    // With the defaults an active second-degree person with five mutual connections accepts
    // a lint-clean note with about 62% probability, the stock phrase or the pitch with about
    // 41%, and no note with 43%.
    for good in [clean, with_company] {
        for bad in [generic, selling] {
            assert!(good >= 1.4 * bad && good >= bad + 0.15, "{good} vs {bad}");
        }
        assert!(good >= none + 0.15, "{good} vs {none}");
    }
}

#[test]
fn messages_the_lint_passes_get_more_replies() {
    let w = world();
    for p in &w.people {
        let first = &p.first;
        let reply = |text: &str| reply_probability(&w, p, text);
        let personal = reply(&format!(
            "Thanks for connecting, {first}! I enjoyed your post on onboarding; how did the team take it?"
        ));
        let bare = reply("Thanks for connecting.");
        let pitch = reply(&format!(
            "{first}, our platform has a special offer: book a demo"
        ));
        let generic = reply("Hope this finds you well.");
        let loud = reply("THANKS FOR CONNECTING!!!");
        assert!(personal > bare, "{personal} {bare}");
        assert!(bare > generic && bare > loud, "{bare} {generic} {loud}");
        assert!(personal > pitch, "{personal} {pitch}");
        // Once connected, a link is no pitch.
        assert_eq!(reply("Here it is: https://example.invalid/report"), bare);
    }
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
