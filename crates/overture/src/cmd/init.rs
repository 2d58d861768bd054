//! `overture init`: create the database and say what to do next.

use super::Ctx;
use crate::error::CliResult;
use crate::store::DatabaseUrl;

pub async fn run(ctx: &Ctx) -> CliResult {
    let DatabaseUrl::Sqlite(path) = &ctx.db;
    let existed = path.exists();
    ctx.store(true).await?;
    let verb = if existed { "Up to date" } else { "Created" };
    println!("{verb}: {}", path.display());
    println!();
    println!("Next:");
    println!("  overture account add sandbox --name alice --tier premium --tz Europe/Berlin");
    println!("  overture leads import leads.csv --list founders");
    println!("  overture campaign validate examples/campaigns/founders-q1.yaml");
    Ok(())
}
