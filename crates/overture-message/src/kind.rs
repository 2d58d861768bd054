//! What a text is for, and how long it may be.

use overture_core::Tier;
use serde::{Deserialize, Serialize};

/// The longest LinkedIn message, in characters.
pub const MESSAGE_LIMIT: usize = 8_000;

/// The longest email subject Overture sends, in characters: RFC 5322's recommended line
/// length. Inboxes show less (about 60 characters on a desktop, 35 on a phone), so shorter is
/// better still.
pub const SUBJECT_LIMIT: usize = 78;

/// What a text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextKind {
    /// A connection invitation's note: the first touch.
    Invite,
    /// A LinkedIn message to a connection.
    Message,
    /// An email's subject line.
    EmailSubject,
    /// An email's body.
    EmailBody,
}

impl TextKind {
    /// The longest text of this kind an account of `tier` may send, in [`length`] units;
    /// `None` when there is no limit worth checking.
    pub fn limit(self, tier: Tier) -> Option<usize> {
        match self {
            TextKind::Invite => Some(tier.note_limit()),
            TextKind::Message => Some(MESSAGE_LIMIT),
            TextKind::EmailSubject => Some(SUBJECT_LIMIT),
            TextKind::EmailBody => None,
        }
    }

    /// The name used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            TextKind::Invite => "invite",
            TextKind::Message => "message",
            TextKind::EmailSubject => "email_subject",
            TextKind::EmailBody => "email_body",
        }
    }

    /// How the text is named in messages to the user.
    pub fn describe(self) -> &'static str {
        match self {
            TextKind::Invite => "invitation note",
            TextKind::Message => "message",
            TextKind::EmailSubject => "email subject",
            TextKind::EmailBody => "email body",
        }
    }
}

/// A text's length as LinkedIn's web client counts it: in UTF-16 code units, so most
/// characters count one and an emoji two. Never less than the count of characters, so a text
/// within this length is within LinkedIn's limit however it counts.
pub fn length(text: &str) -> usize {
    text.encode_utf16().count()
}
