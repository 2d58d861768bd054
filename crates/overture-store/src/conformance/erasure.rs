//! Erasing a person: their data goes everywhere, a hash stays on the suppression list.

use overture_core::{ActionKind, EventKind, NewEvent, SuppressionKind, WorkspaceId};

use super::invitations::seed;
use super::{at, lead, ok, spec};
use crate::{
    AccountHistory, ERASED_REASON, EventQuery, InvitationQuery, LeadQuery, NewAction,
    NewCampaignVersion, NewEnrollment, NewInvitation, Store, StoreError,
};

/// Erasing a lead deletes its row, list places, enrollment, invitation and queued actions,
/// empties its events, keeps hashes of its profile and address (never the values) that
/// recognise the person when imported again, and is `NotFound` from another workspace.
pub async fn erasing_a_lead_removes_the_person_and_keeps_a_hash<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let (account, leads) = seed(&store, 2).await;
    let (gone, kept) = (leads[0], leads[1]);
    let version = NewCampaignVersion {
        name: "spring".into(),
        source: "name: spring".into(),
        spec: spec("spring", "prospects"),
    };
    let campaign = ok("campaign", store.apply_campaign(ws, version, at(0)).await).campaign;
    let enrollments = [gone, kept].map(|lead| NewEnrollment {
        lead,
        account,
        variants: vec![Some(0)],
    });
    ok(
        "enroll",
        store
            .enroll_leads(ws, campaign.id, &enrollments, at(1))
            .await,
    );
    ok(
        "invite",
        store
            .record_invitation(NewInvitation {
                workspace_id: ws,
                account_id: account,
                lead_id: gone,
                campaign_id: Some(campaign.id),
                external_id: Some("ext-1".into()),
                note: Some("Hello Lead1".into()),
                sent_at: at(2),
            })
            .await,
    );
    let event = NewEvent {
        workspace_id: ws,
        kind: EventKind::ReplyReceived,
        at: at(3),
        account_id: Some(account),
        lead_id: Some(gone),
        campaign_id: Some(campaign.id),
        data: r#"{"text":"Thanks, Lead1 here (lead1@example.com)"}"#.into(),
    };
    ok("event", store.append_event(event).await);
    let action = NewAction {
        workspace_id: ws,
        account_id: account,
        lead_id: Some(gone),
        campaign_id: Some(campaign.id),
        enrollment_id: None,
        kind: ActionKind::Message,
        payload: r#"{"text":"Hi Lead1"}"#.into(),
        due_at: at(9),
        idempotency_key: "message-lead-1".into(),
        variant: None,
    };
    ok("enqueue", store.enqueue_actions(&[action]).await);
    ok("token", store.unsubscribe_token(ws, gone, at(3)).await);

    let other = ok("workspace", store.create_workspace("elsewhere").await).id;
    assert!(matches!(
        store.erase_lead(other, gone, at(4)).await,
        Err(StoreError::NotFound { .. })
    ));
    let erased = ok("erase", store.erase_lead(ws, gone, at(5)).await);
    assert_eq!(
        (
            erased.enrollments,
            erased.invitations,
            erased.actions,
            erased.events,
            erased.suppressed
        ),
        (1, 1, 1, 1, 2)
    );
    assert!(matches!(
        store.lead(ws, gone).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store.erase_lead(ws, gone, at(6)).await,
        Err(StoreError::NotFound { .. })
    ));
    let on_list = LeadQuery {
        list: Some("prospects".into()),
        after: None,
        limit: 10,
    };
    let listed: Vec<_> = ok("list", store.list_leads(ws, on_list).await)
        .into_iter()
        .map(|l| l.id)
        .collect();
    assert_eq!(listed, [kept]);
    let invitations = InvitationQuery {
        after: None,
        account: None,
        state: None,
        sent_before: None,
        limit: 10,
    };
    assert!(ok("invitations", store.list_invitations(ws, invitations).await).is_empty());
    let open: Vec<_> = ok("enrollments", store.list_enrollments(ws, campaign.id).await)
        .into_iter()
        .map(|e| e.enrollment.lead_id)
        .collect();
    assert_eq!(open, [kept]);
    let events = EventQuery {
        after: None,
        kinds: vec![EventKind::ReplyReceived],
        limit: 10,
    };
    let replies = ok("events", store.list_events(ws, events).await);
    assert_eq!(replies.len(), 1, "the fact stays, for the counts");
    assert_eq!(
        (replies[0].event.lead_id, replies[0].event.data.as_str()),
        (None, "{}")
    );
    let entries = ok("suppressions", store.list_suppressions(ws).await);
    let kinds: Vec<_> = entries.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [SuppressionKind::Address, SuppressionKind::Profile]);
    for entry in &entries {
        assert_eq!(entry.reason, ERASED_REASON);
        assert!(entry.value.starts_with("sha256:"), "{}", entry.value);
        assert!(!entry.value.contains("lead1"), "{}", entry.value);
    }
    // The other lead is untouched.
    assert_eq!(ok("kept", store.lead(ws, kept).await).data, lead(2));

    // Imported again, the person is recognised and suppressed at once.
    ok(
        "reimport",
        store
            .import_leads(ws, "again", &[lead(1), lead(3)], at(7), &|_| {})
            .await,
    );
    let back = ok("back", store.lead_by_url(ws, &lead(1).profile_url).await)
        .unwrap_or_else(|| panic!("the reimported lead is missing"));
    let fresh = ok("fresh", store.lead_by_url(ws, &lead(3).profile_url).await)
        .unwrap_or_else(|| panic!("the new lead is missing"));
    assert!(ok("back", store.lead_suppression(ws, back.id).await).is_some());
    assert_eq!(
        ok("fresh", store.lead_suppression(ws, fresh.id).await),
        None
    );

    // So is a person an account's history brings back.
    ok("erase 2", store.erase_lead(ws, kept, at(8)).await);
    let history = AccountHistory {
        list: "connections".into(),
        people: vec![lead(2)],
        connections: Vec::new(),
        invitations: Vec::new(),
    };
    ok(
        "history",
        store.import_history(ws, account, &history, at(9)).await,
    );
    let again = ok("again", store.lead_by_url(ws, &lead(2).profile_url).await)
        .unwrap_or_else(|| panic!("the history's person is missing"));
    assert!(ok("again", store.lead_suppression(ws, again.id).await).is_some());
}
