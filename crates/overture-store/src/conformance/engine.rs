//! What the campaign engine needs: enrollments, the effect ledger, back-offs and cursors.

use jiff::SignedDuration;
use overture_core::{
    AccountId, ActionKind, ActionState, CampaignId, Degree, EnrollmentState, EventKind,
    InvitationEvent, InvitationState, LeadId, NewEvent, WorkspaceId,
};

use super::invitations::seed;
use super::{at, ok, spec};
use crate::{
    ActionQuery, Backoff, BackoffAxis, Changes, ContactPolicy, EffectOutcome, EffectResult,
    EnrollmentUpdate, EventQuery, Intent, IntentOutcome, InvitationChange, NewAction,
    NewCampaignVersion, NewEnrollment, NewInvitation, OpenAccount, PollKind, Proximity, Store,
    StoreError,
};

const WS: WorkspaceId = WorkspaceId::DEFAULT;
const LEASE: SignedDuration = SignedDuration::from_mins(5);

pub(super) async fn campaign<S: Store>(store: &S, name: &str) -> CampaignId {
    let version = NewCampaignVersion {
        name: name.into(),
        source: format!("name: {name}"),
        spec: spec(name, "prospects"),
    };
    ok("campaign", store.apply_campaign(WS, version, at(0)).await)
        .campaign
        .id
}

pub(super) fn enrollments(account: AccountId, leads: &[LeadId]) -> Vec<NewEnrollment> {
    leads
        .iter()
        .map(|&lead| NewEnrollment {
            lead,
            account,
            variants: vec![Some(0), None],
        })
        .collect()
}

fn invite(account: AccountId, lead: LeadId, key: &str) -> NewAction {
    NewAction {
        workspace_id: WS,
        account_id: account,
        lead_id: Some(lead),
        campaign_id: None,
        enrollment_id: None,
        kind: ActionKind::Invite,
        payload: "{}".into(),
        due_at: at(10),
        idempotency_key: key.into(),
        variant: None,
    }
}

/// A person has at most one open enrollment per workspace, across campaigns; enrollable leads
/// leave out enrolled ones and, by policy, those contacted by another campaign.
pub async fn enrollments_are_one_open_per_lead<S: Store>(store: S) {
    let (alice, leads) = seed(&store, 3).await;
    let spring = campaign(&store, "spring").await;
    let autumn = campaign(&store, "autumn").await;
    let all = ok(
        "enrollable",
        store
            .enrollable_leads(WS, spring, ContactPolicy::SkipContactedElsewhere)
            .await,
    );
    assert_eq!(all, leads);
    let n = ok(
        "enroll",
        store
            .enroll_leads(WS, spring, &enrollments(alice, &leads[..2]), at(1))
            .await,
    );
    assert_eq!(n, 2);
    let again = store
        .enroll_leads(WS, autumn, &enrollments(alice, &leads), at(2))
        .await;
    assert_eq!(
        ok("again", again),
        1,
        "only the lead without an open enrollment"
    );
    let for_spring = store
        .enrollable_leads(WS, spring, ContactPolicy::IncludeContactedElsewhere)
        .await;
    assert!(ok("spring", for_spring).is_empty());

    let listed = ok("list", store.list_enrollments(WS, spring).await);
    assert_eq!(listed.len(), 2);
    let first = &listed[0];
    assert_eq!(first.enrollment.state, EnrollmentState::Active);
    assert_eq!(first.enrollment.step, 0);
    assert_eq!(first.enrollment.next_due_at, Some(at(1)));
    assert_eq!(first.enrollment.account_id, Some(alice));
    assert_eq!(first.variants, [Some(0), None]);
    let open = ok("open", store.open_enrollment(WS, leads[0]).await);
    assert_eq!(open.map(|e| e.enrollment.id), Some(first.enrollment.id));
    let loads = ok("loads", store.enrollment_loads(WS, &[alice]).await);
    assert_eq!(loads, [(alice, 3)]);

    // An invitation from another campaign makes the lead contacted elsewhere.
    let other = ok("ws", store.create_workspace("other").await).id;
    assert!(matches!(
        store
            .enrollable_leads(other, spring, ContactPolicy::SkipContactedElsewhere)
            .await,
        Err(StoreError::NotFound { .. })
    ));
    let winter = campaign(&store, "winter").await;
    let close = EnrollmentUpdate {
        id: first.enrollment.id,
        expect_step: 0,
        step: 0,
        state: EnrollmentState::Completed,
        next_due_at: None,
        attempt: 0,
        reason: None,
    };
    assert!(ok("close", store.update_enrollment(WS, close, at(3)).await));
    let sent = Changes {
        invitations: vec![InvitationChange::Sent(NewInvitation {
            workspace_id: WS,
            account_id: alice,
            lead_id: leads[0],
            campaign_id: Some(spring),
            external_id: None,
            note: None,
            sent_at: at(3),
        })],
        ..Changes::default()
    };
    ok("sent", store.apply_changes(WS, sent, at(3)).await);
    let skip = store
        .enrollable_leads(WS, winter, ContactPolicy::SkipContactedElsewhere)
        .await;
    assert!(ok("skip", skip).is_empty());
    let include = store
        .enrollable_leads(WS, winter, ContactPolicy::IncludeContactedElsewhere)
        .await;
    assert_eq!(ok("include", include), [leads[0]]);
}

