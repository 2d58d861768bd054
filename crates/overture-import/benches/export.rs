//! The LinkedIn data export analysis at the size of a large network: 30,000 connections (the
//! most LinkedIn allows), 5,000 invitations and 200,000 messages, parsed and analysed from
//! memory. The target is under 3 s on the development machine.
//!
//! Run with `cargo bench -p overture-import --bench export`.

use divan::Bencher;
use divan::counter::BytesCount;
use overture_core::account::Zone;
use overture_import::export::sample::{ExportSize, generate_export};
use overture_import::export::{AnalysisOptions, ExportFiles, analyze, parse_export};

fn main() {
    divan::main();
}

const LARGE: ExportSize = ExportSize {
    connections: 30_000,
    invitations: 5_000,
    messages: 200_000,
};

/// Reads every file and analyses the export, as `overture export analyze` does after reading
/// the files from disk.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn parse_and_analyze(bencher: Bencher) {
    let zone = Zone::parse("Europe/Berlin").expect("a known zone");
    let files = generate_export(LARGE, 42, zone.tz());
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    let files = ExportFiles::from_memory("bench", files);
    let now = "2026-11-26T12:00:00Z".parse().expect("an instant");
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        let export = parse_export(&files, zone.tz()).expect("the sample parses");
        analyze(&export, now, &zone, &AnalysisOptions::default())
    });
}
