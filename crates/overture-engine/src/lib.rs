//! Overture's campaign engine: the runtime that turns running campaigns into actions and
//! carries them out through channels without ever leaving an account's limits.
//!
//! [`Engine`] is generic over a [`Store`], a set of [`Channels`] and a [`Clock`]. Each
//! [`Engine::tick`] polls the channels for acceptances and replies, advances the enrollments
//! whose step is due, plans new actions with the pure planner of `overture-core`, and claims
//! and executes due actions: the intent is committed to the effect ledger before the channel is
//! called, and the result with every state change after it, in one transaction. Actions whose
//! intent has no result (the process died, or a write failed transiently) are reconciled by
//! asking the channel, never retried blindly. `docs/engine.md` describes the tick, the ledger,
//! the reactions to every channel error, idempotency keys, sender rotation and planning.
//!
//! This crate must not depend on a concrete store or channel (SQLite, the sandbox, LinkedIn):
//! the binary composes them. It reads time only through the [`Clock`].

mod advance;
mod affinity;
pub mod checks;
mod config;
mod error;
mod execute;
pub mod govern;
pub mod health;
mod manual;
mod metrics;
mod payload;
mod poll;
mod reactions;
mod reconcile;
pub mod stats;
mod variants;

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use overture_channel::Channels;
use overture_clock::{Clock, ManualClock};
use overture_core::governor;
use overture_core::limits::history_window;
use overture_core::{
    Account, AccountId, ActionKind, Campaign, CampaignId, CampaignStatus, EventKind, LeadId,
    NewEvent, WorkspaceId,
};
use overture_message::Template;
use overture_store::{ContactPolicy, NewEnrollment, Store};
use serde::Serialize;

pub use config::{EngineConfig, Failpoint, FailpointHook, WorkerConfig};
pub use error::EngineError;
pub use metrics::{AccountMetrics, Counts, Report, metrics};

/// The shortest time between two ticks of [`Engine::run`] when the second is woken by work
/// queued elsewhere rather than by the engine's schedule.
pub const MIN_SPACING: SignedDuration = SignedDuration::from_secs(1);

/// How long the engine keeps its copies of accounts and campaigns before reading them again.
const CACHE_FOR: SignedDuration = SignedDuration::from_secs(60);

/// What one [`Engine::tick`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TickReport {
    /// When the engine has something to do next (`None`: nothing is scheduled).
    pub next_wakeup: Option<Timestamp>,
    /// Actions whose effect happened in this tick.
    pub actions_done: u32,
    /// Actions that failed for good in this tick.
    pub actions_failed: u32,
    /// Actions put back in the queue for later (limits, back-offs, retries).
    pub actions_released: u32,
    /// Actions reconciled with the channel (intent without result).
    pub reconciled: u32,
    /// Actions that nobody can tell happened; shown to the user.
    pub in_doubt: u32,
    /// Actions planned in this tick.
    pub planned: u32,
    /// Enrollments moved in this tick (steps without actions, branches, stops).
    pub advanced: u32,
    /// Accounts polled for acceptances and replies.
    pub polled: u32,
    /// Withdrawals the governor queued.
    pub governed: u32,
    /// Invitations sent by hand that the governor found and recorded.
    pub discovered: u32,
}

