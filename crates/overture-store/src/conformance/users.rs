//! Users, memberships, sessions and API tokens: hashes in, scoped by workspace.

use jiff::SignedDuration;
use overture_core::{Role, UserId, WorkspaceId};

use super::{at, ok};
use crate::{NewApiToken, NewSession, NewUser, Store, StoreError};

fn new_user(email: &str) -> NewUser {
    NewUser {
        email: email.to_owned(),
        display_name: format!("Fictional {email}"),
        password_hash: format!("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$fake-{email}"),
        created_at: at(0),
    }
}

fn hash(tag: &str) -> String {
    format!("{tag:0>64}")
}

fn new_session(tag: &str, user: UserId, ws: WorkspaceId) -> NewSession {
    NewSession {
        hash: hash(tag),
        user_id: user,
        workspace_id: ws,
        created_at: at(100),
        expires_at: at(100) + SignedDuration::from_hours(1),
    }
}

fn new_token(ws: WorkspaceId, prefix: &str, role: Role) -> NewApiToken {
    NewApiToken {
        workspace_id: ws,
        name: format!("sync {prefix}"),
        prefix: prefix.to_owned(),
        hash: hash(prefix),
        role,
        created_by: None,
        created_at: at(10),
    }
}

#[track_caller]
fn not_found<T: std::fmt::Debug>(step: &str, result: Result<T, StoreError>) {
    assert!(
        matches!(result, Err(StoreError::NotFound { .. })),
        "{step}: {result:?}"
    );
}

#[track_caller]
fn conflict<T: std::fmt::Debug>(step: &str, result: Result<T, StoreError>) {
    assert!(
        matches!(result, Err(StoreError::Conflict { .. })),
        "{step}: {result:?}"
    );
}

/// A user is stored with their first membership in one transaction, found by address
/// whatever its case, unique by address whatever its case, and never prints their hash.
pub async fn users_are_unique_by_address_and_read_back<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    assert_eq!(ok("count", store.user_count().await), 0);
    let ana = ok(
        "create",
        store
            .create_user(new_user("ana@example.com"), Some((ws, Role::Owner)))
            .await,
    );
    assert_eq!(ana.email, "ana@example.com");
    assert!(!ana.disabled);
    assert_eq!(ok("get", store.user(ana.id).await), ana);
    let found = ok("by email", store.user_by_email("ANA@Example.com").await);
    assert_eq!(found.as_ref().map(|u| u.id), Some(ana.id));
    assert_eq!(
        ok("unknown", store.user_by_email("nobody@example.com").await),
        None
    );
    conflict(
        "same address, other case",
        store.create_user(new_user("Ana@EXAMPLE.com"), None).await,
    );
    not_found("unknown id", store.user(UserId(9_999)).await);
    not_found(
        "unknown workspace",
        store
            .create_user(
                new_user("ben@example.com"),
                Some((WorkspaceId(9_999), Role::Member)),
            )
            .await,
    );
    assert_eq!(
        ok(
            "nothing stored",
            store.user_by_email("ben@example.com").await
        ),
        None
    );
    assert_eq!(ok("count", store.user_count().await), 1);
    assert_eq!(
        ok("memberships", store.memberships(ana.id).await)
            .iter()
            .map(|m| (m.workspace_id, m.role))
            .collect::<Vec<_>>(),
        [(ws, Role::Owner)]
    );
    let debug = format!("{ana:?}");
    assert!(!debug.contains("argon2"), "{debug}");

    let disabled = ok("disable", store.set_user_disabled(ana.id, true).await);
    assert!(disabled.disabled);
    assert!(!ok("enable", store.set_user_disabled(ana.id, false).await).disabled);
}

