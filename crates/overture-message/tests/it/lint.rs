use overture_core::Tier;
use overture_message::{RULES, Severity, TextKind, lint, rule};

fn rules_of(source: &str, kind: TextKind, tier: Tier) -> Vec<&'static str> {
    lint(source, kind, tier)
        .findings
        .iter()
        .map(|f| f.rule)
        .collect()
}

fn invite(source: &str) -> Vec<&'static str> {
    rules_of(source, TextKind::Invite, Tier::Premium)
}

/// The first kind a rule applies to.
fn kind_of(id: &str) -> TextKind {
    rule(id).unwrap().kinds[0]
}

#[test]
fn every_rules_bad_example_is_flagged_by_it() {
    for r in RULES {
        let found = rules_of(r.bad, kind_of(r.id), Tier::Free);
        assert!(found.contains(&r.id), "{}: {found:?} for {:?}", r.id, r.bad);
    }
}

#[test]
fn no_rules_good_example_is_flagged_by_it() {
    for r in RULES {
        let found = rules_of(r.good, kind_of(r.id), Tier::Free);
        assert!(
            !found.contains(&r.id),
            "{}: {found:?} for {:?}",
            r.id,
            r.good
        );
    }
}

#[test]
fn good_personal_notes_have_no_finding_and_score_100() {
    let notes = [
        "Hi {{ first_name | clean_name }}, we were both on the panel about hiring data engineers at the Leeds meetup. I liked your point on take-home tasks; glad to stay in touch.",
        "{Hi|Hello} {{ first_name }}, I read your post on migrating {{ company | default(\"your team\") }} to event sourcing. We went down the same road last year and I'd be glad to swap notes.",
        "Hi {{ first_name }}, {{ custom.mutual_connection | default(\"a mutual friend\") }} suggested I reach out: we're both working on onboarding for {{ position | default(\"product\") | lower }} teams.",
        "Hi {{ first_name }}, fellow Riverside University alumnus here. I saw you moved into {{ position | default(\"a new role\") }}; congratulations!",
        "Hello {{ first_name }}, as a fellow {{ position | default(\"recruiter\") }} in the EMEA market, I'd enjoy comparing notes on how you run first interviews.",
    ];
    for note in notes {
        let result = lint(note, TextKind::Invite, Tier::Free);
        assert_eq!(result.findings, [], "{note}");
        assert_eq!(result.score, 100, "{note}");
    }
}

#[test]
fn generic_openers_in_their_variants() {
    let bad = [
        "Hi {{ first_name }}, I'd like to add you to my professional network on LinkedIn.",
        "Hi {{ first_name }}, I would like to connect with you.",
        "{{ first_name }}, I’d love to connect with you!",
        "Hi {{ first_name }}, I'm looking to expand my network with people in {{ position | default(\"tech\") }}.",
        "Hi {{ first_name }}, I came across your profile and was impressed.",
        "Hi {{ first_name }}, please join my professional network.",
    ];
    for note in bad {
        assert!(invite(note).contains(&"generic-opener"), "{note}");
    }
}

#[test]
fn selling_in_the_first_touch() {
    let bad = [
        "Hi {{ first_name }}, our software helps teams like yours ship faster.",
        "Hi {{ first_name }}, we're offering 20% off for new customers this month.",
        "Hi {{ first_name }}, can we schedule a quick call next week?",
        "Hi {{ first_name }}, plans start at $49 a month.",
        "Hi {{ first_name }}, grab a slot: https://calendly.com/example/intro",
        "Hi {{ first_name }}, happy to show you a demo.",
    ];
    for note in bad {
        assert!(invite(note).contains(&"selling"), "{note}");
    }
    // A follow-up message may talk business: the rule is about the invitation.
    let message = rules_of(bad[0], TextKind::Message, Tier::Free);
    assert!(!message.contains(&"selling"), "{message:?}");
}

#[test]
fn links_in_an_invitation_note() {
    for note in [
        "Hi {{ first_name }}, see https://example.com/report before we talk.",
        "Hi {{ first_name }}, my portfolio is at www.example.org",
        "Hi {{ first_name }}, we met at the meetup; details on example.io/events",
    ] {
        assert!(invite(note).contains(&"link-in-invite"), "{note}");
    }
    // A company name in a fallback is no link.
    assert!(
        !invite(
            "Hi {{ first_name }}, we both spoke at {{ custom.event | default(\"the summit\") }}."
        )
        .contains(&"link-in-invite")
    );
}

