//! The HTTP service in process, on a real SQLite file: health, metrics, the one-click
//! unsubscribe and the OpenAPI document.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt as _;
use jiff::Timestamp;
use overture_clock::ManualClock;
use overture_core::account::Zone;
use overture_core::limits::AccountLimits;
use overture_core::working_hours::WorkingHours;
use overture_core::{
    AccountKind, AccountStatus, ActionKind, NewAccount, NewLead, ProfileUrl, SuppressionKind, Tier,
    WorkspaceId,
};
use overture_server::{AppState, ServerConfig, WebState, router};
use overture_store::{NewAction, Store};
use overture_store_sqlite::{SqliteOptions, SqliteStore};
use tower::ServiceExt as _;

mod accounts;
mod api;
mod campaigns;
mod leads;
mod lists;
mod matrix;
mod web;
mod webhooks;
mod withdraw;

pub(crate) const WS: WorkspaceId = WorkspaceId::DEFAULT;

pub(crate) fn now() -> Timestamp {
    "2026-03-02T09:00:00Z".parse().unwrap()
}

pub(crate) struct Rig {
    _dir: tempfile::TempDir,
    pub(crate) store: SqliteStore,
    pub(crate) app: axum::Router,
    pub(crate) clock: ManualClock,
}

pub(crate) async fn rig() -> Rig {
    rig_with(ServerConfig::default()).await
}

/// A rig whose server has a master key, so that webhooks can be added.
pub(crate) async fn rig_with_key() -> Rig {
    let key = overture_secrets::MasterKey::parse(&"ab".repeat(32)).unwrap();
    rig_with(ServerConfig {
        master_key: Some(Arc::new(key)),
        ..ServerConfig::default()
    })
    .await
}

pub(crate) async fn rig_with(config: ServerConfig) -> Rig {
    rig_with_web(config, WebState::default()).await
}

/// A rig whose dashboard has these settings.
pub(crate) async fn rig_with_web(config: ServerConfig, web: WebState) -> Rig {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("o.db"), SqliteOptions::default())
        .await
        .unwrap();
    let clock = ManualClock::new(now());
    let mut state = AppState::new(Arc::new(store.clone()), Arc::new(clock.clone()));
    state.config = config;
    state.web = web;
    Rig {
        _dir: dir,
        store,
        app: router(state),
        clock,
    }
}

async fn call(app: &axum::Router, method: &str, uri: &str, body: &str) -> (StatusCode, String) {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// A sandbox seat named `name` in `ws`.
pub(crate) fn seat(ws: WorkspaceId, name: &str) -> NewAccount {
    NewAccount {
        workspace_id: ws,
        name: name.into(),
        kind: AccountKind::Sandbox,
        tier: Tier::Free,
        time_zone: Zone::utc(),
        working_hours: WorkingHours::default(),
        limits: AccountLimits::for_tier(Tier::Free),
        governor: Default::default(),
        sender: Default::default(),
        status: AccountStatus::Active,
        created_at: now(),
    }
}

pub(crate) async fn lead(store: &SqliteStore, slug: &str, email: &str) -> overture_core::LeadId {
    let url = ProfileUrl::parse(&format!("https://www.linkedin.com/in/{slug}/")).unwrap();
    let mut new = NewLead::new(url.clone());
    new.email = Some(email.to_owned());
    store
        .import_leads(WS, "people", &[new], now(), &|_| {})
        .await
        .unwrap();
    store.lead_by_url(WS, &url).await.unwrap().unwrap().id
}

/// A pending invitation from `account` to `lead`, sent `days` days before [`now`].
pub(crate) async fn invite(
    store: &SqliteStore,
    account: overture_core::AccountId,
    lead: overture_core::LeadId,
    campaign: Option<overture_core::CampaignId>,
    days: i64,
) -> overture_core::Invitation {
    store
        .record_invitation(overture_store::NewInvitation {
            workspace_id: WS,
            account_id: account,
            lead_id: lead,
            campaign_id: campaign,
            external_id: None,
            note: None,
            sent_at: now() - jiff::SignedDuration::from_hours(24 * days),
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn health_answers_ok() {
    let r = rig().await;
    let (status, body) = call(&r.app, "GET", "/healthz", "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, r#"{"status":"ok"}"#);
}

#[tokio::test]
async fn one_click_unsubscribes_and_a_preview_of_the_link_does_not() {
    let r = rig().await;
    let id = lead(&r.store, "fictional-reader", "reader@example.org").await;
    let token = r.store.unsubscribe_token(WS, id, now()).await.unwrap();
    let uri = format!("/u/{token}");

    // A mail client opening the link only gets the confirmation page.
    let (status, page) = call(&r.app, "GET", &uri, "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<form method=\"post\""), "{page}");
    assert_eq!(r.store.lead_suppression(WS, id).await.unwrap(), None);

    let (status, _) = call(&r.app, "POST", &uri, "List-Unsubscribe=One-Click").await;
    assert_eq!(status, StatusCode::OK);
    let entries = r.store.list_suppressions(WS).await.unwrap();
    let kinds: Vec<SuppressionKind> = entries.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [SuppressionKind::Address, SuppressionKind::Profile]);
    assert!(entries.iter().all(|e| e.reason == "unsubscribed"));

    // Twice is harmless; an unknown or malformed token changes nothing.
    assert_eq!(call(&r.app, "POST", &uri, "").await.0, StatusCode::OK);
    let unknown = format!("/u/{}", "0".repeat(32));
    assert_eq!(
        call(&r.app, "POST", &unknown, "").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&r.app, "POST", "/u/x'or'1", "").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(r.store.list_suppressions(WS).await.unwrap().len(), 2);
}

#[tokio::test]
async fn metrics_count_actions_pending_invitations_and_the_queue_lag() {
    let r = rig().await;
    let account = r.store.create_account(seat(WS, "ana")).await.unwrap();
    let id = lead(&r.store, "fictional-visitor", "visitor@example.org").await;
    let due: Timestamp = "2026-03-02T08:59:00Z".parse().unwrap();
    r.store
        .enqueue_actions(&[NewAction {
            workspace_id: WS,
            account_id: account.id,
            lead_id: Some(id),
            campaign_id: None,
            enrollment_id: None,
            kind: ActionKind::Visit,
            payload: "{}".into(),
            due_at: due,
            idempotency_key: "visit-1".into(),
            variant: None,
        }])
        .await
        .unwrap();
    let (status, text) = call(&r.app, "GET", "/metrics", "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        text.contains(
            r#"overture_actions{workspace="default",account="ana",kind="visit",state="queued"} 1"#
        ),
        "{text}"
    );
    assert!(
        text.contains(r#"overture_pending_invitations{workspace="default",account="ana"} 0"#),
        "{text}"
    );
    assert!(text.contains("overture_queue_lag_seconds 60"), "{text}");
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let r = rig().await;
    let (status, body) = call(&r.app, "GET", "/api/v1/openapi.json", "").await;
    assert_eq!(status, StatusCode::OK);
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for path in ["/healthz", "/metrics", "/u/{token}"] {
        assert!(paths.contains_key(path), "{path} missing: {body}");
    }
    assert!(paths["/u/{token}"]["post"].is_object());
    assert_eq!(
        doc,
        serde_json::to_value(overture_server::openapi()).unwrap()
    );
}
