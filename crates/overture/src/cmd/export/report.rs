//! The analysis as a report for a terminal: the pending count against a healthy ceiling, the
//! age histogram and the network's growth as text bars, the oldest invitations, and the
//! withdrawals to make by hand with the day each person may be invited again.

use overture_core::account::Zone;
use overture_core::governor::AgeBucket;
use overture_import::export::{Analysis, OwnerSource, PendingInvitation};

use super::{every_month, local};
use crate::output::{bar, cell, table};

/// Months shown one by one in the growth chart; earlier ones are summed by year.
const RECENT_MONTHS: usize = 24;

/// Prints the report on standard output.
pub(super) fn print(a: &Analysis, zone: &Zone) {
    print_header(a, zone);
    println!();
    print_invitations(a);
    println!();
    print_ages(a);
    if !a.oldest_pending.is_empty() {
        println!();
        println!("Oldest pending invitations:");
        let mut t = table([
            format!("sent ({})", zone.name()),
            "age".to_owned(),
            "name".to_owned(),
            "profile".to_owned(),
        ]);
        for p in &a.oldest_pending {
            t.add_row(pending_row(p, zone));
        }
        println!("{t}");
    }
    println!();
    print_withdrawals(a, zone);
    println!();
    print_growth(a);
    println!();
    match &a.messages {
        Some(m) => {
            let answered = match m.started_by_you {
                0 => String::new(),
                started => format!(" ({})", share(m.answered, started)),
            };
            println!(
                "Conversations: {}, {} started by you, {} of those answered{answered}.",
                m.conversations, m.started_by_you, m.answered
            );
        }
        None => println!("Conversations: the export has no messages.csv."),
    }
}

fn print_header(a: &Analysis, zone: &Zone) {
    let owner = match &a.owner {
        Some(owner) => {
            let name = owner
                .name
                .clone()
                .or_else(|| owner.profile_url.clone())
                .unwrap_or_default();
            let source = match owner.source {
                OwnerSource::Profile => "Profile.csv",
                OwnerSource::Invitations => "the invitations you sent",
                OwnerSource::Messages => "messages.csv",
            };
            format!(" of {name} (named by {source})")
        }
        None => String::new(),
    };
    println!(
        "LinkedIn data export{owner}, as of {} in {}.",
        local(a.now, zone),
        zone.name()
    );
    println!(
        "Times in the export are read in {}; pass --tz to read them in another zone.",
        zone.name()
    );
    let c = &a.connections;
    println!();
    println!(
        "Connections: {} ({} hidden member(s) with only a date, {} with an email address).",
        c.total, c.hidden, c.with_email
    );
}

fn print_invitations(a: &Analysis) {
    let out = &a.invitations.outgoing;
    let by_name = match out.matched_by_name {
        0 => String::new(),
        n => format!(" ({n} of them found among the connections by name, without a profile URL)"),
    };
    println!(
        "Invitations you sent: {} in the export, {} accepted{by_name}, {} pending.",
        out.total, out.accepted, out.pending
    );
    let ceiling = a.pending_ceiling;
    println!(
        "  pending {} of a healthy {} │{}│ {}",
        out.pending,
        ceiling,
        pad(
            &bar(f64::from(out.pending), f64::from(ceiling)),
            crate::output::BAR_WIDTH as usize
        ),
        share(out.pending, ceiling)
    );
    if out.pending > ceiling {
        println!(
            "  {} over the ceiling: LinkedIn restricts accounts with many unanswered \
             invitations; withdraw the oldest first.",
            out.pending - ceiling
        );
    }
    let inc = &a.invitations.incoming;
    println!(
        "Invitations you received: {}, {} still waiting for your answer.",
        inc.total, inc.pending
    );
}

