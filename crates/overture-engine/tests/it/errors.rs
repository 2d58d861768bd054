//! Every channel error class leads to the documented state (docs/engine.md, "Reactions").

use jiff::SignedDuration;
use overture_channel::ChannelError;
use overture_core::{AccountStatus, ActionKind, ActionState, EnrollmentState, EventKind};
use overture_engine::EngineConfig;
use overture_store::{ActionQuery, BackoffAxis, EventQuery, Store};
use serde_json::json;

use crate::{WS, World, days, limits, start, step};

fn invite(note_optional: bool) -> serde_json::Value {
    json!([step(
        json!({ "type": "invite", "notes": ["Hello {{ first_name }}"],
                        "without_note_if_quota_exhausted": note_optional })
    )])
}

/// Runs one lead through an invite whose first call fails with `error`, for `span`.
async fn run(error: ChannelError, span: SignedDuration) -> World {
    run_with(error, span, false, limits(None)).await
}

async fn run_with(
    error: ChannelError,
    span: SignedDuration,
    note_optional: bool,
    limits: overture_core::limits::AccountLimits,
) -> World {
    let w = World::with(1, invite(note_optional), json!({}), limits).await;
    w.fake.fail_next("invite", error, false);
    let mut engine = w.engine(EngineConfig::default());
    engine.start_campaign(WS, w.campaign).await.unwrap();
    engine.run_until(start() + span).await.unwrap();
    w
}

async fn action(w: &World) -> overture_core::Action {
    let query = ActionQuery {
        state: None,
        account: None,
        limit: 10,
    };
    w.store.list_actions(WS, query).await.unwrap().remove(0)
}

async fn events(w: &World, kind: EventKind) -> Vec<serde_json::Value> {
    let query = EventQuery {
        after: None,
        kinds: vec![kind],
        limit: 100,
    };
    let list = w.store.list_events(WS, query).await.unwrap();
    list.iter()
        .map(|e| serde_json::from_str(&e.event.data).unwrap())
        .collect()
}

fn hours(n: i64) -> SignedDuration {
    SignedDuration::from_hours(n)
}

#[tokio::test]
async fn rate_limited_backs_off_the_kind_then_succeeds() {
    let retry_after = hours(1);
    let w = run(ChannelError::RateLimited { retry_after }, days(1)).await;
    let backoffs = w.store.backoffs(w.account.id).await.unwrap();
    assert_eq!(backoffs[0].axis, BackoffAxis::Action(ActionKind::Invite));
    let first_call = w.fake.effects_of("invite")[0].at;
    assert!(first_call >= backoffs[0].until, "waited for the back-off");
    assert_eq!(action(&w).await.state, ActionState::Done);
    assert_eq!(
        events(&w, EventKind::LimitReached).await[0]["reason"],
        "rate_limited"
    );
}

#[tokio::test]
async fn weekly_cap_stops_invites_until_the_window_frees() {
    let error = ChannelError::WeeklyCapReached {
        retry_after: Some(days(2)),
    };
    let w = run(error, days(1)).await;
    assert!(w.fake.effects_of("invite").is_empty());
    let a = action(&w).await;
    assert_eq!(a.state, ActionState::Queued);
    assert!(a.due_at >= start() + days(2));
    let backoffs = w.store.backoffs(w.account.id).await.unwrap();
    assert_eq!(backoffs[0].reason, "weekly_cap_reached");
}

#[tokio::test]
async fn note_quota_waits_when_the_note_is_required() {
    let w = run(ChannelError::NoteQuotaExhausted, days(3)).await;
    assert!(
        w.fake.effects_of("invite").is_empty(),
        "no invitation without its note"
    );
    let backoffs = w.store.backoffs(w.account.id).await.unwrap();
    assert_eq!(backoffs[0].axis, BackoffAxis::InviteNote);
    assert_eq!(action(&w).await.state, ActionState::Queued);
}

#[tokio::test]
async fn note_quota_sends_without_the_note_when_the_step_allows_it() {
    let w = run_with(
        ChannelError::NoteQuotaExhausted,
        days(1),
        true,
        limits(None),
    )
    .await;
    let invites = w.fake.effects_of("invite");
    assert_eq!(invites.len(), 1);
    assert_eq!(invites[0].note, None);
    assert_eq!(action(&w).await.state, ActionState::Done);
}

#[tokio::test]
async fn cannot_reinvite_cools_the_person_down_and_stops() {
    let w = run(ChannelError::CannotReinviteYet, days(1)).await;
    let cooldown = w
        .store
        .cooldown(WS, w.account.id, w.leads[0])
        .await
        .unwrap();
    assert!(cooldown.unwrap().reinvite_not_before >= start() + days(20));
    assert_eq!(w.enrollments().await[0].state, EnrollmentState::Stopped);
    assert_eq!(action(&w).await.state, ActionState::Failed);
}

#[tokio::test]
async fn session_expired_needs_credentials() {
    let w = run(ChannelError::SessionExpired, days(2)).await;
    assert_eq!(
        w.account_now().await.status,
        AccountStatus::NeedsCredentials
    );
    assert!(w.fake.effects_of("invite").is_empty());
    assert_eq!(events(&w, EventKind::AccountPaused).await.len(), 1);
    assert_eq!(action(&w).await.state, ActionState::Queued);
}

