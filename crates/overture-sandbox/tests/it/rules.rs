//! Each of LinkedIn's rules fails with its error class at the right moment.

use overture_channel::{Channel, ChannelError};
use overture_core::Tier;
use overture_sandbox::WorldParams;

use crate::helpers::*;

#[tokio::test]
async fn weekly_cap_stops_the_101st_free_invite_and_frees_room_as_the_window_rolls() {
    let (net, clock, ch) = seat(quiet(200), Tier::Free);
    let people = people(&net);
    for p in &people[..100] {
        ch.invite(invite(p, None)).await.unwrap();
        clock.advance(hours(1));
    }
    // The 100 invitations went out at t0 .. t0+99h; now is t0+100h.
    let err = ch.invite(invite(&people[100], None)).await.unwrap_err();
    assert_eq!(
        err,
        ChannelError::WeeklyCapReached {
            retry_after: Some(days(7) - hours(100))
        }
    );
    clock.set(t0() + days(7) - jiff::SignedDuration::from_secs(1));
    assert!(matches!(
        ch.invite(invite(&people[100], None)).await,
        Err(ChannelError::WeeklyCapReached { .. })
    ));
    clock.set(t0() + days(7));
    ch.invite(invite(&people[100], None)).await.unwrap();
    // Only one slot freed: the next one waits for the second-oldest to leave.
    assert_eq!(
        ch.invite(invite(&people[101], None)).await.unwrap_err(),
        ChannelError::WeeklyCapReached {
            retry_after: Some(hours(1))
        }
    );
    assert_eq!(net.stats("a").unwrap().invites_sent, 101);
    assert_eq!(net.stats("a").unwrap().rule_rejections, 3);
}

#[tokio::test]
async fn premium_seats_get_200_a_week() {
    let (net, clock, ch) = seat(quiet(250), Tier::Premium);
    let people = people(&net);
    for p in &people[..200] {
        ch.invite(invite(p, None)).await.unwrap();
        clock.advance(jiff::SignedDuration::from_mins(30));
    }
    assert!(matches!(
        ch.invite(invite(&people[200], None)).await,
        Err(ChannelError::WeeklyCapReached { .. })
    ));
}

#[tokio::test]
async fn free_note_quota_refuses_the_sixth_note_and_sends_nothing() {
    let (net, clock, ch) = seat(quiet(20), Tier::Free);
    let people = people(&net);
    for p in &people[..5] {
        ch.invite(invite(p, Some("Hello, glad to connect")))
            .await
            .unwrap();
        clock.advance(hours(1));
    }
    let err = ch
        .invite(invite(&people[5], Some("Hello")))
        .await
        .unwrap_err();
    assert_eq!(err, ChannelError::NoteQuotaExhausted);
    assert_eq!(net.stats("a").unwrap().invites_sent, 5);
    assert!(
        !ch.lookup_profile(&people[5])
            .await
            .unwrap()
            .invitation_pending
    );
    // Without a note it works; the quota frees up after 30 days.
    ch.invite(invite(&people[5], None)).await.unwrap();
    clock.set(t0() + days(30));
    ch.invite(invite(&people[6], Some("Hello"))).await.unwrap();
}

#[tokio::test]
async fn paid_seats_have_no_note_quota() {
    let (net, clock, ch) = seat(quiet(20), Tier::SalesNavigator);
    for p in &people(&net)[..12] {
        ch.invite(invite(p, Some("Hello"))).await.unwrap();
        clock.advance(hours(1));
    }
}

#[tokio::test]
async fn notes_longer_than_the_tier_allows_are_permanent_failures() {
    for (tier, limit) in [(Tier::Free, 200), (Tier::Premium, 300)] {
        let (net, _clock, ch) = seat(quiet(5), tier);
        let people = people(&net);
        let too_long = "x".repeat(limit + 1);
        let err = ch
            .invite(invite(&people[0], Some(&too_long)))
            .await
            .unwrap_err();
        assert!(matches!(err, ChannelError::Permanent { .. }), "{err:?}");
        let fits = "é".repeat(limit); // Characters, not bytes.
        ch.invite(invite(&people[0], Some(&fits))).await.unwrap();
    }
}

#[tokio::test]
async fn reinvite_is_refused_while_pending_and_inside_the_cooldown() {
    let (net, clock, ch) = seat(quiet(5), Tier::Free);
    let p = &people(&net)[0];
    let sent = ch.invite(invite(p, None)).await.unwrap();
    assert_eq!(
        ch.invite(invite(p, None)).await.unwrap_err(),
        ChannelError::CannotReinviteYet
    );
    clock.advance(hours(2));
    ch.withdraw(&sent.invitation_id).await.unwrap();
    let withdrawn_at = t0() + hours(2);
    clock.set(withdrawn_at + days(21) - jiff::SignedDuration::from_secs(1));
    assert_eq!(
        ch.invite(invite(p, None)).await.unwrap_err(),
        ChannelError::CannotReinviteYet
    );
    clock.set(withdrawn_at + days(21));
    ch.invite(invite(p, None)).await.unwrap();
}

