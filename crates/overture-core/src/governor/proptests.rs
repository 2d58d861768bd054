//! Properties users depend on: the governor never withdraws a fresh invitation, never exceeds
//! the day's budget, never touches manual invitations it is told to leave alone, and brings an
//! account over its cap back to the cap when it can; a campaign's tightening only ever makes
//! its own invitations go sooner, never a fresh one.

use std::collections::{BTreeMap, BTreeSet};

use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

use super::*;
use crate::ids::{CampaignId, InvitationId};
use crate::sequence::Duration;

const HOUR: i64 = 60 * 60;
const DAY: i64 = 24 * HOUR;

fn now() -> Timestamp {
    "2026-06-01T12:00:00Z".parse().unwrap()
}

fn hours(n: i64) -> SignedDuration {
    SignedDuration::from_secs(n * HOUR)
}

fn policy() -> impl Strategy<Value = Policy> {
    (
        0u32..40,
        0i64..40 * 24,
        any::<bool>(),
        0.0f64..0.2,
        0i64..10 * 24,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(max_pending, withdraw_after, smart, smart_threshold, min_age, manual, make_room)| {
                Policy {
                    max_pending,
                    withdraw_after: hours(withdraw_after),
                    smart,
                    smart_threshold,
                    min_age: hours(min_age),
                    withdrawals_per_day: 40,
                    govern_manual_invites: manual,
                    make_room,
                }
            },
        )
}

/// A campaign's tightening, every field given or not.
fn tightening() -> impl Strategy<Value = Tightening> {
    let days = |max: i64| prop::option::of((1..max * 24).prop_map(|h| minutes(h * 60)));
    (
        prop::option::of(0u32..40),
        days(40),
        prop::option::of(0.0f64..0.3),
        days(10),
    )
        .prop_map(
            |(max_pending, withdraw_after, smart_threshold, min_age)| Tightening {
                max_pending,
                withdraw_after,
                smart_threshold,
                min_age,
            },
        )
}

fn minutes(n: i64) -> Duration {
    Duration::parse(&format!("{n}m")).unwrap()
}

/// Pending invitations with distinct ids (some sent "in the future"), then a few listed again.
fn pending() -> impl Strategy<Value = Vec<PendingInvite>> {
    prop::collection::vec((-2 * DAY..60 * DAY, 0i64..3), 0..60)
        .prop_flat_map(|invites| {
            let len = invites.len();
            let again = prop::collection::vec(0..len.max(1), 0..len.min(5) + 1);
            (Just(invites), again)
        })
        .prop_map(|(invites, again)| {
            let mut pending: Vec<PendingInvite> = invites
                .iter()
                .zip(1..)
                .map(|(&(age, campaign), id)| PendingInvite {
                    id: InvitationId(id),
                    sent_at: now() - SignedDuration::from_secs(age),
                    // Manual (no campaign), campaign 1 or campaign 2 (which may tighten).
                    campaign: (campaign > 0).then_some(CampaignId(campaign)),
                })
                .collect();
            let copies: Vec<PendingInvite> = again
                .iter()
                .filter_map(|&i| pending.get(i).copied())
                .collect();
            pending.extend(copies);
            pending
        })
}

/// An estimate from a random prior and a random small history.
fn estimate() -> impl Strategy<Value = Estimate> {
    let observation = (0..90 * DAY, 0u8..4, 0.0f64..1.0).prop_map(|(sent, kind, fraction)| {
        let sent_at = now() - SignedDuration::from_secs(sent);
        let at = sent_at + SignedDuration::from_secs_f64(sent as f64 * fraction);
        let outcome = match kind {
            0 => Outcome::Accepted { at },
            1 => Outcome::Censored { at },
            2 => Outcome::Declined,
            _ => Outcome::Pending,
        };
        Observation { sent_at, outcome }
    });
    (
        0.0f64..0.9,
        0.0f64..100.0,
        prop::collection::vec(observation, 0..40),
    )
        .prop_map(|(rate, weight, history)| {
            Estimate::new(Prior::new(rate, weight).unwrap(), &history, now())
        })
}

