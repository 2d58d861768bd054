//! The body of each channel operation, run by `SandboxNetwork::call` with the state locked,
//! everything due applied, and the seat known to be usable.

use jiff::{SignedDuration, Timestamp};
use overture_channel::{
    ChannelError, Connection, Degree, InviteRequest, LikeOutcome, MessageRequest, Page, Profile,
    Reply, SentInvitation, SentMessage, ThreadMessage,
};
use overture_core::{ProfileUrl, Tier};

use crate::model::{self, Invite, Sender};
use crate::network::Ctx;
use crate::rng::{Rng, tag};
use crate::state::{
    Due, Invitation, Seat, after, before, check_restriction, count_after, days, insert_sorted,
};
use crate::world::Person;

/// The largest page of sent invitations.
pub const MAX_PAGE: u32 = 100;
/// The longest message, in characters (LinkedIn's limit for messages to connections).
const MAX_MESSAGE_CHARS: usize = 8000;

fn permanent(detail: impl Into<String>) -> ChannelError {
    ChannelError::Permanent {
        detail: detail.into(),
    }
}

fn invitation_id(id: u64) -> String {
    format!("inv-{id}")
}

fn parse_invitation_id(s: &str) -> Option<u64> {
    s.strip_prefix("inv-")?.parse().ok().filter(|&n| n > 0)
}

impl<'a> Ctx<'a> {
    fn seat(&mut self) -> Result<&mut Seat, ChannelError> {
        self.st
            .seats
            .get_mut(self.seat)
            .ok_or_else(|| permanent("sandbox seat does not exist"))
    }

    /// The person behind `profile`, when they can be reached.
    fn person(&self, profile: &ProfileUrl) -> Result<(u32, &'a Person), ChannelError> {
        let world: &'a crate::world::World = self.world;
        let index = world
            .find(profile)
            .ok_or(ChannelError::ProfileUnreachable)?;
        let person = world
            .person_at(index)
            .ok_or(ChannelError::ProfileUnreachable)?;
        if person.unreachable {
            return Err(ChannelError::ProfileUnreachable);
        }
        Ok((index, person))
    }

    fn connected(&mut self, person: u32) -> Result<bool, ChannelError> {
        let world = self.world;
        let seat = self.seat()?;
        let via_pair = seat
            .pairs
            .get(&person)
            .is_some_and(|p| p.connected_at.is_some());
        Ok(via_pair || world.relation(seat.key, person).0 == Degree::First)
    }

    pub(crate) fn lookup_profile(&mut self, profile: &ProfileUrl) -> Result<Profile, ChannelError> {
        let (index, person) = self.person(profile)?;
        let profile_url = person.profile_url.clone();
        let connected = self.connected(index)?;
        let member = Rng::from_key(&[self.world.seed, tag::PERSON, u64::from(index), 1]).next_u64();
        let world = self.world;
        let seat = self.seat()?;
        let (degree, mutual_connections) = world.relation(seat.key, index);
        Ok(Profile {
            member_id: format!("ACoAA{member:016X}"),
            profile_url,
            degree: if connected { Degree::First } else { degree },
            mutual_connections,
            invitation_pending: seat.pairs.get(&index).is_some_and(|p| p.pending.is_some()),
        })
    }

    pub(crate) fn visit(&mut self, profile: &ProfileUrl) -> Result<Profile, ChannelError> {
        let seen = self.lookup_profile(profile)?;
        self.rec.effect = true;
        self.seat()?.stats.visits += 1;
        Ok(seen)
    }

    pub(crate) fn follow(&mut self, profile: &ProfileUrl) -> Result<(), ChannelError> {
        self.person(profile)?;
        self.rec.effect = true;
        self.seat()?.stats.follows += 1;
        Ok(())
    }

    pub(crate) fn like(&mut self, profile: &ProfileUrl) -> Result<LikeOutcome, ChannelError> {
        let (_, person) = self.person(profile)?;
        if !person.has_post {
            return Ok(LikeOutcome::NoRecentPost);
        }
        self.rec.effect = true;
        self.seat()?.stats.likes += 1;
        Ok(LikeOutcome::Liked)
    }

