//! Sequences end to end: branches, stop-on-reply, limits across restarts, metrics.

use jiff::SignedDuration;
use overture_clock::{Clock, ManualClock};
use overture_core::{ActionKind, Degree, EnrollmentState, InvitationState};
use overture_engine::{Engine, EngineConfig, metrics};
use overture_store::{AccountHistory, HistoryConnection, InvitationQuery, Store};
use overture_store_sqlite::SqliteStore;
use serde_json::json;

use crate::fake::FakeChannels;
use crate::{WS, World, assert_paced, days, limits, start, step};

fn invite_then_message() -> serde_json::Value {
    json!([
        step(json!({ "type": "visit_profile" })),
        step(
            json!({ "type": "invite", "notes": ["Hi {{ first_name }} at {{ company }}"],
                     "without_note_if_quota_exhausted": false })
        ),
        step(json!({ "type": "wait_for_acceptance", "within": "7d",
                     "accepted": "next", "not_accepted": "withdraw" })),
        step(json!({ "type": "tag", "tag": "connected" })),
        step(json!({ "type": "message", "texts": ["Thanks, {{ first_name }}!"] })),
    ])
}

#[tokio::test]
async fn wait_for_acceptance_takes_both_branches() {
    let w = World::new(3, invite_then_message()).await;
    let mut engine = w.engine(EngineConfig::default());
    assert_eq!(engine.start_campaign(WS, w.campaign).await.unwrap(), 3);
    engine.run_until(start() + days(1)).await.unwrap();
    let invites = w.fake.effects_of("invite");
    assert_eq!(invites.len(), 3);
    assert_eq!(w.fake.effects_of("visit").len(), 3);
    assert!(
        invites
            .iter()
            .any(|e| e.note.as_deref() == Some("Hi Lead0 at Example"))
    );

    // Lead 0 accepts; the others never do.
    w.fake.accept(w.account.id, &w.urls[0]);
    engine.run_until(start() + days(2)).await.unwrap();
    let messages = w.fake.effects_of("message");
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].text.as_deref(), Some("Thanks, Lead0!"));
    let lead = w.store.lead(WS, w.leads[0]).await.unwrap();
    assert!(lead.data.tags.contains("connected"));

    engine.run_until(start() + days(10)).await.unwrap();
    let withdrawn = w.fake.effects_of("withdraw");
    assert_eq!(withdrawn.len(), 2, "{withdrawn:?}");
    assert!(!w.fake.is_pending(w.account.id, &w.urls[1]));
    let states: Vec<_> = w.enrollments().await.iter().map(|e| e.state).collect();
    assert_eq!(states, [EnrollmentState::Completed; 3]);
    let all = InvitationQuery {
        after: None,
        account: None,
        state: None,
        sent_before: None,
        limit: 100,
    };
    let invitations = w.store.list_invitations(WS, all).await.unwrap();
    let mut states: Vec<_> = invitations.iter().map(|i| i.state).collect();
    states.sort();
    assert_eq!(
        states,
        [
            InvitationState::Accepted,
            InvitationState::Withdrawn,
            InvitationState::Withdrawn
        ]
    );
    let cooldown = w
        .store
        .cooldown(WS, w.account.id, w.leads[1])
        .await
        .unwrap()
        .unwrap();
    assert!(cooldown.reinvite_not_before > w.clock.now() + days(10));

    let report = metrics(&w.store, WS, w.clock.now()).await.unwrap();
    assert_eq!(report.totals.invites_sent, 3);
    assert_eq!(report.totals.invites_accepted, 1);
    assert_eq!(report.totals.invites_withdrawn, 2);
    assert_eq!(report.totals.messages_sent, 1);
    assert_eq!(report.totals.max_pending, 3);
    assert_eq!(report.totals.cap_violations, 0);
    assert!(
        serde_json::to_string(&report)
            .unwrap()
            .contains("acceptance_rate")
    );
}

