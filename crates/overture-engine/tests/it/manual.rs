//! Invitations sent by hand outside Overture: found through the sent list and governed.

use std::sync::Arc;

use overture_channel::{Channel, InviteRequest};
use overture_clock::ManualClock;
use overture_core::{InvitationState, Tier};
use overture_engine::{Engine, EngineConfig};
use overture_sandbox::{Op, SandboxNetwork, SeatProfile, WorldParams};
use overture_store::{InvitationQuery, Store};
use overture_store_sqlite::{SqliteOptions, SqliteStore};

use crate::{WS, days, limits, start};

/// Sends six invitations by hand from seat `alice` (through the network, as a person would),
/// then runs the engine for 20 days with the given `govern_manual_invites`; returns what the
/// store and the network saw.
async fn by_hand(govern_manual_invites: bool) -> (SandboxNetwork, SqliteStore, tempfile::TempDir) {
    let clock = ManualClock::new(start());
    let mut params = WorldParams::default();
    params.population.people = 60;
    // Nobody answers: every invitation stays pending until it is withdrawn.
    params.population.inactive_share = 1.0;
    let net = SandboxNetwork::new(params, 11, Arc::new(clock.clone())).unwrap();
    net.add_seat("alice", Tier::Premium, SeatProfile::default())
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("manual.db"), SqliteOptions::default())
        .await
        .unwrap();
    let mut seat = crate::seat("alice", Tier::Premium, limits(None));
    seat.governor.withdraw_after = days(10);
    seat.governor.smart = false;
    seat.governor.govern_manual_invites = govern_manual_invites;
    store.create_account(seat).await.unwrap();

    let channel = net.channel("alice").unwrap();
    for (i, person) in net.population().iter().take(6).enumerate() {
        channel
            .invite(InviteRequest {
                profile: person.profile_url.clone(),
                note: None,
                idempotency_key: format!("by-hand-{i}"),
            })
            .await
            .unwrap();
    }
    let mut engine = Engine::new(
        store.clone(),
        net.channels(),
        clock.clone(),
        EngineConfig::default(),
    );
    engine.run_until(start() + days(20)).await.unwrap();
    (net, store, dir)
}

fn all() -> InvitationQuery {
    InvitationQuery {
        after: None,
        account: None,
        state: None,
        sent_before: None,
        limit: 1000,
    }
}

#[tokio::test]
async fn invitations_sent_by_hand_are_found_and_withdrawn_once_stale() {
    let (net, store, _dir) = by_hand(true).await;
    let stored = store.list_invitations(WS, all()).await.unwrap();
    assert_eq!(stored.len(), 6, "each found once: {stored:?}");
    assert!(stored.iter().all(|i| i.campaign_id.is_none()));
    assert!(
        stored.iter().all(|i| i.state == InvitationState::Withdrawn),
        "{stored:?}"
    );
    let log = net.request_log();
    let withdrawals: Vec<_> = log
        .iter()
        .filter(|r| r.op == Op::Withdraw && r.effect)
        .collect();
    assert_eq!(withdrawals.len(), 6);
    for w in withdrawals {
        assert!(w.at.duration_since(start()) >= days(10), "{w:?}");
    }
    // Their people became leads on a list of their own.
    let lists = store.list_lead_lists(WS).await.unwrap();
    assert!(
        lists
            .iter()
            .any(|(list, count)| list.name == "sent-by-hand" && *count == 6),
        "{lists:?}"
    );
}

#[tokio::test]
async fn with_govern_manual_invites_off_they_are_left_alone() {
    let (net, store, _dir) = by_hand(false).await;
    assert!(store.list_invitations(WS, all()).await.unwrap().is_empty());
    assert!(
        !net.request_log()
            .iter()
            .any(|r| r.op == Op::Withdraw || r.op == Op::SentInvitations)
    );
}
