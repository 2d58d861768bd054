//! The analysis as one self-contained HTML page: the same content as the text report, with the
//! charts drawn as inline SVG. The page loads nothing (a content security policy forbids it),
//! runs no script, and escapes every string that comes from the export.

use std::fmt::Write as _;

use overture_core::account::Zone;
use overture_core::governor::AgeBucket;
use overture_import::export::{Analysis, PendingInvitation};

use super::{every_month, local};

const STYLE: &str = "
:root { color-scheme: light; --ink: #1d2433; --muted: #5b6475; --accent: #2f6fb3;
        --warn: #b3412f; --line: #d9dee7; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 980px; padding: 24px; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.2em; margin: 32px 0 8px; border-bottom: 1px solid var(--line); }
p.note, footer { color: var(--muted); }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; min-width: 170px; }
.card b { display: block; font-size: 1.6em; }
.card.over b { color: var(--warn); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line);
         vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
svg { width: 100%; height: auto; }
svg text { font: 11px system-ui, sans-serif; fill: var(--muted); }
svg .bar { fill: var(--accent); }
svg .over { fill: var(--warn); }
svg .line { fill: none; stroke: var(--accent); stroke-width: 2; }
svg .axis { stroke: var(--line); }
";

/// The whole page.
pub(super) fn page(a: &Analysis, zone: &Zone) -> String {
    let mut html = String::with_capacity(32 * 1024);
    let owner = a
        .owner
        .as_ref()
        .and_then(|o| o.name.clone().or_else(|| o.profile_url.clone()));
    let title = match &owner {
        Some(name) => format!("LinkedIn export of {name}"),
        None => "LinkedIn export".to_owned(),
    };
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n\
         <p class=\"note\">As of {} in {}; times in the export are read in {}.</p>\n",
        esc(&title),
        esc(&title),
        esc(&local(a.now, zone)),
        esc(zone.name()),
        esc(zone.name()),
    );
    cards(&mut html, a);
    ages(&mut html, a);
    oldest(&mut html, a, zone);
    withdrawals(&mut html, a, zone);
    growth(&mut html, a);
    if let Some(m) = &a.messages {
        let _ = write!(
            html,
            "<h2>Conversations</h2>\n<p>{} conversations; {} started by you, {} of those \
             answered.</p>\n",
            m.conversations, m.started_by_you, m.answered
        );
    }
    html.push_str("<footer><p>Read from ");
    html.push_str(&esc(&a.files.join(", ")));
    html.push_str(". Made by Overture (overture export analyze).</p></footer>\n</body>\n</html>\n");
    html
}

fn cards(html: &mut String, a: &Analysis) {
    let out = &a.invitations.outgoing;
    let over = if out.pending > a.pending_ceiling {
        " over"
    } else {
        ""
    };
    let _ = write!(
        html,
        "<div class=\"cards\">\n\
         <div class=\"card\"><b>{}</b>connections ({} hidden, {} with email)</div>\n\
         <div class=\"card{over}\"><b>{} / {}</b>pending / healthy ceiling</div>\n\
         <div class=\"card\"><b>{} of {}</b>sent invitations accepted{}</div>\n\
         <div class=\"card\"><b>{}</b>received invitations waiting for you</div>\n\
         <div class=\"card\"><b>{}</b>withdrawals recommended ({}+ days)</div>\n\
         </div>\n",
        a.connections.total,
        a.connections.hidden,
        a.connections.with_email,
        out.pending,
        a.pending_ceiling,
        out.accepted,
        out.total,
        match out.matched_by_name {
            0 => String::new(),
            n => format!(" ({n} by name)"),
        },
        a.invitations.incoming.pending,
        a.recommended_withdrawals.len(),
        a.withdraw_older_than_days,
    );
}

