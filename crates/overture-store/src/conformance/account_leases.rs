//! Account leases: many workers on one store, each account acted for by one at a time.

use jiff::SignedDuration;
use overture_core::action::ActionEvent;
use overture_core::{AccountId, LeadId, WorkspaceId};

use super::actions::action;
use super::invitations::seed;
use super::{at, new_account, ok};
use crate::{Intent, Store, StoreError};

const HOLD: SignedDuration = SignedDuration::from_mins(1);
const CLAIM: SignedDuration = SignedDuration::from_mins(10);

/// Seeds alice (with two leads) and `extra` more accounts; returns alice, the others and the
/// leads.
async fn accounts<S: Store>(store: &S, extra: &[&str]) -> (AccountId, Vec<AccountId>, Vec<LeadId>) {
    let (alice, leads) = seed(store, 2).await;
    let mut others = Vec::new();
    for name in extra {
        let account = store
            .create_account(new_account(WorkspaceId::DEFAULT, name))
            .await;
        others.push(ok("account", account).id);
    }
    (alice, others, leads)
}

fn ids(leases: &[crate::AccountLease]) -> Vec<AccountId> {
    leases.iter().map(|l| l.account).collect()
}

fn conflict<T: std::fmt::Debug>(step: &str, result: Result<T, StoreError>) {
    assert!(
        matches!(result, Err(StoreError::Conflict { .. })),
        "{step}: {result:?}"
    );
}

/// A live lease is never given to another worker; each worker gets the free accounts, in id
/// order and up to its maximum, and is not given again what it holds.
pub async fn account_leases_give_each_account_to_one_worker<S: Store>(store: S) {
    let (alice, others, _) = accounts(&store, &["bob", "carol"]).await;
    let a = ok("a", store.acquire_accounts("a", at(0), HOLD, 2).await);
    assert_eq!(ids(&a), vec![alice, others[0]]);
    assert!(a.iter().all(|l| l.fence == 1 && l.worker == "a"));
    assert!(a.iter().all(|l| l.expires_at == at(0) + HOLD));
    let b = ok("b", store.acquire_accounts("b", at(1), HOLD, 10).await);
    assert_eq!(ids(&b), vec![others[1]]);
    let again = ok(
        "a again",
        store.acquire_accounts("a", at(2), HOLD, 10).await,
    );
    assert!(again.is_empty(), "{again:?}");
    let listed = ok("list", store.account_leases().await);
    let holders: Vec<_> = listed.iter().map(|l| l.worker.as_str()).collect();
    assert_eq!(holders, ["a", "a", "b"]);
}

/// An expired lease goes to the next worker with a higher fence; the former holder can then
/// neither renew nor release it, while the new holder can, and a released account is free at
/// once.
pub async fn expired_account_lease_is_taken_over_with_a_higher_fence<S: Store>(store: S) {
    let (alice, _, _) = accounts(&store, &[]).await;
    let a = ok("a", store.acquire_accounts("a", at(0), HOLD, 1).await).remove(0);
    let early = ok(
        "b early",
        store.acquire_accounts("b", at(59), HOLD, 1).await,
    );
    assert!(early.is_empty(), "{early:?}");
    let renewed = store
        .renew_account_lease("a", alice, a.fence, at(30), HOLD)
        .await;
    assert_eq!(ok("renew", renewed).expires_at, at(90));
    let still = ok("b held", store.acquire_accounts("b", at(89), HOLD, 1).await);
    assert!(still.is_empty(), "{still:?}");

    let b = ok("b", store.acquire_accounts("b", at(90), HOLD, 1).await).remove(0);
    assert_eq!((b.account, b.worker.as_str()), (alice, "b"));
    assert!(b.fence > a.fence);
    conflict(
        "stale renew",
        store
            .renew_account_lease("a", alice, a.fence, at(91), HOLD)
            .await,
    );
    let stale = store.release_account("a", alice, a.fence, at(91)).await;
    assert!(!ok("stale release", stale));
    assert_eq!(ok("list", store.account_leases().await), vec![b.clone()]);

    let released = store.release_account("b", alice, b.fence, at(92)).await;
    assert!(ok("release", released));
    let c = ok("c", store.acquire_accounts("c", at(92), HOLD, 1).await).remove(0);
    assert_eq!(c.worker, "c");
    assert!(c.fence > b.fence);
}

