//! How the engine runs.

use std::sync::Arc;

use jiff::SignedDuration;

/// A named point in the execution of an action where a test can make the engine stop as if
/// the process died there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Failpoint {
    /// A batch of actions is claimed, none of them begun.
    AfterClaim,
    /// The intent is committed, the channel not called yet.
    AfterIntent,
    /// The channel answered, the result is not recorded yet.
    AfterChannelCall,
    /// The result and its changes are about to be committed in one transaction.
    DuringCommit,
}

impl Failpoint {
    /// Every failpoint, in the order an action meets them.
    pub const ALL: [Failpoint; 4] = [
        Failpoint::AfterClaim,
        Failpoint::AfterIntent,
        Failpoint::AfterChannelCall,
        Failpoint::DuringCommit,
    ];

    /// Its name in snake case (`after_intent`), as crash-test settings spell it.
    pub fn name(self) -> &'static str {
        match self {
            Failpoint::AfterClaim => "after_claim",
            Failpoint::AfterIntent => "after_intent",
            Failpoint::AfterChannelCall => "after_channel_call",
            Failpoint::DuringCommit => "during_commit",
        }
    }
}

/// Called at every failpoint the engine passes, before [`EngineConfig::failpoint`] is looked
/// at: a crash test's hook may end or freeze the process there (the engine itself never
/// does). Two hooks are equal when they are the same function.
#[derive(Clone)]
pub struct FailpointHook(pub Arc<dyn Fn(Failpoint) + Send + Sync>);

impl std::fmt::Debug for FailpointHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FailpointHook")
    }
}

impl PartialEq for FailpointHook {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// The engine's settings; every duration is simulated or real time alike.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineConfig {
    /// The seed of every random choice (jitter, text variants), so a run replays exactly.
    pub seed: u64,
    /// How long a claim on an action lasts before another worker may take it over.
    pub lease: SignedDuration,
    /// How often each account with open enrollments is polled for acceptances and replies
    /// (inside its working hours).
    pub poll_every: SignedDuration,
    /// How often the governor looks at each account's pending invitations (when the account
    /// is polled, inside its working hours).
    pub govern_every: SignedDuration,
    /// How many attempts an action gets when the channel fails transiently.
    pub max_attempts: u32,
    /// The first wait after a transient failure; it doubles with each further failure.
    pub backoff_base: SignedDuration,
    /// How long a restriction lasts when the channel does not say.
    pub default_restriction: SignedDuration,
    /// How long before a paused account's actions are looked at again.
    pub paused_recheck: SignedDuration,
    /// How many actions or enrollments one store call takes at most.
    pub batch: u32,
    /// Stop at this point, for crash tests; `None` in production.
    pub failpoint: Option<Failpoint>,
    /// Called at every failpoint, for crash tests of whole processes; `None` in production.
    pub on_failpoint: Option<FailpointHook>,
    /// Run as one worker among several on one store, acting only for the accounts it holds;
    /// `None`: the only engine on the store, acting for every account.
    pub worker: Option<WorkerConfig>,
}

/// How an engine shares its store with other engines (see [`EngineConfig::worker`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerConfig {
    /// The worker's name, unique among the engines on the store (the host name and process
    /// id, for example).
    pub id: String,
    /// How long the worker holds an account without renewing; another worker takes the
    /// account over once a lease has run out (the worker stopped or lost the database).
    pub account_lease: SignedDuration,
    /// How many accounts the worker holds at most.
    pub max_accounts: u32,
}

impl WorkerConfig {
    /// A worker named `id` holding up to 1000 accounts for 2 minutes at a time.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            account_lease: SignedDuration::from_mins(2),
            max_accounts: 1000,
        }
    }
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            seed: 0,
            lease: SignedDuration::from_mins(5),
            poll_every: SignedDuration::from_hours(3),
            govern_every: SignedDuration::from_hours(24),
            max_attempts: 4,
            backoff_base: SignedDuration::from_mins(2),
            default_restriction: SignedDuration::from_hours(7 * 24),
            paused_recheck: SignedDuration::from_hours(24),
            batch: 200,
            failpoint: None,
            on_failpoint: None,
            worker: None,
        }
    }
}
