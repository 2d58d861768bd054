//! The same seed gives the same world, whatever order the calls come in.

use std::collections::BTreeSet;

use overture_channel::Channel;
use overture_core::Tier;
use overture_sandbox::{SandboxNetwork, SeatProfile, WorldParams};

use crate::helpers::*;

fn params() -> WorldParams {
    let mut p = WorldParams::default();
    p.population.people = 300;
    p.rules.burst_invites = 1000;
    p.rules.weekly_invites_premium = 1000;
    p.restriction.threshold = 1e9;
    p
}

#[test]
fn same_seed_same_population_other_seed_other_population() {
    let a = network(params(), 7).0.population();
    let b = network(params(), 7).0.population();
    let c = network(params(), 8).0.population();
    assert_eq!(a, b);
    assert_ne!(a, c);
    let lead = &a[0];
    assert!(lead.first_name.is_some() && lead.company.is_some() && lead.position.is_some());
    assert!(lead.custom.contains_key("industry"));
    assert!(lead.profile_url.as_url().ends_with("-0"));
}

/// Invites everyone in `order` from seats in `seats` order, all at t0; returns each seat's
/// connections after 90 days and its stats.
async fn run(seats: &[&str], order: &[usize]) -> Vec<(String, BTreeSet<String>, u32)> {
    let (net, clock) = network(params(), 99);
    for s in seats {
        let profile = SeatProfile {
            completeness: 0.9,
            industry: Some("Software".into()),
        };
        net.add_seat(s, Tier::Premium, profile).unwrap();
    }
    let people = people(&net);
    for &i in order {
        for s in seats {
            let note = (i % 3 == 0).then_some("Hi, glad to connect");
            net.channel(s)
                .unwrap()
                .invite(invite(&people[i], note))
                .await
                .unwrap();
        }
    }
    clock.advance(days(90));
    let mut out = Vec::new();
    for s in ["a", "b"] {
        let conns = net
            .channel(s)
            .unwrap()
            .connections_since(t0())
            .await
            .unwrap();
        let set = conns
            .iter()
            .map(|c| format!("{} {}", c.profile_url, c.connected_at))
            .collect();
        out.push((s.to_owned(), set, stats_accepted(&net, s)));
    }
    out
}

fn stats_accepted(net: &SandboxNetwork, seat: &str) -> u32 {
    net.stats(seat).unwrap().accepted
}

#[tokio::test]
async fn outcomes_do_not_depend_on_call_order() {
    let forward: Vec<usize> = (0..300).collect();
    let backward: Vec<usize> = (0..300).rev().collect();
    let one = run(&["a", "b"], &forward).await;
    let two = run(&["b", "a"], &backward).await;
    assert_eq!(one, two);
    // And the seats do differ from each other, so the comparison means something.
    assert_ne!(one[0].1, one[1].1);
    assert!(one[0].2 > 30, "{one:?}");
}