fn ages(html: &mut String, a: &Analysis) {
    html.push_str("<h2>Pending invitations by age (days)</h2>\n");
    let bars: Vec<Bar> = AgeBucket::ALL
        .iter()
        .map(|bucket| {
            let count = a
                .invitations
                .outgoing
                .pending_by_age_days
                .get(bucket)
                .copied()
                .unwrap_or(0);
            Bar {
                label: bucket.label().to_owned(),
                value: count,
                stale: *bucket >= AgeBucket::Days22To30,
            }
        })
        .collect();
    bar_chart(html, "Pending invitations by age in days", &bars, 1);
    html.push_str(
        "<p class=\"note\">Red bars: older than three weeks, when an invitation is \
                   very unlikely ever to be accepted.</p>\n",
    );
}

fn oldest(html: &mut String, a: &Analysis, zone: &Zone) {
    if a.oldest_pending.is_empty() {
        return;
    }
    html.push_str("<h2>Oldest pending invitations</h2>\n<table>\n");
    let _ = writeln!(
        html,
        "<tr><th>sent ({})</th><th>age</th><th>name</th><th>profile</th></tr>",
        esc(zone.name())
    );
    for p in &a.oldest_pending {
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td class=\"n\">{}d</td><td>{}</td><td>{}</td></tr>",
            esc(&local(p.sent_at, zone)),
            p.age_days,
            esc(&p.name),
            profile_link(p)
        );
    }
    html.push_str("</table>\n");
}

fn withdrawals(html: &mut String, a: &Analysis, zone: &Zone) {
    let days = a.withdraw_older_than_days;
    html.push_str("<h2>Recommended withdrawals</h2>\n");
    if a.recommended_withdrawals.is_empty() {
        let _ = writeln!(
            html,
            "<p>None: nothing pending is {days} days old or older.</p>"
        );
        return;
    }
    let _ = writeln!(
        html,
        "<p>{} pending for {days} days or more, oldest first. Withdraw each by hand (My \
         Network › Manage › Sent); LinkedIn lets the person be invited again about three \
         weeks later, from the day shown.</p>\n<table>",
        a.recommended_withdrawals.len()
    );
    let _ = writeln!(
        html,
        "<tr><th>name</th><th>age</th><th>sent ({})</th><th>re-invite from</th>\
         <th>profile</th></tr>",
        esc(zone.name())
    );
    for w in &a.recommended_withdrawals {
        let p = &w.invitation;
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td class=\"n\">{}d</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&p.name),
            p.age_days,
            esc(&local(p.sent_at, zone)),
            w.reinvite_on,
            profile_link(p)
        );
    }
    html.push_str("</table>\n");
}

fn growth(html: &mut String, a: &Analysis) {
    html.push_str("<h2>Network growth</h2>\n");
    let months = every_month(a);
    if months.is_empty() {
        html.push_str("<p>No connections in the export.</p>\n");
        return;
    }
    // A label every year (or every month when there are few).
    let every = if months.len() > 24 { 12 } else { 1 };
    let bars: Vec<Bar> = months
        .iter()
        .map(|(month, count)| Bar {
            label: month.clone(),
            value: *count,
            stale: false,
        })
        .collect();
    html.push_str("<p>New connections per month of <i>Connected On</i>:</p>\n");
    bar_chart(html, "New connections per month", &bars, every);
    html.push_str("<p>Connections in all, at the end of each month:</p>\n");
    let mut total = 0u64;
    let sizes: Vec<(String, u64)> = months
        .iter()
        .map(|(month, count)| {
            total += u64::from(*count);
            (month.clone(), total)
        })
        .collect();
    line_chart(html, "Connections in all", &sizes, every);
}

/// A link to a canonical profile URL (or nothing).
fn profile_link(p: &PendingInvitation) -> String {
    match &p.profile_url {
        Some(url) => format!(
            "<a href=\"{}\" rel=\"noreferrer\">{}</a>",
            esc(url),
            esc(url)
        ),
        None => String::new(),
    }
}

/// One bar of a chart.
#[derive(Debug)]
struct Bar {
    label: String,
    value: u32,
    /// Drawn in the warning colour.
    stale: bool,
}

