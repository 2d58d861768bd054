//! What the account check reports missing, and how it puts its answers together.

use super::*;

/// A profile that lacks the named parts and has `connections`.
fn lacking(parts: &[&str], connections: u32) -> ProfileCompleteness {
    let has = |part| !parts.contains(&part);
    ProfileCompleteness {
        photo: has("photo"),
        headline: has("headline"),
        about: has("about"),
        experience: has("experience"),
        connections,
    }
}

fn check(parts: &[&str], connections: u32, expected: &[Missing]) {
    let profile = lacking(parts, connections);
    assert_eq!(profile.missing(), expected, "{profile:?}");
    assert_eq!(profile.is_complete(), expected.is_empty());
}

#[test]
fn missing_parts_most_important_first() {
    use Missing::*;
    check(&[], MIN_CONNECTIONS, &[]);
    check(&[], 4_000, &[]);
    check(&["photo"], 4_000, &[Photo]);
    check(&["headline"], 4_000, &[Headline]);
    check(&["about"], 4_000, &[About]);
    check(&["experience"], 4_000, &[Experience]);
    check(&[], MIN_CONNECTIONS - 1, &[Connections { have: 149 }]);
    check(
        &["about", "photo"],
        3,
        &[Photo, About, Connections { have: 3 }],
    );
    let all = ["photo", "headline", "about", "experience"];
    check(
        &all,
        0,
        &[Photo, Headline, Experience, About, Connections { have: 0 }],
    );
}

#[test]
fn each_missing_part_says_what_to_do() {
    assert_eq!(
        Missing::Photo.to_string(),
        "no profile photo: people rarely accept invitations from profiles without one; add a clear photo of your face"
    );
    assert!(
        Missing::Connections { have: 12 }
            .to_string()
            .starts_with("only 12 connections (fewer than 150): ")
    );
}

#[test]
fn missing_parts_serialize_by_name() {
    let json = serde_json::to_value([Missing::About, Missing::Connections { have: 3 }])
        .expect("serializes");
    assert_eq!(
        json,
        serde_json::json!([{"missing": "about"}, {"missing": "connections", "have": 3}])
    );
}

#[test]
fn names_come_from_the_profile_else_from_me() {
    let me = MeRow {
        profile_id: "ACoAAFictionalSelf".to_owned(),
        public_id: "sam-sender".to_owned(),
        first_name: "Sam".to_owned(),
        last_name: "Sender".to_owned(),
        premium: true,
    };
    let own = OwnProfileRow {
        profile_id: "ACoAAFictionalSelf".to_owned(),
        public_id: String::new(),
        first_name: "Samuel".to_owned(),
        last_name: String::new(),
        headline: None,
        photo: true,
        about: false,
        position_groups: 1,
    };
    let check = assemble(me, own, 5_000_000_000, 7);
    assert_eq!(
        (
            check.public_id.as_str(),
            check.first_name.as_str(),
            check.last_name.as_str()
        ),
        ("sam-sender", "Samuel", "Sender")
    );
    assert!(check.premium);
    assert_eq!(check.pending_invitations, 7);
    assert_eq!(check.profile.connections, u32::MAX);
    assert_eq!(check.missing(), [Missing::Headline, Missing::About]);
}
