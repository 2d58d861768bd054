//! [`AccountLeaseStore`]: the part of the store port that lets several engines (workers) share
//! one database, each acting only for the accounts it holds.

use std::future::Future;

use jiff::{SignedDuration, Timestamp};
use overture_core::AccountId;

use crate::engine_types::InFlightEffect;
use crate::error::StoreError;
use crate::types::ClaimedAction;

/// A worker's hold on one account: while `expires_at` is in the future no other worker is
/// given the account. `fence` grows each time the account changes hands, so a worker that
/// lost its lease can be told apart from the one that holds it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountLease {
    /// The account held.
    pub account: AccountId,
    /// The worker that holds (or last held) it.
    pub worker: String,
    /// The fencing token of this holding.
    pub fence: i64,
    /// When the lease ends unless it is renewed.
    pub expires_at: Timestamp,
}

impl AccountLease {
    /// The `Conflict` a backend returns to a worker whose lease on `account` changed hands.
    pub fn lost(account: AccountId, worker: &str) -> StoreError {
        StoreError::conflict(
            "account lease",
            format!(
                "{account}: worker {worker} no longer holds this account (another worker took it over)"
            ),
        )
    }
}

/// Account affinity for many engines on one store, a part of [`Store`](crate::Store) (its
/// supertrait). An engine without a worker identity uses
/// [`Store::claim_due_actions`](crate::Store::claim_due_actions) and
/// [`Store::in_flight_intents`](crate::Store::in_flight_intents) and acts for every account,
/// as when it is the only one. [`AccountLeaseStore::work_queued`] tells an idle engine that
/// another process queued work, where the backend can tell.
pub trait AccountLeaseStore: Send + Sync {
    /// Gives `worker` up to `max` accounts that no live lease holds (never held, released, or
    /// expired), in id order, each for `lease` from `now` with a fence one higher than the
    /// account's last. Taking an account over also takes over its claimed actions: their
    /// fences grow and their leases end at `now`, so the former holder's writes about them are
    /// `Conflict` and the new holder may claim them again. Accounts `worker` holds already are
    /// not returned (see [`AccountLeaseStore::renew_account_lease`]).
    fn acquire_accounts(
        &self,
        worker: &str,
        now: Timestamp,
        lease: SignedDuration,
        max: u32,
    ) -> impl Future<Output = Result<Vec<AccountLease>, StoreError>> + Send;

    /// Extends `worker`'s lease on `account` to `now + lease`. A lease that changed hands
    /// since (another fence or worker) is a `Conflict` and changes nothing: the worker must
    /// stop acting for the account.
    fn renew_account_lease(
        &self,
        worker: &str,
        account: AccountId,
        fence: i64,
        now: Timestamp,
        lease: SignedDuration,
    ) -> impl Future<Output = Result<AccountLease, StoreError>> + Send;

    /// Ends `worker`'s lease on `account` at `now`, so another worker may take it at once.
    /// Returns whether the lease was still this worker's (a stale one changes nothing).
    fn release_account(
        &self,
        worker: &str,
        account: AccountId,
        fence: i64,
        now: Timestamp,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Every account lease ever given, live or not, in account order.
    fn account_leases(&self) -> impl Future<Output = Result<Vec<AccountLease>, StoreError>> + Send;

    /// [`Store::claim_due_actions`](crate::Store::claim_due_actions) limited to the accounts
    /// `worker` holds by a lease live at `now`.
    fn claim_due_actions_for(
        &self,
        worker: &str,
        now: Timestamp,
        limit: u32,
        lease: SignedDuration,
    ) -> impl Future<Output = Result<Vec<ClaimedAction>, StoreError>> + Send;

    /// [`Store::in_flight_intents`](crate::Store::in_flight_intents) limited to the accounts
    /// `worker` holds by a lease live at `now`: the intents a former holder left without a
    /// result, taken over with a new lease and fence for reconciliation.
    fn in_flight_intents_for(
        &self,
        worker: &str,
        now: Timestamp,
        lease: SignedDuration,
    ) -> impl Future<Output = Result<Vec<InFlightEffect>, StoreError>> + Send;

    /// Completes when work may have been queued by another process since the last time it
    /// completed (new actions, new enrollments, a campaign or account whose status changed),
    /// so that an idle engine ticks at once rather than at its next scheduled instant.
    ///
    /// A signal that arrives while nobody waits is kept (one, however many arrive): the next
    /// call completes at once, so work queued while the engine was busy is not missed. It may
    /// complete without new work (the engine's own inserts, a reconnection after which the
    /// backend cannot tell what it missed); a spare tick is all that costs. A backend that
    /// cannot tell never completes, and the engine wakes on its schedule alone. Any number of
    /// callers may wait; each signal wakes one of them.
    fn work_queued(&self) -> impl Future<Output = ()> + Send;

    /// [`Store::next_due`](crate::Store::next_due) limited to what `worker` may act on: the
    /// queued actions, expiring claims and open enrollments of the accounts it holds by a lease
    /// live at `now`, and, when it may hold `more` accounts, the instant the first live lease
    /// of another worker runs out (an account it could then take over). `None` when nothing
    /// is. Work of accounts other workers hold never wakes it.
    fn next_due_for(
        &self,
        worker: &str,
        now: Timestamp,
        more: bool,
    ) -> impl Future<Output = Result<Option<Timestamp>, StoreError>> + Send;
}
