//! The queue benchmark: claim-and-complete throughput of no-op actions with 1, 4, 8 and 16
//! workers, and enqueue-to-pickup latency, on SQLite and PostgreSQL, beside pgqueuer (a
//! PostgreSQL job queue for Python) on the same server when it is installed.
//!
//! `cargo bench -p overture-store-postgres --bench queue` prints one table and writes it as
//! JSON to `target/queue-bench.json`. After `--`: `--quick` for short cells, `--only sqlite`
//! (or `postgres`, `peer`) for one system, `--workers 4,8` for some of the worker counts,
//! `--async-commit` to measure PostgreSQL without waiting for the disk at commit as well. PostgreSQL is the server
//! `OVERTURE_BENCH_POSTGRES_URL` names (default `postgres://postgres@127.0.0.1:5432/postgres`);
//! each measurement runs in a database of its own, created and dropped here. See
//! `docs/scaling.md` for how to read the figures.

// A benchmark reads the wall clock and sleeps on it.
#![allow(clippy::disallowed_methods)]

mod db;
mod latency;
mod peer;
mod report;
mod throughput;

use std::process::ExitCode;
use std::time::Duration;

use db::{BoxError, Db, PgDb, SqliteDb};
use latency::{Latency, Load, Wake};
use report::{Report, Row};
use throughput::Run;

const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";
/// The worker counts of the throughput cells, and the table's columns.
pub const WORKERS: [usize; 4] = [1, 4, 8, 16];
/// Idle workers in the latency measurement.
const IDLE_WORKERS: usize = 4;
/// How long an idle worker waits between two empty claims.
const POLL: Duration = Duration::from_millis(100);

/// What to run, from the command line (`--quick`, `--only NAME`) and the environment.
#[derive(Debug, Clone)]
struct Settings {
    quick: bool,
    /// Also measure PostgreSQL without waiting for the disk at commit (`--async-commit`).
    async_commit: bool,
    only: Option<String>,
    /// The worker counts of the throughput cells (`--workers 4,8`; all of [`WORKERS`] by default).
    workers: Vec<usize>,
    url: String,
    /// The least time a throughput cell runs for.
    cell: Duration,
    load: Load,
}

impl Settings {
    fn from_args() -> Result<Self, BoxError> {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let quick = args.iter().any(|a| a == "--quick")
            || std::env::var("OVERTURE_BENCH_QUICK").is_ok_and(|v| v == "1");
        let async_commit = args.iter().any(|a| a == "--async-commit");
        let only = args
            .iter()
            .position(|a| a == "--only")
            .and_then(|i| args.get(i + 1).cloned());
        let workers = match args.iter().position(|a| a == "--workers") {
            None => WORKERS.to_vec(),
            Some(i) => worker_counts(args.get(i + 1).map_or("", String::as_str))?,
        };
        let url = std::env::var("OVERTURE_BENCH_POSTGRES_URL").unwrap_or(DEFAULT_URL.into());
        let (cell, rate, seconds) = if quick {
            (Duration::from_secs(1), 20, 3)
        } else {
            (Duration::from_secs(5), 50, 10)
        };
        let load = Load {
            workers: IDLE_WORKERS,
            rate,
            seconds,
            poll: POLL,
            wake: Wake::Poll,
        };
        Ok(Self {
            quick,
            async_commit,
            only,
            workers,
            url,
            cell,
            load,
        })
    }

    fn runs(&self, what: &str) -> bool {
        self.only.as_deref().is_none_or(|o| o == what)
    }
}

