//! The Voyager endpoints: session and CSRF checks, then one function per operation.

use axum::http::{HeaderMap, HeaderName, Method, header};
use jiff::Timestamp;
use percent_encoding::percent_decode_str;
use serde_json::{Value, json};

use crate::ResponseShape;
use crate::log::Effect;
use crate::render;
use crate::server::{normalized, paths, session_death};
use crate::state::{InvitationStatus, MessageTarget, Refusal, State};

/// A request, as the endpoints need it.
pub(crate) struct Incoming<'a> {
    pub method: &'a Method,
    pub path: &'a str,
    pub query: &'a str,
    pub headers: &'a HeaderMap,
    pub body: &'a str,
    pub now: Timestamp,
    pub shape: ResponseShape,
}

impl Incoming<'_> {
    /// A decoded query parameter.
    fn param(&self, name: &str) -> Option<String> {
        self.query.split('&').find_map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(key) == name).then(|| decode(value))
        })
    }

    fn number(&self, name: &str, default: usize) -> Result<usize, Refusal> {
        match self.param(name) {
            None => Ok(default),
            Some(v) => v
                .parse()
                .map_err(|_| Refusal::new(400, None, format!("{name} is not a number"))),
        }
    }

    fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .find_map(|pair| {
                let (key, value) = pair.trim().split_once('=')?;
                (key == name).then(|| value.trim_matches('"').to_owned())
            })
    }
}

fn decode(text: &str) -> String {
    percent_decode_str(&text.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// An answer before it becomes an HTTP response.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: u16,
    pub headers: Vec<(HeaderName, String)>,
    pub body: String,
}

impl Answer {
    pub fn empty(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: String::new(),
        }
    }

    pub fn json(status: u16, value: Value) -> Self {
        Self::empty(status).with_body("application/json", value.to_string())
    }

    pub fn html(status: u16, html: &str) -> Self {
        Self::empty(status).with_body("text/html; charset=utf-8", html.to_owned())
    }

    pub fn redirect(location: &str) -> Self {
        Self::empty(302).header(header::LOCATION, location.to_owned())
    }

    fn with_body(mut self, content_type: &str, body: String) -> Self {
        self.body = body;
        self.header(header::CONTENT_TYPE, content_type.to_owned())
    }

    pub fn header(mut self, name: HeaderName, value: String) -> Self {
        self.headers.push((name, value));
        self
    }
}

impl From<Refusal> for Answer {
    fn from(refusal: Refusal) -> Self {
        Answer::json(refusal.status, render::error(&refusal))
    }
}

/// Checks the session and CSRF token, then runs the operation the path and query name.
pub(crate) fn dispatch(state: &mut State, seq: usize, request: &Incoming<'_>) -> Answer {
    let Some(rest) = request.path.strip_prefix(paths::API) else {
        return Answer::json(404, json!({"status": 404}));
    };
    if rest.starts_with(paths::OLD_INVITATIONS) {
        return Answer::empty(301).header(header::LOCATION, "/".to_owned());
    }
    let li_at = request.cookie("li_at");
    let Some(index) = state.sessions.iter().position(|s| {
        li_at
            .as_ref()
            .is_some_and(|v| *v == s.account.li_at || s.previous_li_at.contains(v))
    }) else {
        return Answer::json(401, json!({"status": 401}));
    };
    let session = &state.sessions[index];
    let account = session.account.name.clone();
    state.log[seq].account = Some(account.clone());
    if let Some(how) = session.dead {
        return session_death(how, &format!("{}?{}", request.path, request.query));
    }
    let csrf = request
        .headers
        .get("csrf-token")
        .and_then(|v| v.to_str().ok());
    if csrf.is_none() || csrf.map(str::to_owned) != request.cookie("JSESSIONID") {
        return Answer::empty(403)
            .header(header::CONTENT_TYPE, "text/plain".to_owned())
            .with_text("CSRF check failed");
    }
    let rotation = std::mem::take(&mut state.sessions[index].rotation_pending)
        .then(|| state.sessions[index].account.clone());
    let n = normalized(request.shape, request.headers);
    let result = route(state, seq, &account, rest, request, n);
    let mut answer = match result {
        Ok(answer) => answer,
        Err(refusal) => refusal.into(),
    };
    if let Some(rotated) = rotation {
        answer = answer
            .header(
                header::SET_COOKIE,
                format!("li_at={}; Path=/; HttpOnly; SameSite=None", rotated.li_at),
            )
            .header(
                header::SET_COOKIE,
                format!(
                    "JSESSIONID=\"{}\"; Path=/; SameSite=None",
                    rotated.jsessionid
                ),
            );
    }
    answer
}

