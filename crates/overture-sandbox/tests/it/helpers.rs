//! Shared set-up: a network on a manual clock, and request builders.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use overture_channel::{InviteRequest, MessageRequest};
use overture_clock::ManualClock;
use overture_core::{ProfileUrl, Tier};
use overture_sandbox::{SandboxChannel, SandboxNetwork, SeatProfile, WorldParams};

pub fn t0() -> Timestamp {
    "2026-03-02T09:00:00Z".parse().unwrap()
}

pub fn hours(h: i64) -> SignedDuration {
    SignedDuration::from_hours(h)
}

pub fn days(d: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * d)
}

/// A network on a manual clock at [`t0`].
pub fn network(params: WorldParams, seed: u64) -> (SandboxNetwork, ManualClock) {
    let clock = ManualClock::new(t0());
    let net = SandboxNetwork::new(params, seed, Arc::new(clock.clone())).unwrap();
    (net, clock)
}

/// Parameters for rule tests: everyone active, reachable and never answering (no acceptances,
/// no restrictions), so only the rule under test decides.
pub fn quiet(people: u32) -> WorldParams {
    let mut p = WorldParams::default();
    p.population.people = people;
    p.population.inactive_share = 1.0;
    p.restriction.threshold = 1e9;
    p
}

/// A network with one seat `a` of `tier`, and its channel.
pub fn seat(params: WorldParams, tier: Tier) -> (SandboxNetwork, ManualClock, SandboxChannel) {
    let (net, clock) = network(params, 1);
    net.add_seat("a", tier, SeatProfile::default()).unwrap();
    let ch = net.channel("a").unwrap();
    (net, clock, ch)
}

/// The profile URLs of the population, in order.
pub fn people(net: &SandboxNetwork) -> Vec<ProfileUrl> {
    net.population()
        .into_iter()
        .map(|l| l.profile_url)
        .collect()
}

pub fn invite(profile: &ProfileUrl, note: Option<&str>) -> InviteRequest {
    InviteRequest {
        profile: profile.clone(),
        note: note.map(str::to_owned),
        idempotency_key: format!("invite:{}", profile.slug()),
    }
}

pub fn message(profile: &ProfileUrl, text: &str, key: &str) -> MessageRequest {
    MessageRequest {
        profile: profile.clone(),
        text: text.to_owned(),
        idempotency_key: key.to_owned(),
    }
}
