//! Injected faults, before and after the effect, and the seat states.

use overture_channel::{Channel, ChannelError, Channels};
use overture_core::Tier;
use overture_sandbox::{FaultPlan, Op, SeatProfile};

use crate::helpers::*;

fn transient() -> ChannelError {
    ChannelError::Transient {
        detail: "injected".into(),
    }
}

#[tokio::test]
async fn a_fault_before_the_effect_changes_nothing() {
    let (net, _clock, ch) = seat(quiet(5), Tier::Free);
    let p = &people(&net)[0];
    net.inject(
        FaultPlan::fail(transient())
            .on(Op::Invite)
            .for_seat("a")
            .times(2),
    );
    // Other operations are not hit.
    ch.lookup_profile(p).await.unwrap();
    for _ in 0..2 {
        assert_eq!(ch.invite(invite(p, None)).await.unwrap_err(), transient());
    }
    assert_eq!(net.stats("a").unwrap().invites_sent, 0);
    assert!(!ch.lookup_profile(p).await.unwrap().invitation_pending);
    ch.invite(invite(p, None)).await.unwrap();
    assert_eq!(net.stats("a").unwrap().faults, 2);
}

#[tokio::test]
async fn a_lost_answer_means_the_effect_happened() {
    let (net, _clock, ch) = seat(quiet(5), Tier::Free);
    let p = &people(&net)[0];
    net.inject(FaultPlan::lose_answer().on(Op::Invite));
    let err = ch.invite(invite(p, None)).await.unwrap_err();
    assert!(matches!(err, ChannelError::Transient { .. }));
    // The invitation went out: it is in the sent list, and a blind retry is refused.
    let page = ch.sent_invitations(None, 10).await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(&page.items[0].profile_url, p);
    assert_eq!(
        ch.invite(invite(p, None)).await.unwrap_err(),
        ChannelError::CannotReinviteYet
    );
    let log = net.request_log();
    assert_eq!(log[0].op, Op::Invite);
    assert_eq!(log[0].error, Some("transient"));
    assert!(log[0].effect);
}

#[tokio::test]
async fn probabilistic_faults_are_seeded() {
    let run = || async {
        let (net, _clock, ch) = seat(quiet(5), Tier::Free);
        let p = people(&net)[0].clone();
        net.inject(FaultPlan::fail(transient()).with_probability(0.3));
        let mut pattern = Vec::new();
        for _ in 0..1000 {
            pattern.push(ch.lookup_profile(&p).await.is_err());
        }
        pattern
    };
    let one = run().await;
    assert_eq!(one, run().await);
    let failures = one.iter().filter(|f| **f).count();
    assert!((240..=360).contains(&failures), "{failures}");
}

#[tokio::test]
async fn session_challenge_and_manual_restriction_stop_every_call() {
    let (net, clock, ch) = seat(quiet(5), Tier::Free);
    let p = &people(&net)[0];
    net.expire_session("a").unwrap();
    assert_eq!(
        ch.lookup_profile(p).await.unwrap_err(),
        ChannelError::SessionExpired
    );
    net.renew_session("a").unwrap();
    net.challenge("a").unwrap();
    assert!(matches!(
        ch.visit(p).await,
        Err(ChannelError::Challenge { .. })
    ));
    net.clear_challenge("a").unwrap();
    let until = t0() + days(3);
    net.restrict("a", until).unwrap();
    assert_eq!(
        ch.replies_since(t0()).await.unwrap_err(),
        ChannelError::Restricted { until: Some(until) }
    );
    clock.set(until);
    ch.visit(p).await.unwrap();
    assert!(net.expire_session("nobody").is_err());
}

#[tokio::test]
async fn channels_map_accounts_to_seats_by_name() {
    let (net, _clock) = network(quiet(5), 1);
    net.add_seat("alice", Tier::Premium, SeatProfile::default())
        .unwrap();
    assert!(
        net.add_seat("alice", Tier::Free, SeatProfile::default())
            .is_err()
    );
    let channels = net.channels();
    let ch = channels.channel(&account("alice")).unwrap();
    assert_eq!(ch.handle(), "alice");
    ch.lookup_profile(&people(&net)[0]).await.unwrap();
    let Err(err) = channels.channel(&account("bob")) else {
        panic!("bob has no seat");
    };
    assert!(matches!(&err, ChannelError::Permanent { detail } if detail.contains("bob")));
}

fn account(name: &str) -> overture_core::Account {
    use overture_core::account::Zone;
    use overture_core::limits::AccountLimits;
    use overture_core::working_hours::WorkingHours;
    overture_core::Account {
        id: overture_core::AccountId(1),
        workspace_id: overture_core::WorkspaceId(1),
        name: name.to_owned(),
        kind: overture_core::AccountKind::Sandbox,
        tier: Tier::Premium,
        time_zone: Zone::utc(),
        working_hours: WorkingHours::default(),
        limits: AccountLimits::for_tier(Tier::Premium),
        governor: Default::default(),
        sender: Default::default(),
        status: overture_core::AccountStatus::Active,
        created_at: t0(),
    }
}