#[tokio::test]
async fn a_challenge_pauses_the_account() {
    let error = ChannelError::Challenge {
        detail: "checkpoint".into(),
    };
    let w = run(error, days(2)).await;
    let status = w.account_now().await.status;
    assert!(
        matches!(&status, AccountStatus::Paused { reason } if reason.contains("checkpoint")),
        "{status:?}"
    );
    assert!(w.fake.effects_of("invite").is_empty());
}

#[tokio::test]
async fn a_restriction_stops_the_account_until_it_ends() {
    let w = run(ChannelError::Restricted { until: None }, days(3)).await;
    let AccountStatus::Restricted { until } = w.account_now().await.status else {
        panic!("restricted");
    };
    assert!(until >= start() + days(7));
    assert!(w.fake.effects_of("invite").is_empty());
    assert_eq!(events(&w, EventKind::AccountRestricted).await.len(), 1);
    // Once it ends, work resumes.
    let mut engine = w.engine(EngineConfig::default());
    engine.run_until(until + days(1)).await.unwrap();
    assert_eq!(w.fake.effects_of("invite").len(), 1);
}

#[tokio::test]
async fn an_unreachable_profile_stops_only_that_enrollment() {
    let w = run(ChannelError::ProfileUnreachable, days(1)).await;
    assert_eq!(w.enrollments().await[0].state, EnrollmentState::Stopped);
    assert_eq!(action(&w).await.state, ActionState::Failed);
    assert_eq!(w.account_now().await.status, AccountStatus::Active);
}

#[tokio::test]
async fn a_transient_failure_before_the_write_is_retried_with_backoff() {
    let error = ChannelError::Transient {
        detail: "502".into(),
    };
    let w = run(error, days(1)).await;
    assert_eq!(w.fake.calls("invite"), 2);
    assert_eq!(w.fake.effects_of("invite").len(), 1);
    assert_eq!(
        w.fake.calls("lookup"),
        1,
        "the write was checked before the retry"
    );
    assert_eq!(action(&w).await.state, ActionState::Done);
}

#[tokio::test]
async fn transient_failures_give_up_after_max_attempts() {
    let w = World::new(1, invite(false)).await;
    w.fake.fail_always(
        "invite",
        ChannelError::Transient {
            detail: "502".into(),
        },
    );
    let mut engine = w.engine(EngineConfig::default());
    engine.start_campaign(WS, w.campaign).await.unwrap();
    engine.run_until(start() + days(2)).await.unwrap();
    assert_eq!(w.fake.calls("invite"), 4, "max_attempts, no storm");
    assert_eq!(action(&w).await.state, ActionState::Failed);
    assert_eq!(w.enrollments().await[0].state, EnrollmentState::Stopped);
}

#[tokio::test]
async fn a_permanent_failure_fails_the_action_and_stops_the_enrollment() {
    let error = ChannelError::Permanent {
        detail: "bad request".into(),
    };
    let w = run(error, days(1)).await;
    assert_eq!(action(&w).await.state, ActionState::Failed);
    let enrollment = &w.enrollments().await[0];
    assert_eq!(enrollment.state, EnrollmentState::Stopped);
}

#[tokio::test]
async fn after_a_restriction_a_smart_governor_keeps_fewer_invitations_pending() {
    let w = World::with(40, invite(true), json!({}), limits(None)).await;
    w.govern(|g| g.max_pending = 20).await;
    let mut engine = w.engine(EngineConfig::default());
    engine.start_campaign(WS, w.campaign).await.unwrap();
    engine.run_until(start() + days(1)).await.unwrap();
    assert_eq!(w.fake.effects_of("invite").len(), 20, "the cap is reached");

    // The first withdrawal that makes room (day 3, once invitations are old enough) finds the
    // account restricted, with 20 invitations pending.
    w.fake
        .fail_next("withdraw", ChannelError::Restricted { until: None }, false);
    engine.run_until(start() + days(6)).await.unwrap();
    let AccountStatus::Restricted { until } = w.account_now().await.status else {
        panic!("restricted");
    };
    let restricted = events(&w, EventKind::AccountRestricted).await;
    assert_eq!(restricted.len(), 1);
    assert_eq!(restricted[0]["pending"], 20);

    // Once it ends, the account works again under a cap of 70% of those 20: invitations that
    // go after the restriction never take the pending count above 14 (nobody answers here,
    // so the pending count is invitations minus withdrawals), and the account's own setting
    // is left as it was.
    engine.run_until(until + days(6)).await.unwrap();
    let mut moves: Vec<(jiff::Timestamp, i32)> = w
        .fake
        .effects_of("invite")
        .iter()
        .map(|e| (e.at, 1))
        .collect();
    moves.extend(w.fake.effects_of("withdraw").iter().map(|e| (e.at, -1)));
    moves.sort();
    let mut pending = 0;
    let mut invited_after = 0;
    for (at, delta) in moves {
        pending += delta;
        if delta > 0 && at > until {
            invited_after += 1;
            assert!(
                pending <= 14,
                "{pending} pending after an invitation at {at}"
            );
        }
    }
    assert!(
        invited_after > 0,
        "invitations go again after the restriction"
    );
    assert_eq!(w.account_now().await.governor.max_pending, 20);
}
