//! Campaigns, their versions, and events.

use overture_core::{CampaignStatus, EventKind, NewEvent, WorkspaceId};

use super::{at, lead, new_account, ok, spec};
use crate::{EventQuery, NewCampaignVersion, Store, StoreError};

fn version(source: &str) -> NewCampaignVersion {
    NewCampaignVersion {
        name: "spring".into(),
        source: source.into(),
        spec: spec("spring", "prospects"),
    }
}

fn campaign_events(limit: u32) -> EventQuery {
    EventQuery {
        after: None,
        kinds: vec![EventKind::CampaignApplied],
        limit,
    }
}

/// The first apply stores version 1 as a draft; the same source changes nothing; a changed
/// source stores the next version and keeps the status; every version is kept.
pub async fn campaign_versions_follow_source_changes<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let first = ok(
        "apply",
        store
            .apply_campaign(ws, version("steps: [visit]"), at(0))
            .await,
    );
    assert!(first.changed);
    let c = &first.campaign;
    assert_eq!(
        (c.version, c.status, c.name.as_str()),
        (1, CampaignStatus::Draft, "spring")
    );
    assert_eq!(c.source, "steps: [visit]");
    assert_eq!(c.spec, spec("spring", "prospects"));
    assert_eq!(c.updated_at, at(0));

    let same = ok(
        "same",
        store
            .apply_campaign(ws, version("steps: [visit]"), at(10))
            .await,
    );
    assert!(!same.changed);
    assert_eq!(same.campaign, first.campaign);

    ok(
        "activate",
        store
            .set_campaign_status(ws, c.id, CampaignStatus::Active)
            .await,
    );
    let second = ok(
        "change",
        store
            .apply_campaign(ws, version("steps: [visit, end]"), at(20))
            .await,
    );
    assert!(second.changed);
    assert_eq!(second.campaign.id, c.id);
    assert_eq!(second.campaign.version, 2);
    assert_eq!(second.campaign.status, CampaignStatus::Active);
    assert_eq!(second.campaign.source, "steps: [visit, end]");
    assert_eq!(second.campaign.updated_at, at(20));

    let versions = ok("versions", store.campaign_versions(ws, c.id).await);
    assert_eq!(versions, [(1, at(0)), (2, at(20))]);
    assert_eq!(
        ok("by name", store.campaign_by_name(ws, "spring").await),
        second.campaign
    );
    assert_eq!(
        ok("list", store.list_campaigns(ws).await),
        vec![second.campaign]
    );
    let events = ok("events", store.list_events(ws, campaign_events(10)).await);
    assert_eq!(events.len(), 2, "one event per stored version");
    assert!(events.iter().all(|e| e.event.campaign_id == Some(c.id)));
}

/// A status change is returned and persists; an unknown campaign is `NotFound`.
pub async fn campaign_status_changes<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let c = ok("apply", store.apply_campaign(ws, version("a"), at(0)).await).campaign;
    let paused = ok(
        "pause",
        store
            .set_campaign_status(ws, c.id, CampaignStatus::Paused)
            .await,
    );
    assert_eq!(paused.status, CampaignStatus::Paused);
    assert_eq!(
        ok("get", store.campaign(ws, c.id).await).status,
        CampaignStatus::Paused
    );
    let unknown = overture_core::CampaignId(c.id.get() + 100);
    let missing = store
        .set_campaign_status(ws, unknown, CampaignStatus::Active)
        .await;
    assert!(
        matches!(missing, Err(StoreError::NotFound { .. })),
        "{missing:?}"
    );
}

/// Events come back in insertion order, after a given id, filtered by kind, with their data.
pub async fn events_are_ordered_and_filtered<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let account = ok(
        "account",
        store.create_account(new_account(ws, "alice")).await,
    );
    ok(
        "import",
        store
            .import_leads(ws, "prospects", &[lead(1)], at(0), &|_| {})
            .await,
    );
    let lead_id = ok("lead", store.lead_by_url(ws, &lead(1).profile_url).await)
        .map(|l| l.id)
        .unwrap_or_else(|| panic!("lead missing"));
    let kinds = [
        EventKind::ProfileVisited,
        EventKind::InviteSent,
        EventKind::ProfileVisited,
        EventKind::InviteAccepted,
    ];
    let mut ids = Vec::new();
    for (i, kind) in kinds.into_iter().enumerate() {
        let event = NewEvent {
            workspace_id: ws,
            kind,
            // Deliberately out of time order: the order is the order of insertion.
            at: at(100 - i as i64),
            account_id: Some(account.id),
            lead_id: Some(lead_id),
            campaign_id: None,
            data: format!("{{\"n\":{i}}}"),
        };
        ids.push(ok("append", store.append_event(event).await));
    }
    assert!(ids.windows(2).all(|w| w[0] < w[1]));

    let everything = EventQuery {
        after: None,
        kinds: vec![],
        limit: 100,
    };
    let all = ok("all", store.list_events(ws, everything.clone()).await);
    assert_eq!(all.len(), 5, "the import's event and the four appended");
    assert_eq!(all[0].event.kind, EventKind::LeadsImported);
    assert_eq!(all[1..].iter().map(|e| e.id).collect::<Vec<_>>(), ids);
    assert_eq!(all[2].event.data, "{\"n\":1}");
    assert_eq!(all[2].event.at, at(99));
    assert_eq!(all[2].event.account_id, Some(account.id));

    let visits = EventQuery {
        kinds: vec![EventKind::ProfileVisited],
        ..everything.clone()
    };
    let visits = ok("visits", store.list_events(ws, visits).await);
    assert_eq!(
        visits.iter().map(|e| e.id).collect::<Vec<_>>(),
        [ids[0], ids[2]]
    );

    let two_kinds = EventQuery {
        after: Some(ids[0]),
        kinds: vec![EventKind::ProfileVisited, EventKind::InviteAccepted],
        limit: 100,
    };
    let later = ok("after", store.list_events(ws, two_kinds).await);
    assert_eq!(
        later.iter().map(|e| e.id).collect::<Vec<_>>(),
        [ids[2], ids[3]]
    );

    let page = EventQuery {
        limit: 2,
        ..everything
    };
    assert_eq!(ok("limit", store.list_events(ws, page).await).len(), 2);
}
