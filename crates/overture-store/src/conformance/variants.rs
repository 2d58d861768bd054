//! Text variants: the variant an enrollment keeps per step, and how each variant did.

use jiff::SignedDuration;
use overture_core::variants::Tally;
use overture_core::{
    AccountId, ActionKind, CampaignId, EnrollmentId, EventKind, InvitationEvent, LeadId, NewEvent,
    WorkspaceId,
};

use super::engine::{campaign, enrollments};
use super::invitations::seed;
use super::{at, ok};
use crate::{
    Changes, EffectOutcome, EffectResult, Intent, InvitationChange, NewAction, NewInvitation,
    StepVariant, Store, StoreError, VariantChoice, VariantStats,
};

const WS: WorkspaceId = WorkspaceId::DEFAULT;
const LEASE: SignedDuration = SignedDuration::from_mins(5);

fn choice(enrollment: EnrollmentId, step: u32, variant: u32) -> VariantChoice {
    VariantChoice {
        enrollment,
        chosen: StepVariant { step, variant },
    }
}

/// An enrollment keeps the first variant chosen for a step: a later choice changes nothing,
/// a step beyond the stored list is added, and another workspace's enrollment is not found.
pub async fn variants_are_kept_once_per_step<S: Store>(store: S) {
    let (alice, leads) = seed(&store, 1).await;
    let spring = campaign(&store, "spring").await;
    ok(
        "enroll",
        store
            .enroll_leads(WS, spring, &enrollments(alice, &leads), at(1))
            .await,
    );
    let id = ok("list", store.list_enrollments(WS, spring).await)[0]
        .enrollment
        .id;
    let keep = |choices: Vec<VariantChoice>| Changes {
        variants: choices,
        ..Changes::default()
    };
    let changes = keep(vec![choice(id, 1, 2), choice(id, 1, 0), choice(id, 0, 3)]);
    ok("keep", store.apply_changes(WS, changes, at(2)).await);
    let record = ok("get", store.enrollment(WS, id).await);
    assert_eq!(
        record.variants,
        [Some(0), Some(2)],
        "the first choice stays"
    );
    assert_eq!((record.variant(1), record.variant(7)), (Some(2), None));
    ok(
        "beyond",
        store
            .apply_changes(WS, keep(vec![choice(id, 3, 1)]), at(3))
            .await,
    );
    let record = ok("get", store.enrollment(WS, id).await);
    assert_eq!(record.variants, [Some(0), Some(2), None, Some(1)]);

    let other = ok("ws", store.create_workspace("other").await).id;
    let foreign = store
        .apply_changes(other, keep(vec![choice(id, 1, 1)]), at(4))
        .await;
    assert!(
        matches!(foreign, Err(StoreError::NotFound { .. })),
        "{foreign:?}"
    );
}

/// One send: an action of the campaign with a variant, queued, claimed and done at `t`
/// (an invitation also stored as sent, with or without its note).
struct Send {
    enrollment: EnrollmentId,
    lead: LeadId,
    kind: ActionKind,
    step: u32,
    variant: u32,
    t: i64,
    with_note: bool,
}

async fn send<S: Store>(store: &S, alice: AccountId, spring: CampaignId, s: Send) {
    let key = format!("enrollment:{}:step:{}:attempt:0", s.enrollment, s.step);
    let action = NewAction {
        workspace_id: WS,
        account_id: alice,
        lead_id: Some(s.lead),
        campaign_id: Some(spring),
        enrollment_id: Some(s.enrollment),
        kind: s.kind,
        payload: "{}".into(),
        due_at: at(s.t),
        idempotency_key: key,
        variant: Some(StepVariant {
            step: s.step,
            variant: s.variant,
        }),
    };
    ok("enqueue", store.enqueue_actions(&[action]).await);
    let claim = ok("claim", store.claim_due_actions(at(s.t), 1, LEASE).await).remove(0);
    let intent = Intent {
        action: claim.action.id,
        fence: claim.fence,
        at: at(s.t),
        with_note: s.with_note,
    };
    ok("intent", store.record_intent(intent).await);
    let mut changes = Changes::default();
    if s.kind == ActionKind::Invite {
        changes
            .invitations
            .push(InvitationChange::Sent(NewInvitation {
                workspace_id: WS,
                account_id: alice,
                lead_id: s.lead,
                campaign_id: Some(spring),
                external_id: None,
                note: s.with_note.then(|| "Hello".into()),
                sent_at: at(s.t),
            }));
    }
    let outcome = EffectOutcome {
        action: claim.action.id,
        fence: claim.fence,
        at: at(s.t),
        result: EffectResult::Done { external_id: None },
        changes,
    };
    ok("done", store.complete_effect(outcome).await);
}

