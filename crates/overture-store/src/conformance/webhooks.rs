//! Webhooks: endpoints per workspace, the outbox of deliveries, attempts and the cursor.

use jiff::SignedDuration;
use overture_core::webhook::{DeliveryStatus, WebhookEndpointId, WebhookEventType};
use overture_core::{EventId, EventKind, NewEvent, WorkspaceId};

use super::{at, ok};
use crate::{
    AttemptOutcome, DeliveryQuery, NewWebhookDelivery, NewWebhookEndpoint, SealedSecret, Store,
    StoreError, WebhookAttempt, WebhookEndpoint,
};

fn new_endpoint(ws: WorkspaceId, url: &str) -> NewWebhookEndpoint {
    NewWebhookEndpoint {
        workspace_id: ws,
        url: url.to_owned(),
        events: vec![
            WebhookEventType::InviteAccepted,
            WebhookEventType::ReplyReceived,
        ],
        allow_private_targets: false,
        secret: SealedSecret {
            nonce: vec![7; 24],
            ciphertext: vec![1, 2, 3],
        },
        created_at: at(0),
    }
}

fn delivery(endpoint: WebhookEndpointId, event: Option<EventId>, msg: &str) -> NewWebhookDelivery {
    NewWebhookDelivery {
        endpoint_id: endpoint,
        event_id: event,
        event_type: WebhookEventType::InviteAccepted,
        message_id: msg.to_owned(),
        payload: r#"{"type":"invite.accepted"}"#.to_owned(),
        due_at: at(10),
    }
}

async fn endpoint<S: Store>(store: &S, ws: WorkspaceId, url: &str) -> WebhookEndpoint {
    ok(
        "create endpoint",
        store.create_webhook_endpoint(new_endpoint(ws, url)).await,
    )
}

async fn event<S: Store>(store: &S, ws: WorkspaceId, second: i64) -> EventId {
    ok(
        "append event",
        store
            .append_event(NewEvent {
                workspace_id: ws,
                kind: EventKind::InviteAccepted,
                at: at(second),
                account_id: None,
                lead_id: None,
                campaign_id: None,
                data: "{}".to_owned(),
            })
            .await,
    )
}

/// Endpoints are created enabled, read back with their sealed secret, listed, turned off and
/// on, and deleted; a second endpoint for the same URL in a workspace is a `Conflict`.
pub async fn webhook_endpoints_create_list_toggle_and_delete<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let a = endpoint(&store, ws, "https://hooks.example.com/a").await;
    assert!(a.enabled);
    assert_eq!(
        a.events,
        vec![
            WebhookEventType::InviteAccepted,
            WebhookEventType::ReplyReceived
        ]
    );
    assert_eq!(ok("get", store.webhook_endpoint(ws, a.id).await), a);
    let sealed = ok("secret", store.webhook_endpoint_secret(ws, a.id).await);
    assert_eq!(sealed.ciphertext, vec![1, 2, 3]);
    assert!(matches!(
        store
            .create_webhook_endpoint(new_endpoint(ws, "https://hooks.example.com/a"))
            .await,
        Err(StoreError::Conflict { .. })
    ));
    let b = endpoint(&store, ws, "https://hooks.example.com/b").await;
    let listed = ok("list", store.list_webhook_endpoints(ws).await);
    assert_eq!(
        listed.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![a.id, b.id]
    );

    let off = ok(
        "disable",
        store
            .set_webhook_endpoint_enabled(ws, a.id, false, Some("by hand".to_owned()), at(5))
            .await,
    );
    assert!(!off.enabled);
    assert_eq!(off.disabled_reason.as_deref(), Some("by hand"));
    let on = ok(
        "enable",
        store
            .set_webhook_endpoint_enabled(ws, a.id, true, None, at(6))
            .await,
    );
    assert!(on.enabled && on.disabled_reason.is_none());

    ok("delete", store.delete_webhook_endpoint(ws, a.id).await);
    assert!(matches!(
        store.webhook_endpoint(ws, a.id).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store.delete_webhook_endpoint(ws, a.id).await,
        Err(StoreError::NotFound { .. })
    ));
}

