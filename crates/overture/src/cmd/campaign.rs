//! `overture campaign validate|apply|start|pause|list|show|stats`.

mod stats;

use std::path::Path;

use overture_campaign::{CampaignText, Diagnostic, parse_campaign_texts};
use overture_core::sequence::{BranchTarget, CampaignSpec, StepKind};
use overture_core::{Campaign, CampaignStatus, WorkspaceId};
use overture_store::{NewCampaignVersion, Store};
use serde::Serialize;

use super::Ctx;
use super::messages::{self, MessageReport};
use crate::cli::CampaignCommand;
use crate::error::{CliError, CliResult};
use crate::output::{print_json, table};

/// What `campaign validate --json` prints.
#[derive(Debug, Serialize)]
struct ValidationReport {
    file: String,
    valid: bool,
    problems: Vec<Problem>,
    /// The lint and the per-lead checks of every text, once the file parses.
    #[serde(skip_serializing_if = "Option::is_none")]
    messages: Option<MessageReport>,
}

/// One diagnostic, for JSON.
#[derive(Debug, Serialize)]
struct Problem {
    file: String,
    line: usize,
    column: usize,
    message: String,
}

impl From<&Diagnostic> for Problem {
    fn from(d: &Diagnostic) -> Self {
        Problem {
            file: d.file.clone(),
            line: d.line,
            column: d.column,
            message: d.message.clone(),
        }
    }
}

pub async fn run(ctx: &Ctx, command: CampaignCommand) -> CliResult {
    match command {
        CampaignCommand::Validate { file, json } => {
            let (source, result) = check(ctx, &file).await?;
            drop(source);
            match result {
                Ok((spec, texts)) => {
                    let store = ctx.store(false).await?;
                    let ws = ctx.settings.workspace();
                    let messages = messages::check_campaign(&store, ws, &spec, &texts).await?;
                    let blocks = messages.blocks();
                    if json.json {
                        print_json(&ValidationReport {
                            file: file.display().to_string(),
                            valid: !blocks,
                            problems: Vec::new(),
                            messages: Some(messages),
                        })?;
                    } else {
                        let name = file.display().to_string();
                        messages::print(&messages, Some(&name));
                        let verdict = if blocks {
                            "texts that cannot go out as they are (see above)"
                        } else {
                            "ok"
                        };
                        println!(
                            "{name}: {verdict} ({} step(s), sender(s): {}; {})",
                            spec.steps.len(),
                            spec.accounts.join(", "),
                            messages::summary(&messages)
                        );
                    }
                    if blocks {
                        return Err(CliError::Reported);
                    }
                    Ok(())
                }
                Err(problems) => {
                    if json.json {
                        print_json(&ValidationReport {
                            file: file.display().to_string(),
                            valid: false,
                            problems: problems.iter().map(Problem::from).collect(),
                            messages: None,
                        })?;
                    } else {
                        report(&problems);
                    }
                    Err(CliError::Reported)
                }
            }
        }
        CampaignCommand::Apply { file, json } => {
            let (source, result) = check(ctx, &file).await?;
            let spec = match result {
                Ok((spec, _)) => spec,
                Err(problems) => {
                    report(&problems);
                    eprintln!("nothing stored: fix the problems above and apply again");
                    return Err(CliError::Reported);
                }
            };
            let store = ctx.store(true).await?;
            let applied = store
                .apply_campaign(
                    ctx.settings.workspace(),
                    NewCampaignVersion {
                        name: spec.name.clone(),
                        source,
                        spec,
                    },
                    ctx.now(),
                )
                .await?;
            if json.json {
                return print_json(&serde_json::json!({
                    "name": applied.campaign.name,
                    "version": applied.campaign.version,
                    "changed": applied.changed,
                    "status": applied.campaign.status,
                }));
            }
            let c = &applied.campaign;
            if applied.changed {
                println!(
                    "Stored campaign `{}` version {} ({}).",
                    c.name, c.version, c.status
                );
            } else {
                println!(
                    "Campaign `{}` is unchanged (version {}).",
                    c.name, c.version
                );
            }
            Ok(())
        }
        CampaignCommand::Start {
            name,
            allow_problems,
            json,
        } => {
            let store = ctx.store(false).await?;
            let ws = ctx.settings.workspace();
            let campaign = find(&store, ws, &name).await?;
            let messages = messages::check_campaign(&store, ws, &campaign.spec, &[]).await?;
            if messages.blocks() {
                messages::print(&messages, None);
                if !allow_problems {
                    eprintln!(
                        "nothing started: fix the texts, the leads or the senders above (`overture campaign validate FILE` points at each text), or pass --allow-problems to start anyway; a lead whose text cannot go out is then stopped with the reason, never sent a gap"
                    );
                    return Err(CliError::Reported);
                }
            }
            let enrolled = overture_engine::start_campaign(&store, ws, campaign.id, ctx.now())
                .await
                .map_err(|e| CliError::Internal(anyhow::Error::new(e)))?;
            if json.json {
                return print_json(&serde_json::json!({ "name": name, "enrolled": enrolled }));
            }
            println!(
                "Campaign `{name}` is active; {enrolled} new lead(s) enrolled. `overture run` carries it out."
            );
            Ok(())
        }
        CampaignCommand::Pause { name } => {
            let store = ctx.store(false).await?;
            let ws = ctx.settings.workspace();
            let campaign = find(&store, ws, &name).await?;
            store
                .set_campaign_status(ws, campaign.id, CampaignStatus::Paused)
                .await?;
            println!("Campaign `{name}` is paused; start it again to resume.");
            Ok(())
        }
        CampaignCommand::Stats { name, json } => stats::run(ctx, &name, json.json).await,
        CampaignCommand::List(flag) => {
            let store = ctx.store(false).await?;
            let campaigns = store.list_campaigns(ctx.settings.workspace()).await?;
            if flag.json {
                return print_json(&campaigns);
            }
            if campaigns.is_empty() {
                println!("No campaigns yet. Store one: overture campaign apply FILE.yaml");
                return Ok(());
            }
            let mut t = table(["name", "version", "status", "steps", "senders", "updated"]);
            for c in &campaigns {
                t.add_row([
                    c.name.clone(),
                    c.version.to_string(),
                    c.status.to_string(),
                    c.spec.steps.len().to_string(),
                    c.spec.accounts.join(", "),
                    c.updated_at.strftime("%Y-%m-%d %H:%M UTC").to_string(),
                ]);
            }
            println!("{t}");
            Ok(())
        }
        CampaignCommand::Show { name, source, json } => {
            let store = ctx.store(false).await?;
            let ws = ctx.settings.workspace();
            let campaign = find(&store, ws, &name).await?;
            if source {
                print!("{}", campaign.source);
                return Ok(());
            }
            if json.json {
                return print_json(&campaign);
            }
            let versions = store.campaign_versions(ws, campaign.id).await?;
            show(
                &campaign.spec,
                &campaign.status.to_string(),
                campaign.version,
                versions.len(),
            );
            Ok(())
        }
    }
}

