//! Behaviour only the SQLite file store has.

use std::path::Path;

use overture_core::variants::Tally;
use overture_core::{CampaignId, WorkspaceId};
use overture_store::conformance::{at, lead, new_account};
use overture_store::{
    EventQuery, ImportOutcome, LeadQuery, StepVariant, Store, StoreError, VariantStats,
};
use overture_store_sqlite::{SqliteOptions, SqliteStore};

async fn open(path: &Path) -> SqliteStore {
    SqliteStore::open(path, SqliteOptions::default())
        .await
        .expect("the store opens")
}

/// A connection that bypasses the store, to inspect or damage the file.
fn raw(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).expect("a raw connection")
}

fn every_lead() -> LeadQuery {
    LeadQuery {
        list: None,
        after: None,
        limit: 100_000,
    }
}

#[tokio::test]
async fn reopening_keeps_data_and_applies_no_migration_twice() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("overture.db");
    let ws = WorkspaceId::DEFAULT;
    {
        let store = open(&path).await;
        store
            .create_account(new_account(ws, "alice"))
            .await
            .expect("account");
        let leads: Vec<_> = (0..10).map(lead).collect();
        store
            .import_leads(ws, "prospects", &leads, at(0), &|_| {})
            .await
            .expect("import");
        store.close().await;
    }
    let store = open(&path).await;
    let again = open(&path).await;
    assert_eq!(store.list_workspaces().await.expect("workspaces").len(), 1);
    assert_eq!(
        store
            .account_by_name(ws, "alice")
            .await
            .expect("alice")
            .name,
        "alice"
    );
    assert_eq!(
        again
            .list_leads(ws, every_lead())
            .await
            .expect("leads")
            .len(),
        10
    );

    let conn = raw(&path);
    let applied: i64 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .expect("the schema version");
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .expect("migrations directory")
        .count();
    assert_eq!(applied, files as i64);
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .expect("journal mode");
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn a_file_migrated_by_an_earlier_version_opens_without_migrating_again() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("overture.db");
    let ws = WorkspaceId::DEFAULT;
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .expect("migrations directory")
        .count();
    {
        let store = open(&path).await;
        store
            .create_account(new_account(ws, "alice"))
            .await
            .expect("account");
        store.close().await;
    }
    // Earlier versions recorded their migrations in sqlx's table, not in `user_version`.
    let conn = raw(&path);
    conn.execute_batch(
        "PRAGMA user_version = 0;
         CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, success BOOLEAN NOT NULL);",
    )
    .expect("an sqlx history");
    for version in 0..files {
        conn.execute(
            "INSERT INTO _sqlx_migrations (version, success) VALUES (?1, TRUE)",
            [version as i64],
        )
        .expect("a migration row");
    }
    drop(conn);

    let store = open(&path).await;
    let accounts = store.list_accounts(ws).await.expect("accounts");
    assert_eq!(accounts.len(), 1, "the earlier file's data is kept");
    let version: i64 = raw(&path)
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .expect("the schema version");
    assert_eq!(version, files as i64);
}

#[tokio::test]
async fn an_error_midway_through_an_import_rolls_everything_back() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("overture.db");
    let ws = WorkspaceId::DEFAULT;
    let store = open(&path).await;
    let first: Vec<_> = (0..10).map(lead).collect();
    store
        .import_leads(ws, "first", &first, at(0), &|_| {})
        .await
        .expect("first import");

    // Damage one stored lead so that reading it back fails.
    let conn = raw(&path);
    conn.execute(
        "UPDATE leads SET custom = 'not json' WHERE profile_url = ?1",
        [lead(9).profile_url.as_url()],
    )
    .expect("damage a row");

    // Thousands of new leads come first, so several chunks are written before the damaged
    // lead is reached.
    let mut second: Vec<_> = (1_000..13_000).map(lead).collect();
    second.push(lead(9));
    let result = store
        .import_leads(ws, "second", &second, at(60), &|_| {})
        .await;
    assert!(
        matches!(result, Err(StoreError::Corrupt { .. })),
        "{result:?}"
    );

    let count: i64 = conn
        .query_row("SELECT count(*) FROM leads", [], |row| row.get(0))
        .expect("count");
    assert_eq!(count, 10, "no lead of the failed import may remain");
    let lists = store.list_lead_lists(ws).await.expect("lists");
    assert_eq!(lists.len(), 1, "the second list must not exist: {lists:?}");
    let events = EventQuery {
        after: None,
        kinds: vec![],
        limit: 10,
    };
    assert_eq!(
        store.list_events(ws, events).await.expect("events").len(),
        1
    );
    let damaged = store.lead_by_url(ws, &lead(9).profile_url).await;
    assert!(
        matches!(damaged, Err(StoreError::Corrupt { .. })),
        "{damaged:?}"
    );

    // The store still works, and a later import counts from the unchanged state.
    let outcome = store
        .import_leads(ws, "second", &second[..3], at(120), &|_| {})
        .await
        .expect("import after rollback");
    assert_eq!(
        outcome,
        ImportOutcome {
            imported: 3,
            updated: 0,
            unchanged: 0
        }
    );
}

