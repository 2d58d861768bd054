//! The client's mechanics against a tiny HTTP server on loopback: headers and cookies, the
//! csrf token, retries of reads and none of writes, redirect loops, the withdrawal fallback.
//! (The stateful fake LinkedIn is used in `against_fake` and `account_check`; this server only
//! answers by path.)

mod account_check;
mod against_fake;
mod engine;

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use overture_channel::{Channel, ChannelError};
use overture_core::ProfileUrl;
use overture_linkedin::{ClientConfig, LinkedInChannel, LinkedInSession as Session, VoyagerClient};

/// A request as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: Method,
    path: String,
    headers: HeaderMap,
    body: String,
}

type Log = Arc<Mutex<Vec<Seen>>>;

const PROFILE: &str = include_str!("../fixtures/profile_normalized.json");
const INVITE: &str = include_str!("../fixtures/invite_answer.json");
const BATCH: &str = include_str!("../fixtures/withdraw_batch.json");

async fn answer(
    State(log): State<Log>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> Response {
    let path = uri.path().to_owned();
    let fail = body.contains("ACoAAFail");
    log.lock().expect("log").push(Seen {
        method: method.clone(),
        path: path.clone(),
        headers,
        body,
    });
    let json = |s: &'static str| ([(header::CONTENT_TYPE, "application/json")], s).into_response();
    match path.trim_start_matches("/voyager/api") {
        "/identity/dash/profiles" => json(PROFILE),
        "/voyagerRelationshipsDashMemberRelationships" if fail => {
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
        "/voyagerRelationshipsDashMemberRelationships" => json(INVITE),
        "/relationships/sentInvitationViewsV2" => StatusCode::SERVICE_UNAVAILABLE.into_response(),
        "/me" => (
            StatusCode::FOUND,
            [(header::LOCATION, "/voyager/api/me/again")],
        )
            .into_response(),
        "/me/again" => (StatusCode::FOUND, [(header::LOCATION, "/voyager/api/me")]).into_response(),
        "/relationships/invitations" => json(BATCH),
        p if p.ends_with("7300000000000000099") => (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "application/json")],
            include_str!("../fixtures/errors/unknown_400.json"),
        )
            .into_response(),
        p if p.starts_with("/voyagerRelationshipsDashInvitations/") => {
            StatusCode::NOT_FOUND.into_response()
        }
        "/messaging/conversations" => (
            [(header::CONTENT_TYPE, "text/html")],
            include_str!("../fixtures/errors/checkpoint.html"),
        )
            .into_response(),
        _ => StatusCode::IM_A_TEAPOT.into_response(),
    }
}

struct Server {
    base: String,
    log: Log,
}

