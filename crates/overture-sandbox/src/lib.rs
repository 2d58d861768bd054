//! A simulated LinkedIn network that implements the Channel port, deterministic for a seed.
//!
//! [`SandboxNetwork`] generates a fictional population from [`WorldParams`] and a seed, takes
//! sender seats ([`SandboxNetwork::add_seat`]) and answers their calls as LinkedIn would:
//! people accept, ignore or never answer invitations after realistic delays, reply to messages,
//! and LinkedIn's limits (weekly cap, note quota, note length, re-invite cooldown, pending
//! ceiling, burst rate limit, restrictions) fail calls with the channel's error classes. Time
//! comes from a shared [`Clock`](overture_clock::Clock); answers become visible when the clock
//! reaches them. Every answer is drawn from a random stream keyed by (seed, seat, person,
//! attempt), so the same seed gives the same world whatever order the calls come in.
//!
//! For engine tests it injects faults ([`FaultPlan`]), records every request
//! ([`SandboxNetwork::request_log`]) and finds effects performed twice
//! ([`SandboxNetwork::duplicates`]). `docs/sandbox.md` describes the model and every parameter.
//!
//! People read notes and messages with the lint's eyes: the model's text features come from
//! [`overture_message::note_features`], so a note the lint passes does better here too.
//!
//! This crate depends on `overture-core`, `overture-channel`, `overture-clock` and the pure
//! `overture-message` only: never on a store or on the engine, which are tested against it.

mod channel;
mod faults;
mod log;
mod model;
mod network;
mod ops;
mod params;
mod rng;
mod state;
mod validate;
mod world;

pub use channel::{SandboxChannel, SandboxChannels};
pub use faults::{FaultEffect, FaultPlan, FaultTrigger, Op};
pub use log::{Duplicate, DuplicateReason, RequestRecord, SeatStats};
pub use network::{SandboxError, SandboxNetwork};
pub use ops::MAX_PAGE;
pub use params::{
    AcceptanceParams, DelayComponent, ParamsError, PopulationParams, ReplyParams,
    RestrictionParams, RuleParams, TimingParams, WorldParams,
};
pub use state::SeatProfile;
