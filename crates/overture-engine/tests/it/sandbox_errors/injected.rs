//! Every error class, injected into the sandbox with `SandboxNetwork::inject`.

use super::*;

// ---------------------------------------------------------------------------------------------
// Back-offs: RateLimited, WeeklyCapReached, NoteQuotaExhausted.

/// A back-off row of the table.
struct BackOffCase {
    name: &'static str,
    error: ChannelError,
    /// Invitations that go out before the fault is injected.
    after: usize,
    note_optional: bool,
    axis: BackoffAxis,
    /// The back-off's documented end, from the refusal's instant and the instants of the
    /// invitations sent before it.
    until: fn(Timestamp, &[Timestamp]) -> Timestamp,
}

#[tokio::test]
async fn back_off_errors_hold_the_axis_until_the_documented_instant_then_resume() {
    let cases = [
        BackOffCase {
            name: "RateLimited: back-off on invitations for retry_after",
            error: ChannelError::RateLimited {
                retry_after: mins(90),
            },
            after: 0,
            note_optional: false,
            axis: BackoffAxis::Action(ActionKind::Invite),
            until: |at, _| at + mins(90),
        },
        BackOffCase {
            name: "WeeklyCapReached with retry_after",
            error: ChannelError::WeeklyCapReached {
                retry_after: Some(days(2)),
            },
            after: 0,
            note_optional: false,
            axis: BackoffAxis::Action(ActionKind::Invite),
            until: |at, _| at + days(2),
        },
        BackOffCase {
            name: "WeeklyCapReached without retry_after: until the oldest of the week leaves it",
            error: ChannelError::WeeklyCapReached { retry_after: None },
            after: 1,
            note_optional: false,
            axis: BackoffAxis::Action(ActionKind::Invite),
            until: |_, sent| sent[0] + days(7),
        },
        BackOffCase {
            name: "NoteQuotaExhausted, note required: wait for the quota",
            error: ChannelError::NoteQuotaExhausted,
            after: 1,
            note_optional: false,
            axis: BackoffAxis::InviteNote,
            until: |_, sent| sent[0] + days(30),
        },
        BackOffCase {
            name: "NoteQuotaExhausted, without_note_if_quota_exhausted: send without the note",
            error: ChannelError::NoteQuotaExhausted,
            after: 1,
            note_optional: true,
            axis: BackoffAxis::InviteNote,
            until: |_, sent| sent[0] + days(30),
        },
    ];
    for case in cases {
        back_off_case(case).await;
    }
}

async fn back_off_case(case: BackOffCase) {
    let name = case.name;
    let code = case.error.code();
    let mut b = Bench::new(setup(3, invite_steps(true, case.note_optional))).await;
    if case.after > 0 {
        b.run_until_sent(case.after).await;
    }
    b.net
        .inject(FaultPlan::fail(case.error.clone()).on(Op::Invite).times(1));
    let fail = b.run_until_refused(code, start() + days(3)).await;
    let before: Vec<Timestamp> = b.sent().iter().map(|r| r.at).collect();
    assert_eq!(before.len(), case.after, "{name}");
    let until = (case.until)(fail.at, &before);

    // Right after the refusal: the back-off, the event, the released action.
    let backoff = b
        .backoff(case.axis)
        .await
        .unwrap_or_else(|| panic!("{name}: no back-off on {:?}", case.axis));
    assert_at(backoff.until, until, name);
    assert_eq!(backoff.reason, code, "{name}");
    assert_eq!(b.backoffs().await.len(), 1, "{name}: only that axis");
    let limit_events = b.events(EventKind::LimitReached).await;
    assert_eq!(limit_events.len(), 1, "{name}: {limit_events:?}");
    assert_eq!(limit_events[0].0, Some(fail.lead), "{name}");
    assert_eq!(limit_events[0].1["reason"], code, "{name}");
    assert_eq!(b.status().await, AccountStatus::Active, "{name}");
    let action = b.invite_action(fail.lead).await;
    assert_eq!(action.state, ActionState::Queued, "{name}: released");
    let due = if case.note_optional {
        fail.at + mins(1)
    } else {
        until
    };
    assert_at(action.due_at, due, name);
    let enrollment = b.enrollment(fail.lead).await;
    assert!(
        is_open(enrollment.enrollment.state),
        "{name}: {enrollment:?}"
    );

    // After the back-off the work goes on.
    b.run_to(until + days(2)).await;
    let mine: Vec<RequestRecord> = b
        .sent()
        .into_iter()
        .filter(|r| r.profile.as_ref() == Some(&fail.profile))
        .collect();
    assert_eq!(
        mine.len(),
        1,
        "{name}: the refused invitation went out once"
    );
    let notes = b.sent_list().await;
    if case.note_optional {
        // Released for a minute and sent without the note; so is every later one.
        assert!(mine[0].at >= fail.at + mins(1), "{name}: {}", mine[0].at);
        assert!(mine[0].at < fail.at + hours(1), "{name}: {}", mine[0].at);
        for r in b.sent() {
            let url = r.profile.as_ref().unwrap().to_string();
            assert_eq!(notes[&url], r.at < fail.at, "{name}: note of {url}");
        }
    } else {
        // Nothing was tried during the back-off (every invitation here has a note).
        let during = b.invite_calls_between(fail.at, until);
        assert!(
            during.is_empty(),
            "{name}: called during the back-off: {during:?}"
        );
        assert!(mine[0].at >= until, "{name}: sent at {}", mine[0].at);
        assert!(notes.values().all(|&n| n), "{name}: a note was dropped");
    }
    assert_eq!(b.refusals(code).len(), 1, "{name}: refused once");
    b.assert_everyone_invited_once().await;
}

