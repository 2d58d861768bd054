//! Several engines on one store, each a worker holding accounts under leases: every account
//! is served by one engine, the work gets done once, caps hold, and a stopped engine's
//! accounts are taken over once its leases run out. The small case runs on SQLite and, with
//! `OVERTURE_TEST_POSTGRES_URL` set, on PostgreSQL, each engine with a store of its own.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use overture_clock::{Clock, ManualClock};
use overture_core::Tier;
use overture_engine::{Engine, EngineConfig, WorkerConfig, metrics};
use overture_sandbox::{Op, SandboxChannels, SandboxNetwork, SeatProfile, WorldParams};
use overture_store::{AccountLeaseStore, NewCampaignVersion, Store};
use overture_store_postgres::testing::TestDatabase;
use overture_store_sqlite::{SqliteOptions, SqliteStore};
use serde_json::json;

use crate::{WS, assert_paced, days, limits, spec, start, step};

const SEATS: [&str; 3] = ["alice", "bob", "carol"];

type Worker<S> = (&'static str, Engine<S, SandboxChannels, ManualClock>);

/// Which seats each worker made requests for (engines tick one after the other, so the
/// requests logged during a tick are that engine's), in order.
type Acted = BTreeMap<String, Vec<&'static str>>;

/// Ticks every engine, then moves the clock to the earliest wake-up (at least a second on),
/// until `until`; notes in `acted` which worker made each seat's requests.
async fn run<S: Store>(
    engines: &mut [Worker<S>],
    net: &SandboxNetwork,
    clock: &ManualClock,
    until: Timestamp,
    acted: &mut Acted,
    seen: &mut usize,
) {
    while clock.now() < until {
        let mut next: Option<Timestamp> = None;
        for (id, engine) in engines.iter_mut() {
            let report = engine.tick().await.unwrap();
            let log = net.request_log();
            for r in log.iter().skip(*seen).cloned() {
                let workers = acted.entry(r.seat).or_default();
                if workers.last() != Some(id) {
                    workers.push(id);
                }
            }
            *seen = log.len();
            next = [next, report.next_wakeup].into_iter().flatten().min();
        }
        let now = clock.now();
        let step = now + SignedDuration::from_secs(1);
        clock.set(next.map_or(until, |t| t.max(step)).min(until));
    }
}

fn worker<S: Store + Clone>(
    store: &S,
    net: &SandboxNetwork,
    clock: &ManualClock,
    id: &'static str,
    max_accounts: u32,
) -> Worker<S> {
    let mut worker = WorkerConfig::new(id);
    worker.max_accounts = max_accounts;
    let config = EngineConfig {
        worker: Some(worker),
        ..EngineConfig::default()
    };
    (
        id,
        Engine::new(store.clone(), net.channels(), clock.clone(), config),
    )
}

async fn holders<S: Store>(store: &S, now: Timestamp) -> Vec<(String, String)> {
    let names = store.list_accounts(WS).await.unwrap();
    let leases = store.account_leases().await.unwrap();
    let live = leases.iter().filter(|l| l.expires_at > now);
    live.map(|l| {
        let name = names.iter().find(|a| a.id == l.account).unwrap();
        (name.name.clone(), l.worker.clone())
    })
    .collect()
}

#[tokio::test]
async fn three_workers_share_the_accounts_and_take_over_a_stopped_ones() {
    let clock = ManualClock::new(start());
    let mut params = WorldParams::default();
    params.population.people = 60;
    let net = SandboxNetwork::new(params, 5, Arc::new(clock.clone())).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("workers.db"), SqliteOptions::default())
        .await
        .unwrap();
    for name in SEATS {
        net.add_seat(name, Tier::Free, SeatProfile::default())
            .unwrap();
        let seat = crate::seat(name, Tier::Free, limits(Some(5)));
        store.create_account(seat).await.unwrap();
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
    let campaign = store.apply_campaign(WS, version, start()).await.unwrap();
    let mut engines: Vec<Worker<SqliteStore>> = ["w1", "w2", "w3"]
        .into_iter()
        .map(|id| worker(&store, &net, &clock, id, 2))
        .collect();
    engines[0]
        .1
        .start_campaign(WS, campaign.campaign.id)
        .await
        .unwrap();

    let (mut acted, mut seen) = (Acted::new(), 0);
    run(
        &mut engines,
        &net,
        &clock,
        start() + days(2),
        &mut acted,
        &mut seen,
    )
    .await;
    let only = |workers: &[&'static str]| -> Acted {
        SEATS
            .iter()
            .zip(workers)
            .map(|(seat, w)| (seat.to_string(), w.split('>').collect()))
            .collect()
    };
    assert_eq!(acted, only(&["w1", "w1", "w2"]), "one worker per seat");
    let held = holders(&store, clock.now()).await;
    let expected = [("alice", "w1"), ("bob", "w1"), ("carol", "w2")];
    let expected: Vec<_> = expected.map(|(a, w)| (a.to_owned(), w.to_owned())).into();
    assert_eq!(
        held, expected,
        "each account has one holder, at most two per worker"
    );
    for seat in SEATS {
        assert!(
            net.stats(seat).unwrap().invites_sent > 0,
            "{seat} sent invitations"
        );
    }

    // w1 stops: its two accounts go to w2 and w3 once its leases have run out.
    let stopped_at = clock.now();
    engines.remove(0);
    run(
        &mut engines,
        &net,
        &clock,
        stopped_at + days(2),
        &mut acted,
        &mut seen,
    )
    .await;
    let handed = only(&["w1>w2", "w1>w3", "w2"]);
    assert_eq!(
        acted, handed,
        "a seat changes worker only when its lease is taken over"
    );
    let first_after = |seat: &str| {
        let log = net.request_log().into_iter();
        log.filter(|r| r.seat == seat && r.at > stopped_at)
            .map(|r| r.at)
            .min()
    };
    let lease = WorkerConfig::new("any").account_lease;
    for seat in ["alice", "bob"] {
        let first = first_after(seat).unwrap_or_else(|| panic!("{seat} idle after the takeover"));
        assert!(
            first.duration_since(stopped_at) <= lease + days(1),
            "{seat}: {first}"
        );
    }
    let held = holders(&store, clock.now()).await;
    let expected = [("alice", "w2"), ("bob", "w3"), ("carol", "w2")];
    let expected: Vec<_> = expected.map(|(a, w)| (a.to_owned(), w.to_owned())).into();
    assert_eq!(held, expected);
    let leases = store.account_leases().await.unwrap();
    assert_eq!(
        leases.iter().map(|l| l.fence).collect::<Vec<_>>(),
        [2, 2, 1]
    );
    for seat in ["alice", "bob"] {
        let after = net
            .request_log()
            .into_iter()
            .filter(|r| r.seat == seat && r.effect && r.at > stopped_at && r.op != Op::Visit);
        assert!(
            after.count() > 0,
            "{seat}'s work went on after the takeover"
        );
    }

    // Nothing was done twice, pacing and caps held across the engines.
    assert!(net.duplicates().is_empty(), "{:?}", net.duplicates());
    for seat in SEATS {
        let invites: Vec<_> = net
            .request_log()
            .into_iter()
            .filter(|r| r.seat == seat && r.op == Op::Invite && r.effect)
            .map(|r| r.at)
            .collect();
        assert_paced(&invites, 20, SignedDuration::from_mins(3));
    }
    let report = metrics(&store, WS, clock.now()).await.unwrap();
    assert_eq!(report.totals.cap_violations, 0);
}

/// Two workers of one account each, on two stores of one database (as two processes would
/// have), a few leads: each seat is acted for by one worker, every lead is invited once, no
/// cap is exceeded.
async fn two_workers_invite_each_lead_once<S: Store + Clone>(stores: [S; 2]) {
    const PAIR: [&str; 2] = ["alice", "bob"];
    let clock = ManualClock::new(start());
    let mut params = WorldParams::default();
    params.population.people = 8;
    // Everyone can be invited: nobody is already connected or out of reach.
    params.population.unreachable_share = 0.0;
    params.population.first_degree_share = 0.0;
    let net = SandboxNetwork::new(params, 11, Arc::new(clock.clone())).unwrap();
    let store = &stores[0];
    for name in PAIR {
        net.add_seat(name, Tier::Free, SeatProfile::default())
            .unwrap();
        let seat = crate::seat(name, Tier::Free, limits(Some(5)));
        store.create_account(seat).await.unwrap();
    }
    let people = net.population();
    store
        .import_leads(WS, "prospects", &people, start(), &|_| {})
        .await
        .unwrap();
    let steps = json!([
        step(json!({ "type": "visit_profile" })),
        step(json!({ "type": "invite", "notes": ["Hi {{ first_name }}"],
                     "without_note_if_quota_exhausted": true })),
    ]);
    let mut spec = spec(steps, json!({}));
    spec.accounts = PAIR.iter().map(|s| s.to_string()).collect();
    let version = NewCampaignVersion {
        name: "spring".into(),
        source: "spring".into(),
        spec,
    };
    let campaign = store.apply_campaign(WS, version, start()).await.unwrap();
    let mut engines = vec![
        worker(&stores[0], &net, &clock, "w1", 1),
        worker(&stores[1], &net, &clock, "w2", 1),
    ];
    engines[0]
        .1
        .start_campaign(WS, campaign.campaign.id)
        .await
        .unwrap();

    let (mut acted, mut seen) = (Acted::new(), 0);
    let until = start() + SignedDuration::from_hours(12);
    run(&mut engines, &net, &clock, until, &mut acted, &mut seen).await;
    let expected: Acted = [("alice", "w1"), ("bob", "w2")]
        .map(|(seat, w)| (seat.to_owned(), vec![w]))
        .into();
    assert_eq!(acted, expected, "one worker per seat");
    let held = holders(store, clock.now()).await;
    let expected = [("alice", "w1"), ("bob", "w2")].map(|(a, w)| (a.to_owned(), w.to_owned()));
    assert_eq!(held, expected, "each worker holds one account");

    let mut invited: BTreeMap<String, usize> = BTreeMap::new();
    let log = net.request_log();
    for r in log.iter().filter(|r| r.op == Op::Invite && r.effect) {
        let profile = r
            .profile
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        *invited.entry(profile).or_default() += 1;
    }
    let everyone: BTreeMap<String, usize> = people
        .iter()
        .map(|p| (p.profile_url.to_string(), 1))
        .collect();
    assert_eq!(invited, everyone, "every lead invited once");
    assert!(net.duplicates().is_empty(), "{:?}", net.duplicates());
    for seat in PAIR {
        let invites: Vec<_> = log
            .iter()
            .filter(|r| r.seat == seat && r.op == Op::Invite && r.effect)
            .map(|r| r.at)
            .collect();
        assert_paced(&invites, 20, SignedDuration::from_mins(3));
    }
    let report = metrics(store, WS, clock.now()).await.unwrap();
    assert_eq!(report.totals.cap_violations, 0);
}

#[tokio::test]
async fn two_workers_invite_each_lead_once_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pair.db");
    let one = SqliteStore::open(&path, SqliteOptions::default())
        .await
        .unwrap();
    let two = SqliteStore::open(&path, SqliteOptions::default())
        .await
        .unwrap();
    two_workers_invite_each_lead_once([one, two]).await;
}

#[tokio::test]
async fn two_workers_invite_each_lead_once_on_postgres() {
    let Some(db) = TestDatabase::create().await else {
        return;
    };
    two_workers_invite_each_lead_once([db.store().await, db.store().await]).await;
}
