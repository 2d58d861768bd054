//! A stateful fake of LinkedIn's internal Voyager API on loopback, so that no test reaches
//! the internet.
//!
//! [`FakeLinkedIn::start`] serves a [`World`] of fictional members and sender accounts on
//! `127.0.0.1`; the handle gives the base URL, each account's cookies, controls (accept
//! invitations now or when the clock reaches a time, have a member reply, expire a session,
//! rotate cookies, inject [`Fault`]s) and the [`RequestLog`]. Test support and
//! `overture dev fake-linkedin`; depends on nothing of Overture's but the clock.
//!
//! # What it checks, as the reference (`shared/reference/linkedin.md`) says
//! - Session: the `li_at` cookie names the account (unknown or missing: 401); a session
//!   expired with [`FakeLinkedIn::expire_session`] answers as its [`SessionDeath`] says.
//! - `csrf-token` must equal the `JSESSIONID` cookie without its quotes, else 403
//!   `CSRF check failed` (plain text).
//! - Invitations: 400 `PRIMARY_HANDLE_NOT_CONFIRMED` for an account without a confirmed
//!   email, the weekly cap over a rolling 7 days (400 with [`Limits::weekly_limit_code`]),
//!   400 `CANT_RESEND_YET` while one is pending or within [`Limits::reinvite_cooldown`] of a
//!   withdrawal, the note length (300, or 200 on free), and on free accounts the note quota
//!   (429 `CUSTOM_INVITE_LIMIT_REACHED`; invitations without a note still go through).
//! - Paths, `action=`/`q=` and decoration ids must be exactly those in [`paths`].
//!
//! # Where the reference is silent, the fake chooses
//! - Error bodies are `{"status":…,"code":…,"message":…}` in both shapes.
//! - A note that is too long: 400 `INVALID_CUSTOM_MESSAGE_LENGTH`; inviting a 1st-degree
//!   connection: 400 `ALREADY_CONNECTED`; messaging someone not connected: 403
//!   `NOT_CONNECTED`; withdrawing what is not pending: 404; unknown slug: 404.
//! - The note quota counts over a rolling 30 days.
//! - New messages: `GET …/voyagerMessagingDashMessengerMessages?q=mailbox&mailboxUrn=<own
//!   fsd_profile urn>&createdAfter=<epoch ms>&count=<n>`, both directions, newest first, each
//!   with `sender`, `conversationUrn`, `deliveredAt`, `body.text` (LinkedIn itself uses GraphQL
//!   query ids that rotate too often to copy). A repeated `originToken` sends once.
//! - Conversations, as open-source clients and Overture's own read them:
//!   `GET …/messaging/conversations?keyVersion=LEGACY_INBOX[&createdBefore=<epoch ms>]`, 20
//!   conversations a page with activity before `createdBefore`, newest first, each with
//!   `lastActivityAt` and all its `events` (sender's `miniProfile` under `MessagingMember`,
//!   `createdAt`, `attributedBody.text`), nested in both shapes.
//! - Who am I: `GET …/me` with `miniProfile` and `premiumSubscriber`.
//! - The account's own profile: the profile lookup of its own slug (or profile id) answers with
//!   `headline`, `summary` and `multiLocaleSummary` (its [`Account::about`]), a
//!   `profilePicture.displayImageReference.vectorImage` when [`Account::photo`] (a placeholder
//!   URL under `media.example.invalid`), and `profilePositionGroups`, a collection with one
//!   `urn:li:fsd_profilePositionGroup:` entity per employer of [`Account::positions`], each with
//!   its positions under `profilePositionInPositionGroup`; it carries no `MemberRelationship`
//!   (what LinkedIn sends there for oneself is not known).
//! - The connection count: `GET …/relationships/connectionsSummary` answers `numConnections`:
//!   [`Account::other_connections`] plus the world's 1st-degree members and the invitations
//!   accepted so far.
//! - Rotated cookies are announced once with `set-cookie` on the account's next answer; the
//!   old `li_at` keeps working.
//! - Response shape: [`ResponseShape`] per server; by default from the `accept` header.

mod api;
mod faults;
mod log;
mod render;
mod server;
mod state;
mod world;

use std::net::SocketAddr;
use std::sync::Arc;

use jiff::Timestamp;
use overture_clock::{Clock, ManualClock};