/// The campaign engine. See the crate documentation.
#[derive(Debug)]
pub struct Engine<S, C, K> {
    store: S,
    channels: C,
    clock: K,
    config: EngineConfig,
    /// Whether the start-up reconciliation ran.
    started: bool,
    /// Accounts and campaigns read since `cached_at`.
    accounts: HashMap<AccountId, Account>,
    campaigns: HashMap<CampaignId, Campaign>,
    /// When the account and campaign copies were started.
    cached_at: Option<Timestamp>,
    /// When each account with open enrollments is polled next.
    next_poll: HashMap<AccountId, Timestamp>,
    /// When the governor looks at each account next.
    next_govern: HashMap<AccountId, Timestamp>,
    /// The accounts whose planning had invitations to send since the governor's last turn:
    /// `make_room` keeps room free only for them. Kept in memory: after a restart the next
    /// planning tells.
    wants_to_invite: HashSet<AccountId>,
    /// The restrictions each account has had, read from its `account_restricted` events the
    /// first time the account is read and kept up to date as restrictions happen: a `smart`
    /// governor keeps fewer invitations pending after one ([`governor::restrained`]).
    restrictions: HashMap<AccountId, Vec<governor::Restriction>>,
    /// The accounts the governor looks after, and when that list was read.
    governed: Option<(Timestamp, Vec<(WorkspaceId, AccountId)>)>,
    /// The accounts with open enrollments, and when that list was read.
    open_accounts: Option<(Timestamp, Vec<(WorkspaceId, AccountId)>)>,
    /// Message templates compiled so far, by source (or why the source does not compile).
    templates: HashMap<String, Result<Arc<Template>, String>>,
    /// The variant statistics of campaign steps, and when they were read (see `variants`).
    variant_stats: HashMap<(CampaignId, u32), (Timestamp, Vec<overture_store::VariantStats>)>,
    /// The accounts this engine holds, as a worker among several (see `affinity`).
    held: HashMap<AccountId, overture_store::AccountLease>,
}

impl<S: Store, C: Channels, K: Clock> Engine<S, C, K> {
    /// An engine on `store`, `channels` and `clock`.
    pub fn new(store: S, channels: C, clock: K, config: EngineConfig) -> Self {
        Self {
            store,
            channels,
            clock,
            config,
            started: false,
            accounts: HashMap::new(),
            campaigns: HashMap::new(),
            cached_at: None,
            next_poll: HashMap::new(),
            next_govern: HashMap::new(),
            wants_to_invite: HashSet::new(),
            restrictions: HashMap::new(),
            governed: None,
            open_accounts: None,
            templates: HashMap::new(),
            variant_stats: HashMap::new(),
            held: HashMap::new(),
        }
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The clock.
    pub fn clock(&self) -> &K {
        &self.clock
    }

    /// Starts a campaign (see [`start_campaign`]) at the clock's instant.
    pub async fn start_campaign(
        &mut self,
        ws: WorkspaceId,
        campaign: CampaignId,
    ) -> Result<u64, EngineError> {
        let now = self.clock.now();
        let enrolled = start_campaign(&self.store, ws, campaign, now).await?;
        self.campaigns.remove(&campaign);
        Ok(enrolled)
    }

    /// One round of work at the clock's current instant: reconcile (at start), poll, advance
    /// and plan enrollments, execute due actions. Returns what it did and when to wake up.
    pub async fn tick(&mut self) -> Result<TickReport, EngineError> {
        let now = self.clock.now();
        let mut report = TickReport::default();
        // Accounts and campaigns change rarely, and the engine updates its copies of what it
        // changes itself; changes made elsewhere (a paused account, an archived campaign) are
        // seen within `CACHE_FOR`.
        if self
            .cached_at
            .is_none_or(|at| plus(at, CACHE_FOR) <= now || now < at)
        {
            self.accounts.clear();
            self.campaigns.clear();
            self.cached_at = Some(now);
        }
        // A worker reconciles what the former holders of the accounts it just took left
        // in flight; the only engine on a store reconciles everything once, at start-up.
        let taken = self.hold_accounts(now).await?;
        if !self.started || taken {
            self.reconcile_all(&mut report).await?;
            self.started = true;
        }
        self.poll(now, &mut report).await?;
        self.govern_all(now, &mut report).await?;
        self.advance(now, &mut report).await?;
        let done = report.actions_done;
        self.execute(&mut report).await?;
        if report.actions_done > done {
            // A done action makes its enrollment due at once: move it on in this tick rather
            // than in another one a second later.
            self.advance(now, &mut report).await?;
        }
        report.next_wakeup = self.next_wakeup().await?;
        Ok(report)
    }

    /// Runs until `shutdown` completes, in real time: tick, then wait for the next wake-up
    /// (at most `poll_every`) or for work another process queued
    /// ([`AccountLeaseStore::work_queued`](overture_store::AccountLeaseStore::work_queued)),
    /// whichever comes first; ticks woken by the latter are at least [`MIN_SPACING`] apart. An
    /// action being executed when `shutdown` completes finishes first; nothing else is left
    /// claimed.
    pub async fn run(&mut self, shutdown: impl Future<Output = ()>) -> Result<(), EngineError> {
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            let started = self.clock.now();
            let report = self.tick().await?;
            let now = self.clock.now();
            let cap = plus(now, self.config.poll_every);
            let wake = report.next_wakeup.map_or(cap, |t| t.min(cap)).max(now);
            tracing::debug!(until = %wake, "waiting for the next wake-up or for queued work");
            let queued = tokio::select! {
                biased;
                () = &mut shutdown => return Ok(()),
                () = overture_clock::sleep_until(&self.clock, wake) => false,
                () = self.store.work_queued() => true,
            };
            if queued {
                // The engine's own inserts are heard too: they cost one more tick, and a
                // database where work keeps arriving one tick per `MIN_SPACING`.
                let soonest = plus(started, MIN_SPACING).min(wake);
                tokio::select! {
                    biased;
                    () = &mut shutdown => return Ok(()),
                    () = overture_clock::sleep_until(&self.clock, soonest) => {}
                }
            }
        }
    }

