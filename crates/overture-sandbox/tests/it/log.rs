//! The request log and its duplicate detection.

use overture_channel::Channel;
use overture_core::Tier;
use overture_sandbox::{DuplicateReason, FaultPlan, Op, WorldParams};

use crate::helpers::*;

fn connected_world() -> WorldParams {
    let mut p = WorldParams::default();
    p.population.people = 10;
    p.population.first_degree_share = 1.0;
    p.population.second_degree_share = 0.0;
    p.population.third_degree_share = 0.0;
    p
}

#[tokio::test]
async fn every_call_is_recorded_with_its_outcome_and_key() {
    let (net, _clock, ch) = seat(quiet(5), Tier::Free);
    let p = &people(&net)[0];
    ch.visit(p).await.unwrap();
    ch.invite(invite(p, None)).await.unwrap();
    ch.invite(invite(p, None)).await.unwrap_err();
    let log = net.request_log();
    let ops: Vec<_> = log.iter().map(|r| (r.op, r.error, r.effect)).collect();
    assert_eq!(
        ops,
        vec![
            (Op::Visit, None, true),
            (Op::Invite, None, true),
            (Op::Invite, Some("cannot_reinvite_yet"), false),
        ]
    );
    assert_eq!(log[1].seat, "a");
    assert_eq!(log[1].profile.as_ref(), Some(p));
    assert_eq!(log[1].at, t0());
    assert_eq!(
        log[1].idempotency_key.as_deref(),
        Some("invite:".to_owned() + p.slug()).as_deref()
    );
    assert!(net.duplicates().is_empty());
}

#[tokio::test]
async fn a_blind_retry_after_a_lost_answer_is_a_duplicate_message() {
    let (net, _clock, ch) = seat(connected_world(), Tier::Free);
    let p = &people(&net)[0];
    net.inject(FaultPlan::lose_answer().on(Op::SendMessage));
    ch.send_message(message(p, "Hi there", "step-1"))
        .await
        .unwrap_err();
    // The thread shows the message went out, with the caller's key as its client token.
    let thread = ch.thread(p, t0()).await.unwrap();
    assert_eq!(thread.len(), 1);
    assert_eq!(thread[0].client_token.as_deref(), Some("step-1"));
    // A caller that retries without looking sends it twice; the log proves it.
    ch.send_message(message(p, "Hi there", "step-1"))
        .await
        .unwrap();
    let dups = net.duplicates();
    assert_eq!(dups.len(), 1);
    assert_eq!(dups[0].reason, DuplicateReason::SameIdempotencyKey);
    assert_eq!(dups[0].op, Op::SendMessage);
    assert_eq!(dups[0].profile.as_ref(), Some(p));
}

#[tokio::test]
async fn reinviting_with_the_same_key_after_a_withdrawal_is_a_duplicate() {
    let (net, clock, ch) = seat(quiet(5), Tier::Free);
    let p = &people(&net)[0];
    let sent = ch.invite(invite(p, None)).await.unwrap();
    ch.withdraw(&sent.invitation_id).await.unwrap();
    clock.advance(days(30));
    ch.invite(invite(p, None)).await.unwrap();
    let dups = net.duplicates();
    assert_eq!(dups.len(), 1);
    assert_eq!(dups[0].reason, DuplicateReason::SameIdempotencyKey);
    assert_eq!(dups[0].first_at, t0());
    // A fresh key is no duplicate.
    let (net, clock, ch) = seat(quiet(5), Tier::Free);
    let sent = ch.invite(invite(p, None)).await.unwrap();
    ch.withdraw(&sent.invitation_id).await.unwrap();
    clock.advance(days(30));
    let mut again = invite(p, None);
    again.idempotency_key.push_str(":2");
    ch.invite(again).await.unwrap();
    assert!(net.duplicates().is_empty());
}

#[tokio::test]
async fn logging_can_be_switched_off() {
    let (net, _clock, ch) = seat(quiet(5), Tier::Free);
    net.set_request_logging(false);
    ch.visit(&people(&net)[0]).await.unwrap();
    assert!(net.request_log().is_empty());
    assert_eq!(net.stats("a").unwrap().visits, 1);
}
