//! The request log: every request the fake saw, and what it did.

use std::collections::BTreeMap;

use jiff::Timestamp;

/// What a request changed, when it changed something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// An invitation was created.
    InvitationSent {
        /// Its numeric id.
        id: u64,
        /// The invitee's slug.
        slug: String,
        /// Whether it carried a note.
        with_note: bool,
    },
    /// Invitations were withdrawn (one for the current form, one or more for the batch form).
    Withdrawn {
        /// Their numeric ids.
        ids: Vec<u64>,
    },
    /// A message was sent (a repeated `originToken` is logged with the same id).
    MessageSent {
        /// The message's id.
        id: u64,
        /// The recipient's slug.
        slug: String,
    },
}

/// One request as the fake saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    /// Order of arrival, from 0.
    pub seq: usize,
    /// The fake's clock when it arrived.
    pub at: Timestamp,
    /// HTTP method.
    pub method: String,
    /// Path, undecoded.
    pub path: String,
    /// Query string, undecoded (empty when absent).
    pub query: String,
    /// The headers a client must get right (`cookie`, `csrf-token`, `accept`,
    /// `x-restli-protocol-version`, `content-type`, `user-agent`), lower-case names.
    pub headers: Vec<(String, String)>,
    /// Request body as text.
    pub body: String,
    /// Status answered; `None` while (or when) the request hangs.
    pub status: Option<u16>,
    /// The account whose session it carried, when the session was recognised.
    pub account: Option<String>,
    /// What it changed.
    pub effect: Option<Effect>,
}

impl LoggedRequest {
    /// The value of a logged header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A snapshot of the request log.
#[derive(Debug, Clone, Default)]
pub struct RequestLog {
    /// The requests, in order of arrival.
    pub entries: Vec<LoggedRequest>,
}

impl RequestLog {
    /// Invitations actually created, counted per invitee slug (a refused or faulted attempt
    /// does not count): a client that never duplicates has only ones here.
    pub fn invitations_sent(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for entry in &self.entries {
            if let Some(Effect::InvitationSent { slug, .. }) = &entry.effect {
                *counts.entry(slug.clone()).or_insert(0) += 1;
            }
        }
        counts
    }

    /// Invitation ids withdrawn, in order, each as often as it was withdrawn.
    pub fn withdrawals(&self) -> Vec<u64> {
        self.entries
            .iter()
            .filter_map(|e| match &e.effect {
                Some(Effect::Withdrawn { ids }) => Some(ids.iter().copied()),
                _ => None,
            })
            .flatten()
            .collect()
    }

    /// Messages sent, counted per recipient slug (a repeated `originToken` counts once).
    pub fn messages_sent(&self) -> BTreeMap<String, usize> {
        let mut seen = Vec::new();
        let mut counts = BTreeMap::new();
        for entry in &self.entries {
            if let Some(Effect::MessageSent { id, slug }) = &entry.effect
                && !seen.contains(id)
            {
                seen.push(*id);
                *counts.entry(slug.clone()).or_insert(0) += 1;
            }
        }
        counts
    }

    /// Requests whose `path?query` contains `needle`.
    pub fn matching<'a>(&'a self, needle: &'a str) -> impl Iterator<Item = &'a LoggedRequest> {
        self.entries
            .iter()
            .filter(move |e| format!("{}?{}", e.path, e.query).contains(needle))
    }
}
