//! Problems found in a campaign file, with the place they were found.

use std::collections::{BTreeMap, BTreeSet};

use overture_core::Tier;

/// One problem in a campaign file, pointing at the offending key or value.
///
/// Displays as `FILE:LINE:COL: message`, the form editors and terminals turn into links.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct Diagnostic {
    /// The file name, as the caller gave it.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters (Unicode scalar values).
    pub column: usize,
    /// What is wrong and what to do about it; lower-case first, no trailing period.
    pub message: String,
}

/// Which text of a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TextField {
    /// An `invite` step's `note`.
    Note,
    /// A `message` step's `text`.
    Text,
    /// An `email` step's `subject`.
    Subject,
    /// An `email` step's `body`.
    Body,
    /// An `email` step's `html` alternative.
    Html,
}

impl TextField {
    /// The key as written in campaign files.
    pub fn key(self) -> &'static str {
        match self {
            TextField::Note => "note",
            TextField::Text => "text",
            TextField::Subject => "subject",
            TextField::Body => "body",
            TextField::Html => "html",
        }
    }
}

/// Where a text of a campaign is: which step, which field and variant, and its place in the
/// file, so that findings about it can point there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignText {
    /// The step's index (0-based).
    pub step: usize,
    /// Which text of the step.
    pub field: TextField,
    /// The variant's index (0-based) among the field's variants.
    pub variant: usize,
    /// 1-based line of the text's value.
    pub line: usize,
    /// 1-based column of the text's value.
    pub column: usize,
}

/// What a campaign file is checked against: the workspace's accounts and lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationContext {
    /// Known sender accounts by handle, with the tier that decides their note length.
    pub accounts: BTreeMap<String, Tier>,
    /// Known lead list names; `None` skips the check (the list may be imported later).
    pub lists: Option<BTreeSet<String>>,
    /// Takes every handle not in `accounts` as an account of this tier instead of refusing it,
    /// as `overture simulate` does: it runs the campaign on seats of its own.
    pub any_account: Option<Tier>,
    /// Known email accounts (mailboxes) by handle.
    pub mailboxes: BTreeSet<String>,
}

impl ValidationContext {
    /// A context with no accounts and no list check.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a known sender account.
    pub fn with_account(mut self, handle: impl Into<String>, tier: Tier) -> Self {
        self.accounts.insert(handle.into(), tier);
        self
    }

    /// Adds a known email account.
    pub fn with_mailbox(mut self, handle: impl Into<String>) -> Self {
        self.mailboxes.insert(handle.into());
        self
    }

    /// Takes every handle not otherwise known as an account of `tier`.
    pub fn with_any_account(mut self, tier: Tier) -> Self {
        self.any_account = Some(tier);
        self
    }

    /// The tier of the account `handle`, if it is known (or any account is accepted).
    pub fn tier_of(&self, handle: &str) -> Option<Tier> {
        self.accounts.get(handle).copied().or(self.any_account)
    }

    /// Checks lead lists against these names.
    pub fn with_lists<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.lists = Some(names.into_iter().map(Into::into).collect());
        self
    }
}

/// A 1-based position in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Pos {
    pub(crate) line: usize,
    pub(crate) column: usize,
}

impl Pos {
    /// The start of the file.
    pub(crate) const START: Pos = Pos { line: 1, column: 1 };

    /// From a saphyr marker, whose line is 1-based and column 0-based.
    pub(crate) fn from_marker(marker: &saphyr::Marker) -> Pos {
        Pos {
            line: marker.line().max(1),
            column: marker.col().saturating_add(1),
        }
    }
}

/// Collects the diagnostics of one file.
#[derive(Debug)]
pub(crate) struct Report<'a> {
    file: &'a str,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Report<'a> {
    pub(crate) fn new(file: &'a str) -> Self {
        Report {
            file,
            diagnostics: Vec::new(),
        }
    }

    /// Records a problem at `at`.
    pub(crate) fn error(&mut self, at: Pos, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic {
            file: self.file.to_owned(),
            line: at.line,
            column: at.column,
            message: message.into(),
        });
    }

    /// How many problems have been recorded so far.
    pub(crate) fn count(&self) -> usize {
        self.diagnostics.len()
    }

    /// The problems in file order.
    pub(crate) fn finish(mut self) -> Vec<Diagnostic> {
        // Stable, so problems at the same place keep the order they were found in.
        self.diagnostics.sort_by_key(|d| (d.line, d.column));
        self.diagnostics
    }
}