/// One user has a role per workspace; member lists see only their workspace; a workspace
/// always keeps an owner.
pub async fn memberships_are_per_workspace_and_keep_an_owner<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let client = ok("workspace", store.create_workspace("client-a").await).id;
    let ana = ok(
        "ana",
        store
            .create_user(new_user("ana@example.com"), Some((ws, Role::Owner)))
            .await,
    );
    let ben = ok(
        "ben",
        store.create_user(new_user("ben@example.com"), None).await,
    );
    ok(
        "ben member",
        store.set_membership(ws, ben.id, Role::Member, at(1)).await,
    );
    ok(
        "ben owner there",
        store
            .set_membership(client, ben.id, Role::Owner, at(2))
            .await,
    );
    ok(
        "ana viewer there",
        store
            .set_membership(client, ana.id, Role::Viewer, at(3))
            .await,
    );

    let members = |ws| {
        let store = &store;
        async move {
            ok("members", store.list_members(ws).await)
                .into_iter()
                .map(|m| (m.email, m.role))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        members(ws).await,
        [
            ("ana@example.com".to_owned(), Role::Owner),
            ("ben@example.com".to_owned(), Role::Member)
        ]
    );
    assert_eq!(
        members(client).await,
        [
            ("ana@example.com".to_owned(), Role::Viewer),
            ("ben@example.com".to_owned(), Role::Owner)
        ]
    );
    assert_eq!(
        ok("ben's", store.memberships(ben.id).await)
            .iter()
            .map(|m| (m.workspace_id, m.role))
            .collect::<Vec<_>>(),
        [(ws, Role::Member), (client, Role::Owner)]
    );

    conflict(
        "demote the last owner",
        store.set_membership(ws, ana.id, Role::Admin, at(4)).await,
    );
    conflict(
        "remove the last owner",
        store.remove_membership(ws, ana.id).await,
    );
    ok(
        "second owner",
        store.set_membership(ws, ben.id, Role::Owner, at(5)).await,
    );
    ok(
        "now ana may step down",
        store.set_membership(ws, ana.id, Role::Admin, at(6)).await,
    );
    assert!(ok("remove", store.remove_membership(ws, ana.id).await));
    assert!(!ok("again", store.remove_membership(ws, ana.id).await));
    assert_eq!(
        members(ws).await,
        [("ben@example.com".to_owned(), Role::Owner)]
    );
    assert_eq!(
        members(client).await.len(),
        2,
        "the other workspace is untouched"
    );

    not_found(
        "unknown workspace",
        store
            .set_membership(WorkspaceId(9_999), ben.id, Role::Member, at(7))
            .await,
    );
    not_found(
        "unknown user",
        store
            .set_membership(ws, UserId(9_999), Role::Member, at(7))
            .await,
    );
    assert_eq!(
        ok(
            "empty workspace",
            store.list_members(WorkspaceId(9_999)).await
        ),
        []
    );
}

/// A session resolves to its user, workspace and current role until it expires, is
/// deleted, or its user is disabled or leaves the workspace.
pub async fn sessions_resolve_until_expired_deleted_or_left<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let client = ok("workspace", store.create_workspace("client-a").await).id;
    let ana = ok(
        "ana",
        store
            .create_user(new_user("ana@example.com"), Some((ws, Role::Owner)))
            .await,
    );
    let ben = ok(
        "ben",
        store
            .create_user(new_user("ben@example.com"), Some((ws, Role::Member)))
            .await,
    );
    not_found(
        "not a member there",
        store.create_session(new_session("a", ana.id, client)).await,
    );
    ok(
        "create",
        store.create_session(new_session("a", ana.id, ws)).await,
    );
    conflict(
        "same hash",
        store.create_session(new_session("a", ben.id, ws)).await,
    );
    ok(
        "ben's",
        store.create_session(new_session("b", ben.id, ws)).await,
    );

    let live = ok("live", store.session_by_hash(&hash("a"), at(200)).await).expect("live");
    assert_eq!(
        (live.user.id, live.workspace_id, live.role),
        (ana.id, ws, Role::Owner)
    );
    assert_eq!(live.last_seen, at(100));
    let end = at(100) + SignedDuration::from_hours(1);
    assert_eq!(live.expires_at, end);
    assert_eq!(
        ok("unknown", store.session_by_hash(&hash("z"), at(200)).await),
        None
    );
    assert_eq!(
        ok("expired", store.session_by_hash(&hash("a"), end).await),
        None
    );

    let later = end + SignedDuration::from_hours(1);
    assert!(ok(
        "touch",
        store.touch_session(&hash("a"), at(300), later).await
    ));
    let touched = ok("touched", store.session_by_hash(&hash("a"), end).await).expect("extended");
    assert_eq!((touched.last_seen, touched.expires_at), (at(300), later));
    assert!(!ok(
        "touch expired",
        store
            .touch_session(&hash("a"), later, later + SignedDuration::from_hours(1))
            .await
    ));

    ok(
        "ben admin",
        store.set_membership(ws, ben.id, Role::Admin, at(301)).await,
    );
    let role = ok("role now", store.session_by_hash(&hash("b"), at(302)).await).map(|s| s.role);
    assert_eq!(role, Some(Role::Admin), "the membership's role now");
    ok("disable ben", store.set_user_disabled(ben.id, true).await);
    assert_eq!(
        ok("disabled", store.session_by_hash(&hash("b"), at(303)).await),
        None
    );
    ok("enable ben", store.set_user_disabled(ben.id, false).await);
    assert!(ok("back", store.session_by_hash(&hash("b"), at(304)).await).is_some());
    assert!(ok("ben leaves", store.remove_membership(ws, ben.id).await));
    assert_eq!(
        ok("left", store.session_by_hash(&hash("b"), at(305)).await),
        None
    );

    assert!(ok("sign out", store.delete_session(&hash("a")).await));
    assert!(!ok("twice", store.delete_session(&hash("a")).await));
    assert_eq!(
        ok("gone", store.session_by_hash(&hash("a"), at(306)).await),
        None
    );

    for tag in ["c", "d"] {
        ok(
            "more",
            store.create_session(new_session(tag, ana.id, ws)).await,
        );
    }
    assert_eq!(
        ok("all of ana's", store.delete_sessions_of_user(ana.id).await),
        2
    );
    assert_eq!(
        ok(
            "none left",
            store.session_by_hash(&hash("c"), at(307)).await
        ),
        None
    );
}

