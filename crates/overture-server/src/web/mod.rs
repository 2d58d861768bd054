//! The dashboard: server-rendered pages for people who sign in with a password.
//!
//! - Sessions ([`session`]): `GET/POST /login`, `POST /logout`, `POST /workspace` (the
//!   switcher). The cookie is `HttpOnly`, `SameSite=Lax`, and `Secure` when the request came
//!   over TLS; the store keeps its hash only.
//! - CSRF ([`csrf`]): every request that is not a `GET` or `HEAD` carries the session's token,
//!   in a hidden `csrf` field or an `X-CSRF-Token` header (htmx), or is refused with 403.
//! - Pages ([`pages`]): overview, campaigns, invitations, charts, leads and the event feed,
//!   each scoped by the session's workspace and limited by its role. Every page reads without
//!   JavaScript; htmx and uPlot, served from the binary ([`assets`]), only enhance.

mod actions;
pub(crate) mod assets;
mod cookies;
pub(crate) mod csrf;
mod pages;
mod render;
pub(crate) mod session;
mod store;

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::middleware;
use axum::routing::{get, post};
use jiff::SignedDuration;
use overture_auth::{LoginLimiter, LoginPolicy};

pub use store::WebStore;

use crate::AppState;

/// How browser sessions behave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebSettings {
    /// Mark cookies `Secure` whatever the request says (set it when a proxy in front
    /// terminates TLS but sends no `X-Forwarded-Proto`).
    pub secure_cookies: bool,
    /// A session unused this long ends.
    pub idle_timeout: SignedDuration,
    /// A session ends this long after sign-in, however busy.
    pub max_age: SignedDuration,
    /// The limits on failed sign-ins.
    pub login_policy: LoginPolicy,
}

impl Default for WebSettings {
    /// No forced `Secure`, 12 hours idle, 7 days at most, five failures in 15 minutes.
    fn default() -> Self {
        Self {
            secure_cookies: false,
            idle_timeout: SignedDuration::from_hours(12),
            max_age: SignedDuration::from_hours(7 * 24),
            login_policy: LoginPolicy::default(),
        }
    }
}

impl WebSettings {
    /// The settings for a clock `speed` times faster than the wall clock (the sandbox demo):
    /// sessions and sign-in lockouts last as long in real time as they do at normal speed.
    pub fn at_speed(self, speed: i32) -> Self {
        let scale = |d: SignedDuration| d.checked_mul(speed.max(1)).unwrap_or(SignedDuration::MAX);
        Self {
            idle_timeout: scale(self.idle_timeout),
            max_age: scale(self.max_age),
            login_policy: LoginPolicy {
                window: scale(self.login_policy.window),
                lockout: scale(self.login_policy.lockout),
                max_lockout: scale(self.login_policy.max_lockout),
                ..self.login_policy
            },
            ..self
        }
    }
}

/// What the dashboard keeps in memory: its settings and the sign-in limiter (one per
/// process).
#[derive(Debug, Clone)]
pub struct WebState {
    /// The settings.
    pub settings: WebSettings,
    limiter: Arc<Mutex<LoginLimiter>>,
}

impl WebState {
    /// The state for `settings`.
    pub fn new(settings: WebSettings) -> Self {
        Self {
            settings,
            limiter: Arc::new(Mutex::new(LoginLimiter::new(settings.login_policy))),
        }
    }
}

impl Default for WebState {
    fn default() -> Self {
        Self::new(WebSettings::default())
    }
}

/// The dashboard's routes, CSRF-checked.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/assets/{file}", get(assets::serve))
        .route("/favicon.ico", get(assets::no_icon))
        .route("/login", get(session::login_page).post(session::login))
        .route("/logout", post(session::logout))
        .route("/workspace", post(session::switch_workspace))
        .merge(pages::routes())
        .layer(middleware::from_fn(csrf::require_csrf))
}
