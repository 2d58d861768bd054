//! Campaigns: a versioned, stored campaign definition and its run state.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::account::str_enum;
use crate::ids::{CampaignId, WorkspaceId};
use crate::sequence::CampaignSpec;

/// Whether a campaign runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CampaignStatus {
    /// Stored, not started.
    Draft,
    /// Running: the engine plans its steps.
    Active,
    /// Stopped for now; nothing new is planned.
    Paused,
    /// Finished or stopped for good.
    Archived,
}

str_enum!(CampaignStatus {
    Draft => "draft", Active => "active", Paused => "paused", Archived => "archived",
});

/// A campaign as stored: the newest version of its definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Campaign {
    /// Store key, shared by all versions.
    pub id: CampaignId,
    /// Owning workspace.
    pub workspace_id: WorkspaceId,
    /// Unique in the workspace.
    pub name: String,
    /// 1 for the first stored definition, then one more for each change.
    pub version: u32,
    /// The definition as written (YAML), kept so it can be shown and diffed.
    pub source: String,
    /// The validated definition.
    pub spec: CampaignSpec,
    /// Whether it runs.
    pub status: CampaignStatus,
    /// When this version was stored.
    pub updated_at: Timestamp,
}