/// The campaign named `name`, or an error that names the known ones.
async fn find(store: &impl Store, ws: WorkspaceId, name: &str) -> CliResult<Campaign> {
    match store.campaign_by_name(ws, name).await {
        Ok(campaign) => Ok(campaign),
        Err(overture_store::StoreError::NotFound { .. }) => {
            let known: Vec<String> = store
                .list_campaigns(ws)
                .await?
                .into_iter()
                .map(|c| format!("`{}`", c.name))
                .collect();
            Err(CliError::input(if known.is_empty() {
                format!(
                    "no campaign named `{name}`, and no campaign yet: store one with `overture campaign apply FILE.yaml`"
                )
            } else {
                format!(
                    "no campaign named `{name}`; known: {} (see `overture campaign list`)",
                    known.join(", ")
                )
            }))
        }
        Err(other) => Err(CliError::from(other)),
    }
}

/// A parsed campaign file: the spec with where its texts are, or every problem.
type Parsed = Result<(CampaignSpec, Vec<CampaignText>), Vec<Diagnostic>>;

/// Reads and validates a campaign file against the accounts in the database.
async fn check(ctx: &Ctx, file: &Path) -> CliResult<(String, Parsed)> {
    let source = std::fs::read_to_string(file)
        .map_err(|e| CliError::input(format!("cannot read {}: {e}", file.display())))?;
    let store = ctx.store(false).await?;
    let context =
        overture_engine::checks::validation_context(&store, ctx.settings.workspace()).await?;
    let name = file.display().to_string();
    let result = parse_campaign_texts(&name, &source, &context);
    Ok((source, result))
}

fn report(problems: &[Diagnostic]) {
    for p in problems {
        eprintln!("{p}");
    }
    eprintln!("{} problem(s)", problems.len());
}

fn show(spec: &CampaignSpec, status: &str, version: u32, versions: usize) {
    println!("{} (version {version} of {versions}, {status})", spec.name);
    println!("  senders: {}", spec.accounts.join(", "));
    println!("  steps:");
    for (i, step) in spec.steps.iter().enumerate() {
        let label = step
            .label
            .as_deref()
            .map(|l| format!(" [{l}]"))
            .unwrap_or_default();
        println!("    {:>2}. {}{label}", i + 1, describe(&step.kind));
    }
}

/// One line per step: its name and what matters about it.
fn describe(kind: &StepKind) -> String {
    let target = |t: &BranchTarget| match t {
        BranchTarget::Next => "next step".to_owned(),
        BranchTarget::End => "end".to_owned(),
        BranchTarget::Withdraw => "withdraw and end".to_owned(),
        BranchTarget::Label(l) => format!("`{l}`"),
    };
    let variants = |n: usize, what: &str| match n {
        0 => format!("without a {what}"),
        1 => format!("with a {what}"),
        n => format!("with {n} {what} variants"),
    };
    match kind {
        StepKind::Invite(i) => {
            let fallback = if i.without_note_if_quota_exhausted {
                ", without the note when the quota is used up"
            } else {
                ""
            };
            format!("invite {}{fallback}", variants(i.notes.len(), "note"))
        }
        StepKind::Wait { duration } => format!("wait {duration}"),
        StepKind::WaitForAcceptance(w) => format!(
            "wait for acceptance up to {}: accepted -> {}, not accepted -> {}",
            w.within,
            target(&w.accepted),
            target(&w.not_accepted)
        ),
        StepKind::Message(m) => format!("message {}", variants(m.texts.len(), "text")),
        StepKind::Email(e) => format!("email {}", variants(e.variants.len(), "subject/body")),
        StepKind::Tag { tag } => format!("tag `{tag}`"),
        other => other.name().replace('_', " "),
    }
}
