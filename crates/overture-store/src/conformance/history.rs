//! An account's history from its LinkedIn data export: stored once, merged later.

use jiff::SignedDuration;
use overture_core::{
    AccountId, Degree, EventKind, InvitationEvent, InvitationState, LeadId, NewLead, WorkspaceId,
};

use super::{at, new_account, ok, url};
use crate::{
    AccountHistory, Changes, EventQuery, HistoryConnection, HistoryInvitation, HistoryOutcome,
    ImportOutcome, InvitationQuery, LeadQuery, NewInvitation, Proximity, Store, StoreError,
};

const DAY: i64 = 24 * 60 * 60;

fn person(slug: &str, first: &str) -> NewLead {
    let mut lead = NewLead::new(url(slug));
    lead.first_name = Some(first.to_owned());
    lead
}

fn connection(slug: &str, day: i64) -> HistoryConnection {
    HistoryConnection {
        profile_url: url(slug),
        connected_at: at(day * DAY),
    }
}

fn invitation(slug: &str, second: i64, accepted_at: Option<i64>) -> HistoryInvitation {
    HistoryInvitation {
        profile_url: url(slug),
        sent_at: at(second),
        note: None,
        accepted_at: accepted_at.map(at),
    }
}

/// An export: `ana` and `ben` are connections (ben accepted an invitation), `cara` and `dan`
/// are invited and pending.
fn export() -> AccountHistory {
    AccountHistory {
        list: "export-alice".into(),
        people: vec![
            person("history-ana", "Ana"),
            person("history-ben", "Ben"),
            person("history-cara", "Cara"),
        ],
        connections: vec![connection("history-ana", 1), connection("history-ben", 12)],
        invitations: vec![
            invitation("history-ben", 10 * DAY, Some(12 * DAY)),
            invitation("history-cara", 20 * DAY, None),
            invitation("history-dan", 21 * DAY + 3600, None),
        ],
    }
}

async fn alice<S: Store>(store: &S) -> AccountId {
    ok(
        "account",
        store
            .create_account(new_account(WorkspaceId::DEFAULT, "alice"))
            .await,
    )
    .id
}

/// Loads `history` into `account` on day `day`.
async fn load<S: Store>(
    store: &S,
    account: AccountId,
    history: &AccountHistory,
    day: i64,
) -> HistoryOutcome {
    let now = at(day * DAY);
    ok(
        "import",
        store
            .import_history(WorkspaceId::DEFAULT, account, history, now)
            .await,
    )
}

async fn lead_id<S: Store>(store: &S, slug: &str) -> LeadId {
    let lead = ok(
        "lead",
        store.lead_by_url(WorkspaceId::DEFAULT, &url(slug)).await,
    );
    lead.unwrap_or_else(|| panic!("no lead {slug}")).id
}

/// The account's invitations as (lead, sent second, state, resolved second).
async fn invitations<S: Store>(
    store: &S,
    account: AccountId,
) -> Vec<(LeadId, i64, InvitationState, Option<i64>)> {
    let query = InvitationQuery {
        after: None,
        account: Some(account),
        state: None,
        sent_before: None,
        limit: 1000,
    };
    let second = |t: jiff::Timestamp| t.as_second() - at(0).as_second();
    ok(
        "list",
        store.list_invitations(WorkspaceId::DEFAULT, query).await,
    )
    .into_iter()
    .map(|i| {
        (
            i.lead_id,
            second(i.sent_at),
            i.state,
            i.resolved_at.map(second),
        )
    })
    .collect()
}

