use overture_core::WorkspaceId;
use overture_store::conformance::{at, lead};
use overture_store::{ImportOutcome, LeadQuery, Store};

use crate::{SqliteOptions, SqliteStore};

/// When the largest lead id is the largest integer, SQLite picks new ids at random, and the
/// import finds its new leads by URL instead of by id.
#[tokio::test]
async fn new_leads_join_the_list_when_ids_are_random() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("overture.db");
    let store = SqliteStore::open(&path, SqliteOptions::default())
        .await
        .expect("the store opens");
    let conn = rusqlite::Connection::open(&path).expect("a raw connection");
    conn.execute(
        "INSERT INTO leads (id, workspace_id, profile_url, custom, tags, created_at, updated_at)
         VALUES (9223372036854775807, 1, 'https://www.linkedin.com/in/last-id', '{}', '[]', 0, 0)",
        [],
    )
    .expect("a lead with the largest id");
    drop(conn);

    let ws = WorkspaceId::DEFAULT;
    let leads: Vec<_> = (0..20).map(lead).collect();
    let outcome = store
        .import_leads(ws, "prospects", &leads, at(0), &|_| {})
        .await
        .expect("import");
    assert_eq!(
        outcome,
        ImportOutcome {
            imported: 20,
            updated: 0,
            unchanged: 0
        }
    );
    let query = LeadQuery {
        list: Some("prospects".into()),
        after: None,
        limit: 100,
    };
    let listed = store.list_leads(ws, query).await.expect("list");
    assert_eq!(listed.len(), 20);
    assert!(listed.iter().all(|l| leads.contains(&l.data)));
}

/// Rows about the same person in one import are merged in order, later values winning.
#[tokio::test]
async fn rows_about_one_person_are_merged_in_order() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = SqliteStore::open(&dir.path().join("overture.db"), SqliteOptions::default())
        .await
        .expect("the store opens");
    let mut first = lead(1);
    first.company = Some("Old Example Ltd".into());
    let mut again = lead(1);
    again.first_name = None;
    again.company = Some("New Example GmbH".into());
    again.tags.insert("vip".into());
    let ws = WorkspaceId::DEFAULT;
    let outcome = store
        .import_leads(
            ws,
            "prospects",
            &[first.clone(), lead(2), again],
            at(0),
            &|_| {},
        )
        .await
        .expect("import");
    assert_eq!(outcome.imported, 2);
    let stored = store
        .lead_by_url(ws, &first.profile_url)
        .await
        .expect("lookup")
        .expect("stored");
    assert_eq!(stored.data.first_name, first.first_name);
    assert_eq!(stored.data.company.as_deref(), Some("New Example GmbH"));
    assert!(stored.data.tags.contains("vip"));
}
