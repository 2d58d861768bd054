//! `overture template lint|preview`: message templates checked before any campaign uses them.

use std::path::Path;

use overture_core::spintax::Position;
use overture_import::{ImportOptions, read_leads_path};
use overture_message::{Sender, Template, TextKind, Vars, check_lead, lint, rule, seed};
use serde::Serialize;

use super::account::tier_of;
use crate::cli::{KindOfText, TemplateCommand, TemplateLint, TemplatePreview, TemplateTarget};
use crate::error::{CliError, CliResult};
use crate::output::print_json;

pub fn run(command: TemplateCommand) -> CliResult {
    match command {
        TemplateCommand::Lint(args) => lint_file(&args),
        TemplateCommand::Preview(args) => preview(&args),
    }
}

/// The kind given, or the one the file name says (`*.message.txt`, `*.subject.txt`,
/// `*.email.txt`), else an invitation note.
fn kind_of(target: &TemplateTarget, file: &Path) -> TextKind {
    match target.kind {
        Some(KindOfText::Invite) => TextKind::Invite,
        Some(KindOfText::Message) => TextKind::Message,
        Some(KindOfText::EmailSubject) => TextKind::EmailSubject,
        Some(KindOfText::EmailBody) => TextKind::EmailBody,
        None => {
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
            if stem.ends_with(".message") {
                TextKind::Message
            } else if stem.ends_with(".subject") {
                TextKind::EmailSubject
            } else if stem.ends_with(".email") {
                TextKind::EmailBody
            } else {
                TextKind::Invite
            }
        }
    }
}

fn read(file: &Path) -> CliResult<String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| CliError::input(format!("cannot read {}: {e}", file.display())))?;
    // An editor's final newline is not part of the message.
    Ok(text.strip_suffix('\n').unwrap_or(&text).to_owned())
}

fn lint_file(args: &TemplateLint) -> CliResult {
    if let Some(id) = &args.explain {
        return explain(id, args.json.json);
    }
    let Some(file) = &args.file else {
        return Err(CliError::input("give a template file, or --explain RULE"));
    };
    let source = read(file)?;
    let kind = kind_of(&args.target, file);
    let tier = tier_of(args.target.tier);
    let result = lint(&source, kind, tier);
    if args.json.json {
        print_json(&result)?;
    } else {
        for f in &result.findings {
            let at = Position::of(&source, f.span.0);
            println!(
                "{}:{at}: {}[{}]: {}",
                file.display(),
                f.severity.as_str(),
                f.rule,
                f.message
            );
        }
        let limit = kind
            .limit(tier)
            .map(|l| format!(", limit {l}"))
            .unwrap_or_default();
        println!(
            "score {}/100 ({}{limit}){}",
            result.score,
            kind.describe(),
            if result.findings.is_empty() {
                String::new()
            } else {
                "; `overture template lint --explain RULE` says why and how to fix".to_owned()
            }
        );
    }
    if result.has_errors() {
        return Err(CliError::Reported);
    }
    Ok(())
}

fn explain(id: &str, json: bool) -> CliResult {
    let Some(r) = rule(id) else {
        let ids: Vec<&str> = overture_message::RULES.iter().map(|r| r.id).collect();
        return Err(CliError::input(format!(
            "no lint rule `{id}` (the rules: {})",
            ids.join(", ")
        )));
    };
    if json {
        return print_json(&serde_json::json!({
            "rule": r.id,
            "severity": r.severity,
            "summary": r.summary,
            "explanation": r.explanation,
            "fix": r.fix,
            "bad": r.bad,
            "good": r.good,
            "kinds": r.kinds,
        }));
    }
    println!("{} ({}): {}\n", r.id, r.severity.as_str(), r.summary);
    println!("{}\n", r.explanation);
    println!("Fix: {}\n", r.fix);
    println!("Flagged:\n  {}\n", r.bad);
    println!("Clean:\n  {}", r.good);
    Ok(())
}

/// What `template preview --json` prints per lead.
#[derive(Debug, Serialize)]
struct PreviewLead {
    profile_url: String,
    name: Option<String>,
    text: Option<String>,
    length: usize,
    longest: Option<usize>,
    limit: Option<usize>,
    problems: Vec<PreviewProblem>,
}

#[derive(Debug, Serialize)]
struct PreviewProblem {
    message: String,
    fix: String,
}

/// The most distinct spellings listed.
const SPELLINGS_SHOWN: usize = 8;

fn preview(args: &TemplatePreview) -> CliResult {
    let source = read(&args.file)?;
    let kind = kind_of(&args.target, &args.file);
    let tier = tier_of(args.target.tier);
    let template = Template::new(&source).map_err(|e| {
        CliError::input(format!(
            "{}:{e} (see `overture template lint {}`)",
            args.file.display(),
            args.file.display()
        ))
    })?;
    let batch = read_leads_path(&args.leads, &ImportOptions::default()).map_err(|e| {
        CliError::input(format!(
            "{e} (preview reads the file as `overture leads import` does)"
        ))
    })?;
    let limit = kind.limit(tier);
    let sender = Sender::default();
    let mut shown = Vec::new();
    for (i, lead) in batch.leads.iter().take(args.n).enumerate() {
        let vars = Vars::new(lead, &sender);
        // A preview has no stored lead yet: the row number stands in for its id.
        let checked = check_lead(&template, &vars, seed(i as i64 + 1, 0, 0), kind, tier);
        shown.push(PreviewLead {
            profile_url: lead.profile_url.to_string(),
            name: vars.get("full_name").map(str::to_owned),
            text: checked.text.clone(),
            length: checked.length,
            longest: checked.longest,
            limit,
            problems: checked
                .problems
                .iter()
                .map(|p| PreviewProblem {
                    message: p.message(kind),
                    fix: p.fix(),
                })
                .collect(),
        });
    }
    let mut spellings = template.sample_spellings();
    spellings.truncate(SPELLINGS_SHOWN);
    if args.json.json {
        return print_json(&serde_json::json!({
            "kind": kind,
            "limit": limit,
            "spellings": template.spintax().spellings(),
            "some_spellings": spellings,
            "leads": shown,
        }));
    }
    let limit_text = limit.map_or("no limit".to_owned(), |l| format!("limit {l}"));
    println!(
        "{}: {}, {limit_text}; {} spelling(s)",
        args.file.display(),
        kind.describe(),
        template.spintax().spellings()
    );
    if template.spintax().spins() {
        println!("Spellings (each alternative at least once, and the longest):");
        for s in &spellings {
            println!("  · {s}");
        }
    }
    for (i, lead) in shown.iter().enumerate() {
        println!();
        println!(
            "{}. {}{}",
            i + 1,
            lead.name.as_deref().unwrap_or("(no name)"),
            format_args!(" <{}>", lead.profile_url)
        );
        if let Some(text) = &lead.text {
            for line in text.lines() {
                println!("   | {line}");
            }
        }
        let against = limit.map(|l| format!("/{l}")).unwrap_or_default();
        let longest = match lead.longest {
            Some(n) if n != lead.length => format!(", longest spelling {n}{against}"),
            _ => String::new(),
        };
        println!("   {}{against} characters{longest}", lead.length);
        for p in &lead.problems {
            println!("   problem: {}; fix: {}", p.message, p.fix);
        }
    }
    if shown.is_empty() {
        println!("No leads in {}.", args.leads.display());
    }
    Ok(())
}