#[tokio::test]
async fn a_lead_already_connected_is_messaged_without_an_invitation() {
    let w = World::new(2, invite_then_message()).await;
    // Lead 0 is a first-degree connection of the seat already; lead 1 is not.
    w.fake.accept(w.account.id, &w.urls[0]);
    let mut engine = w.engine(EngineConfig::default());
    assert_eq!(engine.start_campaign(WS, w.campaign).await.unwrap(), 2);
    engine.run_until(start() + days(2)).await.unwrap();

    assert_eq!(w.fake.effects_of("visit").len(), 2);
    let invited = w.fake.profiles_of("invite");
    assert_eq!(invited, [w.urls[1].to_string()], "only lead 1 is invited");
    let messages = w.fake.effects_of("message");
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(messages[0].profile, w.urls[0].to_string());
    assert_eq!(messages[0].text.as_deref(), Some("Thanks, Lead0!"));
    // The sequence went along its `accepted` branch (the tag step) and ended.
    let lead = w.store.lead(WS, w.leads[0]).await.unwrap();
    assert!(lead.data.tags.contains("connected"));
    let records = w.store.list_enrollments(WS, w.campaign).await.unwrap();
    let first = records
        .iter()
        .find(|r| r.enrollment.lead_id == w.leads[0])
        .expect("lead 0 is enrolled");
    assert_eq!(first.degree, Some(Degree::First));
    assert_eq!(first.enrollment.state, EnrollmentState::Completed);
    let report = metrics(&w.store, WS, w.clock.now()).await.unwrap();
    assert_eq!(report.totals.invites_sent, 1);
    assert_eq!(report.totals.messages_sent, 1);
}

#[tokio::test]
async fn a_connection_from_the_data_export_is_messaged_without_a_visit_or_an_invitation() {
    let steps = json!([
        step(json!({ "type": "invite", "notes": ["Hi {{ first_name }}"],
                     "without_note_if_quota_exhausted": false })),
        step(json!({ "type": "wait_for_acceptance", "within": "7d",
                     "accepted": "next", "not_accepted": "end" })),
        step(json!({ "type": "message", "texts": ["Good to be in touch, {{ first_name }}."] })),
    ]);
    let w = World::new(2, steps).await;
    // The account's data export lists lead 0 among its connections.
    w.fake.accept(w.account.id, &w.urls[0]);
    let history = AccountHistory {
        list: "export-seat".into(),
        people: Vec::new(),
        connections: vec![HistoryConnection {
            profile_url: w.urls[0].clone(),
            connected_at: start() - days(300),
        }],
        invitations: Vec::new(),
    };
    w.store
        .import_history(WS, w.account.id, &history, start())
        .await
        .unwrap();
    let mut engine = w.engine(EngineConfig::default());
    engine.start_campaign(WS, w.campaign).await.unwrap();
    engine.run_until(start() + days(1)).await.unwrap();

    let invited = w.fake.profiles_of("invite");
    assert_eq!(invited, [w.urls[1].to_string()], "only lead 1 is invited");
    let messaged = w.fake.profiles_of("message");
    assert_eq!(messaged, [w.urls[0].to_string()]);
    assert!(w.fake.effects_of("visit").is_empty());
}

#[tokio::test]
async fn a_reply_stops_the_sequence() {
    let steps = json!([
        step(json!({ "type": "invite", "notes": [], "without_note_if_quota_exhausted": false })),
        step(json!({ "type": "wait", "duration": "2d" })),
        step(json!({ "type": "message", "texts": ["Following up"] })),
    ]);
    let w = World::new(2, steps).await;
    let mut engine = w.engine(EngineConfig::default());
    engine.start_campaign(WS, w.campaign).await.unwrap();
    engine.run_until(start() + days(1)).await.unwrap();
    w.fake.accept(w.account.id, &w.urls[0]);
    w.fake.accept(w.account.id, &w.urls[1]);
    w.fake.reply(w.account.id, &w.urls[0]);
    engine.run_until(start() + days(5)).await.unwrap();
    let messages = w.fake.effects_of("message");
    assert_eq!(
        messages.len(),
        1,
        "only the lead who did not reply: {messages:?}"
    );
    assert!(messages[0].profile.ends_with("engine-lead-1"));
    let enrollments = w.enrollments().await;
    assert_eq!(enrollments[0].state, EnrollmentState::Replied);
    assert_eq!(enrollments[1].state, EnrollmentState::Completed);
    let report = metrics(&w.store, WS, w.clock.now()).await.unwrap();
    assert_eq!(report.totals.replies, 1);
}

