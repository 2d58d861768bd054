use overture_store::conformance::{at, new_account};
use overture_store_sqlite::{SqliteOptions, SqliteStore};

use super::*;
use crate::secret::Secret;

const LI: &[u8] = b"AQEDARfictionalVaultValue";

async fn setup() -> (SqliteStore, tempfile::TempDir, AccountId) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("o.db"), SqliteOptions::default())
        .await
        .unwrap();
    let account = store
        .create_account(new_account(WorkspaceId::DEFAULT, "alice"))
        .await
        .unwrap()
        .id;
    (store, dir, account)
}

fn session(li_at: &str) -> LinkedInSession {
    LinkedInSession {
        li_at: Secret::new(li_at),
        jsessionid: Secret::new("\"ajax:1234\""),
    }
}

fn key(byte: u8) -> MasterKey {
    MasterKey::parse(&format!("{byte:02x}").repeat(32)).unwrap()
}

#[tokio::test]
async fn sessions_are_stored_encrypted_and_load_back() {
    let (store, dir, alice) = setup().await;
    let ws = WorkspaceId::DEFAULT;
    let li = std::str::from_utf8(LI).unwrap();
    store_session(&store, &key(1), ws, alice, &session(li), at(5))
        .await
        .unwrap();
    let loaded = load_session(&store, &key(1), ws, alice)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(loaded.li_at.expose(), li);
    assert_eq!(loaded.jsessionid.expose(), "\"ajax:1234\"");

    let wrong = load_session(&store, &key(2), ws, alice).await;
    assert!(
        matches!(
            wrong,
            Err(VaultError::Seal(SealError::Undecryptable { .. }))
        ),
        "{wrong:?}"
    );

    store.close().await;
    for file in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(file.unwrap().path()).unwrap();
        assert!(!bytes.windows(LI.len()).any(|w| w == LI));
    }
}

#[tokio::test]
async fn rotated_cookies_are_saved_back() {
    let (store, _dir, alice) = setup().await;
    let (ws, k) = (WorkspaceId::DEFAULT, key(1));
    let missing = save_rotated_cookies(&store, &k, ws, alice, &["li_at=x"], at(1)).await;
    assert!(matches!(
        missing,
        Err(VaultError::Store(StoreError::NotFound { .. }))
    ));

    store_session(&store, &k, ws, alice, &session("AQEDAR-old"), at(1))
        .await
        .unwrap();
    let rotated = ["li_at=AQEDAR-new; Domain=.linkedin.com; Path=/; Secure; HttpOnly"];
    let r = save_rotated_cookies(&store, &k, ws, alice, &rotated, at(2))
        .await
        .unwrap();
    assert_eq!(r, Rotation::Rotated);
    let loaded = load_session(&store, &k, ws, alice).await.unwrap().unwrap();
    assert_eq!(loaded.li_at.expose(), "AQEDAR-new");
    let stored = store
        .secret(ws, alice, LINKEDIN_SESSION)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((stored.created_at, stored.updated_at), (at(1), at(2)));

    let same = save_rotated_cookies(&store, &k, ws, alice, &rotated, at(3))
        .await
        .unwrap();
    assert_eq!(same, Rotation::Unchanged);
    let dead = ["li_at=delete me; Domain=.linkedin.com; Max-Age=0"];
    let out = save_rotated_cookies(&store, &k, ws, alice, &dead, at(4))
        .await
        .unwrap();
    assert_eq!(out, Rotation::LoggedOut);
    let stored = store
        .secret(ws, alice, LINKEDIN_SESSION)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.updated_at, at(2));
}
