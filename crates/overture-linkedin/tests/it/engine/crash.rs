//! A process killed while an invitation request is in flight: LinkedIn created the
//! invitation, the answer never came, and the engine died with the intent committed and no
//! result. The restarted engine finds the invitation (the profile shows it pending, the sent
//! list gives its id) instead of sending it again.

use std::collections::BTreeMap;

use overture_clock::Clock;
use overture_core::{ActionState, InvitationState, ProfileUrl};
use overture_engine::EngineConfig;
use overture_fake_linkedin::Fault;
use overture_store::{ActionQuery, Store};
use serde_json::json;

use super::{Rig, WS, days, slug, start, step};

#[tokio::test]
async fn an_engine_killed_mid_invitation_reconciles_through_the_sent_list() {
    let steps = json!([step(
        json!({ "type": "invite", "notes": ["Hello {{ first_name }}"],
                "without_note_if_quota_exhausted": false })
    )]);
    let rig = Rig::new(2, steps).await;
    // The first invitation takes effect at LinkedIn, and its answer never comes.
    rig.fake
        .fail_matching("verifyQuotaAndCreateV2", Fault::HangAfterEffect, Some(1));
    let mut engine = rig.engine(EngineConfig::default());
    engine.start_campaign(WS, rig.campaign).await.unwrap();
    let running = tokio::spawn(async move { engine.run_until(start() + days(2)).await });
    // Wait (on this single-threaded runtime, by letting the engine and the fake run) until
    // LinkedIn has the invitation, then kill the engine with the request in flight.
    while rig.fake.invitations().is_empty() {
        tokio::task::yield_now().await;
    }
    running.abort();
    assert!(running.await.unwrap_err().is_cancelled());
    assert_eq!(rig.fake.invitations().len(), 1);
    let first = rig.fake.invitations().remove(0);

    // Restarted past the claim's lease, on a freshly opened store.
    rig.clock
        .set(rig.clock.now() + jiff::SignedDuration::from_mins(10));
    let before = rig.requests();
    let mut engine = rig.restart(EngineConfig::default()).await;
    let report = engine.run_until(start() + days(2)).await.unwrap();
    assert!(report.reconciled >= 1, "{report:?}");

    let log = rig.fake.log();
    let expected: BTreeMap<String, usize> = [(slug(0), 1), (slug(1), 1)].into();
    assert_eq!(log.invitations_sent(), expected, "no invitation sent twice");
    assert!(
        log.entries[before..]
            .iter()
            .any(|r| r.path.ends_with("sentInvitationViewsV2")),
        "the restarted engine read the sent list"
    );
    let url = format!("https://www.linkedin.com/in/{}/", first.slug);
    let lead = rig
        .store
        .lead_by_url(WS, &ProfileUrl::parse(&url).unwrap())
        .await
        .unwrap()
        .unwrap()
        .id;
    let invitation = rig
        .store
        .latest_invitation(WS, rig.account.id, lead)
        .await
        .unwrap()
        .expect("the invitation is recorded");
    assert_eq!(invitation.state, InvitationState::Pending);
    assert_eq!(
        invitation.external_id.as_deref(),
        Some(first.id.to_string().as_str()),
        "its id came from the sent list"
    );
    let query = ActionQuery {
        state: None,
        account: None,
        limit: 10,
    };
    let actions = rig.store.list_actions(WS, query).await.unwrap();
    assert!(
        actions.iter().all(|a| a.state == ActionState::Done),
        "{actions:?}"
    );
}
