//! Work notifications: the `overture_work` channel that migration `0018_work_notify.sql`
//! notifies when a transaction queues work (new actions, enrollments or accounts, a campaign
//! or account whose status changed). One task per store LISTENs on it and hands each
//! notification to [`AccountLeaseStore::work_queued`](overture_store::AccountLeaseStore).

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::{Notify, oneshot};

/// The channel the migration's triggers notify.
pub(crate) const CHANNEL: &str = "overture_work";

/// The first wait before connecting again after the listening connection failed; it doubles
/// up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// What the clones of one store share: the signal the engine waits on, and the listening
/// task, started by the first wait and stopped when the last clone goes.
#[derive(Debug, Default)]
pub(crate) struct WorkNotify {
    /// Holds at most one signal while nobody waits, so none is lost while the engine works.
    queued: Arc<Notify>,
    /// Dropping it (with the last clone of the store) stops the listening task.
    stop: OnceLock<oneshot::Sender<()>>,
}

impl WorkNotify {
    /// Completes at the next notification (at once if one came while nobody waited),
    /// starting the listening task on `pool` at the first call.
    pub(crate) async fn wait(&self, pool: &PgPool) {
        self.stop.get_or_init(|| {
            let (stop, stopped) = oneshot::channel();
            tokio::spawn(listen(pool.clone(), Arc::clone(&self.queued), stopped));
            stop
        });
        self.queued.notified().await;
    }
}

/// How the listening task is doing between connections.
#[derive(Debug)]
struct Retry {
    /// Whether the last connection failed (and the failure was logged).
    failing: bool,
    /// The wait before the next connection.
    backoff: Duration,
}

/// Listens on [`CHANNEL`] until `stop` completes or the pool is closed, signalling `queued`
/// for each notification. Each time it starts listening (the first time, and again after the
/// connection dropped) it signals too: work queued before then was not heard of. A dropped or
/// failed connection is tried again after a back-off that doubles while it keeps failing; the
/// first failure of a run of them is logged as a warning.
async fn listen(pool: PgPool, queued: Arc<Notify>, mut stop: oneshot::Receiver<()>) {
    let mut retry = Retry {
        failing: false,
        backoff: FIRST_BACKOFF,
    };
    loop {
        let heard = tokio::select! {
            _ = &mut stop => return,
            heard = hear(&pool, &queued, &mut retry) => heard,
        };
        let error = match heard {
            Err(sqlx::Error::PoolClosed) => return,
            Err(e) => e.to_string(),
            Ok(()) => "the server closed the connection".to_owned(),
        };
        if !retry.failing {
            tracing::warn!(
                %error,
                "lost the PostgreSQL connection that listens for queued work: idle workers \
                 wake on their schedule until it is back (reconnecting)"
            );
            retry.failing = true;
        }
        // The back-off paces reconnections to a database that is away; it is not the
        // product's time (nothing is scheduled by it), so it waits on the runtime's timer
        // rather than through a `Clock`, and ends early when the store goes.
        if tokio::time::timeout(retry.backoff, &mut stop).await.is_ok() {
            return;
        }
        retry.backoff = (retry.backoff * 2).min(MAX_BACKOFF);
    }
}

/// Connects and listens, signalling `queued` once listening and then for each notification.
/// Returns `Ok` when the server closed the connection, an error when connecting, listening or
/// receiving failed (or the pool was closed).
async fn hear(pool: &PgPool, queued: &Notify, retry: &mut Retry) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    // Reconnections are this task's to make, with its back-off.
    listener.eager_reconnect(false);
    listener.listen(CHANNEL).await?;
    if retry.failing {
        tracing::info!(channel = CHANNEL, "listening for queued work again");
    } else {
        tracing::debug!(channel = CHANNEL, "listening for queued work");
    }
    *retry = Retry {
        failing: false,
        backoff: FIRST_BACKOFF,
    };
    queued.notify_one();
    while listener.try_recv().await?.is_some() {
        queued.notify_one();
    }
    Ok(())
}