pub use crate::faults::Fault;
pub use crate::log::{Effect, LoggedRequest, RequestLog};
pub use crate::server::paths;
pub use crate::state::{Invitation, InvitationStatus, Refusal, SessionDeath};
pub use crate::world::{Account, Degree, Limits, Member, Position, Tier, World, profile_id_for};

use crate::faults::FaultRule;
use crate::server::Shared;
use crate::state::{Scheduled, State};

/// Which of Voyager's two JSON shapes the fake answers in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ResponseShape {
    /// `data` + `included[]`, as for `accept: application/vnd.linkedin.normalized+json+2.1`.
    Normalized,
    /// Inline `elements[]`, as for `accept: application/json`.
    Inline,
    /// Normalized when the `accept` header asks for it, else inline.
    #[default]
    ByAcceptHeader,
}

/// How to start the fake.
#[derive(Clone)]
pub struct Options {
    /// The fake's clock (scheduled acceptances and replies, `sentTime`, the rolling windows).
    pub clock: Arc<dyn Clock>,
    /// Response shape for every answer.
    pub shape: ResponseShape,
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("now", &self.clock.now())
            .field("shape", &self.shape)
            .field("port", &self.port)
            .finish()
    }
}

impl Default for Options {
    /// A manual clock at 2026-03-02 09:00 UTC, shape from `accept`, any free port.
    fn default() -> Self {
        let start = Timestamp::constant(1_772_442_000, 0);
        Self {
            clock: Arc::new(ManualClock::new(start)),
            shape: ResponseShape::default(),
            port: 0,
        }
    }
}

/// The cookies and header values that stand for an account's session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionCookies {
    /// `li_at` value.
    pub li_at: String,
    /// `JSESSIONID` value without quotes (`ajax:…`), which is also the `csrf-token`.
    pub jsessionid: String,
}

impl SessionCookies {
    /// A `cookie` header line, JSESSIONID quoted as browsers store it.
    pub fn cookie_header(&self) -> String {
        format!("li_at={}; JSESSIONID=\"{}\"", self.li_at, self.jsessionid)
    }

    /// The `csrf-token` header value.
    pub fn csrf_token(&self) -> &str {
        &self.jsessionid
    }
}

/// A control call that names something the fake does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlError(pub String);

impl std::fmt::Display for ControlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ControlError {}

impl From<Refusal> for ControlError {
    fn from(refusal: Refusal) -> Self {
        Self(refusal.message)
    }
}

/// A running fake; dropping it stops the server.
#[derive(Debug)]
pub struct FakeLinkedIn {
    addr: SocketAddr,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("shape", &self.shape)
            .finish_non_exhaustive()
    }
}

impl Drop for FakeLinkedIn {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl FakeLinkedIn {
    /// Serves `world` on a free loopback port with [`Options::default`].
    pub async fn start(world: World) -> std::io::Result<Self> {
        Self::start_with(world, Options::default()).await
    }