impl Answer {
    fn with_text(mut self, text: &str) -> Self {
        text.clone_into(&mut self.body);
        self
    }
}

type Reply = Result<Answer, Refusal>;

fn route(
    state: &mut State,
    seq: usize,
    account: &str,
    rest: &str,
    r: &Incoming<'_>,
    n: bool,
) -> Reply {
    let action = r.param("action");
    let q = r.param("q");
    let post = r.method == Method::POST;
    match (post, rest, action.as_deref(), q.as_deref()) {
        (false, paths::ME, _, _) => me(state, account, n),
        (false, paths::PROFILES, _, Some("memberIdentity")) => profile(state, account, r, n),
        (true, paths::CREATE_INVITATION, Some("verifyQuotaAndCreateV2"), _) => {
            invite(state, seq, account, r, n)
        }
        (false, paths::SENT_INVITATIONS, _, Some("invitationType")) => sent(state, account, r, n),
        (false, paths::INVITATIONS_SUMMARY, _, _) => Ok(Answer::json(
            200,
            render::sent_count(pending(state, account).len(), n),
        )),
        (true, urn, Some("withdraw"), _) if urn.starts_with(paths::DASH_INVITATIONS) => {
            let urn = decode(&urn[paths::DASH_INVITATIONS.len()..]);
            let id = invitation_id(&urn, "urn:li:fsd_invitation:")?;
            state.withdraw(account, id, r.now)?;
            state.log[seq].effect = Some(Effect::Withdrawn { ids: vec![id] });
            Ok(Answer::json(200, render::action_value(json!({}), n)))
        }
        (true, paths::CLOSE_INVITATIONS, Some("closeInvitations"), _) => {
            close_invitations(state, seq, account, r, n)
        }
        (false, paths::CONNECTIONS, _, _) => connections(state, account, r, n),
        (false, paths::CONNECTIONS_SUMMARY, _, _) => connections_summary(state, account, n),
        (true, paths::MESSAGES, Some("createMessage"), _) => {
            send_message(state, seq, account, r, n)
        }
        (false, paths::MESSAGES, _, Some("mailbox")) => mailbox(state, account, r, n),
        (false, paths::CONVERSATIONS, _, _) => conversations(state, account, r, n),
        _ => Err(Refusal::new(404, None, format!("no such resource {rest}"))),
    }
}

fn body_json(r: &Incoming<'_>) -> Result<Value, Refusal> {
    serde_json::from_str(r.body).map_err(|e| Refusal::new(400, None, format!("bad JSON body: {e}")))
}

fn invitation_id(urn: &str, prefix: &str) -> Result<u64, Refusal> {
    urn.strip_prefix(prefix)
        .and_then(|id| id.parse().ok())
        .ok_or_else(|| Refusal::new(400, None, format!("not an invitation urn: {urn}")))
}

fn me(state: &State, account: &str, n: bool) -> Reply {
    let session = state
        .session(account)
        .ok_or_else(|| Refusal::new(401, None, "no session"))?;
    let premium = session.account.tier == crate::Tier::Premium;
    Ok(Answer::json(
        200,
        render::me(&session.account.me, premium, n),
    ))
}

/// `GET /relationships/connectionsSummary`: the account's connections outside the world, plus
/// those inside it now.
fn connections_summary(state: &State, account: &str, n: bool) -> Reply {
    let session = state
        .session(account)
        .ok_or_else(|| Refusal::new(401, None, "no session"))?;
    let inside = state
        .connections
        .iter()
        .filter(|c| c.account == account)
        .count();
    let count = session.account.other_connections + inside;
    Ok(Answer::json(
        200,
        render::connections_summary(&session.account.me, count, n),
    ))
}

fn profile(state: &State, account: &str, r: &Incoming<'_>, n: bool) -> Reply {
    if r.param("decorationId").as_deref() != Some(paths::PROFILE_DECORATION) {
        return Err(Refusal::new(400, None, "unknown decorationId"));
    }
    let slug = r.param("memberIdentity").unwrap_or_default();
    let own = state
        .session(account)
        .map(|s| &s.account)
        .filter(|a| a.me.slug == slug || a.me.profile_id == slug);
    if let Some(own) = own {
        return Ok(Answer::json(200, render::own_profile(own, n)));
    }
    let member = state
        .member(&slug)
        .ok_or_else(|| Refusal::new(404, None, format!("no profile {slug}")))?;
    let degree = state.degree(account, member);
    let pending = state
        .invitations
        .iter()
        .find(|i| {
            i.account == account && i.slug == member.slug && i.status == InvitationStatus::Pending
        })
        .map(|i| i.id);
    Ok(Answer::json(
        200,
        render::profile(member, degree, pending, n),
    ))
}

