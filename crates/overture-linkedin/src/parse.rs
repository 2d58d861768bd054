//! Voyager answers, read into plain rows. Pure: JSON in, rows out.
//!
//! Every reader takes both shapes the reference describes: `accept: application/json` puts
//! objects inline (`elements[]`, `toMember: {…}`); the normalized shape
//! (`application/vnd.linkedin.normalized+json+2.1`) answers `data` with references
//! (`*elements: [urn…]`, `*toMember: urn`) resolved through `included[]`. [`Doc`] hides the
//! difference: a field is read inline, or through its `*` reference.

use std::collections::HashMap;

use jiff::Timestamp;
use overture_channel::Degree;
use serde_json::Value;

/// An answer that does not have the shape the client expects: the endpoint has drifted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unexpected {what} answer: {problem}")]
pub struct ParseError {
    /// Which answer.
    pub what: &'static str,
    /// What is missing or wrong.
    pub problem: String,
}

fn missing(what: &'static str, problem: &str) -> ParseError {
    ParseError {
        what,
        problem: problem.to_owned(),
    }
}

/// A Voyager document in either shape, with `included[]` indexed by `entityUrn`.
#[derive(Debug)]
pub struct Doc<'a> {
    root: &'a Value,
    index: HashMap<&'a str, &'a Value>,
}

impl<'a> Doc<'a> {
    /// Indexes `root`'s `included[]`, if any.
    pub fn new(root: &'a Value) -> Self {
        let index = included(root)
            .filter_map(|e| Some((e.get("entityUrn")?.as_str()?, e)))
            .collect();
        Self { root, index }
    }

    /// The `data` object of the normalized shape, or the root of the plain one.
    pub fn data(&self) -> &'a Value {
        match self.root.get("data") {
            Some(data) if data.is_object() => data,
            _ => self.root,
        }
    }

    /// The entity with this urn in `included[]`.
    pub fn entity(&self, urn: &str) -> Option<&'a Value> {
        self.index.get(urn).copied()
    }

    /// `obj[key]` inline, or the entity `obj["*key"]` refers to.
    pub fn field(&self, obj: &'a Value, key: &str) -> Option<&'a Value> {
        match obj.get(key) {
            Some(v) if !v.is_null() => Some(v),
            _ => self.entity(obj.get(format!("*{key}"))?.as_str()?),
        }
    }

    /// `obj[key]` as an inline list, or the entities of the urns in `obj["*key"]`.
    pub fn list(&self, obj: &'a Value, key: &str) -> Vec<&'a Value> {
        if let Some(items) = obj.get(key).and_then(Value::as_array) {
            return items.iter().collect();
        }
        obj.get(format!("*{key}"))
            .and_then(Value::as_array)
            .map(|urns| {
                urns.iter()
                    .filter_map(|u| self.entity(u.as_str()?))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The answer's elements, in either shape.
    pub fn elements(&self) -> Vec<&'a Value> {
        self.list(self.data(), "elements")
    }

    /// The entities of `included[]` whose urn starts with `prefix`, in order.
    pub fn included_with_prefix(&self, prefix: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
        included(self.root).filter(move |e| urn_of(e).is_some_and(|u| u.starts_with(prefix)))
    }
}

fn included(root: &Value) -> impl Iterator<Item = &Value> {
    root.get("included")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

fn urn_of(v: &Value) -> Option<&str> {
    v.get("entityUrn")?.as_str()
}

fn str_of<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key)?.as_str()
}

/// The id at the end of an urn (`urn:li:fsd_profile:ACoAA1` → `ACoAA1`).
pub fn urn_id(urn: &str) -> &str {
    urn.rsplit(':').next().unwrap_or(urn)
}

fn millis(v: &Value, key: &str) -> Option<Timestamp> {
    Timestamp::from_millisecond(v.get(key)?.as_i64()?).ok()
}

/// The first value under `key` anywhere in `value`, depth first.
pub fn find_key<'v>(value: &'v Value, key: &str) -> Option<&'v Value> {
    match value {
        Value::Object(map) => map
            .get(key)
            .or_else(|| map.values().find_map(|v| find_key(v, key))),
        Value::Array(items) => items.iter().find_map(|v| find_key(v, key)),
        _ => None,
    }
}

/// A person as the profile lookup sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileRow {
    /// The profile id (`ACoAA…`).
    pub profile_id: String,
    /// The public slug.
    pub public_id: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Headline, if any.
    pub headline: Option<String>,
    /// Degree of connection from the session's member.
    pub degree: Degree,
    /// Whether an invitation from the session's member is pending.
    pub invitation_pending: bool,
}

