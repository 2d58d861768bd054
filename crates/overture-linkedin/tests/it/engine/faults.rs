//! Each fault LinkedIn shows leads to the documented account state (docs/engine.md,
//! "Reactions"; docs/linkedin.md, "Classification") with a bounded number of requests: no
//! retry storms. Every fault is injected in the fake and met by the real client.

use std::time::Duration;

use jiff::SignedDuration;
use overture_core::{AccountStatus, ActionKind, ActionState, EnrollmentState};
use overture_engine::EngineConfig;
use overture_fake_linkedin::{Fault, LoggedRequest};
use overture_linkedin::ClientConfig;
use overture_store::{ActionQuery, BackoffAxis, Store};
use serde_json::json;

use super::{Rig, WS, days, hours, start, step};

/// Where a fault is injected: the invitation request, the profile lookup, or every request.
const INVITE: &str = "verifyQuotaAndCreateV2";
const PROFILE: &str = "identity/dash/profiles";
const EVERY: &str = "/voyager/api";

fn invite_only() -> serde_json::Value {
    json!([step(
        json!({ "type": "invite", "notes": ["Hello {{ first_name }}"],
                "without_note_if_quota_exhausted": false })
    )])
}

/// One lead, one invitation; `fault` meets every request matching `needle` for three days.
async fn run(needle: &str, fault: Fault) -> Rig {
    let config = ClientConfig {
        timeout: Duration::from_millis(500),
        ..ClientConfig::default()
    };
    let rig = Rig::with_client(1, invite_only(), config).await;
    rig.fake.fail_matching(needle, fault, None);
    let mut engine = rig.engine(EngineConfig::default());
    engine.start_campaign(WS, rig.campaign).await.unwrap();
    engine.run_until(start() + days(3)).await.unwrap();
    rig
}

fn invite_posts(rig: &Rig) -> Vec<LoggedRequest> {
    rig.fake.log().matching(INVITE).cloned().collect()
}

async fn action_state(rig: &Rig) -> ActionState {
    let query = ActionQuery {
        state: None,
        account: None,
        limit: 10,
    };
    rig.store.list_actions(WS, query).await.unwrap()[0].state
}

/// The account is paused for a person to act, and LinkedIn heard from it only until the fault.
async fn assert_paused_quietly(rig: &Rig, check: impl Fn(&AccountStatus) -> bool) {
    let status = rig.account_now().await.status;
    assert!(check(&status), "{status:?}");
    assert!(invite_posts(rig).len() <= 1, "{:?}", invite_posts(rig));
    assert!(
        rig.requests() <= 4,
        "a paused account is left alone: {} requests",
        rig.requests()
    );
    assert!(rig.fake.invitations().is_empty());
}

/// The invitation attempts are at least `gap` apart and at most `max` in three days.
fn assert_paced_attempts(rig: &Rig, gap: SignedDuration, max: usize) {
    let posts = invite_posts(rig);
    assert!(
        !posts.is_empty() && posts.len() <= max,
        "{} attempts",
        posts.len()
    );
    for pair in posts.windows(2) {
        let waited = pair[1].at.duration_since(pair[0].at);
        assert!(waited >= gap, "tried again after {waited:#}");
    }
}

#[tokio::test]
async fn a_bare_429_backs_invitations_off_until_retry_after() {
    let rig = run(
        INVITE,
        Fault::TooManyRequests {
            retry_after_secs: 7200,
        },
    )
    .await;
    assert_eq!(rig.account_now().await.status, AccountStatus::Active);
    let backoffs = rig.store.backoffs(rig.account.id).await.unwrap();
    assert_eq!(backoffs[0].axis, BackoffAxis::Action(ActionKind::Invite));
    assert_eq!(backoffs[0].reason, "rate_limited");
    assert_paced_attempts(&rig, hours(2), 3 * 12 / 2 + 1);
}

#[tokio::test]
async fn max_invitation_sent_backs_invitations_off() {
    let fault = Fault::Status {
        status: 400,
        code: Some("MAX_INVITATION_SENT"),
    };
    let rig = run(INVITE, fault).await;
    assert_eq!(rig.account_now().await.status, AccountStatus::Active);
    let backoffs = rig.store.backoffs(rig.account.id).await.unwrap();
    assert_eq!(backoffs[0].reason, "rate_limited");
    assert_paced_attempts(&rig, hours(1), 3 * 12 + 1);
}

