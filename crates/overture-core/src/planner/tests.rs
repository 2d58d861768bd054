use std::collections::BTreeMap;

use jiff::civil::Time;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

use super::*;
use crate::account::{Account, AccountKind, AccountStatus, Tier, Zone};
use crate::ids::{AccountId, EnrollmentId, LeadId, WorkspaceId};
use crate::limits::{AccountLimits, KindLimit, NoteQuota, WarmUp};
use crate::working_hours::{Day, WorkingHours};

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// An account in UTC, 09:00–17:00 every day, no warm-up, invitations `per_day`/`per_week`
/// with 5 minutes spacing and 5 minutes jitter.
fn account(per_day: u32, per_week: u32, notes: Option<u32>) -> Account {
    let limit = KindLimit {
        per_day,
        per_week,
        min_spacing: SignedDuration::from_mins(5),
        jitter: SignedDuration::from_mins(5),
    };
    Account {
        id: AccountId(1),
        workspace_id: WorkspaceId(1),
        name: "alice".into(),
        kind: AccountKind::Sandbox,
        tier: Tier::Free,
        time_zone: Zone::utc(),
        working_hours: WorkingHours::new(
            Day::ALL.to_vec(),
            Time::constant(9, 0, 0, 0),
            Time::constant(17, 0, 0, 0),
        )
        .unwrap(),
        limits: AccountLimits {
            kinds: BTreeMap::from([(ActionKind::Invite, limit), (ActionKind::Visit, limit)]),
            warm_up: WarmUp {
                start_percent: 100,
                ramp_days: 0,
            },
            note_quota: notes.map(|per_30_days| NoteQuota { per_30_days }),
        },
        governor: Default::default(),
        sender: Default::default(),
        status: AccountStatus::Active,
        created_at: ts("2026-01-01T00:00:00Z"),
    }
}

fn candidate(id: i64, priority: i32, score: u32, note: NotePolicy) -> Candidate {
    Candidate {
        enrollment: EnrollmentId(id),
        kind: ActionKind::Invite,
        ready_at: ts("2026-03-02T08:00:00Z"),
        priority,
        score,
        note,
        invite_room: u32::MAX,
    }
}

fn run(account: &Account, history: &[Timestamp], notes: &[Timestamp], cands: &[Candidate]) -> Plan {
    let history = BTreeMap::from([(ActionKind::Invite, history.to_vec())]);
    plan_account(&PlanInput {
        account,
        history: &history,
        notes,
        candidates: cands,
        invite_room: u32::MAX,
        seed: 7,
        now: ts("2026-03-02T08:00:00Z"),
    })
}

fn ids(plan: &Plan) -> Vec<i64> {
    let mut ids: Vec<i64> = plan.scheduled.iter().map(|s| s.enrollment.get()).collect();
    ids.sort_unstable();
    ids
}

#[test]
fn never_more_than_the_day_cap_and_spread_over_the_window() {
    let acc = account(10, 100, None);
    let cands: Vec<_> = (1..=30)
        .map(|i| candidate(i, 0, 0, NotePolicy::NoNote))
        .collect();
    let plan = run(&acc, &[], &[], &cands);
    assert_eq!(plan.scheduled.len(), 10);
    assert_eq!(plan.deferred.len(), 20);
    let first = plan.scheduled[0].due_at;
    let last = plan.scheduled[9].due_at;
    assert!(first >= ts("2026-03-02T09:00:00Z"));
    assert!(last < ts("2026-03-02T17:00:00Z"));
    assert!(
        last.duration_since(first) > SignedDuration::from_hours(6),
        "spread over the window, not a burst: {first} .. {last}"
    );
    for pair in plan.scheduled.windows(2) {
        assert!(pair[1].due_at.duration_since(pair[0].due_at) >= SignedDuration::from_mins(5));
    }
    assert!(
        plan.deferred
            .iter()
            .all(|d| d.until >= Some(ts("2026-03-02T17:00:00Z")))
    );
}

#[test]
fn in_flight_actions_count_against_the_budget() {
    let acc = account(10, 100, None);
    let history: Vec<_> = (0..8)
        .map(|i| ts("2026-03-02T09:00:00Z") + SignedDuration::from_mins(10 * i))
        .collect();
    let cands: Vec<_> = (1..=5)
        .map(|i| candidate(i, 0, 0, NotePolicy::NoNote))
        .collect();
    assert_eq!(run(&acc, &history, &[], &cands).scheduled.len(), 2);
    let week: Vec<_> = (0..100)
        .map(|i| ts("2026-02-26T09:00:00Z") + SignedDuration::from_mins(i))
        .collect();
    // The rolling week counts too: 100 in the last days leave nothing before the oldest of
    // them leaves the window.
    let plan = run(&acc, &week, &[], &cands);
    assert!(!plan.scheduled.is_empty());
    assert!(
        plan.scheduled
            .iter()
            .all(|s| s.due_at >= ts("2026-03-05T09:00:00Z"))
    );
}

