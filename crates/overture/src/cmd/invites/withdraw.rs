//! `overture invites withdraw`: choose pending invitations by age, by how many to keep, or as
//! the account's policy would, and queue their withdrawal (or only list them, `--dry-run`).

use std::collections::{BTreeMap, BTreeSet};

use jiff::{SignedDuration, Timestamp};
use overture_core::governor::{Policy, WithdrawReason};
use overture_core::{CampaignId, Invitation, LeadId};
use overture_engine::govern::{self, AccountView};
use serde::Serialize;

use super::{
    PendingRow, account_named, age, campaign_names, days_text, describe_lead, engine_error,
    instant, load, percent, queued_withdrawals, row,
};
use crate::cli::{InvitesWithdraw, WithdrawMode};
use crate::cmd::Ctx;
use crate::error::CliResult;
use crate::output::duration;
use crate::output::{print_json, table};

/// How `invites withdraw` chooses.
#[derive(Debug, Clone, Copy)]
enum Mode {
    OlderThan(SignedDuration),
    Keep(u32),
    Smart,
}

/// Why an invitation is chosen, as shown.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "snake_case")]
enum Reason {
    /// Older than `--older-than`.
    OlderThan,
    /// Not among the `--keep` most likely to be accepted.
    BeyondKeep,
    /// The policy: older than its `withdraw_after`.
    Age,
    /// The policy: less likely than its `smart_threshold`.
    Unlikely,
    /// The policy: over its `max_pending`.
    OverCap,
    /// The policy: at its `max_pending`, making room (`make_room`).
    MakeRoom,
}

/// One invitation `invites withdraw` chose.
#[derive(Debug, Serialize)]
struct WithdrawRow {
    #[serde(flatten)]
    invitation: PendingRow,
    reason: Reason,
    /// The reason in words.
    why: String,
}

#[derive(Debug, Serialize)]
struct WithdrawReport {
    account: String,
    at: Timestamp,
    mode: &'static str,
    dry_run: bool,
    limit: u32,
    /// Pending now.
    pending: usize,
    /// The invitations chosen, in the order they go (at most `limit`).
    withdrawals: Vec<WithdrawRow>,
    /// Among them, those whose withdrawal was already queued (not queued again).
    already_queued: usize,
    /// Withdrawals queued by this run (0 in a dry run).
    queued: u64,
    /// Chosen by the mode but beyond `limit`.
    beyond_limit: usize,
    /// Chosen by the mode but kept by the policy: younger than its `min_age`, or sent by hand
    /// when it leaves those alone.
    kept_by_policy: usize,
    /// The policy's `min_age`, e.g. `3d`.
    min_age: String,
}

/// An invitation chosen by a mode, before the limit.
struct Choice<'a> {
    invitation: &'a Invitation,
    reason: Reason,
    probability: f64,
}

