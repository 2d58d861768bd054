use overture_store::conformance::{at, new_account};
use overture_store_sqlite::{SqliteOptions, SqliteStore};

use super::*;
use crate::secret::Secret;
use crate::session::Rotation;

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
async fn a_rotated_session_replaces_the_stored_one() {
    let (store, _dir, alice) = setup().await;
    let (ws, k) = (WorkspaceId::DEFAULT, key(1));
    store_session(&store, &k, ws, alice, &session("AQEDAR-old"), at(1))
        .await
        .unwrap();
    let mut live = load_session(&store, &k, ws, alice).await.unwrap().unwrap();
    let rotated = ["li_at=AQEDAR-new; Domain=.linkedin.com; Path=/; Secure; HttpOnly"];
    assert_eq!(live.apply_set_cookies(rotated), Rotation::Rotated);
    store_session(&store, &k, ws, alice, &live, at(2))
        .await
        .unwrap();
    let loaded = load_session(&store, &k, ws, alice).await.unwrap().unwrap();
    assert_eq!(loaded.li_at.expose(), "AQEDAR-new");
    let stored = store
        .secret(ws, alice, LINKEDIN_SESSION)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((stored.created_at, stored.updated_at), (at(1), at(2)));
}