#[tokio::test]
async fn the_pending_ceiling_refuses_invites_until_one_is_withdrawn() {
    let mut params = quiet(20);
    params.rules.pending_ceiling = 5;
    let (net, clock, ch) = seat(params, Tier::Free);
    let people = people(&net);
    let mut ids = Vec::new();
    for p in &people[..5] {
        ids.push(ch.invite(invite(p, None)).await.unwrap().invitation_id);
        clock.advance(hours(1));
    }
    assert_eq!(
        ch.invite(invite(&people[5], None)).await.unwrap_err(),
        ChannelError::WeeklyCapReached { retry_after: None }
    );
    ch.withdraw(&ids[0]).await.unwrap();
    ch.invite(invite(&people[5], None)).await.unwrap();
    assert_eq!(net.stats("a").unwrap().max_pending, 5);
}

#[tokio::test]
async fn bursts_are_rate_limited_for_the_penalty() {
    let (net, clock, ch) = seat(quiet(30), Tier::Premium);
    let people = people(&net);
    for p in &people[..10] {
        ch.invite(invite(p, None)).await.unwrap();
    }
    assert_eq!(
        ch.invite(invite(&people[10], None)).await.unwrap_err(),
        ChannelError::RateLimited {
            retry_after: hours(1)
        }
    );
    clock.advance(jiff::SignedDuration::from_mins(45));
    assert_eq!(
        ch.invite(invite(&people[10], None)).await.unwrap_err(),
        ChannelError::RateLimited {
            retry_after: jiff::SignedDuration::from_mins(15)
        }
    );
    clock.advance(jiff::SignedDuration::from_mins(15));
    ch.invite(invite(&people[10], None)).await.unwrap();
}

/// Everyone answers "I don't know this person"; ten of them restrict the seat.
fn unknown_world() -> WorldParams {
    let mut p = WorldParams::default();
    p.population.people = 40;
    p.population.inactive_share = 0.0;
    p.acceptance.base = -40.0;
    p.acceptance.ignore_share = 0.0;
    p.acceptance.unknown_share = 1.0;
    p.restriction.threshold = 10.0;
    p.restriction.pending_weight = 0.0;
    p.rules.burst_invites = 100;
    p
}

#[tokio::test]
async fn many_unknown_answers_restrict_the_seat_for_a_week() {
    let (net, clock, ch) = seat(unknown_world(), Tier::Premium);
    let people = people(&net);
    let mut ids = Vec::new();
    for p in &people[..12] {
        ids.push(ch.invite(invite(p, None)).await.unwrap().invitation_id);
    }
    // Step forward an hour at a time until a call is refused.
    let until = loop {
        clock.advance(hours(1));
        assert!(clock_now(&clock) < t0() + days(365), "never restricted");
        match ch.connections_since(t0()).await {
            Ok(_) => continue,
            Err(ChannelError::Restricted { until: Some(until) }) => break until,
            Err(e) => panic!("unexpected {e:?}"),
        }
    };
    let now = clock_now(&clock);
    assert!(until > now && until <= now + days(7), "{until} vs {now}");
    assert!(until > now + days(7) - hours(1));
    let stats = net.stats("a").unwrap();
    assert_eq!(stats.restrictions, 1);
    assert!(stats.unknown >= 10);
    // Withdrawing does not lift it: every call is refused until it ends.
    assert_eq!(
        ch.withdraw(&ids[0]).await.unwrap_err(),
        ChannelError::Restricted { until: Some(until) }
    );
    clock.set(until - jiff::SignedDuration::from_secs(1));
    assert!(ch.lookup_profile(&people[0]).await.is_err());
    clock.set(until);
    ch.lookup_profile(&people[0]).await.unwrap();
}

fn clock_now(clock: &overture_clock::ManualClock) -> jiff::Timestamp {
    overture_clock::Clock::now(clock)
}

#[tokio::test]
async fn ignored_invitations_still_look_pending_to_the_seat() {
    let mut params = unknown_world();
    params.acceptance.ignore_share = 1.0;
    params.acceptance.unknown_share = 0.0;
    params.restriction.threshold = 1e9;
    let (net, clock, ch) = seat(params, Tier::Free);
    let p = &people(&net)[0];
    ch.invite(invite(p, None)).await.unwrap();
    clock.advance(days(365));
    assert_eq!(net.stats("a").unwrap().ignored, 1);
    assert!(ch.lookup_profile(p).await.unwrap().invitation_pending);
    assert_eq!(ch.sent_invitations(None, 10).await.unwrap().items.len(), 1);
}
