//! Import throughput: `read_leads` on generated, realistic lead CSVs.
//!
//! Run with `cargo bench -p overture-import`; divan reports rows per second (`item/s`).

use divan::Bencher;
use divan::counter::{BytesCount, ItemsCount};
use overture_import::{ImportOptions, read_leads, sample::generate_sample_csv};

fn main() {
    divan::main();
}

fn sample(rows: usize) -> Vec<u8> {
    let mut csv = Vec::with_capacity(rows * 200);
    generate_sample_csv(rows, 42, &mut csv).expect("writing to a Vec cannot fail");
    csv
}

/// Parses, validates and de-duplicates the whole file.
#[divan::bench(args = [100_000, 1_000_000], sample_count = 10, sample_size = 1)]
fn read_leads_rows(bencher: Bencher, rows: usize) {
    let csv = sample(rows);
    let options = ImportOptions::default();
    bencher
        .counter(ItemsCount::new(rows))
        .counter(BytesCount::of_slice(&csv))
        .bench(|| {
            let batch = read_leads(&csv[..], "bench.csv", &options).expect("the sample is valid");
            // Returned, so divan frees the batch outside the timed section.
            batch
        });
}

/// The same, but also frees the batch inside the timed section, as a command that imports
/// and exits would (unless it leaks on purpose).
#[divan::bench(args = [1_000_000], sample_count = 5, sample_size = 1)]
fn read_leads_rows_and_free(bencher: Bencher, rows: usize) {
    let csv = sample(rows);
    let options = ImportOptions::default();
    bencher.counter(ItemsCount::new(rows)).bench(|| {
        let batch = read_leads(&csv[..], "bench.csv", &options).expect("the sample is valid");
        divan::black_box(batch.leads.len())
    });
}
