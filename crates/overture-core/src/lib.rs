//! Overture's domain core: the types and pure rules of LinkedIn and email outreach.
//!
//! Leads, sender accounts, lead lists, campaigns and their sequences, enrollments, invitations
//! and their state machine, re-invite cooldowns, actions and their state machine, events, and
//! the limits that keep an account inside LinkedIn's rules, and the variants that learn which
//! text works best.
//!
//! This crate does no IO, reads no clock and has no async code: every function that depends on
//! time takes `now` as a parameter. It must not depend on any other Overture crate, on a
//! database driver, an HTTP client or a runtime. Everything here is deterministic, so it can be
//! property-tested and replayed.

pub mod account;
pub mod action;
pub mod campaign;
pub mod cooldown;
pub mod enrollment;
pub mod event;
pub mod governor;
pub mod ids;
pub mod invitation;
pub mod lead;
pub mod limits;
pub mod planner;
pub mod profile_url;
pub mod role;
pub mod sequence;
pub mod spintax;
pub mod suggest;
pub mod suppression;
pub mod variants;
pub mod webhook;
pub mod working_hours;

pub use account::{
    Account, AccountKind, AccountSettings, AccountStatus, NewAccount, SenderProfile, Tier,
};
pub use action::{Action, ActionKind, ActionState, ActionTransitionError};
pub use campaign::{Campaign, CampaignStatus};
pub use cooldown::Cooldown;
pub use enrollment::{Enrollment, EnrollmentState};
pub use event::{Event, EventKind, NewEvent};
pub use ids::*;
pub use invitation::{Invitation, InvitationEvent, InvitationState, InvitationTransitionError};
pub use lead::{Degree, Lead, LeadList, NewLead};
pub use profile_url::{ProfileUrl, ProfileUrlError};
pub use role::Role;
pub use suppression::{Suppression, SuppressionKind};
