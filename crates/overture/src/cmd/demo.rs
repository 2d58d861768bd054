//! `overture demo`: a multi-account campaign over weeks of simulated time, in the sandbox.
//!
//! It builds a sandbox world, sandbox accounts, imports part of the world's population as
//! leads, applies the shipped example campaign to every seat, and runs the real engine on a
//! simulated clock as fast as the machine allows. The same seed and arguments give the same
//! report.

use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};
use overture_core::{AccountKind, Tier, WorkspaceId};
use overture_engine::Report;
use overture_sandbox::WorldParams;
use overture_store::Store;
use overture_store_sqlite::{SqliteOptions, SqliteStore};
use serde::Serialize;

use super::Ctx;
use super::sandbox_world::{CampaignFile, SandboxRun, Seat, Setup, internal, read_world};
use crate::cli::DemoArgs;
use crate::error::{CliError, CliResult};
use crate::output::{print_json, table};

/// The demo database when `--db` is not given.
const DEMO_DB: &str = "./overture-demo.db";
/// The campaign the demo runs, shipped with the binary.
const CAMPAIGN: CampaignFile<'static> = CampaignFile {
    name: "founders-q1.yaml",
    text: include_str!("../../../../examples/campaigns/founders-q1.yaml"),
};

const NAMES: [&str; 10] = [
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
];
const TIERS: [Tier; 3] = [Tier::Premium, Tier::Free, Tier::SalesNavigator];

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
        Some(file) => read_world(file)?,
        None => WorldParams::default(),
    };
    let store = fresh_store(&path).await?;
    let setup = Setup {
        params,
        seed: args.seed,
        seats: seats(args.seats),
        leads: args.leads,
        campaign: CAMPAIGN,
        governor: Default::default(),
        start: None,
    };
    let mut sim = SandboxRun::start(store, ctx.settings.workspace(), &setup).await?;

    let bar = if args.json {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(u64::from(args.days))
    };
    bar.set_style(
        ProgressStyle::with_template("simulating {bar:40} day {pos}/{len} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    sim.run_days(args.days, |day| bar.set_position(u64::from(day)))
        .await?;
    bar.finish_and_clear();

    let report = sim.report().await?;
    sim.close().await;
    if args.json {
        return print_json(&demo_report(&args, &report)?);
    }
    print_report(&args, &path, &report);
    Ok(())
}

/// Opens a new, empty demo database at `path`, replacing an earlier demo's. A database that
/// holds anything but sandbox accounts is never replaced.
pub(super) async fn fresh_store(path: &Path) -> CliResult<SqliteStore> {
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

/// The demo's seats: named after [`NAMES`], their tiers taking [`TIERS`] in turn.
pub(super) fn seats(count: u32) -> Vec<Seat> {
    (0..count as usize)
        .map(|i| Seat {
            name: match NAMES.get(i) {
                Some(name) => (*name).to_owned(),
                None => format!("seat-{}", i + 1),
            },
            tier: TIERS[i % TIERS.len()],
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
            seats(args.seats)
                .into_iter()
                .filter(|s| s.tier == Tier::Free)
                .map(|s| s.name)
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