    pub(crate) fn invite(&mut self, req: &InviteRequest) -> Result<SentInvitation, ChannelError> {
        let (index, person) = self.person(&req.profile)?;
        let world = self.world;
        let rules = &world.params.rules;
        let now = self.now;
        let note = req.note.as_deref().filter(|n| !n.trim().is_empty());
        if self.connected(index)? {
            return Err(permanent("already connected to this person"));
        }
        let seat = self.seat()?;
        let note_limit = match seat.tier {
            Tier::Free => rules.note_chars_free,
            Tier::Premium | Tier::SalesNavigator => rules.note_chars_paid,
        } as usize;
        if let Some(n) = note
            && n.chars().count() > note_limit
        {
            return Err(permanent(format!(
                "the note has {} characters; this tier allows {note_limit}",
                n.chars().count()
            )));
        }
        let pair = seat.pairs.entry(index).or_default();
        if pair.pending.is_some() || pair.cooldown_until.is_some_and(|u| u > now) {
            return Err(ChannelError::CannotReinviteYet);
        }
        if let Some(until) = seat.rate_limited_until
            && until > now
        {
            return Err(ChannelError::RateLimited {
                retry_after: until.duration_since(now),
            });
        }
        let burst_window = SignedDuration::from_mins(i64::from(rules.burst_window_minutes));
        let week = days(7);
        let horizon = before(now, week.max(burst_window));
        while seat.sent_times.front().is_some_and(|t| *t <= horizon) {
            seat.sent_times.pop_front();
        }
        if count_after(&seat.sent_times, before(now, burst_window)) >= rules.burst_invites as usize
        {
            let penalty = SignedDuration::from_mins(i64::from(rules.burst_penalty_minutes));
            seat.rate_limited_until = Some(after(now, penalty));
            return Err(ChannelError::RateLimited {
                retry_after: penalty,
            });
        }
        let cap = match seat.tier {
            Tier::Free => rules.weekly_invites_free,
            Tier::Premium => rules.weekly_invites_premium,
            Tier::SalesNavigator => rules.weekly_invites_sales_navigator,
        } as usize;
        let in_week = count_after(&seat.sent_times, before(now, week));
        if in_week >= cap {
            // Room appears when enough of the oldest sends leave the window.
            let start = seat.sent_times.len() - in_week;
            let retry_after = seat
                .sent_times
                .get(start + in_week - cap)
                .map(|t| after(*t, week).duration_since(now));
            return Err(ChannelError::WeeklyCapReached { retry_after });
        }
        if seat.stats.pending_now >= rules.pending_ceiling {
            return Err(ChannelError::WeeklyCapReached { retry_after: None });
        }
        let note_window = days(rules.note_window_days);
        while seat
            .note_times
            .front()
            .is_some_and(|t| *t <= before(now, note_window))
        {
            seat.note_times.pop_front();
        }
        if note.is_some()
            && seat.tier == Tier::Free
            && seat.note_times.len() >= rules.free_notes_per_window as usize
        {
            return Err(ChannelError::NoteQuotaExhausted);
        }

        // Every rule passed: the invitation goes out.
        let id = self.st.invitations.len() as u64 + 1;
        let seat = self
            .st
            .seats
            .get_mut(self.seat)
            .ok_or_else(|| permanent("sandbox seat does not exist"))?;
        let pair = seat.pairs.entry(index).or_default();
        pair.attempts += 1;
        pair.pending = Some(id);
        let attempt = pair.attempts;
        seat.pending.insert((now, id));
        insert_sorted(&mut seat.sent_times, now);
        if note.is_some() {
            insert_sorted(&mut seat.note_times, now);
        }
        seat.stats.invites_sent += 1;
        seat.stats.pending_now += 1;
        seat.stats.max_pending = seat.stats.max_pending.max(seat.stats.pending_now);
        check_restriction(seat, now, &world.params);
        let (degree, mutuals) = world.relation(seat.key, index);
        let invite = Invite {
            sender: Sender {
                key: seat.key,
                completeness: seat.profile.completeness,
                industry: seat.profile.industry.as_deref(),
            },
            person_index: index,
            person,
            degree,
            mutuals,
            note,
            attempt,
        };
        let answer = model::answer_invite(world, &invite);
        self.st.invitations.push(Invitation {
            seat: self.seat,
            person: index,
            sent_at: now,
            with_note: note.is_some(),
            answer: None,
            withdrawn_at: None,
        });
        if let Some((answer, delay)) = answer {
            self.st.schedule(
                after(now, delay),
                Due::Answer {
                    invitation: id,
                    answer,
                },
            );
        }
        self.rec.effect = true;
        self.rec.invitation = Some(id);
        Ok(SentInvitation {
            invitation_id: invitation_id(id),
            profile_url: person.profile_url.clone(),
            sent_at: now,
            with_note: note.is_some(),
        })
    }

    pub(crate) fn withdraw(&mut self, invitation: &str) -> Result<(), ChannelError> {
        let unknown = || permanent(format!("no invitation `{invitation}` on this seat"));
        let id = parse_invitation_id(invitation).ok_or_else(unknown)?;
        let now = self.now;
        let cooldown = days(self.world.params.rules.reinvite_cooldown_days);
        let inv = self
            .st
            .invitations
            .get_mut((id - 1) as usize)
            .filter(|i| i.seat == self.seat)
            .ok_or_else(unknown)?;
        self.rec.target = Some(crate::log::Target::Person(inv.person));
        if inv.withdrawn_at.is_some() {
            return Err(permanent("the invitation was already withdrawn"));
        }
        if !inv.pending() {
            return Err(permanent(
                "the invitation was accepted; nothing to withdraw",
            ));
        }
        inv.withdrawn_at = Some(now);
        let (person, sent_at) = (inv.person, inv.sent_at);
        let seat = self.seat()?;
        seat.pending.remove(&(sent_at, id));
        let pair = seat.pairs.entry(person).or_default();
        pair.pending = None;
        pair.cooldown_until = Some(after(now, cooldown));
        seat.stats.withdrawn += 1;
        seat.stats.pending_now = seat.stats.pending_now.saturating_sub(1);
        self.rec.effect = true;
        Ok(())
    }

