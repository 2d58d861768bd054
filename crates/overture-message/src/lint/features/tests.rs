use super::*;

fn check(note: &str, expected: NoteFeatures) {
    assert_eq!(
        note_features(note, &["El", "Kalo Labs"]),
        expected,
        "{note}"
    );
}

#[test]
fn each_feature_is_read_with_the_lints_patterns() {
    let none = NoteFeatures::default();
    check("Hello there, glad to connect", none);
    check(
        "Hi El, I'd like to add you to my professional network.",
        NoteFeatures {
            personalised: true,
            generic_opener: true,
            ..none
        },
    );
    check(
        "THANKS, how are things at Kalo Labs?",
        NoteFeatures {
            personalised: true,
            shouting: true,
            ..none
        },
    );
    check(
        "Our platform cuts hiring costs by 30%; ask us for a demo",
        NoteFeatures {
            selling: true,
            ..none
        },
    );
    check(
        "Have a look at https://example.invalid/report",
        NoteFeatures { link: true, ..none },
    );
    check(
        "We were both at the Leeds meetup",
        NoteFeatures {
            common_ground: true,
            ..none
        },
    );
    check(
        "Great to meet you!!",
        NoteFeatures {
            shouting: true,
            ..none
        },
    );
    check(
        "Hi 👋🚀🔥",
        NoteFeatures {
            shouting: true,
            ..none
        },
    );
}

#[test]
fn a_name_counts_only_as_whole_words() {
    check("I feel fine, elsewhere", NoteFeatures::default());
    check(
        "Hi el,",
        NoteFeatures {
            personalised: true,
            ..NoteFeatures::default()
        },
    );
    // A one-letter value is too weak a sign to count.
    assert!(!note_features("A note", &["A"]).personalised);
}

#[test]
fn the_recipients_own_values_are_no_phrases() {
    // A company called "… Group" is no shared group, and one in capitals no shouting.
    let features = note_features("How are things at KALO GROUP?", &["Ana", "Kalo Group"]);
    assert_eq!(
        features,
        NoteFeatures {
            personalised: true,
            ..NoteFeatures::default()
        }
    );
    // Any case, several times, and beside what the sender wrote.
    let features = note_features(
        "Hi Demo, demo's team and DEMO: both at the meetup",
        &["Demo", "Nowhere"],
    );
    assert!(
        features.personalised && features.common_ground,
        "{features:?}"
    );
    assert!(!features.selling && !features.shouting, "{features:?}");
}