#[test]
fn priority_then_score_decide_who_gets_a_scarce_budget() {
    let acc = account(2, 100, None);
    let cands = [
        candidate(1, 0, 900, NotePolicy::NoNote),
        candidate(2, 5, 0, NotePolicy::NoNote),
        candidate(3, 0, 1000, NotePolicy::NoNote),
        candidate(4, 0, 10, NotePolicy::NoNote),
    ];
    assert_eq!(ids(&run(&acc, &[], &[], &cands)), [2, 3]);
}

#[test]
fn lead_score_prefers_warm_then_second_degree_then_mutuals() {
    let score = |warm, second, mutual| {
        lead_score(LeadSignals {
            second_degree: Some(second),
            mutual_connections: Some(mutual),
            warmed_up: warm,
        })
    };
    assert!(score(true, false, 0) > score(false, true, 100));
    assert!(score(false, true, 0) > score(false, false, 100));
    assert!(score(false, false, 5) > score(false, false, 1));
    assert_eq!(lead_score(LeadSignals::default()), 0);
}

#[test]
fn a_required_note_waits_for_the_quota_and_an_optional_one_is_dropped() {
    let acc = account(10, 100, Some(2));
    let notes = [ts("2026-02-20T10:00:00Z"), ts("2026-02-21T10:00:00Z")];
    let required = run(
        &acc,
        &[],
        &notes,
        &[candidate(1, 0, 0, NotePolicy::Required)],
    );
    assert!(required.scheduled.is_empty());
    assert_eq!(required.deferred[0].until, Some(ts("2026-03-22T10:00:00Z")));
    let optional = run(
        &acc,
        &[],
        &notes,
        &[candidate(1, 0, 0, NotePolicy::DropWhenExhausted)],
    );
    assert_eq!(optional.scheduled.len(), 1);
    assert!(!optional.scheduled[0].with_note);
    let fresh = run(&acc, &[], &[], &[candidate(1, 0, 0, NotePolicy::Required)]);
    assert!(fresh.scheduled[0].with_note);
}

#[test]
fn notes_planned_in_one_round_use_up_the_quota() {
    let acc = account(10, 100, Some(2));
    let cands: Vec<_> = (1..=4)
        .map(|i| candidate(i, 0, 0, NotePolicy::Required))
        .collect();
    let plan = run(&acc, &[], &[], &cands);
    assert_eq!(plan.scheduled.len(), 2);
}

#[test]
fn a_paused_account_plans_nothing() {
    let mut acc = account(10, 100, None);
    acc.status = AccountStatus::Paused {
        reason: "challenge".into(),
    };
    let plan = run(&acc, &[], &[], &[candidate(1, 0, 0, NotePolicy::NoNote)]);
    assert!(plan.scheduled.is_empty());
    assert_eq!(plan.deferred[0].until, None);
    acc.status = AccountStatus::Restricted {
        until: ts("2026-03-09T00:00:00Z"),
    };
    let plan = run(&acc, &[], &[], &[candidate(1, 0, 0, NotePolicy::NoNote)]);
    assert_eq!(plan.deferred[0].until, Some(ts("2026-03-09T00:00:00Z")));
}

#[test]
fn plans_are_deterministic_per_seed() {
    let acc = account(10, 100, None);
    let cands: Vec<_> = (1..=5)
        .map(|i| candidate(i, 0, 0, NotePolicy::NoNote))
        .collect();
    assert_eq!(run(&acc, &[], &[], &cands), run(&acc, &[], &[], &cands));
}

#[test]
fn senders_rotate_to_the_least_loaded() {
    let loads = [(AccountId(1), 2), (AccountId(2), 0), (AccountId(3), 1)];
    let leads: Vec<_> = (1..=5).map(LeadId).collect();
    let got: Vec<i64> = assign_senders(&loads, &leads)
        .into_iter()
        .map(|(_, a)| a.get())
        .collect();
    assert_eq!(got, [2, 2, 3, 1, 2]);
    assert!(assign_senders(&[], &leads).is_empty());
}

