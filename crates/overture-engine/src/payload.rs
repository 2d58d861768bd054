//! What an action carries: the rendered text and the ids it needs, stored as JSON with the
//! action so that a retry sends the very same bytes.

use overture_core::Lead;
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
    /// For a withdrawal: the stored invitation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitation: Option<i64>,
    /// For a withdrawal: the channel's id of the invitation, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitation_external: Option<String>,
}

/// Fills `{{ first_name }}`, `{{ last_name }}`, `{{ company }}` and `{{ position }}` with the
/// lead's values (empty when missing) and leaves every other text as written.
///
/// A stand-in until the template engine lands; it is the one place texts are rendered.
pub(crate) fn render(text: &str, lead: &Lead) -> String {
    let data = &lead.data;
    let fields = [
        ("first_name", &data.first_name),
        ("last_name", &data.last_name),
        ("company", &data.company),
        ("position", &data.position),
    ];
    let mut out = text.to_owned();
    for (name, value) in fields {
        let value = value.as_deref().unwrap_or("");
        for pattern in [format!("{{{{ {name} }}}}"), format!("{{{{{name}}}}}")] {
            out = out.replace(&pattern, value);
        }
    }
    out
}
