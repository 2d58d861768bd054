//! `overture dkim generate|list`: the workspace's DKIM keys, one per sending domain, stored
//! encrypted; what is printed is the public DNS record, never the private key.

use overture_email::{DkimAlgorithm, DkimKey};
use overture_store::Store;
use serde_json::json;

use super::Ctx;
use crate::cli::DkimCommand;
use crate::error::{CliError, CliResult};
use crate::mailbox::{DKIM_PREFIX, load_dkim, save_dkim};
use crate::output::{print_json, table};

pub async fn run(ctx: &Ctx, command: DkimCommand) -> CliResult {
    let ws = ctx.settings.workspace();
    let db = &ctx.db.key_anchor();
    match command {
        DkimCommand::Generate {
            domain,
            selector,
            algorithm,
            json,
        } => {
            let algorithm = DkimAlgorithm::parse(&algorithm)
                .map_err(|e| CliError::input(format!("--algorithm: {e}")))?;
            let key = DkimKey::generate(&domain, &selector, algorithm)
                .map_err(|e| CliError::input(format!("--domain/--selector: {e}")))?;
            let (master, _) = crate::master_key::load(db)?;
            let store = ctx.store(false).await?;
            save_dkim(&store, &master, ws, &key, ctx.now()).await?;
            let (name, value) = key.dns_record();
            if json {
                return print_json(&json!({
                    "domain": key.domain(), "selector": key.selector(),
                    "algorithm": key.algorithm().as_str(), "name": name, "value": value,
                }));
            }
            println!(
                "Stored a {} key for {}, encrypted.",
                key.algorithm().as_str(),
                key.domain()
            );
            println!(
                "Publish this DNS TXT record, then email from {} is signed:",
                key.domain()
            );
            println!("\n  {name}  TXT  \"{value}\"\n");
            println!("Check it once published: dig +short TXT {name}");
            Ok(())
        }
        DkimCommand::List(flag) => {
            let (master, _) = crate::master_key::load(db)?;
            let store = ctx.store(false).await?;
            let mut records = Vec::new();
            for info in store.list_workspace_secrets(ws).await? {
                let Some(domain) = info.name.strip_prefix(DKIM_PREFIX) else {
                    continue;
                };
                if let Some(key) = load_dkim(&store, &master, ws, domain).await? {
                    let (name, value) = key.dns_record();
                    records.push(json!({
                        "domain": domain, "selector": key.selector(),
                        "algorithm": key.algorithm().as_str(), "name": name, "value": value,
                        "created_at": info.created_at,
                    }));
                }
            }
            if flag.json {
                return print_json(&records);
            }
            if records.is_empty() {
                println!("No DKIM keys yet. Make one: overture dkim generate --domain example.com");
                return Ok(());
            }
            let mut t = table(["domain", "algorithm", "DNS name", "TXT value"]);
            for r in &records {
                t.add_row([
                    r["domain"].as_str().unwrap_or_default().to_owned(),
                    r["algorithm"].as_str().unwrap_or_default().to_owned(),
                    r["name"].as_str().unwrap_or_default().to_owned(),
                    r["value"].as_str().unwrap_or_default().to_owned(),
                ]);
            }
            println!("{t}");
            Ok(())
        }
    }
}
