//! `messages.csv`: every message of every conversation, newest first.
//!
//! Header `CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,
//! DATE,SUBJECT,CONTENT,FOLDER,ATTACHMENTS,IS MESSAGE DRAFT,IS CONVERSATION DRAFT` (nine columns
//! until early 2023, more later); since 2026 every field is quoted and `CONTENT` holds real
//! line breaks. Only who wrote when is kept, per conversation: the content is never stored.

use std::collections::HashMap;

use jiff::Timestamp;
use overture_core::ProfileUrl;

use crate::export::dates::{self, MESSAGE_DATE_FORMS};
use crate::export::error::ExportError;
use crate::export::names::NameKey;
use crate::export::table::{Column, Table};

const CONVERSATION: usize = 0;
const FROM: usize = 1;
const SENDER_URL: usize = 2;
const DATE: usize = 3;
const DRAFT: usize = 4;

const COLUMNS: [Column; 5] = [
    Column::required("CONVERSATION ID"),
    Column::required("FROM"),
    Column::optional("SENDER PROFILE URL", &["senderurl"]),
    Column::required("DATE"),
    Column::optional("IS MESSAGE DRAFT", &["draft"]),
];

/// Who wrote a message: the name as the export writes it (compared as a [`NameKey`]) and the
/// profile URL when the file has it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Sender {
    /// `FROM`, as a name key; `None` when empty.
    pub name: Option<NameKey>,
    /// `SENDER PROFILE URL`, normalised; `None` when missing or not a member profile (company
    /// pages send messages too).
    pub url: Option<ProfileUrl>,
}

/// One conversation: who wrote its earliest message and everyone who wrote in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    /// `CONVERSATION ID`.
    pub id: String,
    /// When the earliest message was written.
    pub started_at: Timestamp,
    /// Who wrote the earliest message (on a tie, the one further down the file, which lists
    /// the newest messages first).
    pub started_by: Sender,
    /// Everyone who wrote in it, in order of appearance in the file.
    pub senders: Vec<Sender>,
    /// How many messages it holds (drafts left out).
    pub messages: u64,
}

/// The conversations of `messages.csv`, in order of first appearance; drafts are left out.
pub(crate) fn read_messages(file: &str, bytes: &[u8]) -> Result<Vec<Conversation>, ExportError> {
    let mut table = Table::open(file, "messages.csv", bytes, &COLUMNS)?;
    let mut conversations: Vec<Conversation> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    while table.next_row()? {
        if is_yes(table.text(DRAFT)?) {
            continue;
        }
        let date = table.date(DATE, MESSAGE_DATE_FORMS, dates::message_date)?;
        let sender = Sender {
            name: NameKey::new(table.text(FROM)?),
            // A sender URL that is no member profile (a company page) is no person's key.
            url: ProfileUrl::parse(table.text(SENDER_URL)?).ok(),
        };
        let id = table.text(CONVERSATION)?;
        let index = match by_id.get(id) {
            Some(&index) => index,
            None => {
                by_id.insert(id.to_owned(), conversations.len());
                conversations.push(Conversation {
                    id: id.to_owned(),
                    started_at: date,
                    started_by: sender.clone(),
                    senders: Vec::new(),
                    messages: 0,
                });
                conversations.len() - 1
            }
        };
        let Some(conversation) = conversations.get_mut(index) else {
            continue;
        };
        conversation.messages += 1;
        if date <= conversation.started_at {
            conversation.started_at = date;
            conversation.started_by = sender.clone();
        }
        if !conversation.senders.contains(&sender) {
            conversation.senders.push(sender);
        }
    }
    Ok(conversations)
}

/// `Yes`, `true` or `1`, in any case.
fn is_yes(text: &str) -> bool {
    ["yes", "true", "1"]
        .iter()
        .any(|y| text.eq_ignore_ascii_case(y))
}
