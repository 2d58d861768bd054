//! The suppression list, unsubscribe tokens, and the check in the claiming transaction.

use jiff::SignedDuration;
use overture_core::{ActionKind, SuppressionKind, WorkspaceId};

use super::invitations::seed;
use super::{at, lead, ok, url};
use crate::{NewAction, Store};

/// Entries are added once (the first reason stays), listed by kind and value, and removed.
pub async fn suppressions_add_list_and_remove<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let entries = [
        (SuppressionKind::Address, "ana@example.com".to_owned()),
        (SuppressionKind::Domain, "example.org".to_owned()),
    ];
    assert_eq!(
        ok(
            "add",
            store.add_suppressions(ws, &entries, "by hand", at(1)).await
        ),
        2
    );
    let again = [
        (SuppressionKind::Address, "ana@example.com".to_owned()),
        (SuppressionKind::Profile, url("someone").to_string()),
    ];
    assert_eq!(
        ok(
            "add again",
            store.add_suppressions(ws, &again, "bounced", at(2)).await
        ),
        1,
        "an entry already there is not added twice"
    );
    let listed = ok("list", store.list_suppressions(ws).await);
    let shown: Vec<(SuppressionKind, &str, &str)> = listed
        .iter()
        .map(|s| (s.kind, s.value.as_str(), s.reason.as_str()))
        .collect();
    let profile = url("someone").to_string();
    assert_eq!(
        shown,
        [
            (SuppressionKind::Address, "ana@example.com", "by hand"),
            (SuppressionKind::Domain, "example.org", "by hand"),
            (SuppressionKind::Profile, profile.as_str(), "bounced"),
        ]
    );
    assert!(ok(
        "remove",
        store
            .remove_suppression(ws, SuppressionKind::Domain, "example.org")
            .await
    ));
    assert!(!ok(
        "remove twice",
        store
            .remove_suppression(ws, SuppressionKind::Domain, "example.org")
            .await
    ));
    assert_eq!(ok("list", store.list_suppressions(ws).await).len(), 2);
}

/// A lead is suppressed by its profile, its address (whatever its case) or its address's
/// domain; claimed actions carry the entry, found in the claiming transaction.
pub async fn suppression_matches_leads_and_marks_claims<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let (account, leads) = seed(&store, 3).await;
    for &l in &leads {
        assert_eq!(ok("none", store.lead_suppression(ws, l).await), None);
    }
    // lead(1) is lead1@example.com; lead(3)'s domain goes too.
    let entries = [
        (SuppressionKind::Address, "lead1@example.com".to_owned()),
        (SuppressionKind::Profile, lead(2).profile_url.to_string()),
    ];
    ok(
        "add",
        store.add_suppressions(ws, &entries, "asked", at(1)).await,
    );
    let first = ok("lead 1", store.lead_suppression(ws, leads[0]).await);
    assert_eq!(first.map(|s| s.kind), Some(SuppressionKind::Address));
    let second = ok("lead 2", store.lead_suppression(ws, leads[1]).await);
    assert_eq!(second.map(|s| s.kind), Some(SuppressionKind::Profile));
    assert_eq!(
        ok("lead 3", store.lead_suppression(ws, leads[2]).await),
        None
    );
    let domain = [(SuppressionKind::Domain, "example.com".to_owned())];
    ok(
        "domain",
        store
            .add_suppressions(ws, &domain, "competitor", at(2))
            .await,
    );
    let third = ok("lead 3", store.lead_suppression(ws, leads[2]).await);
    assert_eq!(third.map(|s| s.kind), Some(SuppressionKind::Domain));

    let actions: Vec<NewAction> = leads
        .iter()
        .enumerate()
        .map(|(i, &l)| NewAction {
            workspace_id: ws,
            account_id: account,
            lead_id: Some(l),
            campaign_id: None,
            enrollment_id: None,
            kind: ActionKind::Email,
            payload: "{}".into(),
            due_at: at(5),
            idempotency_key: format!("email-{i}"),
            variant: None,
        })
        .collect();
    ok("enqueue", store.enqueue_actions(&actions).await);
    ok(
        "unsuppress",
        store
            .remove_suppression(ws, SuppressionKind::Domain, "example.com")
            .await,
    );
    let claimed = ok(
        "claim",
        store
            .claim_due_actions(at(10), 10, SignedDuration::from_mins(5))
            .await,
    );
    let flags: Vec<Option<SuppressionKind>> = claimed
        .iter()
        .map(|c| c.suppressed.as_ref().map(|s| s.kind))
        .collect();
    assert_eq!(
        flags,
        [
            Some(SuppressionKind::Address),
            Some(SuppressionKind::Profile),
            None
        ]
    );
}

/// A lead's token is made once and is the same afterwards; unsubscribing by it suppresses the
/// lead's profile and address, once; an unknown token does nothing.
pub async fn unsubscribe_tokens_suppress_their_lead<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let (_, leads) = seed(&store, 2).await;
    let token = ok("token", store.unsubscribe_token(ws, leads[0], at(1)).await);
    assert!(token.len() >= 32, "{token}");
    assert_eq!(
        ok("same", store.unsubscribe_token(ws, leads[0], at(2)).await),
        token
    );
    let other = ok("other", store.unsubscribe_token(ws, leads[1], at(2)).await);
    assert_ne!(other, token);

    assert_eq!(ok("unknown", store.unsubscribe("nope", at(3)).await), None);
    let done =
        ok("unsubscribe", store.unsubscribe(&token, at(3)).await).expect("the token is known");
    assert_eq!((done.workspace, done.lead), (ws, leads[0]));
    let kinds: Vec<_> = done
        .entries
        .iter()
        .map(|e| (e.kind, e.value.clone()))
        .collect();
    assert_eq!(
        kinds,
        [
            (SuppressionKind::Profile, lead(1).profile_url.to_string()),
            (SuppressionKind::Address, "lead1@example.com".to_owned()),
        ]
    );
    assert!(done.entries.iter().all(|e| e.reason == "unsubscribed"));
    ok("again", store.unsubscribe(&token, at(4)).await);
    assert_eq!(ok("list", store.list_suppressions(ws).await).len(), 2);
    assert!(ok("lead 1", store.lead_suppression(ws, leads[0]).await).is_some());
    assert_eq!(
        ok("lead 2", store.lead_suppression(ws, leads[1]).await),
        None
    );
}
