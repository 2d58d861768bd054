//! The table the benchmark prints and the JSON it writes.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value, json};

use crate::db::BoxError;
use crate::latency::{Latency, Load};
use crate::throughput::Run;

/// One system measured.
#[derive(Debug, Clone)]
pub struct Row {
    pub name: String,
    /// How idle workers learn of new work.
    pub wake: String,
    pub throughput: Vec<(usize, Run)>,
    pub latency: Option<Latency>,
}

impl Row {
    pub fn new(name: &str, wake: String) -> Self {
        Self {
            name: name.to_owned(),
            wake,
            throughput: Vec::new(),
            latency: None,
        }
    }
}

#[derive(Debug)]
pub struct Report {
    pub rows: Vec<Row>,
    pub notes: Vec<String>,
    cell: Duration,
    quick: bool,
    load: Load,
    load_before: String,
    load_after: String,
}

impl Report {
    pub fn new(cell: &Duration, quick: bool, load: Load) -> Self {
        Self {
            rows: Vec::new(),
            notes: Vec::new(),
            cell: *cell,
            quick,
            load,
            load_before: load_average(),
            load_after: String::new(),
        }
    }

    /// Notes the machine's load at the end.
    pub fn finish(&mut self) {
        self.load_after = load_average();
    }

    pub fn table(&self) -> String {
        let counts = crate::WORKERS;
        let mut out = String::new();
        let _ = write!(out, "| system | ");
        for n in counts {
            let _ = write!(out, "{n} worker{} | ", if n == 1 { "" } else { "s" });
        }
        let _ = writeln!(out, "pickup p50 | pickup p99 | idle workers wake by |");
        let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---|");
        for row in &self.rows {
            let _ = write!(out, "| {} | ", row.name);
            for n in counts {
                match row.throughput.iter().find(|(w, _)| *w == n) {
                    Some((_, run)) => {
                        let _ = write!(out, "{}/s | ", thousands(run.rate()));
                    }
                    None => out.push_str("– | "),
                }
            }
            match &row.latency {
                Some(l) => {
                    let _ = write!(out, "{:.1} ms | {:.1} ms | ", l.p50_ms, l.p99_ms);
                }
                None => out.push_str("– | – | "),
            }
            let _ = writeln!(out, "{} |", row.wake);
        }
        let _ = writeln!(
            out,
            "\nThroughput: no-op actions of {} accounts claimed (batches of 200) and completed \
             in waves of one action per account (the wave's intents, then its results), at \
             least {} s per cell. Pickup: {} idle workers, {} actions/s queued one at a time \
             for {} s.",
            crate::db::ACCOUNTS,
            self.cell.as_secs_f64(),
            self.load.workers,
            self.load.rate,
            self.load.seconds
        );
        let _ = write!(
            out,
            "Machine: {} cores, load average {} before, {} after{}.",
            cores(),
            self.load_before,
            self.load_after,
            if self.quick { " (quick run)" } else { "" }
        );
        for note in &self.notes {
            let _ = write!(out, "\n{note}");
        }
        out
    }

    fn json(&self) -> Value {
        let rows: Vec<Value> = self
            .rows
            .iter()
            .map(|row| {
                let throughput: Vec<Value> = row
                    .throughput
                    .iter()
                    .map(|(workers, run)| {
                        json!({
                            "workers": workers,
                            "actions": run.done,
                            "seconds": run.elapsed.as_secs_f64(),
                            "per_second": run.rate().round(),
                        })
                    })
                    .collect();
                let latency = row.latency.map(|l| {
                    json!({
                        "workers": self.load.workers,
                        "rate_per_second": self.load.rate,
                        "seconds": self.load.seconds,
                        "p50_ms": l.p50_ms,
                        "p99_ms": l.p99_ms,
                        "max_ms": l.max_ms,
                        "picked_up": l.count,
                        "missed": l.missed,
                    })
                });
                json!({
                    "system": row.name,
                    "wake": row.wake,
                    "throughput": throughput,
                    "latency": latency,
                })
            })
            .collect();
        json!({
            "quick": self.quick,
            "cell_seconds": self.cell.as_secs_f64(),
            "machine": {
                "cores": cores(),
                "load_average_before": self.load_before,
                "load_average_after": self.load_after,
            },
            "rows": rows,
            "notes": self.notes,
        })
    }

    /// Writes the JSON to `queue-bench.json` in the target directory.
    pub fn write(&self) -> Result<PathBuf, BoxError> {
        let path = target_dir()?.join("queue-bench.json");
        std::fs::write(&path, serde_json::to_string_pretty(&self.json())? + "\n")?;
        Ok(path)
    }
}

/// The target directory: the bench runs as `TARGET/release/deps/queue-…`.
fn target_dir() -> Result<PathBuf, BoxError> {
    let exe = std::env::current_exe()?;
    exe.ancestors()
        .nth(3)
        .map(PathBuf::from)
        .ok_or_else(|| format!("no target directory above {}", exe.display()).into())
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(0, usize::from)
}

/// `12345.6` as `12,346`.
fn thousands(n: f64) -> String {
    let digits = format!("{:.0}", n.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
