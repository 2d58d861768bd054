//! Workspaces, accounts and workspace isolation.

use overture_core::account::Zone;
use overture_core::limits::AccountLimits;
use overture_core::{AccountStatus, Tier, WorkspaceId};

use super::{at, lead, new_account, ok, spec};
use crate::{EventQuery, LeadQuery, NewCampaignVersion, Store, StoreError};

/// A fresh store has the `default` workspace; workspace names are unique.
pub async fn workspaces_default_exists_and_names_are_unique<S: Store>(store: S) {
    let all = ok("list", store.list_workspaces().await);
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].id, WorkspaceId::DEFAULT);
    assert_eq!(all[0].name, "default");

    let other = ok("create", store.create_workspace("agency-client").await);
    assert_ne!(other.id, WorkspaceId::DEFAULT);
    let again = store.create_workspace("agency-client").await;
    assert!(
        matches!(again, Err(StoreError::Conflict { .. })),
        "{again:?}"
    );
    let names: Vec<_> = ok("list", store.list_workspaces().await)
        .into_iter()
        .map(|w| w.name)
        .collect();
    assert_eq!(names, ["default", "agency-client"]);
}

/// An account reads back as created, by id and by name, and is listed in id order.
pub async fn accounts_create_get_and_list<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let alice = ok(
        "create",
        store.create_account(new_account(ws, "alice")).await,
    );
    let bob = ok("create", store.create_account(new_account(ws, "bob")).await);
    assert_eq!(alice.name, "alice");
    assert_eq!(alice.workspace_id, ws);
    assert_eq!(alice.status, AccountStatus::Active);
    let fixture = new_account(ws, "alice");
    assert_eq!(alice.limits, fixture.limits);
    assert_eq!(alice.working_hours, fixture.working_hours);
    assert_eq!(alice.time_zone, fixture.time_zone);
    assert_eq!(alice.created_at, fixture.created_at);

    assert_eq!(ok("get", store.account(ws, alice.id).await), alice);
    assert_eq!(ok("by name", store.account_by_name(ws, "bob").await), bob);
    assert_eq!(ok("list", store.list_accounts(ws).await), vec![alice, bob]);
    let missing = store.account_by_name(ws, "carol").await;
    assert!(
        matches!(missing, Err(StoreError::NotFound { .. })),
        "{missing:?}"
    );
}

/// A name is unique within its workspace only.
pub async fn account_name_conflicts_only_within_a_workspace<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    ok(
        "create",
        store.create_account(new_account(ws, "alice")).await,
    );
    let twice = store.create_account(new_account(ws, "alice")).await;
    assert!(
        matches!(twice, Err(StoreError::Conflict { .. })),
        "{twice:?}"
    );
    assert_eq!(ok("list", store.list_accounts(ws).await).len(), 1);

    let other = ok("workspace", store.create_workspace("other").await).id;
    ok(
        "same name elsewhere",
        store.create_account(new_account(other, "alice")).await,
    );
}

/// A status change is returned and persists.
pub async fn account_status_changes_and_persists<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let alice = ok(
        "create",
        store.create_account(new_account(ws, "alice")).await,
    );
    let restricted = AccountStatus::Restricted { until: at(3600) };
    let changed = ok(
        "set",
        store
            .set_account_status(ws, alice.id, restricted.clone())
            .await,
    );
    assert_eq!(changed.status, restricted);
    assert_eq!(
        ok("get", store.account(ws, alice.id).await).status,
        restricted
    );
    let paused = AccountStatus::Paused {
        reason: "holiday".into(),
    };
    ok(
        "set",
        store.set_account_status(ws, alice.id, paused.clone()).await,
    );
    assert_eq!(ok("get", store.account(ws, alice.id).await).status, paused);
}