fn print_ages(a: &Analysis) {
    let ages = &a.invitations.outgoing.pending_by_age_days;
    let most = ages.values().copied().max().unwrap_or(0);
    println!("Pending invitations by age (days):");
    for bucket in AgeBucket::ALL {
        let count = ages.get(&bucket).copied().unwrap_or(0);
        println!(
            "  {:>6} │{} {count}",
            bucket.label(),
            bar(f64::from(count), f64::from(most))
        );
    }
}

fn print_withdrawals(a: &Analysis, zone: &Zone) {
    let days = a.withdraw_older_than_days;
    if a.recommended_withdrawals.is_empty() {
        println!("Recommended withdrawals: none, nothing pending is {days} days old or older.");
        return;
    }
    println!(
        "Recommended withdrawals: {} pending for {days} days or more, oldest first.",
        a.recommended_withdrawals.len()
    );
    println!(
        "Withdraw each by hand (My Network › Manage › Sent); LinkedIn lets the person be \
         invited again about three weeks later, from the day shown."
    );
    let mut t = table([
        "name".to_owned(),
        "age".to_owned(),
        format!("sent ({})", zone.name()),
        "re-invite from".to_owned(),
        "profile".to_owned(),
    ]);
    for w in &a.recommended_withdrawals {
        let p = &w.invitation;
        t.add_row([
            p.name.clone(),
            format!("{}d", p.age_days),
            local(p.sent_at, zone),
            w.reinvite_on.to_string(),
            cell(p.profile_url.as_deref()).to_owned(),
        ]);
    }
    println!("{t}");
}

fn pending_row(p: &PendingInvitation, zone: &Zone) -> [String; 4] {
    [
        local(p.sent_at, zone),
        format!("{}d", p.age_days),
        p.name.clone(),
        cell(p.profile_url.as_deref()).to_owned(),
    ]
}

fn print_growth(a: &Analysis) {
    let months = every_month(a);
    if months.is_empty() {
        println!("Network growth: no connections in the export.");
        return;
    }
    println!("Network growth: new connections by month of `Connected On`:");
    let rows = by_recent_month(&months);
    let most = rows.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let width = rows
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(7);
    for (label, count) in &rows {
        println!(
            "  {label:>width$} │{} {count}",
            bar(f64::from(*count), f64::from(most))
        );
    }
}

/// The last [`RECENT_MONTHS`] months one by one, the earlier ones summed by year (`2023`, or
/// `2024 Jan–Jun` for the part of a year before them).
fn by_recent_month(months: &[(String, u32)]) -> Vec<(String, u32)> {
    let split = months.len().saturating_sub(RECENT_MONTHS);
    let (earlier, recent) = months.split_at(split);
    let mut rows: Vec<(String, u32)> = Vec::new();
    let mut years: Vec<(&str, u32, &str, &str)> = Vec::new();
    for (month, count) in earlier {
        let (year, m) = month.split_at(4.min(month.len()));
        let m = m.trim_start_matches('-');
        match years.last_mut() {
            Some((y, total, _, last)) if *y == year => {
                *total += count;
                *last = m;
            }
            _ => years.push((year, *count, m, m)),
        }
    }
    for (year, total, first, last) in years {
        let label = if first == "01" && last == "12" {
            year.to_owned()
        } else {
            format!("{year} {}–{}", month_name(first), month_name(last))
        };
        rows.push((label, total));
    }
    rows.extend(recent.iter().cloned());
    rows
}

fn month_name(month: &str) -> &'static str {
    const NAMES: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    month
        .parse::<usize>()
        .ok()
        .and_then(|m| NAMES.get(m.wrapping_sub(1)))
        .copied()
        .unwrap_or("?")
}

/// `part` of `whole` as a percentage, `0%` of nothing.
fn share(part: u32, whole: u32) -> String {
    if whole == 0 {
        return "0%".to_owned();
    }
    format!("{:.0}%", f64::from(part) * 100.0 / f64::from(whole))
}

/// `text` padded with spaces to `width` characters.
fn pad(text: &str, width: usize) -> String {
    format!("{text:<width$}")
}
