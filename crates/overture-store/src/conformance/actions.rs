//! The durable action queue.

use jiff::SignedDuration;
use overture_core::action::ActionEvent;
use overture_core::{AccountId, ActionKind, ActionState, LeadId, WorkspaceId};

use super::invitations::seed;
use super::{at, ok};
use crate::{ActionQuery, NewAction, Store, StoreError};

const LEASE: SignedDuration = SignedDuration::from_mins(5);

pub(super) fn action(account: AccountId, lead: LeadId, key: &str, due: i64) -> NewAction {
    NewAction {
        workspace_id: WorkspaceId::DEFAULT,
        account_id: account,
        lead_id: Some(lead),
        campaign_id: None,
        enrollment_id: None,
        kind: ActionKind::Visit,
        payload: "{}".into(),
        due_at: at(due),
        idempotency_key: key.into(),
        variant: None,
    }
}

fn all(limit: u32) -> ActionQuery {
    ActionQuery {
        state: None,
        account: None,
        limit,
    }
}

/// Queueing the same idempotency key twice inserts it once.
pub async fn enqueue_is_idempotent_per_key<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let (account, leads) = seed(&store, 2).await;
    let batch = [
        action(account, leads[0], "visit-1", 10),
        action(account, leads[1], "visit-2", 10),
    ];
    assert_eq!(ok("first", store.enqueue_actions(&batch).await), 2);
    assert_eq!(ok("again", store.enqueue_actions(&batch).await), 0);
    let mixed = [
        action(account, leads[0], "visit-1", 99),
        action(account, leads[0], "visit-3", 10),
    ];
    assert_eq!(ok("mixed", store.enqueue_actions(&mixed).await), 1);
    let listed = ok("list", store.list_actions(ws, all(10)).await);
    assert_eq!(listed.len(), 3);
    assert_eq!(
        listed[0].due_at,
        at(10),
        "a repeated key does not change the action"
    );
    assert!(
        listed
            .iter()
            .all(|a| a.state == ActionState::Queued && a.attempts == 0)
    );

    let other = ok("ws", store.create_workspace("other").await).id;
    let foreign = NewAction {
        workspace_id: other,
        ..action(account, leads[0], "x", 10)
    };
    let refused = store
        .enqueue_actions(&[action(account, leads[0], "visit-4", 10), foreign])
        .await;
    assert!(
        matches!(refused, Err(StoreError::NotFound { .. })),
        "{refused:?}"
    );
    assert_eq!(
        ok("list", store.list_actions(ws, all(10)).await).len(),
        3,
        "all or nothing"
    );
}

/// Only queued actions due at `now` are claimed, oldest due first, up to the limit.
pub async fn claim_takes_only_due_actions_oldest_first<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let (account, leads) = seed(&store, 1).await;
    let batch = [
        action(account, leads[0], "late", 30),
        action(account, leads[0], "early", 10),
        action(account, leads[0], "middle", 20),
        action(account, leads[0], "future", 1000),
    ];
    ok("enqueue", store.enqueue_actions(&batch).await);
    assert!(
        ok(
            "nothing due",
            store.claim_due_actions(at(5), 10, LEASE).await
        )
        .is_empty()
    );

    let claimed = ok("claim", store.claim_due_actions(at(30), 2, LEASE).await);
    let keys: Vec<_> = claimed
        .iter()
        .map(|c| c.action.idempotency_key.as_str())
        .collect();
    assert_eq!(keys, ["early", "middle"]);
    for c in &claimed {
        assert_eq!(c.action.state, ActionState::Claimed);
        assert_eq!(c.action.attempts, 1);
        assert_eq!(c.lease_until, at(30) + LEASE);
    }
    let rest = ok("rest", store.claim_due_actions(at(30), 10, LEASE).await);
    let keys: Vec<_> = rest
        .iter()
        .map(|c| c.action.idempotency_key.as_str())
        .collect();
    assert_eq!(
        keys,
        ["late"],
        "claimed actions under lease and future ones stay put"
    );

    let queued = ActionQuery {
        state: Some(ActionState::Queued),
        ..all(10)
    };
    let queued = ok("queued", store.list_actions(ws, queued).await);
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].idempotency_key, "future");
}

/// A claim whose lease expired is taken over with a new fence; the old one cannot finish.
pub async fn expired_lease_is_reclaimed_with_a_new_fence<S: Store>(store: S) {
    let (account, leads) = seed(&store, 1).await;
    ok(
        "enqueue",
        store
            .enqueue_actions(&[action(account, leads[0], "visit", 10)])
            .await,
    );
    let first = ok("claim", store.claim_due_actions(at(10), 10, LEASE).await);
    assert_eq!(first.len(), 1);
    let before_expiry = at(10) + LEASE - SignedDuration::from_secs(1);
    assert!(
        ok(
            "held",
            store.claim_due_actions(before_expiry, 10, LEASE).await
        )
        .is_empty()
    );

    let expired = at(10) + LEASE;
    let second = ok(
        "take over",
        store.claim_due_actions(expired, 10, LEASE).await,
    );
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].action.id, first[0].action.id);
    assert!(second[0].fence > first[0].fence);
    assert_eq!(second[0].action.attempts, 2);
    assert_eq!(second[0].lease_until, expired + LEASE);

    let id = first[0].action.id;
    let stale = store
        .finish_action(id, first[0].fence, ActionEvent::Succeed, None, expired)
        .await;
    assert!(
        matches!(stale, Err(StoreError::Conflict { .. })),
        "{stale:?}"
    );
    let done = store
        .finish_action(id, second[0].fence, ActionEvent::Succeed, None, expired)
        .await;
    assert_eq!(ok("finish", done).state, ActionState::Done);
}

