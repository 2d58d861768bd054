//! Property tests: whatever a caller does, the network keeps LinkedIn's rules.

use jiff::{SignedDuration, Timestamp};
use overture_channel::Channel;
use overture_core::Tier;
use overture_sandbox::{Op, WorldParams};
use proptest::prelude::*;

use crate::helpers::*;

#[derive(Debug, Clone)]
enum Step {
    Invite { person: usize, note: bool },
    Withdraw { nth: usize },
    Advance { minutes: i64 },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0usize..30, any::<bool>()).prop_map(|(person, note)| Step::Invite { person, note }),
        1 => (0usize..10).prop_map(|nth| Step::Withdraw { nth }),
        3 => (1i64..3000).prop_map(|minutes| Step::Advance { minutes }),
    ]
}

fn params() -> WorldParams {
    let mut p = WorldParams::default();
    p.population.people = 30;
    p.rules.weekly_invites_free = 8;
    p.rules.burst_invites = 3;
    p.rules.pending_ceiling = 6;
    p.rules.free_notes_per_window = 2;
    p.rules.reinvite_cooldown_days = 2;
    p.restriction.threshold = 1e9;
    p
}

async fn run(steps: Vec<Step>) {
    let (net, clock, ch) = seat(params(), Tier::Free);
    let people = people(&net);
    let mut attempt = 0;
    for s in steps {
        match s {
            Step::Invite { person, note } => {
                attempt += 1;
                let mut req = invite(&people[person], note.then_some("Hello"));
                req.idempotency_key = format!("k{attempt}");
                let _ = ch.invite(req).await;
            }
            Step::Withdraw { nth } => {
                let page = ch.sent_invitations(None, 100).await.unwrap();
                if let Some(inv) = page.items.get(nth) {
                    ch.withdraw(&inv.invitation_id).await.unwrap();
                }
            }
            Step::Advance { minutes } => clock.advance(SignedDuration::from_mins(minutes)),
        }
        let pending = ch.sent_invitations(None, 100).await.unwrap().items.len();
        assert_eq!(net.stats("a").unwrap().pending_now as usize, pending);
        assert!(pending <= 6);
    }
    let log = net.request_log();
    let sends: Vec<_> = log
        .iter()
        .filter(|r| r.op == Op::Invite && r.effect)
        .collect();
    // No rolling week holds more than the cap; no ten minutes more than the burst.
    for (i, s) in sends.iter().enumerate() {
        let in_week = sends[..=i].iter().filter(|o| o.at > s.at - days(7)).count();
        assert!(
            in_week <= 8,
            "{in_week} invitations in the week ending {}",
            s.at
        );
        let in_burst = sends[..=i]
            .iter()
            .filter(|o| o.at > s.at - SignedDuration::from_mins(10))
            .count();
        assert!(in_burst <= 3);
    }
    // Nobody is invited again inside the cooldown after a withdrawal.
    let mut withdrawn: std::collections::HashMap<_, Timestamp> = Default::default();
    for r in log.iter().filter(|r| r.effect) {
        match r.op {
            Op::Withdraw => {
                withdrawn.insert(r.profile.clone(), r.at);
            }
            Op::Invite => {
                if let Some(at) = withdrawn.get(&r.profile) {
                    assert!(r.at >= *at + days(2), "re-invited inside the cooldown");
                }
            }
            _ => {}
        }
    }
    assert!(net.duplicates().is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn rules_hold_whatever_the_caller_does(steps in prop::collection::vec(step(), 1..120)) {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(run(steps));
    }
}
