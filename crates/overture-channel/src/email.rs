//! What crosses the port for email: a message to send, what the mailbox says was sent, and
//! what arrived in the mailbox (replies, out-of-office answers, bounces, unsubscribe requests).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// An email to send to one lead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailRequest {
    /// The recipient's address.
    pub to: String,
    /// The recipient's display name, if known.
    pub to_name: Option<String>,
    /// The subject, rendered.
    pub subject: String,
    /// The plain-text body, rendered (the footer is added by the adapter).
    pub text: String,
    /// An HTML alternative, when the step has one.
    pub html: Option<String>,
    /// The effect's idempotency key: the adapter derives the `Message-ID` from it, so the same
    /// effect always has the same id and can be found again after a crash.
    pub idempotency_key: String,
    /// The lead's unsubscribe token (unguessable), for the `List-Unsubscribe` headers.
    pub unsubscribe_token: String,
    /// The `Message-ID` of an earlier email of the same sequence to this lead, to thread under
    /// (`In-Reply-To` and `References`).
    pub in_reply_to: Option<String>,
}

/// An email the server accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentEmail {
    /// Its `Message-ID`, without angle brackets.
    pub message_id: String,
    /// When the server accepted it (the adapter's clock).
    pub sent_at: Timestamp,
}

/// What an incoming message is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InboundKind {
    /// A person answered.
    Reply,
    /// An automatic absence notice; `until` is the return date when the notice gives one.
    OutOfOffice {
        /// When the person is back, if the notice says.
        until: Option<Timestamp>,
    },
    /// A delivery status notification: the message did not reach `recipient`.
    Bounce {
        /// The address that failed.
        recipient: String,
        /// Permanent (5.x.x: the address is invalid) or temporary (4.x.x: try later).
        hard: bool,
        /// The DSN status code (`5.1.1`), or the SMTP reply when there is no DSN.
        status: String,
    },
    /// The person asked not to be written to again (an unsubscribe mail).
    Unsubscribe,
}

/// How an unsubscribe request's token travels in [`InboundEmail::refers_to`]:
/// `unsubscribe:<token>` (from the subject of a `mailto:` unsubscribe link).
pub const UNSUBSCRIBE_REF: &str = "unsubscribe:";

/// A message that arrived in the mailbox, classified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboundEmail {
    /// What it is.
    pub kind: InboundKind,
    /// The sender's address (for a bounce, the reporting system's).
    pub from: String,
    /// The `Message-ID`s it refers to (`In-Reply-To`, `References`, and for a bounce the
    /// original message's), without angle brackets: how it is matched to what we sent.
    pub refers_to: Vec<String>,
    /// Its subject.
    pub subject: String,
    /// When it arrived (the server's internal date, else its `Date`).
    pub received_at: Timestamp,
}

/// A batch of incoming messages and the cursor to read on from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InboundPage {
    /// The messages, oldest first.
    pub messages: Vec<InboundEmail>,
    /// Where the next read starts (for IMAP: `UIDVALIDITY:next UID`); store it and pass it
    /// back.
    pub cursor: Option<String>,
}
