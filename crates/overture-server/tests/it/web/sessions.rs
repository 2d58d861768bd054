//! Signing in and out, cookies, the rate limiter and CSRF.

use axum::http::StatusCode;
use jiff::SignedDuration;
use overture_auth::{SessionSecret, csrf_token};
use overture_core::Role;
use overture_server::{ServerConfig, WebSettings, WebState};
use overture_store::UserStore as _;

use super::{Browser, PASSWORD, signed_in, user};
use crate::{WS, now, rig, rig_with_web};

#[tokio::test]
async fn a_member_signs_in_with_a_hashed_session_cookie() {
    let r = rig().await;
    user(&r, "ana@example.com", &[(WS, Role::Owner)]).await;
    let mut b = Browser::new(&r);
    let first = b.get("/").await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(first.location(), "/login?next=/");
    let form = b.get("/login?next=/invitations").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains("data-testid=\"login-form\""),
        "{}",
        form.body
    );
    assert!(
        form.body
            .contains("name=\"next\" value=\"&#x2f;invitations\""),
        "{}",
        form.body
    );
    let answer = b
        .post(
            "/login",
            &[
                ("csrf", &form.csrf()),
                ("email", "Ana@Example.com "),
                ("password", PASSWORD),
                ("next", "/invitations"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(answer.location(), "/invitations");
    let cookie = answer
        .set_cookie("overture_session")
        .expect("a session cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");
    // The store keeps the hash: the cookie's value finds the session only through it.
    let value = b.cookies["overture_session"].clone();
    let secret = SessionSecret::parse(&value).unwrap();
    assert!(
        r.store
            .session_by_hash(&value, now())
            .await
            .unwrap()
            .is_none()
    );
    let session = r
        .store
        .session_by_hash(secret.hash().as_str(), now())
        .await
        .unwrap()
        .expect("stored by its hash");
    assert_eq!(session.role, Role::Owner);
    assert_eq!(session.expires_at, now() + SignedDuration::from_hours(12));
    let page = b.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("ana · owner of default"),
        "{}",
        page.body
    );
    assert_eq!(page.csrf(), csrf_token(&secret));
}

#[tokio::test]
async fn cookies_are_secure_behind_tls() {
    for (settings, proxy) in [(false, true), (true, false)] {
        let r = rig_with_web(
            ServerConfig::default(),
            WebState::new(WebSettings {
                secure_cookies: settings,
                ..WebSettings::default()
            }),
        )
        .await;
        user(&r, "ana@example.com", &[(WS, Role::Owner)]).await;
        let mut b = Browser::new(&r);
        if proxy {
            b.headers
                .push(("x-forwarded-proto".to_owned(), "https".to_owned()));
        }
        let form = b.get("/login").await;
        assert!(
            form.set_cookie("overture_login")
                .unwrap()
                .contains("; Secure")
        );
        let answer = b
            .post(
                "/login",
                &[
                    ("csrf", &form.csrf()),
                    ("email", "ana@example.com"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        let cookie = answer.set_cookie("overture_session").unwrap();
        assert!(cookie.contains("; Secure"), "{settings} {proxy}: {cookie}");
    }
}

#[tokio::test]
async fn wrong_passwords_and_unknown_addresses_are_refused_alike() {
    let r = rig().await;
    user(&r, "ana@example.com", &[(WS, Role::Owner)]).await;
    let mut b = Browser::new(&r);
    for (email, password) in [
        ("ana@example.com", "not the password at all"),
        ("nobody@example.com", PASSWORD),
        ("not an address", PASSWORD),
    ] {
        let form = b.get("/login").await;
        let answer = b
            .post(
                "/login",
                &[
                    ("csrf", &form.csrf()),
                    ("email", email),
                    ("password", password),
                ],
            )
            .await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{email}");
        assert!(
            answer.body.contains("Wrong address or password"),
            "{}",
            answer.body
        );
        assert!(answer.set_cookie("overture_session").is_none());
    }
    assert_eq!(b.get("/").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn repeated_failures_lock_the_address_out_for_a_while() {
    let r = rig().await;
    user(&r, "ana@example.com", &[(WS, Role::Owner)]).await;
    let mut b = Browser::new(&r);
    let attempt = async |b: &mut Browser, password: &str| {
        let form = b.get("/login").await;
        b.post(
            "/login",
            &[
                ("csrf", &form.csrf()),
                ("email", "ana@example.com"),
                ("password", password),
            ],
        )
        .await
    };
    for _ in 0..4 {
        let answer = attempt(&mut b, "a wrong guess here").await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    }
    let fifth = attempt(&mut b, "a wrong guess here").await;
    assert_eq!(fifth.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        fifth.body.contains("Try again in 15 minutes."),
        "{}",
        fifth.body
    );
    // Locked out: even the right password is refused.
    let right = attempt(&mut b, PASSWORD).await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
    r.clock.advance(SignedDuration::from_mins(10));
    let later = attempt(&mut b, PASSWORD).await;
    assert!(
        later.body.contains("Try again in 5 minutes."),
        "{}",
        later.body
    );
    r.clock.advance(SignedDuration::from_mins(5));
    let after = attempt(&mut b, PASSWORD).await;
    assert_eq!(after.status, StatusCode::SEE_OTHER, "{}", after.body);
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let r = rig().await;
    user(&r, "ana@example.com", &[(WS, Role::Owner)]).await;
    let mut b = signed_in(&r, "ana@example.com").await;
    let value = b.cookies["overture_session"].clone();
    let csrf = b.csrf().await;
    let answer = b.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.location(), "/login");
    assert!(
        answer
            .set_cookie("overture_session")
            .unwrap()
            .contains("Max-Age=0")
    );
    assert!(!b.cookies.contains_key("overture_session"));
    let hash = SessionSecret::parse(&value).unwrap().hash();
    assert!(
        r.store
            .session_by_hash(hash.as_str(), now())
            .await
            .unwrap()
            .is_none()
    );
    // The old cookie no longer opens anything.
    b.cookies.insert("overture_session".to_owned(), value);
    assert_eq!(b.get("/").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_session_ends_after_twelve_idle_hours() {
    let r = rig().await;
    user(&r, "ana@example.com", &[(WS, Role::Owner)]).await;
    let mut b = signed_in(&r, "ana@example.com").await;
    r.clock.advance(SignedDuration::from_hours(11));
    assert_eq!(
        b.get("/").await.status,
        StatusCode::OK,
        "used within 12 hours"
    );
    r.clock.advance(SignedDuration::from_hours(11));
    assert_eq!(
        b.get("/").await.status,
        StatusCode::OK,
        "the use moved the expiry"
    );
    r.clock.advance(SignedDuration::from_hours(13));
    let answer = b.get("/charts").await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.location(), "/login?next=/charts");
}

#[tokio::test]
async fn a_foreign_next_is_not_followed() {
    let r = rig().await;
    user(&r, "ana@example.com", &[(WS, Role::Owner)]).await;
    let mut b = Browser::new(&r);
    for next in [
        "//evil.example.net/",
        "https://evil.example.net/",
        "/\\evil.example.net",
    ] {
        b.cookies.remove("overture_session");
        let form = b.get("/login").await;
        let answer = b
            .post(
                "/login",
                &[
                    ("csrf", &form.csrf()),
                    ("email", "ana@example.com"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(answer.location(), "/", "{next}");
    }
}

/// Every route that changes something, with a body that would otherwise be accepted.
fn post_routes() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    vec![
        (
            "/login",
            vec![("email", "ana@example.com"), ("password", PASSWORD)],
        ),
        ("/logout", vec![]),
        ("/workspace", vec![("workspace", "1")]),
        ("/campaigns/1/status", vec![("to", "pause")]),
        ("/invitations/withdraw", vec![("one", "1")]),
    ]
}

#[tokio::test]
async fn every_post_without_the_csrf_token_is_refused() {
    let r = rig().await;
    user(&r, "ana@example.com", &[(WS, Role::Owner)]).await;
    let mut b = signed_in(&r, "ana@example.com").await;
    b.get("/login").await; // the sign-in form's cookie too
    let csrf = b.csrf().await;
    for (route, fields) in post_routes() {
        let missing = b.post(route, &fields).await;
        assert_eq!(
            missing.status,
            StatusCode::FORBIDDEN,
            "{route} without a token"
        );
        assert!(missing.body.contains("Reload the page"), "{}", missing.body);
        let mut forged = fields.clone();
        forged.push(("csrf", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
        let wrong = b.post(route, &forged).await;
        assert_eq!(
            wrong.status,
            StatusCode::FORBIDDEN,
            "{route} with a forged token"
        );
        // The session's token is not the sign-in form's, nor the other way round.
        if route != "/login" {
            let mut header = b.headers.clone();
            header.push(("x-csrf-token".to_owned(), "wrong".to_owned()));
            std::mem::swap(&mut b.headers, &mut header);
            let answer = b.post(route, &fields).await;
            std::mem::swap(&mut b.headers, &mut header);
            assert_eq!(
                answer.status,
                StatusCode::FORBIDDEN,
                "{route} with a wrong header"
            );
        }
    }
    let upload = b
        .post_multipart(
            "/leads",
            &[("list", "people")],
            Some(("people.csv", "profile_url\n")),
        )
        .await;
    assert_eq!(
        upload.status,
        StatusCode::FORBIDDEN,
        "an upload without a token"
    );
    // Still signed in: none of the refused posts did anything.
    assert_eq!(b.get("/").await.status, StatusCode::OK);
    // The htmx header carries the token as well as a field does.
    b.headers.push(("x-csrf-token".to_owned(), csrf));
    let out = b.post("/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(b.get("/").await.status, StatusCode::SEE_OTHER, "signed out");
}

#[tokio::test]
async fn a_signed_in_visit_to_the_sign_in_page_goes_on() {
    let r = rig().await;
    user(&r, "ana@example.com", &[(WS, Role::Owner)]).await;
    let mut b = signed_in(&r, "ana@example.com").await;
    let answer = b.get("/login?next=/charts").await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.location(), "/charts");
}

#[tokio::test]
async fn an_expired_session_sends_htmx_back_to_the_sign_in_page() {
    let r = rig().await;
    user(&r, "ana@example.com", &[(WS, Role::Owner)]).await;
    let mut b = signed_in(&r, "ana@example.com").await;
    assert_eq!(b.get("/events/feed?after=0").await.status, StatusCode::OK);
    r.clock.advance(SignedDuration::from_hours(13));
    b.headers.push(("hx-request".to_owned(), "true".to_owned()));
    b.headers.push((
        "hx-current-url".to_owned(),
        "http://127.0.0.1:8080/events".to_owned(),
    ));
    let answer = b.get("/events/feed?after=0").await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert_eq!(answer.headers["hx-redirect"], "/login?next=/events");
    assert!(!answer.body.contains("event-row"));
}
