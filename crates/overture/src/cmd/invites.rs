//! `overture invites pending|withdraw|stats`: the pending invitations of each account as the
//! governor sees them (with each one's chance of still being accepted), withdrawing the stale
//! ones by hand, and the acceptance statistics behind the estimate.
//!
//! The choices are the governor's pure functions (`overture_core::governor`) on the engine's
//! view of an account (`overture_engine::govern`); withdrawals are only queued here, and a
//! running engine carries them out inside the account's limits.

mod stats;
mod withdraw;

use std::collections::{BTreeMap, BTreeSet};

use jiff::{SignedDuration, Timestamp};
use overture_core::{Account, CampaignId, Invitation, LeadId, WorkspaceId};
use overture_engine::EngineError;
use overture_engine::govern::{self, AccountView};
use overture_store::{Store, StoreError};
use serde::Serialize;

use super::Ctx;
use crate::cli::{InvitesCommand, InvitesPending};
use crate::error::{CliError, CliResult};
use crate::output::{self, duration, percent, print_json, table};

/// Seconds in a day of 24 hours: ages are whole days of 24 hours, rounded down.
const DAY: i64 = 24 * 60 * 60;

pub async fn run(ctx: &Ctx, command: InvitesCommand) -> CliResult {
    match command {
        InvitesCommand::Pending(args) => pending(ctx, args).await,
        InvitesCommand::Withdraw(args) => withdraw::run(ctx, args).await,
        InvitesCommand::Stats(args) => stats::run(ctx, args).await,
    }
}

// `overture invites pending`

/// One pending invitation, as `invites pending` shows it.
#[derive(Debug, Serialize)]
struct PendingRow {
    id: i64,
    account: String,
    lead_id: i64,
    lead: Option<String>,
    profile_url: String,
    sent_at: Timestamp,
    age_days: i64,
    note: bool,
    campaign: Option<String>,
    /// The chance that it is still accepted, from its account's estimate.
    still_likely: f64,
    /// A withdrawal of it is queued (by `invites withdraw` or a campaign).
    withdrawal_queued: bool,
}

#[derive(Debug, Serialize)]
struct PendingReport {
    at: Timestamp,
    invitations: Vec<PendingRow>,
}

async fn pending(ctx: &Ctx, args: InvitesPending) -> CliResult {
    let at = instant(ctx, args.at.as_deref())?;
    let older_than = args
        .older_than
        .as_deref()
        .map(|text| duration("--older-than", text))
        .transpose()?;
    let store = ctx.store(false).await?;
    let ws = ctx.settings.workspace();
    let accounts = accounts_named(&store, ws, args.account.as_deref()).await?;
    let campaigns = campaign_names(&store, ws).await?;
    let mut invitations = Vec::new();
    for account in &accounts {
        let view = load(&store, account, at).await?;
        let queued = queued_withdrawals(&store, account).await?;
        for invitation in view.pending() {
            let age = age(invitation, at);
            if older_than.is_some_and(|limit| age <= limit) {
                continue;
            }
            let mut row = row(&store, account, invitation, at, &campaigns).await?;
            row.still_likely = view.estimate.still_likely(age);
            row.withdrawal_queued = queued.contains(&invitation.lead_id);
            invitations.push(row);
        }
    }
    invitations.sort_by_key(|r| (r.sent_at, r.id));
    let report = PendingReport { at, invitations };
    if args.json.json {
        return print_json(&report);
    }
    if report.invitations.is_empty() {
        match &args.older_than {
            Some(text) => println!("No pending invitations older than {text}."),
            None => println!("No pending invitations."),
        }
        return Ok(());
    }
    let mut t = table([
        "account",
        "lead",
        "sent (UTC)",
        "age",
        "note",
        "campaign",
        "chance",
    ]);
    for r in &report.invitations {
        let campaign = r.campaign.clone().unwrap_or_else(|| "(by hand)".to_owned());
        let mut chance = percent(r.still_likely);
        if r.withdrawal_queued {
            chance.push_str("\nwithdrawal queued");
        }
        t.add_row([
            r.account.clone(),
            describe_lead(r),
            r.sent_at.strftime("%Y-%m-%d %H:%M").to_string(),
            format!("{}d", r.age_days),
            if r.note { "yes" } else { "no" }.to_owned(),
            campaign,
            chance,
        ]);
    }
    println!(
        "As of {} (UTC), oldest first:",
        report.at.strftime("%Y-%m-%d %H:%M")
    );
    println!("{t}");
    println!(
        "{} pending. \"chance\" is the estimated chance that the invitation is still accepted.",
        report.invitations.len()
    );
    Ok(())
}

