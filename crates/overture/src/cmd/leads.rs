//! `overture leads import|list|erase`.

use indicatif::{ProgressBar, ProgressStyle};
use overture_core::ProfileUrl;
use overture_import::{
    ImportOptions, parse_mapping, read_leads_path, rejected_path, write_rejected,
};
use overture_store::{LeadQuery, Store};
use serde::Serialize;

use super::Ctx;
use crate::cli::{LeadsCommand, LeadsImport};
use crate::error::{CliError, CliResult};
use crate::output::{cell, print_json, table};

/// What `leads import --json` prints.
#[derive(Debug, Serialize)]
struct ImportReport {
    imported: u64,
    updated: u64,
    duplicates_merged: u64,
    rejected: u64,
}

pub async fn run(ctx: &Ctx, command: LeadsCommand) -> CliResult {
    match command {
        LeadsCommand::Import(args) => import(ctx, args).await,
        LeadsCommand::Erase { profile_url, json } => erase(ctx, &profile_url, json.json).await,
        LeadsCommand::List { list, limit, json } => {
            let store = ctx.store(false).await?;
            let leads = store
                .list_leads(
                    ctx.settings.workspace(),
                    LeadQuery {
                        list: list.clone(),
                        after: None,
                        limit,
                    },
                )
                .await
                .map_err(|e| match e {
                    overture_store::StoreError::NotFound { .. } => CliError::input(format!(
                        "no list named `{}` (see the lists with `overture leads list`)",
                        list.as_deref().unwrap_or_default()
                    )),
                    other => CliError::from(other),
                })?;
            if json.json {
                return print_json(&leads);
            }
            let mut t = table([
                "profile",
                "first name",
                "last name",
                "company",
                "position",
                "email",
            ]);
            for l in &leads {
                let d = &l.data;
                t.add_row([
                    d.profile_url.to_string().as_str(),
                    cell(d.first_name.as_deref()),
                    cell(d.last_name.as_deref()),
                    cell(d.company.as_deref()),
                    cell(d.position.as_deref()),
                    cell(d.email.as_deref()),
                ]);
            }
            println!("{t}");
            println!("{} lead(s)", leads.len());
            Ok(())
        }
    }
}

async fn import(ctx: &Ctx, args: LeadsImport) -> CliResult {
    if args.list.trim().is_empty() {
        return Err(CliError::input("--list needs a name"));
    }
    let mappings = args
        .maps
        .iter()
        .map(|m| parse_mapping(m).map_err(|e| CliError::input(format!("--map {m:?}: {e}"))))
        .collect::<CliResult<Vec<_>>>()?;
    let options = ImportOptions {
        mappings,
        skip_invalid: args.skip_invalid,
    };
    // Read and validate everything before touching the database: a bad file changes nothing.
    let batch = read_leads_path(&args.file, &options).map_err(CliError::input)?;

    let mut rejected_file = None;
    if !batch.rejected.is_empty() {
        let path = rejected_path(&args.file);
        let file = std::fs::File::create(&path)
            .map_err(|e| CliError::input(format!("cannot write {}: {e}", path.display())))?;
        write_rejected(&batch.rejected, &batch.headers, file)
            .map_err(|e| CliError::input(format!("cannot write {}: {e}", path.display())))?;
        rejected_file = Some(path);
    }

    let store = ctx.store(true).await?;
    let bar = if args.json {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(batch.leads.len() as u64)
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} storing leads {bar:40} {pos}/{len} ({per_sec}, {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let progress = |done: u64| bar.set_position(done);
    let outcome = store
        .import_leads(
            ctx.settings.workspace(),
            &args.list,
            &batch.leads,
            ctx.now(),
            &progress,
        )
        .await?;
    bar.finish_and_clear();

    let report = ImportReport {
        imported: outcome.imported,
        updated: outcome.updated,
        duplicates_merged: batch.duplicates_merged as u64,
        rejected: batch.rejected.len() as u64,
    };
    if args.json {
        return print_json(&report);
    }
    println!(
        "List `{}`: {} new lead(s), {} updated, {} unchanged; {} duplicate row(s) merged.",
        args.list, report.imported, report.updated, outcome.unchanged, report.duplicates_merged
    );
    if let Some(path) = rejected_file {
        println!(
            "{} row(s) rejected, written with the reason to {}.",
            report.rejected,
            path.display()
        );
    }
    Ok(())
}

/// What `leads erase --json` prints.
#[derive(Debug, Serialize)]
struct ErasureReport {
    enrollments: u64,
    invitations: u64,
    actions: u64,
    events: u64,
    suppressed: u64,
}

async fn erase(ctx: &Ctx, profile_url: &str, json: bool) -> CliResult {
    let url = ProfileUrl::parse(profile_url)
        .map_err(|e| CliError::input(format!("`{profile_url}`: {e}")))?;
    let store = ctx.store(true).await?;
    let ws = ctx.settings.workspace();
    let Some(lead) = store.lead_by_url(ws, &url).await? else {
        return Err(CliError::input(format!(
            "no lead with the profile {url} (see `overture leads list`)"
        )));
    };
    let erased = store.erase_lead(ws, lead.id, ctx.now()).await?;
    let report = ErasureReport {
        enrollments: erased.enrollments,
        invitations: erased.invitations,
        actions: erased.actions,
        events: erased.events,
        suppressed: erased.suppressed,
    };
    if json {
        return print_json(&report);
    }
    println!(
        "Erased {url}: {} enrollment(s), {} invitation(s) and {} queued action(s) deleted, {} \
         event(s) emptied. Only hashes of the profile and address stay on the suppression list, \
         so the person is never contacted again.",
        report.enrollments, report.invitations, report.actions, report.events
    );
    Ok(())
}