// ---------------------------------------------------------------------------------------------
// Account reactions: SessionExpired, Challenge, Restricted.

/// A pausing row of the table.
struct PauseCase {
    name: &'static str,
    error: ChannelError,
    status: fn(&AccountStatus) -> bool,
}

#[tokio::test]
async fn session_and_challenge_errors_pause_the_seat_until_the_user_resumes_it() {
    let cases = [
        PauseCase {
            name: "SessionExpired → NeedsCredentials",
            error: ChannelError::SessionExpired,
            status: |s| *s == AccountStatus::NeedsCredentials,
        },
        PauseCase {
            name: "Challenge → Paused with the reason",
            error: ChannelError::Challenge {
                detail: "checkpoint/challenge".into(),
            },
            status: |s| matches!(s, AccountStatus::Paused { reason } if reason.contains("checkpoint/challenge")),
        },
    ];
    for case in cases {
        let name = case.name;
        let code = case.error.code();
        let mut b = Bench::new(setup(3, invite_steps(true, false))).await;
        b.net
            .inject(FaultPlan::fail(case.error).on(Op::Invite).times(1));
        let fail = b.run_until_refused(code, start() + days(1)).await;

        let status = b.status().await;
        assert!((case.status)(&status), "{name}: {status:?}");
        let paused = b.events(EventKind::AccountPaused).await;
        assert_eq!(paused.len(), 1, "{name}: {paused:?}");
        assert_eq!(paused[0].1["reason"], code, "{name}");
        let action = b.invite_action(fail.lead).await;
        assert_eq!(action.state, ActionState::Queued, "{name}: released");
        assert_at(action.due_at, fail.at + b.config.paused_recheck, name);
        assert!(b.backoffs().await.is_empty(), "{name}");
        assert!(
            is_open(b.enrollment(fail.lead).await.enrollment.state),
            "{name}"
        );

        // The engine never resumes the seat by itself: nothing goes out for days.
        b.run_to(fail.at + days(4)).await;
        assert!((case.status)(&b.status().await), "{name}: still paused");
        assert_eq!(b.invite_calls().len(), 1, "{name}: only the refused call");
        assert_eq!(
            b.invite_action(fail.lead).await.state,
            ActionState::Queued,
            "{name}"
        );

        // Once the user resumes it, the same actions go out.
        b.store
            .set_account_status(WS, b.account.id, AccountStatus::Active)
            .await
            .unwrap();
        let resumed = b.clock.now();
        b.run_to(resumed + days(2)).await;
        assert!(
            b.sent().iter().all(|r| r.at > resumed),
            "{name}: nothing before the resume"
        );
        b.assert_everyone_invited_once().await;
    }
}

/// A restriction row of the table.
struct RestrictCase {
    name: &'static str,
    until: Option<Timestamp>,
    /// The documented end from the refusal's instant.
    expected: fn(Timestamp) -> Timestamp,
}

