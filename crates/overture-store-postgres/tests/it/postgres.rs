//! What only a shared PostgreSQL database has: several workers claiming actions and webhook
//! deliveries at once, takeovers between them, and migrations run by more than one process.

use std::collections::BTreeSet;
use std::sync::Arc;

use jiff::SignedDuration;
use overture_core::action::ActionEvent;
use overture_core::webhook::WebhookEventType;
use overture_core::{ActionKind, ActionState, WorkspaceId};
use overture_store::conformance::{at, lead, new_account, ok};
use overture_store::{
    ActionQuery, Changes, EffectOutcome, EffectResult, Intent, LeadQuery, NewAction,
    NewWebhookDelivery, NewWebhookEndpoint, SealedSecret, Store, StoreError, WebhookStore,
};
use overture_store_postgres::{PostgresOptions, PostgresStore};

use super::Database;

const LEASE: SignedDuration = SignedDuration::from_mins(5);

/// A workspace with one account and `n` leads, each with a visit due at second 0.
async fn queue(store: &PostgresStore, n: u64) -> Vec<NewAction> {
    let ws = WorkspaceId::DEFAULT;
    let account = ok(
        "account",
        store.create_account(new_account(ws, "alice")).await,
    )
    .id;
    let leads: Vec<_> = (0..n).map(lead).collect();
    ok(
        "import",
        store
            .import_leads(ws, "prospects", &leads, at(0), &|_| {})
            .await,
    );
    let stored = ok(
        "leads",
        store
            .list_leads(
                ws,
                LeadQuery {
                    list: None,
                    after: None,
                    limit: 10_000,
                },
            )
            .await,
    );
    let actions: Vec<NewAction> = stored
        .iter()
        .map(|l| NewAction {
            workspace_id: ws,
            account_id: account,
            lead_id: Some(l.id),
            campaign_id: None,
            enrollment_id: None,
            kind: ActionKind::Visit,
            payload: "{}".into(),
            due_at: at(0),
            idempotency_key: format!("visit-{}", l.id),
            variant: None,
        })
        .collect();
    assert_eq!(ok("enqueue", store.enqueue_actions(&actions).await), n);
    actions
}

