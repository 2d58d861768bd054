//! Prompt pickup: a store waiting in `work_queued` hears the work another process queues on
//! the same database (new accounts, actions and enrollments, campaign and account status
//! changes) and nothing of the claims and results of actions.

use std::time::Duration;

use jiff::SignedDuration;
use overture_core::action::ActionEvent;
use overture_core::{AccountStatus, ActionKind, CampaignStatus, WorkspaceId};
use overture_store::conformance::{at, lead, new_account, ok, spec};
use overture_store::{AccountLeaseStore, NewAction, NewCampaignVersion, NewEnrollment, Store};
use overture_store_postgres::PostgresStore;

use super::Database;

const WS: WorkspaceId = WorkspaceId::DEFAULT;

/// Waits for `worker` to hear of queued work. The bound is generous: it only keeps a broken
/// notification from hanging the test.
async fn heard(worker: &PostgresStore, what: &str) {
    let heard = tokio::time::timeout(Duration::from_secs(30), worker.work_queued()).await;
    assert!(heard.is_ok(), "{what}: the waiting store heard nothing");
}

/// Checks that `worker` heard nothing: a notification sent before a round trip of the other
/// store's would normally have arrived by then, and a quarter of a second more lets a slow
/// one arrive and fail the test.
async fn quiet(worker: &PostgresStore, other: &PostgresStore, what: &str) {
    ok("round trip", other.list_workspaces().await);
    let heard = tokio::time::timeout(Duration::from_millis(250), worker.work_queued()).await;
    assert!(heard.is_err(), "{what}: woke the waiting store");
}

#[tokio::test]
async fn a_waiting_store_hears_the_work_another_store_queues() {
    let Some(db) = Database::create().await else {
        return;
    };
    // Two stores with pools of their own, as two processes would have.
    let (worker, other) = (db.store().await, db.store().await);
    // The first wait starts listening, and completes once it listens: what was queued before
    // was not heard of.
    heard(&worker, "listening").await;
    quiet(&worker, &other, "nothing queued").await;

    let alice = ok(
        "account",
        other.create_account(new_account(WS, "alice")).await,
    )
    .id;
    heard(&worker, "a new account").await;
    let leads: Vec<_> = (1..=3).map(lead).collect();
    let import = other.import_leads(WS, "prospects", &leads, at(0), &|_| {});
    ok("import", import.await);
    quiet(&worker, &other, "an import").await;
    let version = NewCampaignVersion {
        name: "spring".into(),
        source: "name: spring".into(),
        spec: spec("spring", "prospects"),
    };
    let campaign = ok("apply", other.apply_campaign(WS, version, at(0)).await);
    let campaign = campaign.campaign.id;
    quiet(&worker, &other, "a campaign applied, not started").await;

    let status = other.set_campaign_status(WS, campaign, CampaignStatus::Active);
    ok("start", status.await);
    heard(&worker, "a campaign made active").await;
    let mut ids = Vec::new();
    for l in &leads {
        let found = ok("lead", other.lead_by_url(WS, &l.profile_url).await);
        ids.push(found.expect("an imported lead").id);
    }
    let new: Vec<_> = ids
        .iter()
        .map(|&lead| NewEnrollment {
            lead,
            account: alice,
            variants: vec![None],
        })
        .collect();
    assert_eq!(
        ok(
            "enroll",
            other.enroll_leads(WS, campaign, &new, at(1)).await
        ),
        3
    );
    heard(&worker, "enrollments").await;
    assert_eq!(
        ok("again", other.enroll_leads(WS, campaign, &new, at(2)).await),
        0
    );
    quiet(&worker, &other, "enrolling nobody new").await;

    // A notification that arrives while nobody waits is kept for the next wait.
    let visits: Vec<_> = ids
        .iter()
        .map(|&lead| NewAction {
            workspace_id: WS,
            account_id: alice,
            lead_id: Some(lead),
            campaign_id: Some(campaign),
            enrollment_id: None,
            kind: ActionKind::Visit,
            payload: "{}".into(),
            due_at: at(5),
            idempotency_key: format!("visit-{lead}"),
            variant: None,
        })
        .collect();
    assert_eq!(ok("enqueue", other.enqueue_actions(&visits).await), 3);
    ok("round trip", other.list_workspaces().await);
    heard(&worker, "actions queued before the wait").await;

    // Claims and results are the workers' own business: nobody is woken for them.
    let lease = SignedDuration::from_mins(5);
    let claimed = ok("claim", other.claim_due_actions(at(10), 10, lease).await);
    assert_eq!(claimed.len(), 3);
    for c in &claimed {
        let done = other.finish_action(c.action.id, c.fence, ActionEvent::Succeed, None, at(11));
        ok("finish", done.await);
    }
    quiet(&worker, &other, "claims and results").await;

    let reason = "holiday".to_owned();
    let paused = other.set_account_status(WS, alice, AccountStatus::Paused { reason });
    ok("pause", paused.await);
    heard(&worker, "an account paused").await;
    let resumed = other.set_account_status(WS, alice, AccountStatus::Active);
    ok("resume", resumed.await);
    heard(&worker, "an account made active").await;
    quiet(&worker, &other, "after the last change").await;
}

#[tokio::test]
async fn a_waiting_store_listens_again_after_its_connection_drops() {
    let Some(db) = Database::create().await else {
        return;
    };
    let (worker, other) = (db.store().await, db.store().await);
    heard(&worker, "listening").await;

    // The server ends the listening connection (a restart, a proxy's idle timeout).
    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&db.url)
        .await
        .expect("an admin connection");
    let ended: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid()
            AND query LIKE 'LISTEN%'",
    )
    .fetch_all(&mut admin)
    .await
    .expect("ending the listening connection");
    assert_eq!(ended, [true], "one connection listens");

    // Listening again, the store wakes its waiter: it could not hear what was queued meanwhile.
    heard(&worker, "listening again").await;
    ok(
        "account",
        other.create_account(new_account(WS, "alice")).await,
    );
    heard(&worker, "a new account after the reconnection").await;
    quiet(&worker, &other, "after the reconnection").await;
}
