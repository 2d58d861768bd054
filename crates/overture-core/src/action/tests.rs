use super::*;
use ActionEvent as E;
use ActionState as S;

const STATES: [ActionState; 6] = [
    S::Queued,
    S::Claimed,
    S::Done,
    S::Failed,
    S::InDoubt,
    S::Cancelled,
];
const EVENTS: [ActionEvent; 6] = [
    E::Claim,
    E::Release,
    E::Succeed,
    E::Fail,
    E::LoseTrack,
    E::Cancel,
];

/// The whole table: every (state, event) pair that is allowed, and where it leads.
const ALLOWED: &[(ActionState, ActionEvent, ActionState)] = &[
    (S::Queued, E::Claim, S::Claimed),
    (S::Queued, E::Cancel, S::Cancelled),
    (S::Claimed, E::Release, S::Queued),
    (S::Claimed, E::Succeed, S::Done),
    (S::Claimed, E::Fail, S::Failed),
    (S::Claimed, E::LoseTrack, S::InDoubt),
    (S::Claimed, E::Cancel, S::Cancelled),
    (S::InDoubt, E::Succeed, S::Done),
    (S::InDoubt, E::Fail, S::Failed),
];

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
                Err(ActionTransitionError { from, event }),
                "{from} --{event}--> must be refused"
            );
            refused += 1;
        }
    }
    assert_eq!(refused, STATES.len() * EVENTS.len() - ALLOWED.len());
}

#[test]
fn terminal_states_accept_nothing() {
    for from in STATES.into_iter().filter(|s| s.is_terminal()) {
        for event in EVENTS {
            assert!(from.apply(event).is_err(), "{from} --{event}-->");
        }
    }
}

#[test]
fn refusal_message_names_state_and_event() {
    let err = S::Done.apply(E::Claim).unwrap_err();
    assert_eq!(err.to_string(), "an action that is done cannot claim");
}

#[test]
fn names_round_trip() {
    for s in STATES {
        assert_eq!(s.as_str().parse::<ActionState>(), Ok(s));
    }
    for k in ActionKind::ALL {
        assert_eq!(k.as_str().parse::<ActionKind>(), Ok(k));
    }
    assert!("teleport".parse::<ActionKind>().is_err());
}
