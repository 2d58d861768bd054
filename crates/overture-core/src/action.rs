//! Actions: units of outbound work, and the state machine every action follows.
//!
//! ```text
//! queued ──claim──▶ claimed ──succeed──▶ done
//!   │  ▲              │ ├──fail────────▶ failed
//!   │  └──release─────┘ ├──lose_track──▶ in_doubt
//!   └──cancel──▶ cancelled ◀──cancel──┘
//! ```
//! A claimed action whose lease is released (the worker stopped cleanly, or the effect was
//! proven not to have happened) goes back to `queued`. An action whose effect may or may not
//! have happened becomes `in_doubt` and is never retried blindly.

use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::account::str_enum;
use crate::ids::{AccountId, ActionId, CampaignId, EnrollmentId, LeadId, WorkspaceId};

/// The kinds of outbound work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Visit a profile.
    Visit,
    /// Follow a person.
    Follow,
    /// Like a person's recent post.
    Like,
    /// Send a connection invitation.
    Invite,
    /// Withdraw a pending invitation.
    Withdraw,
    /// Send a LinkedIn message.
    Message,
    /// Send an email.
    Email,
}

str_enum!(ActionKind {
    Visit => "visit", Follow => "follow", Like => "like", Invite => "invite",
    Withdraw => "withdraw", Message => "message", Email => "email",
});

impl ActionKind {
    /// Every kind, in a fixed order.
    pub const ALL: [ActionKind; 7] = [
        ActionKind::Visit,
        ActionKind::Follow,
        ActionKind::Like,
        ActionKind::Invite,
        ActionKind::Withdraw,
        ActionKind::Message,
        ActionKind::Email,
    ];
}

/// Where an action is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionState {
    /// Waiting for its due time.
    Queued,
    /// Taken by a worker under a lease.
    Claimed,
    /// The effect happened and was recorded.
    Done,
    /// The effect did not happen and will not be retried.
    Failed,
    /// The effect may or may not have happened; shown to the user, never retried blindly.
    InDoubt,
    /// Called off before it ran.
    Cancelled,
}

str_enum!(ActionState {
    Queued => "queued", Claimed => "claimed", Done => "done", Failed => "failed",
    InDoubt => "in_doubt", Cancelled => "cancelled",
});

/// What happens to an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionEvent {
    /// A worker takes it under a lease.
    Claim,
    /// The worker gives it back untouched (stopping, or the effect proven absent).
    Release,
    /// The effect happened.
    Succeed,
    /// The effect failed for good.
    Fail,
    /// The worker cannot tell whether the effect happened.
    LoseTrack,
    /// The user or the engine calls it off.
    Cancel,
}

impl fmt::Display for ActionEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            ActionEvent::Claim => "claim",
            ActionEvent::Release => "release",
            ActionEvent::Succeed => "succeed",
            ActionEvent::Fail => "fail",
            ActionEvent::LoseTrack => "lose_track",
            ActionEvent::Cancel => "cancel",
        };
        f.write_str(name)
    }
}

/// A transition the action state machine does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an action that is {from} cannot {event}")]
pub struct ActionTransitionError {
    /// The state the action was in.
    pub from: ActionState,
    /// What was attempted.
    pub event: ActionEvent,
}

impl ActionState {
    /// The state after `event`, or an error when the transition is not allowed.
    pub fn apply(self, event: ActionEvent) -> Result<ActionState, ActionTransitionError> {
        use ActionEvent as E;
        use ActionState as S;
        match (self, event) {
            (S::Queued, E::Claim) => Ok(S::Claimed),
            (S::Queued | S::Claimed, E::Cancel) => Ok(S::Cancelled),
            (S::Claimed, E::Release) => Ok(S::Queued),
            (S::Claimed, E::Succeed) => Ok(S::Done),
            (S::Claimed, E::Fail) => Ok(S::Failed),
            (S::Claimed, E::LoseTrack) => Ok(S::InDoubt),
            // A person resolves an in-doubt action by saying what happened.
            (S::InDoubt, E::Succeed) => Ok(S::Done),
            (S::InDoubt, E::Fail) => Ok(S::Failed),
            (from, event) => Err(ActionTransitionError { from, event }),
        }
    }

    /// Whether no further transition is expected (in-doubt waits for a person, so it is not).
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            ActionState::Done | ActionState::Failed | ActionState::Cancelled
        )
    }
}

/// A unit of outbound work as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    /// Store key.
    pub id: ActionId,
    /// Owning workspace.
    pub workspace_id: WorkspaceId,
    /// The account that carries it.
    pub account_id: AccountId,
    /// The person it is aimed at.
    pub lead_id: Option<LeadId>,
    /// The campaign that planned it, if any.
    pub campaign_id: Option<CampaignId>,
    /// The enrollment that planned it, if any.
    pub enrollment_id: Option<EnrollmentId>,
    /// What to do.
    pub kind: ActionKind,
    /// Kind-specific data (rendered text, invitation id to withdraw, …) as JSON text.
    pub payload: String,
    /// Not before this instant.
    pub due_at: Timestamp,
    /// Unique per effect: a retry of the same effect carries the same key.
    pub idempotency_key: String,
    /// Where it is in its life.
    pub state: ActionState,
    /// How many times it was attempted.
    pub attempts: u32,
    /// Why it failed or is in doubt, for the user.
    pub last_error: Option<String>,
}

#[cfg(test)]
mod tests;