pub(super) async fn run(ctx: &Ctx, args: InvitesWithdraw) -> CliResult {
    let at = instant(ctx, args.at.as_deref())?;
    let mode = mode(&args.mode)?;
    let store = ctx.store(false).await?;
    let ws = ctx.settings.workspace();
    let account = account_named(&store, ws, &args.account).await?;
    let policy = account.governor;
    let limit = args.limit.unwrap_or(policy.withdrawals_per_day);
    let view = load(&store, &account, at).await?;
    let queued_leads = queued_withdrawals(&store, &account).await?;
    let campaigns = campaign_names(&store, ws).await?;
    let tightened = govern::campaign_policies(&store, ws, &policy, view.pending())
        .await
        .map_err(engine_error)?;

    let (choices, kept_by_policy) = choose(
        mode,
        &policy,
        &tightened,
        govern::room_for(&account),
        &view,
        &queued_leads,
        at,
    );
    let limit_len = usize::try_from(limit).unwrap_or(usize::MAX);
    let beyond_limit = choices.len().saturating_sub(limit_len);
    let mut withdrawals = Vec::new();
    let mut to_queue = Vec::new();
    for choice in choices.into_iter().take(limit_len) {
        let mut row = row(&store, &account, choice.invitation, at, &campaigns).await?;
        row.still_likely = choice.probability;
        row.withdrawal_queued = queued_leads.contains(&choice.invitation.lead_id);
        if !row.withdrawal_queued {
            to_queue.push(choice.invitation.id);
        }
        withdrawals.push(WithdrawRow {
            invitation: row,
            reason: choice.reason,
            why: why(
                choice.reason,
                mode,
                &policy,
                args.mode.older_than.as_deref(),
            ),
        });
    }
    let queued = if args.dry_run || to_queue.is_empty() {
        0
    } else {
        let seed = ctx.settings.engine_seed;
        // Spread over the day: a person's clean-up, not room for waiting invitations.
        govern::queue_withdrawals(&store, &account, &view, &to_queue, 0, seed, at)
            .await
            .map_err(engine_error)?
    };
    let report = WithdrawReport {
        account: account.name.clone(),
        at,
        mode: match mode {
            Mode::OlderThan(_) => "older_than",
            Mode::Keep(_) => "keep",
            Mode::Smart => "smart",
        },
        dry_run: args.dry_run,
        limit,
        pending: view.pending().count(),
        already_queued: withdrawals.len() - to_queue.len(),
        withdrawals,
        queued,
        beyond_limit,
        kept_by_policy,
        min_age: days_text(policy.min_age),
    };
    if args.json {
        return print_json(&report);
    }
    print_withdraw(&report);
    Ok(())
}

/// The mode clap let through, its duration parsed.
fn mode(args: &WithdrawMode) -> CliResult<Mode> {
    Ok(match (&args.older_than, args.keep) {
        (Some(text), _) => Mode::OlderThan(duration("--older-than", text)?),
        (None, Some(n)) => Mode::Keep(n),
        // clap requires exactly one of the three.
        (None, None) => Mode::Smart,
    })
}

/// The pending invitations `mode` chooses, in the order they should go, and how many more it
/// chose that the policy keeps (too young, or sent by hand when the policy leaves those alone).
/// `queued` are the leads whose withdrawal is already queued: `--keep` keeps none of those.
/// `tightened` holds the policies of campaigns that tighten the account's: their invitations
/// are judged by them (`--smart`) and kept while younger than their `min_age` (every mode).
fn choose<'a>(
    mode: Mode,
    policy: &Policy,
    tightened: &BTreeMap<CampaignId, Policy>,
    room: u32,
    view: &'a AccountView,
    queued: &BTreeSet<LeadId>,
    at: Timestamp,
) -> (Vec<Choice<'a>>, usize) {
    let chance = |i: &Invitation| view.estimate.still_likely(age(i, at));
    let chosen: Vec<(&Invitation, Reason)> = match mode {
        Mode::OlderThan(limit) => {
            let mut old: Vec<&Invitation> = view.pending().filter(|i| age(i, at) > limit).collect();
            old.sort_by_key(|i| (i.sent_at, i.id));
            old.into_iter().map(|i| (i, Reason::OlderThan)).collect()
        }
        Mode::Keep(keep) => {
            // Those to keep first: not on their way out already, then the most likely, and
            // between equal chances the newer one.
            let mut ranked: Vec<&Invitation> = view.pending().collect();
            ranked.sort_by(|a, b| {
                let going = |i: &Invitation| queued.contains(&i.lead_id);
                going(a)
                    .cmp(&going(b))
                    .then_with(|| chance(b).total_cmp(&chance(a)))
                    .then_with(|| (b.sent_at, b.id).cmp(&(a.sent_at, a.id)))
            });
            let keep = usize::try_from(keep).unwrap_or(usize::MAX);
            ranked
                .into_iter()
                .skip(keep)
                .rev()
                .map(|i| (i, Reason::BeyondKeep))
                .collect()
        }
        Mode::Smart => {
            let by_id: BTreeMap<_, &Invitation> = view.pending().map(|i| (i.id, i)).collect();
            govern::plan_withdrawals(policy, tightened, view, at, u32::MAX, room)
                .into_iter()
                .filter_map(|w| {
                    let reason = match w.reason {
                        WithdrawReason::Age => Reason::Age,
                        WithdrawReason::Unlikely { .. } => Reason::Unlikely,
                        WithdrawReason::OverCap => Reason::OverCap,
                        WithdrawReason::MakeRoom => Reason::MakeRoom,
                    };
                    by_id.get(&w.id).map(|i| (*i, reason))
                })
                .collect()
        }
    };
    // The smart selection applies the same rules itself; they are checked again, harmlessly.
    let allowed = |i: &Invitation| govern::may_withdraw(policy, tightened, i, at);
    let total = chosen.len();
    let choices: Vec<Choice<'a>> = chosen
        .into_iter()
        .filter(|(i, _)| allowed(i))
        .map(|(invitation, reason)| Choice {
            invitation,
            reason,
            probability: chance(invitation),
        })
        .collect();
    let kept = total - choices.len();
    (choices, kept)
}