/// The worker counts `--workers` names, e.g. `4,8`: each one of [`WORKERS`].
fn worker_counts(list: &str) -> Result<Vec<usize>, BoxError> {
    let counts = list
        .split(',')
        .map(|n| match n.trim().parse() {
            Ok(n) if WORKERS.contains(&n) => Ok(n),
            _ => Err(format!(
                "--workers: `{n}` is not one of {WORKERS:?}, e.g. `--workers 4,8`"
            )),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(counts)
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("queue bench failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), BoxError> {
    let settings = Settings::from_args()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let mut report = Report::new(&settings.cell, settings.quick, settings.load);
    if settings.runs("sqlite") {
        let row = measure_store(
            "SQLite (WAL)",
            &settings,
            SqliteDb::fresh,
            |_| Ok(()),
            &runtime,
        )?;
        report.rows.push(row);
    }
    if settings.runs("postgres") {
        let probe = runtime.block_on(async {
            let db = PgDb::fresh(&settings.url, false).await?;
            let took = db.commit_latency().await;
            db.drop_database().await?;
            took
        })?;
        report.notes.push(format!(
            "PostgreSQL commit of one row (waiting for the disk): {:.2} ms (median of 200); a \
             wave of actions takes two commits (its intents, then its results).",
            probe.as_secs_f64() * 1e3
        ));
        let drop = |db: &PgDb| runtime.block_on(db.drop_database());
        let fresh = || runtime.block_on(PgDb::fresh(&settings.url, false));
        let row = measure_store("PostgreSQL", &settings, fresh, drop, &runtime)?;
        report.rows.push(row);
        // The same store, its idle workers waiting on LISTEN/NOTIFY (`work_queued`).
        let load = Load {
            wake: Wake::Notify,
            ..settings.load
        };
        let db = fresh()?;
        let latency = latency::run(&runtime, &db, load);
        drop(&db)?;
        let latency = latency?;
        eprintln!("PostgreSQL, latency with LISTEN/NOTIFY: {latency:?}");
        let wake = format!("LISTEN/NOTIFY (poll {} ms at the latest)", POLL.as_millis());
        let mut row = Row::new("PostgreSQL, LISTEN/NOTIFY", wake);
        row.latency = Some(latency);
        report.rows.push(row);
        if settings.async_commit {
            let fresh = || runtime.block_on(PgDb::fresh(&settings.url, true));
            let name = "PostgreSQL, synchronous_commit off (not durable)";
            let row = measure_store(name, &settings, fresh, drop, &runtime)?;
            report.rows.push(row);
        }
    }
    if settings.runs("peer") {
        match peer::available() {
            None => report
                .notes
                .push("peer: not installed (pip install pgqueuer asyncpg)".into()),
            Some(version) => {
                let db = runtime.block_on(PgDb::fresh(&settings.url, false))?;
                let row = peer::run(&version, &db.url, &settings.cell, settings.load);
                runtime.block_on(db.drop_database())?;
                report.rows.push(row?);
            }
        }
    }
    report.finish();
    println!("{}", report.table());
    let path = report.write()?;
    println!("written to {}", path.display());
    Ok(())
}

/// Throughput at each worker count and the latency, each in a fresh database.
fn measure_store<D: Db>(
    name: &str,
    settings: &Settings,
    fresh: impl Fn() -> Result<D, BoxError>,
    drop: impl Fn(&D) -> Result<(), BoxError>,
    runtime: &tokio::runtime::Runtime,
) -> Result<Row, BoxError> {
    let mut row = Row::new(name, format!("poll {} ms", POLL.as_millis()));
    // A first guess of the actions a cell needs; each cell tells the next one.
    let mut seed = if settings.quick { 2_000 } else { 20_000 };
    for &workers in &settings.workers {
        let mut failures = 0;
        let run = loop {
            let db = fresh()?;
            let run = throughput::run(runtime, &db, workers, seed, settings.cell);
            drop(&db)?;
            // The server is shared: a refused connection (too many clients) is worth a retry.
            let run = match run {
                Ok(run) => run,
                Err(e) if failures < 2 => {
                    failures += 1;
                    eprintln!("{name}, {workers} workers failed ({e}); again");
                    std::thread::sleep(Duration::from_secs(2));
                    continue;
                }
                Err(e) => return Err(e),
            };
            let wanted = (run.rate() * settings.cell.as_secs_f64() * 1.5) as u64;
            seed = seed.max(wanted);
            // A queue that ran dry early measured the start more than the steady state.
            if !run.drained || run.elapsed >= settings.cell.mul_f64(0.8) {
                break run;
            }
            eprintln!("{name}, {workers} workers: the queue ran dry, again with {seed} actions");
        };
        eprintln!("{name}, {workers} workers: {}", describe(&run));
        row.throughput.push((workers, run));
    }
    let db = fresh()?;
    let latency = latency::run(runtime, &db, settings.load);
    drop(&db)?;
    let latency: Latency = latency?;
    eprintln!("{name}, latency: {latency:?}");
    row.latency = Some(latency);
    Ok(row)
}

fn describe(run: &Run) -> String {
    format!(
        "{} actions in {:.2} s: {:.0}/s",
        run.done,
        run.elapsed.as_secs_f64(),
        run.rate()
    )
}
