//! Variants that learn: a lead keeps the variant its first action was planned with, and the
//! allocation shifts to the variant that does better.

use std::sync::Arc;

use jiff::Timestamp;
use overture_clock::ManualClock;
use overture_core::{ActionKind, ActionState, CampaignId, Tier};
use overture_engine::{Engine, EngineConfig};
use overture_sandbox::{SandboxNetwork, SeatProfile, WorldParams};
use overture_store::{ActionQuery, NewCampaignVersion, Store, StoreError, step_tallies};
use overture_store_sqlite::{SqliteOptions, SqliteStore};
use serde_json::json;

use crate::{WS, World, days, limits, seat, spec, start, step};

const NOTES: [&str; 2] = [
    "Hi {{ first_name }}, first note.",
    "Hello {{ first_name }}, second note.",
];

/// The done invitations of the workspace: when each was due and which note variant it sent.
async fn sent_variants(store: &impl Store) -> Result<Vec<(Timestamp, u64)>, StoreError> {
    let query = ActionQuery {
        state: Some(ActionState::Done),
        account: None,
        limit: 100_000,
    };
    Ok(store
        .list_actions(WS, query)
        .await?
        .into_iter()
        .filter(|a| a.kind == ActionKind::Invite)
        .filter_map(|a| {
            let payload: serde_json::Value = serde_json::from_str(&a.payload).ok()?;
            Some((a.due_at, payload["variant"].as_u64()?))
        })
        .collect())
}

#[tokio::test]
async fn a_lead_keeps_the_variant_its_first_action_was_planned_with() {
    let steps = json!([step(json!({ "type": "invite", "notes": NOTES,
                                     "without_note_if_quota_exhausted": false }))]);
    let mut one_a_day = limits(None);
    if let Some(invite) = one_a_day.kinds.get_mut(&ActionKind::Invite) {
        invite.per_day = 1;
    }
    let w = World::with(3, steps, json!({}), one_a_day).await;
    let mut engine = w.engine(EngineConfig::default());
    engine.start_campaign(WS, w.campaign).await.unwrap();
    let fresh = w.store.list_enrollments(WS, w.campaign).await.unwrap();
    assert!(
        fresh.iter().all(|r| r.variants == [None]),
        "a step with several notes waits for the lead to reach it"
    );

    engine.tick().await.unwrap();
    let after = w.store.list_enrollments(WS, w.campaign).await.unwrap();
    let kept: Vec<_> = after.iter().filter_map(|r| r.variant(0)).collect();
    assert_eq!(
        kept.len(),
        1,
        "only the planned invitation has its variant: {after:?}"
    );

    engine.run_until(start() + days(4)).await.unwrap();
    let invites = w.fake.effects_of("invite");
    assert_eq!(invites.len(), 3);
    let records = w.store.list_enrollments(WS, w.campaign).await.unwrap();
    for (record, url) in records.iter().zip(&w.urls) {
        let variant = record.variant(0).expect("every lead has its note by now");
        let lead = w.store.lead(WS, record.enrollment.lead_id).await.unwrap();
        let first = lead.data.first_name.unwrap_or_default();
        let expected = NOTES[variant as usize].replace("{{ first_name }}", &first);
        let sent = invites.iter().find(|e| e.profile == url.to_string());
        assert_eq!(
            sent.and_then(|e| e.note.as_deref()),
            Some(expected.as_str())
        );
    }
    let stats = w.store.variant_stats(WS, w.campaign, None).await.unwrap();
    let sends: u64 = step_tallies(&stats, 0, 2).iter().map(|t| t.sends).sum();
    assert_eq!(sends, 3);
}

/// A sandbox world; `selling` overrides the weight of a note that sells.
async fn world(
    clock: &ManualClock,
    selling: Option<f64>,
) -> (SandboxNetwork, SqliteStore, tempfile::TempDir) {
    let mut params = WorldParams::default();
    params.population.people = 700;
    if let Some(weight) = selling {
        params.acceptance.selling = weight;
    }
    let net = SandboxNetwork::new(params, 5, Arc::new(clock.clone())).unwrap();
    net.add_seat("alice", Tier::Premium, SeatProfile::default())
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("variants.db"), SqliteOptions::default())
        .await
        .unwrap();
    store
        .create_account(seat("alice", Tier::Premium, limits(None)))
        .await
        .unwrap();
    store
        .import_leads(WS, "prospects", &net.population(), start(), &|_| {})
        .await
        .unwrap();
    (net, store, dir)
}

/// Of the invitations sent in the last two weeks before `end`: how many carried the second
/// note, and how many there were.
async fn late_sends_of_the_second(store: &SqliteStore, end: Timestamp) -> (usize, usize) {
    let late: Vec<u64> = sent_variants(store)
        .await
        .unwrap()
        .into_iter()
        .filter(|(at, _)| *at >= end - days(14))
        .map(|(_, variant)| variant)
        .collect();
    (late.iter().filter(|&&v| v == 1).count(), late.len())
}

