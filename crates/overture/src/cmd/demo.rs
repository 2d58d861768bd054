//! `overture demo`: a multi-account campaign over weeks of simulated time, in the sandbox.
//!
//! It builds a sandbox world, sandbox accounts, imports part of the world's population as
//! leads, applies the shipped example campaign to every seat, and runs the real engine on a
//! simulated clock as fast as the machine allows. The same seed and arguments give the same
//! report.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};
use jiff::{SignedDuration, Timestamp};
use overture_campaign::{ValidationContext, parse_campaign};
use overture_clock::{Clock, ManualClock};
use overture_core::account::Zone;
use overture_core::limits::AccountLimits;
use overture_core::sequence::LeadSource;
use overture_core::working_hours::WorkingHours;
use overture_core::{AccountKind, AccountStatus, NewAccount, Tier, WorkspaceId};
use overture_engine::{Engine, EngineConfig, Report, metrics};
use overture_sandbox::{SandboxNetwork, SeatProfile, WorldParams};
use overture_store::{NewCampaignVersion, Store};
use overture_store_sqlite::{SqliteOptions, SqliteStore};
use serde::Serialize;

use super::Ctx;
use crate::cli::DemoArgs;
use crate::error::{CliError, CliResult};
use crate::output::{print_json, table};

/// The demo database when `--db` is not given.
const DEMO_DB: &str = "./overture-demo.db";
/// The campaign the demo runs, shipped with the binary.
const CAMPAIGN: &str = include_str!("../../../../examples/campaigns/founders-q1.yaml");
/// The first simulated instant: a Monday morning before anyone's working hours.
const START: &str = "2026-01-05T05:00:00Z";
/// The list the demo's leads go on.
const LIST: &str = "founders";

const NAMES: [&str; 10] = [
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
];
const TIERS: [Tier; 3] = [Tier::Premium, Tier::Free, Tier::SalesNavigator];
const ZONES: [&str; 4] = [
    "Europe/Berlin",
    "America/New_York",
    "Europe/London",
    "America/Los_Angeles",
];

/// What `overture demo --json` prints.
#[derive(Debug, Serialize)]
struct DemoReport {
    seed: u64,
    days: u32,
    seats: u32,
    leads: u32,
    accounts: Vec<serde_json::Value>,
    totals: serde_json::Value,
}

pub async fn run(ctx: &Ctx, db: Option<&str>, args: DemoArgs) -> CliResult {
    let path = PathBuf::from(db.unwrap_or(DEMO_DB));
    let params = match &args.world {
        Some(file) => {
            let text = std::fs::read_to_string(file)
                .map_err(|e| CliError::input(format!("cannot read {}: {e}", file.display())))?;
            WorldParams::from_toml_str(&text)
                .map_err(|e| CliError::input(format!("{}: {e}", file.display())))?
        }
        None => WorldParams::default(),
    };
    let store = fresh_store(&path).await?;
    let ws = ctx.settings.workspace();
    // The start is a constant so that the same seed gives the same report.
    let start: Timestamp = START.parse().map_err(internal)?;
    let clock = ManualClock::new(start);

    let mut params = params;
    params.population.people = params.population.people.max(args.leads);
    let network = SandboxNetwork::new(params, args.seed, Arc::new(clock.clone()))
        .map_err(|e| CliError::input(format!("world parameters: {e}")))?;

    let names = seat_names(args.seats);
    let mut context = ValidationContext::default();
    // The shipped campaign names alice and bob; they validate it as premium seats.
    for name in ["alice", "bob"] {
        context.accounts.insert(name.to_owned(), Tier::Premium);
    }
    for (i, name) in names.iter().enumerate() {
        let tier = TIERS[i % TIERS.len()];
        network
            .add_seat(name, tier, SeatProfile::default())
            .map_err(internal)?;
        let time_zone = Zone::parse(ZONES[i % ZONES.len()]).map_err(internal)?;
        store
            .create_account(NewAccount {
                workspace_id: ws,
                name: name.clone(),
                kind: AccountKind::Sandbox,
                tier,
                time_zone,
                working_hours: WorkingHours::default(),
                limits: AccountLimits::for_tier(tier),
                governor: Default::default(),

                status: AccountStatus::Active,
                created_at: start,
            })
            .await?;
        context.accounts.insert(name.clone(), tier);
    }

    let leads: Vec<_> = network
        .population()
        .into_iter()
        .take(args.leads as usize)
        .collect();
    store.import_leads(ws, LIST, &leads, start, &|_| {}).await?;

    let mut spec = parse_campaign("founders-q1.yaml", CAMPAIGN, &context).map_err(|problems| {
        internal(format!(
            "the shipped campaign does not validate: {}",
            problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        ))
    })?;
    spec.accounts = names.clone();
    spec.leads = LeadSource::List(LIST.to_owned());
    let source = format!(
        "# The shipped founders-q1 campaign, run by the demo with senders: {}\n{CAMPAIGN}",
        names.join(", ")
    );
    let applied = store
        .apply_campaign(
            ws,
            NewCampaignVersion {
                name: spec.name.clone(),
                source,
                spec,
            },
            start,
        )
        .await?;

    let config = EngineConfig {
        seed: args.seed,
        ..EngineConfig::default()
    };
    let mut engine = Engine::new(store, network.channels(), clock.clone(), config);
    engine
        .start_campaign(ws, applied.campaign.id)
        .await
        .map_err(internal)?;

    let bar = if args.json {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(u64::from(args.days))
    };
    bar.set_style(
        ProgressStyle::with_template("simulating {bar:40} day {pos}/{len} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    for day in 1..=i64::from(args.days) {
        let until = start
            .checked_add(SignedDuration::from_hours(24 * day))
            .map_err(internal)?;
        engine.run_until(until).await.map_err(internal)?;
        bar.set_position(day as u64);
    }
    bar.finish_and_clear();

    let report = metrics(engine.store(), ws, clock.now())
        .await
        .map_err(internal)?;
    // Folds the write-ahead log into the file, so the database is one file again.
    engine.store().close().await;
    if args.json {
        return print_json(&demo_report(&args, &report)?);
    }
    print_report(&args, &path, &report);
    Ok(())
}

/// Opens a new, empty demo database at `path`, replacing an earlier demo's. A database that
/// holds anything but sandbox accounts is never replaced.
async fn fresh_store(path: &Path) -> CliResult<SqliteStore> {
    if path.exists() {
        let existing = SqliteStore::open(path, SqliteOptions::default()).await?;
        let real = existing
            .list_workspaces()
            .await?
            .into_iter()
            .map(|w| w.id)
            .collect::<Vec<WorkspaceId>>();
        for ws in real {
            if existing
                .list_accounts(ws)
                .await?
                .iter()
                .any(|a| a.kind != AccountKind::Sandbox)
            {
                return Err(CliError::input(format!(
                    "{} holds real accounts; the demo replaces its database, so pass another --db",
                    path.display()
                )));
            }
        }
        existing.close().await;
    }
    for suffix in ["", "-wal", "-shm"] {
        let file = PathBuf::from(format!("{}{suffix}", path.display()));
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(CliError::input(format!(
                    "cannot replace {}: {e}",
                    file.display()
                )));
            }
        }
    }
    // The demo's database is replaced on each run: it need not survive a power loss.
    let options = SqliteOptions {
        scratch: true,
        ..SqliteOptions::default()
    };
    Ok(SqliteStore::open(path, options).await?)
}