/// A history stores its people on its list, the connections, and the invitations with their
/// states; a lead named only by an invitation is stored bare.
pub async fn history_import_stores_people_connections_and_invitations<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let account = alice(&store).await;
    let outcome = load(&store, account, &export(), 100).await;
    assert_eq!(
        outcome,
        HistoryOutcome {
            leads: ImportOutcome {
                imported: 4,
                updated: 0,
                unchanged: 0
            },
            connections_added: 2,
            invitations_added: 3,
            invitations_accepted: 0,
            invitations_superseded: 0,
        }
    );
    let (ana, ben, cara, dan) = (
        lead_id(&store, "history-ana").await,
        lead_id(&store, "history-ben").await,
        lead_id(&store, "history-cara").await,
        lead_id(&store, "history-dan").await,
    );
    let connections = ok("connections", store.connections(ws, account).await);
    let connected: Vec<_> = connections
        .iter()
        .map(|c| (c.lead_id, c.connected_at))
        .collect();
    assert_eq!(connected, [(ana, at(DAY)), (ben, at(12 * DAY))]);
    assert_eq!(
        invitations(&store, account).await,
        [
            (ben, 10 * DAY, InvitationState::Accepted, Some(12 * DAY)),
            (cara, 20 * DAY, InvitationState::Pending, None),
            (dan, 21 * DAY + 3600, InvitationState::Pending, None),
        ]
    );
    assert_eq!(ok("pending", store.pending_count(ws, account).await), 2);
    let listed = ok(
        "list",
        store
            .list_leads(
                ws,
                LeadQuery {
                    list: Some("export-alice".into()),
                    after: None,
                    limit: 10,
                },
            )
            .await,
    );
    assert_eq!(listed.len(), 4);
    let dan_lead = listed.iter().find(|l| l.id == dan).expect("dan listed");
    assert_eq!(
        dan_lead.data.first_name, None,
        "named only by an invitation"
    );
    let pending = ok("pending", store.pending_invitations(ws, account).await);
    assert!(
        pending
            .iter()
            .all(|i| i.campaign_id.is_none() && i.external_id.is_none()),
        "invitations from a history are the account's own, sent by hand"
    );
}

async fn all_events<S: Store>(store: &S) -> Vec<overture_core::Event> {
    let query = EventQuery {
        after: None,
        kinds: vec![],
        limit: 100,
    };
    ok(
        "events",
        store.list_events(WorkspaceId::DEFAULT, query).await,
    )
}

/// Loading the same history again changes nothing, not even the events.
pub async fn history_reimport_changes_nothing<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let account = alice(&store).await;
    load(&store, account, &export(), 100).await;
    let before = invitations(&store, account).await;
    let events_before = all_events(&store).await;
    assert_eq!(
        events_before
            .iter()
            .filter(|e| e.event.kind == EventKind::HistoryImported)
            .count(),
        1
    );
    let again = load(&store, account, &export(), 101).await;
    assert!(!again.changed(), "{again:?}");
    assert_eq!(again.leads.unchanged, 4);
    assert_eq!(invitations(&store, account).await, before);
    assert_eq!(all_events(&store).await, events_before);
    assert_eq!(
        ok("connections", store.connections(ws, account).await).len(),
        2
    );
}

/// A later export merges: an invitation that became a connection is accepted (whoever stored
/// it), one sent again replaces the stored pending one, and a connection keeps its earlier
/// date.
pub async fn history_merges_a_later_export<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let account = alice(&store).await;
    load(&store, account, &export(), 100).await;
    // The engine invited erin by itself after the first export.
    ok(
        "erin",
        store
            .import_leads(
                ws,
                "prospects",
                &[person("history-erin", "Erin")],
                at(0),
                &|_| {},
            )
            .await,
    );
    let erin = lead_id(&store, "history-erin").await;
    let engine_sent = at(30 * DAY);
    ok(
        "record",
        store
            .record_invitation(NewInvitation {
                workspace_id: ws,
                account_id: account,
                lead_id: erin,
                campaign_id: None,
                external_id: Some("ext-erin".into()),
                note: None,
                sent_at: engine_sent,
            })
            .await,
    );
    // The later export: cara connected, dan was invited again a week later (the first one left
    // the sent list), erin connected, the engine's invitation seen with minutes only, and ana's
    // connection date re-saved a day later.
    let later = AccountHistory {
        list: "export-alice".into(),
        people: vec![],
        connections: vec![
            connection("history-ana", 2),
            connection("history-ben", 12),
            connection("history-cara", 25),
            connection("history-erin", 31),
        ],
        invitations: vec![
            invitation("history-ben", 10 * DAY, Some(12 * DAY)),
            invitation("history-cara", 20 * DAY, Some(25 * DAY)),
            invitation("history-dan", 28 * DAY, None),
            invitation("history-erin", 30 * DAY + 40, Some(31 * DAY)),
        ],
    };
    let outcome = load(&store, account, &later, 120).await;
    assert_eq!(outcome.connections_added, 2);
    assert_eq!(outcome.invitations_added, 1, "only dan's second invitation");
    assert_eq!(outcome.invitations_accepted, 2, "cara's and erin's");
    assert_eq!(outcome.invitations_superseded, 1, "dan's first");
    let (ben, cara, dan) = (
        lead_id(&store, "history-ben").await,
        lead_id(&store, "history-cara").await,
        lead_id(&store, "history-dan").await,
    );
    assert_eq!(
        invitations(&store, account).await,
        [
            (ben, 10 * DAY, InvitationState::Accepted, Some(12 * DAY)),
            (cara, 20 * DAY, InvitationState::Accepted, Some(25 * DAY)),
            (
                dan,
                21 * DAY + 3600,
                InvitationState::Vanished,
                Some(28 * DAY)
            ),
            (erin, 30 * DAY, InvitationState::Accepted, Some(31 * DAY)),
            (dan, 28 * DAY, InvitationState::Pending, None),
        ]
    );
    let ana = lead_id(&store, "history-ana").await;
    let connections = ok("connections", store.connections(ws, account).await);
    let ana_at = connections
        .iter()
        .find(|c| c.lead_id == ana)
        .map(|c| c.connected_at);
    assert_eq!(ana_at, Some(at(DAY)), "the earlier date is kept");
    assert!(
        !load(&store, account, &later, 121).await.changed(),
        "the later export loaded twice"
    );
}

