//! The network's mutable state: seats, invitations, threads and the queue of future answers.
//!
//! Answers are sampled when an invitation or message is sent and put on a time-ordered queue;
//! every call first applies the answers due by the clock's `now` (lazy materialisation), so what
//! a call sees is exactly what happened up to `now`.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap, VecDeque};

use jiff::{SignedDuration, Timestamp};
use overture_channel::ThreadMessage;
use overture_core::Tier;

use crate::faults::ActiveFault;
use crate::log::{LogEntry, SeatStats};
use crate::model::Answer;
use crate::params::WorldParams;

/// A seat's index in [`State::seats`].
pub(crate) type SeatId = usize;

/// What the seat's owner set up about the seat's LinkedIn profile.
#[derive(Debug, Clone, PartialEq)]
pub struct SeatProfile {
    /// How complete the profile is, from 0 (empty) to 1 (photo, headline, summary, history).
    pub completeness: f64,
    /// The seat's industry; sharing it with a person raises acceptance.
    pub industry: Option<String>,
}

impl Default for SeatProfile {
    fn default() -> Self {
        Self {
            completeness: 0.8,
            industry: None,
        }
    }
}

/// One invitation, from sending to its end.
#[derive(Debug, Clone)]
pub(crate) struct Invitation {
    pub(crate) seat: SeatId,
    pub(crate) person: u32,
    pub(crate) sent_at: Timestamp,
    pub(crate) with_note: bool,
    /// The person's answer once it is due (ignoring and "I don't know" are invisible to the
    /// seat: the invitation still looks pending).
    pub(crate) answer: Option<(Answer, Timestamp)>,
    pub(crate) withdrawn_at: Option<Timestamp>,
}

impl Invitation {
    /// Whether the seat sees it as pending.
    pub(crate) fn pending(&self) -> bool {
        self.withdrawn_at.is_none() && !matches!(self.answer, Some((Answer::Accept, _)))
    }
}

/// What a seat and one person share.
#[derive(Debug, Clone, Default)]
pub(crate) struct Pair {
    /// Invitations sent so far (the attempt number of the last one).
    pub(crate) attempts: u32,
    /// The invitation the seat sees as pending.
    pub(crate) pending: Option<u64>,
    /// No new invitation before this instant (after a withdrawal).
    pub(crate) cooldown_until: Option<Timestamp>,
    /// When they became connected.
    pub(crate) connected_at: Option<Timestamp>,
    /// Messages both ways, oldest first.
    pub(crate) thread: Vec<ThreadMessage>,
    /// Messages the seat sent.
    pub(crate) messages_sent: u32,
}

/// One sender seat.
#[derive(Debug)]
pub(crate) struct Seat {
    pub(crate) handle: String,
    pub(crate) key: u64,
    pub(crate) tier: Tier,
    pub(crate) profile: SeatProfile,
    pub(crate) pairs: HashMap<u32, Pair>,
    /// Pending invitations by (sent at, id): iterate backwards for newest first.
    pub(crate) pending: BTreeSet<(Timestamp, u64)>,
    /// Send times of the last week's invitations, oldest first.
    pub(crate) sent_times: VecDeque<Timestamp>,
    /// Send times of the note window's invitations with a note, oldest first.
    pub(crate) note_times: VecDeque<Timestamp>,
    /// Ignored and "I don't know" answers in the restriction window, with their weights.
    pub(crate) negatives: VecDeque<(Timestamp, f64)>,
    pub(crate) connections: Vec<(Timestamp, u32)>,
    /// Replies received: (when, from whom, text), oldest first.
    pub(crate) replies: Vec<(Timestamp, u32, &'static str)>,
    pub(crate) session_expired: bool,
    pub(crate) challenge: Option<String>,
    pub(crate) restricted_until: Option<Timestamp>,
    pub(crate) rate_limited_until: Option<Timestamp>,
    pub(crate) stats: SeatStats,
}

impl Seat {
    pub(crate) fn new(handle: &str, key: u64, tier: Tier, profile: SeatProfile) -> Self {
        Self {
            handle: handle.to_owned(),
            key,
            tier,
            profile,
            pairs: HashMap::new(),
            pending: BTreeSet::new(),
            sent_times: VecDeque::new(),
            note_times: VecDeque::new(),
            negatives: VecDeque::new(),
            connections: Vec::new(),
            replies: Vec::new(),
            session_expired: false,
            challenge: None,
            restricted_until: None,
            rate_limited_until: None,
            stats: SeatStats::default(),
        }
    }
}

/// Something due at an instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Due {
    /// An invitation's answer.
    Answer { invitation: u64, answer: Answer },
    /// A reply to a message.
    Reply {
        seat: SeatId,
        person: u32,
        text: &'static str,
    },
}

/// A queue entry ordered by (instant, insertion number): ties keep insertion order.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Queued {
    pub(crate) at: Timestamp,
    pub(crate) seq: u64,
    pub(crate) due: Due,
}