fn seat_names(seats: u32) -> Vec<String> {
    (0..seats as usize)
        .map(|i| match NAMES.get(i) {
            Some(name) => (*name).to_owned(),
            None => format!("seat-{}", i + 1),
        })
        .collect()
}

fn demo_report(args: &DemoArgs, report: &Report) -> CliResult<DemoReport> {
    Ok(DemoReport {
        seed: args.seed,
        days: args.days,
        seats: args.seats,
        leads: args.leads,
        accounts: report
            .accounts
            .iter()
            .map(|a| serde_json::to_value(a).map_err(internal))
            .collect::<CliResult<_>>()?,
        totals: serde_json::to_value(&report.totals).map_err(internal)?,
    })
}

fn print_report(args: &DemoArgs, path: &Path, report: &Report) {
    println!(
        "{} seat(s), {} lead(s), {} simulated day(s), seed {}",
        args.seats, args.leads, args.days, args.seed
    );
    let mut t = table([
        "account",
        "invites",
        "accepted",
        "rate",
        "withdrawn",
        "pending",
        "max pending",
        "messages",
        "replies",
        "restrictions",
        "cap violations",
    ]);
    let rows = report
        .accounts
        .iter()
        .map(|a| (a.name.as_str(), &a.counts))
        .chain(std::iter::once(("total", &report.totals)));
    for (name, c) in rows {
        t.add_row([
            name.to_owned(),
            c.invites_sent.to_string(),
            c.invites_accepted.to_string(),
            format!("{:.1}%", c.acceptance_rate * 100.0),
            c.invites_withdrawn.to_string(),
            c.invites_pending.to_string(),
            c.max_pending.to_string(),
            c.messages_sent.to_string(),
            c.replies.to_string(),
            c.restrictions.to_string(),
            c.cap_violations.to_string(),
        ]);
    }
    println!("{t}");
    if args.seats >= 2 {
        println!(
            "Free seats ({}) may attach a note to 5 invitations per 30 days; the campaign never drops a\n\
             note (without_note_if_quota_exhausted: false), so their invitations wait for the quota.",
            seat_names(args.seats)
                .iter()
                .enumerate()
                .filter(|(i, _)| TIERS[i % TIERS.len()] == Tier::Free)
                .map(|(_, n)| n.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    println!(
        "Explore it: overture --db {} status --at {}",
        path.display(),
        report.at
    );
}

fn internal(e: impl std::fmt::Display) -> CliError {
    CliError::Internal(anyhow::anyhow!("{e}"))
}
