//! `/api/v1` with API tokens: 401 without a valid one, roles checked, and another workspace's
//! objects answer 404 whatever the role.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt as _;
use overture_auth::ApiToken;
use overture_core::{Role, WorkspaceId};
use overture_store::UserStore as _;
use overture_store::{NewApiToken, Store};
use tower::ServiceExt as _;

use crate::{Rig, WS, now, rig, seat};

pub(crate) async fn token(r: &Rig, ws: WorkspaceId, role: Role) -> String {
    let token = ApiToken::generate();
    r.store
        .create_api_token(NewApiToken {
            workspace_id: ws,
            name: format!("{role} token"),
            prefix: token.prefix().to_owned(),
            hash: token.hash().as_str().to_owned(),
            role,
            created_by: None,
            created_at: now(),
        })
        .await
        .unwrap();
    token.secret().expose().to_owned()
}

pub(crate) async fn call(
    r: &Rig,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: &str,
) -> (StatusCode, serde_json::Value) {
    send(r, method, uri, token, "application/json", body).await
}

/// [`call`] with another content type.
pub(crate) async fn send(
    r: &Rig,
    method: &str,
    uri: &str,
    token: Option<&str>,
    content_type: &str,
    body: &str,
) -> (StatusCode, serde_json::Value) {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", content_type);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let response = r
        .app
        .clone()
        .oneshot(request.body(Body::from(body.to_owned())).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    (status, json)
}

#[tokio::test]
async fn without_a_valid_token_nothing_is_answered() {
    let r = rig().await;
    for token in [
        None,
        Some("not-a-token"),
        Some("ovt_unknownunknownunknownunknown00"),
    ] {
        let (status, body) = call(&r, "GET", "/api/v1/accounts", token, "").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{token:?}");
        assert!(body["error"].as_str().is_some(), "{body}");
    }
    let revoked = token(&r, WS, Role::Owner).await;
    let prefix = r.store.list_api_tokens(WS).await.unwrap()[0].prefix.clone();
    r.store.revoke_api_token(WS, &prefix, now()).await.unwrap();
    let (status, _) = call(&r, "GET", "/api/v1/accounts", Some(&revoked), "").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a revoked token");
}

#[tokio::test]
async fn accounts_are_listed_for_the_token_s_workspace_only() {
    let r = rig().await;
    let other = r.store.create_workspace("other client").await.unwrap().id;
    let mine = r.store.create_account(seat(WS, "ana")).await.unwrap();
    let theirs = r.store.create_account(seat(other, "ben")).await.unwrap();
    for role in [Role::Viewer, Role::Member, Role::Admin, Role::Owner] {
        let t = token(&r, WS, role).await;
        let (status, list) = call(&r, "GET", "/api/v1/accounts", Some(&t), "").await;
        assert_eq!(status, StatusCode::OK, "{role}");
        let names: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["ana"], "{role}");
        let (status, one) = call(
            &r,
            "GET",
            &format!("/api/v1/accounts/{}", mine.id),
            Some(&t),
            "",
        )
        .await;
        assert_eq!(
            (status, one["pending_invitations"].as_u64()),
            (StatusCode::OK, Some(0))
        );
        // Another workspace's account is not found, never forbidden, never shown.
        let (status, body) = call(
            &r,
            "GET",
            &format!("/api/v1/accounts/{}", theirs.id),
            Some(&t),
            "",
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{role}");
        assert!(!body.to_string().contains("ben"), "{body}");
    }
}

#[tokio::test]
async fn viewers_read_the_suppression_list_and_members_add_to_it_all_or_nothing() {
    let r = rig().await;
    let viewer = token(&r, WS, Role::Viewer).await;
    let member = token(&r, WS, Role::Member).await;
    let body = r#"{"entries":["ana@example.com","@example.org"],"reason":"asked"}"#;
    let (status, _) = call(&r, "POST", "/api/v1/suppressions", Some(&viewer), body).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a viewer reads only");
    let bad = r#"{"entries":["ana@example.com","not an entry"]}"#;
    let (status, err) = call(&r, "POST", "/api/v1/suppressions", Some(&member), bad).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        err["error"].as_str().unwrap().contains("nothing was added"),
        "{err}"
    );
    let (status, added) = call(&r, "POST", "/api/v1/suppressions", Some(&member), body).await;
    assert_eq!(
        (status, added["added"].as_u64()),
        (StatusCode::CREATED, Some(2))
    );
    let (status, list) = call(&r, "GET", "/api/v1/suppressions", Some(&viewer), "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 2);
    // Another workspace's token sees an empty list.
    let other = r.store.create_workspace("other client").await.unwrap().id;
    let outsider = token(&r, other, Role::Owner).await;
    let (_, theirs) = call(&r, "GET", "/api/v1/suppressions", Some(&outsider), "").await;
    assert_eq!(theirs, serde_json::json!([]));
}

#[tokio::test]
async fn admins_pause_and_resume_accounts_of_their_workspace_only() {
    let r = rig().await;
    let ana = r.store.create_account(seat(WS, "ana")).await.unwrap();
    let mut waiting = seat(WS, "ben");
    waiting.status = overture_core::AccountStatus::NeedsCredentials;
    let ben = r.store.create_account(waiting).await.unwrap();
    let other = r.store.create_workspace("other client").await.unwrap().id;
    let theirs = r.store.create_account(seat(other, "cy")).await.unwrap();
    let member = token(&r, WS, Role::Member).await;
    let admin = token(&r, WS, Role::Admin).await;
    let pause = format!("/api/v1/accounts/{}/pause", ana.id);
    let (status, _) = call(&r, "POST", &pause, Some(&member), "").await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "members do not manage accounts"
    );

    let (status, paused) = call(&r, "POST", &pause, Some(&admin), r#"{"reason":"holiday"}"#).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (paused["status"].as_str(), paused["reason"].as_str()),
        (Some("paused"), Some("holiday"))
    );
    let resume = format!("/api/v1/accounts/{}/resume", ana.id);
    let (status, resumed) = call(&r, "POST", &resume, Some(&admin), "").await;
    assert_eq!(
        (status, resumed["status"].as_str()),
        (StatusCode::OK, Some("active"))
    );

    let (status, err) = call(
        &r,
        "POST",
        &format!("/api/v1/accounts/{}/resume", ben.id),
        Some(&admin),
        "",
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        err["error"].as_str().unwrap().contains("credentials"),
        "{err}"
    );

    let (status, _) = call(
        &r,
        "POST",
        &format!("/api/v1/accounts/{}/pause", theirs.id),
        Some(&admin),
        "",
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let still = r.store.account(other, theirs.id).await.unwrap();
    assert_eq!(
        still.status,
        overture_core::AccountStatus::Active,
        "untouched"
    );
}