/// Changing an account's settings replaces exactly those; an account created waiting for
/// credentials keeps that status.
pub async fn account_settings_change_and_keep_the_rest<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let mut new = new_account(ws, "dana");
    new.status = AccountStatus::NeedsCredentials;
    let dana = ok("create", store.create_account(new).await);
    assert_eq!(dana.status, AccountStatus::NeedsCredentials);

    let mut settings = dana.settings();
    settings.tier = Tier::Premium;
    settings.time_zone = Zone::parse("Europe/Berlin").expect("known zone");
    settings.limits = AccountLimits::for_tier(Tier::Premium);
    settings.working_hours.days.truncate(2);
    let changed = ok(
        "update",
        store
            .update_account_settings(ws, dana.id, settings.clone())
            .await,
    );
    assert_eq!(changed.settings(), settings);
    let stored = ok("get", store.account(ws, dana.id).await);
    assert_eq!(stored.settings(), settings);
    assert_eq!(
        (stored.name.as_str(), &stored.status, stored.created_at),
        ("dana", &AccountStatus::NeedsCredentials, dana.created_at)
    );

    let other = ok("workspace", store.create_workspace("other").await);
    let err = store
        .update_account_settings(other.id, dana.id, settings)
        .await
        .expect_err("another workspace's account is not found");
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
}

/// Another workspace's accounts, leads, lists, campaigns and events are `NotFound` and never
/// listed.
pub async fn workspace_isolation_hides_other_workspaces_rows<S: Store>(store: S) {
    let home = WorkspaceId::DEFAULT;
    let other = ok("workspace", store.create_workspace("other").await).id;
    let account = ok(
        "account",
        store.create_account(new_account(other, "alice")).await,
    );
    ok(
        "import",
        store
            .import_leads(other, "prospects", &[lead(1)], at(0), &|_| {})
            .await,
    );
    let lead_id = ok("lead", store.lead_by_url(other, &lead(1).profile_url).await)
        .map(|l| l.id)
        .unwrap_or_else(|| panic!("the imported lead is missing"));
    let campaign = ok(
        "campaign",
        store
            .apply_campaign(
                other,
                NewCampaignVersion {
                    name: "spring".into(),
                    source: "name: spring".into(),
                    spec: spec("spring", "prospects"),
                },
                at(0),
            )
            .await,
    )
    .campaign;

    let is_not_found = |r: &Result<_, StoreError>| matches!(r, Err(StoreError::NotFound { .. }));
    assert!(is_not_found(
        &store.account(home, account.id).await.map(|_| ())
    ));
    assert!(is_not_found(
        &store.account_by_name(home, "alice").await.map(|_| ())
    ));
    assert!(is_not_found(
        &store
            .set_account_status(home, account.id, AccountStatus::NeedsCredentials)
            .await
            .map(|_| ())
    ));
    assert_eq!(
        ok("account", store.account(other, account.id).await).status,
        AccountStatus::Active
    );
    assert!(is_not_found(&store.lead(home, lead_id).await.map(|_| ())));
    assert_eq!(
        ok(
            "by url",
            store.lead_by_url(home, &lead(1).profile_url).await
        ),
        None
    );
    assert!(is_not_found(
        &store.campaign(home, campaign.id).await.map(|_| ())
    ));
    assert!(is_not_found(
        &store.campaign_by_name(home, "spring").await.map(|_| ())
    ));
    assert!(is_not_found(
        &store.campaign_versions(home, campaign.id).await.map(|_| ())
    ));
    let list = LeadQuery {
        list: Some("prospects".into()),
        after: None,
        limit: 100,
    };
    assert!(is_not_found(
        &store.list_leads(home, list).await.map(|_| ())
    ));

    assert!(ok("accounts", store.list_accounts(home).await).is_empty());
    let all = LeadQuery {
        list: None,
        after: None,
        limit: 100,
    };
    assert!(ok("leads", store.list_leads(home, all).await).is_empty());
    assert!(ok("lists", store.list_lead_lists(home).await).is_empty());
    assert!(ok("campaigns", store.list_campaigns(home).await).is_empty());
    let events = EventQuery {
        after: None,
        kinds: vec![],
        limit: 100,
    };
    assert!(ok("events", store.list_events(home, events.clone()).await).is_empty());
    assert_eq!(
        ok("events", store.list_events(other, events).await).len(),
        2
    );
}