/// Account `alice` with two leads, both enrolled in campaign `spring` at `at(5)`.
async fn two_enrolled<S: Store>(store: &S) -> (AccountId, Vec<LeadId>, CampaignId) {
    let (alice, leads) = seed(store, 2).await;
    let spring = campaign(store, "spring").await;
    ok(
        "enroll",
        store
            .enroll_leads(WS, spring, &enrollments(alice, &leads), at(5))
            .await,
    );
    (alice, leads, spring)
}

/// Due enrollments come earliest first; an update applies only at the expected step of an
/// open enrollment, and closing one cancels its queued actions.
pub async fn enrollment_updates_are_guarded<S: Store>(store: S) {
    let (alice, leads, _) = two_enrolled(&store).await;
    assert!(ok("none due", store.due_enrollments(at(4), 10).await).is_empty());
    let due = ok("due", store.due_enrollments(at(5), 10).await);
    assert_eq!(due.len(), 2);
    let id = due[0].enrollment.id;
    let waiting = EnrollmentUpdate {
        id,
        expect_step: 0,
        step: 1,
        state: EnrollmentState::Waiting,
        next_due_at: None,
        attempt: 0,
        reason: None,
    };
    let mut action = invite(alice, leads[0], "enrollment:1:step:1:attempt:0");
    action.enrollment_id = Some(id);
    let changes = Changes {
        actions: vec![action],
        enrollments: vec![waiting.clone()],
        ..Changes::default()
    };
    ok("schedule", store.apply_changes(WS, changes, at(6)).await);
    assert_eq!(ok("due", store.due_enrollments(at(100), 10).await).len(), 1);
    assert_eq!(ok("next", store.next_due().await), Some(at(5)));
    assert!(
        !ok("stale", store.update_enrollment(WS, waiting, at(7)).await),
        "the enrollment is no longer at step 0"
    );
    let stop = EnrollmentUpdate {
        id,
        expect_step: 1,
        step: 1,
        state: EnrollmentState::Replied,
        next_due_at: None,
        attempt: 0,
        reason: Some("replied".into()),
    };
    assert!(ok(
        "stop",
        store.update_enrollment(WS, stop.clone(), at(8)).await
    ));
    assert!(!ok(
        "closed",
        store.update_enrollment(WS, stop, at(9)).await
    ));
    let record = ok("get", store.enrollment(WS, id).await);
    assert_eq!(record.enrollment.state, EnrollmentState::Replied);
    assert_eq!(record.reason.as_deref(), Some("replied"));
    let actions = store
        .list_actions(
            WS,
            ActionQuery {
                state: None,
                account: None,
                limit: 10,
            },
        )
        .await;
    assert_eq!(ok("actions", actions)[0].state, ActionState::Cancelled);
}