/// Runs six weeks of a campaign inviting with two note variants in a sandbox world (see
/// `world`), on an engine seeded with `seed`.
async fn six_weeks_of_two_notes(
    notes: [&str; 2],
    selling: Option<f64>,
    seed: u64,
) -> (SqliteStore, CampaignId, Timestamp, tempfile::TempDir) {
    let clock = ManualClock::new(start());
    let (net, store, dir) = world(&clock, selling).await;
    let steps = json!([
        step(json!({ "type": "invite", "notes": notes,
                     "without_note_if_quota_exhausted": false })),
        step(json!({ "type": "wait_for_acceptance", "within": "14d",
                     "accepted": "end", "not_accepted": "end" })),
    ]);
    let version = NewCampaignVersion {
        name: "spring".into(),
        source: "spring".into(),
        spec: spec(steps, json!({})),
    };
    let campaign = store.apply_campaign(WS, version, start()).await.unwrap();
    let campaign = campaign.campaign.id;
    let config = EngineConfig {
        seed,
        ..EngineConfig::default()
    };
    let mut engine = Engine::new(store.clone(), net.channels(), clock.clone(), config);
    engine.start_campaign(WS, campaign).await.unwrap();
    let end = start() + days(42);
    engine.run_until(end).await.unwrap();
    (store, campaign, end, dir)
}

#[tokio::test]
async fn most_invitations_go_to_the_note_the_network_accepts_more_often() {
    let notes = [
        "Hi {{ first_name }}, can I book a demo call to walk you through our pricing?",
        "Hi {{ first_name }}, I enjoyed reading about your work and would be glad to connect.",
    ];
    // A world where notes that sell are rarely accepted.
    let (store, campaign, end, _dir) = six_weeks_of_two_notes(notes, Some(-3.0), 9).await;
    let stats = store.variant_stats(WS, campaign, Some(0)).await.unwrap();
    let [selling, personal] = step_tallies(&stats, 0, 2)[..] else {
        panic!("two variants: {stats:?}");
    };
    let (bad, good) = (
        selling.rate().unwrap_or(0.0),
        personal.rate().unwrap_or(0.0),
    );
    assert!(
        good > 2.0 * bad,
        "the network prefers the personal note: {stats:?}"
    );
    let total = selling.sends + personal.sends;
    assert!(total > 300, "{stats:?}");
    assert!(
        personal.sends * 10 > total * 7,
        "most invitations carry the better note: {stats:?}"
    );
    // The shift happens within the run: the last two weeks are mostly the better note, and
    // the worse one keeps its exploration share.
    let (better, late) = late_sends_of_the_second(&store, end).await;
    assert!(better * 100 > late * 80, "{better} of {late}");
    assert!(better < late, "the worse note is still explored");
}

/// The sandbox's people read notes with the lint's eyes (`docs/sandbox.md`): in the default
/// world, a note that lints clean is accepted more often than the stock phrase, and the
/// allocator learns it within the run, whatever the engine's seed.
#[tokio::test]
async fn the_allocator_learns_that_a_note_the_lint_passes_beats_a_generic_one() {
    let generic = "Hi {{ first_name }}, I'd like to add you to my professional network.";
    let personal = "Hi {{ first_name }}, we were both on the panel about hiring data engineers at the Leeds meetup. I liked your point on take-home tasks; glad to stay in touch.";
    for (note, score) in [(generic, 70), (personal, 100)] {
        let lint = overture_message::lint(note, overture_message::TextKind::Invite, Tier::Premium);
        assert_eq!(lint.score, score, "{note}: {:?}", lint.findings);
    }
    for seed in 1..=3 {
        let (store, campaign, end, _dir) =
            six_weeks_of_two_notes([generic, personal], None, seed).await;
        let stats = store.variant_stats(WS, campaign, Some(0)).await.unwrap();
        let [worse, better] = step_tallies(&stats, 0, 2)[..] else {
            panic!("two variants: {stats:?}");
        };
        let (bad, good) = (worse.rate().unwrap_or(0.0), better.rate().unwrap_or(0.0));
        assert!(
            good > 1.15 * bad,
            "seed {seed}: the clean note wins: {stats:?}"
        );
        let total = worse.sends + better.sends;
        assert!(
            better.sends * 10 > total * 7,
            "seed {seed}: most invitations carry the clean note: {stats:?}"
        );
        let (clean, late) = late_sends_of_the_second(&store, end).await;
        assert!(
            clean * 100 > late * 80,
            "seed {seed}: {clean} of {late} late sends"
        );
    }
}
