//! Withdrawing chosen invitations through the governor.

use std::collections::BTreeMap;

use jiff::Timestamp;
use overture_core::{AccountId, Invitation, InvitationId, InvitationState, WorkspaceId};
use overture_engine::govern;
use overture_store::{InvitationQuery, Store};
use serde::Serialize;

use super::OpsError;

/// What asking for withdrawals did, by invitation id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct WithdrawOutcome {
    /// Withdrawals queued now; the engine carries them out inside each account's limits for
    /// withdrawals and its working hours.
    pub queued: Vec<i64>,
    /// Already queued before (not queued twice).
    pub already_queued: Vec<i64>,
    /// Not pending any more (accepted, withdrawn, …): nothing to withdraw.
    pub not_pending: Vec<i64>,
    /// Kept by the account's policy: younger than its `min_age`, or sent by hand when the
    /// policy leaves those alone.
    pub kept_by_policy: Vec<i64>,
    /// Beyond what the account's withdrawal limits allow today: ask again tomorrow.
    pub not_today: Vec<i64>,
}

/// The workspace's invitation `id` (`NotFound` for another workspace's).
pub(crate) async fn invitation<S: Store>(
    store: &S,
    ws: WorkspaceId,
    id: InvitationId,
) -> Result<Invitation, OpsError> {
    let query = InvitationQuery {
        after: Some(InvitationId::from(id.get().saturating_sub(1))),
        account: None,
        state: None,
        sent_before: None,
        limit: 1,
    };
    store
        .list_invitations(ws, query)
        .await?
        .into_iter()
        .find(|i| i.id == id)
        .ok_or(OpsError::NotFound)
}

pub(super) async fn withdraw<S: Store>(
    store: &S,
    ws: WorkspaceId,
    ids: &[InvitationId],
    seed: u64,
    now: Timestamp,
) -> Result<WithdrawOutcome, OpsError> {
    // Every id is looked up before anything is queued: one unknown id queues nothing.
    let mut by_account: BTreeMap<AccountId, Vec<Invitation>> = BTreeMap::new();
    let mut seen = std::collections::BTreeSet::new();
    for &id in ids {
        if seen.insert(id) {
            let found = invitation(store, ws, id).await?;
            by_account.entry(found.account_id).or_default().push(found);
        }
    }
    let mut outcome = WithdrawOutcome::default();
    for (account_id, chosen) in by_account {
        let account = store.account(ws, account_id).await?;
        let view = govern::view(store, ws, account_id, now).await?;
        let queued = govern::queued_withdrawals(store, &account).await?;
        let policy = account.governor;
        let tightened = govern::campaign_policies(store, ws, &policy, view.pending()).await?;
        let mut to_queue = Vec::new();
        for i in chosen {
            let id = i.id.get();
            if i.state != InvitationState::Pending {
                outcome.not_pending.push(id);
            } else if queued.contains(&i.lead_id) {
                outcome.already_queued.push(id);
            } else if !govern::may_withdraw(&policy, &tightened, &i, now) {
                outcome.kept_by_policy.push(id);
            } else {
                to_queue.push(i.id);
            }
        }
        if to_queue.is_empty() {
            continue;
        }
        // Spread over the account's day, as a person's clean-up (`invites withdraw`).
        let added =
            govern::queue_withdrawals(store, &account, &view, &to_queue, 0, seed, now).await?;
        let added = usize::try_from(added).unwrap_or(usize::MAX);
        let (now_queued, later) = to_queue.split_at(added.min(to_queue.len()));
        outcome.queued.extend(now_queued.iter().map(|i| i.get()));
        outcome.not_today.extend(later.iter().map(|i| i.get()));
    }
    Ok(outcome)
}