/// Another workspace's endpoint, secret and deliveries are `NotFound` and never listed.
pub async fn webhook_endpoints_are_scoped_by_workspace<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let other = ok("workspace", store.create_workspace("client-b").await).id;
    let mine = endpoint(&store, ws, "https://hooks.example.com/a").await;
    // The same URL in another workspace is another endpoint.
    let theirs = endpoint(&store, other, "https://hooks.example.com/a").await;
    for (ws, id) in [(other, mine.id), (ws, theirs.id)] {
        assert!(matches!(
            store.webhook_endpoint(ws, id).await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            store.webhook_endpoint_secret(ws, id).await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            store
                .set_webhook_endpoint_enabled(ws, id, false, None, at(1))
                .await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            store.delete_webhook_endpoint(ws, id).await,
            Err(StoreError::NotFound { .. })
        ));
    }
    assert_eq!(
        ok("list", store.list_webhook_endpoints(other).await),
        vec![theirs.clone()]
    );
    // Queuing for another workspace's endpoint changes nothing.
    assert!(matches!(
        store
            .enqueue_webhook_deliveries(other, &[delivery(mine.id, None, "msg_x")], None, at(1))
            .await,
        Err(StoreError::NotFound { .. })
    ));
    ok(
        "enqueue",
        store
            .enqueue_webhook_deliveries(ws, &[delivery(mine.id, None, "msg_1")], None, at(1))
            .await,
    );
    let d = ok("list", store.list_webhook_deliveries(ws, all()).await);
    assert_eq!(d.len(), 1);
    assert!(ok("other's", store.list_webhook_deliveries(other, all()).await).is_empty());
    assert!(matches!(
        store.webhook_delivery(other, d[0].id).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store.webhook_attempts(other, d[0].id).await,
        Err(StoreError::NotFound { .. })
    ));
}

fn all() -> DeliveryQuery {
    DeliveryQuery {
        limit: 100,
        ..DeliveryQuery::default()
    }
}

/// One delivery per endpoint and event, however often it is queued; the cursor moves in the
/// same transaction and never backwards.
pub async fn webhook_deliveries_are_queued_once_and_move_the_cursor<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let e = endpoint(&store, ws, "https://hooks.example.com/a").await;
    let first = event(&store, ws, 1).await;
    let second = event(&store, ws, 2).await;
    assert_eq!(ok("no cursor", store.webhook_cursor(ws).await), None);
    let batch = [
        delivery(e.id, Some(first), "msg_1"),
        delivery(e.id, Some(second), "msg_2"),
    ];
    assert_eq!(
        ok(
            "enqueue",
            store
                .enqueue_webhook_deliveries(ws, &batch, Some(second), at(3))
                .await
        ),
        2
    );
    let again = [delivery(e.id, Some(first), "msg_1b")];
    assert_eq!(
        ok(
            "again",
            store
                .enqueue_webhook_deliveries(ws, &again, Some(first), at(4))
                .await
        ),
        0
    );
    assert_eq!(ok("cursor", store.webhook_cursor(ws).await), Some(second));
    let listed = ok("list", store.list_webhook_deliveries(ws, all()).await);
    assert_eq!(
        listed
            .iter()
            .map(|d| d.message_id.as_str())
            .collect::<Vec<_>>(),
        vec!["msg_2", "msg_1"],
        "newest first"
    );
    assert!(
        listed
            .iter()
            .all(|d| d.status == DeliveryStatus::Pending && d.attempts == 0)
    );
}

