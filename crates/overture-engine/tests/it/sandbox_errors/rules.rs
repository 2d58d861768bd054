//! Errors that the sandbox's own LinkedIn rules and seat states raise, with nothing injected.

use super::injected::check_stopped;
use super::*;

// ---------------------------------------------------------------------------------------------
// The sandbox's own rules produce the errors.

/// A free seat whose sandbox cap (5 a week) is far below the engine's limits (100 a week):
/// the engine learns the cap from WeeklyCapReached and backs off invitations until the
/// sandbox's window has room, never sending beyond it.
#[tokio::test]
async fn the_sandbox_weekly_cap_backs_off_invitations_with_the_engine_limits_looser() {
    const CAP: u32 = 5;
    const PEOPLE: u32 = 12;
    let mut s = setup(PEOPLE, invite_steps(false, false));
    s.tier = Tier::Free;
    s.params.rules.weekly_invites_free = CAP;
    assert!(s.limits.kinds[&ActionKind::Invite].per_week > CAP);
    let mut b = Bench::new(s).await;

    let fail = b
        .run_until_refused("weekly_cap_reached", start() + days(2))
        .await;
    let sent: Vec<Timestamp> = b.sent().iter().map(|r| r.at).collect();
    assert_eq!(sent.len(), CAP as usize, "the cap was reached first");
    let until = sent[0] + days(7);
    let backoff = b
        .backoff(BackoffAxis::Action(ActionKind::Invite))
        .await
        .expect("a back-off on invitations");
    assert_at(
        backoff.until,
        until,
        "back-off until the oldest leaves the week",
    );
    assert_eq!(backoff.reason, "weekly_cap_reached");
    let events = b.events(EventKind::LimitReached).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].1["reason"], "weekly_cap_reached");
    let action = b.invite_action(fail.lead).await;
    assert_eq!(action.state, ActionState::Queued);
    assert_at(action.due_at, until, "released until the window has room");

    b.run_to(start() + days(16)).await;
    let log = b.net.request_log();
    let sent: Vec<Timestamp> = sent_in(&log).iter().map(|r| r.at).collect();
    // Never beyond the sandbox's cap in any rolling week.
    for (i, t) in sent.iter().enumerate() {
        let in_week = sent[i..].iter().filter(|u| **u < *t + days(7)).count();
        assert!(
            in_week <= CAP as usize,
            "{in_week} invitations in the week from {t}"
        );
    }
    // After every refusal, nothing is tried before the sandbox's window has room again.
    let refusals = b.refusals("weekly_cap_reached");
    assert!(!refusals.is_empty());
    for r in &refusals {
        let oldest = sent
            .iter()
            .find(|t| **t > r.at - days(7) && **t <= r.at)
            .expect("a full week behind a refusal");
        let room = *oldest + days(7);
        let next = log
            .iter()
            .find(|x| x.op == Op::Invite && x.at > r.at)
            .map(|x| x.at);
        if let Some(next) = next {
            assert!(
                next >= room,
                "tried at {next} after a refusal at {}, room at {room}",
                r.at
            );
        }
    }
    // The work went on in the following weeks.
    b.assert_everyone_invited_once().await;
    let stats = b.net.stats(SEAT).unwrap();
    assert_eq!(stats.invites_sent, PEOPLE);
}

/// The engine's limits are looser than the sandbox's burst rule (3 invitations in 180
/// minutes, then an hour's penalty; the planner spreads 24 invitations over the 12-hour day,
/// one every half hour): the engine learns it from RateLimited and backs off invitations for
/// the penalty, never calling during it.
#[tokio::test]
async fn the_sandbox_burst_rule_rate_limits_and_the_engine_backs_off_the_penalty() {
    const PEOPLE: u32 = 24;
    let mut s = setup(PEOPLE, invite_steps(false, false));
    s.limits.kinds.insert(
        ActionKind::Invite,
        KindLimit {
            per_day: 500,
            per_week: 2000,
            min_spacing: SignedDuration::from_secs(30),
            jitter: SignedDuration::from_secs(30),
        },
    );
    s.params.rules.burst_invites = 3;
    s.params.rules.burst_window_minutes = 180;
    s.params.rules.burst_penalty_minutes = 60;
    let penalty = mins(60);
    let mut b = Bench::new(s).await;

    let fail = b.run_until_refused("rate_limited", start() + days(1)).await;
    let backoff = b
        .backoff(BackoffAxis::Action(ActionKind::Invite))
        .await
        .expect("a back-off on invitations");
    assert_at(backoff.until, fail.at + penalty, "back-off for the penalty");
    assert_eq!(backoff.reason, "rate_limited");
    let action = b.invite_action(fail.lead).await;
    assert_eq!(action.state, ActionState::Queued);
    assert_at(action.due_at, fail.at + penalty, "released for the penalty");
    let events = b.events(EventKind::LimitReached).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].1["reason"], "rate_limited");

    b.run_to(start() + days(6)).await;
    let refusals = b.refusals("rate_limited");
    for r in &refusals {
        let during = b.invite_calls_between(r.at, r.at + penalty);
        assert!(
            during.is_empty(),
            "called during the penalty from {}: {during:?}",
            r.at
        );
    }
    assert_eq!(
        b.events(EventKind::LimitReached).await.len(),
        refusals.len()
    );
    b.assert_everyone_invited_once().await;
}

