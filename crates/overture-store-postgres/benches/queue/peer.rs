//! The peer: pgqueuer, a PostgreSQL job queue for Python, measured the same way by
//! `pgqueuer_peer.py` beside this file (run as a subprocess).

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::db::BoxError;
use crate::latency::{Latency, Load};
use crate::report::Row;
use crate::throughput::Run;

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches/queue/pgqueuer_peer.py")
}

/// pgqueuer's version, if `python3` can import it (and asyncpg).
pub fn available() -> Option<String> {
    let out = Command::new("python3")
        .args([
            "-c",
            "import asyncpg, pgqueuer; print(getattr(pgqueuer, '__version__', '?'))",
        ])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Runs the driver against the empty database at `url`.
pub fn run(version: &str, url: &str, cell: &Duration, load: Load) -> Result<Row, BoxError> {
    let out = Command::new("python3")
        .arg(script())
        .args(["--url", url])
        .args(["--workers", "1,4,8,16"])
        .args(["--seconds", &cell.as_secs_f64().to_string()])
        .args(["--latency-workers", &load.workers.to_string()])
        .args(["--rate", &load.rate.to_string()])
        .args(["--latency-seconds", &load.seconds.to_string()])
        .stderr(std::process::Stdio::inherit())
        .output()?;
    if !out.status.success() {
        return Err(format!("the pgqueuer driver failed ({})", out.status).into());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let last = text.lines().last().unwrap_or_default();
    let found: Value = serde_json::from_str(last)
        .map_err(|e| format!("the pgqueuer driver printed no JSON result ({e}): {last}"))?;
    let wake = found["wake"].as_str().unwrap_or("LISTEN/NOTIFY").to_owned();
    let mut row = Row::new(&format!("pgqueuer {version} (PostgreSQL)"), wake);
    for cell in found["throughput"].as_array().into_iter().flatten() {
        let workers = cell["workers"].as_u64().unwrap_or(0) as usize;
        row.throughput.push((
            workers,
            Run {
                done: cell["jobs"].as_u64().unwrap_or(0),
                elapsed: Duration::from_secs_f64(cell["seconds"].as_f64().unwrap_or(0.0)),
                drained: false,
            },
        ));
    }
    let l = &found["latency"];
    row.latency = Some(Latency {
        p50_ms: l["p50_ms"].as_f64().unwrap_or(f64::NAN),
        p99_ms: l["p99_ms"].as_f64().unwrap_or(f64::NAN),
        max_ms: l["max_ms"].as_f64().unwrap_or(f64::NAN),
        count: l["count"].as_u64().unwrap_or(0) as usize,
        missed: l["missed"].as_u64().unwrap_or(0) as usize,
    });
    Ok(row)
}