    /// Serves `world` as `options` say (needs a tokio runtime).
    pub async fn start_with(world: World, options: Options) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", options.port)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            state: std::sync::Mutex::new(State::new(world)),
            clock: options.clock,
            shape: options.shape,
        });
        let app = axum::Router::new()
            .fallback(server::handle)
            .with_state(Arc::clone(&shared));
        let server = tokio::spawn(async move {
            // Serving only ends when the task is aborted; an accept error ends the fake.
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            addr,
            shared,
            server,
        })
    }

    /// `http://127.0.0.1:<port>`: what a client uses instead of `https://www.linkedin.com`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `<base_url>/voyager/api`.
    pub fn api_url(&self) -> String {
        format!("{}{}", self.base_url(), paths::API)
    }

    /// The socket address served.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The current cookies of `account` (after any rotation).
    pub fn cookies(&self, account: &str) -> Result<SessionCookies, ControlError> {
        let state = self.shared.lock();
        let session = state.session(account).ok_or_else(|| no_account(account))?;
        Ok(SessionCookies {
            li_at: session.account.li_at.clone(),
            jsessionid: session.account.jsessionid.clone(),
        })
    }

    /// The names of the accounts, in the world's order.
    pub fn accounts(&self) -> Vec<String> {
        let state = self.shared.lock();
        state
            .sessions
            .iter()
            .map(|s| s.account.name.clone())
            .collect()
    }

    /// The fake's clock reading.
    pub fn now(&self) -> Timestamp {
        self.shared.clock.now()
    }

    /// Applies acceptances and replies whose time has come (requests do this too).
    pub fn tick(&self) {
        let now = self.now();
        self.shared.lock().run_due(now);
    }

    /// `slug` accepts the pending invitation from `account` now.
    pub fn accept(&self, account: &str, slug: &str) -> Result<(), ControlError> {
        let now = self.now();
        Ok(self.shared.lock().accept(account, slug, now)?)
    }

    /// `slug` accepts the invitation from `account` once the clock reads `at` (if it is
    /// still pending then).
    pub fn accept_at(&self, account: &str, slug: &str, at: Timestamp) {
        self.schedule(
            at,
            Scheduled::Accept {
                account: account.to_owned(),
                slug: slug.to_owned(),
            },
        );
    }

    /// `slug` writes `text` to `account` now.
    pub fn reply(&self, account: &str, slug: &str, text: &str) -> Result<(), ControlError> {
        let now = self.now();
        self.shared.lock().reply(account, slug, text, now)?;
        Ok(())
    }

    /// `slug` writes `text` to `account` once the clock reads `at`.
    pub fn reply_at(&self, account: &str, slug: &str, text: &str, at: Timestamp) {
        self.schedule(
            at,
            Scheduled::Reply {
                account: account.to_owned(),
                slug: slug.to_owned(),
                text: text.to_owned(),
            },
        );
    }

    fn schedule(&self, at: Timestamp, event: Scheduled) {
        self.shared.lock().scheduled.push((at, event));
        self.tick();
    }

    /// From now on, every request with `account`'s cookies answers as `how` says.
    pub fn expire_session(&self, account: &str, how: SessionDeath) -> Result<(), ControlError> {
        let mut state = self.shared.lock();
        let session = state
            .session_mut(account)
            .ok_or_else(|| no_account(account))?;
        session.dead = Some(how);
        Ok(())
    }

    /// New cookie values for `account`, announced with `set-cookie` on its next answer.
    pub fn rotate_cookies(&self, account: &str) -> Result<SessionCookies, ControlError> {
        let mut state = self.shared.lock();
        let session = state
            .session_mut(account)
            .ok_or_else(|| no_account(account))?;
        let generation = session.previous_li_at.len() + 1;
        let old = std::mem::take(&mut session.account.li_at);
        session.account.li_at = format!("{old}-r{generation}");
        session.account.jsessionid =
            format!("ajax:{}", world::digits_of(&session.account.li_at, 19));
        session.previous_li_at.push(old);
        session.rotation_pending = true;
        Ok(SessionCookies {
            li_at: session.account.li_at.clone(),
            jsessionid: session.account.jsessionid.clone(),
        })
    }

    /// The next `times` requests (whatever their path) meet `fault`.
    pub fn fail_next(&self, times: u32, fault: Fault) {
        self.add_fault(fault, None, Some(times));
    }

    /// Requests whose undecoded `path?query` contains `needle` meet `fault`: the next
    /// `times` of them, or all until [`FakeLinkedIn::clear_faults`] when `None`.
    pub fn fail_matching(&self, needle: &str, fault: Fault, times: Option<u32>) {
        self.add_fault(fault, Some(needle.to_owned()), times);
    }

    fn add_fault(&self, fault: Fault, matching: Option<String>, remaining: Option<u32>) {
        if remaining == Some(0) {
            return;
        }
        self.shared.lock().faults.push(FaultRule {
            fault,
            matching,
            remaining,
        });
    }

    /// Removes every injected fault.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// A snapshot of every request so far.
    pub fn log(&self) -> RequestLog {
        RequestLog {
            entries: self.shared.lock().log.clone(),
        }
    }

    /// Every invitation the fake holds, in order of sending.
    pub fn invitations(&self) -> Vec<Invitation> {
        self.shared.lock().invitations.clone()
    }

    /// Whether `account` and `slug` are connected now.
    pub fn is_connected(&self, account: &str, slug: &str) -> bool {
        self.shared.lock().connected_at(account, slug).is_some()
    }

    /// Texts of the messages between `account` and `slug`, oldest first, each with `true`
    /// when the member wrote it.
    pub fn conversation(&self, account: &str, slug: &str) -> Vec<(bool, String)> {
        let state = self.shared.lock();
        state
            .messages
            .iter()
            .filter(|m| m.account == account && m.slug == slug)
            .map(|m| (m.from_member, m.text.clone()))
            .collect()
    }
}

fn no_account(account: &str) -> ControlError {
    ControlError(format!("no account named {account}"))
}
