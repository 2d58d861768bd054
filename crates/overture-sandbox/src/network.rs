//! [`SandboxNetwork`]: the simulated network's handle, its setup and inspection methods, and
//! the wrapper every channel call goes through (clock, materialisation, seat state, faults,
//! request log).

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use jiff::Timestamp;
use overture_channel::ChannelError;
use overture_clock::Clock;
use overture_core::{NewLead, ProfileUrl, Tier};

use crate::channel::{SandboxChannel, SandboxChannels};
use crate::faults::{self, ActiveFault, FaultEffect, FaultPlan, Op};
use crate::log::{self, Duplicate, LogEntry, RequestRecord, SeatStats, Target};
use crate::model::{self, Invite, Sender};
use crate::params::{ParamsError, WorldParams};
use crate::rng::hash_str;
use crate::state::{Seat, SeatId, SeatProfile, State};
use crate::world::World;

/// A setup or inspection call the network cannot carry out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SandboxError {
    /// No seat has this handle.
    #[error("no sandbox seat named `{handle}`; add it with SandboxNetwork::add_seat")]
    UnknownSeat {
        /// The handle asked for.
        handle: String,
    },
    /// A seat with this handle exists already.
    #[error("a sandbox seat named `{handle}` exists already")]
    DuplicateSeat {
        /// The handle.
        handle: String,
    },
    /// The seat's handle or profile is not usable.
    #[error("sandbox seat `{handle}`: {reason}")]
    InvalidSeat {
        /// The handle.
        handle: String,
        /// What is wrong.
        reason: String,
    },
    /// The profile URL is not a person of this world.
    #[error("{profile} is not a person of this sandbox world")]
    UnknownProfile {
        /// The URL asked for.
        profile: String,
    },
}

/// The simulated LinkedIn network. Cloning shares the same network.
#[derive(Clone)]
pub struct SandboxNetwork {
    inner: Arc<Inner>,
}

struct Inner {
    world: World,
    clock: Arc<dyn Clock>,
    state: Mutex<State>,
}

impl fmt::Debug for SandboxNetwork {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxNetwork")
            .field("seed", &self.inner.world.seed)
            .field("people", &self.inner.world.people.len())
            .finish_non_exhaustive()
    }
}

/// What a call did, filled in by its body for the request log.
#[derive(Debug, Default)]
pub(crate) struct Rec {
    pub(crate) effect: bool,
    pub(crate) target: Option<Target>,
    pub(crate) invitation: Option<u64>,
}

/// What a call's body gets.
pub(crate) struct Ctx<'a> {
    pub(crate) st: &'a mut State,
    pub(crate) world: &'a World,
    pub(crate) seat: SeatId,
    pub(crate) now: Timestamp,
    pub(crate) rec: &'a mut Rec,
}

impl SandboxNetwork {
    /// Generates the world for `params` and `seed`; the network reads time from `clock`.
    pub fn new(params: WorldParams, seed: u64, clock: Arc<dyn Clock>) -> Result<Self, ParamsError> {
        params.validate()?;
        let state = State {
            logging: true,
            ..State::default()
        };
        Ok(Self {
            inner: Arc::new(Inner {
                world: World::generate(params, seed),
                clock,
                state: Mutex::new(state),
            }),
        })
    }

    /// The world's seed.
    pub fn seed(&self) -> u64 {
        self.inner.world.seed
    }

    /// The world's parameters.
    pub fn params(&self) -> &WorldParams {
        &self.inner.world.params
    }

    /// The population as leads to import, in a fixed order.
    pub fn population(&self) -> Vec<NewLead> {
        self.inner.world.leads()
    }

    /// Adds a sender seat. Seats can be added at any time; a person's relation to a seat
    /// depends only on the seed, the handle and the person.
    pub fn add_seat(
        &self,
        handle: &str,
        tier: Tier,
        profile: SeatProfile,
    ) -> Result<(), SandboxError> {
        let invalid = |reason: &str| SandboxError::InvalidSeat {
            handle: handle.to_owned(),
            reason: reason.to_owned(),
        };
        if handle.trim().is_empty() {
            return Err(invalid("the handle is empty"));
        }
        if !(0.0..=1.0).contains(&profile.completeness) {
            return Err(invalid("profile completeness must be between 0 and 1"));
        }
        let mut st = self.lock();
        if st.by_handle.contains_key(handle) {
            return Err(SandboxError::DuplicateSeat {
                handle: handle.to_owned(),
            });
        }
        let id = st.seats.len();
        st.seats
            .push(Seat::new(handle, hash_str(handle), tier, profile));
        st.by_handle.insert(handle.to_owned(), id);
        Ok(())
    }