impl Ord for Queued {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Everything that changes.
#[derive(Debug, Default)]
pub(crate) struct State {
    pub(crate) seats: Vec<Seat>,
    pub(crate) by_handle: HashMap<String, SeatId>,
    /// Invitation `id` is at index `id - 1`.
    pub(crate) invitations: Vec<Invitation>,
    pub(crate) queue: BinaryHeap<Reverse<Queued>>,
    pub(crate) seq: u64,
    pub(crate) messages: u64,
    pub(crate) faults: Vec<ActiveFault>,
    pub(crate) fault_draws: u64,
    pub(crate) log: Vec<LogEntry>,
    pub(crate) logging: bool,
}

/// Inserts `t` into a sorted deque (at the back when time moves forward, the usual case).
pub(crate) fn insert_sorted(times: &mut VecDeque<Timestamp>, t: Timestamp) {
    let at = times.partition_point(|x| *x <= t);
    times.insert(at, t);
}

/// How many of `times` are after `since`.
pub(crate) fn count_after(times: &VecDeque<Timestamp>, since: Timestamp) -> usize {
    times.len() - times.partition_point(|x| *x <= since)
}

/// `t - d`, saturating at the earliest instant.
pub(crate) fn before(t: Timestamp, d: SignedDuration) -> Timestamp {
    t.checked_sub(d).unwrap_or(Timestamp::MIN)
}

/// `t + d`, saturating at the latest instant.
pub(crate) fn after(t: Timestamp, d: SignedDuration) -> Timestamp {
    t.checked_add(d).unwrap_or(Timestamp::MAX)
}

/// `n` whole days.
pub(crate) fn days(n: u32) -> SignedDuration {
    SignedDuration::from_hours(i64::from(n) * 24)
}

impl State {
    /// Queues something due at `at`.
    pub(crate) fn schedule(&mut self, at: Timestamp, due: Due) {
        self.seq += 1;
        self.queue.push(Reverse(Queued {
            at,
            seq: self.seq,
            due,
        }));
    }

    /// Applies everything due at or before `now`, in time order.
    pub(crate) fn materialise(&mut self, now: Timestamp, params: &WorldParams) {
        while self.queue.peek().is_some_and(|Reverse(q)| q.at <= now) {
            let Some(Reverse(q)) = self.queue.pop() else {
                break;
            };
            match q.due {
                Due::Answer { invitation, answer } => {
                    self.apply_answer(invitation, answer, q.at, params)
                }
                Due::Reply { seat, person, text } => self.apply_reply(seat, person, text, q.at),
            }
        }
    }

    fn apply_answer(&mut self, id: u64, answer: Answer, at: Timestamp, params: &WorldParams) {
        let Some(inv) = id
            .checked_sub(1)
            .and_then(|i| self.invitations.get_mut(i as usize))
        else {
            return;
        };
        if inv.withdrawn_at.is_some() || inv.answer.is_some() {
            return;
        }
        inv.answer = Some((answer, at));
        let (seat_id, person, sent_at) = (inv.seat, inv.person, inv.sent_at);
        let Some(seat) = self.seats.get_mut(seat_id) else {
            return;
        };
        let x = &params.restriction;
        match answer {
            Answer::Accept => {
                seat.pending.remove(&(sent_at, id));
                let pair = seat.pairs.entry(person).or_default();
                pair.pending = None;
                pair.connected_at = Some(at);
                seat.connections.push((at, person));
                seat.stats.accepted += 1;
                seat.stats.pending_now = seat.stats.pending_now.saturating_sub(1);
            }
            Answer::Ignore => {
                seat.stats.ignored += 1;
                seat.negatives.push_back((at, x.ignored_weight));
            }
            Answer::Unknown => {
                seat.stats.unknown += 1;
                seat.negatives.push_back((at, x.unknown_weight));
            }
        }
        if answer != Answer::Accept {
            check_restriction(seat, at, params);
        }
    }

    fn apply_reply(&mut self, seat: SeatId, person: u32, text: &'static str, at: Timestamp) {
        let Some(seat) = self.seats.get_mut(seat) else {
            return;
        };
        let Some(pair) = seat.pairs.get_mut(&person) else {
            return;
        };
        pair.thread.push(ThreadMessage {
            from_seat: false,
            text: text.to_owned(),
            sent_at: at,
            client_token: None,
        });
        seat.stats.replies += 1;
        seat.replies.push((at, person, text));
    }
}

/// Restricts `seat` at `at` when its score reaches the threshold; returns whether it did.
pub(crate) fn check_restriction(seat: &mut Seat, at: Timestamp, params: &WorldParams) -> bool {
    let x = &params.restriction;
    if seat.restricted_until.is_some_and(|u| u > at) {
        return false;
    }
    let horizon = before(at, days(x.window_days));
    while seat.negatives.front().is_some_and(|(t, _)| *t <= horizon) {
        seat.negatives.pop_front();
    }
    let score: f64 = seat.negatives.iter().map(|(_, w)| w).sum::<f64>()
        + x.pending_weight * f64::from(seat.stats.pending_now);
    if score >= x.threshold {
        seat.restricted_until = Some(after(at, days(x.days)));
        seat.stats.restrictions += 1;
        // Serving the restriction clears the answers that caused it; pending invitations still
        // count, so a seat that keeps too many outstanding is restricted again.
        seat.negatives.clear();
        true
    } else {
        false
    }
}