/// An account is watched while it has open enrollments or pending invitations, and only then.
pub async fn accounts_are_watched_while_work_is_open<S: Store>(store: S) {
    let (alice, leads, _) = two_enrolled(&store).await;
    let watched = |list: Vec<OpenAccount>| list.iter().map(|o| o.account).collect::<Vec<_>>();
    assert_eq!(
        watched(ok("open", store.accounts_to_watch().await)),
        [alice]
    );
    let due = ok("due", store.due_enrollments(at(5), 10).await);
    let done = due
        .iter()
        .map(|r| EnrollmentUpdate {
            id: r.enrollment.id,
            expect_step: 0,
            step: 0,
            state: EnrollmentState::Completed,
            next_due_at: None,
            attempt: 0,
            reason: None,
        })
        .collect();
    let invitation = NewInvitation {
        workspace_id: WS,
        account_id: alice,
        lead_id: leads[0],
        campaign_id: None,
        external_id: Some("inv-1".into()),
        note: None,
        sent_at: at(6),
    };
    let changes = Changes {
        enrollments: done,
        invitations: vec![InvitationChange::Sent(invitation)],
        ..Changes::default()
    };
    ok("complete", store.apply_changes(WS, changes, at(7)).await);
    assert_eq!(
        watched(ok("pending", store.accounts_to_watch().await)),
        [alice],
        "a pending invitation keeps the account watched"
    );
    let pending = ok("list", store.pending_invitations(WS, alice).await);
    ok(
        "accept",
        store
            .transition_invitation(WS, pending[0].id, InvitationEvent::Accept, at(8))
            .await,
    );
    assert!(ok("nothing", store.accounts_to_watch().await).is_empty());
}

/// What a visit showed (degree, mutual connections) stays on the enrollment; a fresh
/// enrollment knows nothing yet.
pub async fn proximity_is_kept_on_the_enrollment<S: Store>(store: S) {
    let (_, _, spring) = two_enrolled(&store).await;
    let due = ok("due", store.due_enrollments(at(5), 10).await);
    assert!(
        due.iter()
            .all(|r| r.degree.is_none() && r.mutual_connections.is_none())
    );
    let seen = Proximity {
        enrollment: due[1].enrollment.id,
        degree: Degree::Second,
        mutual_connections: 17,
    };
    let changes = Changes {
        proximity: vec![seen],
        ..Changes::default()
    };
    ok("apply", store.apply_changes(WS, changes, at(6)).await);
    let record = ok("get", store.enrollment(WS, seen.enrollment).await);
    assert_eq!(record.degree, Some(Degree::Second));
    assert_eq!(record.mutual_connections, Some(17));
    let other = ok("other", store.enrollment(WS, due[0].enrollment.id).await);
    assert_eq!(other.degree, None, "only the visited enrollment changes");
    let seen_again = Proximity {
        degree: Degree::First,
        mutual_connections: 18,
        ..seen
    };
    let changes = Changes {
        proximity: vec![seen_again],
        ..Changes::default()
    };
    ok("again", store.apply_changes(WS, changes, at(7)).await);
    let listed = ok("list", store.list_enrollments(WS, spring).await);
    let record = listed
        .iter()
        .find(|r| r.enrollment.id == seen.enrollment)
        .expect("the enrollment is listed");
    assert_eq!(record.degree, Some(Degree::First), "the latest visit wins");
    assert_eq!(record.mutual_connections, Some(18));
}