    /// The channel of one seat.
    pub fn channel(&self, handle: &str) -> Result<SandboxChannel, SandboxError> {
        let seat = self.seat_id(handle)?;
        Ok(SandboxChannel::new(self.clone(), seat, handle))
    }

    /// The channels of all seats, keyed by account name.
    pub fn channels(&self) -> SandboxChannels {
        SandboxChannels::new(self.clone())
    }

    /// Adds a fault plan; plans are tried in the order they were injected.
    pub fn inject(&self, plan: FaultPlan) {
        self.lock().faults.push(ActiveFault::new(plan));
    }

    /// Removes every fault plan.
    pub fn clear_faults(&self) {
        self.lock().faults.clear();
    }

    /// Kills the seat's session: every call fails with `SessionExpired` until
    /// [`renew_session`](Self::renew_session).
    pub fn expire_session(&self, seat: &str) -> Result<(), SandboxError> {
        self.with_seat(seat, |s| s.session_expired = true)
    }

    /// Gives the seat a working session again.
    pub fn renew_session(&self, seat: &str) -> Result<(), SandboxError> {
        self.with_seat(seat, |s| s.session_expired = false)
    }

    /// Puts a security challenge on the seat: every call fails with `Challenge` until
    /// [`clear_challenge`](Self::clear_challenge).
    pub fn challenge(&self, seat: &str) -> Result<(), SandboxError> {
        self.with_seat(seat, |s| {
            s.challenge = Some("checkpoint/challenge: verify it is you".to_owned());
        })
    }

    /// Lifts the seat's security challenge.
    pub fn clear_challenge(&self, seat: &str) -> Result<(), SandboxError> {
        self.with_seat(seat, |s| s.challenge = None)
    }

    /// Restricts the seat until `until`: every call fails with `Restricted { until }`.
    pub fn restrict(&self, seat: &str, until: Timestamp) -> Result<(), SandboxError> {
        self.with_seat(seat, |s| {
            s.restricted_until = Some(until);
            s.stats.restrictions += 1;
        })
    }

    /// Every recorded call, oldest first.
    pub fn request_log(&self) -> Vec<RequestRecord> {
        let st = self.lock();
        log::records(&st, &self.inner.world)
    }

    /// Turns the request log on (the default) or off; long simulations that need no log save
    /// memory. `duplicates` only sees calls made while it was on.
    pub fn set_request_logging(&self, on: bool) {
        self.lock().logging = on;
    }

    /// Invitations and messages performed twice: the same idempotency key twice, or a second
    /// invitation to a person while the first was pending.
    pub fn duplicates(&self) -> Vec<Duplicate> {
        let st = self.lock();
        log::duplicates(&st, &self.inner.world)
    }

    /// The seat's counters, with everything due by the clock applied.
    pub fn stats(&self, seat: &str) -> Result<SeatStats, SandboxError> {
        let id = self.seat_id(seat)?;
        let now = self.inner.clock.now();
        let mut st = self.lock();
        st.materialise(now, &self.inner.world.params);
        st.seats
            .get(id)
            .map(|s| s.stats.clone())
            .ok_or_else(|| unknown_seat(seat))
    }

    /// The model's probability that `seat`'s invitation (with `note`) to `profile` is accepted,
    /// for an active person; for calibration and tests.
    pub fn acceptance_probability(
        &self,
        seat: &str,
        profile: &ProfileUrl,
        note: Option<&str>,
    ) -> Result<f64, SandboxError> {
        let world = &self.inner.world;
        let unknown = || SandboxError::UnknownProfile {
            profile: profile.to_string(),
        };
        let index = world.find(profile).ok_or_else(unknown)?;
        let person = world.person_at(index).ok_or_else(unknown)?;
        let st = self.lock();
        let s = st
            .by_handle
            .get(seat)
            .and_then(|&i| st.seats.get(i))
            .ok_or_else(|| unknown_seat(seat))?;
        let (degree, mutuals) = world.relation(s.key, index);
        let invite = Invite {
            sender: Sender {
                key: s.key,
                completeness: s.profile.completeness,
                industry: s.profile.industry.as_deref(),
            },
            person_index: index,
            person,
            degree,
            mutuals,
            note,
            attempt: 1,
        };
        Ok(model::acceptance_probability(world, &invite))
    }

