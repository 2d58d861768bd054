//! Injected faults, and the request log that proves what happened.

use overture_fake_linkedin::{Effect, Fault, ResponseShape, paths};

use crate::client::{Client, invitation_id, start};

#[tokio::test]
async fn a_bare_429_carries_retry_after_and_then_service_resumes() {
    let (fake, _) = start(ResponseShape::Inline).await;
    let ada = Client::new(&fake, "ada");
    fake.fail_next(
        1,
        Fault::TooManyRequests {
            retry_after_secs: 3600,
        },
    );
    let limited = ada.get(paths::ME).await;
    assert_eq!(
        (
            limited.status,
            limited.headers["retry-after"].to_str().unwrap(),
            limited.text.as_str()
        ),
        (429, "3600", "")
    );
    assert_eq!(ada.get(paths::ME).await.status, 200);
}

#[tokio::test]
async fn status_faults_999_and_a_403_on_one_profile() {
    let (fake, _) = start(ResponseShape::Inline).await;
    let ada = Client::new(&fake, "ada");
    fake.fail_next(2, Fault::Blocked999);
    assert_eq!(ada.get(paths::ME).await.status, 999);
    assert_eq!(ada.get(paths::ME).await.status, 999);
    fake.fail_matching(
        "memberIdentity=noor-castell",
        Fault::Status {
            status: 403,
            code: None,
        },
        None,
    );
    assert_eq!(ada.profile("noor-castell").await.status, 403);
    assert_eq!(ada.profile("noor-castell").await.status, 403);
    assert_eq!(ada.profile("kofi-arden").await.status, 200);
    fake.fail_matching(
        "verifyQuotaAndCreateV2",
        Fault::Status {
            status: 400,
            code: Some("MAX_INVITATION_SENT"),
        },
        Some(1),
    );
    assert_eq!(
        ada.invite_slug("kofi-arden", None).await.code(),
        "MAX_INVITATION_SENT"
    );
    fake.clear_faults();
    assert_eq!(ada.profile("noor-castell").await.status, 200);
}

#[tokio::test]
async fn checkpoints_authwalls_and_redirect_loops() {
    let (fake, _) = start(ResponseShape::Inline).await;
    let ada = Client::new(&fake, "ada");
    fake.fail_next(1, Fault::CheckpointHtml);
    let html = ada.get(paths::ME).await;
    assert_eq!(html.status, 200);
    assert!(
        html.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(html.text.contains("/checkpoint/challenge"));
    fake.fail_next(1, Fault::CheckpointRedirect);
    assert!(
        ada.get(paths::ME).await.headers["location"]
            .to_str()
            .unwrap()
            .starts_with("/checkpoint/challenge/")
    );
    fake.fail_next(1, Fault::AuthwallRedirect);
    assert!(
        ada.get(paths::ME).await.headers["location"]
            .to_str()
            .unwrap()
            .starts_with("/authwall")
    );
    fake.fail_next(1, Fault::SessionDeleted);
    assert!(
        ada.get(paths::ME).await.headers["set-cookie"]
            .to_str()
            .unwrap()
            .starts_with("li_at=delete")
    );

    // A client that follows redirects gives up on the loop: the first request and 5 more.
    let before = fake.log().entries.len();
    fake.fail_matching("/me", Fault::RedirectLoop, None);
    let following = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::limited(5))
        .build()
        .unwrap();
    let error = following
        .get(format!("{}{}", fake.api_url(), paths::ME))
        .send()
        .await
        .unwrap_err();
    assert!(error.is_redirect(), "{error}");
    let log = fake.log();
    assert_eq!(log.entries.len() - before, 6);
    assert!(log.entries[before..].iter().all(|e| e.status == Some(302)));
}

#[tokio::test]
async fn a_hung_request_times_out_and_is_logged_without_an_answer() {
    let (fake, _) = start(ResponseShape::Inline).await;
    let ada = Client::new(&fake, "ada");
    fake.fail_next(1, Fault::Hang);
    let error = ada
        .send(reqwest::Method::GET, paths::ME, None)
        .await
        .err()
        .unwrap();
    assert!(error.is_timeout(), "{error}");
    let log = fake.log();
    assert_eq!(log.entries[0].status, None);
    assert_eq!(ada.get(paths::ME).await.status, 200);
}

#[tokio::test]
async fn an_invitation_whose_answer_never_came_is_in_the_sent_list_and_logged_once() {
    let (fake, _) = start(ResponseShape::Normalized).await;
    let ada = Client::new(&fake, "ada");
    fake.fail_matching("verifyQuotaAndCreateV2", Fault::HangAfterEffect, Some(1));
    assert!(ada.send(reqwest::Method::POST, &format!("{}?action=verifyQuotaAndCreateV2&decorationId={}", paths::CREATE_INVITATION, paths::INVITATION_DECORATION), Some(serde_json::json!({"invitee": {"inviteeUnion": {"memberProfile": format!("urn:li:fsd_profile:{}", overture_fake_linkedin::profile_id_for("kofi-arden"))}}}))).await.is_err());
    // A client that reconciles through the sent list finds it instead of sending again.
    let rows = crate::client::elements(&ada.sent(0, 100).await.json());
    assert_eq!(rows[0]["toMember"]["publicIdentifier"], "kofi-arden");
    assert_eq!(
        ada.invite_slug("kofi-arden", None).await.code(),
        "CANT_RESEND_YET"
    );
    let id = invitation_id(
        &ada.invite_slug("tomas-veller", Some("Hi Tomas"))
            .await
            .json(),
    );
    let log = fake.log();
    assert_eq!(
        log.invitations_sent().into_iter().collect::<Vec<_>>(),
        vec![("kofi-arden".to_owned(), 1), ("tomas-veller".to_owned(), 1)]
    );
    let last = log.entries.last().unwrap();
    assert_eq!(
        last.effect,
        Some(Effect::InvitationSent {
            id,
            slug: "tomas-veller".to_owned(),
            with_note: true
        })
    );
    assert_eq!(last.account.as_deref(), Some("ada"));
    assert_eq!(last.header("csrf-token"), Some(ada.cookies.csrf_token()));
    assert!(last.body.contains("Hi Tomas"));
    assert_eq!(last.status, Some(200));
}
