//! The HTTP side: one handler that logs, injects faults, checks the session and dispatches.
//!
//! Voyager paths carry url-encoded urns and select operations by `?action=`/`?q=`, so the
//! fake routes by hand rather than through axum's router; every path and id is in [`paths`].

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State as AxumState};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use overture_clock::Clock;

use crate::ResponseShape;
use crate::api::{self, Answer};
use crate::faults::{CHECKPOINT_HTML, Fault, take_fault};
use crate::log::LoggedRequest;
use crate::state::{SessionDeath, State};

/// Every path prefix, query id and decoration id the fake knows, in one table.
pub mod paths {
    /// Prefix of every Voyager path.
    pub const API: &str = "/voyager/api";
    /// Who am I.
    pub const ME: &str = "/me";
    /// Profile lookup by public slug (`q=memberIdentity&memberIdentity=<slug>`); the account's
    /// own profile also by its profile id.
    pub const PROFILES: &str = "/identity/dash/profiles";
    /// The decoration id profile lookups must ask for.
    pub const PROFILE_DECORATION: &str =
        "com.linkedin.voyager.dash.deco.identity.profile.FullProfileWithEntities-91";
    /// Send an invitation (`action=verifyQuotaAndCreateV2`).
    pub const CREATE_INVITATION: &str = "/voyagerRelationshipsDashMemberRelationships";
    /// The decoration id an invitation must ask for.
    pub const INVITATION_DECORATION: &str =
        "com.linkedin.voyager.dash.deco.relationships.InvitationCreationResultWithInvitee-2";
    /// The sent list (`q=invitationType&invitationType=CONNECTION&start=&count=`).
    pub const SENT_INVITATIONS: &str = "/relationships/sentInvitationViewsV2";
    /// The counts (`types=List(SENT_INVITATION_COUNT)`).
    pub const INVITATIONS_SUMMARY: &str = "/relationships/invitationsSummaryV2";
    /// Withdraw, current form: `/<urn:li:fsd_invitation:id, url-encoded>?action=withdraw`.
    pub const DASH_INVITATIONS: &str = "/voyagerRelationshipsDashInvitations/";
    /// Withdraw, older batch form (`action=closeInvitations`).
    pub const CLOSE_INVITATIONS: &str = "/relationships/invitations";
    /// The account's own connection count (`numConnections`).
    pub const CONNECTIONS_SUMMARY: &str = "/relationships/connectionsSummary";
    /// Recent connections (`q=search&sortType=RECENTLY_ADDED&start=&count=`).
    pub const CONNECTIONS: &str = "/relationships/dash/connections";
    /// Send a message (`action=createMessage`, POST) or list the mailbox (`q=mailbox`, GET).
    pub const MESSAGES: &str = "/voyagerMessagingDashMessengerMessages";
    /// The conversation list open-source clients read (`keyVersion=LEGACY_INBOX`, GET), each
    /// conversation with its events, newest first, before `createdBefore` when given.
    pub const CONVERSATIONS: &str = "/messaging/conversations";
    /// The invitation endpoint LinkedIn retired (answers 301).
    pub const OLD_INVITATIONS: &str = "/growth/normInvitations";
    /// Largest page of the sent list.
    pub const MAX_PAGE: usize = 100;
}

/// What the handler shares with the [`crate::FakeLinkedIn`] handle.
pub(crate) struct Shared {
    pub state: Mutex<State>,
    pub clock: Arc<dyn Clock>,
    pub shape: ResponseShape,
}