/// Intents and results recorded several at once stand alone: a stale fence, an action
/// repeated in the batch, or an outcome whose changes fail refuses that one only, and what
/// each answer says is what is stored.
pub async fn effect_batches_answer_each_action<S: Store>(store: S) {
    let (alice, leads) = seed(&store, 4).await;
    let new: Vec<_> = (0..4)
        .map(|i| invite(alice, leads[i], &format!("batch-{i}")))
        .collect();
    ok("enqueue", store.enqueue_actions(&new).await);
    let claims = ok("claim", store.claim_due_actions(at(10), 10, LEASE).await);
    assert_eq!(claims.len(), 4);
    let intent = |i: usize, fence_shift: i64| Intent {
        action: claims[i].action.id,
        fence: claims[i].fence + fence_shift,
        at: at(11),
        with_note: i == 0,
    };
    let answers = ok(
        "intents",
        store
            .record_intents(vec![
                intent(0, 0),
                intent(1, 1),
                intent(2, 0),
                intent(0, 0),
                intent(3, 0),
            ])
            .await,
    );
    assert_eq!(answers.len(), 5, "one answer per intent, in order");
    assert!(
        matches!(&answers[0], Ok(IntentOutcome::Recorded(r)) if r.with_note && r.action == claims[0].action.id),
        "{:?}",
        answers[0]
    );
    assert!(
        matches!(answers[1], Err(StoreError::Conflict { .. })),
        "a stale fence is refused: {:?}",
        answers[1]
    );
    assert!(
        matches!(&answers[2], Ok(IntentOutcome::Recorded(r)) if r.action == claims[2].action.id)
    );
    assert!(
        matches!(&answers[3], Ok(IntentOutcome::AlreadyRecorded(r)) if r.action == claims[0].action.id),
        "the second intent of one action finds the first: {:?}",
        answers[3]
    );
    assert!(matches!(answers[4], Ok(IntentOutcome::Recorded(_))));
    let history = ok(
        "history",
        store.effect_history(alice, ActionKind::Invite, at(0)).await,
    );
    assert_eq!(
        history.effects.len(),
        3,
        "three intents count, the stale one not"
    );
    assert_eq!(history.notes, [at(11)]);

    let outcome =
        |i: usize, fence_shift: i64, result: EffectResult, changes: Changes| EffectOutcome {
            action: claims[i].action.id,
            fence: claims[i].fence + fence_shift,
            at: at(12),
            result,
            changes,
        };
    let done = || EffectResult::Done {
        external_id: Some("inv".into()),
    };
    let event = |lead: LeadId| NewEvent {
        workspace_id: WS,
        kind: EventKind::InviteSent,
        at: at(12),
        account_id: Some(alice),
        lead_id: Some(lead),
        campaign_id: None,
        data: "{}".into(),
    };
    let sent = Changes {
        events: vec![event(leads[0])],
        ..Changes::default()
    };
    // The changes of the fourth outcome name an invitation that does not exist.
    let broken = Changes {
        events: vec![event(leads[3])],
        invitations: vec![InvitationChange::Transition {
            id: overture_core::InvitationId(987_654),
            event: InvitationEvent::Withdraw,
            at: at(12),
        }],
        ..Changes::default()
    };
    let retry = EffectResult::Retry {
        due_at: at(60),
        error: Some("later".into()),
    };
    let answers = ok(
        "results",
        store
            .complete_effects(vec![
                outcome(0, 0, done(), sent),
                outcome(1, 1, done(), Changes::default()),
                outcome(2, 0, retry, Changes::default()),
                outcome(3, 0, done(), broken),
                outcome(0, 0, done(), Changes::default()),
            ])
            .await,
    );
    assert_eq!(answers.len(), 5, "one answer per outcome, in order");
    assert_eq!(ok("first", answers[0].clone()).state, ActionState::Done);
    assert!(
        matches!(answers[1], Err(StoreError::Conflict { .. })),
        "{:?}",
        answers[1]
    );
    let released = ok("released", answers[2].clone());
    assert_eq!(released.state, ActionState::Queued);
    assert_eq!(released.due_at, at(60));
    assert!(
        answers[3].is_err(),
        "the broken changes refuse their outcome"
    );
    assert!(
        matches!(answers[4], Err(StoreError::Conflict { .. })),
        "a second result of one action is refused: {:?}",
        answers[4]
    );
    let query = ActionQuery {
        state: None,
        account: Some(alice),
        limit: 10,
    };
    let stored = ok("list", store.list_actions(WS, query).await);
    let state = |i: usize| {
        stored
            .iter()
            .find(|a| a.id == claims[i].action.id)
            .map(|a| a.state)
    };
    assert_eq!(state(0), Some(ActionState::Done));
    assert_eq!(
        state(1),
        Some(ActionState::Claimed),
        "the stale result changed nothing"
    );
    assert_eq!(state(2), Some(ActionState::Queued));
    assert_eq!(
        state(3),
        Some(ActionState::Claimed),
        "the outcome whose changes failed left nothing of itself"
    );
    let query = EventQuery {
        after: None,
        kinds: vec![EventKind::InviteSent],
        limit: 100,
    };
    let events = ok("events", store.list_events(WS, query).await);
    let sent: Vec<_> = events.iter().map(|e| e.event.lead_id).collect();
    assert_eq!(
        sent,
        [Some(leads[0])],
        "only the recorded outcome's event is stored"
    );
    // The released action's intent is gone with its attempt; the failed outcome's stays in
    // flight, for reconciliation.
    let history = ok(
        "history",
        store.effect_history(alice, ActionKind::Invite, at(0)).await,
    );
    assert_eq!(history.effects.len(), 2);
}

