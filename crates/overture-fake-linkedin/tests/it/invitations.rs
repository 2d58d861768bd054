//! Profiles, invitations, the sent list, counts, withdrawals and the limits.

use overture_fake_linkedin::{Account, Limits, Member, Tier, World, paths};
use serde_json::json;

use crate::client::{Client, SHAPES, elements, invitation_id, start, start_world};

#[tokio::test]
async fn profile_lookup_gives_id_name_headline_and_degree_in_both_shapes() {
    for shape in SHAPES {
        let (fake, _) = start(shape).await;
        let ada = Client::new(&fake, "ada");
        let rows = elements(&ada.profile("ines-haldane").await.json());
        assert_eq!(rows.len(), 1, "{shape:?}");
        let p = &rows[0];
        assert_eq!(
            p["entityUrn"],
            format!(
                "urn:li:fsd_profile:{}",
                overture_fake_linkedin::profile_id_for("ines-haldane")
            )
        );
        assert_eq!(
            (p["firstName"].as_str(), p["headline"].as_str()),
            (Some("Ines"), Some("VP Sales at Copperline"))
        );
        assert_eq!(
            p["memberRelationship"]["memberRelationship"]["noConnection"]["memberDistance"],
            "DISTANCE_3"
        );
        let first = elements(&ada.profile("priya-lowden").await.json());
        assert!(first[0]["memberRelationship"]["memberRelationship"]["connection"].is_object());
        assert_eq!(ada.profile("nobody-here").await.status, 404);
        let stale = ada
            .get(&format!(
                "{}?q=memberIdentity&memberIdentity=tomas-veller&decorationId=old-90",
                paths::PROFILES
            ))
            .await;
        assert_eq!(stale.status, 400);
    }
}

#[tokio::test]
async fn invitations_are_listed_paged_counted_and_withdrawn_in_both_shapes() {
    for shape in SHAPES {
        let (fake, clock) = start(shape).await;
        let ada = Client::new(&fake, "ada");
        let slugs = [
            "grace-okonkwo-x1",
            "tomas-veller",
            "kofi-arden",
            "marco-fenwick",
            "noor-castell",
        ];
        let mut ids = Vec::new();
        for slug in slugs {
            let reply = ada
                .invite_slug(slug, Some("Hello from a fictional founder"))
                .await;
            assert_eq!(reply.status, 200, "{shape:?} {}", reply.text);
            ids.push(invitation_id(&reply.json()));
            clock.advance(jiff::SignedDuration::from_mins(5));
        }
        let first = elements(&ada.sent(0, 3).await.json());
        let second = elements(&ada.sent(3, 3).await.json());
        assert_eq!((first.len(), second.len()), (3, 2));
        // Newest first; the numeric id is shared by both urn kinds.
        assert_eq!(
            first[0]["entityUrn"],
            format!("urn:li:fs_relInvitation:{}", ids[4])
        );
        assert_eq!(first[0]["toMember"]["publicIdentifier"], "noor-castell");
        assert!(first[0]["sentTime"].is_i64() && first[0]["sharedSecret"].is_string());
        assert_eq!(ada.sent(0, 101).await.status, 400);

        let count = ada
            .get(&format!(
                "{}?types=List(SENT_INVITATION_COUNT)",
                paths::INVITATIONS_SUMMARY
            ))
            .await
            .json();
        let total = count.get("data").unwrap_or(&count)["numTotalSentInvitations"].clone();
        assert_eq!(total, 5);

        assert_eq!(ada.withdraw(ids[0]).await.status, 200);
        assert_eq!(ada.withdraw(ids[0]).await.status, 404, "only pending ones");
        let batch = ada
            .post(
                &format!("{}?action=closeInvitations", paths::CLOSE_INVITATIONS),
                json!({"inviteActionType": "ACTOR_WITHDRAW", "inviteActionData": [
                    {"entityUrn": format!("urn:li:fs_relInvitation:{}", ids[1]), "genericInvitation": false, "genericInvitationType": "CONNECTION"},
                    {"entityUrn": "urn:li:fs_relInvitation:1", "genericInvitation": false, "genericInvitationType": "CONNECTION"}]}),
            )
            .await
            .json();
        let value = batch.get("data").unwrap_or(&batch)["value"].clone();
        assert_eq!(
            value["statusCodeMap"][format!("urn:li:fs_relInvitation:{}", ids[1])],
            200
        );
        assert_eq!(value["statusCodeMap"]["urn:li:fs_relInvitation:1"], 404);
        assert_eq!(elements(&ada.sent(0, 100).await.json()).len(), 3);
        assert_eq!(fake.log().withdrawals(), vec![ids[0], ids[1]]);
    }
}

