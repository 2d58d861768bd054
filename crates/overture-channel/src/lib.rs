//! The Channel port: the operations a sender needs on LinkedIn, whatever carries them (the
//! simulated network in `overture-sandbox`, the real LinkedIn channel later), and the typed
//! error taxonomy the engine acts on without reading messages.
//!
//! A [`Channel`] is one sender seat's view of the network. A [`Channels`] hands out the
//! channel of each account. Transport types (HTTP responses, cookies) never cross this port:
//! adapters map them to [`ChannelError`].
//!
//! This crate depends on `overture-core` only; it does no IO itself.

mod email;
mod error;
mod map;
mod types;

use std::future::Future;
use std::sync::Arc;

use jiff::Timestamp;
use overture_core::{Account, ProfileUrl};

pub use email::{EmailRequest, InboundEmail, InboundKind, InboundPage, SentEmail, UNSUBSCRIBE_REF};
pub use error::{ChannelError, ErrorClass};
pub use map::ChannelMap;
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

    /// The client token a message sent with `idempotency_key` carries in [`Self::thread`]'s
    /// answer ([`ThreadMessage::client_token`]): the key itself unless the network wants
    /// tokens of its own shape (LinkedIn's `originToken` is a UUID derived from the key).
    fn client_token(&self, idempotency_key: &str) -> String {
        idempotency_key.to_owned()
    }

    /// Sends an email (a mailbox's channel). Other channels answer `Permanent`.
    fn send_email(
        &self,
        request: EmailRequest,
    ) -> impl Future<Output = Result<SentEmail, ChannelError>> + Send {
        let _ = request;
        std::future::ready(Err(ChannelError::Permanent {
            detail: "this account cannot send email".to_owned(),
        }))
    }

    /// Whether the email sent with `idempotency_key` is in the mailbox's Sent folder, to find
    /// out after a crash whether it went: `Some(true)` it is, `Some(false)` it is not, `None`
    /// the mailbox cannot tell (no Sent folder; other channels).
    fn email_sent(
        &self,
        idempotency_key: &str,
    ) -> impl Future<Output = Result<Option<bool>, ChannelError>> + Send {
        let _ = idempotency_key;
        std::future::ready(Ok(None))
    }

    /// Messages that arrived in the mailbox after `cursor` (the previous page's), classified.
    /// Other channels have none.
    fn inbound_since(
        &self,
        cursor: Option<String>,
    ) -> impl Future<Output = Result<InboundPage, ChannelError>> + Send {
        let _ = cursor;
        std::future::ready(Ok(InboundPage::default()))
    }
}

/// A shared channel is a channel: providers that build a channel once per account hand out
/// `Arc`s of it.
impl<T: Channel + ?Sized> Channel for Arc<T> {
    fn lookup_profile(
        &self,
        profile: &ProfileUrl,
    ) -> impl Future<Output = Result<Profile, ChannelError>> + Send {
        (**self).lookup_profile(profile)
    }

    fn visit(
        &self,
        profile: &ProfileUrl,
    ) -> impl Future<Output = Result<Profile, ChannelError>> + Send {
        (**self).visit(profile)
    }

    fn follow(
        &self,
        profile: &ProfileUrl,
    ) -> impl Future<Output = Result<(), ChannelError>> + Send {
        (**self).follow(profile)
    }

    fn like_recent_post(
        &self,
        profile: &ProfileUrl,
    ) -> impl Future<Output = Result<LikeOutcome, ChannelError>> + Send {
        (**self).like_recent_post(profile)
    }

    fn invite(
        &self,
        request: InviteRequest,
    ) -> impl Future<Output = Result<SentInvitation, ChannelError>> + Send {
        (**self).invite(request)
    }

    fn sent_invitations(
        &self,
        cursor: Option<String>,
        page_size: u32,
    ) -> impl Future<Output = Result<Page<SentInvitation>, ChannelError>> + Send {
        (**self).sent_invitations(cursor, page_size)
    }

    fn withdraw(
        &self,
        invitation_id: &str,
    ) -> impl Future<Output = Result<(), ChannelError>> + Send {
        (**self).withdraw(invitation_id)
    }

    fn connections_since(
        &self,
        since: Timestamp,
    ) -> impl Future<Output = Result<Vec<Connection>, ChannelError>> + Send {
        (**self).connections_since(since)
    }

    fn send_message(
        &self,
        request: MessageRequest,
    ) -> impl Future<Output = Result<SentMessage, ChannelError>> + Send {
        (**self).send_message(request)
    }

    fn thread(
        &self,
        profile: &ProfileUrl,
        since: Timestamp,
    ) -> impl Future<Output = Result<Vec<ThreadMessage>, ChannelError>> + Send {
        (**self).thread(profile, since)
    }

