//! Campaign definitions: the sequence of steps a lead goes through, and the campaign's settings.
//!
//! These are the validated, typed form of a campaign file (`docs/campaigns.md`). Parsing the
//! YAML and reporting problems with their line and column is `overture-campaign`'s job; this
//! module holds only the data and the pure rules on it.

mod duration;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::governor::Tightening;

pub use duration::{Duration, DurationError};

/// A validated campaign definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignSpec {
    /// Unique name in the workspace.
    pub name: String,
    /// Handles of the sender accounts; leads are spread across them.
    pub accounts: Vec<String>,
    /// Handles of the email accounts that send the `email` steps; each lead writes from one of
    /// them, the same one every time.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mailboxes: Vec<String>,
    /// Where the leads come from.
    pub leads: LeadSource,
    /// Campaign-wide behaviour.
    pub settings: CampaignSettings,
    /// The sequence.
    pub steps: Vec<Step>,
}

impl CampaignSpec {
    /// The index of the step carrying `label`.
    pub fn step_index(&self, label: &str) -> Option<usize> {
        self.steps
            .iter()
            .position(|step| step.label.as_deref() == Some(label))
    }

    /// Where a lead goes when step `from` finishes without branching: the next step, or the end.
    pub fn next_in_order(&self, from: usize) -> Jump {
        if from.saturating_add(1) < self.steps.len() {
            Jump::To(from + 1)
        } else {
            Jump::End
        }
    }

    /// Where a lead goes when step `from` takes the branch `target`; `None` for an unknown label.
    pub fn resolve(&self, from: usize, target: &BranchTarget) -> Option<Jump> {
        match target {
            BranchTarget::Next => Some(self.next_in_order(from)),
            BranchTarget::End => Some(Jump::End),
            BranchTarget::Withdraw => Some(Jump::WithdrawAndEnd),
            BranchTarget::Label(label) => self.step_index(label).map(Jump::To),
        }
    }
}

/// Where a lead goes next, once a branch target is resolved against the steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jump {
    /// Continue at this step index.
    To(usize),
    /// The sequence is over for this lead.
    End,
    /// Withdraw the pending invitation, then end.
    WithdrawAndEnd,
}

/// Where the leads come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadSource {
    /// Every lead on a named list.
    List(String),
}

/// Campaign-wide behaviour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignSettings {
    /// Stop a lead's sequence when the person replies on any channel.
    pub stop_on_reply: bool,
    /// Skip a lead that any other campaign of the workspace has already contacted.
    pub skip_if_contacted_by_any_campaign: bool,
    /// When campaigns share an account, the higher priority gets the account's budget first.
    #[serde(default)]
    pub priority: i32,
    /// How the campaign tightens its accounts' governor policies for its own invitations.
    #[serde(default, skip_serializing_if = "Tightening::is_empty")]
    pub governor: Tightening,
    /// Invite again, once the cooldown is over, a lead whose invitation was withdrawn while
    /// the campaign waited for it to be accepted. `None`: such a lead takes the
    /// `not_accepted` branch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_withdrawal: Option<RetryAfterWithdrawal>,
}

impl Default for CampaignSettings {
    fn default() -> Self {
        Self {
            stop_on_reply: true,
            skip_if_contacted_by_any_campaign: true,
            priority: 0,
            governor: Tightening::default(),
            retry_after_withdrawal: None,
        }
    }
}

/// A campaign's opt-in to invite a lead again after its invitation was withdrawn (by the
/// governor, by a command or by hand) while the campaign waited for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryAfterWithdrawal {
    /// How many more invitations a lead may get after the first (at least 1).
    pub max_attempts: u32,
    /// The note variant a new invitation carries: an index into the invite step's notes
    /// (0 is the first); `None` keeps the lead's own variant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_variant: Option<u32>,
}

/// One step of a sequence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// Label other steps' branches refer to; unlabelled steps are reached in order.
    pub label: Option<String>,
    /// What the step does.
    pub kind: StepKind,
}