/// Runs `workers` workers, each with a pool of its own as separate processes would have,
/// that start claiming together and call `claim` until it claims nothing; returns every id
/// each worker claimed.
async fn race<F, Fut>(db: &Database, workers: usize, claim: F) -> Vec<i64>
where
    F: Fn(PostgresStore) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Vec<i64>> + Send,
{
    let barrier = Arc::new(tokio::sync::Barrier::new(workers));
    let mut tasks = Vec::new();
    for _ in 0..workers {
        let store = db.store().await;
        let (barrier, claim) = (Arc::clone(&barrier), claim.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let mut taken = Vec::new();
            loop {
                let claimed = claim(store.clone()).await;
                if claimed.is_empty() {
                    break;
                }
                taken.extend(claimed);
            }
            taken
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.expect("a worker"));
    }
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn workers_claiming_at_once_never_take_the_same_action() {
    let Some(db) = Database::create().await else {
        return;
    };
    let first = db.store().await;
    queue(&first, 60).await;
    let all = race(&db, 3, |store: PostgresStore| async move {
        let claimed = ok("claim", store.claim_due_actions(at(1), 4, LEASE).await);
        claimed.iter().map(|c| c.action.id.get()).collect()
    })
    .await;
    let distinct: BTreeSet<_> = all.iter().copied().collect();
    assert_eq!(
        distinct.len(),
        all.len(),
        "an action was claimed twice: {all:?}"
    );
    assert_eq!(all.len(), 60, "every due action is claimed once");
    let listed = ok(
        "list",
        first
            .list_actions(
                WorkspaceId::DEFAULT,
                ActionQuery {
                    state: Some(ActionState::Claimed),
                    account: None,
                    limit: 100,
                },
            )
            .await,
    );
    assert_eq!(listed.len(), 60);
    assert!(listed.iter().all(|a| a.attempts == 1), "{listed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn deliverers_claiming_at_once_never_take_the_same_delivery() {
    let Some(db) = Database::create().await else {
        return;
    };
    let first = db.store().await;
    let ws = WorkspaceId::DEFAULT;
    let endpoint = ok(
        "endpoint",
        first
            .create_webhook_endpoint(NewWebhookEndpoint {
                workspace_id: ws,
                url: "https://hooks.example.com/overture".to_owned(),
                events: vec![WebhookEventType::InviteAccepted],
                allow_private_targets: false,
                secret: SealedSecret {
                    nonce: vec![7; 24],
                    ciphertext: vec![1, 2, 3],
                },
                created_at: at(0),
            })
            .await,
    );
    // Pings: no event, so every one is a delivery of its own.
    let deliveries: Vec<_> = (0..45)
        .map(|i| NewWebhookDelivery {
            endpoint_id: endpoint.id,
            event_id: None,
            event_type: WebhookEventType::InviteAccepted,
            message_id: format!("msg_{i}"),
            payload: "{}".to_owned(),
            due_at: at(1),
        })
        .collect();
    let queued = first
        .enqueue_webhook_deliveries(ws, &deliveries, None, at(0))
        .await;
    assert_eq!(ok("enqueue", queued), 45);
    let all = race(&db, 3, |store: PostgresStore| async move {
        let claimed = store.claim_due_webhook_deliveries(at(2), 4, LEASE).await;
        ok("claim", claimed).iter().map(|d| d.id.get()).collect()
    })
    .await;
    let distinct: BTreeSet<_> = all.iter().copied().collect();
    assert_eq!(
        distinct.len(),
        all.len(),
        "a delivery was claimed twice: {all:?}"
    );
    assert_eq!(all.len(), 45, "every due delivery is claimed once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_under_an_expired_lease_is_refused() {
    let Some(db) = Database::create().await else {
        return;
    };
    let (slow, fast) = (db.store().await, db.store().await);
    queue(&slow, 1).await;
    let held = ok("claim", slow.claim_due_actions(at(1), 1, LEASE).await);
    let old = held[0].clone();
    // The first worker stalls past its lease; the second takes the action over.
    let later = at(1) + LEASE + SignedDuration::from_secs(1);
    let taken = ok("takeover", fast.claim_due_actions(later, 1, LEASE).await);
    assert_eq!(taken.len(), 1);
    assert_eq!(taken[0].action.id, old.action.id);
    assert_eq!(taken[0].fence, old.fence + 1);

    let id = old.action.id;
    let stale = |step: &str, result: Result<_, StoreError>| match result {
        Err(StoreError::Conflict { key, .. }) => assert!(key.contains("stale"), "{step}: {key}"),
        other => panic!("{step}: a stale fence must conflict, got {other:?}"),
    };
    stale(
        "finish",
        slow.finish_action(id, old.fence, ActionEvent::Succeed, None, later)
            .await
            .map(|_| ()),
    );
    stale(
        "intent",
        slow.record_intent(Intent {
            action: id,
            fence: old.fence,
            at: later,
            with_note: false,
        })
        .await
        .map(|_| ()),
    );
    stale(
        "result",
        slow.complete_effect(EffectOutcome {
            action: id,
            fence: old.fence,
            at: later,
            result: EffectResult::Done { external_id: None },
            changes: Changes::default(),
        })
        .await
        .map(|_| ()),
    );
    // The new holder's writes go through.
    let done = ok(
        "finish by the new holder",
        fast.finish_action(id, taken[0].fence, ActionEvent::Succeed, None, later)
            .await,
    );
    assert_eq!(done.state, ActionState::Done);
}

#[tokio::test]
async fn connecting_again_applies_no_migration_twice() {
    let Some(db) = Database::create().await else {
        return;
    };
    let (first, second) = tokio::join!(db.store(), db.store());
    ok(
        "account",
        first
            .create_account(new_account(WorkspaceId::DEFAULT, "alice"))
            .await,
    );
    first.close().await;
    let again = db.store().await;
    let accounts = ok("accounts", again.list_accounts(WorkspaceId::DEFAULT).await);
    assert_eq!(accounts.len(), 1);
    assert_eq!(ok("workspaces", second.list_workspaces().await).len(), 1);

    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .expect("migrations directory")
        .count();
    use sqlx::Connection as _;
    let mut raw = sqlx::PgConnection::connect(&db.url)
        .await
        .expect("a raw connection");
    let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(&mut raw)
        .await
        .expect("the migration history");
    assert_eq!(applied, files as i64);
}

#[tokio::test]
async fn an_unreachable_server_is_unavailable_and_says_what_to_check() {
    let bad = PostgresStore::connect(
        "postgres://postgres@127.0.0.1:not-a-port/overture",
        PostgresOptions::default(),
    )
    .await;
    let unreachable = PostgresStore::connect(
        // Port 1 on loopback: nothing listens there.
        "postgres://postgres@127.0.0.1:1/overture",
        PostgresOptions {
            acquire_timeout: std::time::Duration::from_secs(2),
            ..PostgresOptions::default()
        },
    )
    .await;
    for result in [bad, unreachable] {
        match result {
            Err(StoreError::Unavailable { message }) => {
                assert!(message.contains("PostgreSQL"), "{message}");
            }
            other => panic!("expected Unavailable, got {other:?}"),
        }
    }
}

/// An import that meets people another import stored after it looked them up is tried again
/// and succeeds, as if the two had come one after the other: nothing is lost or stored twice.
#[tokio::test]
async fn an_import_racing_another_for_the_same_people_succeeds() {
    let Some(db) = Database::create().await else {
        return;
    };
    use sqlx::Connection as _;
    let store = db.store().await;
    let ws = WorkspaceId::DEFAULT;
    // Creates the workspace and an empty list before the race.
    ok(
        "empty import",
        store.import_leads(ws, "spring", &[], at(0), &|_| {}).await,
    );
    let (ana, ben) = (lead(1), lead(2));
    // Another import has stored ana and not committed yet.
    let mut other = sqlx::PgConnection::connect(&db.url)
        .await
        .expect("a raw connection");
    sqlx::raw_sql("BEGIN").execute(&mut other).await.unwrap();
    sqlx::query(
        "INSERT INTO leads (workspace_id, profile_url, custom, tags, created_at, updated_at)
         VALUES ($1, $2, '{}', '[]', 0, 0)",
    )
    .bind(ws.get())
    .bind(ana.profile_url.as_url())
    .execute(&mut other)
    .await
    .unwrap();
    // This import looks ana up, does not see her, and waits on her row at its insert.
    let racing = {
        let (store, people) = (store.clone(), vec![ana.clone(), ben.clone()]);
        tokio::spawn(async move {
            store
                .import_leads(ws, "spring", &people, at(1), &|_| {})
                .await
        })
    };
    let mut watch = sqlx::PgConnection::connect(&db.url)
        .await
        .expect("a raw connection");
    let mut waited = false;
    for _ in 0..500 {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity
              WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        .fetch_one(&mut watch)
        .await
        .unwrap();
        if waiting > 0 {
            waited = true;
            break;
        }
        pause().await;
    }
    assert!(waited, "the import never waited on the other one's row");
    sqlx::raw_sql("COMMIT").execute(&mut other).await.unwrap();

    let outcome = ok("racing import", racing.await.expect("the import task"));
    assert_eq!(
        (outcome.imported, outcome.updated, outcome.unchanged),
        (1, 1, 0),
        "ben is new; ana, stored bare by the other import, gets her name"
    );
    let listed = ok(
        "list",
        store
            .list_leads(
                ws,
                LeadQuery {
                    list: Some("spring".into()),
                    after: None,
                    limit: 10,
                },
            )
            .await,
    );
    let mut urls: Vec<String> = listed.iter().map(|l| l.data.profile_url.as_url()).collect();
    urls.sort();
    let mut expected = vec![ana.profile_url.as_url(), ben.profile_url.as_url()];
    expected.sort();
    assert_eq!(urls, expected);
    let stored = listed
        .iter()
        .find(|l| l.data.profile_url == ana.profile_url)
        .expect("ana is listed");
    assert_eq!(stored.data.first_name, ana.first_name);
    let all: i64 = sqlx::query_scalar("SELECT count(*) FROM leads")
        .fetch_one(&mut watch)
        .await
        .unwrap();
    assert_eq!(all, 2, "nobody is stored twice");
}

/// Waits 10 ms of wall time: what is waited for is the server's own work, on the wall clock.
#[allow(clippy::disallowed_methods)]
async fn pause() {
    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
}
