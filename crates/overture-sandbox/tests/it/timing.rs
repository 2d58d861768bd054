//! Acceptances arrive with the observed delays and become visible only when the clock
//! reaches them.

use overture_channel::{Channel, Degree};
use overture_core::Tier;
use overture_sandbox::WorldParams;

use crate::helpers::*;

#[tokio::test]
async fn acceptance_times_follow_the_observed_quantiles() {
    // Everyone accepts; 4,000 invitations at t0. Observed: 63% of acceptances within a day,
    // 88% within 7 days, 99% within 30 days. Tolerance ±0.03 (sampling error about 0.008).
    let mut p = WorldParams::default();
    p.population.people = 4000;
    p.population.inactive_share = 0.0;
    p.acceptance.base = 40.0;
    p.rules.burst_invites = 10_000;
    p.rules.weekly_invites_premium = 10_000;
    p.rules.pending_ceiling = 10_000;
    p.restriction.threshold = 1e9;
    let (net, clock, ch) = seat(p, Tier::Premium);
    for person in &people(&net) {
        ch.invite(invite(person, None)).await.unwrap();
    }
    let mut seen = Vec::new();
    for d in [1, 7, 30, 3650] {
        clock.set(t0() + days(d));
        seen.push(ch.connections_since(t0()).await.unwrap().len() as f64);
    }
    let total = seen[3];
    assert_eq!(total, 4000.0);
    for (count, expected) in seen.iter().zip([0.63, 0.88, 0.99]) {
        let share = count / total;
        assert!((share - expected).abs() < 0.03, "{share} vs {expected}");
    }
}

#[tokio::test]
async fn an_acceptance_is_visible_from_its_instant_on() {
    let mut p = WorldParams::default();
    p.population.people = 10;
    p.population.inactive_share = 0.0;
    p.acceptance.base = 40.0;
    let (net, clock, ch) = seat(p, Tier::Free);
    let person = &people(&net)[3];
    let sent = ch.invite(invite(person, None)).await.unwrap();
    let before = ch.lookup_profile(person).await.unwrap();
    assert!(before.invitation_pending);
    assert_ne!(before.degree, Degree::First);
    clock.advance(days(400));
    let conns = ch.connections_since(t0()).await.unwrap();
    assert_eq!(conns.len(), 1);
    let at = conns[0].connected_at;
    assert!(at > sent.sent_at);
    // Back to just before the acceptance instant on a fresh, identical network: not yet.
    let (net2, clock2, ch2) = seat(
        {
            let mut p = WorldParams::default();
            p.population.people = 10;
            p.population.inactive_share = 0.0;
            p.acceptance.base = 40.0;
            p
        },
        Tier::Free,
    );
    let _ = net2;
    ch2.invite(invite(person, None)).await.unwrap();
    clock2.set(at - jiff::SignedDuration::from_secs(1));
    assert!(ch2.connections_since(t0()).await.unwrap().is_empty());
    assert!(ch2.lookup_profile(person).await.unwrap().invitation_pending);
    clock2.set(at);
    assert_eq!(ch2.connections_since(at).await.unwrap().len(), 1);
    let after = ch2.lookup_profile(person).await.unwrap();
    assert_eq!(after.degree, Degree::First);
    assert!(!after.invitation_pending);
    assert!(
        ch2.sent_invitations(None, 10)
            .await
            .unwrap()
            .items
            .is_empty()
    );
}
