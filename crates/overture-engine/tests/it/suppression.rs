//! The suppression list holds in the engine: a lead on it is never contacted, even with an
//! action already queued, and its sequence stops with the reason.

use overture_core::{ActionState, EnrollmentState, SuppressionKind};
use overture_engine::EngineConfig;
use overture_store::{ActionQuery, Store};
use serde_json::json;

use crate::{WS, World, days, start, step};

#[tokio::test]
async fn a_suppressed_lead_is_never_contacted_and_its_sequence_stops() {
    let steps = json!([
        step(json!({ "type": "visit_profile" })),
        step(json!({ "type": "invite", "notes": ["Hi {{ first_name }}"],
                     "without_note_if_quota_exhausted": false })),
    ]);
    let w = World::new(2, steps).await;
    let mut engine = w.engine(EngineConfig::default());
    engine.start_campaign(WS, w.campaign).await.unwrap();
    // Lead 1 goes on the list after the campaign started, before anything was sent.
    let entry = [(SuppressionKind::Profile, w.urls[1].to_string())];
    w.store
        .add_suppressions(WS, &entry, "asked not to be contacted", start())
        .await
        .unwrap();
    engine.run_until(start() + days(2)).await.unwrap();

    let visited: Vec<_> = w
        .fake
        .effects_of("visit")
        .iter()
        .map(|e| e.profile.clone())
        .collect();
    let invited: Vec<_> = w
        .fake
        .effects_of("invite")
        .iter()
        .map(|e| e.profile.clone())
        .collect();
    assert_eq!(visited, [w.urls[0].to_string()]);
    assert_eq!(invited, [w.urls[0].to_string()]);
    let records = w.store.list_enrollments(WS, w.campaign).await.unwrap();
    let stopped = records
        .iter()
        .find(|r| r.enrollment.lead_id == w.leads[1])
        .unwrap();
    assert_eq!(stopped.enrollment.state, EnrollmentState::Stopped);
    assert!(
        stopped
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("suppressed") && r.contains("asked not to be contacted")),
        "{:?}",
        stopped.reason
    );
    let query = ActionQuery {
        state: Some(ActionState::Failed),
        account: None,
        limit: 10,
    };
    let failed = w.store.list_actions(WS, query).await.unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].lead_id, Some(w.leads[1]));
}
