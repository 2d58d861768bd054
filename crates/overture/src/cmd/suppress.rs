//! `overture suppress add|list|remove`: the workspace's suppression list.
//!
//! Every entry is read before anything is stored: one that is not an address, a domain or a
//! LinkedIn profile URL is an error naming it (and its file and line), and nothing is added.

use std::path::Path;

use overture_core::SuppressionKind;
use overture_core::suppression::parse_entry;
use overture_store::Store;

use super::Ctx;
use crate::cli::{SuppressAdd, SuppressCommand};
use crate::error::{CliError, CliResult};
use crate::output::{print_json, table};

pub async fn run(ctx: &Ctx, command: SuppressCommand) -> CliResult {
    let ws = ctx.settings.workspace();
    match command {
        SuppressCommand::Add(args) => add(ctx, args).await,
        SuppressCommand::List(flag) => {
            let store = ctx.store(false).await?;
            let entries = store.list_suppressions(ws).await?;
            if flag.json {
                return print_json(&entries);
            }
            if entries.is_empty() {
                println!(
                    "The suppression list is empty. Add to it: overture suppress add ana@example.com"
                );
                return Ok(());
            }
            let mut t = table(["kind", "value", "reason", "added"]);
            for e in &entries {
                t.add_row([
                    e.kind.to_string(),
                    e.value.clone(),
                    e.reason.clone(),
                    e.created_at.strftime("%Y-%m-%d").to_string(),
                ]);
            }
            println!("{t}");
            Ok(())
        }
        SuppressCommand::Remove { entries } => {
            let parsed = read_entries(entries.iter().map(|e| (None, e.as_str())))?;
            let store = ctx.store(false).await?;
            let mut removed = 0;
            for (kind, value) in &parsed {
                if store.remove_suppression(ws, *kind, value).await? {
                    removed += 1;
                } else {
                    eprintln!("not on the list: {kind} {value}");
                }
            }
            println!("Removed {removed} of {} given.", parsed.len());
            Ok(())
        }
    }
}

async fn add(ctx: &Ctx, args: SuppressAdd) -> CliResult {
    let text = match &args.file {
        Some(path) => Some((path.display().to_string(), read_file(path)?)),
        None => None,
    };
    let mut given: Vec<(Option<String>, &str)> =
        args.entries.iter().map(|e| (None, e.as_str())).collect();
    if let Some((name, text)) = &text {
        for (i, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or_default().trim();
            if !line.is_empty() {
                given.push((Some(format!("{name}:{}", i + 1)), line));
            }
        }
    }
    if given.is_empty() {
        return Err(CliError::input(
            "nothing to add: give entries (ana@example.com, example.com, a LinkedIn profile URL) or --file FILE",
        ));
    }
    let parsed = read_entries(given.iter().map(|(at, e)| (at.as_deref(), *e)))?;
    let store = ctx.store(false).await?;
    let added = store
        .add_suppressions(ctx.settings.workspace(), &parsed, &args.reason, ctx.now())
        .await?;
    let known = parsed.len() as u64 - added;
    println!("Added {added} new; {known} on the list already.");
    Ok(())
}

/// Reads every entry, or fails naming the first that does not read (with its file and line).
fn read_entries<'a>(
    given: impl Iterator<Item = (Option<&'a str>, &'a str)>,
) -> CliResult<Vec<(SuppressionKind, String)>> {
    given
        .map(|(at, entry)| {
            parse_entry(entry).map_err(|e| match at {
                Some(at) => CliError::input(format!("{at}: {e}; nothing was changed")),
                None => CliError::input(format!("{e}; nothing was changed")),
            })
        })
        .collect()
}

fn read_file(path: &Path) -> CliResult<String> {
    if path == Path::new("-") {
        return std::io::read_to_string(std::io::stdin())
            .map_err(|e| CliError::input(format!("cannot read standard input: {e}")));
    }
    std::fs::read_to_string(path)
        .map_err(|e| CliError::input(format!("cannot read {}: {e}", path.display())))
}
