//! Claim-and-complete throughput: workers that each claim a batch of due actions for the
//! accounts they hold, then carry them out in waves of one action per account, recording a
//! wave's intents in one call and its results in another, as the engine does.

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use overture_store::{
    AccountLeaseStore, Changes, ClaimedAction, EffectOutcome, EffectResult, Intent, IntentOutcome,
    Store, waves,
};

use crate::db::{ACCOUNTS, BoxError, Db, Fixture};

/// The engine's defaults: a claim of up to 200 actions, each held for 5 minutes.
const BATCH: u32 = 200;
const CLAIM_LEASE: SignedDuration = SignedDuration::from_mins(5);
/// A worker's hold on its accounts (the engine's default).
pub const ACCOUNT_LEASE: SignedDuration = SignedDuration::from_mins(2);

/// One measurement: `done` actions in `elapsed`.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    pub done: u64,
    pub elapsed: Duration,
    /// The queue ran dry before the time was up.
    pub drained: bool,
}

impl Run {
    pub fn rate(&self) -> f64 {
        self.done as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Seeds `seed` actions into `db`, then runs `workers` workers for at most `limit`.
pub fn run<D: Db>(
    runtime: &tokio::runtime::Runtime,
    db: &D,
    workers: usize,
    seed: u64,
    limit: Duration,
) -> Result<Run, BoxError> {
    runtime.block_on(async {
        let store = db.open().await?;
        let fixture = Fixture::create(&store).await?;
        fixture.enqueue(&store, 0, seed).await?;
        D::close(store).await;
        db.analyze().await?;
        Ok::<_, BoxError>(())
    })?;
    // Accounts are taken one worker at a time, so that each gets its share.
    let taking = Arc::new(tokio::sync::Mutex::new(()));
    let start = Arc::new(Barrier::new(workers + 1));
    let share = u32::try_from(ACCOUNTS / workers).unwrap_or(1);
    let handles: Vec<_> = (0..workers)
        .map(|w| {
            let (db, taking, start) = (db.clone(), taking.clone(), start.clone());
            let id = format!("bench-{w}");
            std::thread::spawn(move || worker(&db, &id, share, limit, &taking, &start))
        })
        .collect();
    start.wait();
    let began = Instant::now();
    let (mut done, mut last, mut drained) = (0, began, true);
    for handle in handles {
        let ended = handle.join().map_err(|_| "a benchmark worker panicked")??;
        done += ended.done;
        last = last.max(ended.at);
        drained &= ended.drained;
    }
    Ok(Run {
        done,
        elapsed: last - began,
        drained,
    })
}

/// How a worker's run ended.
struct Ended {
    done: u64,
    at: Instant,
    /// Its accounts had nothing left to claim.
    drained: bool,
}

fn worker<D: Db>(
    db: &D,
    id: &str,
    share: u32,
    limit: Duration,
    taking: &tokio::sync::Mutex<()>,
    start: &Barrier,
) -> Result<Ended, BoxError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let prepared = runtime.block_on(async {
        let store = db.open().await?;
        let held = {
            let _turn = taking.lock().await;
            store
                .acquire_accounts(id, Timestamp::now(), ACCOUNT_LEASE, share)
                .await?
        };
        if held.is_empty() {
            return Err(format!("worker {id} was given no account").into());
        }
        Ok::<_, BoxError>(store)
    });
    start.wait();
    let store = prepared?;
    let deadline = Instant::now() + limit;
    runtime.block_on(async {
        let ended = work(&store, id, deadline).await;
        D::close(store).await;
        ended
    })
}

/// Claims and completes until the queue of the worker's accounts is empty or `deadline`.
async fn work<S: Store>(store: &S, id: &str, deadline: Instant) -> Result<Ended, BoxError> {
    let mut done = 0;
    loop {
        let claimed = store
            .claim_due_actions_for(id, Timestamp::now(), BATCH, CLAIM_LEASE)
            .await?;
        if claimed.is_empty() {
            return Ok(Ended {
                done,
                at: Instant::now(),
                drained: true,
            });
        }
        for wave in waves(claimed) {
            if Instant::now() >= deadline {
                return Ok(Ended {
                    done,
                    at: Instant::now(),
                    drained: false,
                });
            }
            done += complete(store, &wave).await?;
        }
    }
}

/// What the engine does with a wave of claimed actions (one per account) whose channel
/// calls succeeded at once: their intents in one call, then their results in one call.
pub async fn complete<S: Store>(store: &S, wave: &[ClaimedAction]) -> Result<u64, BoxError> {
    let intents = wave
        .iter()
        .map(|claim| Intent {
            action: claim.action.id,
            fence: claim.fence,
            at: Timestamp::now(),
            with_note: false,
        })
        .collect();
    for (claim, answer) in wave.iter().zip(store.record_intents(intents).await?) {
        match answer? {
            IntentOutcome::Recorded(_) => {}
            IntentOutcome::AlreadyRecorded(_) => {
                return Err(format!("{}: an intent was already recorded", claim.action.id).into());
            }
        }
    }
    let outcomes = wave
        .iter()
        .map(|claim| EffectOutcome {
            action: claim.action.id,
            fence: claim.fence,
            at: Timestamp::now(),
            result: EffectResult::Done { external_id: None },
            changes: Changes::default(),
        })
        .collect();
    let mut done = 0;
    for answer in store.complete_effects(outcomes).await? {
        answer?;
        done += 1;
    }
    Ok(done)
}
