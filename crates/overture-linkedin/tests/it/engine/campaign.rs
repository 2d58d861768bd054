//! A campaign end to end against the fake LinkedIn: invitations with notes, acceptances seen,
//! follow-up messages, a reply that stops the sequence, and the governor withdrawing stale
//! invitations on schedule, each invitation and withdrawal exactly once in the fake's log.

use std::collections::{BTreeMap, BTreeSet};

use overture_core::EnrollmentState;
use overture_engine::EngineConfig;
use overture_fake_linkedin::InvitationStatus;
use overture_store::Store;
use serde_json::json;

use super::{Rig, WS, days, invite_then_message, slug, start, step};

#[tokio::test]
async fn a_campaign_invites_follows_up_and_the_governor_withdraws_what_went_stale() {
    let rig = Rig::new(6, invite_then_message("60d")).await;
    rig.govern(|g| {
        g.withdraw_after = days(10);
        g.smart = false;
        g.withdrawals_per_day = 3;
    })
    .await;
    // Lead 0 accepts on day 1, lead 1 on day 3; the others never answer.
    rig.fake.accept_at("ada", &slug(0), start() + days(1));
    rig.fake.accept_at("ada", &slug(1), start() + days(3));
    let mut engine = rig.engine(EngineConfig::default());
    assert_eq!(engine.start_campaign(WS, rig.campaign).await.unwrap(), 6);
    engine.run_until(start() + days(25)).await.unwrap();

    let log = rig.fake.log();
    let expected: BTreeMap<String, usize> = (0..6).map(|i| (slug(i), 1)).collect();
    assert_eq!(log.invitations_sent(), expected, "each lead invited once");
    for invitation in rig.fake.invitations() {
        let i: usize = invitation
            .slug
            .trim_start_matches("fictional-lead-")
            .parse()
            .unwrap();
        assert_eq!(
            invitation.note.as_deref(),
            Some(
                format!("Hi Lead{i}, I read about Example and would be glad to connect.").as_str()
            ),
            "the rendered note went out with the invitation"
        );
    }

    // The two who accepted got the follow-up, once each.
    let messaged: BTreeMap<String, usize> = [(slug(0), 1), (slug(1), 1)].into();
    assert_eq!(log.messages_sent(), messaged);
    assert_eq!(
        rig.fake.conversation("ada", &slug(0)),
        [(false, "Thanks for connecting, Lead0!".to_owned())]
    );

    // The four stale ones were withdrawn, once each, no earlier than ten days after sending,
    // at most three a day.
    let withdrawals = log.withdrawals();
    let unique: BTreeSet<u64> = withdrawals.iter().copied().collect();
    assert_eq!(withdrawals.len(), 4, "{withdrawals:?}");
    assert_eq!(unique.len(), 4, "no invitation withdrawn twice");
    let mut per_day: BTreeMap<jiff::civil::Date, usize> = BTreeMap::new();
    for invitation in rig.fake.invitations() {
        let accepted = invitation.slug == slug(0) || invitation.slug == slug(1);
        if accepted {
            assert_eq!(invitation.status, InvitationStatus::Accepted);
            continue;
        }
        assert_eq!(
            invitation.status,
            InvitationStatus::Withdrawn,
            "{invitation:?}"
        );
        let closed = invitation.closed_at.unwrap();
        assert!(closed.duration_since(invitation.sent_at) >= days(10));
        let date = jiff::tz::TimeZone::UTC.to_datetime(closed).date();
        *per_day.entry(date).or_default() += 1;
    }
    assert!(per_day.values().all(|&n| n <= 3), "{per_day:?}");
    assert_eq!(
        rig.store.pending_count(WS, rig.account.id).await.unwrap(),
        0
    );

    // Weeks later nothing was sent again: no second invitation, message or withdrawal.
    engine.run_until(start() + days(45)).await.unwrap();
    let later = rig.fake.log();
    assert_eq!(later.invitations_sent(), expected);
    assert_eq!(later.withdrawals().len(), 4);
    assert_eq!(later.messages_sent(), messaged);
}

#[tokio::test]
async fn a_reply_on_linkedin_stops_the_sequence() {
    let steps = json!([
        step(
            json!({ "type": "invite", "notes": ["Hi {{ first_name }}, glad to connect."],
                     "without_note_if_quota_exhausted": false })
        ),
        step(json!({ "type": "wait_for_acceptance", "within": "30d",
                     "accepted": "next", "not_accepted": "withdraw" })),
        step(json!({ "type": "wait", "duration": "3d" })),
        step(json!({ "type": "message", "texts": ["Following up, {{ first_name }}."] })),
    ]);
    let rig = Rig::new(2, steps).await;
    rig.fake.accept_at("ada", &slug(0), start() + days(1));
    rig.fake.accept_at("ada", &slug(1), start() + days(1));
    // Lead 0 writes first, the day after accepting.
    rig.fake
        .reply_at("ada", &slug(0), "Hi Ada, happy to talk.", start() + days(2));
    let mut engine = rig.engine(EngineConfig::default());
    engine.start_campaign(WS, rig.campaign).await.unwrap();
    engine.run_until(start() + days(10)).await.unwrap();

    let sent = rig.fake.log().messages_sent();
    assert_eq!(
        sent,
        BTreeMap::from([(slug(1), 1)]),
        "no follow-up after the reply"
    );
    let states: Vec<EnrollmentState> = rig
        .store
        .list_enrollments(WS, rig.campaign)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.enrollment.state)
        .collect();
    assert!(states.contains(&EnrollmentState::Replied), "{states:?}");
    assert!(states.contains(&EnrollmentState::Completed), "{states:?}");
}
