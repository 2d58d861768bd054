//! The real LinkedIn channel: a client for Voyager, LinkedIn's internal web API, as the
//! browser uses it with a logged-in session, and the classification of LinkedIn's answers into
//! the channel port's error taxonomy.
//!
//! - [`VoyagerClient`] speaks for one account: its [`LinkedInSession`] (the `li_at` and `JSESSIONID`
//!   cookies, secrets that never appear in `Debug`, errors or logs; cookies LinkedIn rotates
//!   with `set-cookie` replace them and go to the [`RotationHook`] to be stored) and its [`ClientConfig`]
//!   (`api_base`, an HTTP or SOCKS5 proxy, timeouts, read retries, browser headers). Every
//!   request carries the cookies, `csrf-token` (JSESSIONID without its quotes),
//!   `x-restli-protocol-version: 2.0.0`, `x-li-lang`, a browser's user agent and
//!   `accept: application/vnd.linkedin.normalized+json+2.1`; answers are read in that shape or
//!   the plain `application/json` one (module [`parse`]).
//! - Every path, decoration id and query id is in module [`endpoints`], with where it comes
//!   from. The operations: profile lookup by slug, invitation with or without a note (its id
//!   comes back), the sent list (pages of at most 100, followed to the end), its count,
//!   withdrawal (current form, then the older batch form when the current one answers 404, 405, 410 or a redirect),
//!   recent connections, a message (first message or into a conversation), and messages since
//!   a point.
//! - The account check ([`VoyagerClient::account_check`]), reads only: is the session alive,
//!   who is it, how many invitations are pending, and what its own profile lacks (photo,
//!   headline, experience, about, [`MIN_CONNECTIONS`]) for invitations to be accepted.
//! - Retries: reads (`GET`) are tried again after a passing failure (timeout, no connection,
//!   5xx), at most [`ClientConfig::read_retries`] times; writes (`POST`: invitations,
//!   withdrawals, messages) are sent once, and a passing failure comes back as
//!   [`ChannelError::Transient`](overture_channel::ChannelError::Transient) for the engine to
//!   reconcile before anything is sent again.
//! - Classification ([`classify::classify`]) is a pure function of status, headers, body and
//!   URL, following the reference's error table; `docs/linkedin.md` tabulates it.
//! - [`LinkedInChannel`] implements the `Channel` port over the client, and
//!   [`LinkedInChannels`] hands out each account's channel to the engine.
//!
//! It depends on the channel port and the core only; it reads no files, environment or clock
//! (times come from LinkedIn's answers).

mod account_check;
mod channels;
pub mod classify;
mod client;
pub mod endpoints;
mod linkedin_channel;
mod ops;
pub mod parse;

pub use account_check::{AccountCheck, MIN_CONNECTIONS, Missing, ProfileCompleteness};
pub use channels::LinkedInChannels;
pub use client::{BuildError, ClientConfig, MAX_REDIRECTS, RotationHook, VoyagerClient};
pub use linkedin_channel::{LinkedInChannel, origin_token};
pub use ops::{MAX_PAGES, Recipient, next_start};
pub use overture_secrets::LinkedInSession;
