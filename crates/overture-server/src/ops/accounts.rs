//! Adding sender accounts and reading their health.

use jiff::Timestamp;
use overture_core::account::{ACCOUNT_NAME_RULE, Zone, is_account_name};
use overture_core::limits::AccountLimits;
use overture_core::working_hours::WorkingHours;
use overture_core::{
    Account, AccountId, AccountKind, AccountStatus, NewAccount, Tier, WorkspaceId,
};
use overture_engine::health::{AccountHealth, account_health};
use overture_store::{Store, StoreError};

use super::OpsError;

/// A new sender account, as a person writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRequest {
    /// Its handle: 1 to 64 letters, digits, `-`, `_` or `.`.
    pub name: String,
    /// `linkedin`, `sandbox` or `email`.
    pub kind: String,
    /// `free`, `premium` or `sales_navigator`; `free` when not given.
    pub tier: Option<String>,
    /// An IANA time zone (`Europe/Berlin`); UTC when not given.
    pub time_zone: Option<String>,
}

/// An account and its health.
#[derive(Debug, Clone)]
pub struct AccountHealthReport {
    /// The account.
    pub account: Account,
    /// Its health now.
    pub health: AccountHealth,
}

pub(super) async fn create<S: Store>(
    store: &S,
    ws: WorkspaceId,
    request: AccountRequest,
    now: Timestamp,
) -> Result<Account, OpsError> {
    let name = request.name.trim().to_owned();
    if !is_account_name(&name) {
        return Err(OpsError::invalid(format!(
            "name `{name}`: {ACCOUNT_NAME_RULE}"
        )));
    }
    let kind: AccountKind = request
        .kind
        .parse()
        .map_err(|e| OpsError::invalid(format!("kind: {e}")))?;
    let tier: Tier = match &request.tier {
        Some(text) => text
            .parse()
            .map_err(|e| OpsError::invalid(format!("tier: {e}")))?,
        None => Tier::Free,
    };
    let time_zone = match &request.time_zone {
        Some(text) => {
            Zone::parse(text).map_err(|e| OpsError::invalid(format!("time_zone: {e}")))?
        }
        None => Zone::utc(),
    };
    // Seats that need credentials wait for them before they act; the command line gives them.
    let status = match kind {
        AccountKind::Sandbox => AccountStatus::Active,
        AccountKind::Linkedin | AccountKind::Email => AccountStatus::NeedsCredentials,
    };
    let created = store
        .create_account(NewAccount {
            workspace_id: ws,
            name: name.clone(),
            kind,
            tier,
            time_zone,
            working_hours: WorkingHours::default(),
            limits: AccountLimits::for_tier(tier),
            governor: Default::default(),
            sender: Default::default(),
            status,
            created_at: now,
        })
        .await;
    match created {
        Ok(account) => Ok(account),
        Err(StoreError::Conflict { .. }) => Err(OpsError::conflict(format!(
            "an account named `{name}` already exists; pick another name"
        ))),
        Err(other) => Err(other.into()),
    }
}

pub(super) async fn health<S: Store>(
    store: &S,
    ws: WorkspaceId,
    id: AccountId,
    now: Timestamp,
) -> Result<AccountHealthReport, OpsError> {
    let account = store.account(ws, id).await?;
    let health = account_health(store, &account, now).await?;
    Ok(AccountHealthReport { account, health })
}
