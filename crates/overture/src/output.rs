//! Printing results: a table for people, JSON for scripts.

use comfy_table::presets::UTF8_BORDERS_ONLY;
use comfy_table::{ContentArrangement, Table};
use jiff::{SignedDuration, Span, SpanRelativeTo, Timestamp};
use serde::Serialize;

use crate::error::{CliError, CliResult};

/// Prints a value as pretty JSON on standard output.
pub fn print_json<T: Serialize + ?Sized>(value: &T) -> CliResult {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::Internal(anyhow::Error::new(e).context("encoding JSON")))?;
    println!("{text}");
    Ok(())
}

/// A table with a header row, sized to the terminal.
pub fn table<I, S>(header: I) -> Table
where
    I: IntoIterator<Item = S>,
    S: Into<comfy_table::Cell>,
{
    let mut t = Table::new();
    t.load_preset(UTF8_BORDERS_ONLY)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header);
    t
}

/// A share as a percentage with one decimal: `12.5%`.
pub fn percent(p: f64) -> String {
    format!("{:.1}%", p * 100.0)
}

/// An optional text for a table cell.
pub fn cell(value: Option<&str>) -> &str {
    value.unwrap_or("")
}

/// A duration such as `14d`, `36h`, `2w` or `1d 12h` (days of 24 hours), not negative.
pub fn duration(flag: &str, text: &str) -> CliResult<SignedDuration> {
    let problem = || {
        CliError::input(format!(
            "{flag} `{text}`: not a duration (use e.g. 14d, 36h or 2w)"
        ))
    };
    let span: Span = text.trim().parse().map_err(|_| problem())?;
    let duration = span
        .to_duration(SpanRelativeTo::days_are_24_hours())
        .map_err(|_| problem())?;
    if duration.is_negative() {
        return Err(CliError::input(format!(
            "{flag} `{text}`: a duration must not be negative (use e.g. 14d)"
        )));
    }
    Ok(duration)
}

/// An instant given as `flag` (`--at`, `--now`): RFC 3339, e.g. `2026-03-06T05:00:00Z`.
pub fn instant(flag: &str, text: &str) -> CliResult<Timestamp> {
    text.parse::<Timestamp>().map_err(|e| {
        CliError::input(format!(
            "{flag} `{text}`: {e} (use RFC 3339, e.g. 2026-03-06T05:00:00Z)"
        ))
    })
}

/// The width of the longest text bar, in characters.
pub const BAR_WIDTH: f64 = 40.0;

/// A bar of unicode blocks (in eighths of a character) for `value` out of `max`, at most
/// [`BAR_WIDTH`] characters.
pub fn bar(value: f64, max: f64) -> String {
    const PARTS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    if max.is_nan() || max <= 0.0 || !value.is_finite() {
        return String::new();
    }
    // At most BAR_WIDTH * 8 eighths, so the cast cannot overflow.
    let eighths = ((value / max).clamp(0.0, 1.0) * BAR_WIDTH * 8.0).round() as usize;
    format!("{}{}", "█".repeat(eighths / 8), PARTS[eighths % 8])
}