#[test]
fn no_personalisation_and_no_reason() {
    let plain = "Hello, would be great to connect.";
    let found = invite(plain);
    assert!(found.contains(&"no-personalisation"), "{found:?}");
    assert!(found.contains(&"no-reason"), "{found:?}");
    // A name alone personalises but gives no reason.
    let named = invite("Hi {{ first_name }}, would be great to connect.");
    assert_eq!(named, ["no-reason"]);
    // A sender's name is no personalisation.
    let signed = invite("Hello, we both spoke at the summit. {{ sender.first_name }}");
    assert_eq!(signed, ["no-personalisation"]);
    // A role-specific hook is a reason.
    assert_eq!(
        invite(
            "Hi {{ first_name }}, how do you find being {{ position | default(\"a manager\") }}?"
        ),
        Vec::<&str>::new()
    );
    // One spelling without a reason is enough to flag.
    let spun = invite("Hi {{ first_name }}, {we both went to the Leeds meetup|great to meet you}.");
    assert!(spun.contains(&"no-reason"), "{spun:?}");
}

#[test]
fn shouting_exclamations_and_emoji() {
    assert!(
        invite("Hi {{ first_name }}, we both run an AMAZING team at the meetup")
            .contains(&"shouting")
    );
    // Short words in capitals and common acronyms are fine.
    assert!(
        !invite("Hi {{ first_name }}, fellow VP of Sales in EMEA and the CEO of a SaaS firm here")
            .contains(&"shouting")
    );
    assert!(invite("Hi {{ first_name }}!! We both went to the summit").contains(&"exclamations"));
    assert!(
        invite("Hi {{ first_name }}! We both went to the summit! Great talk!")
            .contains(&"exclamations")
    );
    assert!(!invite("Hi {{ first_name }}! We both went to the summit.").contains(&"exclamations"));
    assert!(invite("Hi {{ first_name }} 👋 we both went to the summit 🎉🎉").contains(&"emoji"));
    assert!(!invite("Hi {{ first_name }} 👋 we both went to the summit").contains(&"emoji"));
}

#[test]
fn unknown_variables_get_the_nearest_name() {
    let result = lint(
        "Hi {{ frist_name }}, we both spoke at {{ sender.compnay }}'s summit.",
        TextKind::Invite,
        Tier::Premium,
    );
    let messages: Vec<(&str, &str, (usize, usize))> = result
        .findings
        .iter()
        .filter(|f| f.rule == "unknown-variable")
        .map(|f| (f.rule, f.message.as_str(), f.span))
        .collect();
    assert_eq!(
        messages,
        [
            (
                "unknown-variable",
                "unknown variable `frist_name` (did you mean `first_name`?)",
                (6, 16)
            ),
            (
                "unknown-variable",
                "unknown variable `sender.compnay` (did you mean `sender.company`?)",
                (41, 55)
            ),
        ]
    );
    assert!(result.has_errors());
    // A custom field is always known: any lead may carry it.
    assert_eq!(
        invite(
            "Hi {{ first_name }}, we both spoke at {{ custom.event | default(\"the summit\") }}."
        ),
        Vec::<&str>::new()
    );
}

#[test]
fn too_long_depends_on_the_tier_and_the_longest_spelling() {
    let note = format!(
        "Hi {{{{ first_name }}}}, we both spoke at the summit. {{{}|short}}",
        "x".repeat(180)
    );
    let free = rules_of(&note, TextKind::Invite, Tier::Free);
    assert!(free.contains(&"too-long"), "{free:?}");
    let premium = rules_of(&note, TextKind::Invite, Tier::Premium);
    assert!(!premium.contains(&"too-long"), "{premium:?}");
    // A long fallback counts at its own length.
    let fallback = format!(
        "Hi {{{{ first_name }}}}, we both spoke at {{{{ custom.event | default(\"{}\") }}}}.",
        "y".repeat(190)
    );
    assert!(rules_of(&fallback, TextKind::Invite, Tier::Free).contains(&"too-long"));
    // Subjects have their own limit.
    let subject = "Quick question about {{ company | default(\"your team\") }} and the data platform migration you mentioned";
    assert!(rules_of(subject, TextKind::EmailSubject, Tier::Free).contains(&"too-long"));
}

#[test]
fn syntax_errors_point_at_the_source() {
    let result = lint(
        "Hi {{ first_name }}, {we both|you and I went to the meetup",
        TextKind::Invite,
        Tier::Premium,
    );
    assert_eq!(result.findings.len(), 1, "{:?}", result.findings);
    let finding = &result.findings[0];
    assert_eq!((finding.rule, finding.span), ("syntax", (21, 22)));
    assert!(finding.message.starts_with("1:22:"), "{}", finding.message);

    let result = lint(
        "Hi {{ first_name }}, {% if company %}we both use {{ company }}",
        TextKind::Invite,
        Tier::Premium,
    );
    let syntax: Vec<_> = result
        .findings
        .iter()
        .filter(|f| f.rule == "syntax")
        .collect();
    assert_eq!(syntax.len(), 1, "{:?}", result.findings);
    assert!(
        syntax[0].message.contains("endif") || syntax[0].message.contains("end of input"),
        "{}",
        syntax[0].message
    );
}

