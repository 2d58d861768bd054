//! A simulated year: 100 sandbox seats work 50,000 leads through a visit, invite,
//! wait-for-acceptance, message campaign for 365 days, on a scratch SQLite file in a temporary
//! directory (as `overture demo` does). Prints the wall time of the simulation (setup apart),
//! the simulated actions per second and the process's peak resident memory. The target: under
//! 60 s and 1 GiB on a 2-core machine.
//!
//! Run with `cargo bench -p overture-engine --bench year`. Speed is measured here, never
//! asserted by a test.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use overture_clock::ManualClock;
use overture_core::account::Zone;
use overture_core::limits::AccountLimits;
use overture_core::working_hours::WorkingHours;
use overture_core::{AccountKind, AccountStatus, NewAccount, Tier, WorkspaceId};
use overture_engine::{Engine, EngineConfig, metrics};
use overture_sandbox::{SandboxNetwork, SeatProfile, WorldParams};
use overture_store::{NewCampaignVersion, Store};
use overture_store_sqlite::{SqliteOptions, SqliteStore};
use serde_json::json;

/// Seats, leads and days; `OVERTURE_BENCH_SEATS`, `OVERTURE_BENCH_LEADS` and
/// `OVERTURE_BENCH_DAYS` change them for a quicker look.
/// The allocator the `overture` binary uses.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SEATS: usize = 100;
const LEADS: u32 = 50_000;
const DAYS: i64 = 365;

/// The size of the simulated year.
#[derive(Clone, Copy)]
struct Size {
    seats: usize,
    leads: u32,
    days: i64,
}

impl Size {
    fn from_env() -> Self {
        fn var<T: std::str::FromStr>(name: &str, default: T) -> T {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        }
        Self {
            seats: var("OVERTURE_BENCH_SEATS", SEATS),
            leads: var("OVERTURE_BENCH_LEADS", LEADS),
            days: var("OVERTURE_BENCH_DAYS", DAYS),
        }
    }
}
const SEED: u64 = 7;
const ZONES: [&str; 3] = ["Europe/Paris", "America/New_York", "Asia/Singapore"];

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(year(Size::from_env()));
}

async fn year(size: Size) {
    let Size { seats, leads, days } = size;
    let ws = WorkspaceId::DEFAULT;
    let start: Timestamp = "2026-01-05T00:00:00Z".parse().expect("a valid instant");
    let clock = ManualClock::new(start);
    let mut params = WorldParams::default();
    params.population.people = leads;
    let net = SandboxNetwork::new(params, SEED, Arc::new(clock.clone())).expect("a world");
    let dir = tempfile::tempdir().expect("a temporary directory");
    // Like `overture demo` and `overture simulate`: a scratch database that need not survive a
    // power loss, and that nothing else reads while the simulation runs.
    let options = SqliteOptions {
        scratch: true,
        exclusive: true,
        ..SqliteOptions::default()
    };
    let store = SqliteStore::open(&dir.path().join("year.db"), options)
        .await
        .expect("a store");
    let tiers = [Tier::Free, Tier::Premium, Tier::SalesNavigator];
    let mut names = Vec::new();
    for i in 0..seats {
        let name = format!("seat-{i:03}");
        let tier = tiers[i % tiers.len()];
        net.add_seat(&name, tier, SeatProfile::default())
            .expect("a seat");
        store
            .create_account(NewAccount {
                workspace_id: ws,
                name: name.clone(),
                kind: AccountKind::Sandbox,
                tier,
                time_zone: Zone::parse(ZONES[i % ZONES.len()]).expect("a zone"),
                working_hours: WorkingHours::default(),
                limits: AccountLimits::for_tier(tier),
                governor: Default::default(),
                sender: Default::default(),
                status: AccountStatus::Active,
                created_at: start,
            })
            .await
            .expect("an account");
        names.push(name);
    }
    store
        .import_leads(ws, "prospects", &net.population(), start, &|_| {})
        .await
        .expect("leads");
    let step = |kind: serde_json::Value| json!({ "label": null, "kind": kind });
    let spec = serde_json::from_value(json!({
        "name": "year",
        "accounts": names,
        "leads": { "list": "prospects" },
        "settings": { "stop_on_reply": true, "skip_if_contacted_by_any_campaign": true },
        "steps": [
            step(json!({ "type": "visit_profile" })),
            step(json!({ "type": "invite", "notes": ["Hi {{ first_name }}"],
                         "without_note_if_quota_exhausted": true })),
            step(json!({ "type": "wait_for_acceptance", "within": "14d",
                         "accepted": "next", "not_accepted": "withdraw" })),
            step(json!({ "type": "message", "texts": ["Thanks {{ first_name }}!"] })),
        ],
    }))
    .expect("a campaign spec");
    let version = NewCampaignVersion {
        name: "year".into(),
        source: "year".into(),
        spec,
    };
    let campaign = store
        .apply_campaign(ws, version, start)
        .await
        .expect("a campaign")
        .campaign
        .id;
    let config = EngineConfig {
        seed: SEED,
        ..EngineConfig::default()
    };
    let mut engine = Engine::new(store.clone(), net.channels(), clock.clone(), config);
    engine
        .start_campaign(ws, campaign)
        .await
        .expect("a started campaign");

    // A benchmark measures wall time; the engine itself only sees the manual clock.
    #[allow(clippy::disallowed_methods)]
    let began = std::time::Instant::now();
    let mut actions = 0u64;
    let mut released = 0u64;
    for day in 1..=days {
        let until = start + SignedDuration::from_hours(24 * day);
        let report = engine.run_until(until).await.expect("a simulated day");
        actions += u64::from(report.actions_done + report.actions_failed);
        released += u64::from(report.actions_released);
        if day % 30 == 0 {
            let wall = began.elapsed().as_secs_f64();
            println!("day {day}: {wall:.1} s, {actions} actions");
        }
    }
    let wall = began.elapsed().as_secs_f64();
    let report = metrics(&store, ws, start + SignedDuration::from_hours(24 * days))
        .await
        .expect("a report");
    println!(
        "year: {seats} seats, {leads} leads, {days} days in {wall:.1} s; {actions} actions \
         ({:.0} simulated actions/s); cap violations: {}",
        actions as f64 / wall.max(f64::EPSILON),
        report.totals.cap_violations,
    );
    store.close().await;
    println!("peak resident memory: {}", peak_memory());
    println!("actions put back for later (limits, back-offs): {released}");
}

/// The process's peak resident set size, as Linux reports it (`VmHWM`).
fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .map(|v| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown (no /proc/self/status)".to_owned())
}