#[tokio::test]
async fn limits_hold_across_restarts() {
    let steps = json!([step(
        json!({ "type": "invite", "notes": [], "without_note_if_quota_exhausted": false })
    ),]);
    let w = World::with(90, steps, json!({}), limits(None)).await;
    let mut engine = w.engine(EngineConfig {
        seed: 3,
        ..EngineConfig::default()
    });
    engine.start_campaign(WS, w.campaign).await.unwrap();
    // Stop mid-day, restart with another seed, and again the next day.
    engine
        .run_until(start() + SignedDuration::from_hours(6))
        .await
        .unwrap();
    drop(engine);
    let mut engine = w
        .restart(EngineConfig {
            seed: 9,
            ..EngineConfig::default()
        })
        .await;
    engine
        .run_until(start() + days(1) + SignedDuration::from_hours(4))
        .await
        .unwrap();
    drop(engine);
    let mut engine = w.restart(EngineConfig::default()).await;
    engine.run_until(start() + days(9)).await.unwrap();
    let times: Vec<_> = w.fake.effects_of("invite").iter().map(|e| e.at).collect();
    assert_paced(&times, 20, SignedDuration::from_mins(3));
    // 100 a rolling week: 90 leads fit in five days of 20, none goes out twice.
    assert_eq!(times.len(), 90);
    let report = metrics(&w.store, WS, w.clock.now()).await.unwrap();
    assert_eq!(report.totals.cap_violations, 0);
    assert_eq!(report.totals.invites_sent, 90);
}

#[tokio::test]
async fn the_weekly_cap_spreads_invites_over_weeks() {
    let steps = json!([step(
        json!({ "type": "invite", "notes": [], "without_note_if_quota_exhausted": false })
    ),]);
    let w = World::with(130, steps, json!({}), limits(None)).await;
    let mut engine = w.engine(EngineConfig::default());
    engine.start_campaign(WS, w.campaign).await.unwrap();
    engine.run_until(start() + days(6)).await.unwrap();
    assert_eq!(
        w.fake.effects_of("invite").len(),
        100,
        "the rolling week is full"
    );
    engine.run_until(start() + days(12)).await.unwrap();
    assert_eq!(w.fake.effects_of("invite").len(), 130);
    let report = metrics(&w.store, WS, w.clock.now()).await.unwrap();
    assert_eq!(report.totals.cap_violations, 0);
}

#[tokio::test]
async fn when_invitations_are_scarce_visits_put_common_ground_first() {
    let steps = json!([
        step(json!({ "type": "visit_profile" })),
        step(json!({ "type": "invite", "notes": [], "without_note_if_quota_exhausted": true })),
    ]);
    let mut scarce = limits(None);
    if let Some(invite) = scarce.kinds.get_mut(&ActionKind::Invite) {
        invite.per_day = 1;
    }
    let w = World::with(4, steps, json!({}), scarce).await;
    // What each visit will show: lead 0 is far, lead 1 outside the network, lead 2 a
    // second-degree contact with a little common ground, lead 3 with a lot.
    let seen = [
        (Degree::Third, 0),
        (Degree::OutOfNetwork, 0),
        (Degree::Second, 2),
        (Degree::Second, 40),
    ];
    for (url, (degree, mutual)) in w.urls.iter().zip(seen) {
        w.fake.set_proximity(url, degree, mutual);
    }
    let mut engine = w.engine(EngineConfig::default());
    engine.start_campaign(WS, w.campaign).await.unwrap();
    engine.run_until(start() + days(5)).await.unwrap();

    assert_eq!(w.fake.effects_of("visit").len(), 4);
    let order = w.fake.profiles_of("invite");
    // The first visit's lead takes day one's only invitation before the others are seen;
    // from then on the waiting leads go by what their visits showed.
    let expected: Vec<String> = [0, 3, 2, 1]
        .iter()
        .map(|&i| w.urls[i].to_string())
        .collect();
    assert_eq!(order, expected);
    let records = w.store.list_enrollments(WS, w.campaign).await.unwrap();
    let lead3 = records
        .iter()
        .find(|r| r.enrollment.lead_id == w.leads[3])
        .expect("lead 3 is enrolled");
    assert_eq!(lead3.degree, Some(Degree::Second));
    assert_eq!(lead3.mutual_connections, Some(40));
}