#[tokio::test]
async fn a_restriction_holds_the_seat_until_it_ends_then_the_work_resumes() {
    let cases = [
        RestrictCase {
            name: "Restricted with an end",
            until: Some(start() + days(3)),
            expected: |_| start() + days(3),
        },
        RestrictCase {
            name: "Restricted without an end: default a week",
            until: None,
            expected: |at| at + days(7),
        },
    ];
    for case in cases {
        let name = case.name;
        let mut b = Bench::new(setup(3, invite_steps(true, false))).await;
        let error = ChannelError::Restricted { until: case.until };
        b.net.inject(FaultPlan::fail(error).on(Op::Invite).times(1));
        let fail = b.run_until_refused("restricted", start() + days(1)).await;
        let until = (case.expected)(fail.at);

        match b.status().await {
            AccountStatus::Restricted { until: u } => assert_at(u, until, name),
            other => panic!("{name}: {other:?}"),
        }
        let events = b.events(EventKind::AccountRestricted).await;
        assert_eq!(events.len(), 1, "{name}: {events:?}");
        assert_eq!(events[0].1["reason"], "restricted", "{name}");
        let action = b.invite_action(fail.lead).await;
        assert_eq!(action.state, ActionState::Queued, "{name}: released");
        assert_at(action.due_at, until, name);
        assert!(b.backoffs().await.is_empty(), "{name}");

        b.run_to(until + days(2)).await;
        let during = b.invite_calls_between(fail.at, until);
        assert!(
            during.is_empty(),
            "{name}: called while restricted: {during:?}"
        );
        let mine = b
            .sent()
            .into_iter()
            .find(|r| r.profile.as_ref() == Some(&fail.profile))
            .unwrap_or_else(|| panic!("{name}: never sent after the restriction"));
        assert!(mine.at >= until, "{name}: sent at {}", mine.at);
        b.assert_everyone_invited_once().await;
    }
}

// ---------------------------------------------------------------------------------------------
// Lead reactions: CannotReinviteYet, ProfileUnreachable, Permanent.

/// A row of errors that end one enrollment.
struct StopCase {
    error: ChannelError,
    /// The event written for the refusal, if any (`limit_reached` with the code as reason).
    event: bool,
    /// Whether the person's re-invite cooldown is moved to now + 21 days.
    cooldown: bool,
}

#[tokio::test]
async fn lead_errors_fail_the_action_and_stop_only_that_enrollment() {
    let cases = [
        StopCase {
            error: ChannelError::CannotReinviteYet,
            event: true,
            cooldown: true,
        },
        StopCase {
            error: ChannelError::ProfileUnreachable,
            event: false,
            cooldown: false,
        },
        StopCase {
            error: ChannelError::Permanent {
                detail: "bad request".into(),
            },
            event: false,
            cooldown: false,
        },
    ];
    for case in cases {
        let code = case.error.code();
        let mut b = Bench::new(setup(3, invite_steps(true, false))).await;
        b.net
            .inject(FaultPlan::fail(case.error).on(Op::Invite).times(1));
        b.run_to(start() + days(2)).await;
        let refused = b.refusals(code);
        assert_eq!(refused.len(), 1, "{code}");
        let fail = b.failure(&refused[0]).await;
        check_stopped(&b, &fail, code, case.event, case.cooldown).await;
        b.assert_no_invitation_twice();
    }
}

/// The refused person's action failed and enrollment stopped with `code`; the account is
/// untouched and every other person was invited.
pub(super) async fn check_stopped(
    b: &Bench,
    fail: &Failure,
    code: &str,
    event: bool,
    cooldown: bool,
) {
    assert_eq!(
        b.invite_action(fail.lead).await.state,
        ActionState::Failed,
        "{code}"
    );
    let e = b.enrollment(fail.lead).await;
    assert_eq!(e.enrollment.state, EnrollmentState::Stopped, "{code}");
    assert_eq!(e.reason.as_deref(), Some(code), "{code}");
    assert_eq!(b.status().await, AccountStatus::Active, "{code}");
    assert!(
        b.backoffs().await.is_empty(),
        "{code}: {:?}",
        b.backoffs().await
    );
    let stored = b.store.cooldown(WS, b.account.id, fail.lead).await.unwrap();
    if cooldown {
        let c = stored.unwrap_or_else(|| panic!("{code}: no cooldown"));
        assert_at(c.reinvite_not_before, fail.at + days(21), code);
    } else {
        assert_eq!(stored, None, "{code}");
    }
    let limits = b.events(EventKind::LimitReached).await;
    if event {
        assert_eq!(limits.len(), 1, "{code}: {limits:?}");
        assert_eq!(limits[0].0, Some(fail.lead), "{code}");
        assert_eq!(limits[0].1["reason"], code, "{code}");
    } else {
        assert!(limits.is_empty(), "{code}: {limits:?}");
    }
    for kind in [EventKind::AccountPaused, EventKind::AccountRestricted] {
        assert!(b.events(kind).await.is_empty(), "{code}: {kind:?}");
    }
    // The person was not tried again; everyone else went on.
    let calls: Vec<RequestRecord> = b
        .invite_calls()
        .into_iter()
        .filter(|r| r.profile.as_ref() == Some(&fail.profile))
        .filter(|r| r.idempotency_key.as_deref() != Some(MANUAL_KEY))
        .collect();
    assert_eq!(calls.len(), 1, "{code}: {calls:?}");
    for (lead, url) in b.leads().await {
        if lead == fail.lead {
            continue;
        }
        assert_eq!(
            b.invite_action(lead).await.state,
            ActionState::Done,
            "{url}"
        );
        let e = b.enrollment(lead).await;
        assert_eq!(e.enrollment.state, EnrollmentState::Completed, "{url}");
    }
}