/// The intent is committed before the call; a second claim finds it instead of a fresh
/// start; the result and its changes land in one transaction; history counts effects.
pub async fn effect_ledger_intent_then_result<S: Store>(store: S) {
    let (alice, leads) = seed(&store, 1).await;
    ok(
        "enqueue",
        store
            .enqueue_actions(&[invite(alice, leads[0], "invite-1")])
            .await,
    );
    let claim = ok("claim", store.claim_due_actions(at(10), 5, LEASE).await).remove(0);
    let intent = Intent {
        action: claim.action.id,
        fence: claim.fence,
        at: at(11),
        with_note: true,
    };
    assert!(matches!(
        ok("intent", store.record_intent(intent).await),
        IntentOutcome::Recorded(_)
    ));
    let history = ok(
        "history",
        store.action_history(alice, ActionKind::Invite, at(0)).await,
    );
    assert_eq!(history.effects, [at(11)]);
    assert_eq!(history.notes, [at(11)]);
    assert!(history.planned.is_empty());
    let effects = ok(
        "effects",
        store.effect_history(alice, ActionKind::Invite, at(0)).await,
    );
    assert_eq!(effects, history, "an in-flight intent counts");

    // A restart takes the in-flight intent over with a new fence.
    let in_flight = ok("in flight", store.in_flight_intents(at(12), LEASE).await);
    assert_eq!(in_flight.len(), 1);
    let taken = &in_flight[0];
    assert_eq!(taken.effect.intent_at, at(11));
    assert!(taken.claim.fence > claim.fence);
    let stale = store
        .complete_effect(EffectOutcome {
            action: claim.action.id,
            fence: claim.fence,
            at: at(13),
            result: EffectResult::Done { external_id: None },
            changes: Changes::default(),
        })
        .await;
    assert!(
        matches!(stale, Err(StoreError::Conflict { .. })),
        "{stale:?}"
    );
    let again = Intent {
        fence: taken.claim.fence,
        ..intent
    };
    assert!(matches!(
        ok("again", store.record_intent(again).await),
        IntentOutcome::AlreadyRecorded(_)
    ));

    let changes = Changes {
        invitations: vec![InvitationChange::Sent(NewInvitation {
            workspace_id: WS,
            account_id: alice,
            lead_id: leads[0],
            campaign_id: None,
            external_id: Some("inv-1".into()),
            note: Some("Hello".into()),
            sent_at: at(11),
        })],
        events: vec![NewEvent {
            workspace_id: WS,
            kind: EventKind::InviteSent,
            at: at(11),
            account_id: Some(alice),
            lead_id: Some(leads[0]),
            campaign_id: None,
            data: "{}".into(),
        }],
        ..Changes::default()
    };
    let done = store
        .complete_effect(EffectOutcome {
            action: claim.action.id,
            fence: taken.claim.fence,
            at: at(14),
            result: EffectResult::Done {
                external_id: Some("inv-1".into()),
            },
            changes,
        })
        .await;
    assert_eq!(ok("done", done).state, ActionState::Done);
    let invitation = ok(
        "invitation",
        store.latest_invitation(WS, alice, leads[0]).await,
    );
    let invitation = invitation.unwrap_or_else(|| panic!("the invitation is stored"));
    assert_eq!(invitation.state, InvitationState::Pending);
    assert_eq!(invitation.external_id.as_deref(), Some("inv-1"));
    assert_eq!(
        ok("pending", store.pending_invitations(WS, alice).await).len(),
        1
    );
    let log = ok("log", store.effect_log(WS).await);
    assert_eq!(log.len(), 1);
    assert_eq!((log[0].kind, log[0].at), (ActionKind::Invite, at(11)));
    assert!(ok("none", store.in_flight_intents(at(15), LEASE).await).is_empty());

    // A claim of an action whose intent has no result says so, so that the engine reconciles
    // it rather than carrying it out anew; a fresh claim carries no intent.
    assert!(claim.in_flight.is_none(), "{:?}", claim.in_flight);
    ok(
        "enqueue",
        store
            .enqueue_actions(&[invite(alice, leads[0], "invite-2")])
            .await,
    );
    let second = ok("claim", store.claim_due_actions(at(20), 5, LEASE).await).remove(0);
    assert!(second.in_flight.is_none());
    let intent = Intent {
        action: second.action.id,
        fence: second.fence,
        at: at(21),
        with_note: false,
    };
    ok("intent", store.record_intent(intent).await);
    let later = at(22) + LEASE;
    let again = ok("again", store.claim_due_actions(later, 5, LEASE).await).remove(0);
    assert_eq!(again.action.id, second.action.id);
    let left = again
        .in_flight
        .expect("the intent without a result comes with the claim");
    assert_eq!((left.intent_at, left.with_note), (at(21), false));
}