/// Six leads to invite with at most three pending, run for three days: three invitations go.
async fn six_leads_three_pending(
    make_room: bool,
) -> (World, Engine<SqliteStore, FakeChannels, ManualClock>) {
    let steps = json!([step(
        json!({ "type": "invite", "notes": [], "without_note_if_quota_exhausted": true })
    )]);
    let w = World::new(6, steps).await;
    w.govern(|g| {
        g.max_pending = 3;
        g.make_room = make_room;
    })
    .await;
    let mut engine = w.engine(EngineConfig::default());
    engine.start_campaign(WS, w.campaign).await.unwrap();
    engine.run_until(start() + days(3)).await.unwrap();
    assert_eq!(
        w.fake.effects_of("invite").len(),
        3,
        "three pending at most"
    );
    (w, engine)
}

#[tokio::test]
async fn invitations_wait_at_the_pending_cap_and_go_when_one_is_answered() {
    let (w, mut engine) = six_leads_three_pending(false).await;
    assert_eq!(w.store.pending_count(WS, w.account.id).await.unwrap(), 3);

    // One person accepts: a place frees up, and exactly one more invitation goes.
    let first = w.fake.effects_of("invite")[0].profile.clone();
    let url = w.urls.iter().find(|u| u.to_string() == first).unwrap();
    w.fake.accept(w.account.id, url);
    engine.run_until(start() + days(6)).await.unwrap();
    assert_eq!(w.fake.effects_of("invite").len(), 4);
    assert_eq!(w.store.pending_count(WS, w.account.id).await.unwrap(), 3);
}

#[tokio::test]
async fn at_the_cap_the_governor_makes_room_by_withdrawing_the_oldest_it_may() {
    let (w, mut engine) = six_leads_three_pending(true).await;
    assert!(
        w.fake.effects_of("withdraw").is_empty(),
        "nothing younger than min_age (3 days) goes to make room"
    );

    // Nobody answers, yet the other three leads are invited: the three old invitations, less
    // likely to be accepted than new ones, go to make room.
    engine.run_until(start() + days(8)).await.unwrap();
    let invites = w.fake.effects_of("invite");
    let withdrawals = w.fake.effects_of("withdraw");
    assert_eq!(invites.len(), 6, "{invites:?}");
    assert_eq!(withdrawals.len(), 3, "{withdrawals:?}");
    let first: Vec<&String> = invites[..3].iter().map(|e| &e.profile).collect();
    for withdrawal in &withdrawals {
        assert!(first.contains(&&withdrawal.profile), "{withdrawal:?}");
        let sent = invites
            .iter()
            .find(|i| i.profile == withdrawal.profile)
            .unwrap();
        assert!(withdrawal.at.duration_since(sent.at) >= days(3));
    }
    // Never more than three pending at once: every new invitation follows a withdrawal.
    let mut events: Vec<(jiff::Timestamp, i32)> = invites.iter().map(|e| (e.at, 1)).collect();
    events.extend(withdrawals.iter().map(|e| (e.at, -1)));
    events.sort();
    let mut pending = 0;
    for (at, delta) in events {
        pending += delta;
        assert!(pending <= 3, "{pending} pending at {at}");
    }
}

