//! An account's health as `overture status` and the API show it: its state, its pending
//! invitations against the cap its governor keeps now, and its invitations against the day's
//! and the week's limits.

use jiff::{SignedDuration, Timestamp};
use overture_core::{Account, ActionKind};
use overture_store::Store;
use serde::Serialize;

use crate::EngineError;
use crate::govern::policy_now;

/// One account's health at an instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountHealth {
    /// Invitations sent and not answered.
    pub pending: u64,
    /// The most invitations the account keeps pending now: its `max_pending`, or lower after
    /// a restriction (docs/governor.md, "Learning from restrictions").
    pub pending_cap: u32,
    /// The account's own `max_pending` setting.
    pub pending_cap_setting: u32,
    /// Invitations sent in the last 24 hours.
    pub invites_24h: u64,
    /// Invitations sent in the last 7 days (the weekly budget used).
    pub invites_7d: u64,
    /// The invitations a day allows, when limited.
    pub invite_day_cap: Option<u32>,
    /// The invitations a rolling week allows (the weekly budget), when limited.
    pub invite_week_cap: Option<u32>,
}

/// The health of `account` at `at`.
pub async fn account_health<S: Store>(
    store: &S,
    account: &Account,
    at: Timestamp,
) -> Result<AccountHealth, EngineError> {
    let pending = store
        .pending_count(account.workspace_id, account.id)
        .await?;
    let ago = |hours: i64| {
        at.saturating_sub(SignedDuration::from_hours(hours))
            .unwrap_or(at)
    };
    let (day_ago, week_ago) = (ago(24), ago(7 * 24));
    let history = store
        .action_history(account.id, ActionKind::Invite, week_ago)
        .await?;
    let within = |since: Timestamp| {
        history
            .effects
            .iter()
            .filter(|t| **t >= since && **t <= at)
            .count() as u64
    };
    let invite = account.limits.kinds.get(&ActionKind::Invite);
    let policy = policy_now(store, account, at).await?;
    Ok(AccountHealth {
        pending,
        pending_cap: policy.max_pending,
        pending_cap_setting: account.governor.max_pending,
        invites_24h: within(day_ago),
        invites_7d: within(week_ago),
        invite_day_cap: invite.map(|l| l.per_day),
        invite_week_cap: invite.map(|l| l.per_week),
    })
}
