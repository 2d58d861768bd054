//! Writes a realistic, fictional lead CSV to standard output, for trying imports at scale:
//!
//! ```sh
//! cargo run --release -p overture-import --example sample_csv -- 1000000 > leads-1m.csv
//! time overture leads import leads-1m.csv --list big
//! ```

use std::io::{BufWriter, Write};

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let rows = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let seed = args.next().and_then(|a| a.parse().ok()).unwrap_or(42);
    let mut out = BufWriter::new(std::io::stdout().lock());
    overture_import::sample::generate_sample_csv(rows, seed, &mut out)?;
    out.flush()
}