const FSD_PROFILE: &str = "urn:li:fsd_profile:";

/// The `fsd_profile` entity of a profile lookup: the one whose slug or profile id is
/// `identity`, else the first.
fn find_profile<'a>(doc: &Doc<'a>, identity: &str) -> Option<&'a Value> {
    let mut candidates = doc.elements();
    candidates.extend(doc.included_with_prefix(FSD_PROFILE));
    let profiles: Vec<&Value> = candidates
        .into_iter()
        .filter(|p| urn_of(p).is_some_and(|u| u.starts_with(FSD_PROFILE)))
        .collect();
    let named = |p: &&&Value| {
        str_of(p, "publicIdentifier").is_some_and(|s| s.eq_ignore_ascii_case(identity))
            || urn_of(p).is_some_and(|u| urn_id(u) == identity)
    };
    profiles
        .iter()
        .find(named)
        .or_else(|| profiles.first())
        .copied()
}

/// Reads a profile lookup (`identity/dash/profiles?q=memberIdentity`) for `slug`.
pub fn profile(root: &Value, slug: &str) -> Result<ProfileRow, ParseError> {
    const WHAT: &str = "profile";
    let doc = Doc::new(root);
    let found = find_profile(&doc, slug).ok_or_else(|| missing(WHAT, "no fsd_profile entity"))?;
    let urn = urn_of(found).unwrap_or_default();
    let relationship = doc
        .field(found, "memberRelationship")
        .ok_or_else(|| missing(WHAT, "no memberRelationship"))?;
    let union = ["memberRelationshipUnion", "memberRelationship"]
        .into_iter()
        .find_map(|k| relationship.get(k).filter(|v| v.is_object()))
        .unwrap_or(relationship);
    let (degree, invitation_pending) = if union.get("connection").is_some() {
        (Degree::First, false)
    } else if let Some(none) = union.get("noConnection") {
        let degree = match str_of(none, "memberDistance") {
            Some("DISTANCE_2") => Degree::Second,
            Some("DISTANCE_3") => Degree::Third,
            Some("OUT_OF_NETWORK") | None => Degree::OutOfNetwork,
            Some(other) => return Err(missing(WHAT, &format!("memberDistance {other}"))),
        };
        let pending = none
            .get("invitationUnion")
            .and_then(|u| doc.field(u, "invitation"))
            .is_some();
        (degree, pending)
    } else {
        return Err(missing(
            WHAT,
            "memberRelationship is neither connection nor noConnection",
        ));
    };
    Ok(ProfileRow {
        profile_id: urn_id(urn).to_owned(),
        public_id: str_of(found, "publicIdentifier").unwrap_or(slug).to_owned(),
        first_name: str_of(found, "firstName").unwrap_or_default().to_owned(),
        last_name: str_of(found, "lastName").unwrap_or_default().to_owned(),
        headline: str_of(found, "headline").map(str::to_owned),
        degree,
        invitation_pending,
    })
}

/// Reads the invitation id from an invitation's answer (`invitationUrn:
/// urn:li:fsd_invitation:<id>`, wherever the shape puts it).
pub fn invitation_id(root: &Value) -> Result<String, ParseError> {
    find_key(root, "invitationUrn")
        .and_then(Value::as_str)
        .map(|urn| urn_id(urn).to_owned())
        .ok_or_else(|| missing("invitation", "no invitationUrn"))
}

/// A pending sent invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentRow {
    /// The numeric id shared by `fs_relInvitation` and `fsd_invitation` urns.
    pub invitation_id: String,
    /// When it was sent.
    pub sent_at: Timestamp,
    /// The invitee's public slug.
    pub public_id: String,
    /// The invitee's profile id, when the mini profile carries it.
    pub profile_id: Option<String>,
    /// Whether it carried a note.
    pub with_note: bool,
    /// The secret that accepting or ignoring needs (withdrawing does not).
    pub shared_secret: Option<String>,
}

/// One page of the sent list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentPage {
    /// The rows, newest first.
    pub rows: Vec<SentRow>,
    /// The total the answer announces, if it does.
    pub total: Option<u64>,
}

const FS_REL_INVITATION: &str = "urn:li:fs_relInvitation:";