    pub(crate) fn sent_invitations(
        &mut self,
        cursor: Option<&str>,
        page_size: u32,
    ) -> Result<Page<SentInvitation>, ChannelError> {
        if page_size == 0 {
            return Err(permanent("page_size must be at least 1"));
        }
        let size = page_size.min(MAX_PAGE) as usize;
        let upper = match cursor {
            None => None,
            Some(c) => {
                let bad = || permanent(format!("invalid cursor `{c}`"));
                let id = parse_invitation_id(c).ok_or_else(bad)?;
                let inv = self
                    .st
                    .invitations
                    .get((id - 1) as usize)
                    .filter(|i| i.seat == self.seat)
                    .ok_or_else(bad)?;
                Some((inv.sent_at, id))
            }
        };
        let world = self.world;
        let seat = self.seat()?;
        let range = match upper {
            Some(key) => seat.pending.range(..key),
            None => seat.pending.range(..),
        };
        let mut keys: Vec<(Timestamp, u64)> = range.rev().take(size + 1).copied().collect();
        let more = keys.len() > size;
        keys.truncate(size);
        let invitations = &self.st.invitations;
        let items: Vec<SentInvitation> = keys
            .iter()
            .filter_map(|&(sent_at, id)| {
                let inv = invitations.get((id - 1) as usize)?;
                Some(SentInvitation {
                    invitation_id: invitation_id(id),
                    profile_url: world.person_at(inv.person)?.profile_url.clone(),
                    sent_at,
                    with_note: inv.with_note,
                })
            })
            .collect();
        let next = if more {
            keys.last().map(|&(_, id)| invitation_id(id))
        } else {
            None
        };
        Ok(Page { items, next })
    }

    pub(crate) fn connections_since(
        &mut self,
        since: Timestamp,
    ) -> Result<Vec<Connection>, ChannelError> {
        let world = self.world;
        let seat = self.seat()?;
        let from = seat.connections.partition_point(|(t, _)| *t < since);
        Ok(seat.connections[from..]
            .iter()
            .filter_map(|&(connected_at, p)| {
                Some(Connection {
                    profile_url: world.person_at(p)?.profile_url.clone(),
                    connected_at,
                })
            })
            .collect())
    }

    pub(crate) fn send_message(
        &mut self,
        req: &MessageRequest,
    ) -> Result<SentMessage, ChannelError> {
        let (index, person) = self.person(&req.profile)?;
        if !self.connected(index)? {
            return Err(permanent("not a first-degree connection; message not sent"));
        }
        if req.text.trim().is_empty() {
            return Err(permanent("the message is empty"));
        }
        if req.text.chars().count() > MAX_MESSAGE_CHARS {
            return Err(permanent(format!(
                "the message is longer than {MAX_MESSAGE_CHARS} characters"
            )));
        }
        let now = self.now;
        let world = self.world;
        self.st.messages += 1;
        let message_id = format!("msg-{}", self.st.messages);
        let seat = self.seat()?;
        let key = seat.key;
        seat.stats.messages += 1;
        let pair = seat.pairs.entry(index).or_default();
        pair.messages_sent += 1;
        let ordinal = pair.messages_sent;
        pair.thread.push(ThreadMessage {
            from_seat: true,
            text: req.text.clone(),
            sent_at: now,
            client_token: Some(req.idempotency_key.clone()),
        });
        if let Some((delay, text)) =
            model::answer_message(world, key, index, person, ordinal, &req.text)
        {
            let seat = self.seat;
            self.st.schedule(
                after(now, delay),
                Due::Reply {
                    seat,
                    person: index,
                    text,
                },
            );
        }
        self.rec.effect = true;
        Ok(SentMessage {
            message_id,
            sent_at: now,
        })
    }

    pub(crate) fn thread(
        &mut self,
        profile: &ProfileUrl,
        since: Timestamp,
    ) -> Result<Vec<ThreadMessage>, ChannelError> {
        let (index, _) = self.person(profile)?;
        let seat = self.seat()?;
        let Some(pair) = seat.pairs.get(&index) else {
            return Ok(Vec::new());
        };
        let from = pair.thread.partition_point(|m| m.sent_at < since);
        Ok(pair.thread[from..].to_vec())
    }

    pub(crate) fn replies_since(&mut self, since: Timestamp) -> Result<Vec<Reply>, ChannelError> {
        let world = self.world;
        let seat = self.seat()?;
        let from = seat.replies.partition_point(|(t, _, _)| *t < since);
        Ok(seat.replies[from..]
            .iter()
            .filter_map(|&(received_at, p, text)| {
                Some(Reply {
                    profile_url: world.person_at(p)?.profile_url.clone(),
                    text: text.to_owned(),
                    received_at,
                })
            })
            .collect())
    }
}
