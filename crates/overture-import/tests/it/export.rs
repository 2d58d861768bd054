//! The LinkedIn data export: every era and quirk on hand-made fixtures, the errors, zips and
//! folders, and property tests over the parsers and the analysis.

mod eras;
mod errors;
mod files;
mod properties;

use std::path::PathBuf;

use jiff::Timestamp;
use overture_core::account::Zone;
use overture_import::export::{
    Analysis, AnalysisOptions, ExportError, ExportFiles, LinkedInExport, analyze, parse_export,
};

/// A fixture export folder.
fn export_dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/export")
        .join(name)
}

/// The example export the README points at.
fn sample_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/exports/sample-2026")
}

fn zone(name: &str) -> Zone {
    Zone::parse(name).unwrap()
}

fn instant(text: &str) -> Timestamp {
    text.parse().unwrap()
}

/// Reads and parses the export at `path` with `Sent At` in `tz`.
fn parse(path: &std::path::Path, tz: &str) -> Result<LinkedInExport, ExportError> {
    let files = ExportFiles::read_path(path)?;
    parse_export(&files, zone(tz).tz())
}

/// Parses and analyses the export at `path` at `now` in `tz`, with the default options.
fn analyse(path: &std::path::Path, now: &str, tz: &str) -> Analysis {
    let export = parse(path, tz).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    analyze(
        &export,
        instant(now),
        &zone(tz),
        &AnalysisOptions::default(),
    )
}

/// Parses an export made of in-memory files.
fn parse_files(files: &[(&str, &str)], tz: &str) -> Result<LinkedInExport, ExportError> {
    let files = ExportFiles::from_memory(
        "export",
        files
            .iter()
            .map(|(name, text)| (*name, text.as_bytes().to_vec())),
    );
    parse_export(&files, zone(tz).tz())
}