fn age_of(invite: &PendingInvite) -> SignedDuration {
    now().duration_since(invite.sent_at)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn selection_keeps_every_rule(
        policy in policy(),
        estimate in estimate(),
        pending in pending(),
        budget in 0u32..50,
        room in 0u32..10,
        tightening in tightening(),
    ) {
        let campaigns = BTreeMap::from([(CampaignId(2), policy.tightened_with(&tightening))]);
        let chosen =
            select_withdrawals(&policy, &campaigns, &estimate, &pending, now(), budget, room);
        let by_id = |id| pending.iter().find(|p| p.id == id).unwrap();
        let rule = |invite: &PendingInvite| {
            *invite.campaign.and_then(|c| campaigns.get(&c)).unwrap_or(&policy)
        };

        prop_assert!(chosen.len() <= budget as usize);
        let ids: BTreeSet<InvitationId> = chosen.iter().map(|w| w.id).collect();
        prop_assert_eq!(ids.len(), chosen.len(), "an id twice: {:?}", chosen);
        for w in &chosen {
            let invite = by_id(w.id);
            let rule = rule(invite);
            prop_assert!(age_of(invite) >= policy.min_age, "too young: {:?}", invite);
            prop_assert!(age_of(invite) >= rule.min_age, "too young: {:?}", invite);
            prop_assert!(policy.govern_manual_invites || !invite.manual(), "manual: {:?}", invite);
            match w.reason {
                WithdrawReason::Age => prop_assert!(age_of(invite) > rule.withdraw_after),
                WithdrawReason::Unlikely { probability } => {
                    prop_assert!(rule.smart && probability < rule.smart_threshold);
                }
                WithdrawReason::OverCap => {}
                WithdrawReason::MakeRoom => prop_assert!(policy.make_room),
            }
        }
        // Age first, then unlikely, then over the cap.
        let phase = |r: &WithdrawReason| match r {
            WithdrawReason::Age => 0,
            WithdrawReason::Unlikely { .. } => 1,
            WithdrawReason::OverCap => 2,
            WithdrawReason::MakeRoom => 3,
        };
        prop_assert!(chosen.windows(2).all(|w| phase(&w[0].reason) <= phase(&w[1].reason)));

        let distinct: BTreeSet<InvitationId> = pending.iter().map(|p| p.id).collect();
        let count = distinct.len();
        let cap = policy.max_pending as usize;
        let eligible = distinct
            .iter()
            .map(|&id| by_id(id))
            .filter(|p| age_of(p) >= rule(p).min_age)
            .filter(|p| policy.govern_manual_invites || !p.manual())
            .count();
        let left = count - chosen.len();
        if count > cap && eligible.min(budget as usize) >= count - cap {
            prop_assert!(left <= cap, "{} left above the cap of {}", left, cap);
        }
        // Over the cap it stops at the cap, never below; making room (smart) stops once
        // `room` places are free, and takes only what is less likely than a new invitation.
        if chosen.iter().any(|w| w.reason == WithdrawReason::OverCap) && !policy.make_room {
            prop_assert!(left >= cap, "{} left below the cap of {}", left, cap);
        }
        if policy.smart && chosen.iter().any(|w| w.reason == WithdrawReason::MakeRoom) {
            let room = room as usize;
            prop_assert!(left + room >= cap, "{} left, room {} below the cap of {}", left, room, cap);
            for w in chosen.iter().filter(|w| w.reason == WithdrawReason::MakeRoom) {
                prop_assert!(w.probability < estimate.eventual());
            }
        }
    }

    #[test]
    fn the_chance_of_acceptance_never_rises_with_age(
        estimate in estimate(),
        mut ages in prop::collection::vec(0i64..200 * DAY, 2..20),
    ) {
        ages.sort_unstable();
        let chances: Vec<f64> = ages
            .iter()
            .map(|&a| estimate.still_likely(SignedDuration::from_secs(a)))
            .collect();
        for pair in chances.windows(2) {
            prop_assert!(pair[1] <= pair[0] + 1e-12, "{:?}", chances);
        }
        let accepted: Vec<f64> = ages
            .iter()
            .map(|&a| estimate.accepted_by(SignedDuration::from_secs(a)))
            .collect();
        for pair in accepted.windows(2) {
            prop_assert!(pair[0] <= pair[1] + 1e-12, "{:?}", accepted);
        }
        prop_assert!(accepted.iter().all(|&f| (0.0..=estimate.eventual() + 1e-12).contains(&f)));
    }
}