/// API tokens are found by hash until revoked, listed per workspace, and revoked only
/// through their own workspace.
pub async fn api_tokens_are_scoped_and_revocable<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let client = ok("workspace", store.create_workspace("client-a").await).id;
    let ana = ok(
        "ana",
        store
            .create_user(new_user("ana@example.com"), Some((ws, Role::Owner)))
            .await,
    );
    let mut first = new_token(ws, "ovt_AAAAAAAA", Role::Member);
    first.created_by = Some(ana.id);
    let made = ok("create", store.create_api_token(first).await);
    assert_eq!(
        (made.workspace_id, made.role, made.created_by),
        (ws, Role::Member, Some(ana.id))
    );
    assert_eq!((made.last_used_at, made.revoked_at), (None, None));
    ok(
        "other ws",
        store
            .create_api_token(new_token(client, "ovt_BBBBBBBB", Role::Viewer))
            .await,
    );
    conflict(
        "same prefix",
        store
            .create_api_token(new_token(client, "ovt_AAAAAAAA", Role::Viewer))
            .await,
    );
    not_found(
        "unknown workspace",
        store
            .create_api_token(new_token(WorkspaceId(9_999), "ovt_CCCCCCCC", Role::Viewer))
            .await,
    );

    let used = ok(
        "by hash",
        store.api_token_by_hash(&hash("ovt_AAAAAAAA"), at(20)).await,
    )
    .expect("found");
    assert_eq!((used.id, used.last_used_at), (made.id, Some(at(20))));
    let again = ok(
        "soon after",
        store.api_token_by_hash(&hash("ovt_AAAAAAAA"), at(30)).await,
    );
    assert_eq!(
        again.and_then(|t| t.last_used_at),
        Some(at(20)),
        "once a minute at most"
    );
    ok(
        "later",
        store.api_token_by_hash(&hash("ovt_AAAAAAAA"), at(90)).await,
    );
    assert_eq!(
        ok(
            "unknown",
            store.api_token_by_hash(&hash("nope"), at(90)).await
        ),
        None
    );

    let listed = ok("list", store.list_api_tokens(ws).await);
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].prefix.as_str(), listed[0].last_used_at),
        ("ovt_AAAAAAAA", Some(at(90)))
    );
    assert!(
        !format!("{listed:?}").contains(&hash("ovt_AAAAAAAA")),
        "never the hash"
    );

    not_found(
        "another workspace's",
        store
            .revoke_api_token(client, "ovt_AAAAAAAA", at(100))
            .await,
    );
    let revoked = ok(
        "revoke",
        store.revoke_api_token(ws, "ovt_AAAAAAAA", at(100)).await,
    );
    assert_eq!(revoked.revoked_at, Some(at(100)));
    let twice = ok(
        "revoke again",
        store.revoke_api_token(ws, "ovt_AAAAAAAA", at(200)).await,
    );
    assert_eq!(twice.revoked_at, Some(at(100)), "keeps the first time");
    assert_eq!(
        ok(
            "revoked",
            store
                .api_token_by_hash(&hash("ovt_AAAAAAAA"), at(300))
                .await
        ),
        None
    );
    assert_eq!(
        ok("still listed", store.list_api_tokens(ws).await)[0].revoked_at,
        Some(at(100))
    );
    assert!(
        ok(
            "other ws still works",
            store
                .api_token_by_hash(&hash("ovt_BBBBBBBB"), at(300))
                .await
        )
        .is_some()
    );
}