    fn replies_since(
        &self,
        since: Timestamp,
    ) -> impl Future<Output = Result<Vec<Reply>, ChannelError>> + Send {
        (**self).replies_since(since)
    }

    fn client_token(&self, idempotency_key: &str) -> String {
        (**self).client_token(idempotency_key)
    }

    fn send_email(
        &self,
        request: EmailRequest,
    ) -> impl Future<Output = Result<SentEmail, ChannelError>> + Send {
        (**self).send_email(request)
    }

    fn email_sent(
        &self,
        idempotency_key: &str,
    ) -> impl Future<Output = Result<Option<bool>, ChannelError>> + Send {
        (**self).email_sent(idempotency_key)
    }

    fn inbound_since(
        &self,
        cursor: Option<String>,
    ) -> impl Future<Output = Result<InboundPage, ChannelError>> + Send {
        (**self).inbound_since(cursor)
    }
}

/// Hands out the channel of each account.
pub trait Channels: Send + Sync + 'static {
    /// The channel type.
    type Channel: Channel;

    /// The channel of `account`; an account this provider cannot carry (a missing session, a
    /// kind it does not serve) is an error the engine acts on like any other.
    fn channel(&self, account: &Account) -> Result<Self::Channel, ChannelError>;
}

/// A shared provider is a provider (the engine owns its provider; whoever loads sessions into
/// it keeps a handle).
impl<T: Channels> Channels for Arc<T> {
    type Channel = T::Channel;

    fn channel(&self, account: &Account) -> Result<T::Channel, ChannelError> {
        (**self).channel(account)
    }
}

/// One of two channel types, for a provider that serves accounts of two kinds (the sandbox's
/// and LinkedIn's in `overture run`).
#[derive(Debug, Clone)]
pub enum Either<A, B> {
    /// The first kind.
    Left(A),
    /// The second kind.
    Right(B),
}

/// Calls the same method on whichever channel `self` holds.
macro_rules! either {
    ($self:ident, $c:ident => $call:expr) => {
        match $self {
            Either::Left($c) => $call,
            Either::Right($c) => $call,
        }
    };
}

impl<A: Channel, B: Channel> Channel for Either<A, B> {
    async fn lookup_profile(&self, profile: &ProfileUrl) -> Result<Profile, ChannelError> {
        either!(self, c => c.lookup_profile(profile).await)
    }

    async fn visit(&self, profile: &ProfileUrl) -> Result<Profile, ChannelError> {
        either!(self, c => c.visit(profile).await)
    }

    async fn follow(&self, profile: &ProfileUrl) -> Result<(), ChannelError> {
        either!(self, c => c.follow(profile).await)
    }

    async fn like_recent_post(&self, profile: &ProfileUrl) -> Result<LikeOutcome, ChannelError> {
        either!(self, c => c.like_recent_post(profile).await)
    }

    async fn invite(&self, request: InviteRequest) -> Result<SentInvitation, ChannelError> {
        either!(self, c => c.invite(request).await)
    }

    async fn sent_invitations(
        &self,
        cursor: Option<String>,
        page_size: u32,
    ) -> Result<Page<SentInvitation>, ChannelError> {
        either!(self, c => c.sent_invitations(cursor, page_size).await)
    }

    async fn withdraw(&self, invitation_id: &str) -> Result<(), ChannelError> {
        either!(self, c => c.withdraw(invitation_id).await)
    }

    async fn connections_since(&self, since: Timestamp) -> Result<Vec<Connection>, ChannelError> {
        either!(self, c => c.connections_since(since).await)
    }

    async fn send_message(&self, request: MessageRequest) -> Result<SentMessage, ChannelError> {
        either!(self, c => c.send_message(request).await)
    }

    async fn thread(
        &self,
        profile: &ProfileUrl,
        since: Timestamp,
    ) -> Result<Vec<ThreadMessage>, ChannelError> {
        either!(self, c => c.thread(profile, since).await)
    }

    async fn replies_since(&self, since: Timestamp) -> Result<Vec<Reply>, ChannelError> {
        either!(self, c => c.replies_since(since).await)
    }

    fn client_token(&self, idempotency_key: &str) -> String {
        either!(self, c => c.client_token(idempotency_key))
    }

    async fn send_email(&self, request: EmailRequest) -> Result<SentEmail, ChannelError> {
        either!(self, c => c.send_email(request).await)
    }

    async fn email_sent(&self, idempotency_key: &str) -> Result<Option<bool>, ChannelError> {
        either!(self, c => c.email_sent(idempotency_key).await)
    }

    async fn inbound_since(&self, cursor: Option<String>) -> Result<InboundPage, ChannelError> {
        either!(self, c => c.inbound_since(cursor).await)
    }
}
