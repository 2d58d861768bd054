//! Secrets of an account: opaque bytes, per account and name.

use overture_core::{AccountId, WorkspaceId};

use super::{at, new_account, ok};
use crate::{SealedSecret, Store, StoreError};

fn sealed(tag: u8) -> SealedSecret {
    SealedSecret {
        nonce: vec![tag; 24],
        ciphertext: vec![tag, 0, 255, tag],
    }
}

/// A secret reads back byte for byte; storing it again replaces the bytes and keeps when it
/// was first stored; it is listed without its bytes and can be deleted.
pub async fn secrets_put_get_replace_and_delete<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let alice = ok(
        "create",
        store.create_account(new_account(ws, "alice")).await,
    )
    .id;
    let bob = ok("create", store.create_account(new_account(ws, "bob")).await).id;
    assert_eq!(
        ok("none yet", store.secret(ws, alice, "session").await),
        None
    );

    ok(
        "put",
        store
            .put_secret(ws, alice, "session", sealed(1), at(10))
            .await,
    );
    ok(
        "put other",
        store
            .put_secret(ws, alice, "api_token", sealed(2), at(11))
            .await,
    );
    let got = ok("get", store.secret(ws, alice, "session").await).expect("stored");
    assert_eq!(got.sealed, sealed(1));
    assert_eq!((got.created_at, got.updated_at), (at(10), at(10)));
    assert_eq!(
        ok("other account", store.secret(ws, bob, "session").await),
        None
    );

    ok(
        "replace",
        store
            .put_secret(ws, alice, "session", sealed(3), at(20))
            .await,
    );
    let got = ok("get", store.secret(ws, alice, "session").await).expect("stored");
    assert_eq!(got.sealed, sealed(3));
    assert_eq!((got.created_at, got.updated_at), (at(10), at(20)));

    let names: Vec<_> = ok("list", store.list_secrets(ws, alice).await)
        .into_iter()
        .map(|i| (i.name, i.updated_at))
        .collect();
    assert_eq!(
        names,
        [
            ("api_token".to_owned(), at(11)),
            ("session".to_owned(), at(20))
        ]
    );

    assert!(ok(
        "delete",
        store.delete_secret(ws, alice, "session").await
    ));
    assert!(!ok(
        "delete again",
        store.delete_secret(ws, alice, "session").await
    ));
    assert_eq!(ok("gone", store.secret(ws, alice, "session").await), None);
    assert_eq!(ok("list", store.list_secrets(ws, alice).await).len(), 1);
}

/// A secret belongs to an account of a workspace: an unknown account, or one of another
/// workspace, cannot hold one and does not see one.
pub async fn secrets_are_scoped_by_workspace_and_account<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let alice = ok(
        "create",
        store.create_account(new_account(ws, "alice")).await,
    )
    .id;
    let other = ok("workspace", store.create_workspace("other").await).id;
    ok(
        "put",
        store
            .put_secret(ws, alice, "session", sealed(1), at(0))
            .await,
    );

    let missing = store
        .put_secret(
            ws,
            AccountId(alice.get() + 100),
            "session",
            sealed(1),
            at(0),
        )
        .await;
    assert!(
        matches!(missing, Err(StoreError::NotFound { .. })),
        "{missing:?}"
    );
    let elsewhere = store
        .put_secret(other, alice, "session", sealed(2), at(0))
        .await;
    assert!(
        matches!(elsewhere, Err(StoreError::NotFound { .. })),
        "{elsewhere:?}"
    );
    assert_eq!(
        ok("hidden", store.secret(other, alice, "session").await),
        None
    );
    assert!(ok("list", store.list_secrets(other, alice).await).is_empty());
    assert!(!ok(
        "delete",
        store.delete_secret(other, alice, "session").await
    ));
    assert!(ok("kept", store.secret(ws, alice, "session").await).is_some());
}

/// A workspace's own secret reads back byte for byte, is replaced in place, is listed by name
/// and is not seen from another workspace; an unknown workspace cannot hold one.
pub async fn workspace_secrets_put_get_and_list<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let other = ok("workspace", store.create_workspace("other").await).id;
    ok(
        "put",
        store
            .put_workspace_secret(ws, "dkim:example.com", sealed(1), at(1))
            .await,
    );
    ok(
        "replace",
        store
            .put_workspace_secret(ws, "dkim:example.com", sealed(2), at(2))
            .await,
    );
    let got = ok("get", store.workspace_secret(ws, "dkim:example.com").await).expect("stored");
    assert_eq!(got.sealed, sealed(2));
    assert_eq!((got.created_at, got.updated_at), (at(1), at(2)));
    assert_eq!(
        ok(
            "other",
            store.workspace_secret(other, "dkim:example.com").await
        ),
        None
    );
    let names: Vec<String> = ok("list", store.list_workspace_secrets(ws).await)
        .into_iter()
        .map(|i| i.name)
        .collect();
    assert_eq!(names, ["dkim:example.com"]);
    assert!(ok("list other", store.list_workspace_secrets(other).await).is_empty());
    let missing = store
        .put_workspace_secret(WorkspaceId(999), "x", sealed(3), at(3))
        .await;
    assert!(
        matches!(missing, Err(StoreError::NotFound { .. })),
        "{missing:?}"
    );
}