#[tokio::test]
async fn room_is_made_first_thing_and_the_invitations_waiting_for_it_go_the_same_day() {
    let (w, mut engine) = six_leads_three_pending(true).await;
    engine.run_until(start() + days(8)).await.unwrap();
    let withdrawals = w.fake.effects_of("withdraw");
    let invites = w.fake.effects_of("invite");
    assert_eq!(withdrawals.len(), 3, "{withdrawals:?}");
    assert_eq!(invites.len(), 6, "{invites:?}");
    // The withdrawals that make room go back to back, at the pace the withdrawal limits allow
    // (3 minutes apart, up to 3 more of jitter), not spread over the 12-hour working day...
    let first = withdrawals[0].at;
    let last = withdrawals[2].at;
    assert!(
        last.duration_since(first) <= SignedDuration::from_mins(12),
        "withdrawals from {first} to {last}"
    );
    // ...and the invitations that waited for the room go that same working day (spread over
    // it by the planner, as every day's invitations are), each after a withdrawal freed its
    // place: no day's sending is lost to waiting for room.
    for (invite, withdrawal) in invites[3..].iter().zip(&withdrawals) {
        assert!(
            invite.at > withdrawal.at,
            "{invite:?} before {withdrawal:?}"
        );
        assert!(
            invite.at.duration_since(first) <= SignedDuration::from_hours(12),
            "{invite:?} waited since {first}"
        );
    }
}

#[tokio::test]
async fn the_governor_withdraws_stale_invitations_within_its_daily_budget() {
    let steps = json!([step(
        json!({ "type": "invite", "notes": [], "without_note_if_quota_exhausted": true })
    )]);
    let w = World::new(6, steps).await;
    w.govern(|g| {
        g.withdraw_after = days(4);
        g.smart = false;
        g.withdrawals_per_day = 2;
    })
    .await;
    let mut engine = w.engine(EngineConfig::default());
    engine.start_campaign(WS, w.campaign).await.unwrap();
    engine.run_until(start() + days(4)).await.unwrap();
    assert_eq!(w.fake.effects_of("invite").len(), 6);
    assert!(
        w.fake.effects_of("withdraw").is_empty(),
        "nothing is withdrawn before it is 4 days old"
    );
    // Lead 0 accepts: an answered invitation is never withdrawn.
    w.fake.accept(w.account.id, &w.urls[0]);
    engine.run_until(start() + days(12)).await.unwrap();

    let invites = w.fake.effects_of("invite");
    let withdrawals = w.fake.effects_of("withdraw");
    assert_eq!(
        withdrawals.len(),
        5,
        "every stale one goes: {withdrawals:?}"
    );
    assert!(
        withdrawals
            .iter()
            .all(|e| e.profile != w.urls[0].to_string())
    );
    for withdrawal in &withdrawals {
        let sent = invites
            .iter()
            .find(|i| i.profile == withdrawal.profile)
            .unwrap()
            .at;
        assert!(withdrawal.at.duration_since(sent) >= days(4));
    }
    let mut per_day: std::collections::BTreeMap<jiff::civil::Date, usize> = Default::default();
    for withdrawal in &withdrawals {
        *per_day
            .entry(jiff::tz::TimeZone::UTC.to_datetime(withdrawal.at).date())
            .or_default() += 1;
    }
    assert!(per_day.values().all(|&n| n <= 2), "{per_day:?}");
    assert_eq!(w.store.pending_count(WS, w.account.id).await.unwrap(), 0);
    let cooldown = w
        .store
        .cooldown(WS, w.account.id, w.leads[1])
        .await
        .unwrap()
        .expect("a withdrawn person cools down");
    assert!(cooldown.reinvite_not_before >= start() + days(4) + days(21));
}
