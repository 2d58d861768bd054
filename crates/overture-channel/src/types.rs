//! What crosses the Channel port.

use jiff::Timestamp;
pub use overture_core::Degree;
use overture_core::ProfileUrl;
use serde::{Deserialize, Serialize};

/// A person as the channel sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// The network's own id for the member (LinkedIn's `ACoAA…` profile id).
    pub member_id: String,
    /// The person's key.
    pub profile_url: ProfileUrl,
    /// Connection degree from the seat.
    pub degree: Degree,
    /// Connections the seat and the person share.
    pub mutual_connections: u32,
    /// Whether an invitation from the seat to the person is pending.
    pub invitation_pending: bool,
}

/// The result of liking a recent post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LikeOutcome {
    /// A post was liked.
    Liked,
    /// The person has no recent post; nothing was done.
    NoRecentPost,
}

/// A connection invitation to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteRequest {
    /// The person.
    pub profile: ProfileUrl,
    /// The note, when there is one (at most the tier's length).
    pub note: Option<String>,
    /// The effect's idempotency key; adapters pass it on where the network takes one.
    pub idempotency_key: String,
}

/// A sent, pending invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentInvitation {
    /// The network's id for the invitation.
    pub invitation_id: String,
    /// The invited person.
    pub profile_url: ProfileUrl,
    /// When it was sent.
    pub sent_at: Timestamp,
    /// Whether it carried a note.
    pub with_note: bool,
}

/// One page of a paged listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// The cursor of the next page; `None` on the last page.
    pub next: Option<String>,
}

/// A new first-degree connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    /// The person.
    pub profile_url: ProfileUrl,
    /// When they connected.
    pub connected_at: Timestamp,
}

/// A message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRequest {
    /// The person (a first-degree connection).
    pub profile: ProfileUrl,
    /// The text.
    pub text: String,
    /// The effect's idempotency key, carried as the message's client token so the message can
    /// be found in the thread after a crash.
    pub idempotency_key: String,
}

/// A sent message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentMessage {
    /// The network's id for the message.
    pub message_id: String,
    /// When it was sent.
    pub sent_at: Timestamp,
}

/// A message in a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadMessage {
    /// Whether the seat sent it.
    pub from_seat: bool,
    /// The text.
    pub text: String,
    /// When it was sent.
    pub sent_at: Timestamp,
    /// The client token the sender attached (our idempotency key), if any.
    pub client_token: Option<String>,
}

/// A message someone sent to the seat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    /// Who wrote.
    pub profile_url: ProfileUrl,
    /// The text.
    pub text: String,
    /// When it arrived.
    pub received_at: Timestamp,
}
