//! Leads, lead lists and the bulk import.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use overture_core::{EventKind, WorkspaceId};

use super::{at, lead, ok, url};
use crate::{EventQuery, ImportOutcome, LeadQuery, Store, StoreError};

fn all(limit: u32) -> LeadQuery {
    LeadQuery {
        list: None,
        after: None,
        limit,
    }
}

fn on_list(name: &str) -> LeadQuery {
    LeadQuery {
        list: Some(name.into()),
        after: None,
        limit: 10_000,
    }
}

fn outcome(imported: u64, updated: u64, unchanged: u64) -> ImportOutcome {
    ImportOutcome {
        imported,
        updated,
        unchanged,
    }
}

/// Asserts that the workspace has no leads, no lists and no import events.
async fn assert_nothing_imported<S: Store>(store: &S, ws: WorkspaceId) {
    assert!(ok("leads", store.list_leads(ws, all(10)).await).is_empty());
    assert!(ok("lists", store.list_lead_lists(ws).await).is_empty());
    let events = EventQuery {
        after: None,
        kinds: vec![EventKind::LeadsImported],
        limit: 10,
    };
    assert!(ok("events", store.list_events(ws, events).await).is_empty());
}

/// New leads are inserted; importing the same leads again changes nothing.
pub async fn import_inserts_then_reimport_changes_nothing<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let leads: Vec<_> = (0..50).map(lead).collect();
    let first = ok(
        "import",
        store
            .import_leads(ws, "prospects", &leads, at(0), &|_| {})
            .await,
    );
    assert_eq!(first, outcome(50, 0, 0));
    let stored = ok("list", store.list_leads(ws, all(100)).await);
    assert_eq!(stored.len(), 50);
    for (stored, given) in stored.iter().zip(&leads) {
        assert_eq!(&stored.data, given);
        assert_eq!(stored.workspace_id, ws);
        assert_eq!(stored.created_at, at(0));
        assert_eq!(stored.updated_at, at(0));
    }

    let again = ok(
        "re-import",
        store
            .import_leads(ws, "prospects", &leads, at(60), &|_| {})
            .await,
    );
    assert_eq!(again, outcome(0, 0, 50));
    let after = ok("list", store.list_leads(ws, all(100)).await);
    assert_eq!(
        after, stored,
        "an unchanged re-import must not touch the rows"
    );
    let lists = ok("lists", store.list_lead_lists(ws).await);
    assert_eq!(lists.len(), 1);
    assert_eq!(lists[0].1, 50);
    let events = EventQuery {
        after: None,
        kinds: vec![EventKind::LeadsImported],
        limit: 10,
    };
    assert_eq!(ok("events", store.list_events(ws, events).await).len(), 2);
}

/// On re-import, a present value replaces the stored one and an absent value never erases.
pub async fn import_present_values_replace_absent_never_erase<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let mut first = lead(1);
    first.company = Some("Old Example Ltd".into());
    first.custom.insert("source".into(), "fair".into());
    first.custom.insert("segment".into(), "a".into());
    first.tags.insert("warm".into());
    ok(
        "import",
        store
            .import_leads(ws, "prospects", &[first.clone()], at(0), &|_| {})
            .await,
    );

    let mut newer = lead(1);
    newer.first_name = None;
    newer.email = None;
    newer.company = Some("New Example GmbH".into());
    newer.custom.insert("segment".into(), "b".into());
    newer.tags.insert("event-2026".into());
    let untouched = lead(2);
    let result = store
        .import_leads(
            ws,
            "prospects",
            &[newer.clone(), untouched],
            at(60),
            &|_| {},
        )
        .await;
    assert_eq!(ok("re-import", result), outcome(1, 1, 0));

    let stored = ok("get", store.lead_by_url(ws, &first.profile_url).await)
        .unwrap_or_else(|| panic!("lead missing after import"));
    let mut expected = first.clone();
    assert!(expected.update_from(&newer));
    assert_eq!(stored.data, expected);
    assert_eq!(
        stored.data.first_name.as_deref(),
        Some("Lead1"),
        "absent never erases"
    );
    assert_eq!(stored.data.company.as_deref(), Some("New Example GmbH"));
    assert_eq!(
        stored.data.custom.get("source").map(String::as_str),
        Some("fair")
    );
    assert_eq!(
        stored.data.custom.get("segment").map(String::as_str),
        Some("b")
    );
    assert!(stored.data.tags.contains("warm") && stored.data.tags.contains("event-2026"));
    assert_eq!(stored.created_at, at(0));
    assert_eq!(stored.updated_at, at(60));

    let same = store
        .import_leads(ws, "prospects", &[newer], at(120), &|_| {})
        .await;
    assert_eq!(ok("same again", same), outcome(0, 0, 1));
}

