//! Campaign definitions: the sequence of steps a lead goes through, and the campaign's settings.
//!
//! These are the validated, typed form of a campaign file (`docs/campaigns.md`). Parsing the
//! YAML and reporting problems with their line and column is `overture-campaign`'s job; this
//! module holds only the data and the pure rules on it.

use serde::{Deserialize, Serialize};

/// A validated campaign definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignSpec {
    /// Unique name in the workspace.
    pub name: String,
    /// Handles of the sender accounts; leads are spread across them.
    pub accounts: Vec<String>,
    /// Where the leads come from.
    pub leads: LeadSource,
    /// Campaign-wide behaviour.
    pub settings: CampaignSettings,
    /// The sequence.
    pub steps: Vec<Step>,
}

/// Where a campaign's leads come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadSource {
    /// Every lead on a named list.
    List(String),
}

/// Campaign-wide behaviour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignSettings {
    /// Stop a lead's sequence when the person replies on any channel.
    pub stop_on_reply: bool,
    /// Skip a lead that any other campaign of the workspace has already contacted.
    pub skip_if_contacted_by_any_campaign: bool,
}

impl Default for CampaignSettings {
    fn default() -> Self {
        Self {
            stop_on_reply: true,
            skip_if_contacted_by_any_campaign: true,
        }
    }
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
    /// Visit the person's profile.
    VisitProfile,
    /// End the sequence for this lead.
    End,
}
