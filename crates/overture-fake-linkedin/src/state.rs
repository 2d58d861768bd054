//! What the fake remembers between requests, and the rules that change it.
//!
//! Every function takes `now`; the server reads the clock once per request.

use jiff::{SignedDuration, Timestamp};

use crate::faults::FaultRule;
use crate::log::LoggedRequest;
use crate::world::{Account, Degree, Member, Tier, World, digits_of};

/// A refusal in LinkedIn's terms: an HTTP status and, usually, a Voyager error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// HTTP status.
    pub status: u16,
    /// Voyager `code`, when LinkedIn gives one.
    pub code: Option<&'static str>,
    /// Human-readable message.
    pub message: String,
}

impl Refusal {
    pub(crate) fn new(status: u16, code: Option<&'static str>, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }
}

/// Where an invitation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationStatus {
    /// Sent, not answered.
    Pending,
    /// Accepted by the invitee: they are connected now.
    Accepted,
    /// Withdrawn by the sender.
    Withdrawn,
}

/// An invitation the fake holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    /// Numeric id, shared by `urn:li:fsd_invitation:<id>` and `urn:li:fs_relInvitation:<id>`.
    pub id: u64,
    /// Sending account's name.
    pub account: String,
    /// Invitee's slug.
    pub slug: String,
    /// The note, if any.
    pub note: Option<String>,
    /// When it was sent.
    pub sent_at: Timestamp,
    /// When it was withdrawn or accepted.
    pub closed_at: Option<Timestamp>,
    /// Secret LinkedIn pairs with each invitation.
    pub shared_secret: String,
    /// Where it stands.
    pub status: InvitationStatus,
}

/// A connection made during the run (accepted invitation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    /// Account's name.
    pub account: String,
    /// Member's slug.
    pub slug: String,
    /// When they connected.
    pub created_at: Timestamp,
}

/// One message in a conversation between an account and a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Numeric id (`urn:li:msg_message:(<mailbox>,2-<id>)`).
    pub id: u64,
    /// Conversation id (`urn:li:msg_conversation:(<mailbox>,2-<id>)`).
    pub conversation: u64,
    /// Account's name.
    pub account: String,
    /// Member's slug.
    pub slug: String,
    /// `true` when the member wrote it, `false` when the account did.
    pub from_member: bool,
    /// Text.
    pub text: String,
    /// When it was delivered.
    pub at: Timestamp,
    /// The sender's `originToken`, which makes sending idempotent.
    pub origin_token: Option<String>,
}

/// How a session that is no longer valid answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionDeath {
    /// 401 with a JSON body.
    Unauthorized,
    /// 401 with `set-cookie: li_at=delete`.
    DeleteCookie,
    /// 302 back to the same URL, forever.
    RedirectLoop,
}

/// Something that happens when the clock reaches a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Scheduled {
    Accept {
        account: String,
        slug: String,
    },
    Reply {
        account: String,
        slug: String,
        text: String,
    },
}

/// An account's session as the server sees it.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub account: Account,
    /// Cookie values that still work after a rotation (the browser may lag one answer).
    pub previous_li_at: Vec<String>,
    pub dead: Option<SessionDeath>,
    /// A rotation not yet announced with `set-cookie`.
    pub rotation_pending: bool,
}

/// The fake's whole state.
#[derive(Debug)]
pub(crate) struct State {
    pub members: Vec<Member>,
    pub sessions: Vec<Session>,
    pub limits: crate::world::Limits,
    pub invitations: Vec<Invitation>,
    pub connections: Vec<Connection>,
    pub messages: Vec<Message>,
    pub scheduled: Vec<(Timestamp, Scheduled)>,
    pub faults: Vec<FaultRule>,
    pub log: Vec<LoggedRequest>,
    next_id: u64,
}

impl State {
    pub fn new(world: World) -> Self {
        // The world's 1st-degree members connected before the run, at a fixed instant.
        let before: Timestamp = "2025-06-02T09:00:00Z".parse().unwrap_or_default();
        let connections = world
            .accounts
            .iter()
            .flat_map(|a| {
                world
                    .members
                    .iter()
                    .filter(|m| m.degree == Degree::First)
                    .map(|m| Connection {
                        account: a.name.clone(),
                        slug: m.slug.clone(),
                        created_at: before,
                    })
            })
            .collect();
        Self {
            members: world.members,
            sessions: world
                .accounts
                .into_iter()
                .map(|account| Session {
                    account,
                    previous_li_at: Vec::new(),
                    dead: None,
                    rotation_pending: false,
                })
                .collect(),
            limits: world.limits,
            invitations: Vec::new(),
            connections,
            messages: Vec::new(),
            scheduled: Vec::new(),
            faults: Vec::new(),
            log: Vec::new(),
            next_id: 7_300_000_000_000_000_000,
        }
    }

    fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    pub fn member(&self, slug: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.slug == slug)
    }

    pub fn member_by_urn(&self, urn: &str) -> Option<&Member> {
        let id = urn.strip_prefix("urn:li:fsd_profile:")?;
        self.members.iter().find(|m| m.profile_id == id)
    }

    pub fn session(&self, account: &str) -> Option<&Session> {
        self.sessions.iter().find(|s| s.account.name == account)
    }

    pub fn session_mut(&mut self, account: &str) -> Option<&mut Session> {
        self.sessions.iter_mut().find(|s| s.account.name == account)
    }

    /// The degree of `slug` relative to `account` now.
    pub fn degree(&self, account: &str, member: &Member) -> Degree {
        if self.connected_at(account, &member.slug).is_some() {
            Degree::First
        } else {
            member.degree
        }
    }

    /// When the two connected.
    pub fn connected_at(&self, account: &str, slug: &str) -> Option<Timestamp> {
        self.connections
            .iter()
            .find(|c| c.account == account && c.slug == slug)
            .map(|c| c.created_at)
    }

    /// Applies every scheduled event due at `now`.
    pub fn run_due(&mut self, now: Timestamp) {
        let (due, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.scheduled)
            .into_iter()
            .partition(|(at, _)| *at <= now);
        self.scheduled = later;
        for (at, event) in due {
            // A scheduled event that no longer applies (withdrawn meanwhile) is dropped.
            let _ = match event {
                Scheduled::Accept { account, slug } => self.accept(&account, &slug, at),
                Scheduled::Reply {
                    account,
                    slug,
                    text,
                } => self.reply(&account, &slug, &text, at).map(|_| ()),
            };
        }
    }

    /// Sends an invitation, enforcing every rule in the reference's order of likelihood.
    pub fn invite(
        &mut self,
        account: &str,
        invitee_urn: &str,
        note: Option<&str>,
        now: Timestamp,
    ) -> Result<Invitation, Refusal> {
        let session = self
            .session(account)
            .ok_or_else(|| Refusal::new(401, None, "no such session"))?;
        let (tier, confirmed) = (session.account.tier, session.account.email_confirmed);
        let member = self
            .member_by_urn(invitee_urn)
            .cloned()
            .ok_or_else(|| Refusal::new(400, None, format!("unknown invitee {invitee_urn}")))?;
        if !confirmed {
            return Err(Refusal::new(
                400,
                Some("PRIMARY_HANDLE_NOT_CONFIRMED"),
                "confirm your email address to send invitations",
            ));
        }
        if self.degree(account, &member) == Degree::First {
            return Err(Refusal::new(
                400,
                Some("ALREADY_CONNECTED"),
                "already connected",
            ));
        }
        let limits = &self.limits;
        let (weekly, note_chars) = match tier {
            Tier::Free => (limits.weekly_invitations_free, limits.note_chars_free),
            Tier::Premium => (limits.weekly_invitations_premium, limits.note_chars_premium),
        };
        let mine = || self.invitations.iter().filter(|i| i.account == account);
        let week_ago = now - SignedDuration::from_hours(7 * 24);
        if mine().filter(|i| i.sent_at > week_ago).count() >= weekly {
            return Err(Refusal::new(
                400,
                Some(limits.weekly_limit_code),
                "weekly invitation limit reached",
            ));
        }
        let cooling = |i: &&Invitation| {
            i.slug == member.slug
                && (i.status == InvitationStatus::Pending
                    || (i.status == InvitationStatus::Withdrawn
                        && i.closed_at
                            .is_some_and(|at| at + limits.reinvite_cooldown > now)))
        };
        if mine().any(|i| cooling(&i)) {
            return Err(Refusal::new(
                400,
                Some("CANT_RESEND_YET"),
                "an invitation is pending or was withdrawn recently",
            ));
        }
        if let Some(note) = note {
            if note.chars().count() > note_chars {
                return Err(Refusal::new(
                    400,
                    Some("INVALID_CUSTOM_MESSAGE_LENGTH"),
                    format!("a note has at most {note_chars} characters"),
                ));
            }
            let month_ago = now - SignedDuration::from_hours(30 * 24);
            let notes = mine()
                .filter(|i| i.note.is_some() && i.sent_at > month_ago)
                .count();
            if tier == Tier::Free && notes >= limits.notes_per_month_free {
                return Err(Refusal::new(
                    429,
                    Some("CUSTOM_INVITE_LIMIT_REACHED"),
                    "monthly quota of personalised invitations reached",
                ));
            }
        }
        let id = self.next_id();
        let invitation = Invitation {
            id,
            account: account.to_owned(),
            slug: member.slug.clone(),
            note: note.map(str::to_owned),
            sent_at: now,
            closed_at: None,
            shared_secret: format!("s{}", digits_of(&id.to_string(), 8)),
            status: InvitationStatus::Pending,
        };
        self.invitations.push(invitation.clone());
        Ok(invitation)
    }

    /// Withdraws a pending invitation of `account`.
    pub fn withdraw(&mut self, account: &str, id: u64, now: Timestamp) -> Result<(), Refusal> {
        let invitation = self
            .invitations
            .iter_mut()
            .find(|i| i.id == id && i.account == account && i.status == InvitationStatus::Pending)
            .ok_or_else(|| Refusal::new(404, None, format!("no pending invitation {id}")))?;
        invitation.status = InvitationStatus::Withdrawn;
        invitation.closed_at = Some(now);
        Ok(())
    }

    /// The member accepts the pending invitation from `account`.
    pub fn accept(&mut self, account: &str, slug: &str, now: Timestamp) -> Result<(), Refusal> {
        let invitation = self
            .invitations
            .iter_mut()
            .find(|i| {
                i.account == account && i.slug == slug && i.status == InvitationStatus::Pending
            })
            .ok_or_else(|| {
                Refusal::new(
                    404,
                    None,
                    format!("no pending invitation from {account} to {slug}"),
                )
            })?;
        invitation.status = InvitationStatus::Accepted;
        invitation.closed_at = Some(now);
        self.connections.push(Connection {
            account: account.to_owned(),
            slug: slug.to_owned(),
            created_at: now,
        });
        Ok(())
    }

    /// The conversation between the two, if any.
    pub fn conversation(&self, account: &str, slug: &str) -> Option<u64> {
        self.messages
            .iter()
            .find(|m| m.account == account && m.slug == slug)
            .map(|m| m.conversation)
    }

    /// The member writes to the account (into their conversation, or a new one).
    pub fn reply(
        &mut self,
        account: &str,
        slug: &str,
        text: &str,
        now: Timestamp,
    ) -> Result<Message, Refusal> {
        if self.member(slug).is_none() || self.session(account).is_none() {
            return Err(Refusal::new(
                404,
                None,
                format!("unknown member {slug} or account {account}"),
            ));
        }
        let conversation = match self.conversation(account, slug) {
            Some(c) => c,
            None => self.next_id(),
        };
        let message = Message {
            id: self.next_id(),
            conversation,
            account: account.to_owned(),
            slug: slug.to_owned(),
            from_member: true,
            text: text.to_owned(),
            at: now,
            origin_token: None,
        };
        self.messages.push(message.clone());
        Ok(message)
    }

    /// The account writes to a 1st-degree member; the same `origin_token` twice sends once.
    pub fn send_message(
        &mut self,
        account: &str,
        to: MessageTarget,
        text: &str,
        origin_token: Option<&str>,
        now: Timestamp,
    ) -> Result<Message, Refusal> {
        if let Some(token) = origin_token
            && let Some(earlier) = self
                .messages
                .iter()
                .find(|m| m.account == account && m.origin_token.as_deref() == Some(token))
        {
            return Ok(earlier.clone());
        }
        let (slug, conversation) = match to {
            MessageTarget::Conversation(c) => {
                let slug = self
                    .messages
                    .iter()
                    .find(|m| m.account == account && m.conversation == c)
                    .map(|m| m.slug.clone())
                    .ok_or_else(|| Refusal::new(404, None, format!("no conversation {c}")))?;
                (slug, c)
            }
            MessageTarget::Member(urn) => {
                let member = self
                    .member_by_urn(&urn)
                    .cloned()
                    .ok_or_else(|| Refusal::new(400, None, format!("unknown recipient {urn}")))?;
                if self.degree(account, &member) != Degree::First {
                    return Err(Refusal::new(
                        403,
                        Some("NOT_CONNECTED"),
                        "messages go to 1st-degree connections only",
                    ));
                }
                let conversation = match self.conversation(account, &member.slug) {
                    Some(c) => c,
                    None => self.next_id(),
                };
                (member.slug, conversation)
            }
        };
        if text.trim().is_empty() {
            return Err(Refusal::new(400, None, "empty message"));
        }
        let message = Message {
            id: self.next_id(),
            conversation,
            account: account.to_owned(),
            slug,
            from_member: false,
            text: text.to_owned(),
            at: now,
            origin_token: origin_token.map(str::to_owned),
        };
        self.messages.push(message.clone());
        Ok(message)
    }
}

/// Whom a message goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum MessageTarget {
    /// An existing conversation, by numeric id.
    Conversation(u64),
    /// A member, by `urn:li:fsd_profile:` urn (a first message).
    Member(String),
}
