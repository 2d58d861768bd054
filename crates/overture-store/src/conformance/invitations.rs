//! Invitations and re-invite cooldowns.

use overture_core::cooldown::DEFAULT_REINVITE_COOLDOWN;
use overture_core::{
    AccountId, Cooldown, InvitationEvent, InvitationId, InvitationState, LeadId, WorkspaceId,
};

use super::{at, lead, new_account, ok};
use crate::{InvitationQuery, NewInvitation, Store, StoreError};

/// An account `alice` and leads 1 to `leads` in the default workspace.
pub(super) async fn seed<S: Store>(store: &S, leads: u64) -> (AccountId, Vec<LeadId>) {
    let ws = WorkspaceId::DEFAULT;
    let account = ok(
        "account",
        store.create_account(new_account(ws, "alice")).await,
    );
    let new: Vec<_> = (1..=leads).map(lead).collect();
    ok(
        "import",
        store
            .import_leads(ws, "prospects", &new, at(0), &|_| {})
            .await,
    );
    let mut ids = Vec::new();
    for l in &new {
        let found = ok("lead", store.lead_by_url(ws, &l.profile_url).await);
        ids.push(found.unwrap_or_else(|| panic!("lead missing")).id);
    }
    (account.id, ids)
}

fn invitation(account: AccountId, lead: LeadId, sent: i64) -> NewInvitation {
    NewInvitation {
        workspace_id: WorkspaceId::DEFAULT,
        account_id: account,
        lead_id: lead,
        campaign_id: None,
        external_id: Some(format!("ext-{}", lead.get())),
        note: Some("Hello from an example".into()),
        sent_at: at(sent),
    }
}

fn query(limit: u32) -> InvitationQuery {
    InvitationQuery {
        after: None,
        account: None,
        state: None,
        sent_before: None,
        limit,
    }
}

/// A recorded invitation is pending; an allowed transition resolves it and persists.
pub async fn invitation_record_and_transition<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let (account, leads) = seed(&store, 1).await;
    let sent = ok(
        "record",
        store
            .record_invitation(invitation(account, leads[0], 10))
            .await,
    );
    assert_eq!(sent.state, InvitationState::Pending);
    assert_eq!(sent.resolved_at, None);
    assert_eq!(sent.sent_at, at(10));
    assert_eq!(sent.note.as_deref(), Some("Hello from an example"));
    assert_eq!(sent.external_id.as_deref(), Some("ext-1"));

    let vanished = store
        .transition_invitation(ws, sent.id, InvitationEvent::Vanish, at(20))
        .await;
    let vanished = ok("vanish", vanished);
    assert_eq!(vanished.state, InvitationState::Vanished);
    assert_eq!(vanished.resolved_at, Some(at(20)));
    let accepted = store
        .transition_invitation(ws, sent.id, InvitationEvent::Accept, at(30))
        .await;
    assert_eq!(ok("late accept", accepted).state, InvitationState::Accepted);
    let listed = ok("list", store.list_invitations(ws, query(10)).await);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].state, InvitationState::Accepted);
    assert_eq!(listed[0].resolved_at, Some(at(30)));

    let missing = store
        .transition_invitation(
            ws,
            InvitationId(sent.id.get() + 99),
            InvitationEvent::Accept,
            at(40),
        )
        .await;
    assert!(
        matches!(missing, Err(StoreError::NotFound { .. })),
        "{missing:?}"
    );
}

/// A transition the state machine refuses is a `Conflict` and changes nothing.
pub async fn invitation_refused_transition_changes_nothing<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let (account, leads) = seed(&store, 1).await;
    let sent = ok(
        "record",
        store
            .record_invitation(invitation(account, leads[0], 10))
            .await,
    );
    let withdrawn = store
        .transition_invitation(ws, sent.id, InvitationEvent::Withdraw, at(20))
        .await;
    let withdrawn = ok("withdraw", withdrawn);
    for event in [
        InvitationEvent::Accept,
        InvitationEvent::Withdraw,
        InvitationEvent::Vanish,
    ] {
        let refused = store
            .transition_invitation(ws, sent.id, event, at(30))
            .await;
        assert!(
            matches!(refused, Err(StoreError::Conflict { .. })),
            "{event}: {refused:?}"
        );
    }
    let listed = ok("list", store.list_invitations(ws, query(10)).await);
    assert_eq!(listed, vec![withdrawn]);
}

