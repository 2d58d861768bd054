//! [`UserStore`]: the part of the store port that keeps who signs in.

use std::future::Future;

use jiff::Timestamp;
use overture_core::{Role, UserId, WorkspaceId};

use crate::error::StoreError;
use crate::users::{
    ApiTokenInfo, Member, Membership, NewApiToken, NewSession, NewUser, SessionAuth, User,
};

/// Users, memberships, sessions and API tokens, a part of [`Store`](crate::Store) (its
/// supertrait): who signs in, and with which role in which workspace. The store keeps hashes
/// only (made by `overture-auth`). Users are not in a workspace (one person may be a member of
/// several); everything else is scoped by one.
pub trait UserStore: Send + Sync {
    /// Stores a new user and, when given, their membership of a workspace, in one
    /// transaction. `Conflict` if the address is taken (whatever its case); `NotFound` for an
    /// unknown workspace, and nothing is stored.
    fn create_user(
        &self,
        user: NewUser,
        membership: Option<(WorkspaceId, Role)>,
    ) -> impl Future<Output = Result<User, StoreError>> + Send;

    /// One user.
    fn user(&self, id: UserId) -> impl Future<Output = Result<User, StoreError>> + Send;

    /// The user with this address (whatever its case), if any.
    fn user_by_email(
        &self,
        email: &str,
    ) -> impl Future<Output = Result<Option<User>, StoreError>> + Send;

    /// How many users there are (none on a fresh install).
    fn user_count(&self) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Disables (or enables again) a user; a disabled user's sessions stop resolving.
    fn set_user_disabled(
        &self,
        id: UserId,
        disabled: bool,
    ) -> impl Future<Output = Result<User, StoreError>> + Send;

    /// The workspaces a user belongs to, with their role there, by workspace id.
    fn memberships(
        &self,
        user: UserId,
    ) -> impl Future<Output = Result<Vec<Membership>, StoreError>> + Send;

    /// The workspace's members, by address.
    fn list_members(
        &self,
        ws: WorkspaceId,
    ) -> impl Future<Output = Result<Vec<Member>, StoreError>> + Send;

    /// Makes the user a member of the workspace with `role` (a member since `now`), or changes
    /// their role.
    /// `NotFound` for an unknown workspace or user; `Conflict` when it would leave the
    /// workspace without an owner.
    fn set_membership(
        &self,
        ws: WorkspaceId,
        user: UserId,
        role: Role,
        now: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Removes the user from the workspace, with their sessions there; says whether they
    /// were a member. `Conflict` when they are its last owner.
    fn remove_membership(
        &self,
        ws: WorkspaceId,
        user: UserId,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Stores a session. `NotFound` unless the user is a member of the workspace;
    /// `Conflict` for a hash already stored.
    fn create_session(
        &self,
        session: NewSession,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The session with this hash, with its user and their current role; `None` when there
    /// is none, it expired (`expires_at <= now`), the user is disabled or no longer a member.
    fn session_by_hash(
        &self,
        hash: &str,
        now: Timestamp,
    ) -> impl Future<Output = Result<Option<SessionAuth>, StoreError>> + Send;

    /// Records that the session was used at `now` and moves its expiry to `expires_at`;
    /// says whether it exists and had not expired.
    fn touch_session(
        &self,
        hash: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Deletes a session (signing out); says whether it existed.
    fn delete_session(&self, hash: &str) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Deletes every session of a user (after a password change, or when disabling them);
    /// returns how many there were.
    fn delete_sessions_of_user(
        &self,
        user: UserId,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Stores an API token. `NotFound` for an unknown workspace; `Conflict` for a prefix or
    /// hash already stored.
    fn create_api_token(
        &self,
        token: NewApiToken,
    ) -> impl Future<Output = Result<ApiTokenInfo, StoreError>> + Send;

    /// The unrevoked token with this hash, if any, and records its use at `now` (at most once
    /// a minute, so that busy tokens do not make a write per request).
    fn api_token_by_hash(
        &self,
        hash: &str,
        now: Timestamp,
    ) -> impl Future<Output = Result<Option<ApiTokenInfo>, StoreError>> + Send;

    /// The workspace's tokens, revoked ones included, by id; never their hashes.
    fn list_api_tokens(
        &self,
        ws: WorkspaceId,
    ) -> impl Future<Output = Result<Vec<ApiTokenInfo>, StoreError>> + Send;

    /// Revokes the workspace's token with this prefix and returns it; revoking it again keeps
    /// the first time. `NotFound` for a prefix of no token of the workspace.
    fn revoke_api_token(
        &self,
        ws: WorkspaceId,
        prefix: &str,
        now: Timestamp,
    ) -> impl Future<Output = Result<ApiTokenInfo, StoreError>> + Send;
}