// ---------------------------------------------------------------------------------------------
// Transient failures: reconciled, retried with exponential back-off, given up.

/// A transient row of the table.
struct TransientCase {
    name: &'static str,
    plan: FaultPlan,
    /// Invitation calls the engine makes in all.
    calls: usize,
    /// Whether the invitation finally went out.
    done: bool,
}

#[tokio::test]
async fn transient_errors_are_reconciled_then_retried_with_backoff_or_given_up() {
    let transient = || {
        FaultPlan::fail(ChannelError::Transient {
            detail: "502".into(),
        })
        .on(Op::Invite)
    };
    let cases = [
        TransientCase {
            name: "one transient failure, then success",
            plan: transient().times(1),
            calls: 2,
            done: true,
        },
        TransientCase {
            name: "three transient failures, the fourth attempt succeeds",
            plan: transient().times(3),
            calls: 4,
            done: true,
        },
        TransientCase {
            name: "transient failures give up after max_attempts",
            plan: transient().times(100),
            calls: 4,
            done: false,
        },
        TransientCase {
            name: "a lost answer: the write happened, it is reconciled, not repeated",
            plan: FaultPlan::lose_answer().on(Op::Invite).times(1),
            calls: 1,
            done: true,
        },
    ];
    for case in cases {
        let name = case.name;
        let mut b = Bench::new(setup(1, invite_steps(true, false))).await;
        b.net.inject(case.plan);
        b.run_to(start() + days(3)).await;
        let config = b.config.clone();
        assert_eq!(config.max_attempts, 4);
        let calls = b.invite_calls();
        assert_eq!(calls.len(), case.calls, "{name}: {calls:?}");
        let lead = b.leads().await[0].0;
        let log = b.net.request_log();
        for (i, pair) in calls.windows(2).enumerate() {
            assert_eq!(pair[0].error, Some("transient"), "{name}");
            // Retried after backoff_base × 2^failures, not at once and not much later.
            let wait = config.backoff_base * (1 << i);
            let gap = pair[1].at.duration_since(pair[0].at);
            assert!(gap >= wait, "{name}: retry {i} after {gap:#}, not {wait:#}");
            assert!(gap < wait + mins(5), "{name}: retry {i} after {gap:#}");
            // A write may have happened: the engine asked before retrying.
            let looked = log
                .iter()
                .any(|r| r.op == Op::LookupProfile && r.at >= pair[0].at && r.at <= pair[1].at);
            assert!(looked, "{name}: retry {i} without a look-up first");
        }
        let action = b.invite_action(lead).await;
        let e = b.enrollment(lead).await;
        if case.done {
            assert_eq!(b.sent().len(), 1, "{name}");
            assert!(calls.last().unwrap().effect, "{name}");
            assert_eq!(action.state, ActionState::Done, "{name}");
            assert_eq!(e.enrollment.state, EnrollmentState::Completed, "{name}");
        } else {
            assert!(b.sent().is_empty(), "{name}");
            assert_eq!(action.state, ActionState::Failed, "{name}");
            assert_eq!(e.enrollment.state, EnrollmentState::Stopped, "{name}");
            assert!(e.reason.is_some(), "{name}: a stop reason");
            // Given up for good: no more calls later.
            b.run_to(start() + days(6)).await;
            assert_eq!(b.invite_calls().len(), case.calls, "{name}: no storm");
        }
        // The sandbox's invitation and the stored one agree.
        let stored = b
            .store
            .latest_invitation(WS, b.account.id, lead)
            .await
            .unwrap();
        assert_eq!(stored.is_some(), case.done, "{name}: {stored:?}");
        assert_eq!(b.status().await, AccountStatus::Active, "{name}");
        assert!(b.backoffs().await.is_empty(), "{name}");
        b.assert_no_reaction_events().await;
        b.assert_no_invitation_twice();
    }
}