fn row(step: u32, variant: u32, sends: u64, successes: u64) -> VariantStats {
    VariantStats {
        of: StepVariant { step, variant },
        tally: Tally { sends, successes },
    }
}

/// Sends count per step and variant once done (an invitation only with its note); an
/// accepted invitation is a success, and so is a reply after a message and before the
/// enrollment's next one.
pub async fn variant_stats_count_sends_and_successes<S: Store>(store: S) {
    let (alice, leads) = seed(&store, 5).await;
    let spring = campaign(&store, "spring").await;
    assert!(ok("empty", store.variant_stats(WS, spring, None).await).is_empty());
    ok(
        "enroll",
        store
            .enroll_leads(WS, spring, &enrollments(alice, &leads), at(1))
            .await,
    );
    let ids: Vec<EnrollmentId> = ok("list", store.list_enrollments(WS, spring).await)
        .iter()
        .map(|r| r.enrollment.id)
        .collect();
    let invite = |i: usize, variant, t, with_note| Send {
        enrollment: ids[i],
        lead: leads[i],
        kind: ActionKind::Invite,
        step: 1,
        variant,
        t,
        with_note,
    };
    send(&store, alice, spring, invite(0, 0, 10, true)).await;
    send(&store, alice, spring, invite(1, 0, 11, true)).await;
    send(&store, alice, spring, invite(2, 1, 12, true)).await;
    // Sent without its note once the quota ran out: it says nothing about the note.
    send(&store, alice, spring, invite(3, 1, 13, false)).await;
    // Queued but not done: not a send.
    let later = NewAction {
        workspace_id: WS,
        account_id: alice,
        lead_id: Some(leads[4]),
        campaign_id: Some(spring),
        enrollment_id: Some(ids[4]),
        kind: ActionKind::Invite,
        payload: "{}".into(),
        due_at: at(1_000),
        idempotency_key: "queued".into(),
        variant: Some(StepVariant {
            step: 1,
            variant: 1,
        }),
    };
    ok("queue", store.enqueue_actions(&[later]).await);
    for (i, t) in [(0, 20), (2, 21), (3, 22)] {
        let pending = ok("latest", store.latest_invitation(WS, alice, leads[i]).await);
        let id = pending
            .unwrap_or_else(|| panic!("invitation {i} stored"))
            .id;
        ok(
            "accept",
            store
                .transition_invitation(WS, id, InvitationEvent::Accept, at(t))
                .await,
        );
    }
    let message = |i: usize, step, variant, t| Send {
        enrollment: ids[i],
        lead: leads[i],
        kind: ActionKind::Message,
        step,
        variant,
        t,
        with_note: false,
    };
    let reply = |i: usize, t| NewEvent {
        workspace_id: WS,
        kind: EventKind::ReplyReceived,
        at: at(t),
        account_id: Some(alice),
        lead_id: Some(leads[i]),
        campaign_id: None,
        data: "{}".into(),
    };
    // Lead 2 wrote before the message: no success for it.
    ok("early reply", store.append_event(reply(2, 50)).await);
    send(&store, alice, spring, message(0, 3, 0, 100)).await;
    send(&store, alice, spring, message(2, 3, 1, 101)).await;
    // Lead 0 replied to the first message; the second one, sent after, got no reply.
    ok("reply", store.append_event(reply(0, 150)).await);
    send(&store, alice, spring, message(0, 5, 0, 200)).await;

    let stats = ok("stats", store.variant_stats(WS, spring, None).await);
    assert_eq!(
        stats,
        [
            row(1, 0, 2, 1),
            row(1, 1, 1, 1),
            row(3, 0, 1, 1),
            row(3, 1, 1, 0),
            row(5, 0, 1, 0),
        ]
    );
    let other = ok("ws", store.create_workspace("other").await).id;
    assert!(ok("other", store.variant_stats(other, spring, None).await).is_empty());
    let messages = ok("step", store.variant_stats(WS, spring, Some(3)).await);
    assert_eq!(
        messages,
        [row(3, 0, 1, 1), row(3, 1, 1, 0)],
        "only the step asked for"
    );
}