/// Claims take due deliveries of enabled endpoints and hold them for the lease; attempts are
/// recorded with their outcome; a 410 turns the endpoint off; a finished delivery refuses
/// another attempt.
pub async fn webhook_deliveries_claim_attempt_and_finish<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let e = endpoint(&store, ws, "https://hooks.example.com/a").await;
    let off = endpoint(&store, ws, "https://hooks.example.com/off").await;
    ok(
        "disable",
        store
            .set_webhook_endpoint_enabled(ws, off.id, false, None, at(0))
            .await,
    );
    let queued = [
        delivery(e.id, None, "msg_1"),
        delivery(e.id, None, "msg_2"),
        delivery(off.id, None, "msg_off"),
    ];
    ok(
        "enqueue",
        store
            .enqueue_webhook_deliveries(ws, &queued, None, at(0))
            .await,
    );
    let lease = SignedDuration::from_mins(2);
    assert!(
        ok(
            "not due",
            store.claim_due_webhook_deliveries(at(9), 10, lease).await
        )
        .is_empty()
    );
    assert_eq!(ok("next", store.next_webhook_due().await), Some(at(10)));
    let claimed = ok(
        "claim",
        store.claim_due_webhook_deliveries(at(10), 10, lease).await,
    );
    assert_eq!(
        claimed
            .iter()
            .map(|d| d.message_id.as_str())
            .collect::<Vec<_>>(),
        vec!["msg_1", "msg_2"]
    );
    assert!(
        ok(
            "held",
            store.claim_due_webhook_deliveries(at(11), 10, lease).await
        )
        .is_empty()
    );

    let retried = ok(
        "retry",
        store
            .record_webhook_attempt(
                claimed[0].id,
                WebhookAttempt {
                    at: at(11),
                    status: Some(500),
                    error: Some("the receiver answered 500".to_owned()),
                    outcome: AttemptOutcome::Retry { next_at: at(20) },
                },
            )
            .await,
    );
    assert_eq!(
        (
            retried.status,
            retried.attempts,
            retried.next_attempt_at,
            retried.last_status
        ),
        (DeliveryStatus::Pending, 1, at(20), Some(500))
    );
    let done = ok(
        "deliver",
        store
            .record_webhook_attempt(
                claimed[0].id,
                WebhookAttempt {
                    at: at(21),
                    status: Some(204),
                    error: None,
                    outcome: AttemptOutcome::Delivered,
                },
            )
            .await,
    );
    assert_eq!(
        (done.status, done.attempts, done.finished_at),
        (DeliveryStatus::Delivered, 2, Some(at(21)))
    );
    assert!(matches!(
        store
            .record_webhook_attempt(
                claimed[0].id,
                WebhookAttempt {
                    at: at(22),
                    status: Some(200),
                    error: None,
                    outcome: AttemptOutcome::Delivered,
                },
            )
            .await,
        Err(StoreError::Conflict { .. })
    ));
    let attempts = ok("attempts", store.webhook_attempts(ws, claimed[0].id).await);
    assert_eq!(
        attempts
            .iter()
            .map(|a| (a.number, a.at, a.status))
            .collect::<Vec<_>>(),
        vec![(1, at(11), Some(500)), (2, at(21), Some(204))]
    );

    let gone = ok(
        "gone",
        store
            .record_webhook_attempt(
                claimed[1].id,
                WebhookAttempt {
                    at: at(12),
                    status: Some(410),
                    error: Some("the receiver answered 410".to_owned()),
                    outcome: AttemptOutcome::EndpointGone,
                },
            )
            .await,
    );
    assert_eq!(gone.status, DeliveryStatus::Failed);
    let e = ok("endpoint", store.webhook_endpoint(ws, e.id).await);
    assert!(!e.enabled);
    assert!(e.disabled_reason.is_some());
    let failed = ok(
        "failed list",
        store
            .list_webhook_deliveries(
                ws,
                DeliveryQuery {
                    status: Some(DeliveryStatus::Failed),
                    ..all()
                },
            )
            .await,
    );
    assert_eq!(failed.len(), 1);
    // Nothing of a disabled endpoint is due.
    assert_eq!(ok("next", store.next_webhook_due().await), None);

    // Deleting the endpoint takes its deliveries along.
    ok("delete", store.delete_webhook_endpoint(ws, e.id).await);
    let left = ok("left", store.list_webhook_deliveries(ws, all()).await);
    assert_eq!(
        left.iter()
            .map(|d| d.message_id.as_str())
            .collect::<Vec<_>>(),
        vec!["msg_off"]
    );
}