#[tokio::test]
async fn the_weekly_limit_stops_invitations_until_the_window_frees() {
    for code in [
        "CANT_INVITE_CONNECTION_LIMIT_REACHED",
        "WEEKLY_CONNECTIONS_LIMIT_REACHED",
    ] {
        let fault = Fault::Status {
            status: 400,
            code: Some(code),
        };
        let rig = run(INVITE, fault).await;
        assert_eq!(rig.account_now().await.status, AccountStatus::Active);
        let backoffs = rig.store.backoffs(rig.account.id).await.unwrap();
        assert_eq!(backoffs[0].reason, "weekly_cap_reached", "{code}");
        assert!(
            backoffs[0].until >= start() + days(3),
            "{code}: {backoffs:?}"
        );
        assert_eq!(
            invite_posts(&rig).len(),
            1,
            "{code}: one attempt in three days"
        );
        assert_eq!(action_state(&rig).await, ActionState::Queued);
    }
}

#[tokio::test]
async fn the_note_quota_waits_when_the_note_is_required() {
    let fault = Fault::Status {
        status: 429,
        code: Some("CUSTOM_INVITE_LIMIT_REACHED"),
    };
    let rig = run(INVITE, fault).await;
    assert_eq!(rig.account_now().await.status, AccountStatus::Active);
    let backoffs = rig.store.backoffs(rig.account.id).await.unwrap();
    assert_eq!(backoffs[0].axis, BackoffAxis::InviteNote);
    assert_eq!(
        invite_posts(&rig).len(),
        1,
        "the note is never dropped silently"
    );
    assert_eq!(action_state(&rig).await, ActionState::Queued);
}

#[tokio::test]
async fn cant_resend_yet_cools_the_person_down() {
    let fault = Fault::Status {
        status: 400,
        code: Some("CANT_RESEND_YET"),
    };
    let rig = run(INVITE, fault).await;
    assert_eq!(invite_posts(&rig).len(), 1);
    let lead = rig
        .store
        .list_enrollments(WS, rig.campaign)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(lead.enrollment.state, EnrollmentState::Stopped);
    let cooldown = rig
        .store
        .cooldown(WS, rig.account.id, lead.enrollment.lead_id)
        .await
        .unwrap()
        .expect("the person cools down");
    assert!(cooldown.reinvite_not_before >= start() + days(20));
}

#[tokio::test]
async fn an_unconfirmed_email_pauses_the_account_with_what_to_do() {
    let fault = Fault::Status {
        status: 400,
        code: Some("PRIMARY_HANDLE_NOT_CONFIRMED"),
    };
    let rig = run(INVITE, fault).await;
    assert_paused_quietly(
        &rig,
        |s| matches!(s, AccountStatus::Paused { reason } if reason.contains("email")),
    )
    .await;
}

#[tokio::test]
async fn a_dead_session_needs_credentials() {
    for fault in [Fault::SessionDeleted, Fault::RedirectLoop] {
        let rig = run(EVERY, fault.clone()).await;
        assert_paused_quietly(&rig, |s| *s == AccountStatus::NeedsCredentials).await;
    }
}

#[tokio::test]
async fn a_security_challenge_pauses_the_account() {
    for fault in [
        Fault::CheckpointHtml,
        Fault::CheckpointRedirect,
        Fault::AuthwallRedirect,
    ] {
        let rig = run(EVERY, fault.clone()).await;
        assert_paused_quietly(&rig, |s| matches!(s, AccountStatus::Paused { .. })).await;
    }
}

#[tokio::test]
async fn http_999_restricts_the_account() {
    let rig = run(EVERY, Fault::Blocked999).await;
    assert_paused_quietly(&rig, |s| matches!(s, AccountStatus::Restricted { .. })).await;
}

#[tokio::test]
async fn a_403_on_a_profile_skips_the_lead_not_the_account() {
    let fault = Fault::Status {
        status: 403,
        code: None,
    };
    let rig = run(PROFILE, fault).await;
    assert_eq!(rig.account_now().await.status, AccountStatus::Active);
    assert!(invite_posts(&rig).is_empty());
    let enrollment = rig
        .store
        .list_enrollments(WS, rig.campaign)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(enrollment.enrollment.state, EnrollmentState::Stopped);
    assert_eq!(
        rig.fake.log().matching(PROFILE).count(),
        1,
        "looked up once"
    );
}

#[tokio::test]
async fn a_request_that_never_answers_is_retried_a_few_times_then_given_up() {
    let rig = run(INVITE, Fault::Hang).await;
    assert_eq!(rig.account_now().await.status, AccountStatus::Active);
    let attempts = invite_posts(&rig).len();
    let max = EngineConfig::default().max_attempts as usize;
    assert!((2..=max).contains(&attempts), "{attempts} attempts");
    assert!(rig.fake.invitations().is_empty());
    let state = action_state(&rig).await;
    assert!(
        matches!(state, ActionState::Failed | ActionState::InDoubt),
        "{state:?}"
    );
}
