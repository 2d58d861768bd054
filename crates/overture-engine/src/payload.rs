//! What an action carries: the rendered text and the ids it needs, stored as JSON with the
//! action so that a retry sends the very same bytes.

use serde::{Deserialize, Serialize};

/// The payload of an action planned by the engine.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Payload {
    /// The step the action carries out (`steps.len()` for the implicit withdrawal).
    pub step: u32,
    /// The person's profile URL.
    pub profile: String,
    /// The rendered invitation note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Whether the invitation may go without its note once the quota is used up.
    #[serde(default)]
    pub without_note_if_quota_exhausted: bool,
    /// The index of the note or text variant the action sends (`None` without text). Older
    /// payloads lack it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<u32>,
    /// The rendered message text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// For an email: the rendered subject (the body is `text`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// For an email: the rendered HTML alternative, if the step has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// For an email: the `Message-ID` of the sequence's previous email to the lead, to thread
    /// under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_reply_to: Option<String>,
    /// For an email: the recipient's address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// For an email: the lead's unsubscribe token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsubscribe: Option<String>,
    /// For a withdrawal: the stored invitation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitation: Option<i64>,
    /// For a withdrawal: the channel's id of the invitation, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitation_external: Option<String>,
}
