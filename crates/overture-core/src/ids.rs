//! Identifiers. Every id is a newtype over the store's integer key, made by one macro, so an
//! account id can never be passed where a lead id is expected.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! define_id {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            /// The raw integer key.
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<i64> for $name {
            fn from(raw: i64) -> Self {
                Self(raw)
            }
        }
    )*};
}
pub(crate) use define_id;

define_id! {
    /// A workspace: one client of an agency, or one team. Every entity belongs to exactly one.
    WorkspaceId,
    /// A sender seat (LinkedIn, sandbox or email account).
    AccountId,
    /// A lead (a person to reach).
    LeadId,
    /// A named list of leads.
    LeadListId,
    /// A campaign (all its versions share the id).
    CampaignId,
    /// One lead's progress through one campaign.
    EnrollmentId,
    /// One connection invitation.
    InvitationId,
    /// One unit of outbound work.
    ActionId,
    /// One recorded fact.
    EventId,
    /// A person who signs in (to the API or the dashboard); may belong to several workspaces.
    UserId,
    /// An API token of a workspace.
    ApiTokenId,
}

impl WorkspaceId {
    /// The workspace a fresh database starts with, used by the CLI until workspaces are managed.
    pub const DEFAULT: WorkspaceId = WorkspaceId(1);
}
