//! Users, their memberships of workspaces, their sessions, and API tokens, as the store keeps
//! them. Hashes only: passwords as argon2id PHC strings, session ids and tokens as SHA-256 hex
//! (made by `overture-auth`); the store never sees a clear secret.

use jiff::Timestamp;
use overture_core::{ApiTokenId, Role, UserId, WorkspaceId};
use serde::Serialize;

/// A user to create. The address is stored as given; give it normalised
/// (`overture_auth::normalize_email`). Addresses are unique whatever their case.
#[derive(Clone, PartialEq, Eq)]
pub struct NewUser {
    /// The sign-in address.
    pub email: String,
    /// The name shown to other members.
    pub display_name: String,
    /// The password's argon2id hash (a PHC string).
    pub password_hash: String,
    /// When the user was created.
    pub created_at: Timestamp,
}

/// A stored user. Prints its password hash as `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct User {
    /// The user's id.
    pub id: UserId,
    /// The sign-in address.
    pub email: String,
    /// The name shown to other members.
    pub display_name: String,
    /// The password's argon2id hash (a PHC string).
    pub password_hash: String,
    /// When the user was created.
    pub created_at: Timestamp,
    /// A disabled user cannot sign in, and their sessions no longer resolve.
    pub disabled: bool,
}

fn redacted_user(
    f: &mut std::fmt::Formatter<'_>,
    name: &str,
    id: Option<UserId>,
    email: &str,
    display_name: &str,
) -> std::fmt::Result {
    let mut s = f.debug_struct(name);
    if let Some(id) = id {
        s.field("id", &id);
    }
    s.field("email", &email)
        .field("display_name", &display_name)
        .field("password_hash", &"***")
        .finish_non_exhaustive()
}

impl std::fmt::Debug for NewUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        redacted_user(f, "NewUser", None, &self.email, &self.display_name)
    }
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        redacted_user(f, "User", Some(self.id), &self.email, &self.display_name)
    }
}

/// A member of a workspace, as its member list shows them (no password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    /// The user.
    pub user_id: UserId,
    /// The sign-in address.
    pub email: String,
    /// The name shown to other members.
    pub display_name: String,
    /// The role in this workspace.
    pub role: Role,
    /// Whether the user is disabled.
    pub disabled: bool,
    /// When the user became a member.
    pub since: Timestamp,
}

/// One workspace a user belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Membership {
    /// The workspace.
    pub workspace_id: WorkspaceId,
    /// The user's role there.
    pub role: Role,
}

/// A session to store: the SHA-256 of its secret (the cookie's value), never the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct NewSession {
    /// The hash of the session's secret (`overture_auth::TokenHash`), in hex.
    pub hash: String,
    /// Who signed in.
    pub user_id: UserId,
    /// The workspace the session works in.
    pub workspace_id: WorkspaceId,
    /// When the user signed in.
    pub created_at: Timestamp,
    /// When the session stops working unless it is touched.
    pub expires_at: Timestamp,
}

impl std::fmt::Debug for NewSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSession")
            .field("hash", &"***")
            .field("user_id", &self.user_id)
            .field("workspace_id", &self.workspace_id)
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// What a live session stands for: who, in which workspace, with which role (the
/// membership's role now, not when the session began).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionAuth {
    /// The signed-in user.
    pub user: User,
    /// The session's workspace.
    pub workspace_id: WorkspaceId,
    /// The user's role in it.
    pub role: Role,
    /// When the user signed in.
    pub created_at: Timestamp,
    /// When the session expires unless touched.
    pub expires_at: Timestamp,
    /// When the session was last used.
    pub last_seen: Timestamp,
}

/// An API token to store: its SHA-256 and its display prefix, never the token.
#[derive(Clone, PartialEq, Eq)]
pub struct NewApiToken {
    /// The workspace the token works in.
    pub workspace_id: WorkspaceId,
    /// What the token is for (`crm sync`), for people.
    pub name: String,
    /// The token's first characters (`ovt_` and 8 more), not secret, unique.
    pub prefix: String,
    /// The hash of the whole token (`overture_auth::TokenHash`), in hex.
    pub hash: String,
    /// What the token may do.
    pub role: Role,
    /// Who made it; `None` from the command line, which has no signed-in user.
    pub created_by: Option<UserId>,
    /// When it was made.
    pub created_at: Timestamp,
}

impl std::fmt::Debug for NewApiToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewApiToken")
            .field("workspace_id", &self.workspace_id)
            .field("name", &self.name)
            .field("prefix", &self.prefix)
            .field("hash", &"***")
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// A stored API token without its hash: what lists show and what a request is authorised
/// with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiTokenInfo {
    /// The token's id.
    pub id: ApiTokenId,
    /// Its workspace.
    pub workspace_id: WorkspaceId,
    /// What it is for.
    pub name: String,
    /// Its display prefix.
    pub prefix: String,
    /// What it may do.
    pub role: Role,
    /// Who made it, if a signed-in user did.
    pub created_by: Option<UserId>,
    /// When it was made.
    pub created_at: Timestamp,
    /// When it was last used (to the minute).
    pub last_used_at: Option<Timestamp>,
    /// When it was revoked; a revoked token no longer works.
    pub revoked_at: Option<Timestamp>,
}