impl Server {
    async fn start() -> Self {
        let log = Log::default();
        let app = Router::new().fallback(answer).with_state(log.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
        Self { base, log }
    }

    fn client(&self) -> VoyagerClient {
        let config = ClientConfig {
            api_base: self.base.clone(),
            ..ClientConfig::default()
        };
        VoyagerClient::new(&session(), &config).expect("client")
    }

    fn seen(&self) -> Vec<Seen> {
        self.log.lock().expect("log").clone()
    }

    fn count(&self, path_end: &str) -> usize {
        self.seen()
            .iter()
            .filter(|s| s.path.ends_with(path_end))
            .count()
    }
}

const LI_AT: &str = "AQEDAFictionalLiAtCookieValue0001";
const JSESSIONID: &str = "\"ajax:1234567890123456789\"";

fn session() -> Session {
    Session::new(LI_AT, JSESSIONID)
}

fn ada() -> ProfileUrl {
    ProfileUrl::parse("https://www.linkedin.com/in/ada-fictional/").expect("url")
}

#[tokio::test]
async fn requests_carry_the_session_and_browser_headers() {
    let server = Server::start().await;
    let row = server
        .client()
        .profile("ada-fictional")
        .await
        .expect("profile");
    assert_eq!(row.profile_id, "ACoAAFictional0001");
    let seen = &server.seen()[0];
    let h = |name: &str| {
        seen.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(h("csrf-token"), "ajax:1234567890123456789");
    assert_eq!(
        h("cookie"),
        format!("li_at={LI_AT}; JSESSIONID={JSESSIONID}")
    );
    assert_eq!(h("x-restli-protocol-version"), "2.0.0");
    assert_eq!(h("x-li-lang"), "en_US");
    assert_eq!(h("accept"), "application/vnd.linkedin.normalized+json+2.1");
    assert!(h("user-agent").starts_with("Mozilla/5.0"));
}

#[tokio::test]
async fn an_invitation_posts_the_note_once_and_returns_its_id() {
    let server = Server::start().await;
    let channel = LinkedInChannel::new(server.client());
    let sent = channel
        .invite(overture_channel::InviteRequest {
            profile: ada(),
            note: Some("Hi Ada, fictional note.".to_owned()),
            idempotency_key: "k1".to_owned(),
        })
        .await
        .expect("invite");
    assert_eq!(sent.invitation_id, "7300000000000000042");
    assert!(sent.with_note);
    let posts: Vec<Seen> = server
        .seen()
        .into_iter()
        .filter(|s| s.method == Method::POST)
        .collect();
    assert_eq!(posts.len(), 1);
    let body: serde_json::Value = serde_json::from_str(&posts[0].body).expect("json");
    assert_eq!(
        body["invitee"]["inviteeUnion"]["memberProfile"],
        "urn:li:fsd_profile:ACoAAFictional0001"
    );
    assert_eq!(body["customMessage"], "Hi Ada, fictional note.");
}

#[tokio::test]
async fn a_failed_write_is_not_retried() {
    let server = Server::start().await;
    // The server answers 503 to an invitation for this profile id; reads would be tried six
    // times with this configuration.
    let config = ClientConfig {
        api_base: server.base.clone(),
        read_retries: 5,
        ..ClientConfig::default()
    };
    let client = VoyagerClient::new(&session(), &config).expect("client");
    let before = server.count("/voyagerRelationshipsDashMemberRelationships");
    let err = client.invite("ACoAAFail", None).await.expect_err("fails");
    assert!(matches!(err, ChannelError::Transient { .. }), "{err:?}");
    assert_eq!(
        server.count("/voyagerRelationshipsDashMemberRelationships") - before,
        1
    );
}

#[tokio::test]
async fn a_failed_read_is_retried_a_bounded_number_of_times() {
    let server = Server::start().await;
    let err = server
        .client()
        .sent_invitations_page(0, 100)
        .await
        .expect_err("fails");
    assert!(matches!(err, ChannelError::Transient { .. }), "{err:?}");
    // One try and the default two retries.
    assert_eq!(server.count("/sentInvitationViewsV2"), 3);
}

#[tokio::test]
async fn a_redirect_loop_is_a_dead_session() {
    let server = Server::start().await;
    let err = server.client().me().await.expect_err("loops");
    assert_eq!(err, ChannelError::SessionExpired);
    // The loop is seen on its first return, and a dead session is not retried.
    assert!(server.count("/me") <= 2, "{}", server.count("/me"));
}

#[tokio::test]
async fn withdrawal_falls_back_to_the_batch_form() {
    let server = Server::start().await;
    server
        .client()
        .withdraw("7300000000000000011")
        .await
        .expect("withdrawn");
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert!(seen[0].path.contains(
        "/voyagerRelationshipsDashInvitations/urn%3Ali%3Afsd_invitation%3A7300000000000000011"
    ));
    assert!(seen[1].body.contains("ACTOR_WITHDRAW"));
}

#[tokio::test]
async fn html_where_json_was_expected_is_a_challenge_and_not_retried() {
    let server = Server::start().await;
    let err = server
        .client()
        .messages_since(jiff::Timestamp::UNIX_EPOCH)
        .await
        .expect_err("challenge");
    assert!(matches!(err, ChannelError::Challenge { .. }), "{err:?}");
    assert_eq!(server.count("/messaging/conversations"), 1);
}

#[test]
fn secrets_never_show_in_debug() {
    let printed = format!("{:?}", session());
    assert!(
        !printed.contains(LI_AT) && !printed.contains("ajax:"),
        "{printed}"
    );
    let config = ClientConfig {
        proxy: Some("socks5h://user:hunter2@127.0.0.1:1080".to_owned().into()),
        ..ClientConfig::default()
    };
    assert!(!format!("{config:?}").contains("hunter2"));
    let client = VoyagerClient::new(&session(), &config).expect("client with a SOCKS5 proxy");
    let printed = format!("{client:?}");
    assert!(
        !printed.contains(LI_AT) && !printed.contains("1234567890123456789"),
        "{printed}"
    );
}

#[tokio::test]
async fn withdrawal_refused_by_the_current_form_does_not_fall_back() {
    let server = Server::start().await;
    let err = server
        .client()
        .withdraw("7300000000000000099")
        .await
        .expect_err("refused");
    assert!(matches!(err, ChannelError::Permanent { .. }), "{err:?}");
    assert_eq!(server.seen().len(), 1);
}