#[tokio::test]
async fn opening_a_directory_is_unavailable() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let result = SqliteStore::open(dir.path(), SqliteOptions::default()).await;
    assert!(
        matches!(result, Err(StoreError::Unavailable { .. })),
        "{result:?}"
    );
}

#[tokio::test]
async fn an_exclusive_store_keeps_other_readers_out_until_it_is_dropped() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("overture.db");
    let ws = WorkspaceId::DEFAULT;
    let options = SqliteOptions {
        scratch: true,
        exclusive: true,
        busy_timeout: std::time::Duration::from_millis(50),
        ..SqliteOptions::default()
    };
    let store = SqliteStore::open(&path, options.clone())
        .await
        .expect("the store opens");
    store
        .create_account(new_account(ws, "alice"))
        .await
        .expect("account");
    // The store reads its own writes.
    assert_eq!(
        store
            .account_by_name(ws, "alice")
            .await
            .expect("alice")
            .name,
        "alice"
    );

    // Another connection cannot read the file while the store holds it.
    let outsider = raw(&path);
    outsider
        .busy_timeout(std::time::Duration::from_millis(50))
        .expect("a busy timeout");
    let refused = outsider.query_row("SELECT count(*) FROM accounts", [], |row| {
        row.get::<_, i64>(0)
    });
    assert!(refused.is_err(), "read {refused:?} from an exclusive file");

    // Once it is dropped, the file holds every commit, and no log is left beside it.
    drop(store);
    let count: i64 = outsider
        .query_row("SELECT count(*) FROM accounts", [], |row| row.get(0))
        .expect("the file is readable once the store is gone");
    assert_eq!(count, 1);
    assert!(!dir.path().join("overture.db-wal").exists());
}

#[tokio::test]
async fn sends_queued_before_variants_were_recorded_count_for_their_enrollments_variant() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("overture.db");
    // The schema before `0010_variants.sql`, with one enrollment that chose note 1 of step 1
    // and whose invitation (sent with the note) was accepted. With foreign keys off on this
    // raw connection, only the rows the statistics read are needed.
    let conn = raw(&path);
    let dir_path = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
    let mut files: Vec<_> = std::fs::read_dir(dir_path)
        .expect("migrations directory")
        .map(|e| e.expect("an entry").path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| *n.to_string_lossy() < *"0009")
        })
        .collect();
    files.sort();
    for file in &files {
        let sql = std::fs::read_to_string(file).expect("a migration");
        conn.execute_batch(&sql).expect("the migration applies");
    }
    conn.execute_batch(&format!(
        "PRAGMA user_version = {};
         PRAGMA foreign_keys = OFF;
         INSERT INTO enrollments (id, workspace_id, campaign_id, lead_id, account_id, step,
                                  state, variants, created_at, updated_at)
              VALUES (1, 1, 7, 3, 2, 2, 'waiting', '[0,1,0]', 0, 0);
         INSERT INTO actions (workspace_id, account_id, lead_id, campaign_id, enrollment_id,
                              kind, payload, due_at, idempotency_key, state, created_at,
                              updated_at, intent_at, with_note, effect, effect_at)
              VALUES (1, 2, 3, 7, 1, 'invite', '{{\"step\":1,\"profile\":\"p\",\"note\":\"Hi\"}}',
                      10, 'enrollment:1:step:1:attempt:0', 'done', 10, 10, 10, 1, 'done', 12);
         INSERT INTO invitations (workspace_id, account_id, lead_id, campaign_id, note, sent_at,
                                  state)
              VALUES (1, 2, 3, 7, 'Hi', 10, 'accepted');",
        files.len()
    ))
    .expect("an earlier file's rows");
    drop(conn);

    let store = open(&path).await;
    let stats = store
        .variant_stats(WorkspaceId::DEFAULT, CampaignId(7), None)
        .await
        .expect("statistics");
    assert_eq!(
        stats,
        [VariantStats {
            of: StepVariant {
                step: 1,
                variant: 1
            },
            tally: Tally {
                sends: 1,
                successes: 1
            },
        }]
    );
}
