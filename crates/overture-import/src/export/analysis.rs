//! The analysis of an export: connections and their growth, outgoing invitations accepted or
//! still pending and how old, incoming ones still waiting, which pending invitations to
//! withdraw, and conversations started and answered.
//!
//! Definitions (also in `docs/export.md`):
//! - an OUTGOING invitation is *accepted* when its invitee is among the connections, otherwise
//!   *pending* ([`match_invitations`] says who is who);
//! - an INCOMING invitation is *pending* when its inviter is not among the connections;
//! - an invitation's age is whole days of 24 hours, rounded down ([`age_days`]);
//! - a conversation is *started by you* when its earliest message is the owner's, and
//!   *answered* when, besides, someone else wrote in it.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use jiff::{Span, Timestamp};
use overture_core::account::Zone;
use overture_core::governor::{AgeBucket, Policy};
use serde::Serialize;

use crate::export::invitations::{Direction, Invitation};
use crate::export::messages::{Conversation, Sender};
use crate::export::names::{NameKey, match_invitations};
use crate::export::parse::LinkedInExport;

/// Pending invitations this old (in days) or older are recommended for withdrawal by default.
pub const DEFAULT_WITHDRAW_AFTER_DAYS: u32 = 21;

/// How long after a withdrawal LinkedIn lets the same person be invited again, in days.
pub const REINVITE_COOLDOWN_DAYS: i64 = 21;

/// How many of the oldest pending invitations the analysis lists.
pub const OLDEST_SHOWN: usize = 10;

/// Milliseconds in a day of 24 hours.
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// How to analyse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalysisOptions {
    /// Pending invitations at least this many days old are recommended for withdrawal.
    pub withdraw_after_days: u32,
    /// The pending count an account stays healthy below (the governor's default cap).
    pub pending_ceiling: u32,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions {
            withdraw_after_days: DEFAULT_WITHDRAW_AFTER_DAYS,
            pending_ceiling: Policy::default().max_pending,
        }
    }
}

/// What an export says about its owner's network.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    /// The instant the analysis is for.
    pub now: Timestamp,
    /// The zone `Sent At` times were read in and dates are shown in.
    pub tz: String,
    /// Who the export belongs to, when the export tells.
    pub owner: Option<Owner>,
    /// The files read.
    pub files: Vec<String>,
    /// The connections.
    pub connections: ConnectionStats,
    /// The invitations.
    pub invitations: InvitationStats,
    /// The pending count an account stays healthy below.
    pub pending_ceiling: u32,
    /// The age from which pending invitations are recommended for withdrawal, in days.
    pub withdraw_older_than_days: u32,
    /// The oldest pending outgoing invitations, oldest first (at most [`OLDEST_SHOWN`]).
    pub oldest_pending: Vec<PendingInvitation>,
    /// Every pending outgoing invitation at least `withdraw_older_than_days` old, oldest first.
    pub recommended_withdrawals: Vec<Withdrawal>,
    /// The conversations; `None` when the export has no `messages.csv`.
    pub messages: Option<MessageStats>,
}

/// Who the export belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Owner {
    /// The owner's name, as the export writes it.
    pub name: Option<String>,
    /// The owner's profile URL, when invitations carry it.
    pub profile_url: Option<String>,
    /// Which file named the owner.
    pub source: OwnerSource,
}

/// Which file named the export's owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnerSource {
    /// `Profile.csv`.
    Profile,
    /// The `From` of outgoing invitations (or the URLs of invitations).
    Invitations,
    /// The sender found in most conversations of `messages.csv`.
    Messages,
}

/// The connections.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConnectionStats {
    /// Every row, hidden members included.
    pub total: u32,
    /// Rows with an email address.
    pub with_email: u32,
    /// Hidden members: rows with only a date.
    pub hidden: u32,
    /// Connections by the month of `Connected On` (`2026-01`), months without any left out.
    pub by_month: BTreeMap<String, u32>,
}

/// The invitations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvitationStats {
    /// Those the owner sent.
    pub outgoing: OutgoingStats,
    /// Those the owner received.
    pub incoming: IncomingStats,
}