/// A worker claims only the actions of the accounts it holds; taking an account over fences
/// the former holder's claims, so its intent and its result are refused, and the new holder
/// claims them again at once.
pub async fn account_takeover_fences_the_former_holders_claims<S: Store>(store: S) {
    let (alice, others, leads) = accounts(&store, &["bob"]).await;
    let bob = others[0];
    let queued = [
        action(alice, leads[0], "alice", 0),
        action(bob, leads[1], "bob", 0),
    ];
    ok("enqueue", store.enqueue_actions(&queued).await);
    ok("a", store.acquire_accounts("a", at(0), HOLD, 1).await);
    let mine = ok(
        "a claims",
        store.claim_due_actions_for("a", at(1), 10, CLAIM).await,
    );
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].action.account_id, alice);
    let none = ok(
        "b claims",
        store.claim_due_actions_for("b", at(1), 10, CLAIM).await,
    );
    assert!(none.is_empty(), "b holds nothing: {none:?}");

    // The account lease ends long before the action's.
    let b = ok("b", store.acquire_accounts("b", at(61), HOLD, 10).await);
    assert_eq!(ids(&b), vec![alice, bob]);
    let intent = Intent {
        action: mine[0].action.id,
        fence: mine[0].fence,
        at: at(62),
        with_note: false,
    };
    conflict("stale intent", store.record_intent(intent).await);
    let stale = store
        .finish_action(
            mine[0].action.id,
            mine[0].fence,
            ActionEvent::Succeed,
            None,
            at(62),
        )
        .await;
    conflict("stale finish", stale);
    let gone = ok(
        "a again",
        store.claim_due_actions_for("a", at(62), 10, CLAIM).await,
    );
    assert!(gone.is_empty(), "a holds nothing now: {gone:?}");
    let taken = ok(
        "b claims",
        store.claim_due_actions_for("b", at(62), 10, CLAIM).await,
    );
    assert_eq!(taken.len(), 2);
    let again = taken.iter().find(|c| c.action.id == mine[0].action.id);
    assert!(again.is_some_and(|c| c.fence > mine[0].fence), "{taken:?}");
}

/// A worker takes over, for reconciliation, only the in-flight intents of the accounts it
/// holds; without a worker every one is taken over, as before.
pub async fn in_flight_intents_for_cover_only_held_accounts<S: Store>(store: S) {
    let (alice, others, leads) = accounts(&store, &["bob"]).await;
    let bob = others[0];
    let queued = [
        action(alice, leads[0], "alice", 0),
        action(bob, leads[1], "bob", 0),
    ];
    ok("enqueue", store.enqueue_actions(&queued).await);
    ok("a", store.acquire_accounts("a", at(0), HOLD, 1).await);
    ok("b", store.acquire_accounts("b", at(0), HOLD, 1).await);
    for worker in ["a", "b"] {
        let claims = store.claim_due_actions_for(worker, at(1), 10, CLAIM).await;
        for c in ok("claim", claims) {
            let intent = Intent {
                action: c.action.id,
                fence: c.fence,
                at: at(2),
                with_note: false,
            };
            ok("intent", store.record_intent(intent).await);
        }
    }
    let a = ok("a", store.in_flight_intents_for("a", at(3), CLAIM).await);
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].claim.action.account_id, alice);
    let nobody = ok("c", store.in_flight_intents_for("c", at(3), CLAIM).await);
    assert!(nobody.is_empty(), "{nobody:?}");
    let every = ok("all", store.in_flight_intents(at(4), CLAIM).await);
    assert_eq!(every.len(), 2);
}

/// A worker's next due instant counts only the accounts it holds, and, when it has room for
/// more, the first instant another worker's lease runs out.
pub async fn next_due_for_counts_only_held_accounts<S: Store>(store: S) {
    let (alice, others, leads) = accounts(&store, &["bob"]).await;
    let bob = others[0];
    let queued = [
        action(alice, leads[0], "alice", 200),
        action(bob, leads[1], "bob", 100),
    ];
    ok("enqueue", store.enqueue_actions(&queued).await);
    ok("a", store.acquire_accounts("a", at(0), HOLD, 1).await);
    ok("b", store.acquire_accounts("b", at(0), HOLD, 1).await);
    let next = |worker: &'static str, more: bool| store.next_due_for(worker, at(1), more);
    assert_eq!(ok("a", next("a", false).await), Some(at(200)));
    assert_eq!(ok("b", next("b", false).await), Some(at(100)));
    assert_eq!(
        ok("a with room", next("a", true).await),
        Some(at(0) + HOLD),
        "b's lease runs out first"
    );
    assert_eq!(ok("c", next("c", false).await), None);
    assert_eq!(ok("c with room", next("c", true).await), Some(at(0) + HOLD));
    // Past the leases nobody holds anything: only the store-wide instant is left.
    let late = store.next_due_for("a", at(61), true).await;
    assert_eq!(ok("late", late), None);
    assert_eq!(ok("store", store.next_due().await), Some(at(100)));
}