/// A stale fence cannot finish an action, and the refusal changes nothing.
pub async fn stale_fence_cannot_finish<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let (account, leads) = seed(&store, 1).await;
    ok(
        "enqueue",
        store
            .enqueue_actions(&[action(account, leads[0], "visit", 10)])
            .await,
    );
    let claim = ok("claim", store.claim_due_actions(at(10), 1, LEASE).await).remove(0);
    let id = claim.action.id;
    let wrong = claim.fence - 1;
    let stale = store
        .finish_action(id, wrong, ActionEvent::Fail, Some("boom".into()), at(11))
        .await;
    assert!(
        matches!(stale, Err(StoreError::Conflict { .. })),
        "{stale:?}"
    );
    let listed = ok("list", store.list_actions(ws, all(10)).await);
    assert_eq!(listed, vec![claim.action.clone()]);

    let failed = store
        .finish_action(
            id,
            claim.fence,
            ActionEvent::Fail,
            Some("profile gone".into()),
            at(12),
        )
        .await;
    let failed = ok("fail", failed);
    assert_eq!(failed.state, ActionState::Failed);
    assert_eq!(failed.last_error.as_deref(), Some("profile gone"));
}

/// Transitions the action state machine refuses are a `Conflict` and change nothing.
pub async fn action_state_machine_refusals_change_nothing<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let (account, leads) = seed(&store, 1).await;
    ok(
        "enqueue",
        store
            .enqueue_actions(&[action(account, leads[0], "visit", 10)])
            .await,
    );
    let claim = ok("claim", store.claim_due_actions(at(10), 1, LEASE).await).remove(0);
    let id = claim.action.id;
    let fence = claim.fence;
    let claim_again = store
        .finish_action(id, fence, ActionEvent::Claim, None, at(11))
        .await;
    assert!(
        matches!(claim_again, Err(StoreError::Conflict { .. })),
        "{claim_again:?}"
    );

    let lost = store
        .finish_action(
            id,
            fence,
            ActionEvent::LoseTrack,
            Some("timeout".into()),
            at(11),
        )
        .await;
    assert_eq!(ok("lose track", lost).state, ActionState::InDoubt);
    for event in [
        ActionEvent::Release,
        ActionEvent::Cancel,
        ActionEvent::LoseTrack,
    ] {
        let refused = store.finish_action(id, fence, event, None, at(12)).await;
        assert!(
            matches!(refused, Err(StoreError::Conflict { .. })),
            "{event}: {refused:?}"
        );
    }
    let listed = ok("list", store.list_actions(ws, all(10)).await);
    assert_eq!(listed[0].state, ActionState::InDoubt);
    assert_eq!(listed[0].last_error.as_deref(), Some("timeout"));
    assert!(
        ok(
            "in doubt is never claimed",
            store.claim_due_actions(at(10_000), 10, LEASE).await
        )
        .is_empty()
    );

    let resolved = store
        .finish_action(id, fence, ActionEvent::Succeed, None, at(13))
        .await;
    assert_eq!(ok("resolve", resolved).state, ActionState::Done);
    let after_done = store
        .finish_action(id, fence, ActionEvent::Fail, None, at(14))
        .await;
    assert!(
        matches!(after_done, Err(StoreError::Conflict { .. })),
        "{after_done:?}"
    );
    assert_eq!(
        ok("list", store.list_actions(ws, all(10)).await)[0].state,
        ActionState::Done
    );
}

/// A released action goes back to the queue and is claimed again with a new fence.
pub async fn released_action_is_claimed_again<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let (account, leads) = seed(&store, 1).await;
    ok(
        "enqueue",
        store
            .enqueue_actions(&[action(account, leads[0], "visit", 10)])
            .await,
    );
    let claim = ok("claim", store.claim_due_actions(at(10), 1, LEASE).await).remove(0);
    let released = store
        .finish_action(
            claim.action.id,
            claim.fence,
            ActionEvent::Release,
            None,
            at(11),
        )
        .await;
    assert_eq!(ok("release", released).state, ActionState::Queued);
    let again = ok(
        "claim again",
        store.claim_due_actions(at(12), 1, LEASE).await,
    );
    assert_eq!(again.len(), 1);
    assert!(again[0].fence > claim.fence);
    let by_state = ActionQuery {
        state: Some(ActionState::Claimed),
        account: Some(account),
        limit: 10,
    };
    assert_eq!(ok("list", store.list_actions(ws, by_state).await).len(), 1);
}
