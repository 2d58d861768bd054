//! Connection invitations and their state machine.
//!
//! ```text
//!            ┌─accept──▶ accepted
//!            ├─withdraw▶ withdrawn
//! pending ───┼─ignore──▶ ignored      (declined, when a channel can tell)
//!            └─vanish──▶ vanished ──accept──▶ accepted
//! ```
//! `vanished` means the invitation left the sent list while the person is not a connection.
//! The only way out of it is a late-detected acceptance. A withdrawn invitation never becomes
//! pending again: inviting the person anew creates a new invitation (after the cooldown).

use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::account::str_enum;
use crate::ids::{AccountId, CampaignId, InvitationId, LeadId, WorkspaceId};

/// Where an invitation is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitationState {
    /// Sent and not answered.
    Pending,
    /// The person accepted: now a first-degree connection.
    Accepted,
    /// Withdrawn by the sender.
    Withdrawn,
    /// Declined by the person (only some channels can tell).
    Ignored,
    /// No longer in the sent list and not connected.
    Vanished,
}

str_enum!(InvitationState {
    Pending => "pending", Accepted => "accepted", Withdrawn => "withdrawn",
    Ignored => "ignored", Vanished => "vanished",
});

/// What happens to an invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitationEvent {
    /// The person accepted.
    Accept,
    /// The sender withdrew it.
    Withdraw,
    /// The person declined.
    Ignore,
    /// It left the sent list without a connection.
    Vanish,
}

impl fmt::Display for InvitationEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            InvitationEvent::Accept => "accept",
            InvitationEvent::Withdraw => "withdraw",
            InvitationEvent::Ignore => "ignore",
            InvitationEvent::Vanish => "vanish",
        })
    }
}

/// A transition the invitation state machine does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an invitation that is {from} cannot {event}")]
pub struct InvitationTransitionError {
    /// The state the invitation was in.
    pub from: InvitationState,
    /// What was attempted.
    pub event: InvitationEvent,
}

impl InvitationState {
    /// The state after `event`, or an error when the transition is not allowed.
    pub fn apply(
        self,
        event: InvitationEvent,
    ) -> Result<InvitationState, InvitationTransitionError> {
        use InvitationEvent as E;
        use InvitationState as S;
        match (self, event) {
            (S::Pending, E::Accept) => Ok(S::Accepted),
            (S::Pending, E::Withdraw) => Ok(S::Withdrawn),
            (S::Pending, E::Ignore) => Ok(S::Ignored),
            (S::Pending, E::Vanish) => Ok(S::Vanished),
            (S::Vanished, E::Accept) => Ok(S::Accepted),
            (from, event) => Err(InvitationTransitionError { from, event }),
        }
    }
}

/// A connection invitation as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    /// Store key.
    pub id: InvitationId,
    /// Owning workspace.
    pub workspace_id: WorkspaceId,
    /// The account that sent it.
    pub account_id: AccountId,
    /// The invited person.
    pub lead_id: LeadId,
    /// The campaign that sent it; `None` for invitations sent by hand outside Overture.
    pub campaign_id: Option<CampaignId>,
    /// The channel's own id for it (LinkedIn's invitation id), once known.
    pub external_id: Option<String>,
    /// The note sent with it.
    pub note: Option<String>,
    /// When it was sent.
    pub sent_at: Timestamp,
    /// Where it is in its life.
    pub state: InvitationState,
    /// When it left `pending`.
    pub resolved_at: Option<Timestamp>,
}

impl Invitation {
    /// Applies `event` at `at`, or refuses it and leaves the invitation unchanged.
    pub fn transition(
        &mut self,
        event: InvitationEvent,
        at: Timestamp,
    ) -> Result<(), InvitationTransitionError> {
        let next = self.state.apply(event)?;
        self.state = next;
        self.resolved_at = Some(at);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
