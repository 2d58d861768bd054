//! Browser sessions: signing in and out, the signed-in [`Signed`] extractor, and switching
//! workspace.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::Form;
use axum::extract::{ConnectInfo, FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use overture_auth::{
    Action, LoginKey, Role, SessionSecret, allows, csrf_token, normalize_email, verify_password,
    verify_without_user,
};
use overture_core::WorkspaceId;
use overture_secrets::Secret;
use overture_store::{Membership, NewSession};
use serde::{Deserialize, Serialize};

use super::cookies;
use super::render::{WebError, render};
use crate::AppState;

/// A signed-in person, in the session's workspace, with their role there now.
#[derive(Debug)]
pub(crate) struct Signed {
    /// Their name.
    pub(crate) name: String,
    /// Their address.
    pub(crate) email: String,
    /// The workspace every page is scoped by.
    pub(crate) workspace: WorkspaceId,
    /// Their role in it.
    pub(crate) role: Role,
    /// The session's CSRF token, for the page's forms.
    pub(crate) csrf: String,
    /// The session's secret (the cookie's value).
    secret: SessionSecret,
    /// The user.
    user: overture_core::UserId,
}

impl Signed {
    /// Refuses with 403 unless the role may do `action`.
    pub(crate) fn may(&self, action: Action) -> Result<(), WebError> {
        if allows(self.role, action) {
            Ok(())
        } else {
            Err(WebError::Forbidden(format!(
                "As a {} of this workspace you cannot do this; ask an owner or admin for a role with more rights.",
                self.role
            )))
        }
    }

    /// Whether the role may change data (start campaigns, withdraw, upload leads).
    pub(crate) fn can_write(&self) -> bool {
        allows(self.role, Action::WriteData)
    }
}

fn is_htmx(headers: &HeaderMap) -> bool {
    headers.get("hx-request").is_some()
}

/// The path of the page htmx asks from (`HX-Current-URL`, a whole URL), or `/`.
fn current_page(headers: &HeaderMap) -> &str {
    headers
        .get("hx-current-url")
        .and_then(|v| v.to_str().ok())
        .and_then(|url| url.split_once("://"))
        .and_then(|(_, rest)| rest.find('/').map(|at| &rest[at..]))
        .unwrap_or("/")
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let sign_in = || {
            let htmx = is_htmx(&parts.headers);
            // htmx asks for a fragment: come back to the page it was on instead.
            let next = if htmx {
                current_page(&parts.headers)
            } else {
                parts.uri.path_and_query().map_or("/", |p| p.as_str())
            };
            WebError::SignIn {
                next: next.to_owned(),
                htmx,
            }
        };
        let Some(secret) = cookies::read(&parts.headers, cookies::SESSION)
            .and_then(|v| SessionSecret::parse(v).ok())
        else {
            return Err(sign_in());
        };
        let now = state.clock.now();
        let hash = secret.hash();
        let Some(auth) = state.store.session_by_hash(hash.as_str(), now).await? else {
            return Err(sign_in());
        };
        // Slide the expiry at most once a minute, never past the session's maximum age.
        if now.duration_since(auth.last_seen) >= jiff::SignedDuration::from_mins(1) {
            let settings = state.web.settings;
            let expires = (now + settings.idle_timeout).min(auth.created_at + settings.max_age);
            state
                .store
                .touch_session(hash.as_str(), now, expires)
                .await?;
        }
        Ok(Signed {
            name: auth.user.display_name.clone(),
            email: auth.user.email.clone(),
            workspace: auth.workspace_id,
            role: auth.role,
            csrf: csrf_token(&secret),
            secret,
            user: auth.user.id,
        })
    }
}

/// The layout's data: who is signed in, where, and the workspaces to switch to.
#[derive(Debug, Serialize)]
pub(crate) struct Layout {
    name: String,
    email: String,
    role: String,
    workspace: String,
    workspaces: Vec<WorkspaceChoice>,
    csrf: String,
    can_write: bool,
    nav: &'static str,
}

#[derive(Debug, Serialize)]
struct WorkspaceChoice {
    id: i64,
    name: String,
    role: String,
    current: bool,
}