/// Every imported lead is on the named list; a lead can be on several lists.
pub async fn import_puts_leads_on_lists<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let spring: Vec<_> = (0..10).map(lead).collect();
    let autumn: Vec<_> = (5..12).map(lead).collect();
    ok(
        "spring",
        store
            .import_leads(ws, "spring", &spring, at(0), &|_| {})
            .await,
    );
    let result = store
        .import_leads(ws, "autumn", &autumn, at(10), &|_| {})
        .await;
    assert_eq!(ok("autumn", result), outcome(2, 0, 5));

    let lists = ok("lists", store.list_lead_lists(ws).await);
    let summary: Vec<_> = lists.iter().map(|(l, n)| (l.name.as_str(), *n)).collect();
    assert_eq!(summary, [("spring", 10), ("autumn", 7)]);
    assert_eq!(lists[0].0.created_at, at(0));

    let on_autumn = ok("autumn", store.list_leads(ws, on_list("autumn")).await);
    let urls: Vec<_> = on_autumn
        .iter()
        .map(|l| l.data.profile_url.clone())
        .collect();
    let expected: Vec<_> = autumn.iter().map(|l| l.profile_url.clone()).collect();
    assert_eq!(urls, expected);
    assert!(on_autumn.windows(2).all(|w| w[0].id < w[1].id));
    assert_eq!(ok("all", store.list_leads(ws, all(100)).await).len(), 12);

    let missing = store.list_leads(ws, on_list("winter")).await;
    assert!(
        matches!(missing, Err(StoreError::NotFound { .. })),
        "{missing:?}"
    );
}

/// Rows about the same person in one import are merged in order: one lead, counted once.
pub async fn import_merges_rows_about_the_same_person<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let first = lead(1);
    let mut later = lead(1);
    later.first_name = None;
    later.company = Some("Example AG".into());
    let result = store
        .import_leads(
            ws,
            "prospects",
            &[first.clone(), lead(2), later],
            at(0),
            &|_| {},
        )
        .await;
    assert_eq!(ok("import", result), outcome(2, 0, 0));
    let stored = ok("get", store.lead_by_url(ws, &first.profile_url).await)
        .unwrap_or_else(|| panic!("lead missing after import"));
    assert_eq!(stored.data.first_name.as_deref(), Some("Lead1"));
    assert_eq!(stored.data.company.as_deref(), Some("Example AG"));
    assert_eq!(ok("lists", store.list_lead_lists(ws).await)[0].1, 2);
}

/// Importing into a workspace that does not exist is `NotFound` and leaves nothing behind.
pub async fn import_into_missing_workspace_is_not_found_and_changes_nothing<S: Store>(store: S) {
    let missing = WorkspaceId(4242);
    let leads: Vec<_> = (0..10).map(lead).collect();
    let result = store
        .import_leads(missing, "prospects", &leads, at(0), &|_| {})
        .await;
    assert!(
        matches!(result, Err(StoreError::NotFound { .. })),
        "{result:?}"
    );
    assert_nothing_imported(&store, missing).await;
    assert_nothing_imported(&store, WorkspaceId::DEFAULT).await;
}

/// Rows enough for several chunks in any backend.
const MANY: u64 = 12_000;

/// An import that fails after writing part of its rows (here the caller's progress callback
/// panics, as a crash of the importing task would) leaves nothing behind, and the store
/// keeps working.
pub async fn import_failing_midway_changes_nothing<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let store = Arc::new(store);
    let task = {
        let store = Arc::clone(&store);
        tokio::spawn(async move {
            let leads: Vec<_> = (0..MANY).map(lead).collect();
            let crash = |processed: u64| {
                if processed > 0 {
                    panic!("simulated crash after {processed} leads");
                }
            };
            store
                .import_leads(ws, "prospects", &leads, at(0), &crash)
                .await
        })
    };
    let joined = task.await;
    assert!(
        joined.is_err(),
        "the import should have crashed: {joined:?}"
    );
    assert_nothing_imported(&*store, ws).await;

    let result = store
        .import_leads(ws, "prospects", &[lead(1)], at(1), &|_| {})
        .await;
    assert_eq!(ok("import after crash", result), outcome(1, 0, 0));
}

