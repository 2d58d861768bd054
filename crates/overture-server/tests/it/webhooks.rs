//! `/api/v1/webhooks`: the secret shown once, targets checked.

use overture_core::Role;

use crate::api::{call, token};
use crate::{WS, rig, rig_with_key};

#[tokio::test]
async fn admins_add_webhooks_and_see_the_secret_once() {
    let r = rig_with_key().await;
    let admin = token(&r, WS, Role::Admin).await;
    let member = token(&r, WS, Role::Member).await;
    let body =
        r#"{"url":"https://203.0.113.10/hooks","events":["invite_accepted","reply_received"]}"#;
    assert_eq!(
        call(&r, "POST", "/api/v1/webhooks", Some(&member), body)
            .await
            .0,
        403
    );
    let (status, created) = call(&r, "POST", "/api/v1/webhooks", Some(&admin), body).await;
    assert_eq!(status, 201, "{created}");
    let secret = created["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_"), "{created}");
    assert_eq!(
        created["webhook"]["events"],
        serde_json::json!(["invite_accepted", "reply_received"])
    );
    let (status, list) = call(&r, "GET", "/api/v1/webhooks", Some(&admin), "").await;
    assert_eq!(status, 200);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert!(!list.to_string().contains(secret), "never shown again");

    for (body, says) in [
        (
            r#"{"url":"http://127.0.0.1:9/x","events":["invite_sent"]}"#,
            "loopback",
        ),
        (
            r#"{"url":"http://169.254.169.254/latest","events":["invite_sent"]}"#,
            "metadata",
        ),
        (
            r#"{"url":"https://203.0.113.11/x","events":["gossip"]}"#,
            "events",
        ),
    ] {
        let (status, err) = call(&r, "POST", "/api/v1/webhooks", Some(&admin), body).await;
        assert_eq!(status, 400, "{body}");
        assert!(err["error"].as_str().unwrap().contains(says), "{err}");
    }
    let id = created["webhook"]["id"].as_i64().unwrap();
    let uri = format!("/api/v1/webhooks/{id}");
    assert_eq!(call(&r, "DELETE", &uri, Some(&admin), "").await.0, 204);
    assert_eq!(call(&r, "DELETE", &uri, Some(&admin), "").await.0, 404);
}

#[tokio::test]
async fn without_a_master_key_adding_a_webhook_says_what_to_do() {
    let r = rig().await;
    let owner = token(&r, WS, Role::Owner).await;
    let body = r#"{"url":"https://203.0.113.10/hooks","events":["invite_sent"]}"#;
    let (status, err) = call(&r, "POST", "/api/v1/webhooks", Some(&owner), body).await;
    assert_eq!(status, 503);
    assert!(
        err["error"].as_str().unwrap().contains("overture init"),
        "{err}"
    );
}
