use jiff::{SignedDuration, Timestamp};

use super::*;
use crate::ids::{CampaignId, InvitationId};

fn now() -> Timestamp {
    "2026-06-01T12:00:00Z".parse().unwrap()
}

fn d(days: f64) -> SignedDuration {
    SignedDuration::from_secs_f64(days * 86_400.0)
}

fn invite(id: i64, age_days: f64, manual: bool) -> PendingInvite {
    PendingInvite {
        id: InvitationId(id),
        sent_at: now() - d(age_days),
        campaign: (!manual).then_some(CampaignId(1)),
    }
}

/// No campaign tightens the account's policy.
fn none() -> std::collections::BTreeMap<CampaignId, Policy> {
    std::collections::BTreeMap::new()
}

// Policy.

#[test]
fn policy_defaults() {
    let p = Policy::default();
    assert_eq!(p, Policy::new());
    assert_eq!(p.max_pending, 400);
    assert_eq!(p.withdraw_after, SignedDuration::from_hours(60 * 24));
    assert!(p.smart && p.make_room);
    assert_eq!(p.smart_threshold, 0.002);
    assert_eq!(p.min_age, SignedDuration::from_hours(3 * 24));
    assert_eq!(p.withdrawals_per_day, 40);
    assert!(p.govern_manual_invites);
    assert_eq!(p.withdrawals_left(15), 25);
    assert_eq!(p.withdrawals_left(99), 0);
}

fn parse(json: &str) -> Result<Policy, String> {
    serde_json::from_str(json).map_err(|e| e.to_string())
}