/// What a step does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StepKind {
    /// Visit the person's profile (they see the visit: a warm-up before inviting).
    VisitProfile,
    /// Follow the person, without inviting.
    Follow,
    /// Like the person's most recent post, if they have one.
    LikeRecentPost,
    /// Send a connection invitation.
    Invite(Invite),
    /// Do nothing for a while.
    Wait {
        /// How long; positive.
        duration: Duration,
    },
    /// Wait until the invitation is accepted, then branch.
    WaitForAcceptance(WaitForAcceptance),
    /// Send a LinkedIn message (the person must be a connection).
    Message(Message),
    /// Send an email to the lead's address.
    Email(Email),
    /// Go one way or the other on a condition.
    Branch(Branch),
    /// Withdraw the pending invitation, if there is one.
    Withdraw,
    /// Put a tag on the lead.
    Tag {
        /// The tag; not empty.
        tag: String,
    },
    /// End the sequence for this lead.
    End,
}

impl StepKind {
    /// The step's name as written in campaign files.
    pub fn name(&self) -> &'static str {
        match self {
            StepKind::VisitProfile => "visit_profile",
            StepKind::Follow => "follow",
            StepKind::LikeRecentPost => "like_recent_post",
            StepKind::Invite(_) => "invite",
            StepKind::Wait { .. } => "wait",
            StepKind::WaitForAcceptance(_) => "wait_for_acceptance",
            StepKind::Message(_) => "message",
            StepKind::Email(_) => "email",
            StepKind::Branch(_) => "branch",
            StepKind::Withdraw => "withdraw",
            StepKind::Tag { .. } => "tag",
            StepKind::End => "end",
        }
    }
}

/// A connection invitation.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Invite {
    /// Note variants, one picked per lead; empty for an invitation without a note.
    pub notes: Vec<String>,
    /// When the account's note quota is used up, invite without the note instead of waiting.
    pub without_note_if_quota_exhausted: bool,
}

impl Invite {
    /// The length in characters of the longest note variant; `None` without notes.
    ///
    /// A templated note is measured as written, before its variables are filled in.
    pub fn longest_note_chars(&self) -> Option<usize> {
        self.notes.iter().map(|note| note.chars().count()).max()
    }
}

/// Waiting for an invitation to be accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitForAcceptance {
    /// How long to wait before giving up; positive.
    pub within: Duration,
    /// Where to go once accepted.
    pub accepted: BranchTarget,
    /// Where to go when `within` passes without acceptance.
    pub not_accepted: BranchTarget,
}

/// Where a branch leads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BranchTarget {
    /// The step after the branching one.
    Next,
    /// End the sequence.
    End,
    /// Withdraw the pending invitation, then end the sequence.
    Withdraw,
    /// The step with this label, later in the sequence.
    Label(String),
}

impl BranchTarget {
    /// Words that are targets themselves, so they cannot be labels.
    pub const RESERVED: [&'static str; 3] = ["next", "end", "withdraw"];

    /// Reads a target as written: `next`, `end`, `withdraw` or a label.
    pub fn from_word(word: &str) -> BranchTarget {
        match word {
            "next" => BranchTarget::Next,
            "end" => BranchTarget::End,
            "withdraw" => BranchTarget::Withdraw,
            label => BranchTarget::Label(label.to_owned()),
        }
    }
}

/// A branch on a condition about the lead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Branch {
    /// What is asked.
    #[serde(rename = "if")]
    pub condition: Condition,
    /// Where to go when it holds.
    pub then: BranchTarget,
    /// Where to go when it does not.
    #[serde(rename = "else")]
    pub otherwise: BranchTarget,
}

/// A condition a `branch` step asks about the lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// The lead has an email address that is not on the suppression list.
    HasEmail,
}

impl Condition {
    /// Every condition, as written in campaign files.
    pub const NAMES: [&'static str; 1] = ["has_email"];

    /// The condition written `name`.
    pub fn from_name(name: &str) -> Option<Condition> {
        match name {
            "has_email" => Some(Condition::HasEmail),
            _ => None,
        }
    }
}

/// A LinkedIn message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// Text variants, one picked per lead; at least one.
    pub texts: Vec<String>,
}

/// An email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email {
    /// Variants, one picked per lead; at least one.
    pub variants: Vec<EmailContent>,
}

/// The subject and body of one email variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailContent {
    /// Subject line; not empty.
    pub subject: String,
    /// Plain-text body; not empty.
    pub body: String,
    /// An HTML alternative of the body, for mail clients that show HTML.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
}

/// Whether a text uses template syntax (`{{ variable }}` or `{% tag %}`), so its final length is
/// only known once it is rendered for a lead.
pub fn is_template(text: &str) -> bool {
    text.contains("{{") || text.contains("{%")
}
