//! How `campaign validate` and `campaign start` print the message checks
//! (`overture_engine::checks`).

use std::collections::BTreeMap;

pub use overture_engine::checks::{MessageReport, check_campaign};

/// How many leads with problems are listed per text in the human output.
const LEADS_SHOWN: usize = 5;

/// Prints the findings and problems, one line each, pointing at `file` when given.
pub fn print(report: &MessageReport, file: Option<&str>) {
    for step in &report.steps {
        let at = file.map(|f| format!("{f}: ")).unwrap_or_default();
        eprintln!("{at}error: {step}");
    }
    for t in &report.texts {
        let at = match (file, t.line, t.column) {
            (Some(f), Some(l), Some(c)) => format!("{f}:{l}:{c}: "),
            (Some(f), _, _) => format!("{f}: "),
            _ => String::new(),
        };
        let what = format!("step {} `{}` {}", t.step, t.field, t.variant);
        for f in &t.findings {
            eprintln!(
                "{at}{}[{}]: {what}: {} (score {}/100)",
                f.severity.as_str(),
                f.rule,
                f.message,
                t.score
            );
        }
        for sender in &t.senders {
            eprintln!("{at}error: {what}: {sender}");
        }
        if !t.leads.is_empty() {
            let total = report.leads.unwrap_or(t.leads.len());
            eprintln!(
                "{at}error: {what}: {} of {total} lead(s) cannot get it",
                t.leads.len()
            );
            for lead in t.leads.iter().take(LEADS_SHOWN) {
                eprintln!(
                    "  {} ({}): {}; fix: {}",
                    lead.profile_url,
                    lead.name.as_deref().unwrap_or("no name"),
                    lead.problem,
                    lead.fix
                );
            }
            if t.leads.len() > LEADS_SHOWN {
                eprintln!(
                    "  … and {} more (--json lists them all)",
                    t.leads.len() - LEADS_SHOWN
                );
            }
        }
    }
}

/// Counts per field, for the one-line summary.
pub fn summary(report: &MessageReport) -> String {
    let mut by_field: BTreeMap<&str, usize> = BTreeMap::new();
    for t in &report.texts {
        *by_field.entry(t.field).or_default() += 1;
    }
    let texts: Vec<String> = by_field.iter().map(|(f, n)| format!("{n} {f}")).collect();
    let leads = match report.leads {
        Some(n) => format!("rendered for {n} lead(s)"),
        None => "the list is not imported yet, so no lead was rendered".to_owned(),
    };
    format!(
        "texts: {} ({leads}, checked against a {} account's limits)",
        if texts.is_empty() {
            "none".to_owned()
        } else {
            texts.join(", ")
        },
        report.tier
    )
}
