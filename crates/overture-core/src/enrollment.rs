//! Enrollments: one lead's progress through one campaign.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::account::str_enum;
use crate::ids::{AccountId, CampaignId, EnrollmentId, LeadId, WorkspaceId};

/// Where a lead is in a campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnrollmentState {
    /// Moving through the steps.
    Active,
    /// Waiting for an event (acceptance) or a delay.
    Waiting,
    /// Stopped because the person replied.
    Replied,
    /// Reached the end of the sequence.
    Completed,
    /// Skipped or stopped (contacted elsewhere, unreachable, erased, …).
    Stopped,
}

str_enum!(EnrollmentState {
    Active => "active", Waiting => "waiting", Replied => "replied",
    Completed => "completed", Stopped => "stopped",
});

/// A lead in a campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrollment {
    /// Store key.
    pub id: EnrollmentId,
    /// Owning workspace.
    pub workspace_id: WorkspaceId,
    /// The campaign.
    pub campaign_id: CampaignId,
    /// The person.
    pub lead_id: LeadId,
    /// The sender seat assigned to this lead, once chosen.
    pub account_id: Option<AccountId>,
    /// Index of the current step in the campaign's sequence.
    pub step: u32,
    /// Where the lead is.
    pub state: EnrollmentState,
    /// When the current step is due.
    pub next_due_at: Option<Timestamp>,
}