proptest! {
    /// However many candidates and whatever history, a day never holds more than its cap,
    /// every due time is inside working hours, and no more invitations are planned than the
    /// pending cap leaves room for.
    #[test]
    fn plans_keep_the_day_cap(
        cap in 1u32..30, done in 0usize..30, n in 0i64..60, room in 0u32..80, seed: u64,
    ) {
        let acc = account(cap, 1000, None);
        let history: Vec<_> = (0..done)
            .map(|i| ts("2026-03-02T00:30:00Z") + SignedDuration::from_mins(i as i64))
            .collect();
        let cands: Vec<_> = (1..=n).map(|i| candidate(i, 0, 0, NotePolicy::NoNote)).collect();
        let hist = BTreeMap::from([(ActionKind::Invite, history.clone())]);
        let plan = plan_account(&PlanInput {
            account: &acc, history: &hist, notes: &[], candidates: &cands, invite_room: room,
            seed, now: ts("2026-03-02T08:00:00Z"),
        });
        prop_assert!(plan.scheduled.len() <= room as usize);
        let mut days: BTreeMap<jiff::civil::Date, usize> = BTreeMap::new();
        for t in history.iter().chain(plan.scheduled.iter().map(|s| &s.due_at)) {
            *days.entry(jiff::tz::TimeZone::UTC.to_datetime(*t).date()).or_default() += 1;
        }
        for s in &plan.scheduled {
            prop_assert!(acc.working_hours.contains(&acc.time_zone, s.due_at));
        }
        let scheduled_days: std::collections::BTreeSet<_> = plan.scheduled.iter()
            .map(|s| jiff::tz::TimeZone::UTC.to_datetime(s.due_at).date()).collect();
        for day in scheduled_days {
            prop_assert!(days[&day] <= cap as usize, "{day}: {} > {cap}", days[&day]);
        }
        prop_assert_eq!(plan.scheduled.len() + plan.deferred.len(), n as usize);
    }
}

#[test]
fn a_used_up_window_defers_everyone_to_the_next_one_unranked() {
    let acc = account(2, 100, None);
    let history = BTreeMap::from([(
        ActionKind::Invite,
        vec![ts("2026-03-02T09:10:00Z"), ts("2026-03-02T10:40:00Z")],
    )]);
    let cands = [
        candidate(1, 0, 0, NotePolicy::NoNote),
        candidate(2, 0, 900, NotePolicy::NoNote),
    ];
    let plan = plan_account(&PlanInput {
        account: &acc,
        history: &history,
        notes: &[],
        candidates: &cands,
        invite_room: u32::MAX,
        seed: 7,
        now: ts("2026-03-02T12:00:00Z"),
    });
    assert!(
        plan.scheduled.is_empty(),
        "no slot of tomorrow is handed out today: {plan:?}"
    );
    let tomorrow = ts("2026-03-03T09:00:00Z");
    assert_eq!(plan.deferred.len(), 2);
    assert!(plan.deferred.iter().all(|d| d.until == Some(tomorrow)));
}

#[test]
fn the_pending_cap_lets_only_the_best_candidates_through() {
    let acc = account(10, 100, None);
    let cands: Vec<_> = (1..=6)
        .map(|i| candidate(i, 0, u32::try_from(i).unwrap() * 10, NotePolicy::NoNote))
        .collect();
    let history = BTreeMap::from([(ActionKind::Invite, Vec::new())]);
    let input = |room| PlanInput {
        account: &acc,
        history: &history,
        notes: &[],
        candidates: &cands,
        invite_room: room,
        seed: 7,
        now: ts("2026-03-02T08:00:00Z"),
    };
    let plan = plan_account(&input(2));
    assert_eq!(ids(&plan), [5, 6], "the two best scores get the room");
    assert_eq!(plan.deferred.len(), 4);
    let none = plan_account(&input(0));
    assert!(none.scheduled.is_empty());
    assert_eq!(none.deferred.len(), 6);
}

#[test]
fn a_campaign_cap_holds_its_own_candidates_only() {
    let acc = account(10, 100, None);
    // Leads 1–3 of a campaign with room for one more invitation; 4–6 of one without a cap.
    let cands: Vec<_> = (1..=6)
        .map(|i| Candidate {
            invite_room: if i <= 3 { 1 } else { u32::MAX },
            ..candidate(i, 0, 100 - u32::try_from(i).unwrap(), NotePolicy::NoNote)
        })
        .collect();
    let plan = run(&acc, &[], &[], &cands);
    assert_eq!(ids(&plan), [1, 4, 5, 6], "{plan:?}");
    let held: Vec<i64> = plan.deferred.iter().map(|d| d.enrollment.get()).collect();
    assert_eq!(held, [2, 3]);
}
