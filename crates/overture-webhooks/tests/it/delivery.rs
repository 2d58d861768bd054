//! Events become signed deliveries, retried on failure, until the receiver has them.

use jiff::SignedDuration;
use overture_clock::Clock as _;
use overture_core::webhook::{DeliveryStatus, WebhookEventType};
use overture_core::{EventKind, WorkspaceId};
use overture_store::WebhookStore;
use overture_webhooks::{RETRY_DELAYS, send_ping};

use crate::receiver::{Receiver, World, python_verdicts};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_are_delivered_once_each_and_signed_as_python_verifies() {
    let w = World::new().await;
    let receiver = Receiver::start().await;
    let created = w
        .endpoint(
            &receiver.url,
            &[
                WebhookEventType::InviteAccepted,
                WebhookEventType::ReplyReceived,
            ],
        )
        .await;
    w.event(EventKind::InviteAccepted, r#"{"invitation_id":1}"#)
        .await;
    w.event(EventKind::LeadsImported, "{}").await;
    w.event(EventKind::InviteSent, "{}").await;
    w.event(EventKind::ReplyReceived, r#"{"text":"Thanks"}"#)
        .await;

    let config = w.config();
    let first = w.dispatch(&config).await;
    assert_eq!(first.queued, 2);
    // Dispatching and delivering again sends nothing twice.
    let again = w.dispatch(&config).await;
    assert_eq!(again.queued, 0);
    let report = w.deliver(&config).await;
    assert_eq!((report.attempted, report.delivered), (2, 2));
    let report = w.deliver(&config).await;
    assert_eq!(report.attempted, 0);

    let received = receiver.received();
    assert_eq!(received.len(), 2);
    assert_ne!(received[0].id, received[1].id);
    // Deliveries may arrive in either order; each once.
    let mut types: Vec<String> = received
        .iter()
        .map(|r| {
            let v: serde_json::Value = serde_json::from_str(&r.body).expect("JSON");
            v["type"].as_str().expect("a type").to_owned()
        })
        .collect();
    types.sort();
    assert_eq!(types, ["invite.accepted", "reply.received"]);
    assert!(
        received
            .iter()
            .any(|r| r.body.contains(r#""details":{"text":"Thanks"}"#))
    );
    assert_eq!(
        python_verdicts(created.secret.text().expose(), &received),
        ["ok", "ok"]
    );
    // A wrong secret or a changed body does not verify.
    let other = overture_webhooks::SigningSecret::generate().expect("a secret");
    assert!(python_verdicts(other.text().expose(), &received[..1])[0].starts_with("bad"));
    let mut changed = received[0].clone();
    changed.body.push(' ');
    assert!(python_verdicts(created.secret.text().expose(), &[changed])[0].starts_with("bad"));

    let deliveries = w.deliveries().await;
    assert!(
        deliveries
            .iter()
            .all(|d| d.status == DeliveryStatus::Delivered && d.attempts == 1)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_receiver_gets_it_on_the_third_attempt_after_growing_delays() {
    let w = World::new().await;
    let receiver = Receiver::start().await;
    w.endpoint(&receiver.url, &[WebhookEventType::InviteAccepted])
        .await;
    receiver.answer(&[500, 503]);
    w.event(EventKind::InviteAccepted, "{}").await;
    let config = w.config();
    w.dispatch(&config).await;

    let start = w.clock.now();
    let mut rounds = 0;
    while receiver.received().len() < 3 && rounds < 100 {
        w.deliver(&config).await;
        w.clock.advance(SignedDuration::from_secs(1));
        rounds += 1;
        if rounds > 10 {
            // Past the first retry: jump to the next due instant.
            if let Some(due) = w.store.next_webhook_due().await.expect("next") {
                w.clock.set(due.max(w.clock.now()));
            }
        }
    }
    let received = receiver.received();
    assert_eq!(received.len(), 3);
    assert!(
        received.iter().all(|r| r.id == received[0].id),
        "one webhook-id for every attempt"
    );
    let delivery = &w.deliveries().await[0];
    assert_eq!(
        (delivery.status, delivery.attempts),
        (DeliveryStatus::Delivered, 3)
    );
    let attempts = w
        .store
        .webhook_attempts(WorkspaceId::DEFAULT, delivery.id)
        .await
        .expect("attempts");
    assert_eq!(
        attempts.iter().map(|a| a.status).collect::<Vec<_>>(),
        [Some(500), Some(503), Some(200)]
    );
    assert_eq!(attempts[0].at, start);
    let first_wait = attempts[1].at.duration_since(attempts[0].at);
    let second_wait = attempts[2].at.duration_since(attempts[1].at);
    let near = |wait: SignedDuration, base: SignedDuration| {
        wait.as_secs_f64() >= base.as_secs_f64() * 0.9
            && wait.as_secs_f64() <= base.as_secs_f64() * 1.1 + 1.0
    };
    assert!(near(first_wait, RETRY_DELAYS[0]), "{first_wait:?}");
    assert!(near(second_wait, RETRY_DELAYS[1]), "{second_wait:?}");
    assert!(second_wait > first_wait);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gone_turns_the_endpoint_off_and_nothing_more_is_sent() {
    let w = World::new().await;
    let receiver = Receiver::start().await;
    let created = w
        .endpoint(&receiver.url, &[WebhookEventType::InviteAccepted])
        .await;
    receiver.answer(&[410]);
    w.event(EventKind::InviteAccepted, "{}").await;
    let config = w.config();
    w.dispatch(&config).await;
    let report = w.deliver(&config).await;
    assert_eq!(report.failed, 1);
    let endpoint = w
        .store
        .webhook_endpoint(WorkspaceId::DEFAULT, created.endpoint.id)
        .await
        .expect("endpoint");
    assert!(!endpoint.enabled);
    assert!(endpoint.disabled_reason.expect("a reason").contains("410"));

    w.event(EventKind::InviteAccepted, "{}").await;
    let queued = w.dispatch(&config).await;
    assert_eq!(queued.queued, 0, "a disabled endpoint gets nothing new");
    w.clock.advance(SignedDuration::from_hours(30));
    w.deliver(&config).await;
    assert_eq!(receiver.received().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_run_out_and_the_delivery_fails() {
    let w = World::new().await;
    let receiver = Receiver::start().await;
    w.endpoint(&receiver.url, &[WebhookEventType::InviteAccepted])
        .await;
    receiver.answer(&[500; 10]);
    w.event(EventKind::InviteAccepted, "{}").await;
    let config = w.config();
    w.dispatch(&config).await;
    let start = w.clock.now();
    while let Some(due) = w.store.next_webhook_due().await.expect("next") {
        w.clock.set(due.max(w.clock.now()));
        w.deliver(&config).await;
    }
    let delivery = &w.deliveries().await[0];
    assert_eq!(delivery.status, DeliveryStatus::Failed);
    assert_eq!(delivery.attempts as usize, RETRY_DELAYS.len() + 1);
    let total = w.clock.now().duration_since(start);
    assert!(total < SignedDuration::from_hours(24), "{total:?}");
    assert!(total > SignedDuration::from_hours(15), "{total:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ping_reaches_the_endpoint_signed() {
    let w = World::new().await;
    let receiver = Receiver::start().await;
    let created = w
        .endpoint(&receiver.url, &[WebhookEventType::InviteAccepted])
        .await;
    let delivery = send_ping(
        &w.store,
        &w.master,
        &w.config(),
        &w.clock,
        WorkspaceId::DEFAULT,
        created.endpoint.id,
    )
    .await
    .expect("ping");
    assert_eq!(delivery.status, DeliveryStatus::Delivered);
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    assert!(received[0].body.contains(r#""type":"webhook.ping""#));
    assert_eq!(
        python_verdicts(created.secret.text().expose(), &received),
        ["ok"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_a_crash_left_behind_is_sent_after_the_lease_with_the_same_id() {
    let w = World::new().await;
    let receiver = Receiver::start().await;
    w.endpoint(&receiver.url, &[WebhookEventType::InviteAccepted])
        .await;
    w.event(EventKind::InviteAccepted, "{}").await;
    let config = w.config();
    w.dispatch(&config).await;
    // A deliverer claims the delivery and dies before recording anything.
    let claimed = w
        .store
        .claim_due_webhook_deliveries(w.clock.now(), 10, config.lease)
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 1);
    assert_eq!(w.deliver(&config).await.attempted, 0, "held by the lease");
    w.clock.advance(config.lease);
    assert_eq!(w.deliver(&config).await.delivered, 1);
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].id, claimed[0].message_id);
}