#[test]
#[rustfmt::skip]
fn policy_serde() {
    assert_eq!(parse("{}"), Ok(Policy::default()));
    let p = parse(r#"{"max_pending": 250, "withdraw_after": "14d", "smart": false}"#).unwrap();
    assert_eq!((p.max_pending, p.withdraw_after, p.smart), (250, d(14.0), false));
    assert_eq!(p.min_age, Policy::DEFAULT_MIN_AGE);
    assert_eq!(parse(r#"{"min_age": "PT96H"}"#).unwrap().min_age, d(4.0));
    assert_eq!(parse(r#"{"min_age": "P1W"}"#).unwrap().min_age, d(7.0));
    assert_eq!(parse(r#"{"withdraw_after": "2d 12h"}"#).unwrap().withdraw_after, d(2.5));
    assert!(parse(r#"{"withdraw_after": "1 month"}"#).is_err());
    assert!(parse(r#"{"min_age": "-1h"}"#).unwrap_err().contains("`min_age` is negative"));
    assert!(parse(r#"{"smart_threshold": 1.5}"#).unwrap_err().contains("between 0 and 1"));
    assert!(parse(r#"{"max_pendings": 3}"#).unwrap_err().contains("unknown field"));
    let json = serde_json::to_string(&Policy::default()).unwrap();
    assert!(json.contains(r#""withdraw_after":"1440h""#), "{json}");
    assert_eq!(parse(&json), Ok(Policy::default()));
}

fn dur(text: &str) -> crate::sequence::Duration {
    crate::sequence::Duration::parse(text).unwrap()
}

#[test]
fn a_campaign_only_tightens_the_fields_it_gives() {
    let account = Policy::default();
    assert_eq!(account.tightened_with(&Tightening::default()), account);

    let campaign = Tightening {
        max_pending: Some(150),
        withdraw_after: Some(dur("30d")),
        smart_threshold: Some(0.01),
        min_age: Some(dur("5d")),
    };
    let want = Policy {
        max_pending: 150,
        withdraw_after: d(30.0),
        smart_threshold: 0.01,
        min_age: d(5.0),
        ..account
    };
    assert_eq!(account.tightened_with(&campaign), want);

    // Looser values change nothing: a campaign cannot loosen its account's policy.
    let looser = Tightening {
        max_pending: Some(900),
        withdraw_after: Some(dur("90d")),
        smart_threshold: Some(0.0001),
        min_age: Some(dur("1h")),
    };
    assert_eq!(account.tightened_with(&looser), account);

    // A threshold turns smart withdrawal on for the campaign's invitations.
    let plain = Policy {
        smart: false,
        smart_threshold: 0.5,
        ..account
    };
    let smart = plain.tightened_with(&Tightening {
        smart_threshold: Some(0.03),
        ..Tightening::default()
    });
    assert!(smart.smart);
    assert_eq!(smart.smart_threshold, 0.03);
}

#[test]
fn a_tightening_campaign_judges_its_own_invitations_only() {
    // Two invitations of 40 days, one from each campaign; campaign 2 withdraws after 30 days,
    // and wants five days before anything of its own goes.
    let policy = Policy {
        smart: false,
        ..Policy::default()
    };
    let pending = [
        PendingInvite {
            id: InvitationId(1),
            sent_at: now() - d(40.0),
            campaign: Some(CampaignId(1)),
        },
        PendingInvite {
            id: InvitationId(2),
            sent_at: now() - d(40.0),
            campaign: Some(CampaignId(2)),
        },
        PendingInvite {
            id: InvitationId(3),
            sent_at: now() - d(4.0),
            campaign: Some(CampaignId(2)),
        },
    ];
    let tightening = Tightening {
        withdraw_after: Some(dur("30d")),
        min_age: Some(dur("5d")),
        smart_threshold: Some(0.9),
        ..Tightening::default()
    };
    let campaigns =
        std::collections::BTreeMap::from([(CampaignId(2), policy.tightened_with(&tightening))]);
    let estimate = Estimate::new(Prior::default(), &[], now());
    let chosen = select_withdrawals(&policy, &campaigns, &estimate, &pending, now(), 10, 0);
    let got: Vec<(i64, WithdrawReason)> = chosen.iter().map(|w| (w.id.get(), w.reason)).collect();
    assert_eq!(got, [(2, WithdrawReason::Age)], "{chosen:?}");
    // Without the campaign's rule nothing goes.
    let chosen = select_withdrawals(&policy, &none(), &estimate, &pending, now(), 10, 0);
    assert!(chosen.is_empty(), "{chosen:?}");
}

#[test]
fn may_invite_only_below_the_cap() {
    let p = Policy {
        max_pending: 3,
        ..Policy::default()
    };
    let check = |pending, may, room| {
        assert_eq!(may_invite(&p, pending), may, "{pending}");
        assert_eq!(invite_room(&p, pending), room, "{pending}");
    };
    check(0, true, 3);
    check(2, true, 1);
    check(3, false, 0);
    check(10, false, 0);
}

// Selection.

/// The invitations of the selection tests: ids 1–9 at these ages (days), id 8 manual. Under the
/// default prior the chance of acceptance falls below 2% at about 12 days.
fn pending() -> Vec<PendingInvite> {
    [1.0, 2.5, 4.0, 6.0, 8.0, 14.0, 16.0, 22.0, 40.0]
        .iter()
        .zip(1..)
        .map(|(&age, id)| invite(id, age, id == 8))
        .collect()
}

fn check(policy: Policy, budget: u32, expected: &[(i64, &str)]) {
    let estimate = Estimate::from_prior(Prior::default());
    let got: Vec<(i64, &str)> =
        select_withdrawals(&policy, &none(), &estimate, &pending(), now(), budget, 0)
            .iter()
            .map(|w| {
                let reason = match w.reason {
                    WithdrawReason::Age => "age",
                    WithdrawReason::Unlikely { probability } => {
                        assert_eq!(probability, w.probability);
                        "unlikely"
                    }
                    WithdrawReason::OverCap => "cap",
                    WithdrawReason::MakeRoom => "room",
                };
                (w.id.get(), reason)
            })
            .collect();
    assert_eq!(got, expected, "{policy:?}, budget {budget}");
}

/// A policy withdrawing after 21 days or below a 2% chance, without making room.
fn with(max_pending: u32, smart: bool, manual: bool) -> Policy {
    Policy {
        max_pending,
        smart,
        govern_manual_invites: manual,
        withdraw_after: d(21.0),
        smart_threshold: 0.02,
        make_room: false,
        ..Policy::default()
    }
}

#[test]
#[rustfmt::skip]
fn selection_order_is_age_then_unlikely_then_over_cap() {
    let (age, unlikely, cap) = ("age", "unlikely", "cap");
    check(with(9, true, true), 40, &[(9, age), (8, age), (7, unlikely), (6, unlikely)]);
    // Over the cap: the least likely of the rest (the oldest), never the two younger than 3 days.
    check(with(3, true, true), 40, &[(9, age), (8, age), (7, unlikely), (6, unlikely), (5, cap), (4, cap)]);
    check(with(0, true, true), 40, &[(9, age), (8, age), (7, unlikely), (6, unlikely), (5, cap), (4, cap), (3, cap)]);
    check(with(3, true, true), 3, &[(9, age), (8, age), (7, unlikely)]);
    check(with(3, true, true), 0, &[]);
    check(with(9, false, true), 40, &[(9, age), (8, age)]);
    check(with(3, false, true), 40, &[(9, age), (8, age), (7, cap), (6, cap), (5, cap), (4, cap)]);
    // A manual invitation is left alone but still counts against the cap.
    check(with(3, true, false), 40, &[(9, age), (7, unlikely), (6, unlikely), (5, cap), (4, cap), (3, cap)]);
    check(Policy { withdraw_after: d(100.0), ..with(9, true, true) }, 40, &[(9, unlikely), (8, unlikely), (7, unlikely), (6, unlikely)]);
    check(Policy { smart_threshold: 0.065, ..with(9, true, true) }, 40, &[(9, age), (8, age), (7, unlikely), (6, unlikely), (5, unlikely), (4, unlikely)]);
    check(Policy { min_age: d(15.0), ..with(0, true, true) }, 40, &[(9, age), (8, age), (7, unlikely)]);
}

#[test]
#[rustfmt::skip]
fn making_room_near_the_cap() {
    let (unlikely, room) = ("unlikely", "room");
    let smart = |max_pending| Policy { make_room: true, ..with(max_pending, true, true) };
    // Ten pending, room for two wanted below a cap of 10: the two least likely go, beyond the
    // age and threshold rules (ids 8 and 9 are old enough for both; see `with`).
    let roomy = Policy { withdraw_after: d(100.0), smart_threshold: 0.0, ..smart(10) };
    check_room(roomy, 40, 2, &[(9, room), (8, room)]);
    check_room(roomy, 40, 0, &[]);
    check_room(roomy, 40, 5, &[(9, room), (8, room), (7, room), (6, room), (5, room)]);
    // Only what is less likely than a new invitation goes, and never younger than 3 days.
    check_room(roomy, 40, 20, &[(9, room), (8, room), (7, room), (6, room), (5, room), (4, room), (3, room)]);
    // The other rules come first and count toward the room.
    let with_threshold = Policy { withdraw_after: d(100.0), ..smart(10) };
    check_room(with_threshold, 40, 3, &[(9, unlikely), (8, unlikely), (7, unlikely), (6, unlikely)]);
    // Without smart (a vendor's rule): the oldest, as many as the budget allows.
    let vendor = Policy { smart: false, withdraw_after: d(100.0), ..smart(10) };
    check_room(vendor, 2, 1, &[(9, room), (8, room)]);
    check_room(vendor, 40, 0, &[]);
    // …and only at the cap.
    check_room(Policy { max_pending: 11, ..vendor }, 2, 5, &[]);
}

fn check_room(policy: Policy, budget: u32, room: u32, expected: &[(i64, &str)]) {
    let estimate = Estimate::from_prior(Prior::default());
    let got: Vec<(i64, &str)> = select_withdrawals(
        &policy,
        &none(),
        &estimate,
        &pending_ten(),
        now(),
        budget,
        room,
    )
    .iter()
    .map(|w| {
        let reason = match w.reason {
            WithdrawReason::MakeRoom => {
                assert!(!policy.smart || w.probability < estimate.eventual());
                "room"
            }
            WithdrawReason::Unlikely { .. } => "unlikely",
            other => panic!("{other:?}"),
        };
        (w.id.get(), reason)
    })
    .collect();
    assert_eq!(got, expected, "{policy:?}, budget {budget}, room {room}");
}

/// [`pending`] and one more invitation, ten in all.
fn pending_ten() -> Vec<PendingInvite> {
    let mut all = pending();
    all.push(invite(10, 0.5, false));
    all
}

#[test]
fn selection_ties_go_to_the_older_then_the_smaller_id() {
    let estimate = Estimate::from_prior(Prior::default());
    let policy = with(0, false, true);
    let pending = [
        invite(5, 10.0, false),
        invite(6, 10.0, false),
        invite(4, 10.0, false),
        invite(6, 12.0, false),
    ];
    let got: Vec<i64> = select_withdrawals(&policy, &none(), &estimate, &pending, now(), 10, 0)
        .iter()
        .map(|w| w.id.get())
        .collect();
    // Id 6 is listed twice and counts once, at its earlier sending.
    assert_eq!(got, [6, 4, 5]);
}

// Estimate.

#[test]
fn kaplan_meier_by_hand_with_a_declined_invitation() {
    let sent = now() - d(100.0);
    let at = |days| sent + d(days);
    let history = [
        Observation {
            sent_at: sent,
            outcome: Outcome::Accepted { at: at(1.0) },
        },
        Observation {
            sent_at: sent,
            outcome: Outcome::Censored { at: at(1.5) },
        },
        Observation {
            sent_at: sent,
            outcome: Outcome::Accepted { at: at(2.0) },
        },
        Observation {
            sent_at: sent,
            outcome: Outcome::Accepted { at: at(3.0) },
        },
        Observation {
            sent_at: sent,
            outcome: Outcome::Declined,
        },
    ];
    let estimate = Estimate::new(Prior::new(0.3, 0.0).unwrap(), &history, now());
    let close = |got: f64, want: f64| assert!((got - want).abs() < 1e-12, "{got} != {want}");
    // At risk: 5 at day 1, 3 at day 2 (one censored at 1.5), 2 at day 3; the declined one
    // stays until now (day 100).
    close(estimate.accepted_by(d(0.5)), 0.0);
    close(estimate.accepted_by(d(1.0)), 1.0 - 0.8);
    close(estimate.accepted_by(d(2.5)), 1.0 - 0.8 * 2.0 / 3.0);
    close(estimate.eventual(), 1.0 - 0.8 * 2.0 / 3.0 * 0.5);
    close(estimate.still_likely(d(2.5)), 0.5);
    close(estimate.still_likely(d(3.0)), 0.0);
}

#[test]
fn the_published_shape_passes_through_its_points_and_rises_to_one() {
    for (days, share) in PUBLISHED_SHAPE {
        assert!((published_shape(days) - share).abs() < 1e-12, "{days}");
    }
    assert_eq!(published_shape(0.0), 0.0);
    assert_eq!(published_shape(-1.0), 0.0);
    assert_eq!(published_shape(f64::NAN), 0.0);
    assert_eq!(published_shape(f64::INFINITY), 1.0);
    let ages: Vec<f64> = (1..2000).map(|i| f64::from(i) * 0.1).collect();
    for pair in ages.windows(2) {
        assert!(
            published_shape(pair[0]) < published_shape(pair[1]),
            "{pair:?}"
        );
    }
}

#[test]
fn prior_refuses_nonsense() {
    assert_eq!(Prior::new(1.0, 5.0), Err(PriorError::Rate { rate: 1.0 }));
    assert!(Prior::new(f64::NAN, 5.0).is_err());
    assert!(Prior::new(0.3, -1.0).is_err());
    assert!(Prior::new(0.3, f64::INFINITY).is_err());
    assert_eq!(Prior::new(0.3, 30.0), Ok(Prior::default()));
}

// Dashboard.

#[test]
fn pending_by_age_buckets_whole_days() {
    let ages = [
        -1.0, 0.0, 7.9, 8.0, 14.99, 15.0, 21.5, 22.0, 30.0, 31.0, 90.9, 91.0, 400.0,
    ];
    let pending: Vec<_> = ages
        .iter()
        .zip(1..)
        .map(|(&a, id)| invite(id, a, false))
        .collect();
    let counts = pending_by_age(&pending, now());
    let got: Vec<(&str, u32)> = counts.iter().map(|c| (c.bucket.label(), c.count)).collect();
    assert_eq!(
        got,
        [
            ("0-7", 3),
            ("8-14", 2),
            ("15-21", 2),
            ("22-30", 2),
            ("31-90", 2),
            ("91+", 2)
        ]
    );
    assert_eq!(
        serde_json::to_string(&counts[5]).unwrap(),
        r#"{"bucket":"91+","count":2}"#
    );
}

#[test]
fn acceptance_curve_of_the_prior() {
    let curve = acceptance_curve(&Estimate::from_prior(Prior::default()), &[1, 7, 30]);
    let accepted: Vec<f64> = curve
        .iter()
        .map(|p| (p.accepted * 1e4).round() / 1e4)
        .collect();
    assert_eq!(accepted, [0.189, 0.264, 0.297]);
    assert!(
        curve
            .windows(2)
            .all(|w| w[0].still_likely > w[1].still_likely)
    );
}

#[test]
fn overrides_change_one_field_or_nothing() {
    let mut policy = Policy::default();
    policy.apply_override("max_pending=300").unwrap();
    policy.apply_override("withdraw_after = 14d").unwrap();
    policy.apply_override("smart=off").unwrap();
    policy.apply_override("smart_threshold=3%").unwrap();
    policy.apply_override("min_age=36h").unwrap();
    policy.apply_override("withdrawals_per_day=0").unwrap();
    policy.apply_override("govern_manual_invites=no").unwrap();
    assert_eq!(policy.max_pending, 300);
    assert_eq!(policy.withdraw_after, SignedDuration::from_hours(14 * 24));
    assert!(!policy.smart);
    assert!((policy.smart_threshold - 0.03).abs() < 1e-12);
    assert_eq!(policy.min_age, SignedDuration::from_hours(36));
    assert_eq!(policy.withdrawals_per_day, 0);
    assert!(!policy.govern_manual_invites);

    let before = policy;
    for (change, fragment) in [
        ("max_pending", "not KEY=VALUE"),
        ("max_pending=lots", "not a whole number"),
        ("withdraw_after=soon", "not a duration"),
        ("smart=maybe", "not on or off"),
        ("smart_threshold=1.5", "between 0 and 1"),
        ("min_age=-2d", "negative"),
        ("pending=3", "unknown key"),
    ] {
        let err = policy.apply_override(change).unwrap_err().to_string();
        assert!(err.contains(fragment), "{change}: {err}");
        assert!(
            err.contains("keys: max_pending"),
            "{change}: the keys are listed: {err}"
        );
        assert_eq!(policy, before, "{change} changed nothing");
    }
}

#[test]
fn under_the_prior_the_default_threshold_is_reached_at_about_seven_weeks() {
    let estimate = Estimate::from_prior(Prior::default());
    let crossing = (1..=120)
        .find(|&day| estimate.still_likely(d(f64::from(day))) < Policy::DEFAULT_SMART_THRESHOLD)
        .unwrap();
    let two_percent = (1..=120)
        .find(|&day| estimate.still_likely(d(f64::from(day))) < 0.02)
        .unwrap();
    assert!((44..=50).contains(&crossing), "0.2% at day {crossing}");
    assert!((10..=14).contains(&two_percent), "2% at day {two_percent}");
}
