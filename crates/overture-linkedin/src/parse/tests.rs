//! Every reader against fixtures in both shapes.

use jiff::Timestamp;
use overture_channel::Degree;
use serde_json::Value;

use super::*;

macro_rules! fixture {
    ($name:literal) => {
        serde_json::from_str::<Value>(include_str!(concat!("../../tests/fixtures/", $name)))
            .expect("fixture is JSON")
    };
}

fn ms(millis: i64) -> Timestamp {
    Timestamp::from_millisecond(millis).expect("valid")
}

#[test]
fn profile_normalized_with_a_pending_invitation() {
    let row = profile(&fixture!("profile_normalized.json"), "ada-fictional").expect("parses");
    assert_eq!(
        row,
        ProfileRow {
            profile_id: "ACoAAFictional0001".to_owned(),
            public_id: "ada-fictional".to_owned(),
            first_name: "Ada".to_owned(),
            last_name: "Fictional".to_owned(),
            headline: Some("Head of Platform at Example Widgets".to_owned()),
            degree: Degree::Second,
            invitation_pending: true,
        }
    );
}

#[test]
fn profile_plain_first_degree() {
    let row = profile(&fixture!("profile_plain.json"), "bo-example").expect("parses");
    assert_eq!(row.profile_id, "ACoAAFictional0002");
    assert_eq!(row.degree, Degree::First);
    assert!(!row.invitation_pending);
    assert_eq!(
        (row.first_name.as_str(), row.last_name.as_str()),
        ("Bo", "Example")
    );
}

#[test]
fn profile_distances() {
    for (distance, degree) in [
        ("DISTANCE_2", Degree::Second),
        ("DISTANCE_3", Degree::Third),
        ("OUT_OF_NETWORK", Degree::OutOfNetwork),
    ] {
        let body = serde_json::json!({"elements": [{
            "entityUrn": "urn:li:fsd_profile:ACoAAX", "publicIdentifier": "x",
            "memberRelationship": {"memberRelationshipUnion": {"noConnection": {"memberDistance": distance}}}
        }]});
        assert_eq!(profile(&body, "x").expect("parses").degree, degree);
    }
}

#[test]
fn profile_without_relationship_is_drift() {
    let body = serde_json::json!({"elements": [{"entityUrn": "urn:li:fsd_profile:ACoAAX"}]});
    assert_eq!(
        profile(&body, "x").expect_err("drift").problem,
        "no memberRelationship"
    );
    assert!(profile(&serde_json::json!({"elements": []}), "x").is_err());
}

#[test]
fn invitation_id_from_the_answer() {
    assert_eq!(
        invitation_id(&fixture!("invite_answer.json")).expect("id"),
        "7300000000000000042"
    );
    assert!(invitation_id(&serde_json::json!({"data": {}})).is_err());
}

fn expected_sent() -> SentPage {
    SentPage {
        rows: vec![
            SentRow {
                invitation_id: "7300000000000000012".to_owned(),
                sent_at: ms(1_767_312_000_000),
                public_id: "dev-placeholder".to_owned(),
                profile_id: Some("ACoAAFictional0012".to_owned()),
                with_note: true,
                shared_secret: Some("fictSecretB".to_owned()),
            },
            SentRow {
                invitation_id: "7300000000000000011".to_owned(),
                sent_at: ms(1_767_225_600_000),
                public_id: "cleo-sample".to_owned(),
                profile_id: Some("ACoAAFictional0011".to_owned()),
                with_note: false,
                shared_secret: Some("fictSecretA".to_owned()),
            },
        ],
        total: Some(2),
    }
}

#[test]
fn sent_invitations_plain_shape() {
    assert_eq!(
        sent_invitations(&fixture!("sent_plain.json")).expect("parses"),
        expected_sent()
    );
}

#[test]
fn sent_invitations_normalized_shape() {
    assert_eq!(
        sent_invitations(&fixture!("sent_normalized.json")).expect("parses"),
        expected_sent()
    );
}

#[test]
fn sent_invitations_normalized_without_views() {
    // Some answers list the invitations only in `included`.
    let mut doc = fixture!("sent_normalized.json");
    doc["data"]["*elements"] = serde_json::json!([]);
    assert_eq!(
        sent_invitations(&doc).expect("parses").rows,
        expected_sent().rows
    );
}

#[test]
fn sent_invitations_empty_and_broken() {
    let empty = sent_invitations(&serde_json::json!({"elements": [], "paging": {"total": 0}}))
        .expect("parses");
    assert_eq!(
        empty,
        SentPage {
            rows: vec![],
            total: Some(0)
        }
    );
    let broken = serde_json::json!({"elements": [{"entityUrn": "urn:li:fs_relInvitation:1"}]});
    assert!(sent_invitations(&broken).is_err());
}

#[test]
fn sent_count_reads_the_summary() {
    assert_eq!(
        sent_count(&fixture!("sent_count.json")).expect("count"),
        137
    );
    assert_eq!(
        sent_count(&serde_json::json!({"numTotalSentInvitations": 3})).expect("count"),
        3
    );
}

#[test]
fn batch_status_by_urn() {
    let doc = fixture!("withdraw_batch.json");
    assert_eq!(
        batch_status(&doc, "urn:li:fs_relInvitation:7300000000000000011").expect("status"),
        200
    );
    assert!(batch_status(&doc, "urn:li:fs_relInvitation:1").is_err());
}