impl Shared {
    pub fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock leaves plain data behind; keep serving it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The headers the log keeps.
const LOGGED_HEADERS: [&str; 6] = [
    "cookie",
    "csrf-token",
    "accept",
    "x-restli-protocol-version",
    "content-type",
    "user-agent",
];

/// What to do with a request once decided.
enum Decision {
    Answer(Answer),
    Hang,
}

pub(crate) async fn handle(
    AxumState(shared): AxumState<Arc<Shared>>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let body = String::from_utf8_lossy(&body).into_owned();
    let now = shared.clock.now();
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().unwrap_or_default().to_owned();
    let decision = {
        let mut state = shared.lock();
        state.run_due(now);
        let seq = state.log.len();
        state.log.push(LoggedRequest {
            seq,
            at: now,
            method: parts.method.to_string(),
            path: path.clone(),
            query: query.clone(),
            headers: logged_headers(&parts.headers),
            body: body.clone(),
            status: None,
            account: None,
            effect: None,
        });
        let request = api::Incoming {
            method: &parts.method,
            path: &path,
            query: &query,
            headers: &parts.headers,
            body: &body,
            now,
            shape: shared.shape,
        };
        let decision = decide(&mut state, seq, &request);
        if let Decision::Answer(answer) = &decision {
            state.log[seq].status = Some(answer.status);
        }
        decision
    };
    match decision {
        Decision::Answer(answer) => into_response(answer),
        // The client gives up first; hyper then drops this future.
        Decision::Hang => std::future::pending().await,
    }
}

fn decide(state: &mut State, seq: usize, request: &api::Incoming<'_>) -> Decision {
    let target = format!("{}?{}", request.path, request.query);
    match take_fault(&mut state.faults, &target) {
        Some(Fault::Hang) => return Decision::Hang,
        Some(Fault::HangAfterEffect) => {
            let _ = api::dispatch(state, seq, request);
            return Decision::Hang;
        }
        Some(fault) => return Decision::Answer(fault_answer(&fault, &target)),
        None => {}
    }
    Decision::Answer(api::dispatch(state, seq, request))
}

fn fault_answer(fault: &Fault, target: &str) -> Answer {
    match fault {
        Fault::TooManyRequests { retry_after_secs } => {
            Answer::empty(429).header(header::RETRY_AFTER, retry_after_secs.to_string())
        }
        Fault::Blocked999 => Answer::empty(999),
        Fault::CheckpointHtml => Answer::html(200, CHECKPOINT_HTML),
        Fault::CheckpointRedirect => {
            Answer::redirect("/checkpoint/challenge/AgFfakeChallenge0001?ut=2xYfake&displayTime=0")
        }
        Fault::AuthwallRedirect => {
            Answer::redirect("/authwall?trk=gf&trkInfo=AQFfake&original_referer=")
        }
        Fault::RedirectLoop => session_death(SessionDeath::RedirectLoop, target),
        Fault::SessionDeleted => session_death(SessionDeath::DeleteCookie, target),
        Fault::Status { status, code } => Answer::json(
            *status,
            crate::render::error(&crate::state::Refusal::new(
                *status,
                *code,
                "injected fault",
            )),
        ),
        // Handled before an answer is built.
        Fault::Hang | Fault::HangAfterEffect => Answer::empty(504),
    }
}

/// What a dead session answers.
pub(crate) fn session_death(how: SessionDeath, target: &str) -> Answer {
    match how {
        SessionDeath::Unauthorized => Answer::json(401, serde_json::json!({"status": 401})),
        SessionDeath::DeleteCookie => Answer::json(401, serde_json::json!({"status": 401})).header(
            header::SET_COOKIE,
            "li_at=delete me; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT".to_owned(),
        ),
        SessionDeath::RedirectLoop => Answer::redirect(target),
    }
}

fn logged_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    LOGGED_HEADERS
        .iter()
        .filter_map(|name| {
            let value = headers.get(*name)?.to_str().ok()?;
            Some(((*name).to_owned(), value.to_owned()))
        })
        .collect()
}

fn into_response(answer: Answer) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = Response::new(Body::from(answer.body));
    *response.status_mut() = status;
    for (name, value) in answer.headers {
        if let Ok(value) = value.parse() {
            response.headers_mut().append(name, value);
        }
    }
    response
}

/// Whether to answer in the normalized shape.
pub(crate) fn normalized(shape: ResponseShape, headers: &HeaderMap) -> bool {
    match shape {
        ResponseShape::Normalized => true,
        ResponseShape::Inline => false,
        ResponseShape::ByAcceptHeader => headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("normalized+json")),
    }
}
