//! Crashes between the intent and the result are reconciled without duplicates.

use overture_core::{ActionState, EnrollmentState, InvitationState};
use overture_engine::{EngineConfig, EngineError, Failpoint};
use overture_store::{ActionQuery, Store};
use serde_json::json;

use crate::{WS, World, days, start, step};

fn crashing(point: Failpoint) -> EngineConfig {
    EngineConfig {
        failpoint: Some(point),
        ..EngineConfig::default()
    }
}

fn invite_only() -> serde_json::Value {
    json!([step(
        json!({ "type": "invite", "notes": ["Hello {{ first_name }}"],
                        "without_note_if_quota_exhausted": false })
    )])
}

async fn run_to_crash(w: &World, point: Failpoint) {
    let mut engine = w.engine(crashing(point));
    engine.start_campaign(WS, w.campaign).await.unwrap();
    let result = engine.run_until(start() + days(1)).await;
    assert_eq!(result, Err(EngineError::Failpoint(point)));
}

async fn all_actions(w: &World) -> Vec<overture_core::Action> {
    let query = ActionQuery {
        state: None,
        account: None,
        limit: 100,
    };
    w.store.list_actions(WS, query).await.unwrap()
}

#[tokio::test]
async fn a_crash_after_the_intent_retries_once_the_channel_shows_nothing() {
    let w = World::new(1, invite_only()).await;
    run_to_crash(&w, Failpoint::AfterIntent).await;
    assert!(w.fake.effects_of("invite").is_empty());
    let mut engine = w.restart(EngineConfig::default()).await;
    let report = engine.run_until(start() + days(1)).await.unwrap();
    assert_eq!(report.reconciled, 1);
    assert_eq!(w.fake.effects_of("invite").len(), 1, "sent exactly once");
    let actions = all_actions(&w).await;
    assert_eq!(actions[0].state, ActionState::Done);
}

#[tokio::test]
async fn a_crash_after_the_call_is_reconciled_without_a_second_invitation() {
    let w = World::new(2, invite_only()).await;
    run_to_crash(&w, Failpoint::AfterChannelCall).await;
    assert_eq!(w.fake.effects_of("invite").len(), 1);
    let mut engine = w.restart(EngineConfig::default()).await;
    engine.run_until(start() + days(2)).await.unwrap();
    let invites = w.fake.effects_of("invite");
    assert_eq!(invites.len(), 2, "one per lead, none twice: {invites:?}");
    let profiles: std::collections::BTreeSet<_> = invites.iter().map(|e| &e.profile).collect();
    assert_eq!(profiles.len(), 2);
    for lead in &w.leads {
        let invitation = w
            .store
            .latest_invitation(WS, w.account.id, *lead)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(invitation.state, InvitationState::Pending);
        assert!(invitation.external_id.is_some());
    }
    assert!(
        all_actions(&w)
            .await
            .iter()
            .all(|a| a.state == ActionState::Done)
    );
    let states: Vec<_> = w.enrollments().await.iter().map(|e| e.state).collect();
    assert_eq!(states, [EnrollmentState::Completed; 2]);
}

#[tokio::test]
async fn a_message_crash_is_found_by_its_client_token() {
    let steps = json!([step(
        json!({ "type": "message", "texts": ["Hi {{ first_name }}"] })
    )]);
    let w = World::new(1, steps).await;
    w.fake.accept(w.account.id, &w.urls[0]);
    run_to_crash(&w, Failpoint::AfterChannelCall).await;
    let mut engine = w.restart(EngineConfig::default()).await;
    engine.run_until(start() + days(1)).await.unwrap();
    let messages = w.fake.effects_of("message");
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].text.as_deref(), Some("Hi Lead0"));
    assert_eq!(w.fake.calls("thread"), 1);
    assert_eq!(all_actions(&w).await[0].state, ActionState::Done);
}

#[tokio::test]
async fn a_lost_answer_to_a_write_is_reconciled_in_the_same_tick() {
    let w = World::new(1, invite_only()).await;
    let transient = overture_channel::ChannelError::Transient {
        detail: "timeout".into(),
    };
    w.fake.fail_next("invite", transient, true);
    let mut engine = w.engine(EngineConfig::default());
    engine.start_campaign(WS, w.campaign).await.unwrap();
    engine.run_until(start() + days(1)).await.unwrap();
    assert_eq!(w.fake.effects_of("invite").len(), 1);
    assert_eq!(w.fake.calls("invite"), 1, "never retried blindly");
    assert_eq!(all_actions(&w).await[0].state, ActionState::Done);
}

#[tokio::test]
async fn an_effect_nobody_can_confirm_ends_in_doubt() {
    let w = World::new(1, invite_only()).await;
    let transient = || overture_channel::ChannelError::Transient {
        detail: "timeout".into(),
    };
    w.fake.fail_next("invite", transient(), true);
    w.fake.fail_always("sent_invitations", transient());
    w.fake.fail_always("lookup", transient());
    let mut engine = w.engine(EngineConfig::default());
    engine.start_campaign(WS, w.campaign).await.unwrap();
    let report = engine.run_until(start() + days(1)).await.unwrap();
    assert_eq!(report.in_doubt, 1);
    assert_eq!(w.fake.calls("invite"), 1);
    assert_eq!(all_actions(&w).await[0].state, ActionState::InDoubt);
}
