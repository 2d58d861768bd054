use super::*;
use InvitationEvent as E;
use InvitationState as S;

const STATES: [InvitationState; 5] = [
    S::Pending,
    S::Accepted,
    S::Withdrawn,
    S::Ignored,
    S::Vanished,
];
const EVENTS: [InvitationEvent; 4] = [E::Accept, E::Withdraw, E::Ignore, E::Vanish];
const ALLOWED: &[(InvitationState, InvitationEvent, InvitationState)] = &[
    (S::Pending, E::Accept, S::Accepted),
    (S::Pending, E::Withdraw, S::Withdrawn),
    (S::Pending, E::Ignore, S::Ignored),
    (S::Pending, E::Vanish, S::Vanished),
    (S::Vanished, E::Accept, S::Accepted),
];

fn pending() -> Invitation {
    Invitation {
        id: InvitationId(1),
        workspace_id: WorkspaceId(1),
        account_id: AccountId(1),
        lead_id: LeadId(1),
        campaign_id: None,
        external_id: Some("7012345678901234567".into()),
        note: None,
        sent_at: "2026-11-01T10:00:00Z".parse().unwrap(),
        state: S::Pending,
        resolved_at: None,
    }
}

#[test]
fn every_allowed_transition_leads_where_the_table_says() {
    for &(from, event, to) in ALLOWED {
        assert_eq!(from.apply(event), Ok(to), "{from} --{event}-->");
    }
}

#[test]
fn every_other_transition_is_refused_with_a_typed_error() {
    let mut refused = 0;
    for from in STATES {
        for event in EVENTS {
            if ALLOWED.iter().any(|&(f, e, _)| f == from && e == event) {
                continue;
            }
            assert_eq!(
                from.apply(event),
                Err(InvitationTransitionError { from, event })
            );
            refused += 1;
        }
    }
    assert_eq!(refused, STATES.len() * EVENTS.len() - ALLOWED.len());
}

#[test]
fn a_withdrawn_invitation_never_becomes_pending_or_accepted_again() {
    for event in EVENTS {
        assert!(S::Withdrawn.apply(event).is_err());
    }
}

#[test]
fn transition_records_the_instant_and_a_refusal_changes_nothing() {
    let at: Timestamp = "2026-11-05T08:00:00Z".parse().unwrap();
    let mut inv = pending();
    inv.transition(E::Withdraw, at).unwrap();
    assert_eq!((inv.state, inv.resolved_at), (S::Withdrawn, Some(at)));

    let before = inv.clone();
    let later: Timestamp = "2026-11-06T08:00:00Z".parse().unwrap();
    assert!(inv.transition(E::Accept, later).is_err());
    assert_eq!(inv, before);
}

#[test]
fn refusal_message_names_state_and_event() {
    let err = S::Accepted.apply(E::Withdraw).unwrap_err();
    assert_eq!(
        err.to_string(),
        "an invitation that is accepted cannot withdraw"
    );
}