/// The reason in words.
fn why(reason: Reason, mode: Mode, policy: &Policy, older_than: Option<&str>) -> String {
    match (reason, mode) {
        (Reason::OlderThan, _) => format!("older than {}", older_than.unwrap_or("asked")),
        (Reason::BeyondKeep, Mode::Keep(n)) => {
            format!("not among the {n} most likely to be accepted")
        }
        (Reason::BeyondKeep, _) => "not among those kept".to_owned(),
        (Reason::Age, _) => format!(
            "policy: older than withdraw_after ({})",
            days_text(policy.withdraw_after)
        ),
        (Reason::Unlikely, _) => format!(
            "policy: chance below smart_threshold ({})",
            percent(policy.smart_threshold)
        ),
        (Reason::OverCap, _) => format!(
            "policy: over max_pending ({}), among the least likely",
            policy.max_pending
        ),
        (Reason::MakeRoom, _) => format!(
            "policy: at max_pending ({}), making room (make_room)",
            policy.max_pending
        ),
    }
}

fn print_withdraw(r: &WithdrawReport) {
    if r.withdrawals.is_empty() {
        if r.pending == 0 {
            println!(
                "`{}` has no pending invitations: nothing to withdraw.",
                r.account
            );
        } else {
            println!(
                "Nothing to withdraw: none of the {} pending invitations of `{}` matches.",
                r.pending, r.account
            );
        }
        if r.kept_by_policy > 0 {
            println!(
                "{} match but are kept: younger than the policy's min_age ({}) or sent by hand.",
                r.kept_by_policy, r.min_age
            );
        }
        return;
    }
    let mut t = table(["lead", "sent (UTC)", "age", "chance", "why"]);
    for w in &r.withdrawals {
        let mut why = w.why.clone();
        if w.invitation.withdrawal_queued {
            why.push_str("\n(already queued)");
        }
        t.add_row([
            describe_lead(&w.invitation),
            w.invitation.sent_at.strftime("%Y-%m-%d %H:%M").to_string(),
            format!("{}d", w.invitation.age_days),
            percent(w.invitation.still_likely),
            why,
        ]);
    }
    let verb = if r.dry_run {
        "Would withdraw"
    } else {
        "Withdrawing"
    };
    println!(
        "{verb} {} of the {} pending invitations of `{}`:",
        r.withdrawals.len(),
        r.pending,
        r.account
    );
    println!("{t}");
    if r.beyond_limit > 0 {
        println!(
            "{} more match; --limit {} stopped there (raise it to withdraw more).",
            r.beyond_limit, r.limit
        );
    }
    if r.kept_by_policy > 0 {
        println!(
            "{} more match but are kept: younger than the policy's min_age ({}) or sent by hand.",
            r.kept_by_policy, r.min_age
        );
    }
    if r.dry_run {
        println!("Dry run: nothing was queued. Run again without --dry-run to queue them.");
        return;
    }
    if r.queued == 0 && r.already_queued > 0 {
        println!("Nothing new queued: every one of them was already queued.");
    } else if r.already_queued > 0 {
        println!(
            "Queued {} withdrawal(s); {} were already queued.",
            r.queued, r.already_queued
        );
    } else {
        println!("Queued {} withdrawal(s).", r.queued);
    }
    println!(
        "A running engine (`overture run`) carries them out, spaced inside the account's \
         withdrawal limits and working hours."
    );
}
