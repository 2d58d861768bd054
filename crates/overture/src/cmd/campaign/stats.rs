//! `overture campaign stats`: how each text variant of a campaign does, per step.

use overture_core::Campaign;
use overture_core::variants::{Goal, summarize};
use overture_store::{Store, VariantStats, step_tallies};
use serde::Serialize;

use super::find;
use crate::cmd::Ctx;
use crate::error::CliResult;
use crate::output::{percent, print_json, table};

/// The longest text a table cell shows of a variant, in characters.
const TEXT_CHARS: usize = 48;

/// What `campaign stats --json` prints.
#[derive(Debug, Serialize)]
struct StatsReport {
    campaign: String,
    steps: Vec<StepStats>,
}

/// One step with text variants. Steps and variants are numbered from 1, as
/// `campaign show` numbers steps and `note_variant` counts notes.
#[derive(Debug, Serialize)]
struct StepStats {
    step: usize,
    label: Option<String>,
    kind: &'static str,
    goal: Goal,
    variants: Vec<VariantLine>,
}

/// One variant's line.
#[derive(Debug, Serialize)]
struct VariantLine {
    variant: usize,
    /// The note or text as written (an email's subject).
    text: String,
    sends: u64,
    successes: u64,
    /// Successes per send; `null` before anything was sent.
    rate: Option<f64>,
    /// The 95% Wilson score interval of the rate, `[low, high]`; `null` before anything was
    /// sent.
    interval: Option<[f64; 2]>,
    /// The probability that this variant is the step's best; `null` for a step with one.
    p_best: Option<f64>,
}

pub(super) async fn run(ctx: &Ctx, name: &str, json: bool) -> CliResult {
    let store = ctx.store(false).await?;
    let ws = ctx.settings.workspace();
    let campaign = find(&store, ws, name).await?;
    let stats = store.variant_stats(ws, campaign.id, None).await?;
    let report = report(&campaign, &stats);
    if json {
        return print_json(&report);
    }
    print(&report);
    Ok(())
}

/// The report of every step that sends text, from the campaign's statistics.
fn report(campaign: &Campaign, stats: &[VariantStats]) -> StatsReport {
    let mut steps = Vec::new();
    for (index, step) in campaign.spec.steps.iter().enumerate() {
        let texts = step.kind.texts();
        let (Some(goal), false) = (step.kind.goal(), texts.is_empty()) else {
            continue;
        };
        let number = u32::try_from(index).unwrap_or(u32::MAX);
        let tallies = step_tallies(stats, number, texts.len());
        let several = texts.len() > 1;
        let variants = texts
            .iter()
            .zip(summarize(&tallies))
            .enumerate()
            .map(|(i, (text, s))| VariantLine {
                variant: i + 1,
                text: (*text).to_owned(),
                sends: s.tally.sends,
                successes: s.tally.successes,
                rate: s.rate,
                interval: s.interval.map(|i| [i.low, i.high]),
                p_best: several.then_some(s.best),
            })
            .collect();
        steps.push(StepStats {
            step: index + 1,
            label: step.label.clone(),
            kind: step.kind.name(),
            goal,
            variants,
        });
    }
    StatsReport {
        campaign: campaign.name.clone(),
        steps,
    }
}

fn print(report: &StatsReport) {
    let name = &report.campaign;
    if report.steps.is_empty() {
        println!(
            "Campaign `{name}` sends no note, message or email, so it has no variants to compare."
        );
        return;
    }
    for step in &report.steps {
        let label = step
            .label
            .as_deref()
            .map(|l| format!(" [{l}]"))
            .unwrap_or_default();
        println!(
            "Step {}{label}: {} (goal: {})",
            step.step, step.kind, step.goal
        );
        let successes = match step.goal {
            Goal::Acceptance => "accepted",
            Goal::Reply => "replied",
        };
        let mut t = table([
            "variant",
            "text",
            "sent",
            successes,
            "rate",
            "95% interval",
            "P(best)",
        ]);
        for v in &step.variants {
            t.add_row([
                v.variant.to_string(),
                shorten(&v.text),
                v.sends.to_string(),
                v.successes.to_string(),
                v.rate.map_or_else(|| "–".to_owned(), percent),
                v.interval.map_or_else(
                    || "–".to_owned(),
                    |[low, high]| format!("{} – {}", percent(low), percent(high)),
                ),
                v.p_best.map_or_else(|| "–".to_owned(), percent),
            ]);
        }
        println!("{t}");
    }
    if report
        .steps
        .iter()
        .all(|s| s.variants.iter().all(|v| v.sends == 0))
    {
        println!(
            "Nothing sent yet: `overture campaign start {name}` enrolls the leads and `overture run` carries it out."
        );
    }
}

/// A text on one line, cut to [`TEXT_CHARS`] characters with an ellipsis.
fn shorten(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= TEXT_CHARS {
        return line;
    }
    let cut: String = line.chars().take(TEXT_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_texts_are_cut_on_one_line() {
        assert_eq!(
            shorten("Hi  {{ first_name }},\nhello"),
            "Hi {{ first_name }}, hello"
        );
        let long = "word ".repeat(20);
        let short = shorten(&long);
        assert_eq!(short.chars().count(), TEXT_CHARS);
        assert!(short.ends_with("word…") || short.ends_with('…'), "{short}");
    }
}
