//! The operations, one Voyager call (or a short sequence of them) each.

use jiff::Timestamp;
use overture_channel::ChannelError;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::json;

use crate::classify::Target;
use crate::client::VoyagerClient;
use crate::endpoints as ep;
use crate::parse::{
    self, ConnectionRow, EventRow, MeRow, MessageRow, ParseError, ProfileRow, SentPage, SentRow,
};

/// The most pages a listing reads in one call, so a drifted paging field cannot loop forever.
pub const MAX_PAGES: u32 = 50;

/// Everything but RFC 3986's unreserved characters, so `:` becomes `%3A` as the web client
/// sends urns.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn enc(s: &str) -> String {
    utf8_percent_encode(s, COMPONENT).to_string()
}

/// An answer of an unexpected shape: loud, since an endpoint has drifted.
pub(crate) fn drifted(error: ParseError) -> ChannelError {
    ChannelError::Permanent {
        detail: error.to_string(),
    }
}

/// Where a conversation message goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipient<'a> {
    /// A first message to a connection, by profile id (`ACoAA…`).
    Member(&'a str),
    /// An existing conversation, by urn (`urn:li:msg_conversation:(…)`).
    Conversation(&'a str),
}

impl VoyagerClient {
    /// Looks up a person by public slug.
    pub async fn profile(&self, slug: &str) -> Result<ProfileRow, ChannelError> {
        let answer = self.get(&profile_path(slug), Target::Profile).await?;
        parse::profile(&answer.json, slug).map_err(drifted)
    }

    /// Sends an invitation to a profile id, with the note when there is one, and returns the
    /// invitation id with the server's time of the answer. Sent once: never retried here.
    pub async fn invite(
        &self,
        profile_id: &str,
        note: Option<&str>,
    ) -> Result<(String, Option<Timestamp>), ChannelError> {
        let path = format!(
            "{}?action={}&decorationId={}",
            ep::INVITE,
            ep::INVITE_ACTION,
            ep::INVITE_DECORATION
        );
        let mut body = json!({
            "invitee": { "inviteeUnion": { "memberProfile": format!("urn:li:fsd_profile:{profile_id}") } }
        });
        if let Some(note) = note {
            body["customMessage"] = json!(note);
        }
        let answer = self.post(&path, &body).await?;
        // A success without the id: the invitation probably went out. `Transient` makes the
        // engine verify through the profile before it sends anything again.
        let id = parse::invitation_id(&answer.json).map_err(|e| ChannelError::Transient {
            detail: e.to_string(),
        })?;
        Ok((id, answer_date(&answer.headers)))
    }

    /// One page of pending sent invitations from `start`, at most 100.
    pub async fn sent_invitations_page(
        &self,
        start: u32,
        count: u32,
    ) -> Result<SentPage, ChannelError> {
        let count = count.clamp(1, ep::SENT_PAGE_MAX);
        let path = format!(
            "{}?start={start}&count={count}&invitationType=CONNECTION&q=invitationType",
            ep::SENT_INVITATIONS
        );
        let answer = self.get(&path, Target::Other).await?;
        parse::sent_invitations(&answer.json).map_err(drifted)
    }

    /// Every pending sent invitation, following pages of 100 until a short page.
    pub async fn all_sent_invitations(&self) -> Result<Vec<SentRow>, ChannelError> {
        let mut rows = Vec::new();
        for page in 0..MAX_PAGES {
            let got = self
                .sent_invitations_page(page * ep::SENT_PAGE_MAX, ep::SENT_PAGE_MAX)
                .await?;
            let len = got.rows.len();
            rows.extend(got.rows);
            if next_start(page * ep::SENT_PAGE_MAX, ep::SENT_PAGE_MAX, len, got.total).is_none() {
                break;
            }
        }
        Ok(rows)
    }

    /// How many invitations are pending.
    pub async fn sent_invitation_count(&self) -> Result<u64, ChannelError> {
        let path = format!(
            "{}?types={}",
            ep::INVITATIONS_SUMMARY,
            ep::INVITATIONS_SUMMARY_TYPES
        );
        let answer = self.get(&path, Target::Other).await?;
        parse::sent_count(&answer.json).map_err(drifted)
    }

    /// Withdraws an invitation by id: the current form, and the older batch form when the
    /// current one is not there (404, 405, 410, or moved). Each form is sent once.
    pub async fn withdraw(&self, invitation_id: &str) -> Result<(), ChannelError> {
        let path = format!(
            "{}/{}?action=withdraw",
            ep::INVITATION_DASH,
            enc(&format!("urn:li:fsd_invitation:{invitation_id}"))
        );
        let body = json!({ "invitationType": "CONNECTION" });
        match self.post_with_status(&path, &body).await {
            Ok(_) => Ok(()),
            // Only a plain refusal: a redirect to a login page or a challenge is not a
            // missing endpoint.
            Err((Some(status), ChannelError::Permanent { .. })) if endpoint_missing(status) => {
                tracing::debug!(
                    status,
                    "current withdrawal form not served; using the batch form"
                );
                self.withdraw_batch(invitation_id).await
            }
            Err((_, error)) => Err(error),
        }
    }

    /// The older batch withdrawal, for one invitation.
    async fn withdraw_batch(&self, invitation_id: &str) -> Result<(), ChannelError> {
        let urn = format!("urn:li:fs_relInvitation:{invitation_id}");
        let body = json!({
            "inviteActionType": "ACTOR_WITHDRAW",
            "inviteActionData": [{
                "entityUrn": urn,
                "genericInvitation": false,
                "genericInvitationType": "CONNECTION"
            }]
        });
        let path = format!("{}?action=closeInvitations", ep::INVITATIONS_BATCH);
        let answer = self.post(&path, &body).await?;
        match parse::batch_status(&answer.json, &urn).map_err(drifted)? {
            200..=299 => Ok(()),
            status => Err(ChannelError::Permanent {
                detail: format!("withdrawal refused with {status}"),
            }),
        }
    }

    /// Connections made at or after `since`, oldest first (pages of the newest first until one
    /// is older than `since`).
    pub async fn connections_since(
        &self,
        since: Timestamp,
    ) -> Result<Vec<ConnectionRow>, ChannelError> {
        let mut found = Vec::new();
        for page in 0..MAX_PAGES {
            let start = page * ep::CONNECTIONS_PAGE;
            let path = format!(
                "{}?decorationId={}&count={}&q=search&sortType=RECENTLY_ADDED&start={start}",
                ep::CONNECTIONS,
                ep::CONNECTIONS_DECORATION,
                ep::CONNECTIONS_PAGE
            );
            let answer = self.get(&path, Target::Other).await?;
            let rows = parse::connections(&answer.json).map_err(drifted)?;
            let len = rows.len();
            let reached_older = rows.iter().any(|r| r.connected_at < since);
            found.extend(rows.into_iter().filter(|r| r.connected_at >= since));
            if reached_older || next_start(start, ep::CONNECTIONS_PAGE, len, None).is_none() {
                break;
            }
        }
        found.sort_by_key(|r| r.connected_at);
        Ok(found)
    }

    /// The session's own member (`/me`).
    pub async fn me(&self) -> Result<MeRow, ChannelError> {
        let answer = self.get(ep::ME, Target::Other).await?;
        parse::me(&answer.json).map_err(drifted)
    }

    /// Sends a message, once. `mailbox` is the session's own profile id; `origin_token` is a
    /// UUID that identifies the message in its conversation after a crash.
    pub async fn send_message(
        &self,
        mailbox: &str,
        to: Recipient<'_>,
        text: &str,
        origin_token: &str,
    ) -> Result<MessageRow, ChannelError> {
        let mut message = json!({
            "body": { "attributes": [], "text": text },
            "renderContentUnions": [],
            "originToken": origin_token
        });
        let mut body = json!({
            "mailboxUrn": format!("urn:li:fsd_profile:{mailbox}"),
            "trackingId": tracking_id(origin_token),
            "dedupeByClientGeneratedToken": false
        });
        match to {
            Recipient::Conversation(urn) => message["conversationUrn"] = json!(urn),
            Recipient::Member(id) => {
                body["hostRecipientUrns"] = json!([format!("urn:li:fsd_profile:{id}")]);
            }
        }
        body["message"] = message;
        let path = format!("{}?action=createMessage", ep::MESSAGE_CREATE);
        let answer = self.post(&path, &body).await?;
        let mut row = parse::message(&answer.json).map_err(|e| ChannelError::Transient {
            detail: e.to_string(),
        })?;
        // Without a delivery time in the answer, the server's own `Date` stands in (no clock
        // is read here).
        if row.delivered_at.is_none() {
            row.delivered_at = answer_date(&answer.headers);
        }
        Ok(row)
    }

    /// Messages sent at or after `since` in conversations active since then, oldest first
    /// (including the seat's own; the caller filters).
    pub async fn messages_since(&self, since: Timestamp) -> Result<Vec<EventRow>, ChannelError> {
        let mut events = Vec::new();
        let mut before: Option<Timestamp> = None;
        for _ in 0..MAX_PAGES {
            let mut path = format!("{}?keyVersion=LEGACY_INBOX", ep::CONVERSATIONS);
            if let Some(before) = before {
                path.push_str(&format!("&createdBefore={}", before.as_millisecond()));
            }
            let answer = self.get(&path, Target::Other).await?;
            let page = parse::conversations(&answer.json).map_err(drifted)?;
            events.extend(page.events.into_iter().filter(|e| e.sent_at >= since));
            match page.oldest_activity {
                Some(oldest) if oldest >= since && Some(oldest) != before => before = Some(oldest),
                _ => break,
            }
        }
        events.sort_by_key(|e| e.sent_at);
        Ok(events)
    }
}

/// The full profile lookup of a slug or profile id.
pub(crate) fn profile_path(identity: &str) -> String {
    format!(
        "{}?q=memberIdentity&memberIdentity={}&decorationId={}",
        ep::PROFILE,
        enc(identity),
        ep::PROFILE_DECORATION
    )
}

/// The next page's start, or `None` when this page was the last: a short page, or the
/// announced total reached.
pub fn next_start(start: u32, count: u32, got: usize, total: Option<u64>) -> Option<u32> {
    let next = start + count;
    let short = got < count as usize;
    let past_total = total.is_some_and(|t| u64::from(next) >= t);
    (!short && !past_total).then_some(next)
}

/// The answer's `Date`: the server's time, which stands in for a time the body lacks.
fn answer_date(headers: &reqwest::header::HeaderMap) -> Option<Timestamp> {
    let date = headers.get(reqwest::header::DATE)?.to_str().ok()?;
    Some(jiff::fmt::rfc2822::parse(date).ok()?.timestamp())
}

/// When the current withdrawal form is not served (gone, wrong method, or moved), so the batch
/// form is worth a try. A refusal with any other status did reach the endpoint.
fn endpoint_missing(status: u16) -> bool {
    matches!(status, 301 | 302 | 307 | 308 | 404 | 405 | 410)
}

/// The web client's `trackingId`: 16 bytes, here derived from the origin token so a message
/// keeps one identity.
fn tracking_id(origin_token: &str) -> String {
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, origin_token.as_bytes())
        .simple()
        .to_string()
}
