//! Who may do what in a workspace, and how people and programs prove who they are.
//!
//! - [`Role`] (from the core, since the store keeps it) and [`Action`]: [`allows`] is the
//!   permission matrix below; [`can_grant`] and [`can_issue_token`] keep anyone from handing
//!   out more than they have.
//! - Passwords ([`hash_password`], [`verify_password`]): argon2id with OWASP's parameters
//!   (19 MiB, two passes, one lane), stored as PHC strings; [`check_password`] refuses weak ones
//!   with a message that says what to do.
//! - API tokens ([`ApiToken`]): `ovt_` and 32 random bytes in base64url, shown once; the store
//!   keeps their SHA-256 ([`TokenHash`]) and a short prefix for display and revocation.
//! - Sessions ([`SessionSecret`]): 32 random bytes, the cookie's value; the store keeps their
//!   SHA-256 only.
//! - CSRF tokens ([`csrf_token`], [`verify_csrf`]): HMAC-SHA-256 keyed by the session's
//!   secret, so a token is valid for exactly one session and needs no storage.
//! - Login rate limiting ([`LoginLimiter`]): failures per user name and client address, with a
//!   lockout that doubles each time; time is passed in.
//!
//! # The permission matrix
//!
//! | Action            | Viewer | Member | Admin | Owner |
//! |-------------------|:------:|:------:|:-----:|:-----:|
//! | `ReadData`        | yes    | yes    | yes   | yes   |
//! | `WriteData`       |        | yes    | yes   | yes   |
//! | `ManageAccounts`  |        |        | yes   | yes   |
//! | `ManageMembers`   |        |        | yes¹  | yes   |
//! | `ManageTokens`    |        |        | yes²  | yes   |
//! | `ManageWebhooks`  |        |        | yes   | yes   |
//! | `ManageWorkspace` |        |        |       | yes   |
//!
//! ¹ Only members below admin ([`can_grant`]). ² Only tokens up to the admin's own role
//! ([`can_issue_token`]).
//!
//! Secrets (passwords, tokens, session ids) are held as `overture_secrets::Secret`, which
//! prints `***`; hashes print as `***` too.
//!
//! No IO: the only thing taken from the outside world is the operating system's randomness
//! (salts, tokens, session ids). No clock either: every function that depends on time takes
//! `now`. Depends on the core and `overture-secrets`, nothing else of Overture's; the store
//! and the server depend on it, never the other way round.

mod email;
mod password;
mod permissions;
mod rate_limit;
mod tokens;

pub use email::{EmailError, normalize_email};
pub use overture_core::Role;
pub use password::{
    MAX_PASSWORD_BYTES, MIN_PASSWORD_CHARS, PasswordError, PasswordHash, check_password,
    hash_password, verify_password, verify_without_user,
};
pub use permissions::{Action, allows, can_grant, can_issue_token};
pub use rate_limit::{LockedOut, LoginKey, LoginLimiter, LoginPolicy};
pub use tokens::{
    API_TOKEN_PREFIX, ApiToken, PREFIX_LEN, SessionSecret, TokenError, TokenHash, csrf_token,
    parse_api_token, random_password, verify_csrf,
};