/// Reads one page of `relationships/sentInvitationViewsV2`, in either shape.
pub fn sent_invitations(root: &Value) -> Result<SentPage, ParseError> {
    const WHAT: &str = "sent invitations";
    let doc = Doc::new(root);
    let mut invitations: Vec<&Value> = doc
        .elements()
        .into_iter()
        .map(|e| doc.field(e, "invitation").unwrap_or(e))
        .collect();
    if invitations.is_empty() {
        invitations = doc.included_with_prefix(FS_REL_INVITATION).collect();
    }
    let mut rows = Vec::with_capacity(invitations.len());
    for inv in invitations {
        let urn = urn_of(inv).ok_or_else(|| missing(WHAT, "a row without entityUrn"))?;
        let invitee = doc
            .field(inv, "toMember")
            .ok_or_else(|| missing(WHAT, "a row without toMember"))?;
        rows.push(SentRow {
            invitation_id: urn_id(urn).to_owned(),
            sent_at: millis(inv, "sentTime")
                .ok_or_else(|| missing(WHAT, "a row without sentTime"))?,
            public_id: str_of(invitee, "publicIdentifier")
                .ok_or_else(|| missing(WHAT, "an invitee without publicIdentifier"))?
                .to_owned(),
            profile_id: urn_of(invitee).map(|u| urn_id(u).to_owned()),
            with_note: str_of(inv, "message").is_some_and(|m| !m.trim().is_empty()),
            shared_secret: str_of(inv, "sharedSecret").map(str::to_owned),
        });
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.sent_at));
    let total = doc
        .field(doc.data(), "paging")
        .and_then(|p| p.get("total"))
        .and_then(Value::as_u64);
    Ok(SentPage { rows, total })
}

/// Reads `numTotalSentInvitations` from `relationships/invitationsSummaryV2`.
pub fn sent_count(root: &Value) -> Result<u64, ParseError> {
    find_key(root, "numTotalSentInvitations")
        .and_then(Value::as_u64)
        .ok_or_else(|| missing("invitation summary", "no numTotalSentInvitations"))
}

/// Reads the batch withdrawal's `value.statusCodeMap` for `urn`: the status LinkedIn gave it.
pub fn batch_status(root: &Value, urn: &str) -> Result<u16, ParseError> {
    find_key(root, "statusCodeMap")
        .and_then(|m| m.get(urn))
        .and_then(Value::as_u64)
        .and_then(|s| u16::try_from(s).ok())
        .ok_or_else(|| missing("withdrawal", "no statusCodeMap entry for the invitation"))
}

/// A connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionRow {
    /// Their public slug.
    pub public_id: String,
    /// Their profile id.
    pub profile_id: String,
    /// When they connected.
    pub connected_at: Timestamp,
}

/// Reads a page of `relationships/dash/connections`, in either shape, in the answer's order
/// (newest first).
pub fn connections(root: &Value) -> Result<Vec<ConnectionRow>, ParseError> {
    const WHAT: &str = "connections";
    let doc = Doc::new(root);
    let mut elements = doc.elements();
    if elements.is_empty() {
        elements = doc.included_with_prefix("urn:li:fsd_connection:").collect();
    }
    elements
        .into_iter()
        .map(|c| {
            let member = doc
                .field(c, "connectedMemberResolutionResult")
                .or_else(|| doc.field(c, "connectedMember").filter(|m| m.is_object()))
                .ok_or_else(|| missing(WHAT, "a connection without its member"))?;
            Ok(ConnectionRow {
                public_id: str_of(member, "publicIdentifier")
                    .ok_or_else(|| missing(WHAT, "a member without publicIdentifier"))?
                    .to_owned(),
                profile_id: urn_of(member).map(urn_id).unwrap_or_default().to_owned(),
                connected_at: millis(c, "createdAt")
                    .ok_or_else(|| missing(WHAT, "a connection without createdAt"))?,
            })
        })
        .collect()
}

/// The session's own member, from `/me`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeRow {
    /// The profile id.
    pub profile_id: String,
    /// The public slug.
    pub public_id: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Whether the account has Premium (`premiumSubscriber`).
    pub premium: bool,
}

/// Reads `/me`.
pub fn me(root: &Value) -> Result<MeRow, ParseError> {
    let doc = Doc::new(root);
    let mini = doc
        .field(doc.data(), "miniProfile")
        .ok_or_else(|| missing("me", "no miniProfile"))?;
    Ok(MeRow {
        profile_id: urn_of(mini)
            .map(urn_id)
            .ok_or_else(|| missing("me", "a miniProfile without entityUrn"))?
            .to_owned(),
        public_id: str_of(mini, "publicIdentifier")
            .unwrap_or_default()
            .to_owned(),
        first_name: str_of(mini, "firstName").unwrap_or_default().to_owned(),
        last_name: str_of(mini, "lastName").unwrap_or_default().to_owned(),
        premium: find_key(doc.data(), "premiumSubscriber")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    })
}

