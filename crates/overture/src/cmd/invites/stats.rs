//! `overture invites stats`: per account, invitations sent and accepted, pending by age, and
//! the estimated acceptance curve, drawn as text bars on a terminal.

use std::io::IsTerminal;

use jiff::Timestamp;
use overture_core::InvitationState;
use overture_core::governor::{
    AgeBucket, BucketCount, CURVE_DAYS, CurvePoint, PendingInvite, acceptance_curve, pending_by_age,
};
use serde::Serialize;

use super::{accounts_named, instant, load, percent};
use crate::cli::InvitesStats;
use crate::cmd::Ctx;
use crate::error::CliResult;
use crate::output::{bar, print_json, table};

#[derive(Debug, Serialize)]
struct AccountStats {
    account: String,
    sent: usize,
    accepted: usize,
    withdrawn: usize,
    /// Accepted per sent (0 without invitations).
    acceptance_rate: f64,
    /// The estimated share of invitations ever accepted (history blended with the prior).
    eventual_rate: f64,
    pending: usize,
    pending_by_age: [BucketCount; 6],
    curve: Vec<CurvePoint>,
}

#[derive(Debug, Serialize)]
struct StatsReport {
    at: Timestamp,
    accounts: Vec<AccountStats>,
}

pub(super) async fn run(ctx: &Ctx, args: InvitesStats) -> CliResult {
    let at = instant(ctx, args.at.as_deref())?;
    let store = ctx.store(false).await?;
    let ws = ctx.settings.workspace();
    let mut accounts = Vec::new();
    for account in accounts_named(&store, ws, args.account.as_deref()).await? {
        let view = load(&store, &account, at).await?;
        let count = |state| view.invitations.iter().filter(|i| i.state == state).count();
        let pending: Vec<PendingInvite> =
            view.pending().map(PendingInvite::of_invitation).collect();
        let (sent, accepted) = (view.invitations.len(), count(InvitationState::Accepted));
        accounts.push(AccountStats {
            account: account.name.clone(),
            sent,
            accepted,
            withdrawn: count(InvitationState::Withdrawn),
            acceptance_rate: if sent == 0 {
                0.0
            } else {
                accepted as f64 / sent as f64
            },
            eventual_rate: view.estimate.eventual(),
            pending: pending.len(),
            pending_by_age: pending_by_age(&pending, at),
            curve: acceptance_curve(&view.estimate, &CURVE_DAYS),
        });
    }
    let report = StatsReport { at, accounts };
    if args.json.json {
        return print_json(&report);
    }
    print_stats(&report, std::io::stdout().is_terminal());
    Ok(())
}

fn print_stats(report: &StatsReport, bars: bool) {
    if report.accounts.is_empty() {
        println!("No accounts yet. Add one: overture account add sandbox --name alice");
        return;
    }
    let mut header = vec!["account", "sent", "accepted", "rate", "pending"];
    header.extend(AgeBucket::ALL.iter().map(|b| b.label()));
    let mut t = table(header);
    for a in &report.accounts {
        let mut row = vec![
            a.account.clone(),
            a.sent.to_string(),
            a.accepted.to_string(),
            percent(a.acceptance_rate),
            a.pending.to_string(),
        ];
        row.extend(a.pending_by_age.iter().map(|b| b.count.to_string()));
        t.add_row(row);
    }
    println!(
        "As of {} (UTC); pending by age in days:",
        report.at.strftime("%Y-%m-%d %H:%M")
    );
    println!("{t}");
    for a in &report.accounts {
        println!();
        println!(
            "`{}`: estimated acceptance by age (eventually {}):",
            a.account,
            percent(a.eventual_rate)
        );
        let mut t = table(["age", "accepted by then", "still likely at that age"]);
        for p in &a.curve {
            t.add_row([
                format!("{}d", p.days),
                percent(p.accepted),
                percent(p.still_likely),
            ]);
        }
        println!("{t}");
        if bars {
            print_bars(a);
        }
    }
}

/// The age histogram and the curve as text bars.
fn print_bars(a: &AccountStats) {
    let most = a.pending_by_age.iter().map(|b| b.count).max().unwrap_or(0);
    println!("pending by age (days)");
    for b in &a.pending_by_age {
        println!(
            "  {:>6} │{} {}",
            b.bucket.label(),
            bar(f64::from(b.count), f64::from(most)),
            b.count
        );
    }
    let top = a.curve.iter().map(|p| p.accepted).fold(0.0, f64::max);
    println!("accepted by age (share of invitations; bars scaled to the largest)");
    for p in &a.curve {
        println!(
            "  {:>5}d │{} {}",
            p.days,
            bar(p.accepted, top),
            percent(p.accepted)
        );
    }
    let top = a.curve.iter().map(|p| p.still_likely).fold(0.0, f64::max);
    println!("chance still to be accepted at that age (bars scaled to the largest)");
    for p in &a.curve {
        println!(
            "  {:>5}d │{} {}",
            p.days,
            bar(p.still_likely, top),
            percent(p.still_likely)
        );
    }
}
