//! `overture export analyze|import`: the user's own LinkedIn data export, read without any
//! automation. `analyze` reports on it (text, JSON, an HTML page, a CSV of withdrawals to do by
//! hand) and changes nothing; `import` stores it as an account's history.
//!
//! Reading and analysing are pure (`overture_import::export`); this module resolves "now" and
//! the time zone, and writes the files asked for.

mod html;
mod import;
mod report;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use jiff::Timestamp;
use overture_core::account::Zone;
use overture_import::export::{
    Analysis, AnalysisOptions, ExportFiles, LinkedInExport, analyze, parse_export,
    write_withdraw_list,
};

use super::Ctx;
use crate::cli::{ExportAnalyze, ExportCommand};
use crate::error::{CliError, CliResult};
use crate::output::{self, print_json};

pub async fn run(ctx: &Ctx, command: ExportCommand) -> CliResult {
    match command {
        ExportCommand::Analyze(args) => analyze_command(ctx, &args),
        ExportCommand::Import(args) => import::run(ctx, args).await,
    }
}

fn analyze_command(ctx: &Ctx, args: &ExportAnalyze) -> CliResult {
    let now = match &args.now {
        Some(text) => output::instant("--now", text)?,
        None => ctx.now(),
    };
    let zone = match &args.tz {
        Some(name) => zone_named(name)?,
        None => system_zone(),
    };
    let export = read_export(&args.path, &zone)?;
    let options = AnalysisOptions {
        withdraw_after_days: args.withdraw_older_than,
        ..AnalysisOptions::default()
    };
    let analysis = analyze(&export, now, &zone, &options);
    let mut written = Vec::new();
    if let Some(path) = &args.withdraw_list {
        write_file(path, |out| {
            write_withdraw_list(&analysis.recommended_withdrawals, zone.tz(), out)
        })?;
        written.push(format!(
            "Wrote the {} recommended withdrawal(s) to {}.",
            analysis.recommended_withdrawals.len(),
            path.display()
        ));
    }
    if let Some(path) = &args.html {
        let page = html::page(&analysis, &zone);
        write_file(path, |out| out.write_all(page.as_bytes()))?;
        written.push(format!("Wrote the report to {}.", path.display()));
    }
    if args.json {
        return print_json(&analysis);
    }
    report::print(&analysis, &zone);
    for line in written {
        println!("{line}");
    }
    Ok(())
}

/// Reads and parses the export at `path`, `Sent At` read in `zone`; a bad export is an input
/// error that names the file and line.
fn read_export(path: &Path, zone: &Zone) -> CliResult<LinkedInExport> {
    let files = ExportFiles::read_path(path).map_err(CliError::input)?;
    parse_export(&files, zone.tz()).map_err(CliError::input)
}

/// The zone named by `--tz`.
fn zone_named(name: &str) -> CliResult<Zone> {
    Zone::parse(name).map_err(|e| CliError::input(format!("--tz: {e}")))
}

/// The system's time zone by its IANA name; UTC, with a warning, when it has none.
fn system_zone() -> Zone {
    let tz = jiff::tz::TimeZone::system();
    match tz.iana_name().map(Zone::parse) {
        Some(Ok(zone)) => zone,
        _ => {
            eprintln!(
                "warning: the system's time zone has no IANA name; reading times in UTC \
                 (pass --tz, e.g. --tz Europe/Berlin)"
            );
            Zone::utc()
        }
    }
}

/// Writes a file through `write`, naming the file in any error.
fn write_file(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> CliResult {
    let problem =
        |e: std::io::Error| CliError::input(format!("cannot write {}: {e}", path.display()));
    let mut out = BufWriter::new(File::create(path).map_err(problem)?);
    write(&mut out).map_err(problem)?;
    out.flush().map_err(problem)
}

/// An instant as a clock time in `zone`: `2026-11-26 13:00`.
fn local(at: Timestamp, zone: &Zone) -> String {
    zone.tz()
        .to_datetime(at)
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// The months from the first to the last with connections, gaps filled with 0.
fn every_month(analysis: &Analysis) -> Vec<(String, u32)> {
    let by_month = &analysis.connections.by_month;
    let (Some(first), Some(last)) = (by_month.keys().next(), by_month.keys().next_back()) else {
        return Vec::new();
    };
    let parse = |m: &str| -> Option<(i32, i32)> {
        let (y, m) = m.split_once('-')?;
        Some((y.parse().ok()?, m.parse().ok()?))
    };
    let (Some(mut at), Some(end)) = (parse(first), parse(last)) else {
        return by_month.iter().map(|(m, n)| (m.clone(), *n)).collect();
    };
    let mut months = Vec::new();
    while at <= end {
        let label = format!("{:04}-{:02}", at.0, at.1);
        let count = by_month.get(&label).copied().unwrap_or(0);
        months.push((label, count));
        at = if at.1 == 12 {
            (at.0 + 1, 1)
        } else {
            (at.0, at.1 + 1)
        };
    }
    months
}