fn invite(state: &mut State, seq: usize, account: &str, r: &Incoming<'_>, n: bool) -> Reply {
    if r.param("decorationId").as_deref() != Some(paths::INVITATION_DECORATION) {
        return Err(Refusal::new(400, None, "unknown decorationId"));
    }
    let body = body_json(r)?;
    let invitee = body["invitee"]["inviteeUnion"]["memberProfile"]
        .as_str()
        .ok_or_else(|| Refusal::new(400, None, "invitee.inviteeUnion.memberProfile missing"))?;
    let note = body["customMessage"].as_str();
    let invitation = state.invite(account, invitee, note, r.now)?;
    let member = state
        .member(&invitation.slug)
        .cloned()
        .unwrap_or_else(|| unreachable_member(&invitation.slug));
    state.log[seq].effect = Some(Effect::InvitationSent {
        id: invitation.id,
        slug: invitation.slug.clone(),
        with_note: invitation.note.is_some(),
    });
    Ok(Answer::json(
        200,
        render::invitation_created(&invitation, &member, n),
    ))
}

/// A stand-in for a member that `State::invite` just found (it cannot be missing).
fn unreachable_member(slug: &str) -> crate::Member {
    crate::Member::new(slug, "", "", "")
}

/// Pending invitations of `account`, newest first.
fn pending<'s>(state: &'s State, account: &str) -> Vec<&'s crate::state::Invitation> {
    let mut list: Vec<_> = state
        .invitations
        .iter()
        .filter(|i| i.account == account && i.status == InvitationStatus::Pending)
        .collect();
    list.sort_by(|a, b| b.sent_at.cmp(&a.sent_at).then(b.id.cmp(&a.id)));
    list
}

fn sent(state: &State, account: &str, r: &Incoming<'_>, n: bool) -> Reply {
    let start = r.number("start", 0)?;
    let count = r.number("count", 10)?;
    if count > paths::MAX_PAGE {
        return Err(Refusal::new(
            400,
            None,
            format!("count is at most {}", paths::MAX_PAGE),
        ));
    }
    let all = pending(state, account);
    let page: Vec<_> = all
        .iter()
        .skip(start)
        .take(count)
        .filter_map(|i| Some((*i, state.member(&i.slug)?)))
        .collect();
    Ok(Answer::json(
        200,
        render::sent_invitations(&page, start, all.len(), n),
    ))
}

fn close_invitations(
    state: &mut State,
    seq: usize,
    account: &str,
    r: &Incoming<'_>,
    n: bool,
) -> Reply {
    let body = body_json(r)?;
    if body["inviteActionType"] != "ACTOR_WITHDRAW" {
        return Err(Refusal::new(
            400,
            None,
            "inviteActionType must be ACTOR_WITHDRAW",
        ));
    }
    let mut codes = serde_json::Map::new();
    let mut ids = Vec::new();
    for data in body["inviteActionData"].as_array().into_iter().flatten() {
        let urn = data["entityUrn"].as_str().unwrap_or_default();
        let code = match invitation_id(urn, "urn:li:fs_relInvitation:") {
            Ok(id) => match state.withdraw(account, id, r.now) {
                Ok(()) => {
                    ids.push(id);
                    200
                }
                Err(refusal) => refusal.status,
            },
            Err(_) => 400,
        };
        codes.insert(urn.to_owned(), json!(code));
    }
    if !ids.is_empty() {
        state.log[seq].effect = Some(Effect::Withdrawn { ids });
    }
    Ok(Answer::json(
        200,
        render::action_value(json!({"statusCodeMap": codes}), n),
    ))
}

fn connections(state: &State, account: &str, r: &Incoming<'_>, n: bool) -> Reply {
    let start = r.number("start", 0)?;
    let count = r.number("count", 40)?;
    let mut all: Vec<_> = state
        .connections
        .iter()
        .filter(|c| c.account == account)
        .filter_map(|c| Some((state.member(&c.slug)?, c.created_at.as_millisecond())))
        .collect();
    all.sort_by_key(|c| std::cmp::Reverse(c.1));
    let page: Vec<_> = all.iter().skip(start).take(count).copied().collect();
    Ok(Answer::json(
        200,
        render::connections(&page, start, all.len(), n),
    ))
}