/// An import whose future is dropped after it started (a cancelled request) leaves all of it
/// or nothing: a store that runs the import on the caller's thread finishes it in the first
/// poll, one that awaits between chunks is dropped midway and must roll back.
pub async fn import_dropped_midway_changes_nothing<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let leads: Vec<_> = (0..MANY).map(lead).collect();
    let started = tokio::sync::Notify::new();
    let signal = |processed: u64| {
        if processed > 0 {
            started.notify_one();
        }
    };
    let finished = tokio::select! {
        biased;
        () = started.notified() => None,
        result = store.import_leads(ws, "prospects", &leads, at(0), &signal) => Some(result),
    };
    match finished {
        None => assert_nothing_imported(&store, ws).await,
        Some(result) => {
            assert_eq!(ok("import", result), outcome(MANY, 0, 0));
            let stored = ok("leads", store.list_leads(ws, all(MANY as u32 + 1)).await);
            assert_eq!(stored.len() as u64, MANY, "a finished import is whole");
        }
    }
    let result = store
        .import_leads(ws, "dropped-then", &leads[..3], at(1), &|_| {})
        .await;
    let again = ok("import after drop", result);
    assert_eq!(again.imported + again.unchanged, 3, "{again:?}");
}

/// Progress grows and ends at the number of rows given.
pub async fn import_reports_progress_up_to_the_row_count<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let leads: Vec<_> = (0..MANY).map(lead).collect();
    let seen = Mutex::new(Vec::new());
    let last = AtomicU64::new(0);
    let record = |n: u64| {
        last.store(n, Ordering::SeqCst);
        if let Ok(mut seen) = seen.lock() {
            seen.push(n);
        }
    };
    ok(
        "import",
        store
            .import_leads(ws, "prospects", &leads, at(0), &record)
            .await,
    );
    let seen = seen.into_inner().unwrap_or_else(|e| e.into_inner());
    assert!(
        seen.len() >= 2,
        "progress should be reported along the way: {seen:?}"
    );
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    assert_eq!(last.load(Ordering::SeqCst), MANY);
}

/// Keyset pagination returns every lead once, in id order.
pub async fn list_leads_pages_by_id<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let leads: Vec<_> = (0..25).map(lead).collect();
    ok(
        "import",
        store
            .import_leads(ws, "prospects", &leads, at(0), &|_| {})
            .await,
    );
    for list in [None, Some("prospects".to_owned())] {
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let query = LeadQuery {
                list: list.clone(),
                after,
                limit: 10,
            };
            let page = ok("page", store.list_leads(ws, query).await);
            assert!(page.len() <= 10);
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            seen.extend(page.into_iter().map(|l| l.id));
        }
        assert_eq!(seen.len(), 25);
        assert!(seen.windows(2).all(|w| w[0] < w[1]));
    }
    assert!(ok("zero", store.list_leads(ws, all(0)).await).is_empty());
}

/// A lead is found by any spelling of its profile URL, and by id.
pub async fn lead_by_url_normalises_the_key<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    ok(
        "import",
        store
            .import_leads(ws, "prospects", &[lead(7)], at(0), &|_| {})
            .await,
    );
    let spelling = overture_core::ProfileUrl::parse("linkedin.com/in/conformance-lead-7/");
    let spelling = spelling.unwrap_or_else(|e| panic!("fixture URL does not parse: {e}"));
    let found = ok("by url", store.lead_by_url(ws, &spelling).await)
        .unwrap_or_else(|| panic!("lead missing"));
    assert_eq!(found.data, lead(7));
    assert_eq!(ok("by id", store.lead(ws, found.id).await), found);
    assert_eq!(
        ok(
            "other",
            store.lead_by_url(ws, &url("conformance-lead-8")).await
        ),
        None
    );
    let missing = store
        .lead(ws, overture_core::LeadId(found.id.get() + 1000))
        .await;
    assert!(
        matches!(missing, Err(StoreError::NotFound { .. })),
        "{missing:?}"
    );
}
