//! `POST /api/v1/accounts` and `GET /api/v1/accounts/{id}/health`.

use overture_core::{AccountStatus, Role};
use overture_store::Store;

use crate::api::{call, token};
use crate::{WS, invite, lead, rig, seat};

#[tokio::test]
async fn admins_add_sandbox_accounts_active_and_linkedin_ones_waiting_for_credentials() {
    let r = rig().await;
    let admin = token(&r, WS, Role::Admin).await;
    let body = r#"{"name":"ana","kind":"sandbox","tier":"premium","time_zone":"Europe/Berlin"}"#;
    let (status, ana) = call(&r, "POST", "/api/v1/accounts", Some(&admin), body).await;
    assert_eq!(status, 201, "{ana}");
    assert_eq!(
        (&ana["status"], &ana["tier"], &ana["time_zone"]),
        (
            &serde_json::json!("active"),
            &serde_json::json!("premium"),
            &serde_json::json!("Europe/Berlin")
        )
    );
    assert!(ana.get("next_step").is_none(), "{ana}");

    let (status, ben) = call(
        &r,
        "POST",
        "/api/v1/accounts",
        Some(&admin),
        r#"{"name":"ben","kind":"linkedin"}"#,
    )
    .await;
    assert_eq!(status, 201, "{ben}");
    assert_eq!(ben["status"], "needs_credentials");
    assert_eq!(ben["time_zone"], "UTC");
    let next = ben["next_step"].as_str().unwrap();
    assert!(
        next.contains("overture account set ben --cookies-file"),
        "{next}"
    );
    let stored = r.store.account_by_name(WS, "ben").await.unwrap();
    assert_eq!(stored.status, AccountStatus::NeedsCredentials);

    // Bad input is a 400 naming the field, and a taken name a 409; nothing is added.
    for (body, field) in [
        (r#"{"name":"a b","kind":"sandbox"}"#, "name"),
        (r#"{"name":"cy","kind":"fax"}"#, "kind"),
        (r#"{"name":"cy","kind":"sandbox","tier":"gold"}"#, "tier"),
        (
            r#"{"name":"cy","kind":"sandbox","time_zone":"Mars/Olympus"}"#,
            "time_zone",
        ),
    ] {
        let (status, err) = call(&r, "POST", "/api/v1/accounts", Some(&admin), body).await;
        assert_eq!(status, 400, "{body}");
        assert!(err["error"].as_str().unwrap().starts_with(field), "{err}");
    }
    let (status, err) = call(
        &r,
        "POST",
        "/api/v1/accounts",
        Some(&admin),
        r#"{"name":"ana","kind":"sandbox"}"#,
    )
    .await;
    assert_eq!(status, 409);
    assert!(err["error"].as_str().unwrap().contains("ana"), "{err}");
    assert_eq!(r.store.list_accounts(WS).await.unwrap().len(), 2);
}

#[tokio::test]
async fn health_shows_pending_against_the_cap_and_the_week_s_budget() {
    let r = rig().await;
    let ana = r.store.create_account(seat(WS, "ana")).await.unwrap();
    for i in 0..3 {
        let id = lead(
            &r.store,
            &format!("health-{i}"),
            &format!("h{i}@example.com"),
        )
        .await;
        invite(&r.store, ana.id, id, None, 0).await;
    }
    let paused = AccountStatus::Paused {
        reason: "holiday".into(),
    };
    r.store
        .set_account_status(WS, ana.id, paused)
        .await
        .unwrap();
    let viewer = token(&r, WS, Role::Viewer).await;
    let uri = format!("/api/v1/accounts/{}/health", ana.id);
    let (status, health) = call(&r, "GET", &uri, Some(&viewer), "").await;
    assert_eq!(status, 200, "{health}");
    assert_eq!(health["pending"], 3);
    assert_eq!(health["status"], "paused");
    assert_eq!(health["reason"], "holiday");
    assert_eq!(health["pending_cap"], ana.governor.max_pending);
    let week = ana.limits.kinds[&overture_core::ActionKind::Invite].per_week;
    assert_eq!(health["invite_week_cap"], week);
    // Invitations recorded without an action are not in the limits' history.
    assert_eq!(health["invites_7d"], 0);
}