fn send_message(state: &mut State, seq: usize, account: &str, r: &Incoming<'_>, n: bool) -> Reply {
    let body = body_json(r)?;
    let mailbox = mailbox_urn(state, account);
    if body["mailboxUrn"].as_str() != Some(mailbox.as_str()) {
        return Err(Refusal::new(400, None, "mailboxUrn is not this account's"));
    }
    let text = body["message"]["body"]["text"].as_str().unwrap_or_default();
    let token = body["message"]["originToken"]
        .as_str()
        .or_else(|| body["originToken"].as_str());
    let to = if let Some(urn) = body["conversationUrn"].as_str() {
        let id = urn
            .rsplit_once(",2-")
            .and_then(|(_, id)| id.trim_end_matches(')').parse().ok())
            .ok_or_else(|| Refusal::new(400, None, format!("not a conversation urn: {urn}")))?;
        MessageTarget::Conversation(id)
    } else {
        let urn = body["hostRecipientUrns"][0].as_str().ok_or_else(|| {
            Refusal::new(400, None, "conversationUrn or hostRecipientUrns needed")
        })?;
        MessageTarget::Member(urn.to_owned())
    };
    let message = state.send_message(account, to, text, token, r.now)?;
    state.log[seq].effect = Some(Effect::MessageSent {
        id: message.id,
        slug: message.slug.clone(),
    });
    Ok(Answer::json(
        200,
        render::message_created(&message, &mailbox, n),
    ))
}

fn mailbox_urn(state: &State, account: &str) -> String {
    state
        .session(account)
        .map(|s| s.account.me.profile_urn())
        .unwrap_or_default()
}

/// `GET /messaging/conversations?keyVersion=LEGACY_INBOX[&createdBefore=ms]`: the account's
/// conversations with activity before `createdBefore`, newest first, 20 a page, each with all
/// its messages.
fn conversations(state: &State, account: &str, r: &Incoming<'_>, n: bool) -> Reply {
    let before: i64 = r
        .number("createdBefore", usize::MAX)?
        .try_into()
        .unwrap_or(i64::MAX);
    let me = state.session(account).map(|s| s.account.me.clone());
    let mut by_conversation: std::collections::BTreeMap<u64, Vec<&crate::state::Message>> =
        std::collections::BTreeMap::new();
    for m in state.messages.iter().filter(|m| m.account == account) {
        by_conversation.entry(m.conversation).or_default().push(m);
    }
    let mut list: Vec<render::ConversationRow<'_>> = by_conversation
        .into_iter()
        .filter_map(|(id, messages)| {
            let last = messages.iter().map(|m| m.at.as_millisecond()).max()?;
            let with = messages.first().and_then(|m| state.member(&m.slug));
            let events = messages
                .into_iter()
                .map(|m| {
                    let sender = if m.from_member {
                        state.member(&m.slug)
                    } else {
                        me.as_ref()
                    };
                    (m, sender)
                })
                .collect();
            Some((last, id, with, events))
        })
        .filter(|(last, ..)| *last < before)
        .collect();
    list.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    list.truncate(20);
    Ok(Answer::json(200, render::conversations(&list, n)))
}

fn mailbox(state: &State, account: &str, r: &Incoming<'_>, n: bool) -> Reply {
    let mailbox = mailbox_urn(state, account);
    if r.param("mailboxUrn").as_deref() != Some(mailbox.as_str()) {
        return Err(Refusal::new(400, None, "mailboxUrn is not this account's"));
    }
    let after: i64 = r.number("createdAfter", 0)?.try_into().unwrap_or(i64::MAX);
    let count = r.number("count", 20)?;
    let mut rows: Vec<_> = state
        .messages
        .iter()
        .filter(|m| m.account == account && m.at.as_millisecond() > after)
        .map(|m| {
            let sender = match (m.from_member, state.member(&m.slug)) {
                (true, Some(member)) => member.profile_urn(),
                _ => mailbox.clone(),
            };
            (m, sender)
        })
        .collect();
    rows.sort_by(|a, b| b.0.at.cmp(&a.0.at).then(b.0.id.cmp(&a.0.id)));
    rows.truncate(count);
    Ok(Answer::json(200, render::messages(&rows, &mailbox, n)))
}
