//! Due actions of different seats are carried out together: their channel calls are in
//! progress at once, while one seat's actions still go one at a time, each once.

use jiff::SignedDuration;
use overture_clock::Clock;
use overture_core::{ActionKind, ActionState, Tier};
use overture_engine::EngineConfig;
use overture_store::{ActionQuery, NewAction, Store};
use serde_json::json;

use crate::{WS, World, limits, seat};

#[tokio::test]
async fn seats_act_at_once_and_each_seat_one_action_at_a_time() {
    let world = World::new(6, json!([])).await;
    let mut seats = vec![world.account.id];
    for name in ["bob", "carol", "dave"] {
        let account = world
            .store
            .create_account(seat(name, Tier::Premium, limits(None)))
            .await
            .unwrap();
        seats.push(account.id);
    }
    // 09:00, inside working hours: two visits due for each of the four seats.
    world.clock.advance(SignedDuration::from_hours(2));
    let now = world.clock.now();
    let mut actions = Vec::new();
    for (s, seat) in seats.iter().enumerate() {
        for n in 0..2 {
            let lead = (s + n) % world.leads.len();
            actions.push(NewAction {
                workspace_id: WS,
                account_id: *seat,
                lead_id: Some(world.leads[lead]),
                campaign_id: None,
                enrollment_id: None,
                kind: ActionKind::Visit,
                payload: json!({ "step": 0, "profile": world.urls[lead].to_string() }).to_string(),
                due_at: now,
                idempotency_key: format!("visit-{s}-{n}"),
                variant: None,
            });
        }
    }
    world.store.enqueue_actions(&actions).await.unwrap();
    world.fake.track_overlap();
    let mut engine = world.engine(EngineConfig::default());
    engine.tick().await.unwrap();
    let (all, of_one_seat) = world.fake.most_visiting();
    assert_eq!(all, 4, "the four seats' visits were in progress at once");
    assert_eq!(of_one_seat, 1, "a seat's visits never overlap");
    // Each seat's second visit waits for its spacing; an hour later all eight went, once each.
    assert_eq!(world.fake.effects_of("visit").len(), 4);
    engine
        .run_until(now + SignedDuration::from_hours(1))
        .await
        .unwrap();
    let visits = world.fake.effects_of("visit");
    assert_eq!(visits.len(), 8, "{visits:?}");
    for seat in &seats {
        let mine: Vec<_> = visits.iter().filter(|v| v.account == *seat).collect();
        assert_eq!(mine.len(), 2);
        assert!(
            mine[1].at.duration_since(mine[0].at) >= SignedDuration::from_mins(3),
            "a seat's visits keep their spacing: {mine:?}"
        );
    }
    let query = ActionQuery {
        state: Some(ActionState::Done),
        account: None,
        limit: 100,
    };
    assert_eq!(world.store.list_actions(WS, query).await.unwrap().len(), 8);
    assert_eq!(world.fake.most_visiting(), (4, 1));
}
