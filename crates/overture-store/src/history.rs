//! An account's history from outside Overture (its owner's LinkedIn data export), loaded with
//! [`Store::import_history`](crate::Store::import_history), and the first-degree connections
//! it leaves.

use jiff::{SignedDuration, Timestamp};
use overture_core::{LeadId, NewLead, ProfileUrl};

use crate::types::ImportOutcome;

/// Two sendings of an invitation to the same person this close are the same invitation: an
/// export's clock times carry no zone and only minutes, and the same invitation may already be
/// stored from the engine, from the sent list, or from an earlier export.
pub const SAME_SENDING: SignedDuration = SignedDuration::from_hours(24);

/// How much earlier than an invitation a connection may date and still be its acceptance: an
/// export's `Connected On` is a day without a zone.
pub const CONNECTED_SLACK: SignedDuration = SignedDuration::from_hours(24);

/// What an account's history says, ready to store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountHistory {
    /// The lead list everyone named here goes on (created when missing).
    pub list: String,
    /// The people the history names, with what it knows about them. A person already stored
    /// keeps their data: the history only fills fields that are empty.
    pub people: Vec<NewLead>,
    /// The account's first-degree connections.
    pub connections: Vec<HistoryConnection>,
    /// Invitations the account sent.
    pub invitations: Vec<HistoryInvitation>,
}

/// A first-degree connection of the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryConnection {
    /// The person.
    pub profile_url: ProfileUrl,
    /// When they connected (the start of the day, for an export).
    pub connected_at: Timestamp,
}

/// An invitation the account sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryInvitation {
    /// The invited person.
    pub profile_url: ProfileUrl,
    /// When it was sent.
    pub sent_at: Timestamp,
    /// The note sent with it.
    pub note: Option<String>,
    /// When it was accepted; `None` while it is pending.
    pub accepted_at: Option<Timestamp>,
}

/// What loading a history changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HistoryOutcome {
    /// The people: new, filled in, unchanged.
    pub leads: ImportOutcome,
    /// Connections not stored before.
    pub connections_added: u64,
    /// Invitations not stored before.
    pub invitations_added: u64,
    /// Stored invitations (pending, or gone from the sent list) that became accepted.
    pub invitations_accepted: u64,
    /// Stored pending invitations that a later sending to the same person replaced: they left
    /// the sent list, so they are now vanished.
    pub invitations_superseded: u64,
}

impl HistoryOutcome {
    /// Whether the history changed anything.
    pub fn changed(&self) -> bool {
        self.leads.imported > 0
            || self.leads.updated > 0
            || self.connections_added > 0
            || self.invitations_added > 0
            || self.invitations_accepted > 0
            || self.invitations_superseded > 0
    }
}

/// A first-degree connection of an account, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredConnection {
    /// The person.
    pub lead_id: LeadId,
    /// When they connected.
    pub connected_at: Timestamp,
}
