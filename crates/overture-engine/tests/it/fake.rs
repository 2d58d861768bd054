//! A small stateful fake of the Channel port: pending invitations, connections, messages and
//! replies per seat, a log of every effect, and injected faults.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use jiff::{SignedDuration, Timestamp};
use overture_channel::{
    Channel, ChannelError, Channels, Connection, Degree, EmailRequest, InboundEmail, InboundPage,
    InviteRequest, LikeOutcome, MessageRequest, Page, Profile, Reply, SentEmail, SentInvitation,
    SentMessage, ThreadMessage,
};
use overture_clock::{Clock, ManualClock};
use overture_core::{Account, AccountId, ProfileUrl};

/// An effect the fake carried out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Effect {
    pub(crate) account: AccountId,
    pub(crate) op: &'static str,
    pub(crate) profile: String,
    pub(crate) note: Option<String>,
    pub(crate) text: Option<String>,
    pub(crate) at: Timestamp,
}

/// A fault for the next matching call.
#[derive(Debug, Clone)]
struct Fault {
    op: &'static str,
    error: ChannelError,
    /// Carry out the effect, then fail (a write whose answer was lost).
    after_effect: bool,
    /// Fail every matching call, not only the next one.
    always: bool,
}

#[derive(Debug, Default)]
struct State {
    next_id: u64,
    /// (seat, person, invitation id, sent at, with note)
    pending: Vec<(AccountId, ProfileUrl, String, Timestamp, bool)>,
    connections: Vec<(AccountId, ProfileUrl, Timestamp)>,
    /// (seat, person, text, token, at)
    messages: Vec<(AccountId, ProfileUrl, String, String, Timestamp)>,
    replies: Vec<(AccountId, ProfileUrl, Timestamp)>,
    effects: Vec<Effect>,
    calls: Vec<(&'static str, Timestamp)>,
    faults: VecDeque<Fault>,
    /// How far people are from every seat, when a test says so (otherwise second degree with
    /// three mutual connections).
    proximity: HashMap<ProfileUrl, (Degree, u32)>,
    /// (seat, person, withdrawn at): LinkedIn refuses a new invitation inside the cooldown.
    withdrawn: Vec<(AccountId, ProfileUrl, Timestamp)>,
    /// How long after a withdrawal the seat cannot invite the person again; `None` (the
    /// default) is no such rule.
    reinvite_cooldown: Option<SignedDuration>,
    /// (mailbox, request, message id, at): the emails sent, as the Sent folder holds them.
    emails: Vec<(AccountId, EmailRequest, String, Timestamp)>,
    /// (mailbox, mail): what arrived, in order; a mailbox's cursor is an index into it.
    inbox: Vec<(AccountId, InboundEmail)>,
    /// Whether mailboxes have a Sent folder to look in (the default) or cannot tell.
    no_sent_folder: bool,
    /// Visits in progress, by seat, while each visit waits for the engine's next poll (see
    /// [`FakeChannels::track_overlap`]); `None` when visits answer at once.
    visiting: Option<HashMap<AccountId, usize>>,
    /// The most visits in progress at once: in all, and of one seat.
    most_visiting: (usize, usize),
}

/// The fake network, shared by every seat's channel.
#[derive(Debug, Clone)]
pub(crate) struct FakeChannels {
    state: Arc<Mutex<State>>,
    clock: ManualClock,
}

/// One seat's channel.
#[derive(Debug, Clone)]
pub(crate) struct FakeChannel {
    account: AccountId,
    net: FakeChannels,
}

impl FakeChannels {
    pub(crate) fn new(clock: ManualClock) -> Self {
        Self {
            state: Arc::default(),
            clock,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// After a withdrawal, the seat cannot invite the person again for `cooldown` (LinkedIn's
    /// rule: about three weeks, sometimes longer).
    pub(crate) fn set_reinvite_cooldown(&self, cooldown: SignedDuration) {
        self.lock().reinvite_cooldown = Some(cooldown);
    }

    /// The next call of `op` fails with `error` (after carrying out the effect if asked).
    pub(crate) fn fail_next(&self, op: &'static str, error: ChannelError, after_effect: bool) {
        self.lock().faults.push_back(Fault {
            op,
            error,
            after_effect,
            always: false,
        });
    }

    /// Every call of `op` fails with `error`.
    pub(crate) fn fail_always(&self, op: &'static str, error: ChannelError) {
        self.lock().faults.push_back(Fault {
            op,
            error,
            after_effect: false,
            always: true,
        });
    }

    /// From now on, each visit stays in progress until the engine polls it again, and the
    /// fake counts how many are in progress at once ([`FakeChannels::most_visiting`]).
    pub(crate) fn track_overlap(&self) {
        self.lock().visiting = Some(HashMap::new());
    }

    /// The most visits that were in progress at once: in all, and of one seat.
    pub(crate) fn most_visiting(&self) -> (usize, usize) {
        self.lock().most_visiting
    }

    /// Counts a visit of `seat` that `starts` or ends; whether visits are tracked.
    fn visiting(&self, seat: AccountId, starts: bool) -> bool {
        let mut state = self.lock();
        let state = &mut *state;
        let Some(visiting) = state.visiting.as_mut() else {
            return false;
        };
        let n = visiting.entry(seat).or_default();
        if starts {
            *n += 1;
        } else {
            *n -= 1;
        }
        let of_seat = *n;
        let all = visiting.values().sum();
        state.most_visiting.0 = state.most_visiting.0.max(all);
        state.most_visiting.1 = state.most_visiting.1.max(of_seat);
        true
    }

    /// Every effect carried out, in order.
    pub(crate) fn effects(&self) -> Vec<Effect> {
        self.lock().effects.clone()
    }

    /// The effects of one operation.
    pub(crate) fn effects_of(&self, op: &str) -> Vec<Effect> {
        self.effects().into_iter().filter(|e| e.op == op).collect()
    }

    /// The profiles `op` had an effect on, in order.
    pub(crate) fn profiles_of(&self, op: &str) -> Vec<String> {
        self.effects_of(op).into_iter().map(|e| e.profile).collect()
    }

    /// How many calls of `op` were made (failed ones included).
    pub(crate) fn calls(&self, op: &str) -> usize {
        self.lock().calls.iter().filter(|(o, _)| *o == op).count()
    }

    /// The person accepts the seat's pending invitation now.
    pub(crate) fn accept(&self, account: AccountId, profile: &ProfileUrl) {
        let now = self.clock.now();
        let mut state = self.lock();
        state
            .pending
            .retain(|(a, p, ..)| !(*a == account && p == profile));
        state.connections.push((account, profile.clone(), now));
    }

    /// The person writes to the seat now.
    pub(crate) fn reply(&self, account: AccountId, profile: &ProfileUrl) {
        let now = self.clock.now();
        self.lock().replies.push((account, profile.clone(), now));
    }

    /// How far the person is from every seat, from now on.
    pub(crate) fn set_proximity(&self, profile: &ProfileUrl, degree: Degree, mutual: u32) {
        self.lock()
            .proximity
            .insert(profile.clone(), (degree, mutual));
    }

    /// Mail arrives in the mailbox now.
    pub(crate) fn deliver(&self, mailbox: AccountId, mail: InboundEmail) {
        self.lock().inbox.push((mailbox, mail));
    }

    /// Mailboxes have no Sent folder: whether an email went cannot be told.
    pub(crate) fn without_sent_folder(&self) {
        self.lock().no_sent_folder = true;
    }

    /// The emails sent: (mailbox, request, message id).
    pub(crate) fn emails(&self) -> Vec<(AccountId, EmailRequest, String)> {
        self.lock()
            .emails
            .iter()
            .map(|(a, r, id, _)| (*a, r.clone(), id.clone()))
            .collect()
    }

    /// Whether the seat has a pending invitation to the person.
    pub(crate) fn is_pending(&self, account: AccountId, profile: &ProfileUrl) -> bool {
        self.lock()
            .pending
            .iter()
            .any(|(a, p, ..)| *a == account && p == profile)
    }
}

impl Channels for FakeChannels {
    type Channel = FakeChannel;

    fn channel(&self, account: &Account) -> Result<FakeChannel, ChannelError> {
        Ok(FakeChannel {
            account: account.id,
            net: self.clone(),
        })
    }
}

impl FakeChannel {
    /// Runs `effect` unless a fault says otherwise; records the call and the effect.
    fn op<T>(
        &self,
        op: &'static str,
        profile: Option<&ProfileUrl>,
        effect: impl FnOnce(&mut State, Timestamp) -> Result<(T, Option<Effect>), ChannelError>,
    ) -> Result<T, ChannelError> {
        let now = self.net.clock.now();
        let mut state = self.net.lock();
        state.calls.push((op, now));
        let fault = state.faults.iter().position(|f| f.op == op);
        let fault = fault.map(|i| {
            if state.faults[i].always {
                state.faults[i].clone()
            } else {
                state.faults.remove(i).unwrap_or_else(|| unreachable!())
            }
        });
        if let Some(f) = &fault
            && !f.after_effect
        {
            return Err(f.error.clone());
        }
        let (value, done) = effect(&mut state, now)?;
        if let Some(mut done) = done {
            done.account = self.account;
            if let Some(p) = profile {
                done.profile = p.to_string();
            }
            state.effects.push(done);
        }
        match fault {
            Some(f) => Err(f.error),
            None => Ok(value),
        }
    }

    fn effect(op: &'static str, at: Timestamp) -> Effect {
        Effect {
            account: AccountId(0),
            op,
            profile: String::new(),
            note: None,
            text: None,
            at,
        }
    }

    /// The person as the seat sees them.
    fn profile(state: &State, me: AccountId, profile: &ProfileUrl) -> Profile {
        let pending = state
            .pending
            .iter()
            .any(|(a, p, ..)| *a == me && p == profile);
        let (degree, mutual_connections) = state
            .proximity
            .get(profile)
            .copied()
            .unwrap_or((Degree::Second, 3));
        Profile {
            member_id: format!("member-{profile}"),
            profile_url: profile.clone(),
            degree: if Self::connected(state, me, profile) {
                Degree::First
            } else {
                degree
            },
            mutual_connections,
            invitation_pending: pending,
        }
    }

    fn connected(state: &State, account: AccountId, profile: &ProfileUrl) -> bool {
        state
            .connections
            .iter()
            .any(|(a, p, _)| *a == account && p == profile)
    }
}

impl Channel for FakeChannel {
    async fn lookup_profile(&self, profile: &ProfileUrl) -> Result<Profile, ChannelError> {
        let me = self.account;
        self.op("lookup", None, |state, _| {
            Ok((Self::profile(state, me, profile), None))
        })
    }

    async fn visit(&self, profile: &ProfileUrl) -> Result<Profile, ChannelError> {
        let me = self.account;
        if self.net.visiting(me, true) {
            tokio::task::yield_now().await;
            self.net.visiting(me, false);
        }
        self.op("visit", Some(profile), |state, now| {
            let seen = Self::profile(state, me, profile);
            Ok((seen, Some(Self::effect("visit", now))))
        })
    }

    async fn follow(&self, profile: &ProfileUrl) -> Result<(), ChannelError> {
        self.op("follow", Some(profile), |_, now| {
            Ok(((), Some(Self::effect("follow", now))))
        })
    }

    async fn like_recent_post(&self, profile: &ProfileUrl) -> Result<LikeOutcome, ChannelError> {
        self.op("like", Some(profile), |_, now| {
            Ok((LikeOutcome::Liked, Some(Self::effect("like", now))))
        })
    }

    async fn invite(&self, request: InviteRequest) -> Result<SentInvitation, ChannelError> {
        let me = self.account;
        let profile = request.profile.clone();
        self.op("invite", Some(&profile), |state, now| {
            let taken = state
                .pending
                .iter()
                .any(|(a, p, ..)| *a == me && *p == profile);
            let cooling = state.reinvite_cooldown.is_some_and(|cooldown| {
                state
                    .withdrawn
                    .iter()
                    .any(|(a, p, at)| *a == me && *p == profile && now < *at + cooldown)
            });
            if taken || cooling || Self::connected(state, me, &profile) {
                return Err(ChannelError::CannotReinviteYet);
            }
            state.next_id += 1;
            let id = format!("inv-{}", state.next_id);
            let with_note = request.note.is_some();
            state
                .pending
                .push((me, profile.clone(), id.clone(), now, with_note));
            let sent = SentInvitation {
                invitation_id: id,
                profile_url: profile.clone(),
                sent_at: now,
                with_note,
            };
            let effect = Effect {
                note: request.note.clone(),
                ..Self::effect("invite", now)
            };
            Ok((sent, Some(effect)))
        })
    }

    async fn sent_invitations(
        &self,
        _cursor: Option<String>,
        _page_size: u32,
    ) -> Result<Page<SentInvitation>, ChannelError> {
        let me = self.account;
        self.op("sent_invitations", None, |state, _| {
            let items = state
                .pending
                .iter()
                .filter(|(a, ..)| *a == me)
                .map(|(_, p, id, at, note)| SentInvitation {
                    invitation_id: id.clone(),
                    profile_url: p.clone(),
                    sent_at: *at,
                    with_note: *note,
                })
                .collect();
            Ok((Page { items, next: None }, None))
        })
    }

    async fn withdraw(&self, invitation_id: &str) -> Result<(), ChannelError> {
        let me = self.account;
        self.op("withdraw", None, |state, now| {
            let found = state
                .pending
                .iter()
                .position(|(a, _, id, ..)| *a == me && id == invitation_id);
            let Some(i) = found else {
                return Err(ChannelError::Permanent {
                    detail: format!("no pending invitation {invitation_id}"),
                });
            };
            let (_, profile, ..) = state.pending.remove(i);
            state.withdrawn.push((me, profile.clone(), now));
            let effect = Effect {
                profile: profile.to_string(),
                ..Self::effect("withdraw", now)
            };
            Ok(((), Some(effect)))
        })
    }

    async fn connections_since(&self, since: Timestamp) -> Result<Vec<Connection>, ChannelError> {
        let me = self.account;
        self.op("connections", None, |state, _| {
            let list = state
                .connections
                .iter()
                .filter(|(a, _, at)| *a == me && *at >= since)
                .map(|(_, p, at)| Connection {
                    profile_url: p.clone(),
                    connected_at: *at,
                })
                .collect();
            Ok((list, None))
        })
    }

    async fn send_message(&self, request: MessageRequest) -> Result<SentMessage, ChannelError> {
        let me = self.account;
        let profile = request.profile.clone();
        self.op("message", Some(&profile), |state, now| {
            if !Self::connected(state, me, &profile) {
                return Err(ChannelError::Permanent {
                    detail: "not a connection".into(),
                });
            }
            state.next_id += 1;
            state.messages.push((
                me,
                profile.clone(),
                request.text.clone(),
                request.idempotency_key.clone(),
                now,
            ));
            let sent = SentMessage {
                message_id: format!("msg-{}", state.next_id),
                sent_at: now,
            };
            let effect = Effect {
                text: Some(request.text.clone()),
                ..Self::effect("message", now)
            };
            Ok((sent, Some(effect)))
        })
    }

    async fn thread(
        &self,
        profile: &ProfileUrl,
        since: Timestamp,
    ) -> Result<Vec<ThreadMessage>, ChannelError> {
        let me = self.account;
        self.op("thread", None, |state, _| {
            let list = state
                .messages
                .iter()
                .filter(|(a, p, _, _, at)| *a == me && p == profile && *at >= since)
                .map(|(_, _, text, token, at)| ThreadMessage {
                    from_seat: true,
                    text: text.clone(),
                    sent_at: *at,
                    client_token: Some(token.clone()),
                })
                .collect();
            Ok((list, None))
        })
    }

    async fn send_email(&self, request: EmailRequest) -> Result<SentEmail, ChannelError> {
        let me = self.account;
        self.op("email", None, |state, now| {
            let message_id = format!("{}@mail.example.com", request.idempotency_key);
            state
                .emails
                .push((me, request.clone(), message_id.clone(), now));
            let effect = Effect {
                profile: request.to.clone(),
                text: Some(request.text.clone()),
                ..Self::effect("email", now)
            };
            Ok((
                SentEmail {
                    message_id,
                    sent_at: now,
                },
                Some(effect),
            ))
        })
    }

    async fn email_sent(&self, idempotency_key: &str) -> Result<Option<bool>, ChannelError> {
        let me = self.account;
        self.op("sent_folder", None, |state, _| {
            if state.no_sent_folder {
                return Ok((None, None));
            }
            let found = state
                .emails
                .iter()
                .any(|(a, r, ..)| *a == me && r.idempotency_key == idempotency_key);
            Ok((Some(found), None))
        })
    }

    async fn inbound_since(&self, cursor: Option<String>) -> Result<InboundPage, ChannelError> {
        let me = self.account;
        self.op("inbox", None, |state, _| {
            let from: usize = cursor.as_deref().and_then(|c| c.parse().ok()).unwrap_or(0);
            let messages = state
                .inbox
                .iter()
                .skip(from)
                .filter(|(a, _)| *a == me)
                .map(|(_, m)| m.clone())
                .collect();
            let cursor = Some(state.inbox.len().to_string());
            Ok((InboundPage { messages, cursor }, None))
        })
    }

    async fn replies_since(&self, since: Timestamp) -> Result<Vec<Reply>, ChannelError> {
        let me = self.account;
        self.op("replies", None, |state, _| {
            let list = state
                .replies
                .iter()
                .filter(|(a, _, at)| *a == me && *at >= since)
                .map(|(_, p, at)| Reply {
                    profile_url: p.clone(),
                    text: "Thanks, let's talk".into(),
                    received_at: *at,
                })
                .collect();
            Ok((list, None))
        })
    }
}