// Shared helpers.

/// `--at`, or now.
fn instant(ctx: &Ctx, at: Option<&str>) -> CliResult<Timestamp> {
    match at {
        Some(text) => output::instant("--at", text),
        None => Ok(ctx.now()),
    }
}

/// The account named `name`, or an input error that says where to find the names.
pub(super) async fn account_named(
    store: &impl Store,
    ws: WorkspaceId,
    name: &str,
) -> CliResult<Account> {
    store.account_by_name(ws, name).await.map_err(|e| match e {
        StoreError::NotFound { .. } => CliError::input(format!(
            "no account named `{name}` (see `overture account list`)"
        )),
        other => CliError::from(other),
    })
}

/// The named account, or every account.
async fn accounts_named(
    store: &impl Store,
    ws: WorkspaceId,
    name: Option<&str>,
) -> CliResult<Vec<Account>> {
    match name {
        Some(name) => Ok(vec![account_named(store, ws, name).await?]),
        None => Ok(store.list_accounts(ws).await?),
    }
}

/// The governor's view of the account at `at`; invitations sent after `at` (when `--at` is
/// in the past) are left out.
async fn load(store: &impl Store, account: &Account, at: Timestamp) -> CliResult<AccountView> {
    let mut view = govern::view(store, account.workspace_id, account.id, at)
        .await
        .map_err(engine_error)?;
    view.invitations.retain(|i| i.sent_at <= at);
    Ok(view)
}

/// The leads of the account's withdrawals that are queued or under way, whoever queued them
/// (`invites withdraw` or a campaign): an account has at most one pending invitation per lead.
async fn queued_withdrawals(store: &impl Store, account: &Account) -> CliResult<BTreeSet<LeadId>> {
    govern::queued_withdrawals(store, account)
        .await
        .map_err(engine_error)
}

async fn campaign_names(
    store: &impl Store,
    ws: WorkspaceId,
) -> CliResult<BTreeMap<CampaignId, String>> {
    Ok(store
        .list_campaigns(ws)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect())
}

/// The row of a pending invitation, its chance and queue flag still to be filled in.
async fn row(
    store: &impl Store,
    account: &Account,
    invitation: &Invitation,
    at: Timestamp,
    campaigns: &BTreeMap<CampaignId, String>,
) -> CliResult<PendingRow> {
    let lead = store
        .lead(invitation.workspace_id, invitation.lead_id)
        .await?;
    let name = [
        lead.data.first_name.as_deref(),
        lead.data.last_name.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    Ok(PendingRow {
        id: invitation.id.get(),
        account: account.name.clone(),
        lead_id: invitation.lead_id.get(),
        lead: (!name.is_empty()).then_some(name),
        profile_url: lead.data.profile_url.to_string(),
        sent_at: invitation.sent_at,
        age_days: age(invitation, at).as_secs().div_euclid(DAY),
        note: invitation.note.is_some(),
        campaign: invitation
            .campaign_id
            .and_then(|id| campaigns.get(&id).cloned()),
        still_likely: 0.0,
        withdrawal_queued: false,
    })
}

fn age(invitation: &Invitation, at: Timestamp) -> SignedDuration {
    at.duration_since(invitation.sent_at)
}

fn describe_lead(row: &PendingRow) -> String {
    match &row.lead {
        Some(name) => format!("{name}\n{}", row.profile_url),
        None => row.profile_url.clone(),
    }
}

/// A duration in whole days (`21d`) or hours (`36h`) when it is one.
fn days_text(d: SignedDuration) -> String {
    let secs = d.as_secs();
    if secs % DAY == 0 && d.subsec_nanos() == 0 {
        format!("{}d", secs / DAY)
    } else if secs % 3600 == 0 && d.subsec_nanos() == 0 {
        format!("{}h", secs / 3600)
    } else {
        format!("{d:#}")
    }
}

/// An engine failure as the CLI reports it: a store's by its kind, anything else as internal.
pub(crate) fn engine_error(e: EngineError) -> CliError {
    match e {
        EngineError::Store(e) => CliError::from(e),
        other => CliError::Internal(anyhow::Error::new(other)),
    }
}