    fn seat_id(&self, handle: &str) -> Result<SeatId, SandboxError> {
        self.lock()
            .by_handle
            .get(handle)
            .copied()
            .ok_or_else(|| unknown_seat(handle))
    }

    fn with_seat(&self, handle: &str, f: impl FnOnce(&mut Seat)) -> Result<(), SandboxError> {
        let mut st = self.lock();
        let id = st
            .by_handle
            .get(handle)
            .copied()
            .ok_or_else(|| unknown_seat(handle))?;
        let seat = st.seats.get_mut(id).ok_or_else(|| unknown_seat(handle))?;
        f(seat);
        Ok(())
    }

    pub(crate) fn seat_for_account(&self, name: &str) -> Option<SeatId> {
        self.lock().by_handle.get(name).copied()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A poisoned lock means a panic elsewhere while the state was held; every mutation
        // leaves the state consistent between statements that could panic, so keep going.
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs one channel call: reads the clock, applies what is due, checks the seat's state
    /// and the fault plans, runs `body`, and records the call.
    pub(crate) fn call<T>(
        &self,
        seat: SeatId,
        op: Op,
        profile: Option<&ProfileUrl>,
        key: Option<&str>,
        body: impl FnOnce(&mut Ctx<'_>) -> Result<T, ChannelError>,
    ) -> Result<T, ChannelError> {
        let world = &self.inner.world;
        let now = self.inner.clock.now();
        let mut guard = self.lock();
        let st = &mut *guard;
        st.materialise(now, &world.params);
        let mut rec = Rec {
            target: profile.map(|p| match world.find(p) {
                Some(i) => Target::Person(i),
                None => Target::Other(Box::new(p.clone())),
            }),
            ..Rec::default()
        };
        let result = Self::run(st, world, seat, now, op, &mut rec, body);
        if let Some(s) = st.seats.get_mut(seat)
            && let Err(e) = &result
            && matches!(
                e,
                ChannelError::RateLimited { .. }
                    | ChannelError::WeeklyCapReached { .. }
                    | ChannelError::NoteQuotaExhausted
                    | ChannelError::CannotReinviteYet
            )
        {
            s.stats.rule_rejections += 1;
        }
        if st.logging {
            st.log.push(LogEntry {
                at: now,
                seat,
                op,
                target: rec.target,
                error: result.as_ref().err().map(ChannelError::code),
                key: key.map(Into::into),
                effect: rec.effect,
                invitation: rec.invitation,
            });
        }
        result
    }

    fn run<T>(
        st: &mut State,
        world: &World,
        seat: SeatId,
        now: Timestamp,
        op: Op,
        rec: &mut Rec,
        body: impl FnOnce(&mut Ctx<'_>) -> Result<T, ChannelError>,
    ) -> Result<T, ChannelError> {
        let Some(s) = st.seats.get(seat) else {
            return Err(ChannelError::Permanent {
                detail: "sandbox seat does not exist".to_owned(),
            });
        };
        if s.session_expired {
            return Err(ChannelError::SessionExpired);
        }
        if let Some(detail) = &s.challenge {
            return Err(ChannelError::Challenge {
                detail: detail.clone(),
            });
        }
        if let Some(until) = s.restricted_until
            && until > now
        {
            return Err(ChannelError::Restricted { until: Some(until) });
        }
        let fired = if st.faults.is_empty() {
            None
        } else {
            let handle = s.handle.clone();
            faults::fire(&mut st.faults, &mut st.fault_draws, world.seed, op, &handle)
        };
        if fired.is_some()
            && let Some(s) = st.seats.get_mut(seat)
        {
            s.stats.faults += 1;
        }
        if let Some(FaultEffect::Before(error)) = fired {
            return Err(error);
        }
        let mut ctx = Ctx {
            st,
            world,
            seat,
            now,
            rec,
        };
        let result = body(&mut ctx);
        match (fired, result) {
            (Some(FaultEffect::LostAnswer), _) => Err(ChannelError::Transient {
                detail: "connection reset before the answer arrived".to_owned(),
            }),
            (_, result) => result,
        }
    }
}

fn unknown_seat(handle: &str) -> SandboxError {
    SandboxError::UnknownSeat {
        handle: handle.to_owned(),
    }
}