    /// Appends an event built from its parts.
    fn event(
        ws: WorkspaceId,
        kind: EventKind,
        at: Timestamp,
        account: Option<AccountId>,
        lead: Option<LeadId>,
        campaign: Option<CampaignId>,
        data: serde_json::Value,
    ) -> NewEvent {
        NewEvent {
            workspace_id: ws,
            kind,
            at,
            account_id: account,
            lead_id: lead,
            campaign_id: campaign,
            data: data.to_string(),
        }
    }

    /// The account, read at most once per `CACHE_FOR`.
    /// Its governor policy is the one it runs on now: the account's own, restrained by the
    /// restrictions it has had ([`governor::restrained`]).
    async fn account(&mut self, ws: WorkspaceId, id: AccountId) -> Result<Account, EngineError> {
        if let Some(account) = self.accounts.get(&id) {
            return Ok(account.clone());
        }
        let mut account = self.store.account(ws, id).await?;
        if !self.restrictions.contains_key(&id) {
            let known = govern::restrictions(&self.store, &account).await?;
            self.restrictions.insert(id, known);
        }
        if let Some(restrictions) = self.restrictions.get(&id) {
            let now = self.clock.now();
            account.governor = governor::restrained(&account.governor, restrictions, now);
        }
        self.accounts.insert(id, account.clone());
        Ok(account)
    }

    /// Remembers that `account` was restricted at `at` and returns how many invitations it
    /// had pending then (what the `account_restricted` event records): a smart governor keeps
    /// fewer from now on. The account is read again, with its restrained policy, at its next
    /// use.
    async fn restricted(
        &mut self,
        ws: WorkspaceId,
        account: AccountId,
        at: Timestamp,
    ) -> Result<u32, EngineError> {
        let pending = self.store.pending_count(ws, account).await?;
        let pending = u32::try_from(pending).unwrap_or(u32::MAX);
        if let Some(known) = self.restrictions.get_mut(&account) {
            known.push(governor::Restriction { at, pending });
        }
        self.accounts.remove(&account);
        Ok(pending)
    }

    /// The due times of the withdrawals queued (not yet attempted) for `account`: room the
    /// pending cap will have once they are done.
    async fn queued_withdrawals(&self, account: &Account) -> Result<Vec<Timestamp>, EngineError> {
        let since = plus(
            self.clock.now(),
            -history_window(ActionKind::Withdraw, &account.limits),
        );
        Ok(self
            .store
            .action_history(account.id, ActionKind::Withdraw, since)
            .await?
            .planned)
    }

    /// The campaign, read at most once per `CACHE_FOR`.
    async fn campaign(&mut self, ws: WorkspaceId, id: CampaignId) -> Result<Campaign, EngineError> {
        if let Some(campaign) = self.campaigns.get(&id) {
            return Ok(campaign.clone());
        }
        let campaign = self.store.campaign(ws, id).await?;
        self.campaigns.insert(id, campaign.clone());
        Ok(campaign)
    }

