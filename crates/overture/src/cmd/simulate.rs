//! `overture simulate`: the same seeded sandbox worlds run under each withdrawal policy, and a
//! table that compares what each policy got.
//!
//! A run is one (policy, seed) pair: a fresh world from the seed, the campaign on every seat,
//! the seats' governor set to the policy, and the real engine over the simulated days, on a
//! throwaway SQLite file. Runs are independent, so they go on as many threads as `--jobs`
//! says. The same arguments give the same table.

mod policy;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use indicatif::{ProgressBar, ProgressStyle};
use overture_engine::Report;
use overture_sandbox::WorldParams;
use overture_store_sqlite::{SqliteOptions, SqliteStore};
use serde::Serialize;

use self::policy::NamedPolicy;
use super::Ctx;
use super::sandbox_world::{CampaignFile, SandboxRun, Seat, Setup, internal, read_world};
use crate::cli::SimulateArgs;
use crate::error::{CliError, CliResult};
use crate::output::{print_json, table};

/// What one run counted.
#[derive(Debug, Clone, Copy, Default, Serialize)]
struct RunOutcome {
    seed: u64,
    accepted_per_seat_week: f64,
    invites: u64,
    accepted: u64,
    /// Accepted of the invitations sent (0 without invitations).
    acceptance_rate: f64,
    withdrawals: u64,
    /// The most invitations one seat had pending at once.
    max_pending: u64,
    restrictions: u64,
    cap_violations: u64,
}

/// One policy's line of the comparison.
#[derive(Debug, Serialize)]
struct PolicySummary {
    policy: String,
    /// Mean over the seeds.
    accepted_per_seat_week: f64,
    /// Standard deviation over the seeds.
    accepted_per_seat_week_spread: f64,
    /// Lowest and highest over the seeds.
    accepted_per_seat_week_min: f64,
    accepted_per_seat_week_max: f64,
    /// Means per run.
    invites: f64,
    accepted: f64,
    withdrawals: f64,
    /// Accepted of the invitations sent, mean per run.
    acceptance_rate: f64,
    /// The most any seat had pending at once, over every run.
    max_pending: u64,
    /// Totals over every run.
    restrictions: u64,
    cap_violations: u64,
    /// The governor settings the policy ran with.
    settings: overture_core::governor::Policy,
    runs: Vec<RunOutcome>,
}

/// What `overture simulate --json` prints.
#[derive(Debug, Serialize)]
struct SimulateReport {
    campaign: String,
    world: Option<String>,
    seats: u32,
    leads: u32,
    days: u32,
    seeds: Vec<u64>,
    policies: Vec<PolicySummary>,
}

pub async fn run(ctx: &Ctx, args: SimulateArgs) -> CliResult {
    let policies = policy::parse_all(&args.policies)?;
    let params = match &args.world {
        Some(file) => read_world(file)?,
        None => WorldParams::default(),
    };
    let text = std::fs::read_to_string(&args.campaign)
        .map_err(|e| CliError::input(format!("cannot read {}: {e}", args.campaign.display())))?;
    let name = args.campaign.display().to_string();
    let campaign = CampaignFile {
        name: &name,
        text: &text,
    };
    let seats = seats(args.seats);
    let leads = args
        .leads
        .unwrap_or_else(|| enough_leads(args.seats, args.days));
    // Every mistake in the campaign is reported before anything runs.
    campaign.parse(&seats)?;

    let seeds: Vec<u64> = (0..u64::from(args.seeds))
        .map(|i| args.first_seed.wrapping_add(i))
        .collect();
    let jobs: Vec<(usize, u64)> = (0..policies.len())
        .flat_map(|p| seeds.iter().map(move |&seed| (p, seed)))
        .collect();
    let bar = if args.json {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(jobs.len() as u64)
    };
    bar.set_style(
        ProgressStyle::with_template("simulating {bar:40} run {pos}/{len} ({elapsed}, {eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let threads = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, usize::from),
        |j| j as usize,
    );
    let scratch = Scratch::new()?;
    let runner = Runner {
        ctx,
        args: &args,
        leads,
        params: &params,
        campaign,
        seats: &seats,
        policies: &policies,
        scratch: &scratch,
    };
    let outcomes = tokio::task::block_in_place(|| runner.run_all(&jobs, threads, &bar))?;
    bar.finish_and_clear();

    let report = SimulateReport {
        campaign: name.clone(),
        world: args.world.as_ref().map(|w| w.display().to_string()),
        seats: args.seats,
        leads,
        days: args.days,
        seeds: seeds.clone(),
        policies: policies
            .iter()
            .enumerate()
            .map(|(i, p)| summarize(p, outcomes[i].clone()))
            .collect(),
    };
    if args.json {
        return print_json(&report);
    }
    print_table(&report);
    Ok(())
}

/// Leads enough that no seat runs out: 130 a week each, more than any tier's weekly
/// invitations.
fn enough_leads(seats: u32, days: u32) -> u32 {
    let weeks = days.div_ceil(7);
    seats
        .saturating_mul(weeks)
        .saturating_mul(130)
        .min(1_000_000)
}

/// The simulated seats: `seat-1`, `seat-2`, … on Premium.
fn seats(count: u32) -> Vec<Seat> {
    (1..=count)
        .map(|i| Seat {
            name: format!("seat-{i}"),
            tier: overture_core::Tier::Premium,
        })
        .collect()
}

/// What every run shares.
struct Runner<'a> {
    ctx: &'a Ctx,
    args: &'a SimulateArgs,
    leads: u32,
    params: &'a WorldParams,
    campaign: CampaignFile<'a>,
    seats: &'a [Seat],
    policies: &'a [NamedPolicy],
    scratch: &'a Scratch,
}

