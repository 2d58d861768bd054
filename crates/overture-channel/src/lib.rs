//! The Channel port: the operations a sender needs on LinkedIn, whatever carries them (the
//! simulated network in `overture-sandbox`, the real LinkedIn channel later), and the typed
//! error taxonomy the engine acts on without reading messages.
//!
//! A [`Channel`] is one sender seat's view of the network. A [`Channels`] hands out the
//! channel of each account. Transport types (HTTP responses, cookies) never cross this port:
//! adapters map them to [`ChannelError`].
//!
//! This crate depends on `overture-core` only; it does no IO itself.

mod error;
mod types;

use std::future::Future;

use jiff::Timestamp;
use overture_core::{Account, ProfileUrl};

pub use error::{ChannelError, ErrorClass};
pub use types::{
    Connection, Degree, InviteRequest, LikeOutcome, MessageRequest, Page, Profile, Reply,
    SentInvitation, SentMessage, ThreadMessage,
};

/// One sender seat's operations on the network. Every call may fail with a [`ChannelError`].
pub trait Channel: Send + Sync {
    /// Looks up a person: their member id, connection degree and mutual connections.
    fn lookup_profile(
        &self,
        profile: &ProfileUrl,
    ) -> impl Future<Output = Result<Profile, ChannelError>> + Send;

    /// Visits a person's profile (they may see the visit) and returns what it shows the seat:
    /// the degree of connection and the mutual connections, which put people with common
    /// ground first when the budget is scarce.
    fn visit(
        &self,
        profile: &ProfileUrl,
    ) -> impl Future<Output = Result<Profile, ChannelError>> + Send;

    /// Follows a person.
    fn follow(&self, profile: &ProfileUrl)
    -> impl Future<Output = Result<(), ChannelError>> + Send;

    /// Likes a person's most recent post, if they have one.
    fn like_recent_post(
        &self,
        profile: &ProfileUrl,
    ) -> impl Future<Output = Result<LikeOutcome, ChannelError>> + Send;

    /// Sends a connection invitation, with an optional note; the answer carries the
    /// invitation's id, so a later withdrawal needs no scan.
    fn invite(
        &self,
        request: InviteRequest,
    ) -> impl Future<Output = Result<SentInvitation, ChannelError>> + Send;

    /// One page of the seat's pending sent invitations, newest first. `cursor` is `None` for
    /// the first page and the previous page's `next` after that; `page_size` is at most 100.
    fn sent_invitations(
        &self,
        cursor: Option<String>,
        page_size: u32,
    ) -> impl Future<Output = Result<Page<SentInvitation>, ChannelError>> + Send;

    /// Withdraws a pending invitation by its id.
    fn withdraw(
        &self,
        invitation_id: &str,
    ) -> impl Future<Output = Result<(), ChannelError>> + Send;

    /// People who became connections of the seat at or after `since`, oldest first.
    fn connections_since(
        &self,
        since: Timestamp,
    ) -> impl Future<Output = Result<Vec<Connection>, ChannelError>> + Send;

    /// Sends a message to a first-degree connection.
    fn send_message(
        &self,
        request: MessageRequest,
    ) -> impl Future<Output = Result<SentMessage, ChannelError>> + Send;

    /// The messages exchanged with a person at or after `since`, oldest first; used after a
    /// crash to find out whether a message went out.
    fn thread(
        &self,
        profile: &ProfileUrl,
        since: Timestamp,
    ) -> impl Future<Output = Result<Vec<ThreadMessage>, ChannelError>> + Send;

    /// Messages people sent to the seat at or after `since`, oldest first.
    fn replies_since(
        &self,
        since: Timestamp,
    ) -> impl Future<Output = Result<Vec<Reply>, ChannelError>> + Send;
}

/// Hands out the channel of each account.
pub trait Channels: Send + Sync + 'static {
    /// The channel type.
    type Channel: Channel;

    /// The channel of `account`; an account this provider cannot carry (a missing session, a
    /// kind it does not serve) is an error the engine acts on like any other.
    fn channel(&self, account: &Account) -> Result<Self::Channel, ChannelError>;
}