/// A free seat at the sandbox's note quota (5 notes in 30 days), the engine without a note
/// quota of its own: the engine learns it from NoteQuotaExhausted and backs off notes.
#[tokio::test]
async fn the_sandbox_note_quota_backs_off_notes_with_the_engine_limits_looser() {
    const PEOPLE: u32 = 8;
    for note_optional in [false, true] {
        let name = if note_optional {
            "without_note_if_quota_exhausted"
        } else {
            "note required"
        };
        let mut s = setup(PEOPLE, invite_steps(true, note_optional));
        s.tier = Tier::Free;
        assert!(s.limits.note_quota.is_none());
        let quota = s.params.rules.free_notes_per_window as usize;
        let mut b = Bench::new(s).await;

        let fail = b
            .run_until_refused("note_quota_exhausted", start() + days(2))
            .await;
        let sent: Vec<Timestamp> = b.sent().iter().map(|r| r.at).collect();
        assert_eq!(sent.len(), quota, "{name}: the quota was used first");
        let until = sent[0] + days(30);
        let backoff = b
            .backoff(BackoffAxis::InviteNote)
            .await
            .unwrap_or_else(|| panic!("{name}: no note back-off"));
        assert_at(backoff.until, until, name);
        assert_eq!(backoff.reason, "note_quota_exhausted", "{name}");
        let events = b.events(EventKind::LimitReached).await;
        assert_eq!(events.len(), 1, "{name}: {events:?}");
        assert_eq!(events[0].1["reason"], "note_quota_exhausted", "{name}");

        b.run_to(start() + days(10)).await;
        assert_eq!(
            b.refusals("note_quota_exhausted").len(),
            1,
            "{name}: refused once"
        );
        let notes = b.sent_list().await;
        let with_note = notes.values().filter(|&&n| n).count();
        assert_eq!(with_note, quota, "{name}: never beyond the quota");
        if note_optional {
            assert_eq!(
                notes.len(),
                PEOPLE as usize,
                "{name}: the rest without a note"
            );
            b.assert_everyone_invited_once().await;
        } else {
            assert_eq!(notes.len(), quota, "{name}: no note dropped");
            b.assert_no_invitation_twice();
            let action = b.invite_action(fail.lead).await;
            assert_eq!(action.state, ActionState::Queued, "{name}");
            assert!(action.due_at >= until, "{name}: due at {}", action.due_at);
            assert!(
                is_open(b.enrollment(fail.lead).await.enrollment.state),
                "{name}"
            );
            // Once the oldest note leaves the window, notes go out again.
            b.run_to(until + days(2)).await;
            let notes = b.sent_list().await;
            assert!(notes.len() > quota, "{name}: resumed after the window");
            assert!(notes.values().all(|&n| n), "{name}: with their notes");
            b.assert_no_invitation_twice();
        }
    }
}

/// An invitation sent outside the engine is pending at the sandbox: the engine's own
/// invitation is refused with CannotReinviteYet by the sandbox's rule.
#[tokio::test]
async fn an_invitation_pending_at_the_sandbox_makes_the_engine_cool_the_person_down() {
    let mut b = Bench::new(setup(3, invite_steps(true, false))).await;
    let (_, url) = b.leads().await.remove(1);
    let request = InviteRequest {
        profile: url.clone(),
        note: None,
        idempotency_key: MANUAL_KEY.into(),
    };
    b.net.channel(SEAT).unwrap().invite(request).await.unwrap();
    b.run_to(start() + days(2)).await;
    let refused = b.refusals("cannot_reinvite_yet");
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].profile.as_ref(), Some(&url));
    let fail = b.failure(&refused[0]).await;
    check_stopped(&b, &fail, "cannot_reinvite_yet", true, true).await;
    b.assert_no_invitation_twice();
}

/// A seat state row: the sandbox's own session, challenge or restriction.
struct SeatStateCase {
    name: &'static str,
    set: fn(&SandboxNetwork),
    clear: fn(&SandboxNetwork),
    status: fn(&AccountStatus) -> bool,
    event: EventKind,
}

#[tokio::test]
async fn seat_states_of_the_sandbox_pause_or_restrict_the_account() {
    let cases = [
        SeatStateCase {
            name: "expired session",
            set: |n| n.expire_session(SEAT).unwrap(),
            clear: |n| n.renew_session(SEAT).unwrap(),
            status: |s| *s == AccountStatus::NeedsCredentials,
            event: EventKind::AccountPaused,
        },
        SeatStateCase {
            name: "challenge",
            set: |n| n.challenge(SEAT).unwrap(),
            clear: |n| n.clear_challenge(SEAT).unwrap(),
            status: |s| matches!(s, AccountStatus::Paused { .. }),
            event: EventKind::AccountPaused,
        },
        SeatStateCase {
            name: "restriction",
            set: |n| n.restrict(SEAT, start() + days(3)).unwrap(),
            clear: |_| {},
            status: |s| {
                *s == AccountStatus::Restricted {
                    until: start() + days(3),
                }
            },
            event: EventKind::AccountRestricted,
        },
    ];
    for case in cases {
        let name = case.name;
        let mut b = Bench::new(setup(3, invite_steps(true, false))).await;
        (case.set)(&b.net);
        b.run_to(start() + days(2)).await;
        let status = b.status().await;
        assert!((case.status)(&status), "{name}: {status:?}");
        assert!(
            !b.events(case.event).await.is_empty(),
            "{name}: {:?}",
            case.event
        );
        assert!(b.sent().is_empty(), "{name}: nothing went out");
        (case.clear)(&b.net);
        if case.event == EventKind::AccountPaused {
            b.store
                .set_account_status(WS, b.account.id, AccountStatus::Active)
                .await
                .unwrap();
        }
        let now = b.clock.now();
        b.run_to(now + days(3)).await;
        b.assert_everyone_invited_once().await;
    }
}
