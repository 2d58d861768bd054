//! Withdrawing invitations through the governor.

use overture_core::{ActionKind, ActionState, InvitationEvent, Role};
use overture_store::{ActionQuery, Store};

use crate::api::{call, token};
use crate::{WS, invite, lead, now, rig, seat};

#[tokio::test]
async fn withdrawals_are_queued_once_inside_the_policy_and_the_limits() {
    let r = rig().await;
    let ana = r.store.create_account(seat(WS, "ana")).await.unwrap();
    let mut ids = Vec::new();
    for (i, days) in [30i64, 25, 20, 1].into_iter().enumerate() {
        let person = lead(&r.store, &format!("w-{i}"), &format!("w{i}@example.com")).await;
        let invitation = invite(&r.store, ana.id, person, None, days).await;
        ids.push(invitation.id.get());
    }
    r.store
        .transition_invitation(WS, ids[2].into(), InvitationEvent::Accept, now())
        .await
        .unwrap();
    let member = token(&r, WS, Role::Member).await;
    let viewer = token(&r, WS, Role::Viewer).await;
    let one = format!("/api/v1/invitations/{}/withdraw", ids[0]);
    assert_eq!(call(&r, "POST", &one, Some(&viewer), "").await.0, 403);
    let (status, first) = call(&r, "POST", &one, Some(&member), "").await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["queued"], serde_json::json!([ids[0]]));

    let body = serde_json::json!({ "ids": ids }).to_string();
    let (status, many) = call(
        &r,
        "POST",
        "/api/v1/invitations/withdraw",
        Some(&member),
        &body,
    )
    .await;
    assert_eq!(status, 200, "{many}");
    assert_eq!(many["queued"], serde_json::json!([ids[1]]), "{many}");
    assert_eq!(many["already_queued"], serde_json::json!([ids[0]]));
    assert_eq!(many["not_pending"], serde_json::json!([ids[2]]));
    assert_eq!(
        many["kept_by_policy"],
        serde_json::json!([ids[3]]),
        "younger than min_age"
    );

    let queued = r
        .store
        .list_actions(
            WS,
            ActionQuery {
                state: Some(ActionState::Queued),
                account: Some(ana.id),
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(queued.len(), 2);
    assert!(
        queued
            .iter()
            .all(|a| a.kind == ActionKind::Withdraw && a.due_at >= now())
    );

    let (status, _) = call(
        &r,
        "POST",
        "/api/v1/invitations/withdraw",
        Some(&member),
        r#"{"ids":[]}"#,
    )
    .await;
    assert_eq!(status, 400);
    let unknown = serde_json::json!({ "ids": [ids[1], 9999] }).to_string();
    let (status, _) = call(
        &r,
        "POST",
        "/api/v1/invitations/withdraw",
        Some(&member),
        &unknown,
    )
    .await;
    assert_eq!(status, 404, "one unknown id queues nothing");
}