/// A connection older than an invitation does not accept it (the person was connected, then
/// removed, then invited again), and a withdrawn invitation stays withdrawn.
pub async fn history_accepts_only_invitations_a_connection_answers<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let account = alice(&store).await;
    let first = AccountHistory {
        list: "export-alice".into(),
        people: vec![],
        connections: vec![],
        invitations: vec![
            invitation("history-fay", 50 * DAY, None),
            invitation("history-gus", 50 * DAY, None),
        ],
    };
    load(&store, account, &first, 60).await;
    let gus = lead_id(&store, "history-gus").await;
    let gus_invitation =
        ok("gus", store.latest_invitation(ws, account, gus).await).expect("gus invited");
    ok(
        "withdraw",
        store
            .transition_invitation(
                ws,
                gus_invitation.id,
                InvitationEvent::Withdraw,
                at(55 * DAY),
            )
            .await,
    );
    let later = AccountHistory {
        list: "export-alice".into(),
        people: vec![],
        connections: vec![connection("history-fay", 3), connection("history-gus", 56)],
        invitations: vec![],
    };
    let outcome = load(&store, account, &later, 70).await;
    assert_eq!(outcome.invitations_accepted, 0);
    let fay = lead_id(&store, "history-fay").await;
    assert_eq!(
        invitations(&store, account).await,
        [
            (fay, 50 * DAY, InvitationState::Pending, None),
            (gus, 50 * DAY, InvitationState::Withdrawn, Some(55 * DAY)),
        ]
    );
    // A day's slack: a connection dated the day before the sending (zones) still answers it.
    let slack = AccountHistory {
        connections: vec![HistoryConnection {
            profile_url: url("history-fay"),
            connected_at: at(50 * DAY) - SignedDuration::from_hours(20),
        }],
        ..later
    };
    let outcome = load(&store, account, &slack, 71).await;
    assert_eq!(outcome.invitations_accepted, 1);
    assert_eq!(
        invitations(&store, account).await[0],
        (fay, 50 * DAY, InvitationState::Accepted, Some(50 * DAY)),
        "accepted no earlier than sent"
    );
}

