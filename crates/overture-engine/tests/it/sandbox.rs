//! Properties over many seeds in the simulated network: caps, working hours, spacing, no
//! duplicates, and faults injected at the channel.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::SignedDuration;
use overture_clock::{Clock, ManualClock};
use overture_core::governor::Policy;
use overture_core::{AccountStatus, Tier};
use overture_engine::{Engine, EngineConfig, metrics};
use overture_sandbox::{FaultPlan, Op, SandboxNetwork, SeatProfile, WorldParams};
use overture_store::{NewCampaignVersion, Store};
use overture_store_sqlite::{SqliteOptions, SqliteStore};
use proptest::prelude::*;
use serde_json::json;

use crate::{WS, assert_paced, days, limits, spec, start, step};

const SEATS: [&str; 2] = ["alice", "bob"];

/// Runs a two-seat campaign over `people` leads for `span` in a sandbox world of `seed`, with
/// an optional fault plan and the seats' pending cap; returns the network and the store.
async fn simulate(
    seed: u64,
    people: u32,
    span: SignedDuration,
    fault: Option<FaultPlan>,
    max_pending: u32,
) -> (SandboxNetwork, SqliteStore, tempfile::TempDir, ManualClock) {
    let clock = ManualClock::new(start());
    let mut params = WorldParams::default();
    params.population.people = people;
    let net = SandboxNetwork::new(params, seed, Arc::new(clock.clone())).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("sandbox.db"), SqliteOptions::default())
        .await
        .unwrap();
    for name in SEATS {
        net.add_seat(name, Tier::Free, SeatProfile::default())
            .unwrap();
        store
            .create_account({
                let mut seat = crate::seat(name, Tier::Free, limits(Some(5)));
                seat.governor.max_pending = max_pending;
                seat
            })
            .await
            .unwrap();
    }
    if let Some(plan) = fault {
        net.inject(plan);
    }
    store
        .import_leads(WS, "prospects", &net.population(), start(), &|_| {})
        .await
        .unwrap();
    let steps = json!([
        step(json!({ "type": "visit_profile" })),
        step(json!({ "type": "invite", "notes": ["Hi {{ first_name }}"],
                     "without_note_if_quota_exhausted": true })),
        step(json!({ "type": "wait_for_acceptance", "within": "10d",
                     "accepted": "next", "not_accepted": "withdraw" })),
        step(json!({ "type": "message", "texts": ["Thanks {{ first_name }}!"] })),
    ]);
    let mut spec = spec(steps, json!({}));
    spec.accounts = SEATS.iter().map(|s| s.to_string()).collect();
    let version = NewCampaignVersion {
        name: "spring".into(),
        source: "spring".into(),
        spec,
    };
    let campaign = store
        .apply_campaign(WS, version, start())
        .await
        .unwrap()
        .campaign
        .id;
    let mut engine = Engine::new(
        store.clone(),
        net.channels(),
        clock.clone(),
        EngineConfig {
            seed,
            ..EngineConfig::default()
        },
    );
    engine.start_campaign(WS, campaign).await.unwrap();
    engine.run_until(start() + span).await.unwrap();
    (net, store, dir, clock)
}

/// The invariants every run keeps, whatever the seed.
async fn check_invariants(net: &SandboxNetwork, store: &SqliteStore, clock: &ManualClock) {
    assert!(net.duplicates().is_empty(), "{:?}", net.duplicates());
    let mut invites: BTreeMap<String, Vec<jiff::Timestamp>> = BTreeMap::new();
    for r in net.request_log() {
        if r.op == Op::Invite && r.effect {
            invites.entry(r.seat.clone()).or_default().push(r.at);
        }
    }
    for times in invites.values() {
        assert_paced(times, 20, SignedDuration::from_mins(3));
    }
    // Nobody is invited again by the same seat within 21 days of a withdrawal.
    let mut withdrawn: BTreeMap<(String, String), jiff::Timestamp> = BTreeMap::new();
    for r in net.request_log() {
        let Some(profile) = r.profile.as_ref().map(ToString::to_string) else {
            continue;
        };
        let key = (r.seat.clone(), profile);
        if r.op == Op::Withdraw && r.effect {
            withdrawn.insert(key, r.at);
        } else if r.op == Op::Invite
            && r.effect
            && let Some(at) = withdrawn.get(&key)
        {
            assert!(
                r.at.duration_since(*at) >= SignedDuration::from_hours(21 * 24),
                "{key:?} re-invited at {} after a withdrawal at {at}",
                r.at
            );
        }
    }
    let report = metrics(store, WS, clock.now()).await.unwrap();
    assert_eq!(report.totals.cap_violations, 0);
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// Caps, working hours, spacing and the re-invite cooldown hold, and nothing goes out twice
    /// (no invitation while one is pending, no effect repeated), over many seeds.
    #[test]
    fn sandbox_runs_keep_every_limit(
        seed in 0u64..1_000, people in 100u32..200, max_pending in 3u32..40,
    ) {
        runtime().block_on(async {
            let (net, store, _dir, clock) =
                simulate(seed, people, days(20), None, max_pending).await;
            check_invariants(&net, &store, &clock).await;
            let sent: u32 = SEATS.iter().map(|s| net.stats(s).unwrap().invites_sent).sum();
            assert!(sent > 0, "the campaign sent invitations");
            for seat in SEATS {
                let most = net.stats(seat).unwrap().max_pending;
                assert!(most <= max_pending, "{seat}: {most} pending at once, cap {max_pending}");
            }
        });
    }
}

#[tokio::test]
async fn lost_answers_in_the_sandbox_cause_no_duplicates() {
    let plan = FaultPlan::lose_answer().on(Op::Invite).times(5);
    let (net, store, _dir, clock) =
        simulate(7, 120, days(10), Some(plan), Policy::DEFAULT_MAX_PENDING).await;
    check_invariants(&net, &store, &clock).await;
}

#[tokio::test]
async fn an_expired_session_in_the_sandbox_pauses_the_seat() {
    let plan = FaultPlan::fail(overture_channel::ChannelError::SessionExpired)
        .on(Op::Invite)
        .for_seat("bob")
        .times(1);
    let (net, store, _dir, clock) =
        simulate(11, 120, days(5), Some(plan), Policy::DEFAULT_MAX_PENDING).await;
    check_invariants(&net, &store, &clock).await;
    let bob = store.account_by_name(WS, "bob").await.unwrap();
    assert_eq!(bob.status, AccountStatus::NeedsCredentials);
    let alice = store.account_by_name(WS, "alice").await.unwrap();
    assert_eq!(alice.status, AccountStatus::Active);
}