    /// The earliest of the store's next due instant and the next poll.
    async fn next_wakeup(&mut self) -> Result<Option<Timestamp>, EngineError> {
        let now = self.clock.now();
        // A worker looks only at its own accounts' work (and, with room for more, at when
        // another worker's lease runs out): another account's due work is not its to do, and
        // would wake it again at once, over and over, while nobody may claim it.
        let due = match &self.config.worker {
            None => self.store.next_due().await?,
            Some(worker) => {
                let held = u32::try_from(self.held.len()).unwrap_or(u32::MAX);
                let more = held < worker.max_accounts;
                self.store.next_due_for(&worker.id, now, more).await?
            }
        };
        // Only the accounts this engine serves: a worker keeps the turns of accounts another
        // worker holds (or took over) unchanged, and an instant in the past would wake it
        // again at once, over and over.
        let served = |turns: &HashMap<AccountId, Timestamp>| {
            let mine = turns.iter().filter(|(id, _)| self.serves(**id, now));
            mine.map(|(_, &t)| t).min()
        };
        let poll = served(&self.next_poll);
        // The governor's own turns too: it finds invitations sent by hand, which nothing else
        // in the store would wake the engine for.
        let govern = served(&self.next_govern);
        let renew = self.next_renewal();
        Ok([due, poll, govern, renew].into_iter().flatten().min())
    }
}

impl<S: Store, C: Channels> Engine<S, C, ManualClock> {
    /// Runs a simulation until `until`: tick, then move the clock straight to the next
    /// wake-up (never back, at least a second forward), until nothing is due before `until`.
    /// The clock ends at `until`.
    pub async fn run_until(&mut self, until: Timestamp) -> Result<TickReport, EngineError> {
        let mut total = TickReport::default();
        loop {
            let report = self.tick().await?;
            total.actions_done += report.actions_done;
            total.actions_failed += report.actions_failed;
            total.actions_released += report.actions_released;
            total.reconciled += report.reconciled;
            total.in_doubt += report.in_doubt;
            total.planned += report.planned;
            total.advanced += report.advanced;
            total.polled += report.polled;
            total.governed += report.governed;
            total.discovered += report.discovered;
            total.next_wakeup = report.next_wakeup;
            let now = self.clock.now();
            let next = report
                .next_wakeup
                .map(|t| t.max(plus(now, SignedDuration::from_secs(1))));
            let Some(next) = next.filter(|&t| t <= until) else {
                self.clock.set(until.max(now));
                return Ok(total);
            };
            self.clock.set(next);
        }
    }
}

/// Starts a campaign: sets it active and enrolls its list's leads, each assigned to the
/// least-loaded of the campaign's accounts (ties to the one listed first). A step with one
/// text variant is settled now; a step with several gets its variant when the lead's action
/// for it is planned, from what the variants achieved by then. Returns how many leads were
/// enrolled. Calling it again enrolls leads added to the list since. It needs no channel, so
/// the CLI can start a campaign that a running engine (`overture run`) then carries out.
pub async fn start_campaign<S: Store>(
    store: &S,
    ws: WorkspaceId,
    campaign: CampaignId,
    now: Timestamp,
) -> Result<u64, EngineError> {
    let stored = store
        .set_campaign_status(ws, campaign, CampaignStatus::Active)
        .await?;
    let spec = &stored.spec;
    let policy = if spec.settings.skip_if_contacted_by_any_campaign {
        ContactPolicy::SkipContactedElsewhere
    } else {
        ContactPolicy::IncludeContactedElsewhere
    };
    let leads = store.enrollable_leads(ws, campaign, policy).await?;
    let mut accounts = Vec::with_capacity(spec.accounts.len());
    for name in &spec.accounts {
        accounts.push(store.account_by_name(ws, name).await?.id);
    }
    let loads = store.enrollment_loads(ws, &accounts).await?;
    let assigned = overture_core::planner::assign_senders(&loads, &leads);
    let new: Vec<NewEnrollment> = assigned
        .into_iter()
        .map(|(lead, account)| NewEnrollment {
            lead,
            account,
            variants: variants::initial_variants(spec),
        })
        .collect();
    Ok(store.enroll_leads(ws, campaign, &new, now).await?)
}

/// `t + d`, saturating at the largest instant.
pub(crate) fn plus(t: Timestamp, d: SignedDuration) -> Timestamp {
    t.checked_add(d).unwrap_or(Timestamp::MAX)
}
