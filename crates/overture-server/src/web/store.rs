//! [`WebStore`]: what the dashboard asks of the store beyond [`ServerStore`](crate::ServerStore)'s
//! reads and use cases: users and their browser sessions. Object-safe, implemented for every
//! store.

use jiff::Timestamp;
use overture_core::UserId;
use overture_store::{Membership, NewSession, SessionAuth, Store, User, UserStore};

use crate::server_store::Fut;

/// The store as the dashboard sees it.
pub trait WebStore: Send + Sync + 'static {
    /// The user with this address, if any.
    fn user_by_email<'a>(&'a self, email: &'a str) -> Fut<'a, Option<User>>;
    /// The workspaces a user belongs to.
    fn memberships(&self, user: UserId) -> Fut<'_, Vec<Membership>>;
    /// Stores a session.
    fn create_session(&self, session: NewSession) -> Fut<'_, ()>;
    /// The live session with this hash.
    fn session_by_hash<'a>(&'a self, hash: &'a str, now: Timestamp)
    -> Fut<'a, Option<SessionAuth>>;
    /// Records a session's use and moves its expiry.
    fn touch_session<'a>(
        &'a self,
        hash: &'a str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Fut<'a, bool>;
    /// Ends a session.
    fn delete_session<'a>(&'a self, hash: &'a str) -> Fut<'a, bool>;
}

impl<S: Store + Send + Sync + 'static> WebStore for S {
    fn user_by_email<'a>(&'a self, email: &'a str) -> Fut<'a, Option<User>> {
        Box::pin(UserStore::user_by_email(self, email))
    }

    fn memberships(&self, user: UserId) -> Fut<'_, Vec<Membership>> {
        Box::pin(UserStore::memberships(self, user))
    }

    fn create_session(&self, session: NewSession) -> Fut<'_, ()> {
        Box::pin(UserStore::create_session(self, session))
    }

    fn session_by_hash<'a>(
        &'a self,
        hash: &'a str,
        now: Timestamp,
    ) -> Fut<'a, Option<SessionAuth>> {
        Box::pin(UserStore::session_by_hash(self, hash, now))
    }

    fn touch_session<'a>(
        &'a self,
        hash: &'a str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Fut<'a, bool> {
        Box::pin(UserStore::touch_session(self, hash, now, expires_at))
    }

    fn delete_session<'a>(&'a self, hash: &'a str) -> Fut<'a, bool> {
        Box::pin(UserStore::delete_session(self, hash))
    }
}