/// An account in one of a few zones, with any working hours on a quarter-hour grid and any
/// limits for withdrawals.
fn pacing_account() -> impl Strategy<Value = crate::account::Account> {
    use crate::account::{Account, AccountKind, AccountStatus, Tier, Zone};
    use crate::action::ActionKind;
    use crate::ids::{AccountId, WorkspaceId};
    use crate::limits::{AccountLimits, KindLimit, WarmUp};
    use crate::working_hours::{Day, WorkingHours};
    let zone = prop::sample::select(vec!["UTC", "Europe/Berlin", "America/New_York"]);
    let hours = (1u8..128, 0i64..96, 4i64..96);
    let limit = (1u32..50, 1u32..250, 0i64..1_800, 0i64..600);
    (zone, hours, limit).prop_map(|(zone, (mask, start, length), (day, week, s, j))| {
        let time = |quarter: i64| {
            let minutes = quarter % 96 * 15;
            jiff::civil::Time::new((minutes / 60) as i8, (minutes % 60) as i8, 0, 0).unwrap()
        };
        let days = Day::ALL
            .into_iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, d)| d);
        let withdraw = KindLimit {
            per_day: day,
            per_week: week,
            min_spacing: SignedDuration::from_secs(s),
            jitter: SignedDuration::from_secs(j),
        };
        Account {
            id: AccountId(1),
            workspace_id: WorkspaceId(1),
            name: "alice".into(),
            kind: AccountKind::Sandbox,
            tier: Tier::Premium,
            time_zone: Zone::parse(zone).unwrap(),
            working_hours: WorkingHours::new(days, time(start), time(start + length)).unwrap(),
            limits: AccountLimits {
                kinds: BTreeMap::from([(ActionKind::Withdraw, withdraw)]),
                warm_up: WarmUp {
                    start_percent: 100,
                    ramp_days: 0,
                },
                note_quota: None,
            },
            governor: Policy::default(),
            sender: Default::default(),
            status: AccountStatus::Active,
            created_at: "2026-01-01T00:00:00Z".parse().unwrap(),
        }
    })
}

/// Whether `at` is an instant the account's limits allow a withdrawal, after `history`: the
/// limits' own answer (`limits::allowance`, property-tested on its own) at the minimum spacing.
fn allowed_at(account: &crate::account::Account, history: &[Timestamp], at: Timestamp) -> bool {
    pace::next_withdrawal(account, history, at, 0.0) == Some(at)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Withdrawals are paced whether they are spread over the day or made as soon as possible
    /// to make room: every due time is one the account's limits allow (working hours, the day
    /// and week caps, the minimum spacing after the one before), in order, inside one working
    /// window; and those that make room take no more time than the limits impose.
    #[test]
    fn withdrawals_keep_the_limits_however_they_are_paced(
        account in pacing_account(),
        done in prop::collection::vec(0i64..7 * DAY, 0..30),
        count in 0usize..60,
        seed: u64,
        offset in 0i64..7 * DAY,
    ) {
        let now = now() + SignedDuration::from_secs(offset);
        let mut history: Vec<Timestamp> = done
            .iter()
            .map(|&s| now - SignedDuration::from_secs(s + 1))
            .collect();
        history.sort();
        let limit = account.limits.kinds[&crate::action::ActionKind::Withdraw];
        for soon in [false, true] {
            let times = if soon {
                withdrawal_times_soon(&account, &history, count, seed, now)
            } else {
                withdrawal_times(&account, &history, count, seed, now)
            };
            prop_assert!(times.len() <= count);
            let mut seen = history.clone();
            for &t in &times {
                prop_assert!(t >= now);
                prop_assert!(allowed_at(&account, &seen, t), "{} not allowed (soon: {})", t, soon);
                seen.push(t);
            }
            if let Some(&first) = times.first() {
                let end = account.working_hours.window_end(&account.time_zone, first);
                prop_assert!(times.iter().all(|&t| end.is_some_and(|end| t < end)));
            }
            if soon {
                // Back to back: no wait longer than the spacing with its jitter, unless a
                // cap (the day's or the week's) is what the next one waits for.
                for pair in times.windows(2) {
                    let gap = pair[1].duration_since(pair[0]);
                    let before: Vec<Timestamp> =
                        seen.iter().copied().filter(|&t| t < pair[1]).collect();
                    let most = limit.min_spacing + limit.jitter;
                    let capped = !allowed_at(&account, &before, pair[0] + most);
                    prop_assert!(gap <= most || capped,
                        "waited {} between {} and {}", gap, pair[0], pair[1]);
                }
            }
        }
    }
}
