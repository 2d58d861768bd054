//! Events: append-only facts about what happened, the source of every report.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::account::str_enum;
use crate::ids::{AccountId, CampaignId, EventId, LeadId, WorkspaceId};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A profile was visited.
    ProfileVisited,
    /// A person was followed.
    Followed,
    /// A post was liked.
    PostLiked,
    /// An invitation was sent.
    InviteSent,
    /// An invitation was accepted.
    InviteAccepted,
    /// An invitation was withdrawn.
    InviteWithdrawn,
    /// An invitation was declined.
    InviteIgnored,
    /// An invitation left the sent list without a connection.
    InviteVanished,
    /// A LinkedIn message was sent.
    MessageSent,
    /// An email was sent.
    EmailSent,
    /// The person replied.
    ReplyReceived,
    /// A limit stopped further work of some kind for now.
    LimitReached,
    /// An account was paused.
    AccountPaused,
    /// An account was resumed.
    AccountResumed,
    /// An account was restricted by LinkedIn.
    AccountRestricted,
    /// Leads were imported.
    LeadsImported,
    /// A campaign version was stored.
    CampaignApplied,
    /// An account's history (its LinkedIn data export) was loaded.
    HistoryImported,
    /// An email did not reach its recipient (`data.hard`: for good).
    EmailBounced,
    /// An automatic absence notice answered an email (`data.until`: the return date, if given).
    OutOfOffice,
    /// A person asked not to be written to again; their address and profile are suppressed.
    Unsubscribed,
}

str_enum!(EventKind {
    ProfileVisited => "profile_visited", Followed => "followed", PostLiked => "post_liked",
    InviteSent => "invite_sent", InviteAccepted => "invite_accepted",
    InviteWithdrawn => "invite_withdrawn", InviteIgnored => "invite_ignored",
    InviteVanished => "invite_vanished", MessageSent => "message_sent", EmailSent => "email_sent",
    ReplyReceived => "reply_received", LimitReached => "limit_reached",
    AccountPaused => "account_paused", AccountResumed => "account_resumed",
    AccountRestricted => "account_restricted", LeadsImported => "leads_imported",
    CampaignApplied => "campaign_applied", HistoryImported => "history_imported",
    EmailBounced => "email_bounced", OutOfOffice => "out_of_office", Unsubscribed => "unsubscribed",
});

/// A fact before the store has given it an id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewEvent {
    /// Owning workspace.
    pub workspace_id: WorkspaceId,
    /// What happened.
    pub kind: EventKind,
    /// When it happened.
    pub at: Timestamp,
    /// The account involved.
    pub account_id: Option<AccountId>,
    /// The person involved.
    pub lead_id: Option<LeadId>,
    /// The campaign involved.
    pub campaign_id: Option<CampaignId>,
    /// Details as a JSON object text (`{}` when none).
    pub data: String,
}

/// A stored fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Store key; increases with insertion order.
    pub id: EventId,
    /// The fact.
    #[serde(flatten)]
    pub event: NewEvent,
}
