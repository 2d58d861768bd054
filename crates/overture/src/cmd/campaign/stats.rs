//! `overture campaign stats`: how each text variant of a campaign does, per step.

use overture_core::variants::Goal;
use overture_engine::stats::{StatsReport, variant_report};
use overture_store::Store;

use super::find;
use crate::cmd::Ctx;
use crate::error::CliResult;
use crate::output::{percent, print_json, table};

/// The longest text a table cell shows of a variant, in characters.
const TEXT_CHARS: usize = 48;

pub(super) async fn run(ctx: &Ctx, name: &str, json: bool) -> CliResult {
    let store = ctx.store(false).await?;
    let ws = ctx.settings.workspace();
    let campaign = find(&store, ws, name).await?;
    let stats = store.variant_stats(ws, campaign.id, None).await?;
    let report = variant_report(&campaign, &stats);
    if json {
        return print_json(&report);
    }
    print(&report);
    Ok(())
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