#[test]
fn empty_and_no_fallback() {
    assert_eq!(invite("   "), ["empty"]);
    assert!(invite("{% if company %}{{ company }}{% endif %}").contains(&"empty"));
    let found = lint(
        "Hi {{ first_name }}, we both spoke at the summit; how is {{ company }}?",
        TextKind::Invite,
        Tier::Premium,
    );
    let fallback: Vec<_> = found
        .findings
        .iter()
        .filter(|f| f.rule == "no-fallback")
        .collect();
    assert_eq!(fallback.len(), 1);
    assert_eq!(fallback[0].severity, Severity::Info);
    assert_eq!(found.score, 95);
    // Guarded by an `if`, or with a default: fine.
    assert!(!invite("Hi {{ first_name }}, we both spoke at the summit{% if company %}; how is {{ company }}?{% endif %}").contains(&"no-fallback"));
}

#[test]
fn the_score_takes_each_rule_once() {
    let result = lint(
        "Hi {{ first_name }}, our platform and our services: book a demo!",
        TextKind::Invite,
        Tier::Premium,
    );
    let fired: std::collections::BTreeSet<&str> = result.findings.iter().map(|f| f.rule).collect();
    let expected: u32 = fired
        .iter()
        .map(|id| rule(id).unwrap().severity.penalty())
        .sum();
    assert!(result.findings.len() > fired.len());
    assert_eq!(result.score, 100 - expected);
}

#[test]
fn json_has_the_documented_shape() {
    let result = lint("Hi {{ frist_name }}", TextKind::Invite, Tier::Premium);
    let json = serde_json::to_value(&result).unwrap();
    assert!(json["score"].is_u64());
    let first = &json["findings"][0];
    for key in ["rule", "severity", "message"] {
        assert!(first[key].is_string(), "{json}");
    }
    assert!(
        first["span"][0].is_u64() && first["span"][1].is_u64(),
        "{json}"
    );
}

#[test]
fn every_rule_is_documented() {
    let docs = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/messages.md"
    ))
    .unwrap();
    for r in RULES {
        assert!(
            docs.contains(&format!("### `{}`", r.id)),
            "docs/messages.md lacks `{}`",
            r.id
        );
    }
}

mod properties {
    use overture_core::Tier;
    use overture_message::{TextKind, lint};
    use proptest::prelude::*;

    /// Texts made of template pieces, spintax and words, often malformed.
    fn pieces() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("{".to_owned()),
            Just("}".to_owned()),
            Just("|".to_owned()),
            Just("\\".to_owned()),
            Just("{{ first_name }}".to_owned()),
            Just("{{ company | default(\"é team\") }}".to_owned()),
            Just("{% if company %}".to_owned()),
            Just("{% endif %}".to_owned()),
            Just("{{ frist_name }}".to_owned()),
            Just("I'd like to add you to my professional network".to_owned()),
            Just("🚀".to_owned()),
            Just("!!".to_owned()),
            Just("HUGE".to_owned()),
            Just("https://example.com".to_owned()),
            "[a-zé ,.]{0,12}",
        ];
        proptest::collection::vec(piece, 0..12).prop_map(|p| p.concat())
    }

    proptest! {
        #[test]
        fn findings_point_inside_the_source_on_character_boundaries(text in pieces()) {
            let result = lint(&text, TextKind::Invite, Tier::Free);
            prop_assert!(result.score <= 100);
            for f in &result.findings {
                let (a, b) = f.span;
                prop_assert!(a <= b && b <= text.len(), "{:?} in {:?}", f, text);
                prop_assert!(text.is_char_boundary(a) && text.is_char_boundary(b), "{:?} in {:?}", f, text);
            }
        }

        #[test]
        fn lint_never_panics_on_any_text(text in ".{0,80}") {
            let _ = lint(&text, TextKind::Message, Tier::Premium);
        }
    }
}

#[test]
fn booking_a_demo_is_no_reason_to_connect() {
    let found = invite("Hi {{ first_name }}, book a demo with us.");
    assert!(
        found.contains(&"no-reason") && found.contains(&"selling"),
        "{found:?}"
    );
    assert!(
        !invite("Hi {{ first_name }}, I read your book on pricing teams.").contains(&"no-reason")
    );
}