/// A second pending invitation from the same account to the same person is a `Conflict`;
/// once the first is resolved, a new one may be recorded.
pub async fn second_pending_invitation_conflicts<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let (account, leads) = seed(&store, 2).await;
    let first = ok(
        "record",
        store
            .record_invitation(invitation(account, leads[0], 10))
            .await,
    );
    let twice = store
        .record_invitation(invitation(account, leads[0], 11))
        .await;
    assert!(
        matches!(twice, Err(StoreError::Conflict { .. })),
        "{twice:?}"
    );
    ok(
        "other lead",
        store
            .record_invitation(invitation(account, leads[1], 12))
            .await,
    );
    assert_eq!(
        ok("list", store.list_invitations(ws, query(10)).await).len(),
        2
    );

    ok(
        "withdraw",
        store
            .transition_invitation(ws, first.id, InvitationEvent::Withdraw, at(20))
            .await,
    );
    let again = ok(
        "re-invite",
        store
            .record_invitation(invitation(account, leads[0], 30))
            .await,
    );
    assert_ne!(again.id, first.id);
    assert_eq!(again.state, InvitationState::Pending);
    // Every invitation to the person, oldest first: how many times a campaign invited them.
    let to_lead = ok("to lead", store.invitations_to(ws, account, leads[0]).await);
    let states: Vec<(InvitationId, InvitationState)> =
        to_lead.iter().map(|i| (i.id, i.state)).collect();
    assert_eq!(
        states,
        [
            (first.id, InvitationState::Withdrawn),
            (again.id, InvitationState::Pending)
        ]
    );
    assert_eq!(
        ok(
            "to other",
            store.invitations_to(ws, account, leads[1]).await
        )
        .len(),
        1
    );

    let foreign = NewInvitation {
        workspace_id: ok("ws", store.create_workspace("other").await).id,
        ..invitation(account, leads[1], 40)
    };
    let refused = store.record_invitation(foreign).await;
    assert!(
        matches!(refused, Err(StoreError::NotFound { .. })),
        "{refused:?}"
    );
}

/// Listing filters by account, state and send time.
pub async fn invitations_are_filtered<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let (alice, leads) = seed(&store, 3).await;
    let bob = ok("bob", store.create_account(new_account(ws, "bob")).await).id;
    let a1 = ok(
        "a1",
        store
            .record_invitation(invitation(alice, leads[0], 10))
            .await,
    );
    let a2 = ok(
        "a2",
        store
            .record_invitation(invitation(alice, leads[1], 20))
            .await,
    );
    let b1 = ok(
        "b1",
        store.record_invitation(invitation(bob, leads[2], 30)).await,
    );
    ok(
        "accept",
        store
            .transition_invitation(ws, a2.id, InvitationEvent::Accept, at(40))
            .await,
    );

    let ids =
        |list: Vec<overture_core::Invitation>| list.into_iter().map(|i| i.id).collect::<Vec<_>>();
    let by_alice = InvitationQuery {
        after: None,
        account: Some(alice),
        ..query(10)
    };
    assert_eq!(
        ids(ok("alice", store.list_invitations(ws, by_alice).await)),
        [a1.id, a2.id]
    );
    let pending = InvitationQuery {
        after: None,
        state: Some(InvitationState::Pending),
        ..query(10)
    };
    assert_eq!(
        ids(ok("pending", store.list_invitations(ws, pending).await)),
        [a1.id, b1.id]
    );
    let old = InvitationQuery {
        after: None,
        sent_before: Some(at(30)),
        ..query(10)
    };
    assert_eq!(
        ids(ok("old", store.list_invitations(ws, old).await)),
        [a1.id, a2.id]
    );
    assert_eq!(
        ids(ok("limit", store.list_invitations(ws, query(1)).await)),
        [a1.id]
    );
    assert_eq!(ok("alice pending", store.pending_count(ws, alice).await), 1);
    assert_eq!(ok("bob pending", store.pending_count(ws, bob).await), 1);
    ok(
        "withdraw",
        store
            .transition_invitation(ws, a1.id, InvitationEvent::Withdraw, at(50))
            .await,
    );
    assert_eq!(
        ok("after withdrawal", store.pending_count(ws, alice).await),
        0
    );
    let other = ok("workspace", store.create_workspace("other").await).id;
    assert_eq!(
        ok("other workspace", store.pending_count(other, bob).await),
        0,
        "counts stay inside their workspace"
    );
}

/// A cooldown is stored, moves later, and never gets shorter.
pub async fn cooldown_never_shrinks<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let (account, leads) = seed(&store, 2).await;
    assert_eq!(
        ok("none", store.cooldown(ws, account, leads[0]).await),
        None
    );
    let until = at(0) + DEFAULT_REINVITE_COOLDOWN;
    let cooldown = Cooldown {
        workspace_id: ws,
        account_id: account,
        lead_id: leads[0],
        reinvite_not_before: until,
    };
    assert_eq!(
        ok("store", store.extend_cooldown(cooldown.clone()).await),
        cooldown
    );
    let shorter = Cooldown {
        reinvite_not_before: at(60),
        ..cooldown.clone()
    };
    assert_eq!(
        ok("shorter", store.extend_cooldown(shorter).await),
        cooldown
    );
    assert_eq!(
        ok("get", store.cooldown(ws, account, leads[0]).await),
        Some(cooldown.clone())
    );
    let later = Cooldown {
        reinvite_not_before: until + DEFAULT_REINVITE_COOLDOWN,
        ..cooldown
    };
    assert_eq!(
        ok("longer", store.extend_cooldown(later.clone()).await),
        later
    );
    assert_eq!(
        ok("get", store.cooldown(ws, account, leads[0]).await),
        Some(later)
    );
    assert_eq!(
        ok("other lead", store.cooldown(ws, account, leads[1]).await),
        None
    );
}
