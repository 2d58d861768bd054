//! Writes a realistic, fictional LinkedIn data export into a folder, for trying the analysis at
//! scale:
//!
//! ```sh
//! cargo run --release -p overture-import --example sample_export -- /tmp/big-export
//! time overture export analyze /tmp/big-export --tz Europe/Berlin --now 2026-11-26T12:00:00Z
//! ```
//!
//! The arguments after the folder are the numbers of connections, invitations and messages
//! (default 30000, 5000 and 200000) and the seed (default 42).

use std::path::PathBuf;

use overture_import::export::sample::{ExportSize, generate_export};

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "sample-export".to_owned()));
    let mut number = |default| args.next().and_then(|a| a.parse().ok()).unwrap_or(default);
    let size = ExportSize {
        connections: number(30_000),
        invitations: number(5_000),
        messages: number(200_000),
    };
    let seed = number(42) as u64;
    let tz = jiff::tz::TimeZone::get("Europe/Berlin").map_err(std::io::Error::other)?;
    std::fs::create_dir_all(&dir)?;
    for (name, bytes) in generate_export(size, seed, &tz) {
        std::fs::write(dir.join(name), bytes)?;
    }
    println!("{}", dir.display());
    Ok(())
}