const WIDTH: f64 = 900.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 44.0;
const BOTTOM: f64 = 28.0;
const TOP: f64 = 16.0;

/// A bar chart; every `every`th label is written under its bar.
fn bar_chart(html: &mut String, title: &str, bars: &[Bar], every: usize) {
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let (plot_h, slot) = open_chart(html, title, f64::from(max), bars.len());
    for (i, bar) in bars.iter().enumerate() {
        let h = f64::from(bar.value) / f64::from(max) * plot_h;
        let x = LEFT + i as f64 * slot;
        let class = if bar.stale { "bar over" } else { "bar" };
        let _ = writeln!(
            html,
            "<rect class=\"{class}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\">\
             <title>{}: {}</title></rect>",
            x + slot * 0.1,
            TOP + plot_h - h,
            (slot * 0.8).max(0.5),
            h,
            esc(&bar.label),
            bar.value
        );
        if bars.len() <= 24 && bar.value > 0 {
            let _ = writeln!(
                html,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                x + slot / 2.0,
                TOP + plot_h - h - 3.0,
                bar.value
            );
        }
        if labelled(i, &bar.label, every) {
            let _ = writeln!(
                html,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                x + slot / 2.0,
                HEIGHT - 10.0,
                esc(&label_at(&bar.label, every))
            );
        }
    }
    html.push_str("</svg>\n");
}

/// A line chart of growing totals; every `every`th label is written under its point.
fn line_chart(html: &mut String, title: &str, points: &[(String, u64)], every: usize) {
    let max = points.iter().map(|p| p.1).max().unwrap_or(0).max(1) as f64;
    let (plot_h, step) = open_chart(html, title, max, points.len());
    let path: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, (_, total))| {
            format!(
                "{:.1},{:.1}",
                LEFT + (i as f64 + 0.5) * step,
                TOP + plot_h - *total as f64 / max * plot_h
            )
        })
        .collect();
    let _ = writeln!(
        html,
        "<polyline class=\"line\" points=\"{}\"/>",
        path.join(" ")
    );
    for (i, (label, _)) in points.iter().enumerate() {
        if labelled(i, label, every) {
            let _ = writeln!(
                html,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                LEFT + (i as f64 + 0.5) * step,
                HEIGHT - 10.0,
                esc(&label_at(label, every))
            );
        }
    }
    html.push_str("</svg>\n");
}

/// Opens the `<svg>` of a chart of `slots` values up to `max` and draws its base line and the
/// largest value on the left. Returns the height of the plot and the width of one slot.
fn open_chart(html: &mut String, title: &str, max: f64, slots: usize) -> (f64, f64) {
    let plot_h = HEIGHT - BOTTOM - TOP;
    let slot = (WIDTH - LEFT - 8.0) / slots.max(1) as f64;
    let _ = writeln!(
        html,
        "<svg viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"{}\">",
        esc(title)
    );
    let _ = write!(
        html,
        "<line class=\"axis\" x1=\"{LEFT}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\"/>\n\
         <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{max}</text>\n\
         <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">0</text>\n",
        TOP + plot_h,
        WIDTH - 8.0,
        TOP + plot_h,
        LEFT - 6.0,
        TOP + 10.0,
        LEFT - 6.0,
        TOP + plot_h
    );
    (plot_h, slot)
}

/// Whether the `i`th label is written: every one when `every` is 1; otherwise the first and
/// each January.
fn labelled(i: usize, label: &str, every: usize) -> bool {
    every <= 1 || i == 0 || label.ends_with("-01")
}

/// A month label as written under the axis: the year alone when only years are labelled.
fn label_at(label: &str, every: usize) -> String {
    if every >= 12 {
        label.split('-').next().unwrap_or(label).to_owned()
    } else {
        label.to_owned()
    }
}

/// `text` with `&`, `<`, `>`, `"` and `'` escaped, for element content and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
