//! The target guard, at creation and again at delivery.

use overture_clock::Clock as _;
use overture_core::EventKind;
use overture_core::WorkspaceId;
use overture_core::webhook::{DeliveryStatus, WebhookEventType};
use overture_webhooks::guard::TargetError;
use overture_webhooks::{EndpointSpec, WebhookConfig, WebhookError, create_endpoint};

use crate::receiver::{Receiver, World};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_targets_are_refused_at_creation_without_the_flag() {
    let w = World::new().await;
    for url in [
        "http://127.0.0.1:8080/hooks",
        "http://10.0.0.5/hooks",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/hooks",
    ] {
        let spec = EndpointSpec {
            url: url.to_owned(),
            events: vec![WebhookEventType::InviteAccepted],
            allow_private_targets: false,
        };
        let refused = create_endpoint(
            &w.store,
            &w.master,
            WorkspaceId::DEFAULT,
            spec.clone(),
            false,
            w.clock.now(),
        )
        .await;
        assert!(
            matches!(
                refused,
                Err(WebhookError::Target(TargetError::Forbidden { .. }))
            ),
            "{url}: {refused:?}"
        );
        // With the flag, the same target is accepted.
        create_endpoint(
            &w.store,
            &w.master,
            WorkspaceId::DEFAULT,
            spec,
            true,
            w.clock.now(),
        )
        .await
        .expect("allowed with the flag");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_targets_are_refused_again_at_delivery() {
    let w = World::new().await;
    let receiver = Receiver::start().await;
    // Created while private targets were allowed; the deliverer's configuration no longer
    // allows them.
    w.endpoint(&receiver.url, &[WebhookEventType::InviteAccepted])
        .await;
    w.event(EventKind::InviteAccepted, "{}").await;
    let config = WebhookConfig::default();
    w.dispatch(&config).await;
    let report = w.deliver(&config).await;
    assert_eq!(report.retrying, 1);
    assert!(receiver.received().is_empty());
    let delivery = &w.deliveries().await[0];
    assert_eq!(delivery.status, DeliveryStatus::Pending);
    let error = delivery.last_error.as_deref().expect("an error");
    assert!(error.contains("loopback"), "{error}");
}