impl Runner<'_> {
    /// Runs every (policy index, seed) job on `threads` threads, each with its own runtime;
    /// returns each policy's outcomes in seed order.
    fn run_all(
        &self,
        jobs: &[(usize, u64)],
        threads: usize,
        bar: &ProgressBar,
    ) -> CliResult<Vec<Vec<RunOutcome>>> {
        let next = AtomicUsize::new(0);
        let results: Mutex<Vec<Option<RunOutcome>>> = Mutex::new(vec![None; jobs.len()]);
        let failure: Mutex<Option<CliError>> = Mutex::new(None);
        std::thread::scope(|scope| {
            for _ in 0..threads.clamp(1, jobs.len().max(1)) {
                scope.spawn(|| {
                    let runtime = match tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    {
                        Ok(rt) => rt,
                        Err(e) => {
                            fail(&failure, internal(e));
                            return;
                        }
                    };
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&(policy, seed)) = jobs.get(i) else {
                            break;
                        };
                        if lock(&failure).is_some() {
                            break;
                        }
                        match runtime.block_on(self.run_one(i, policy, seed)) {
                            Ok(outcome) => {
                                lock(&results)[i] = Some(outcome);
                                bar.inc(1);
                            }
                            Err(e) => {
                                fail(&failure, e);
                                break;
                            }
                        }
                    }
                });
            }
        });
        if let Some(e) = lock(&failure).take() {
            return Err(e);
        }
        let results = std::mem::take(&mut *lock(&results));
        let mut by_policy = vec![Vec::new(); self.policies.len()];
        for (&(policy, _), outcome) in jobs.iter().zip(results) {
            by_policy[policy].push(outcome.ok_or_else(|| internal("a run did not finish"))?);
        }
        Ok(by_policy)
    }

    /// One world under one policy.
    async fn run_one(&self, job: usize, policy: usize, seed: u64) -> CliResult<RunOutcome> {
        let path = self.scratch.file(job);
        // The database is thrown away after the run: it need not survive a power loss, and
        // nothing else reads it.
        let options = SqliteOptions {
            scratch: true,
            exclusive: true,
            ..SqliteOptions::default()
        };
        let store = SqliteStore::open(&path, options).await?;
        let setup = Setup {
            params: self.params.clone(),
            seed,
            seats: self.seats.to_vec(),
            leads: self.leads,
            campaign: self.campaign,
            governor: self.policies[policy].policy,
            start: None,
        };
        let mut sim = SandboxRun::start(store, self.ctx.settings.workspace(), &setup).await?;
        sim.run_days(self.args.days, |_| {}).await?;
        let report = sim.report().await?;
        sim.close().await;
        Scratch::remove(&path);
        Ok(outcome(seed, self.args, &report))
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Keeps the first failure.
fn fail(slot: &Mutex<Option<CliError>>, e: CliError) {
    lock(slot).get_or_insert(e);
}

fn outcome(seed: u64, args: &SimulateArgs, report: &Report) -> RunOutcome {
    let t = &report.totals;
    let seat_weeks = f64::from(args.seats) * f64::from(args.days) / 7.0;
    RunOutcome {
        seed,
        accepted_per_seat_week: t.invites_accepted as f64 / seat_weeks,
        invites: t.invites_sent,
        accepted: t.invites_accepted,
        acceptance_rate: t.acceptance_rate,
        withdrawals: t.invites_withdrawn,
        max_pending: report
            .accounts
            .iter()
            .map(|a| a.counts.max_pending)
            .max()
            .unwrap_or(0),
        restrictions: t.restrictions,
        cap_violations: t.cap_violations,
    }
}

fn summarize(policy: &NamedPolicy, runs: Vec<RunOutcome>) -> PolicySummary {
    let n = runs.len().max(1) as f64;
    let mean = |f: fn(&RunOutcome) -> f64| runs.iter().map(f).sum::<f64>() / n;
    let rate = mean(|r| r.accepted_per_seat_week);
    let variance = runs
        .iter()
        .map(|r| (r.accepted_per_seat_week - rate).powi(2))
        .sum::<f64>()
        / (n - 1.0).max(1.0);
    let rates = || runs.iter().map(|r| r.accepted_per_seat_week);
    PolicySummary {
        policy: policy.name.clone(),
        accepted_per_seat_week: rate,
        accepted_per_seat_week_spread: variance.sqrt(),
        accepted_per_seat_week_min: rates().fold(f64::INFINITY, f64::min),
        accepted_per_seat_week_max: rates().fold(f64::NEG_INFINITY, f64::max),
        invites: mean(|r| r.invites as f64),
        accepted: mean(|r| r.accepted as f64),
        withdrawals: mean(|r| r.withdrawals as f64),
        acceptance_rate: mean(|r| r.acceptance_rate),
        max_pending: runs.iter().map(|r| r.max_pending).max().unwrap_or(0),
        restrictions: runs.iter().map(|r| r.restrictions).sum(),
        cap_violations: runs.iter().map(|r| r.cap_violations).sum(),
        settings: policy.policy,
        runs,
    }
}

fn print_table(r: &SimulateReport) {
    println!(
        "{} seed(s) of {} ({} Premium seat(s), {} lead(s), {} simulated day(s)), campaign {}",
        r.seeds.len(),
        r.world.as_deref().unwrap_or("the default world"),
        r.seats,
        r.leads,
        r.days,
        r.campaign
    );
    let best = r
        .policies
        .iter()
        .map(|p| p.accepted_per_seat_week)
        .fold(f64::NEG_INFINITY, f64::max);
    let mut t = table([
        "policy",
        "accepted / seat / week",
        "spread",
        "invites",
        "accepted",
        "acceptance",
        "withdrawals",
        "max pending",
        "restrictions",
        "cap violations",
    ]);
    for p in &r.policies {
        let mark = if p.accepted_per_seat_week >= best {
            " *"
        } else {
            ""
        };
        t.add_row([
            p.policy.clone(),
            format!("{:.2}{mark}", p.accepted_per_seat_week),
            format!("±{:.2}", p.accepted_per_seat_week_spread),
            format!("{:.0}", p.invites),
            format!("{:.0}", p.accepted),
            format!("{:.1}%", p.acceptance_rate * 100.0),
            format!("{:.0}", p.withdrawals),
            p.max_pending.to_string(),
            p.restrictions.to_string(),
            p.cap_violations.to_string(),
        ]);
    }
    println!("{t}");
    println!(
        "Means per run over the seeds; spread is the standard deviation; acceptance is accepted of\n\
         sent; max pending is the most one seat had pending at once; restrictions and cap\n\
         violations are totals. * marks the best."
    );
}

/// A private directory for the runs' throwaway databases, removed when dropped.
struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new() -> CliResult<Self> {
        let dir = std::env::temp_dir().join(format!("overture-simulate-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| {
            CliError::input(format!(
                "cannot create {} for the simulations' databases: {e} (set TMPDIR to another directory)",
                dir.display()
            ))
        })?;
        Ok(Self { dir })
    }

    fn file(&self, job: usize) -> PathBuf {
        self.dir.join(format!("run-{job}.db"))
    }

    fn remove(path: &Path) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
