//! `/api/v1/campaigns`: YAML and JSON definitions, validation, start, pause, stats.

use overture_core::{EventKind, InvitationEvent, NewEvent, Role};
use overture_store::Store;

use crate::api::{call, send, token};
use crate::{WS, invite, lead, now, rig, seat};

const YAML: &str = "name: spring\n\
accounts: [ana]\n\
leads: { list: people }\n\
steps:\n  - visit_profile\n  - invite: { note: \"Hi {{ first_name }}, glad to connect.\" }\n";

const JSON: &str = r#"{
  "name": "autumn",
  "accounts": ["ana"],
  "leads": {"list": "people"},
  "steps": ["visit_profile", {"invite": {"note": "Glad to connect."}}]
}"#;

/// Sends a campaign definition.
async fn post(
    r: &crate::Rig,
    uri: &str,
    token: &str,
    content_type: &str,
    body: &str,
) -> (axum::http::StatusCode, serde_json::Value) {
    send(r, "POST", uri, Some(token), content_type, body).await
}

#[tokio::test]
async fn campaigns_are_stored_from_yaml_or_json_and_bad_ones_name_line_and_column() {
    let r = rig().await;
    r.store.create_account(seat(WS, "ana")).await.unwrap();
    let member = token(&r, WS, Role::Member).await;
    let (status, stored) = post(&r, "/api/v1/campaigns", &member, "application/yaml", YAML).await;
    assert_eq!(status, 201, "{stored}");
    assert_eq!(
        (
            &stored["campaign"]["name"],
            &stored["campaign"]["status"],
            &stored["changed"]
        ),
        (&"spring".into(), &"draft".into(), &true.into())
    );
    let (status, again) = post(&r, "/api/v1/campaigns", &member, "application/yaml", YAML).await;
    assert_eq!(
        (status, &again["changed"]),
        (axum::http::StatusCode::OK, &false.into())
    );
    let (status, json) = post(&r, "/api/v1/campaigns", &member, "application/json", JSON).await;
    assert_eq!(status, 201, "{json}");
    assert_eq!(json["campaign"]["steps"], 2);

    let broken =
        "name: broken\naccounts: [ana, dave]\nleads: { list: people }\nsteps:\n  - visit_profil\n";
    let (status, err) = post(&r, "/api/v1/campaigns", &member, "application/yaml", broken).await;
    assert_eq!(status, 400, "{err}");
    assert!(
        err["error"]
            .as_str()
            .unwrap()
            .contains("nothing was stored"),
        "{err}"
    );
    let at: Vec<(i64, i64)> = err["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["line"].as_i64().unwrap(), p["column"].as_i64().unwrap()))
        .collect();
    assert_eq!(at, [(2, 17), (5, 5)], "{err}");
    let (status, err) = post(
        &r,
        "/api/v1/campaigns",
        &member,
        "application/json",
        "{\"name\": \n}",
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(err["problems"][0]["line"], 2, "{err}");
    let (status, _) = post(&r, "/api/v1/campaigns", &member, "text/plain", YAML).await;
    assert_eq!(status, 415);
    assert_eq!(r.store.list_campaigns(WS).await.unwrap().len(), 2);
}

#[tokio::test]
async fn validate_reports_problems_and_the_texts_without_storing() {
    let r = rig().await;
    r.store.create_account(seat(WS, "ana")).await.unwrap();
    lead(&r.store, "no-name", "no-name@example.com").await;
    let viewer = token(&r, WS, Role::Viewer).await;
    let (status, check) = post(
        &r,
        "/api/v1/campaigns/validate",
        &viewer,
        "application/yaml",
        YAML,
    )
    .await;
    assert_eq!(status, 200, "{check}");
    // The only lead has no first name for `{{ first_name }}`.
    assert_eq!(check["valid"], false);
    assert_eq!(check["name"], "spring");
    assert!(
        check["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("1 lead(s)"),
        "{check}"
    );
    assert_eq!(check["problems"][0]["line"], 6, "{check}");
    let (_, fine) = post(
        &r,
        "/api/v1/campaigns/validate",
        &viewer,
        "application/json",
        JSON,
    )
    .await;
    assert_eq!(
        (&fine["valid"], &fine["steps"]),
        (&true.into(), &2.into()),
        "{fine}"
    );
    for (content_type, body) in [
        ("application/yaml", "{}"),
        ("application/json", "[1]"),
        ("application/yaml", " "),
    ] {
        let uri = "/api/v1/campaigns/validate";
        let (status, err) = post(&r, uri, &viewer, content_type, body).await;
        assert_eq!(status, 400, "{body}: {err}");
    }
    assert!(r.store.list_campaigns(WS).await.unwrap().is_empty());
}

#[tokio::test]
async fn start_pause_and_stats_follow_the_funnel() {
    let r = rig().await;
    let ana = r.store.create_account(seat(WS, "ana")).await.unwrap();
    let person = lead(&r.store, "no-name", "no-name@example.com").await;
    let member = token(&r, WS, Role::Member).await;
    let (_, stored) = post(&r, "/api/v1/campaigns", &member, "application/yaml", YAML).await;
    let id = stored["campaign"]["id"].as_i64().unwrap();

    let start = format!("/api/v1/campaigns/{id}/start");
    let (status, refused) = call(&r, "POST", &start, Some(&member), "").await;
    assert_eq!(status, 409, "{refused}");
    assert!(
        refused["error"]
            .as_str()
            .unwrap()
            .contains("nothing started"),
        "{refused}"
    );
    assert!(!refused["problems"].as_array().unwrap().is_empty());
    let campaign = r
        .store
        .campaign(WS, overture_core::CampaignId::from(id))
        .await
        .unwrap();
    assert_eq!(
        campaign.status,
        overture_core::CampaignStatus::Draft,
        "unchanged"
    );

    let (status, started) = call(
        &r,
        "POST",
        &format!("{start}?allow_problems=true"),
        Some(&member),
        "",
    )
    .await;
    assert_eq!(status, 200, "{started}");
    assert_eq!(
        (&started["campaign"]["status"], &started["enrolled"]),
        (&"active".into(), &1.into())
    );

    let invitation = invite(&r.store, ana.id, person, Some(campaign.id), 0).await;
    r.store
        .transition_invitation(WS, invitation.id, InvitationEvent::Accept, now())
        .await
        .unwrap();
    r.store
        .append_event(NewEvent {
            workspace_id: WS,
            kind: EventKind::ReplyReceived,
            at: now(),
            account_id: Some(ana.id),
            lead_id: Some(person),
            campaign_id: Some(campaign.id),
            data: "{}".into(),
        })
        .await
        .unwrap();
    let viewer = token(&r, WS, Role::Viewer).await;
    let (status, stats) = call(
        &r,
        "GET",
        &format!("/api/v1/campaigns/{id}/stats"),
        Some(&viewer),
        "",
    )
    .await;
    assert_eq!(status, 200, "{stats}");
    assert_eq!(
        stats["funnel"],
        serde_json::json!({"enrolled": 1, "invited": 1, "accepted": 1, "replied": 1})
    );
    assert_eq!(stats["steps"][0]["kind"], "invite", "{stats}");
    assert_eq!(
        stats["steps"][0]["variants"][0]["text"],
        "Hi {{ first_name }}, glad to connect."
    );

    let (status, paused) = call(
        &r,
        "POST",
        &format!("/api/v1/campaigns/{id}/pause"),
        Some(&member),
        "",
    )
    .await;
    assert_eq!(
        (status, &paused["status"]),
        (axum::http::StatusCode::OK, &"paused".into())
    );
}
