//! Account affinity: an engine running as one worker among several on a store holds accounts
//! under leases and acts only for those, so one account is only ever acted for by one engine
//! at a time (its limits and budgets are counted in one place, and a LinkedIn session never
//! appears from two machines).

use jiff::Timestamp;
use overture_channel::Channels;
use overture_clock::Clock;
use overture_core::AccountId;
use overture_store::{ClaimedAction, InFlightEffect, Store, StoreError};

use crate::{Engine, EngineError, WorkerConfig, plus};

impl<S: Store, C: Channels, K: Clock> Engine<S, C, K> {
    /// Renews the leases that are half spent, drops the ones another worker took over, and
    /// takes free accounts up to the maximum. Returns whether it took any (their former
    /// holders' in-flight actions then need reconciling). Does nothing without a worker.
    pub(crate) async fn hold_accounts(&mut self, now: Timestamp) -> Result<bool, EngineError> {
        let Some(worker) = self.config.worker.clone() else {
            return Ok(false);
        };
        let half = worker.account_lease / 2;
        let aging: Vec<AccountId> = self
            .held
            .values()
            .filter(|lease| lease.expires_at <= plus(now, half))
            .map(|lease| lease.account)
            .collect();
        for account in aging {
            self.renew(&worker, account, now).await?;
        }
        let room = u32::try_from(self.held.len())
            .map_or(0, |held| worker.max_accounts.saturating_sub(held));
        if room == 0 {
            return Ok(false);
        }
        let taken = self
            .store
            .acquire_accounts(&worker.id, now, worker.account_lease, room)
            .await?;
        let any = !taken.is_empty();
        for lease in taken {
            tracing::info!(worker = %worker.id, account = %lease.account, fence = lease.fence, "holding account");
            // What was learnt about the account while another worker held it is stale.
            self.next_poll.remove(&lease.account);
            self.next_govern.remove(&lease.account);
            self.accounts.remove(&lease.account);
            self.held.insert(lease.account, lease);
        }
        Ok(any)
    }

    /// Whether this engine acts for `account` at `now`: always without a worker, else while
    /// it holds the account's lease.
    pub(crate) fn serves(&self, account: AccountId, now: Timestamp) -> bool {
        self.config.worker.is_none()
            || self
                .held
                .get(&account)
                .is_some_and(|lease| lease.expires_at > now)
    }

    /// Whether this engine may still call the channel for `account`, just before it does: a
    /// lease with less than half of its time left is renewed first, so that a process frozen
    /// or cut off past its lease learns from the store that another worker took the account
    /// over (and then drops it) instead of acting on a lease it no longer has. Always true
    /// without a worker.
    pub(crate) async fn still_holds(&mut self, account: AccountId) -> Result<bool, EngineError> {
        let Some(worker) = self.config.worker.clone() else {
            return Ok(true);
        };
        let now = self.clock.now();
        match self.held.get(&account) {
            None => Ok(false),
            Some(lease) if lease.expires_at > plus(now, worker.account_lease / 2) => Ok(true),
            Some(_) => self.renew(&worker, account, now).await,
        }
    }

    /// Renews the lease on `account` from `now`; a lease another worker took over is dropped
    /// (the account is no longer acted for) and `false` returned.
    async fn renew(
        &mut self,
        worker: &WorkerConfig,
        account: AccountId,
        now: Timestamp,
    ) -> Result<bool, EngineError> {
        let Some(fence) = self.held.get(&account).map(|lease| lease.fence) else {
            return Ok(false);
        };
        let renewed = self
            .store
            .renew_account_lease(&worker.id, account, fence, now, worker.account_lease)
            .await;
        match renewed {
            Ok(renewed) => {
                self.held.insert(account, renewed);
                Ok(true)
            }
            Err(StoreError::Conflict { .. }) => {
                tracing::warn!(worker = %worker.id, %account, "another worker took this account over; not acting for it");
                self.held.remove(&account);
                Ok(false)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// When the next lease needs renewing, or (holding nothing) when to look for free
    /// accounts again; `None` without a worker.
    pub(crate) fn next_renewal(&self) -> Option<Timestamp> {
        let worker = self.config.worker.as_ref()?;
        let half = worker.account_lease / 2;
        let renew = self
            .held
            .values()
            .map(|lease| {
                lease
                    .expires_at
                    .checked_sub(half)
                    .unwrap_or(lease.expires_at)
            })
            .min();
        Some(renew.unwrap_or_else(|| plus(self.clock.now(), half)))
    }

    /// Claims due actions: of every account, or of the accounts the worker holds.
    pub(crate) async fn claim(&self, now: Timestamp) -> Result<Vec<ClaimedAction>, StoreError> {
        let (batch, lease) = (self.config.batch, self.config.lease);
        match &self.config.worker {
            None => self.store.claim_due_actions(now, batch, lease).await,
            Some(w) => {
                self.store
                    .claim_due_actions_for(&w.id, now, batch, lease)
                    .await
            }
        }
    }

    /// Takes over in-flight intents: of every account, or of the accounts the worker holds.
    pub(crate) async fn in_flight(
        &self,
        now: Timestamp,
    ) -> Result<Vec<InFlightEffect>, StoreError> {
        let lease = self.config.lease;
        match &self.config.worker {
            None => self.store.in_flight_intents(now, lease).await,
            Some(w) => self.store.in_flight_intents_for(&w.id, now, lease).await,
        }
    }
}