/// A stored person keeps their data; the history fills only empty fields.
pub async fn history_fills_but_never_overwrites_people<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let account = alice(&store).await;
    let mut stored = person("history-ana", "Ana Maria");
    stored.last_name = Some("Example".into());
    ok(
        "leads",
        store
            .import_leads(ws, "prospects", &[stored], at(0), &|_| {})
            .await,
    );
    let mut given = person("history-ana", "Ana");
    given.last_name = Some("Maria Example".into());
    given.company = Some("Example GmbH".into());
    let history = AccountHistory {
        list: "export-alice".into(),
        people: vec![given],
        connections: vec![connection("history-ana", 1)],
        invitations: vec![],
    };
    let outcome = load(&store, account, &history, 1).await;
    assert_eq!(outcome.leads.updated, 1);
    let ana = ok("lead", store.lead_by_url(ws, &url("history-ana")).await).expect("ana");
    assert_eq!(ana.data.first_name.as_deref(), Some("Ana Maria"));
    assert_eq!(ana.data.last_name.as_deref(), Some("Example"));
    assert_eq!(ana.data.company.as_deref(), Some("Example GmbH"));
}

/// An account of another workspace (or none) is `NotFound`, and nothing changes.
pub async fn history_for_an_unknown_account_is_not_found<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let other = ok("workspace", store.create_workspace("other").await);
    let stranger = ok(
        "account",
        store
            .create_account(new_account(other.id, "stranger"))
            .await,
    );
    let result = store
        .import_history(ws, stranger.id, &export(), at(100 * DAY))
        .await;
    assert!(
        matches!(result, Err(StoreError::NotFound { .. })),
        "{result:?}"
    );
    let leads = ok(
        "leads",
        store
            .list_leads(
                ws,
                LeadQuery {
                    list: None,
                    after: None,
                    limit: 10,
                },
            )
            .await,
    );
    assert!(leads.is_empty(), "nothing stored");
    assert!(ok("connections", store.connections(ws, stranger.id).await).is_empty());
}

/// A lead among the account's stored connections is enrolled as a first-degree connection of
/// that account (so that no invitation goes to them) until a visit shows otherwise; a lead who
/// is not a connection has no degree until visited.
pub async fn history_connections_are_first_degree_in_enrollments<S: Store>(store: S) {
    let ws = WorkspaceId::DEFAULT;
    let account = alice(&store).await;
    load(&store, account, &export(), 100).await;
    let spring = super::engine::campaign(&store, "spring").await;
    let ana = lead_id(&store, "history-ana").await;
    let cara = lead_id(&store, "history-cara").await;
    let new = super::engine::enrollments(account, &[ana, cara]);
    ok(
        "enroll",
        store.enroll_leads(ws, spring, &new, at(101 * DAY)).await,
    );
    let degrees = |listed: &[crate::EnrollmentRecord]| {
        let of = |lead| {
            listed
                .iter()
                .find(|r| r.enrollment.lead_id == lead)
                .map(|r| r.degree)
        };
        (of(ana), of(cara))
    };
    let listed = ok("list", store.list_enrollments(ws, spring).await);
    assert_eq!(
        degrees(&listed),
        (Some(Some(Degree::First)), Some(None)),
        "ana is a connection, cara only invited"
    );
    let due = ok("due", store.due_enrollments(at(101 * DAY), 10).await);
    assert_eq!(degrees(&due), (Some(Some(Degree::First)), Some(None)));

    // A visit's answer wins over the export.
    let of_ana = listed
        .iter()
        .find(|r| r.enrollment.lead_id == ana)
        .map(|r| r.enrollment.id)
        .expect("ana is enrolled");
    let seen = Proximity {
        enrollment: of_ana,
        degree: Degree::Second,
        mutual_connections: 4,
    };
    let changes = Changes {
        proximity: vec![seen],
        ..Changes::default()
    };
    ok(
        "visit",
        store.apply_changes(ws, changes, at(102 * DAY)).await,
    );
    let record = ok("get", store.enrollment(ws, of_ana).await);
    assert_eq!(record.degree, Some(Degree::Second));

    // Another account's connections say nothing about this one's leads.
    let bob = ok("bob", store.create_account(new_account(ws, "bob")).await).id;
    let autumn = super::engine::campaign(&store, "autumn").await;
    let dan = lead_id(&store, "history-dan").await;
    ok(
        "enroll bob",
        store
            .enroll_leads(
                ws,
                autumn,
                &super::engine::enrollments(bob, &[dan]),
                at(103 * DAY),
            )
            .await,
    );
    let listed = ok("list bob", store.list_enrollments(ws, autumn).await);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].degree, None);
}
