//! `/api/v1/invitations` and `/api/v1/events`: filters and cursor pagination, scoped by the
//! token's workspace.

use jiff::SignedDuration;
use overture_core::{EventKind, NewEvent, Role};
use overture_store::{NewInvitation, Store};

use crate::api::{call, token};
use crate::{WS, lead, now, rig, seat};

#[tokio::test]
async fn invitations_are_filtered_by_age_and_paged_by_cursor() {
    let r = rig().await;
    let ana = r.store.create_account(seat(WS, "ana")).await.unwrap();
    for (i, days) in [30i64, 20, 10, 2].into_iter().enumerate() {
        let id = lead(
            &r.store,
            &format!("fictional-{i}"),
            &format!("p{i}@example.org"),
        )
        .await;
        r.store
            .record_invitation(NewInvitation {
                workspace_id: WS,
                account_id: ana.id,
                lead_id: id,
                campaign_id: None,
                external_id: None,
                note: (i % 2 == 0).then(|| "Hello".to_owned()),
                sent_at: now() - SignedDuration::from_hours(24 * days),
            })
            .await
            .unwrap();
    }
    let t = token(&r, WS, Role::Viewer).await;
    let (status, first) = call(
        &r,
        "GET",
        "/api/v1/invitations?state=pending&limit=2",
        Some(&t),
        "",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    assert_eq!(first["items"][0]["age_days"], 30);
    let next = first["next"].as_i64().expect("a next page");
    let (_, second) = call(
        &r,
        "GET",
        &format!("/api/v1/invitations?limit=2&after={next}"),
        Some(&t),
        "",
    )
    .await;
    let ages: Vec<i64> = second["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["age_days"].as_i64().unwrap())
        .collect();
    assert_eq!(ages, [10, 2]);
    assert!(second.get("next").is_none(), "the last page: {second}");
    let (_, stale) = call(
        &r,
        "GET",
        "/api/v1/invitations?older_than_days=14",
        Some(&t),
        "",
    )
    .await;
    assert_eq!(stale["items"].as_array().unwrap().len(), 2, "{stale}");
    let (status, err) = call(&r, "GET", "/api/v1/invitations?state=lost", Some(&t), "").await;
    assert_eq!(status, 400);
    assert!(err["error"].as_str().unwrap().contains("state"), "{err}");
    // Another workspace sees none of them.
    let other = r.store.create_workspace("other client").await.unwrap().id;
    let outsider = token(&r, other, Role::Owner).await;
    let (_, theirs) = call(&r, "GET", "/api/v1/invitations", Some(&outsider), "").await;
    assert_eq!(theirs["items"], serde_json::json!([]));
}

#[tokio::test]
async fn events_follow_the_feed_by_id_and_kind() {
    let r = rig().await;
    for kind in [
        EventKind::InviteSent,
        EventKind::InviteAccepted,
        EventKind::ReplyReceived,
    ] {
        let event = NewEvent {
            workspace_id: WS,
            kind,
            at: now(),
            account_id: None,
            lead_id: None,
            campaign_id: None,
            data: r#"{"n":1}"#.into(),
        };
        r.store.append_event(event).await.unwrap();
    }
    let t = token(&r, WS, Role::Viewer).await;
    let (_, all) = call(&r, "GET", "/api/v1/events", Some(&t), "").await;
    let kinds: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["invite_sent", "invite_accepted", "reply_received"]);
    assert_eq!(all["items"][0]["data"]["n"], 1);
    let first = all["items"][0]["id"].as_i64().unwrap();
    let (_, after) = call(
        &r,
        "GET",
        &format!("/api/v1/events?after={first}&kind=reply_received"),
        Some(&t),
        "",
    )
    .await;
    assert_eq!(after["items"].as_array().unwrap().len(), 1);
    assert_eq!(after["items"][0]["kind"], "reply_received");
}