/// A retry clears the intent, queues the action again at its new due time and counts the
/// failure; a failed effect does not count for the limits.
pub async fn effect_retry_requeues_without_intent<S: Store>(store: S) {
    let (alice, leads) = seed(&store, 1).await;
    ok(
        "enqueue",
        store.enqueue_actions(&[invite(alice, leads[0], "k")]).await,
    );
    let claim = ok("claim", store.claim_due_actions(at(10), 5, LEASE).await).remove(0);
    let intent = Intent {
        action: claim.action.id,
        fence: claim.fence,
        at: at(10),
        with_note: false,
    };
    ok("intent", store.record_intent(intent).await);
    let retry = EffectOutcome {
        action: claim.action.id,
        fence: claim.fence,
        at: at(11),
        result: EffectResult::Retry {
            due_at: at(100),
            error: Some("timeout".into()),
        },
        changes: Changes::default(),
    };
    let action = ok("retry", store.complete_effect(retry).await);
    assert_eq!(action.state, ActionState::Queued);
    assert_eq!(action.due_at, at(100));
    let history = ok(
        "history",
        store.action_history(alice, ActionKind::Invite, at(0)).await,
    );
    assert!(history.effects.is_empty());
    assert_eq!(history.planned, [at(100)]);
    let effects = ok(
        "effects",
        store.effect_history(alice, ActionKind::Invite, at(0)).await,
    );
    assert_eq!(effects, Default::default(), "planned actions are left out");
    assert!(ok("early", store.claim_due_actions(at(99), 5, LEASE).await).is_empty());
    let claim = ok("claim", store.claim_due_actions(at(100), 5, LEASE).await).remove(0);
    let IntentOutcome::Recorded(record) = ok(
        "intent",
        store
            .record_intent(Intent {
                fence: claim.fence,
                ..intent
            })
            .await,
    ) else {
        panic!("a retried action starts a fresh intent");
    };
    assert_eq!(record.failures, 1);
    let failed = EffectOutcome {
        action: claim.action.id,
        fence: claim.fence,
        at: at(101),
        result: EffectResult::Failed {
            error: "permanent".into(),
        },
        changes: Changes::default(),
    };
    assert_eq!(
        ok("fail", store.complete_effect(failed).await).state,
        ActionState::Failed
    );
    let history = ok(
        "history",
        store.action_history(alice, ActionKind::Invite, at(0)).await,
    );
    assert_eq!(history, Default::default());
}

