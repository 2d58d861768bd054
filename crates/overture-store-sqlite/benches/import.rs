//! Times importing 1,000,000 fictional leads into a fresh SQLite file, then re-importing them
//! (all unchanged). Run with `cargo bench -p overture-store-sqlite`.

use std::future::Future;
use std::process::ExitCode;
use std::time::Duration;

use jiff::Timestamp;
use overture_core::{NewLead, ProfileUrl, WorkspaceId};
use overture_store::{ImportOutcome, Store};
use overture_store_sqlite::{SqliteOptions, SqliteStore};

/// How many leads, unless `OVERTURE_BENCH_LEADS` says otherwise.
const LEADS: u64 = 1_000_000;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("import bench failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let count = match std::env::var("OVERTURE_BENCH_LEADS") {
        Ok(n) => n.parse()?,
        Err(_) => LEADS,
    };
    let leads = (0..count).map(bench_lead).collect::<Result<Vec<_>, _>>()?;
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("bench.db");
    runtime.block_on(async {
        let store = SqliteStore::open(&path, SqliteOptions::default()).await?;
        let now = Timestamp::from_second(1_788_220_800)?;
        let ws = WorkspaceId::DEFAULT;
        let (outcome, took) = timed(store.import_leads(ws, "bench", &leads, now, &|_| {})).await;
        report("import (all new)", leads.len(), outcome?, took);
        let (outcome, took) = timed(store.import_leads(ws, "bench", &leads, now, &|_| {})).await;
        report("re-import (all unchanged)", leads.len(), outcome?, took);
        store.close().await;
        Ok::<_, Box<dyn std::error::Error>>(())
    })?;
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!("database file: {:.1} MB", size as f64 / 1e6);
    Ok(())
}

/// A fictional, deterministic lead.
fn bench_lead(i: u64) -> Result<NewLead, overture_core::ProfileUrlError> {
    let mut lead = NewLead::new(ProfileUrl::parse(&format!(
        "https://www.linkedin.com/in/bench-lead-{i}"
    ))?);
    lead.first_name = Some(format!("Lead{i}"));
    lead.last_name = Some("Example".to_owned());
    lead.company = Some(format!("Company {}", i % 5_000));
    lead.position = Some("Head of Examples".to_owned());
    lead.email = Some(format!("lead{i}@example.com"));
    lead.custom.insert("source".to_owned(), "bench".to_owned());
    lead.custom
        .insert("segment".to_owned(), format!("s{}", i % 7));
    Ok(lead)
}

/// Runs `work` and measures its wall time.
// Benchmarks measure wall time by design; nothing else in the workspace reads the clock.
#[allow(clippy::disallowed_methods)]
async fn timed<T>(work: impl Future<Output = T>) -> (T, Duration) {
    let start = std::time::Instant::now();
    let out = work.await;
    (out, start.elapsed())
}

fn report(what: &str, count: usize, outcome: ImportOutcome, took: Duration) {
    let secs = took.as_secs_f64();
    println!(
        "{what}: {count} leads in {secs:.2} s = {:.0} leads/s ({outcome:?})",
        count as f64 / secs
    );
}