/// The layout of a page in the `nav` section.
pub(crate) async fn layout(
    state: &AppState,
    signed: &Signed,
    nav: &'static str,
) -> Result<Layout, WebError> {
    let memberships = state.store.memberships(signed.user).await?;
    let names = state.store.workspaces().await?;
    let name_of = |id: WorkspaceId| {
        names
            .iter()
            .find(|w| w.id == id)
            .map_or_else(|| id.to_string(), |w| w.name.clone())
    };
    Ok(Layout {
        name: signed.name.clone(),
        email: signed.email.clone(),
        role: signed.role.to_string(),
        workspace: name_of(signed.workspace),
        workspaces: memberships
            .iter()
            .map(|m| WorkspaceChoice {
                id: m.workspace_id.get(),
                name: name_of(m.workspace_id),
                role: m.role.to_string(),
                current: m.workspace_id == signed.workspace,
            })
            .collect(),
        csrf: signed.csrf.clone(),
        can_write: signed.can_write(),
        nav,
    })
}

// Signing in.

/// `?next=` on the sign-in page.
#[derive(Debug, Deserialize)]
pub(crate) struct Next {
    next: Option<String>,
}

/// Only a path of this site: `/…` but not `//…` (another host) nor `/\…`.
fn local_path(next: Option<&str>) -> String {
    match next {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.starts_with("/\\") => {
            p.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[derive(Debug, Serialize)]
struct LoginPage<'a> {
    csrf: String,
    next: String,
    email: &'a str,
    error: Option<String>,
}

/// The sign-in form's cookie (reused while it reads), and the answer that sets it.
fn login_secret(headers: &HeaderMap) -> SessionSecret {
    cookies::read(headers, cookies::LOGIN)
        .and_then(|v| SessionSecret::parse(v).ok())
        .unwrap_or_else(SessionSecret::generate)
}

fn login_form(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    next: String,
    email: &str,
    error: Option<String>,
) -> Response {
    let secret = login_secret(headers);
    let page = LoginPage {
        csrf: csrf_token(&secret),
        next,
        email,
        error,
    };
    let mut response = render("login.html", page);
    *response.status_mut() = status;
    let secure = cookies::secure(headers, state.web.settings.secure_cookies);
    response.headers_mut().append(
        header::SET_COOKIE,
        cookies::set(cookies::LOGIN, secret.expose(), "/login", 3600, secure),
    );
    response
}

/// `GET /login`: the form, or straight on to `next` for someone signed in already.
pub(crate) async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<Next>,
) -> Response {
    if let Some(secret) =
        cookies::read(&headers, cookies::SESSION).and_then(|v| SessionSecret::parse(v).ok())
        && let Ok(Some(_)) = state
            .store
            .session_by_hash(secret.hash().as_str(), state.clock.now())
            .await
    {
        return Redirect::to(&local_path(q.next.as_deref())).into_response();
    }
    login_form(
        &state,
        &headers,
        StatusCode::OK,
        local_path(q.next.as_deref()),
        "",
        None,
    )
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub(crate) struct LoginForm {
    email: String,
    password: String,
    #[serde(default)]
    next: Option<String>,
}

/// The client's address, when the server was started with connection info.
fn client_ip(parts: &axum::http::Extensions) -> IpAddr {
    parts
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip())
}

fn minutes_until(until: Timestamp, now: Timestamp) -> i64 {
    let seconds = until.duration_since(now).as_secs().max(0);
    (seconds + 59) / 60
}

fn locked_message(minutes: i64) -> String {
    let unit = if minutes == 1 { "minute" } else { "minutes" };
    format!("Too many failed sign-ins. Try again in {minutes} {unit}.")
}

/// `POST /login`: the rate limiter per address typed and client, argon2id, then a session in
/// the first of the user's workspaces.
pub(crate) async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    Form(form): Form<LoginForm>,
) -> Response {
    let now = state.clock.now();
    let next = local_path(form.next.as_deref());
    let key = LoginKey::new(&form.email, client_ip(&extensions));
    let refuse = |status, message: String| {
        login_form(
            &state,
            &headers,
            status,
            next.clone(),
            &form.email,
            Some(message),
        )
    };
    let locked = state
        .web
        .limiter
        .lock()
        .map_or(Ok(()), |l| l.check(&key, now));
    if let Err(locked) = locked {
        return refuse(
            StatusCode::TOO_MANY_REQUESTS,
            locked_message(minutes_until(locked.until, now)),
        );
    }
    let user = match normalize_email(&form.email) {
        Ok(email) => match state.store.user_by_email(&email).await {
            Ok(user) => user.filter(|u| !u.disabled),
            Err(e) => return WebError::from(e).into_response(),
        },
        Err(_) => None,
    };
    let password = Secret::new(form.password.clone());
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    // argon2 takes tens of milliseconds of CPU: off the async threads.
    let verified = tokio::task::spawn_blocking(move || match hash {
        Some(hash) => verify_password(&password, &hash).unwrap_or(false),
        None => verify_without_user(&password),
    })
    .await
    .unwrap_or(false);
    let Some(user) = user.filter(|_| verified) else {
        let outcome = match state.web.limiter.lock() {
            Ok(mut l) => l.record_failure(&key, now),
            Err(_) => Ok(()),
        };
        return match outcome {
            Err(locked) => refuse(
                StatusCode::TOO_MANY_REQUESTS,
                locked_message(minutes_until(locked.until, now)),
            ),
            Ok(()) => refuse(
                StatusCode::UNAUTHORIZED,
                "Wrong address or password. Check both and try again.".to_owned(),
            ),
        };
    };
    if let Ok(mut l) = state.web.limiter.lock() {
        l.record_success(&key);
    }
    let memberships = match state.store.memberships(user.id).await {
        Ok(m) => m,
        Err(e) => return WebError::from(e).into_response(),
    };
    let Some(first) = memberships.first() else {
        return refuse(
            StatusCode::FORBIDDEN,
            "You are not a member of any workspace yet; ask an owner to add you.".to_owned(),
        );
    };
    match start_session(&state, &headers, user.id, first.workspace_id, &next).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

/// Stores a new session and answers with its cookie and a redirect to `to`.
async fn start_session(
    state: &AppState,
    headers: &HeaderMap,
    user: overture_core::UserId,
    workspace: WorkspaceId,
    to: &str,
) -> Result<Response, WebError> {
    let now = state.clock.now();
    let secret = SessionSecret::generate();
    let settings = state.web.settings;
    state
        .store
        .create_session(NewSession {
            hash: secret.hash().as_str().to_owned(),
            user_id: user,
            workspace_id: workspace,
            created_at: now,
            expires_at: now + settings.idle_timeout.min(settings.max_age),
        })
        .await?;
    let secure = cookies::secure(headers, settings.secure_cookies);
    let mut response = Redirect::to(to).into_response();
    let max_age = settings.max_age.as_secs();
    response.headers_mut().append(
        header::SET_COOKIE,
        cookies::set(cookies::SESSION, secret.expose(), "/", max_age, secure),
    );
    response.headers_mut().append(
        header::SET_COOKIE,
        cookies::set(cookies::LOGIN, "", "/login", 0, secure),
    );
    Ok(response)
}

/// `POST /logout`: the session ends and its cookie is deleted.
pub(crate) async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(secret) =
        cookies::read(&headers, cookies::SESSION).and_then(|v| SessionSecret::parse(v).ok())
        && let Err(e) = state.store.delete_session(secret.hash().as_str()).await
    {
        return WebError::from(e).into_response();
    }
    let secure = cookies::secure(&headers, state.web.settings.secure_cookies);
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        cookies::set(cookies::SESSION, "", "/", 0, secure),
    );
    response
}

/// The switcher's form.
#[derive(Debug, Deserialize)]
pub(crate) struct SwitchForm {
    workspace: i64,
}

/// `POST /workspace`: a new session in another of the user's workspaces (404 for one they do
/// not belong to); the old session ends.
pub(crate) async fn switch_workspace(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Form(form): Form<SwitchForm>,
) -> Result<Response, WebError> {
    let memberships: Vec<Membership> = state.store.memberships(signed.user).await?;
    let target = memberships
        .iter()
        .find(|m| m.workspace_id.get() == form.workspace)
        .ok_or(WebError::NotFound)?;
    let response = start_session(&state, &headers, signed.user, target.workspace_id, "/").await?;
    state
        .store
        .delete_session(signed.secret.hash().as_str())
        .await?;
    Ok(response)
}