/// The invitations the owner sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutgoingStats {
    /// Every one in the export.
    pub total: u32,
    /// Those whose invitee is a connection.
    pub accepted: u32,
    /// The rest.
    pub pending: u32,
    /// Accepted ones whose invitee was found by full name rather than profile URL.
    pub matched_by_name: u32,
    /// The pending ones by age in whole days, every range present.
    pub pending_by_age_days: BTreeMap<AgeBucket, u32>,
}

/// The invitations the owner received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IncomingStats {
    /// Every one in the export.
    pub total: u32,
    /// Those whose inviter is not a connection.
    pub pending: u32,
}

/// A pending outgoing invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingInvitation {
    /// The invitee's name as the export writes it.
    pub name: String,
    /// The invitee's profile URL, canonical, when the export has it.
    pub profile_url: Option<String>,
    /// When it was sent.
    pub sent_at: Timestamp,
    /// Whole days since it was sent.
    pub age_days: i64,
}

/// A pending invitation recommended for withdrawal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Withdrawal {
    /// The invitation.
    #[serde(flatten)]
    pub invitation: PendingInvitation,
    /// The first day the person may be invited again if it is withdrawn today (today plus
    /// [`REINVITE_COOLDOWN_DAYS`], in the analysis's zone).
    pub reinvite_on: Date,
}

/// The conversations of `messages.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessageStats {
    /// Every conversation with a message that is not a draft.
    pub conversations: u32,
    /// Those whose earliest message is the owner's.
    pub started_by_you: u32,
    /// Among those, the ones someone else wrote in too.
    pub answered: u32,
}

/// Whole days of 24 hours from `sent_at` to `now`, rounded down (negative for an instant
/// after `now`).
pub fn age_days(sent_at: Timestamp, now: Timestamp) -> i64 {
    now.as_millisecond()
        .saturating_sub(sent_at.as_millisecond())
        .div_euclid(DAY_MS)
}

/// Analyses an export at `now`; `zone` is the zone its `Sent At` times were read in, and the
/// one "today" is taken in.
pub fn analyze(
    export: &LinkedInExport,
    now: Timestamp,
    zone: &Zone,
    options: &AnalysisOptions,
) -> Analysis {
    let owner = owner(export);
    let matches = match_invitations(
        &export.connections,
        export.connections_have_urls,
        &export.invitations,
    );
    let mut outgoing = OutgoingStats {
        total: 0,
        accepted: 0,
        pending: 0,
        matched_by_name: 0,
        pending_by_age_days: AgeBucket::ALL.into_iter().map(|b| (b, 0)).collect(),
    };
    let mut incoming = IncomingStats {
        total: 0,
        pending: 0,
    };
    let mut pending: Vec<&Invitation> = Vec::new();
    for (invitation, found) in export.invitations.iter().zip(&matches.0) {
        match invitation.direction {
            Direction::Incoming => {
                incoming.total += 1;
                incoming.pending += u32::from(found.is_none());
            }
            Direction::Outgoing => {
                outgoing.total += 1;
                match found {
                    Some(found) => {
                        outgoing.accepted += 1;
                        outgoing.matched_by_name += u32::from(found.by_name);
                    }
                    None => {
                        outgoing.pending += 1;
                        let age = now.duration_since(invitation.sent_at);
                        *outgoing
                            .pending_by_age_days
                            .entry(AgeBucket::of(age))
                            .or_default() += 1;
                        pending.push(invitation);
                    }
                }
            }
        }
    }
    pending.sort_by_key(|i| (i.sent_at, i.line));
    let describe = |i: &Invitation| PendingInvitation {
        name: i.to.clone(),
        profile_url: i.invitee_url.as_ref().map(ToString::to_string),
        sent_at: i.sent_at,
        age_days: age_days(i.sent_at, now),
    };
    let today = zone.tz().to_datetime(now).date();
    let reinvite_on = today.saturating_add(Span::new().days(REINVITE_COOLDOWN_DAYS));
    let threshold = i64::from(options.withdraw_after_days);
    Analysis {
        now,
        tz: zone.name().to_owned(),
        files: export.files.clone(),
        connections: connection_stats(export),
        invitations: InvitationStats { outgoing, incoming },
        pending_ceiling: options.pending_ceiling,
        withdraw_older_than_days: options.withdraw_after_days,
        oldest_pending: pending
            .iter()
            .take(OLDEST_SHOWN)
            .map(|i| describe(i))
            .collect(),
        recommended_withdrawals: pending
            .iter()
            .map(|i| describe(i))
            .filter(|p| p.age_days >= threshold)
            .map(|invitation| Withdrawal {
                invitation,
                reinvite_on,
            })
            .collect(),
        messages: export
            .conversations
            .as_deref()
            .map(|c| message_stats(c, owner.as_ref().map(|o| &o.key))),
        owner: owner.map(|o| o.owner),
    }
}

