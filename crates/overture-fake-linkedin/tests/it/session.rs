//! Sessions, CSRF, cookie rotation and the response shape chosen by `accept`.

use overture_fake_linkedin::{ResponseShape, SessionDeath, paths};

use crate::client::{Client, start};

#[tokio::test]
async fn a_wrong_or_missing_csrf_token_is_refused() {
    let (fake, _) = start(ResponseShape::Inline).await;
    let mut ada = Client::new(&fake, "ada");
    assert_eq!(ada.get(paths::ME).await.status, 200);
    ada.cookies.jsessionid = "ajax:0000000000000000000".to_owned();
    // The cookie and the header still agree, so only a mismatch between them is refused.
    assert_eq!(ada.get(paths::ME).await.status, 200);
    let http = reqwest::Client::new();
    let cookies = fake.cookies("ada").unwrap();
    let reply = http
        .get(format!("{}{}", fake.api_url(), paths::ME))
        .header("cookie", cookies.cookie_header())
        .header("csrf-token", "ajax:1")
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 403);
    assert_eq!(reply.text().await.unwrap(), "CSRF check failed");
    let missing = http
        .get(format!("{}{}", fake.api_url(), paths::ME))
        .header("cookie", cookies.cookie_header())
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 403);
}

#[tokio::test]
async fn unknown_and_expired_sessions_answer_as_the_reference_says() {
    let (fake, _) = start(ResponseShape::Inline).await;
    let mut stranger = Client::new(&fake, "ada");
    stranger.cookies.li_at = "AQEDARnotasession".to_owned();
    assert_eq!(stranger.get(paths::ME).await.status, 401);

    let ada = Client::new(&fake, "ada");
    fake.expire_session("ada", SessionDeath::Unauthorized)
        .unwrap();
    assert_eq!(ada.get(paths::ME).await.status, 401);
    fake.expire_session("ada", SessionDeath::DeleteCookie)
        .unwrap();
    let deleted = ada.get(paths::ME).await;
    assert_eq!(deleted.status, 401);
    assert!(
        deleted.headers["set-cookie"]
            .to_str()
            .unwrap()
            .starts_with("li_at=delete")
    );
    fake.expire_session("ada", SessionDeath::RedirectLoop)
        .unwrap();
    let looped = ada.get(paths::ME).await;
    assert_eq!(looped.status, 302);
    assert_eq!(looped.headers["location"], "/voyager/api/me?");
    // The other account is unaffected.
    assert_eq!(Client::new(&fake, "ben").get(paths::ME).await.status, 200);
}

#[tokio::test]
async fn rotated_cookies_are_announced_once_and_both_generations_work() {
    let (fake, _) = start(ResponseShape::Inline).await;
    let old = Client::new(&fake, "ada");
    let new = fake.rotate_cookies("ada").unwrap();
    let reply = old.get(paths::ME).await;
    let set: Vec<_> = reply
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert!(
        set.contains(&format!(
            "li_at={}; Path=/; HttpOnly; SameSite=None",
            new.li_at
        )),
        "{set:?}"
    );
    assert!(
        set.iter()
            .any(|c| c.starts_with(&format!("JSESSIONID=\"{}\"", new.jsessionid)))
    );
    assert!(old.get(paths::ME).await.headers.get("set-cookie").is_none());
    assert_eq!(Client::new(&fake, "ada").get(paths::ME).await.status, 200);
    assert_eq!(fake.cookies("ada").unwrap(), new);
}

#[tokio::test]
async fn the_accept_header_picks_the_shape_by_default() {
    let (fake, _) = start(ResponseShape::ByAcceptHeader).await;
    let cookies = fake.cookies("ben").unwrap();
    let http = reqwest::Client::new();
    for (accept, normalized) in [
        ("application/vnd.linkedin.normalized+json+2.1", true),
        ("application/json", false),
    ] {
        let me: serde_json::Value = http
            .get(format!("{}{}", fake.api_url(), paths::ME))
            .header("cookie", cookies.cookie_header())
            .header("csrf-token", cookies.csrf_token())
            .header("accept", accept)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if normalized {
            assert_eq!(
                me["data"]["*miniProfile"],
                format!(
                    "urn:li:fs_miniProfile:{}",
                    overture_fake_linkedin::profile_id_for("ben-marrowby")
                )
            );
            assert_eq!(me["included"][0]["firstName"], "Ben");
        } else {
            assert_eq!(me["miniProfile"]["publicIdentifier"], "ben-marrowby");
            assert_eq!(me["premiumSubscriber"], false);
        }
    }
}
