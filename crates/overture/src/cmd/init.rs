//! `overture init`: create the database and its master key, and say what to do next.

use super::Ctx;
use crate::error::CliResult;
use crate::master_key;
use crate::store::DatabaseUrl;

pub async fn run(ctx: &Ctx) -> CliResult {
    let existed = match &ctx.db {
        DatabaseUrl::Sqlite(path) => path.exists(),
        // The database itself exists already (the server's administrator creates it); its
        // tables are created by the first connection.
        DatabaseUrl::Postgres(_) => true,
    };
    ctx.store(true).await?;
    let verb = if existed { "Up to date" } else { "Created" };
    println!("{verb}: {}", ctx.db.display());
    if std::env::var_os(master_key::ENV).is_none()
        && let Some(key) = master_key::create(&ctx.db.key_anchor())?
    {
        println!(
            "Created the master key {} (mode 0600): it encrypts stored cookies and passwords; \
             back it up with the database, which is unreadable without it",
            key.display()
        );
    }
    println!();
    println!("Next:");
    println!("  overture account add sandbox --name alice --tier premium --tz Europe/Berlin");
    println!("  overture leads import leads.csv --list founders");
    println!("  overture campaign validate examples/campaigns/founders-q1.yaml");
    Ok(())
}