/// Back-offs only move later; poll cursors move to what they are set to.
pub async fn backoffs_and_cursors_persist<S: Store>(store: S) {
    let (alice, _) = seed(&store, 0).await;
    let backoff = |until, reason: &str| Backoff {
        account: alice,
        axis: BackoffAxis::Action(ActionKind::Invite),
        until: at(until),
        reason: reason.into(),
    };
    ok("set", store.set_backoff(backoff(100, "rate_limited")).await);
    let kept = ok("earlier", store.set_backoff(backoff(50, "other")).await);
    assert_eq!(
        (kept.until, kept.reason.as_str()),
        (at(100), "rate_limited")
    );
    let note = Backoff {
        axis: BackoffAxis::InviteNote,
        ..backoff(70, "note_quota_exhausted")
    };
    ok("note", store.set_backoff(note).await);
    let all = ok("all", store.backoffs(alice).await);
    assert_eq!(all.len(), 2);
    assert!(all.iter().any(|b| b.axis == BackoffAxis::InviteNote));

    assert_eq!(
        ok("none", store.poll_cursor(alice, PollKind::Replies).await),
        None
    );
    ok(
        "set",
        store.set_poll_cursor(alice, PollKind::Replies, at(5)).await,
    );
    ok(
        "move",
        store.set_poll_cursor(alice, PollKind::Replies, at(9)).await,
    );
    assert_eq!(
        ok("get", store.poll_cursor(alice, PollKind::Replies).await),
        Some(at(9))
    );
    assert_eq!(
        ok(
            "other",
            store.poll_cursor(alice, PollKind::Connections).await
        ),
        None
    );
}

/// A change set is all or nothing: one bad part leaves everything as it was.
pub async fn change_sets_are_all_or_nothing<S: Store>(store: S) {
    let (alice, leads) = seed(&store, 1).await;
    let changes = Changes {
        actions: vec![invite(alice, leads[0], "a")],
        tags: vec![(leads[0], "warm".into()), (LeadId(999_999), "x".into())],
        ..Changes::default()
    };
    let refused = store.apply_changes(WS, changes, at(1)).await;
    assert!(
        matches!(refused, Err(StoreError::NotFound { .. })),
        "{refused:?}"
    );
    let actions = store
        .list_actions(
            WS,
            ActionQuery {
                state: None,
                account: None,
                limit: 10,
            },
        )
        .await;
    assert!(ok("actions", actions).is_empty());
    let changes = Changes {
        tags: vec![(leads[0], "warm".into())],
        ..Changes::default()
    };
    ok("tag", store.apply_changes(WS, changes, at(1)).await);
    let lead = ok("lead", store.lead(WS, leads[0]).await);
    assert!(lead.data.tags.contains("warm"));
}