fn connection_stats(export: &LinkedInExport) -> ConnectionStats {
    let mut stats = ConnectionStats {
        total: 0,
        with_email: 0,
        hidden: 0,
        by_month: BTreeMap::new(),
    };
    for connection in &export.connections {
        stats.total += 1;
        stats.with_email += u32::from(connection.email.is_some());
        stats.hidden += u32::from(connection.is_hidden());
        let month = connection.connected_on.strftime("%Y-%m").to_string();
        *stats.by_month.entry(month).or_default() += 1;
    }
    stats
}

/// The owner as shown, and as messages are compared with.
#[derive(Debug)]
struct KnownOwner {
    owner: Owner,
    key: Sender,
}

/// Who the export belongs to: named by `Profile.csv`, else by the `From` of outgoing
/// invitations; the URL comes from the invitations. Without either, the sender found in most
/// conversations.
fn owner(export: &LinkedInExport) -> Option<KnownOwner> {
    let outgoing = || {
        export
            .invitations
            .iter()
            .filter(|i| i.direction == Direction::Outgoing)
    };
    let incoming = || {
        export
            .invitations
            .iter()
            .filter(|i| i.direction == Direction::Incoming)
    };
    let url = most_common(outgoing().filter_map(|i| i.inviter_url.clone()))
        .or_else(|| most_common(incoming().filter_map(|i| i.invitee_url.clone())));
    let (name, source) = match &export.profile {
        Some(profile) => (Some(profile.full()), OwnerSource::Profile),
        None => (
            most_common(outgoing().map(|i| i.from.clone()).filter(|f| !f.is_empty())),
            OwnerSource::Invitations,
        ),
    };
    if name.is_some() || url.is_some() {
        let key = Sender {
            name: name.as_deref().and_then(NameKey::new),
            url: url.clone(),
        };
        let owner = Owner {
            name,
            profile_url: url.map(|u| u.to_string()),
            source,
        };
        return Some(KnownOwner { owner, key });
    }
    let conversations = export.conversations.as_deref()?;
    let key = most_common(
        conversations
            .iter()
            .flat_map(|c| c.senders.iter().cloned())
            .filter(|s| s.name.is_some() || s.url.is_some()),
    )?;
    let owner = Owner {
        name: key.name.as_ref().map(ToString::to_string),
        profile_url: key.url.as_ref().map(ToString::to_string),
        source: OwnerSource::Messages,
    };
    Some(KnownOwner { owner, key })
}

/// The value seen most often; on a tie, the one seen first.
fn most_common<T: std::hash::Hash + Eq + Clone>(values: impl Iterator<Item = T>) -> Option<T> {
    let mut counts: HashMap<T, (usize, usize)> = HashMap::new();
    for (order, value) in values.enumerate() {
        counts.entry(value).or_insert((0, order)).0 += 1;
    }
    counts
        .into_iter()
        .max_by(|(_, (a, first_a)), (_, (b, first_b))| a.cmp(b).then(first_b.cmp(first_a)))
        .map(|(value, _)| value)
}

/// Whether `sender` is the owner: by profile URL when both have one, otherwise by name.
fn is_owner(sender: &Sender, owner: &Sender) -> bool {
    match (&sender.url, &owner.url) {
        (Some(a), Some(b)) => a == b,
        _ => sender.name.is_some() && sender.name == owner.name,
    }
}

fn message_stats(conversations: &[Conversation], owner: Option<&Sender>) -> MessageStats {
    let mut stats = MessageStats {
        conversations: 0,
        started_by_you: 0,
        answered: 0,
    };
    for conversation in conversations {
        stats.conversations += 1;
        let Some(owner) = owner else {
            continue;
        };
        if is_owner(&conversation.started_by, owner) {
            stats.started_by_you += 1;
            let someone_else =
                |s: &Sender| (s.name.is_some() || s.url.is_some()) && !is_owner(s, owner);
            if conversation.senders.iter().any(someone_else) {
                stats.answered += 1;
            }
        }
    }
    stats
}