/// A sent message as the answer describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRow {
    /// The message urn.
    pub message_id: String,
    /// The conversation it went into, when the answer says.
    pub conversation_urn: Option<String>,
    /// When it was delivered, when the answer says.
    pub delivered_at: Option<Timestamp>,
}

/// Reads the answer to `createMessage`.
pub fn message(root: &Value) -> Result<MessageRow, ParseError> {
    let value = find_key(root, "value").unwrap_or(root);
    Ok(MessageRow {
        message_id: str_of(value, "entityUrn")
            .or_else(|| str_of(value, "backendUrn"))
            .ok_or_else(|| missing("message", "no entityUrn"))?
            .to_owned(),
        conversation_urn: str_of(value, "conversationUrn").map(str::to_owned),
        delivered_at: millis(value, "deliveredAt").or_else(|| millis(value, "createdAt")),
    })
}

/// A message in a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    /// The sender's public slug.
    pub from_public_id: String,
    /// The text.
    pub text: String,
    /// When it was sent.
    pub sent_at: Timestamp,
    /// The sender's `originToken`, when the answer carries it.
    pub origin_token: Option<String>,
    /// The public slugs of the conversation's participants other than the session's own
    /// member, when the answer lists them.
    pub participants: Vec<String>,
}

/// A page of conversations with their (last) message events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationPage {
    /// The message events, in the answer's order.
    pub events: Vec<EventRow>,
    /// The oldest `lastActivityAt` of the page, for the next page's `createdBefore`.
    pub oldest_activity: Option<Timestamp>,
    /// How many conversations the page had.
    pub conversations: usize,
}

const MESSAGING_MEMBER: &str = "com.linkedin.voyager.messaging.MessagingMember";
const MESSAGE_EVENT: &str = "com.linkedin.voyager.messaging.event.MessageEvent";

/// Reads a page of `messaging/conversations`, in either shape. Events that are not messages
/// (participant changes and the like) are skipped.
pub fn conversations(root: &Value) -> Result<ConversationPage, ParseError> {
    const WHAT: &str = "conversations";
    let doc = Doc::new(root);
    let list = doc.elements();
    let mut events = Vec::new();
    for conversation in &list {
        let participants: Vec<String> = doc
            .list(conversation, "participants")
            .into_iter()
            .filter_map(|p| {
                let member = p.get(MESSAGING_MEMBER).unwrap_or(p);
                let mini = doc.field(member, "miniProfile")?;
                str_of(mini, "publicIdentifier").map(str::to_owned)
            })
            .collect();
        for event in doc.list(conversation, "events") {
            let Some(content) = event
                .get("eventContent")
                .and_then(|c| c.get(MESSAGE_EVENT).or(Some(c)))
                .and_then(|c| c.get("attributedBody").or_else(|| c.get("body")))
            else {
                continue;
            };
            let text = content
                .get("text")
                .and_then(Value::as_str)
                .or(content.as_str());
            let from = doc
                .field(event, "from")
                .map(|f| f.get(MESSAGING_MEMBER).unwrap_or(f))
                .and_then(|m| doc.field(m, "miniProfile"))
                .ok_or_else(|| missing(WHAT, "a message without its sender"))?;
            events.push(EventRow {
                from_public_id: str_of(from, "publicIdentifier")
                    .ok_or_else(|| missing(WHAT, "a sender without publicIdentifier"))?
                    .to_owned(),
                text: text.unwrap_or_default().to_owned(),
                sent_at: millis(event, "createdAt")
                    .ok_or_else(|| missing(WHAT, "a message without createdAt"))?,
                origin_token: str_of(event, "originToken").map(str::to_owned),
                participants: participants.clone(),
            });
        }
    }
    let oldest_activity = list
        .iter()
        .filter_map(|c| millis(c, "lastActivityAt"))
        .min();
    Ok(ConversationPage {
        events,
        oldest_activity,
        conversations: list.len(),
    })
}

mod own_profile;

pub use own_profile::{OwnProfileRow, connection_count, own_profile};

#[cfg(test)]
mod tests;