#[test]
fn connections_both_shapes() {
    let expected = vec![
        ConnectionRow {
            public_id: "eve-invented".to_owned(),
            profile_id: "ACoAAFictional0021".to_owned(),
            connected_at: ms(1_767_398_400_000),
        },
        ConnectionRow {
            public_id: "finn-madeup".to_owned(),
            profile_id: "ACoAAFictional0022".to_owned(),
            connected_at: ms(1_767_312_000_000),
        },
    ];
    assert_eq!(
        connections(&fixture!("connections_plain.json")).expect("parses"),
        expected
    );
    assert_eq!(
        connections(&fixture!("connections_normalized.json")).expect("parses"),
        expected
    );
}

#[test]
fn me_normalized() {
    assert_eq!(
        me(&fixture!("me_normalized.json")).expect("parses"),
        MeRow {
            profile_id: "ACoAAFictionalSelf".to_owned(),
            public_id: "sam-sender".to_owned(),
            first_name: "Sam".to_owned(),
            last_name: "Sender".to_owned(),
            premium: true,
        }
    );
    let plain = serde_json::json!({"miniProfile": {"entityUrn": "urn:li:fs_miniProfile:ACoAAP", "publicIdentifier": "p"}});
    let row = me(&plain).expect("parses");
    assert_eq!((row.profile_id.as_str(), row.premium), ("ACoAAP", false));
}

#[test]
fn message_answer() {
    let row = message(&fixture!("message_answer.json")).expect("parses");
    assert!(row.message_id.starts_with("urn:li:msg_message:"));
    assert_eq!(row.delivered_at, Some(ms(1_767_484_800_000)));
    assert!(
        row.conversation_urn
            .is_some_and(|u| u.starts_with("urn:li:msg_conversation:"))
    );
}

#[test]
fn conversations_plain() {
    let page = conversations(&fixture!("conversations_plain.json")).expect("parses");
    assert_eq!(page.conversations, 2);
    assert_eq!(page.oldest_activity, Some(ms(1_767_484_800_000)));
    assert_eq!(
        page.events[0],
        EventRow {
            from_public_id: "eve-invented".to_owned(),
            text: "Thanks Sam, happy to talk next week.".to_owned(),
            sent_at: ms(1_767_571_200_000),
            origin_token: None,
            participants: vec![],
        }
    );
    let own = &page.events[1];
    assert_eq!(own.from_public_id, "sam-sender");
    assert_eq!(
        own.origin_token.as_deref(),
        Some("0b6a4c1e-3f4e-5d8a-9c3b-2a1f0e9d8c7b")
    );
    assert_eq!(own.participants, ["finn-imagined"]);
}

#[test]
fn urn_ids() {
    assert_eq!(urn_id("urn:li:fsd_profile:ACoAA1"), "ACoAA1");
    assert_eq!(urn_id("plain"), "plain");
}

#[test]
fn own_profile_normalized_complete() {
    assert_eq!(
        own_profile(&fixture!("own_profile_normalized.json"), "sam-sender").expect("parses"),
        OwnProfileRow {
            profile_id: "ACoAAFictionalSelf".to_owned(),
            public_id: "sam-sender".to_owned(),
            first_name: "Sam".to_owned(),
            last_name: "Sender".to_owned(),
            headline: Some("Partnerships at Example Widgets".to_owned()),
            photo: true,
            about: true,
            position_groups: 2,
        }
    );
}

#[test]
fn own_profile_plain_incomplete() {
    // The headline only in its localized form; a blank summary, a picture without an image
    // and an empty experience section count as missing.
    let row = own_profile(&fixture!("own_profile_plain.json"), "nia-newcomer").expect("parses");
    assert_eq!(
        row.headline.as_deref(),
        Some("Junior Analyst at Placeholder Partners")
    );
    assert_eq!(
        (row.photo, row.about, row.position_groups),
        (false, false, 0)
    );
}

#[test]
fn own_profile_by_profile_id_and_without_sections() {
    let body = serde_json::json!({"elements": [
        {"entityUrn": "urn:li:fsd_profile:ACoAAOther", "publicIdentifier": "someone-else"},
        {"entityUrn": "urn:li:fsd_profile:ACoAAMine", "publicIdentifier": "me-myself",
         "profilePositionGroups": [{"entityUrn": "urn:li:fsd_profilePositionGroup:(ACoAAMine,1)"}]}
    ]});
    let row = own_profile(&body, "ACoAAMine").expect("parses");
    assert_eq!(
        (row.public_id.as_str(), row.position_groups),
        ("me-myself", 1)
    );
    let bare = own_profile(&body, "someone-else").expect("parses");
    assert_eq!(
        (bare.headline, bare.photo, bare.about, bare.position_groups),
        (None, false, false, 0)
    );
    assert!(own_profile(&serde_json::json!({"elements": []}), "x").is_err());
}

#[test]
fn connection_count_reads_the_summary_in_both_shapes() {
    let count = |doc: Value| connection_count(&doc).ok();
    assert_eq!(count(fixture!("connections_summary.json")), Some(412));
    assert_eq!(count(serde_json::json!({"numConnections": 7})), Some(7));
    assert_eq!(count(serde_json::json!({"data": {}})), None);
}
