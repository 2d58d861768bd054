//! `overture status`: per account its state, pending invitations, invitations against the caps,
//! and the next planned actions.

use jiff::Timestamp;
use overture_core::{Account, AccountStatus, ActionKind, ActionState};
use overture_engine::health::AccountHealth;
use overture_store::{ActionQuery, Store};
use serde::Serialize;

use super::Ctx;
use crate::cli::StatusArgs;
use crate::error::{CliError, CliResult};
use crate::output::{print_json, table};

/// How many planned actions are shown per account.
const NEXT: usize = 3;

#[derive(Debug, Serialize)]
struct AccountStatusReport {
    name: String,
    kind: String,
    tier: String,
    state: String,
    /// The status in full (reason, until).
    status: AccountStatus,
    #[serde(flatten)]
    health: AccountHealth,
    next: Vec<PlannedAction>,
}

#[derive(Debug, Serialize)]
struct PlannedAction {
    kind: ActionKind,
    due_at: Timestamp,
    lead_id: Option<i64>,
}

#[derive(Debug, Serialize)]
struct StatusReport {
    at: Timestamp,
    accounts: Vec<AccountStatusReport>,
}

pub async fn run(ctx: &Ctx, args: StatusArgs) -> CliResult {
    let at = match &args.at {
        Some(text) => text.parse::<Timestamp>().map_err(|e| {
            CliError::input(format!(
                "--at `{text}`: {e} (use RFC 3339, e.g. 2026-03-06T05:00:00Z)"
            ))
        })?,
        None => ctx.now(),
    };
    let store = ctx.store(false).await?;
    let ws = ctx.settings.workspace();
    let mut accounts = Vec::new();
    for account in store.list_accounts(ws).await? {
        accounts.push(account_status(&store, &account, at).await?);
    }
    let report = StatusReport { at, accounts };
    if args.json {
        return print_json(&report);
    }
    print(&report);
    Ok(())
}

async fn account_status(
    store: &impl Store,
    account: &Account,
    at: Timestamp,
) -> CliResult<AccountStatusReport> {
    let health = overture_engine::health::account_health(store, account, at)
        .await
        .map_err(super::invites::engine_error)?;
    let mut queued = store
        .list_actions(
            account.workspace_id,
            ActionQuery {
                state: Some(ActionState::Queued),
                account: Some(account.id),
                limit: 10_000,
            },
        )
        .await?;
    queued.sort_by_key(|a| (a.due_at, a.id));
    Ok(AccountStatusReport {
        name: account.name.clone(),
        kind: account.kind.to_string(),
        tier: account.tier.to_string(),
        state: account.status.name().to_owned(),
        status: account.status.clone(),
        health,
        next: queued
            .iter()
            .take(NEXT)
            .map(|a| PlannedAction {
                kind: a.kind,
                due_at: a.due_at,
                lead_id: a.lead_id.map(|l| l.get()),
            })
            .collect(),
    })
}

fn print(report: &StatusReport) {
    if report.accounts.is_empty() {
        println!("No accounts yet. Add one: overture account add sandbox --name alice");
        return;
    }
    let cap = |n: Option<u32>| n.map_or_else(|| "off".to_owned(), |n| n.to_string());
    let mut t = table([
        "account",
        "state",
        "pending",
        "invites 24h",
        "invites 7d",
        "next actions",
    ]);
    for a in &report.accounts {
        let state = match &a.status {
            AccountStatus::Paused { reason } => format!("paused: {reason}"),
            AccountStatus::Restricted { until } => format!("restricted until {until}"),
            other => other.name().replace('_', " "),
        };
        let next = if a.next.is_empty() {
            "none planned".to_owned()
        } else {
            a.next
                .iter()
                .map(|n| format!("{} {}", n.kind, n.due_at.strftime("%m-%d %H:%M")))
                .collect::<Vec<_>>()
                .join("\n")
        };
        t.add_row([
            format!("{} ({}, {})", a.name, a.kind, a.tier),
            state,
            if a.health.pending_cap < a.health.pending_cap_setting {
                format!(
                    "{} / {}\n(lowered from {}\nafter a restriction)",
                    a.health.pending, a.health.pending_cap, a.health.pending_cap_setting
                )
            } else {
                format!("{} / {}", a.health.pending, a.health.pending_cap)
            },
            format!(
                "{} / {}",
                a.health.invites_24h,
                cap(a.health.invite_day_cap)
            ),
            format!(
                "{} / {}",
                a.health.invites_7d,
                cap(a.health.invite_week_cap)
            ),
            next,
        ]);
    }
    println!("As of {} (UTC):", report.at.strftime("%Y-%m-%d %H:%M"));
    println!("{t}");
}