#[tokio::test]
async fn reinvite_is_refused_while_pending_and_for_the_cooldown_after_a_withdrawal() {
    let (fake, clock) = start(Default::default()).await;
    let ada = Client::new(&fake, "ada");
    let id = invitation_id(&ada.invite_slug("kofi-arden", None).await.json());
    assert_eq!(
        ada.invite_slug("kofi-arden", None).await.code(),
        "CANT_RESEND_YET"
    );
    ada.withdraw(id).await;
    clock.advance(jiff::SignedDuration::from_hours(20 * 24));
    let refused = ada.invite_slug("kofi-arden", None).await;
    assert_eq!(
        (refused.status, refused.code()),
        (400, json!("CANT_RESEND_YET"))
    );
    clock.advance(jiff::SignedDuration::from_hours(24));
    assert_eq!(ada.invite_slug("kofi-arden", None).await.status, 200);
    assert_eq!(fake.log().invitations_sent()["kofi-arden"], 2);
    assert_eq!(
        ada.invite_slug("priya-lowden", None).await.code(),
        "ALREADY_CONNECTED"
    );
}

fn crowd(n: usize, tier: Tier) -> World {
    let me = Member::new("cara-senderly", "Cara", "Senderly", "Founder at Fictive");
    let mut world = World::new().account(Account::new("cara", me, tier));
    for i in 0..n {
        world = world.member(Member::new(
            &format!("member-{i}"),
            "Test",
            &format!("Member{i}"),
            "Fictional",
        ));
    }
    world
}

#[tokio::test]
async fn the_weekly_cap_rolls_over_seven_days() {
    let mut world = crowd(4, Tier::Free);
    world.limits = Limits {
        weekly_invitations_free: 3,
        ..Limits::default()
    };
    let (fake, clock) = start_world(world, Default::default()).await;
    let cara = Client::new(&fake, "cara");
    for i in 0..3 {
        assert_eq!(
            cara.invite_slug(&format!("member-{i}"), None).await.status,
            200
        );
    }
    let capped = cara.invite_slug("member-3", None).await;
    assert_eq!(
        (capped.status, capped.code()),
        (400, json!("CANT_INVITE_CONNECTION_LIMIT_REACHED"))
    );
    clock.advance(jiff::SignedDuration::from_hours(7 * 24));
    assert_eq!(cara.invite_slug("member-3", None).await.status, 200);
}

#[tokio::test]
async fn free_accounts_have_a_note_quota_and_shorter_notes() {
    let (fake, _) = start_world(crowd(8, Tier::Free), Default::default()).await;
    let cara = Client::new(&fake, "cara");
    let long = "x".repeat(201);
    assert_eq!(
        cara.invite_slug("member-0", Some(&long)).await.code(),
        "INVALID_CUSTOM_MESSAGE_LENGTH"
    );
    assert_eq!(
        cara.invite_slug("member-0", Some(&long[..200]))
            .await
            .status,
        200
    );
    for i in 1..5 {
        assert_eq!(
            cara.invite_slug(&format!("member-{i}"), Some("Hi"))
                .await
                .status,
            200
        );
    }
    let over = cara.invite_slug("member-5", Some("Hi")).await;
    assert_eq!(
        (over.status, over.code()),
        (429, json!("CUSTOM_INVITE_LIMIT_REACHED"))
    );
    assert_eq!(
        cara.invite_slug("member-5", None).await.status,
        200,
        "without a note it still works"
    );
}

#[tokio::test]
async fn premium_notes_go_up_to_300_characters() {
    let (fake, _) = start_world(crowd(2, Tier::Premium), Default::default()).await;
    let cara = Client::new(&fake, "cara");
    assert_eq!(
        cara.invite_slug("member-0", Some(&"é".repeat(300)))
            .await
            .status,
        200
    );
    assert_eq!(
        cara.invite_slug("member-1", Some(&"é".repeat(301)))
            .await
            .status,
        400
    );
}

#[tokio::test]
async fn an_unconfirmed_email_blocks_invitations() {
    let mut world = crowd(1, Tier::Premium);
    world.accounts[0].email_confirmed = false;
    let (fake, _) = start_world(world, Default::default()).await;
    let reply = Client::new(&fake, "cara")
        .invite_slug("member-0", None)
        .await;
    assert_eq!(
        (reply.status, reply.code()),
        (400, json!("PRIMARY_HANDLE_NOT_CONFIRMED"))
    );
    assert!(fake.log().invitations_sent().is_empty());
}

#[tokio::test]
async fn the_retired_invitation_endpoint_answers_301() {
    let (fake, _) = start(Default::default()).await;
    let reply = Client::new(&fake, "ada")
        .post(paths::OLD_INVITATIONS, json!({}))
        .await;
    assert_eq!(reply.status, 301);
}
