//! Enqueue-to-pickup latency: idle workers, and one action queued at a time at a steady rate;
//! the latency of an action runs from the return of its enqueue (its commit) to the return of
//! the claim that took it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use overture_store::{AccountLeaseStore, Store, waves};

use crate::db::{ACCOUNTS, BoxError, Db, Fixture};
use crate::throughput::{ACCOUNT_LEASE, complete};

const CLAIM_LEASE: SignedDuration = SignedDuration::from_mins(5);

/// How the load is shaped.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    pub workers: usize,
    /// Actions queued per second.
    pub rate: u32,
    pub seconds: u32,
    /// How long an idle worker waits before it claims again.
    pub poll: Duration,
    pub wake: Wake,
}

/// How an idle worker learns of new work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// It claims again after `poll`.
    Poll,
    /// It claims again when `work_queued` completes (LISTEN/NOTIFY on PostgreSQL), or after
    /// `poll` at the latest.
    Notify,
}

/// Latencies in milliseconds.
#[derive(Debug, Clone, Copy)]
pub struct Latency {
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub count: usize,
    /// Actions queued and never picked up before the end.
    pub missed: usize,
}

type Seen = Arc<Mutex<HashMap<String, Instant>>>;

pub fn run<D: Db>(
    runtime: &tokio::runtime::Runtime,
    db: &D,
    load: Load,
) -> Result<Latency, BoxError> {
    let (store, fixture) = runtime.block_on(async {
        let store = db.open().await?;
        let fixture = Fixture::create(&store).await?;
        Ok::<_, BoxError>((store, fixture))
    })?;
    let picked: Seen = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let ready = Arc::new(Barrier::new(load.workers + 1));
    let taking = Arc::new(tokio::sync::Mutex::new(()));
    let share = u32::try_from(ACCOUNTS / load.workers).unwrap_or(1);
    let handles: Vec<_> = (0..load.workers)
        .map(|w| {
            let (db, picked, stop, ready, taking) = (
                db.clone(),
                picked.clone(),
                stop.clone(),
                ready.clone(),
                taking.clone(),
            );
            let id = format!("idle-{w}");
            std::thread::spawn(move || -> Result<(), BoxError> {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?;
                runtime.block_on(async {
                    let prepared = async {
                        let store = db.open().await?;
                        let _turn = taking.lock().await;
                        store
                            .acquire_accounts(&id, Timestamp::now(), ACCOUNT_LEASE, share)
                            .await?;
                        Ok::<_, BoxError>(store)
                    }
                    .await;
                    // Past the barrier even on failure, so that the run does not wait forever.
                    ready.wait();
                    let store = prepared?;
                    let idled = idle(&store, &id, load, &picked, &stop).await;
                    D::close(store).await;
                    idled
                })
            })
        })
        .collect();
    ready.wait();
    let total = u64::from(load.rate * load.seconds);
    let every = Duration::from_secs(1) / load.rate;
    let mut queued = HashMap::new();
    runtime.block_on(async {
        let start = Instant::now();
        for i in 0..total {
            let at = start + every * u32::try_from(i).unwrap_or(u32::MAX);
            tokio::time::sleep_until(at.into()).await;
            let action = fixture.action(i, Timestamp::now());
            let key = action.idempotency_key.clone();
            store.enqueue_actions(&[action]).await?;
            queued.insert(key, Instant::now());
        }
        // Time for the last ones to be picked up.
        tokio::time::sleep(load.poll * 2 + Duration::from_millis(500)).await;
        D::close(store).await;
        Ok::<_, BoxError>(())
    })?;
    stop.store(true, Ordering::Relaxed);
    for handle in handles {
        handle.join().map_err(|_| "a benchmark worker panicked")??;
    }
    let picked = picked
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut ms: Vec<f64> = queued
        .iter()
        .filter_map(|(key, at)| picked.get(key).map(|p| p.saturating_duration_since(*at)))
        .map(|d| d.as_secs_f64() * 1e3)
        .collect();
    ms.sort_by(f64::total_cmp);
    Ok(Latency {
        p50_ms: percentile(&ms, 0.50),
        p99_ms: percentile(&ms, 0.99),
        max_ms: ms.last().copied().unwrap_or(f64::NAN),
        count: ms.len(),
        missed: queued.len() - ms.len(),
    })
}

/// An idle worker: claims, completes what it got, and waits as `load.wake` says when it got
/// nothing.
async fn idle<S: Store>(
    store: &S,
    id: &str,
    load: Load,
    picked: &Mutex<HashMap<String, Instant>>,
    stop: &AtomicBool,
) -> Result<(), BoxError> {
    while !stop.load(Ordering::Relaxed) {
        let claimed = store
            .claim_due_actions_for(id, Timestamp::now(), 200, CLAIM_LEASE)
            .await?;
        let at = Instant::now();
        if claimed.is_empty() {
            match load.wake {
                Wake::Poll => tokio::time::sleep(load.poll).await,
                Wake::Notify => {
                    tokio::select! {
                        () = store.work_queued() => {}
                        () = tokio::time::sleep(load.poll) => {}
                    }
                }
            }
            continue;
        }
        {
            let mut picked = picked
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            for c in &claimed {
                picked.insert(c.action.idempotency_key.clone(), at);
            }
        }
        for wave in waves(claimed) {
            complete(store, &wave).await?;
        }
    }
    Ok(())
}

/// The `q` quantile of sorted values (nearest rank).
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}
