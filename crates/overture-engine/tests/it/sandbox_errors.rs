//! Every channel error class, produced by the sandbox (faults injected with
//! `SandboxNetwork::inject`, and the sandbox's own LinkedIn rules and seat states), leads to the
//! account, enrollment, action and event states of docs/engine.md ("Reactions to channel
//! errors"), the work goes on where the table says, and no invitation goes out twice.
//!
//! Every world here is inactive (nobody answers), so every invitation stays on the seat's sent
//! list, with its note flag, for the whole run.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use overture_channel::{Channel, ChannelError, InviteRequest};
use overture_clock::{Clock, ManualClock};
use overture_core::limits::{AccountLimits, KindLimit};
use overture_core::{
    Account, AccountStatus, Action, ActionKind, ActionState, CampaignId, EnrollmentState,
    EventKind, LeadId, ProfileUrl, Tier,
};
use overture_engine::{Engine, EngineConfig};
use overture_sandbox::{
    FaultPlan, Op, RequestRecord, SandboxChannels, SandboxNetwork, SeatProfile, WorldParams,
};
use overture_store::{
    ActionQuery, Backoff, BackoffAxis, EnrollmentRecord, EventQuery, NewCampaignVersion, Store,
};
use overture_store_sqlite::{SqliteOptions, SqliteStore};
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::{WS, days, limits, spec, start, step};

/// The one seat, and the account's name.
const SEAT: &str = "alice";
const SEED: u64 = 5;

fn mins(n: i64) -> SignedDuration {
    SignedDuration::from_mins(n)
}

fn hours(n: i64) -> SignedDuration {
    SignedDuration::from_hours(n)
}

/// An invite-only sequence, with a note or without one.
fn invite_steps(note: bool, note_optional: bool) -> Value {
    let notes: Vec<&str> = if note {
        vec!["Hello {{ first_name }}, glad to connect."]
    } else {
        Vec::new()
    };
    json!([step(json!({
        "type": "invite",
        "notes": notes,
        "without_note_if_quota_exhausted": note_optional,
    }))])
}

/// What a sandbox world is made of.
struct Setup {
    tier: Tier,
    limits: AccountLimits,
    params: WorldParams,
    steps: Value,
}

/// `people` inactive people, a Premium seat (no note quota at the sandbox), the engine's
/// default test limits (20 a day, 100 a week, 3 minutes apart, no note quota) and `steps`.
fn setup(people: u32, steps: Value) -> Setup {
    let mut params = WorldParams::default();
    params.population.people = people;
    params.population.inactive_share = 1.0;
    Setup {
        tier: Tier::Premium,
        limits: limits(None),
        params,
        steps,
    }
}

/// A sandbox world with one seat and its account, the whole population as leads, a started
/// invite campaign and an engine on a SQLite store.
struct Bench {
    net: SandboxNetwork,
    store: SqliteStore,
    clock: ManualClock,
    engine: Engine<SqliteStore, SandboxChannels, ManualClock>,
    account: Account,
    campaign: CampaignId,
    config: EngineConfig,
    _dir: TempDir,
}

/// The refused invitation.
#[derive(Debug, Clone)]
struct Failure {
    at: Timestamp,
    profile: ProfileUrl,
    lead: LeadId,
}

impl Bench {
    async fn new(setup: Setup) -> Bench {
        let clock = ManualClock::new(start());
        let net = SandboxNetwork::new(setup.params, SEED, Arc::new(clock.clone())).unwrap();
        net.add_seat(SEAT, setup.tier, SeatProfile::default())
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("errors.db"), SqliteOptions::default())
            .await
            .unwrap();
        // These runs leave invitations pending for weeks on purpose: the governor stays out.
        let mut seat = crate::seat(SEAT, setup.tier, setup.limits);
        seat.governor.withdrawals_per_day = 0;
        let account = store.create_account(seat).await.unwrap();
        store
            .import_leads(WS, "prospects", &net.population(), start(), &|_| {})
            .await
            .unwrap();
        let version = NewCampaignVersion {
            name: "spring".into(),
            source: "spring".into(),
            spec: spec(setup.steps, json!({})),
        };
        let campaign = store
            .apply_campaign(WS, version, start())
            .await
            .unwrap()
            .campaign
            .id;
        let config = EngineConfig {
            seed: SEED,
            ..EngineConfig::default()
        };
        let mut engine = Engine::new(store.clone(), net.channels(), clock.clone(), config.clone());
        engine.start_campaign(WS, campaign).await.unwrap();
        Bench {
            net,
            store,
            clock,
            engine,
            account,
            campaign,
            config,
            _dir: dir,
        }
    }

    /// Runs the engine until `until`.
    async fn run_to(&mut self, until: Timestamp) {
        self.engine.run_until(until).await.unwrap();
    }

    /// Ticks the engine (moving the clock to each wake-up) until the request log satisfies
    /// `done`, and stops right after that tick.
    async fn run_until_log(
        &mut self,
        limit: Timestamp,
        what: &str,
        done: impl Fn(&[RequestRecord]) -> bool,
    ) {
        loop {
            let report = self.engine.tick().await.unwrap();
            if done(&self.net.request_log()) {
                return;
            }
            let now = self.clock.now();
            match report
                .next_wakeup
                .map(|t| t.max(now + SignedDuration::from_secs(1)))
            {
                Some(t) if t <= limit => self.clock.set(t),
                _ => panic!("{what}: not seen by {limit}"),
            }
        }
    }

    /// Runs until `n` invitations went out.
    async fn run_until_sent(&mut self, n: usize) {
        self.run_until_log(start() + days(3), "invitations sent", |log| {
            sent_in(log).len() >= n
        })
        .await;
    }

    /// Runs until an invitation is refused with `code`, stops right after that tick, and
    /// returns the refusal.
    async fn run_until_refused(&mut self, code: &str, limit: Timestamp) -> Failure {
        self.run_until_log(limit, code, |log| {
            log.iter()
                .any(|r| r.op == Op::Invite && r.error == Some(code))
        })
        .await;
        let refused = self
            .invite_calls()
            .into_iter()
            .find(|r| r.error == Some(code))
            .unwrap();
        self.failure(&refused).await
    }

    async fn failure(&self, refused: &RequestRecord) -> Failure {
        let profile = refused
            .profile
            .clone()
            .expect("an invitation names its person");
        Failure {
            at: refused.at,
            lead: self.lead(&profile).await,
            profile,
        }
    }

    fn invite_calls(&self) -> Vec<RequestRecord> {
        self.net
            .request_log()
            .into_iter()
            .filter(|r| r.op == Op::Invite)
            .collect()
    }

    /// Invitations that went out (the effect happened), oldest first.
    fn sent(&self) -> Vec<RequestRecord> {
        sent_in(&self.net.request_log())
    }

    fn refusals(&self, code: &str) -> Vec<RequestRecord> {
        self.invite_calls()
            .into_iter()
            .filter(|r| r.error == Some(code))
            .collect()
    }

    /// Invitation calls (refused or not) strictly between `from` and `to`.
    fn invite_calls_between(&self, from: Timestamp, to: Timestamp) -> Vec<RequestRecord> {
        self.invite_calls()
            .into_iter()
            .filter(|r| r.at > from && r.at < to)
            .collect()
    }

    async fn lead(&self, url: &ProfileUrl) -> LeadId {
        self.store.lead_by_url(WS, url).await.unwrap().unwrap().id
    }

    async fn leads(&self) -> Vec<(LeadId, ProfileUrl)> {
        let mut out = Vec::new();
        for lead in self.net.population() {
            let id = self.lead(&lead.profile_url).await;
            out.push((id, lead.profile_url));
        }
        out
    }

    /// The lead's one invitation action.
    async fn invite_action(&self, lead: LeadId) -> Action {
        let query = ActionQuery {
            state: None,
            account: Some(self.account.id),
            limit: 10_000,
        };
        let mut actions: Vec<Action> = self
            .store
            .list_actions(WS, query)
            .await
            .unwrap()
            .into_iter()
            .filter(|a| a.kind == ActionKind::Invite && a.lead_id == Some(lead))
            .collect();
        assert_eq!(actions.len(), 1, "one invitation action for {lead:?}");
        actions.remove(0)
    }

    async fn enrollment(&self, lead: LeadId) -> EnrollmentRecord {
        self.store
            .list_enrollments(WS, self.campaign)
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.enrollment.lead_id == lead)
            .unwrap()
    }

    /// Events of `kind`: the lead they name and their data.
    async fn events(&self, kind: EventKind) -> Vec<(Option<LeadId>, Value)> {
        let query = EventQuery {
            after: None,
            kinds: vec![kind],
            limit: 10_000,
        };
        self.store
            .list_events(WS, query)
            .await
            .unwrap()
            .into_iter()
            .map(|e| {
                let data = serde_json::from_str(&e.event.data).unwrap();
                (e.event.lead_id, data)
            })
            .collect()
    }

    async fn backoffs(&self) -> Vec<Backoff> {
        self.store.backoffs(self.account.id).await.unwrap()
    }

    async fn backoff(&self, axis: BackoffAxis) -> Option<Backoff> {
        self.backoffs().await.into_iter().find(|b| b.axis == axis)
    }

    async fn status(&self) -> AccountStatus {
        self.store
            .account(WS, self.account.id)
            .await
            .unwrap()
            .status
    }

    /// The seat's pending invitations as the sandbox lists them: profile → carried a note.
    async fn sent_list(&self) -> BTreeMap<String, bool> {
        let channel = self.net.channel(SEAT).unwrap();
        let mut out = BTreeMap::new();
        let mut cursor = None;
        loop {
            let page = channel.sent_invitations(cursor, 100).await.unwrap();
            for item in page.items {
                out.insert(item.profile_url.to_string(), item.with_note);
            }
            match page.next {
                Some(next) => cursor = Some(next),
                None => return out,
            }
        }
    }

    /// No invitation went out twice: none of the sandbox's duplicates, and at most one
    /// invitation per person (nothing here withdraws).
    fn assert_no_invitation_twice(&self) {
        assert!(
            self.net.duplicates().is_empty(),
            "{:?}",
            self.net.duplicates()
        );
        let mut per_person: BTreeMap<String, usize> = BTreeMap::new();
        for r in self.sent() {
            *per_person
                .entry(r.profile.map(|p| p.to_string()).unwrap_or_default())
                .or_default() += 1;
        }
        for (person, n) in per_person {
            assert_eq!(n, 1, "{person} was invited {n} times");
        }
    }

    /// Every person invited exactly once, each invitation action done and each enrollment
    /// completed.
    async fn assert_everyone_invited_once(&self) {
        self.assert_no_invitation_twice();
        let sent = self.sent();
        for (lead, url) in self.leads().await {
            assert!(
                sent.iter().any(|r| r.profile.as_ref() == Some(&url)),
                "{url} was never invited"
            );
            assert_eq!(self.invite_action(lead).await.state, ActionState::Done);
            let e = self.enrollment(lead).await;
            assert_eq!(e.enrollment.state, EnrollmentState::Completed, "{url}");
        }
    }

    /// No event of an account or limit reaction.
    async fn assert_no_reaction_events(&self) {
        for kind in [
            EventKind::LimitReached,
            EventKind::AccountPaused,
            EventKind::AccountRestricted,
        ] {
            assert_eq!(self.events(kind).await, Vec::new(), "{kind:?}");
        }
    }
}

fn sent_in(log: &[RequestRecord]) -> Vec<RequestRecord> {
    log.iter()
        .filter(|r| r.op == Op::Invite && r.effect)
        .cloned()
        .collect()
}

/// `a` and `b` within a second (the store keeps instants to the millisecond at best).
#[track_caller]
fn assert_at(a: Timestamp, b: Timestamp, what: &str) {
    let gap = a.duration_since(b).abs();
    assert!(
        gap <= SignedDuration::from_secs(1),
        "{what}: {a} is not {b}"
    );
}

fn is_open(state: EnrollmentState) -> bool {
    matches!(state, EnrollmentState::Active | EnrollmentState::Waiting)
}

// ---------------------------------------------------------------------------------------------
// Back-offs: RateLimited, WeeklyCapReached, NoteQuotaExhausted.

/// A back-off row of the table.
struct BackOffCase {
    name: &'static str,
    error: ChannelError,
    /// Invitations that go out before the fault is injected.
    after: usize,
    note_optional: bool,
    axis: BackoffAxis,
    /// The back-off's documented end, from the refusal's instant and the instants of the
    /// invitations sent before it.
    until: fn(Timestamp, &[Timestamp]) -> Timestamp,
}

#[tokio::test]
async fn back_off_errors_hold_the_axis_until_the_documented_instant_then_resume() {
    let cases = [
        BackOffCase {
            name: "RateLimited: back-off on invitations for retry_after",
            error: ChannelError::RateLimited {
                retry_after: mins(90),
            },
            after: 0,
            note_optional: false,
            axis: BackoffAxis::Action(ActionKind::Invite),
            until: |at, _| at + mins(90),
        },
        BackOffCase {
            name: "WeeklyCapReached with retry_after",
            error: ChannelError::WeeklyCapReached {
                retry_after: Some(days(2)),
            },
            after: 0,
            note_optional: false,
            axis: BackoffAxis::Action(ActionKind::Invite),
            until: |at, _| at + days(2),
        },
        BackOffCase {
            name: "WeeklyCapReached without retry_after: until the oldest of the week leaves it",
            error: ChannelError::WeeklyCapReached { retry_after: None },
            after: 1,
            note_optional: false,
            axis: BackoffAxis::Action(ActionKind::Invite),
            until: |_, sent| sent[0] + days(7),
        },
        BackOffCase {
            name: "NoteQuotaExhausted, note required: wait for the quota",
            error: ChannelError::NoteQuotaExhausted,
            after: 1,
            note_optional: false,
            axis: BackoffAxis::InviteNote,
            until: |_, sent| sent[0] + days(30),
        },
        BackOffCase {
            name: "NoteQuotaExhausted, without_note_if_quota_exhausted: send without the note",
            error: ChannelError::NoteQuotaExhausted,
            after: 1,
            note_optional: true,
            axis: BackoffAxis::InviteNote,
            until: |_, sent| sent[0] + days(30),
        },
    ];
    for case in cases {
        back_off_case(case).await;
    }
}

async fn back_off_case(case: BackOffCase) {
    let name = case.name;
    let code = case.error.code();
    let mut b = Bench::new(setup(3, invite_steps(true, case.note_optional))).await;
    if case.after > 0 {
        b.run_until_sent(case.after).await;
    }
    b.net
        .inject(FaultPlan::fail(case.error.clone()).on(Op::Invite).times(1));
    let fail = b.run_until_refused(code, start() + days(3)).await;
    let before: Vec<Timestamp> = b.sent().iter().map(|r| r.at).collect();
    assert_eq!(before.len(), case.after, "{name}");
    let until = (case.until)(fail.at, &before);

    // Right after the refusal: the back-off, the event, the released action.
    let backoff = b
        .backoff(case.axis)
        .await
        .unwrap_or_else(|| panic!("{name}: no back-off on {:?}", case.axis));
    assert_at(backoff.until, until, name);
    assert_eq!(backoff.reason, code, "{name}");
    assert_eq!(b.backoffs().await.len(), 1, "{name}: only that axis");
    let limit_events = b.events(EventKind::LimitReached).await;
    assert_eq!(limit_events.len(), 1, "{name}: {limit_events:?}");
    assert_eq!(limit_events[0].0, Some(fail.lead), "{name}");
    assert_eq!(limit_events[0].1["reason"], code, "{name}");
    assert_eq!(b.status().await, AccountStatus::Active, "{name}");
    let action = b.invite_action(fail.lead).await;
    assert_eq!(action.state, ActionState::Queued, "{name}: released");
    let due = if case.note_optional {
        fail.at + mins(1)
    } else {
        until
    };
    assert_at(action.due_at, due, name);
    let enrollment = b.enrollment(fail.lead).await;
    assert!(
        is_open(enrollment.enrollment.state),
        "{name}: {enrollment:?}"
    );

    // After the back-off the work goes on.
    b.run_to(until + days(2)).await;
    let mine: Vec<RequestRecord> = b
        .sent()
        .into_iter()
        .filter(|r| r.profile.as_ref() == Some(&fail.profile))
        .collect();
    assert_eq!(
        mine.len(),
        1,
        "{name}: the refused invitation went out once"
    );
    let notes = b.sent_list().await;
    if case.note_optional {
        // Released for a minute and sent without the note; so is every later one.
        assert!(mine[0].at >= fail.at + mins(1), "{name}: {}", mine[0].at);
        assert!(mine[0].at < fail.at + hours(1), "{name}: {}", mine[0].at);
        for r in b.sent() {
            let url = r.profile.as_ref().unwrap().to_string();
            assert_eq!(notes[&url], r.at < fail.at, "{name}: note of {url}");
        }
    } else {
        // Nothing was tried during the back-off (every invitation here has a note).
        let during = b.invite_calls_between(fail.at, until);
        assert!(
            during.is_empty(),
            "{name}: called during the back-off: {during:?}"
        );
        assert!(mine[0].at >= until, "{name}: sent at {}", mine[0].at);
        assert!(notes.values().all(|&n| n), "{name}: a note was dropped");
    }
    assert_eq!(b.refusals(code).len(), 1, "{name}: refused once");
    b.assert_everyone_invited_once().await;
}

// ---------------------------------------------------------------------------------------------
// Account reactions: SessionExpired, Challenge, Restricted.

/// A pausing row of the table.
struct PauseCase {
    name: &'static str,
    error: ChannelError,
    status: fn(&AccountStatus) -> bool,
}

#[tokio::test]
async fn session_and_challenge_errors_pause_the_seat_until_the_user_resumes_it() {
    let cases = [
        PauseCase {
            name: "SessionExpired → NeedsCredentials",
            error: ChannelError::SessionExpired,
            status: |s| *s == AccountStatus::NeedsCredentials,
        },
        PauseCase {
            name: "Challenge → Paused with the reason",
            error: ChannelError::Challenge {
                detail: "checkpoint/challenge".into(),
            },
            status: |s| matches!(s, AccountStatus::Paused { reason } if reason.contains("checkpoint/challenge")),
        },
    ];
    for case in cases {
        let name = case.name;
        let code = case.error.code();
        let mut b = Bench::new(setup(3, invite_steps(true, false))).await;
        b.net
            .inject(FaultPlan::fail(case.error).on(Op::Invite).times(1));
        let fail = b.run_until_refused(code, start() + days(1)).await;

        let status = b.status().await;
        assert!((case.status)(&status), "{name}: {status:?}");
        let paused = b.events(EventKind::AccountPaused).await;
        assert_eq!(paused.len(), 1, "{name}: {paused:?}");
        assert_eq!(paused[0].1["reason"], code, "{name}");
        let action = b.invite_action(fail.lead).await;
        assert_eq!(action.state, ActionState::Queued, "{name}: released");
        assert_at(action.due_at, fail.at + b.config.paused_recheck, name);
        assert!(b.backoffs().await.is_empty(), "{name}");
        assert!(
            is_open(b.enrollment(fail.lead).await.enrollment.state),
            "{name}"
        );

        // The engine never resumes the seat by itself: nothing goes out for days.
        b.run_to(fail.at + days(4)).await;
        assert!((case.status)(&b.status().await), "{name}: still paused");
        assert_eq!(b.invite_calls().len(), 1, "{name}: only the refused call");
        assert_eq!(
            b.invite_action(fail.lead).await.state,
            ActionState::Queued,
            "{name}"
        );

        // Once the user resumes it, the same actions go out.
        b.store
            .set_account_status(WS, b.account.id, AccountStatus::Active)
            .await
            .unwrap();
        let resumed = b.clock.now();
        b.run_to(resumed + days(2)).await;
        assert!(
            b.sent().iter().all(|r| r.at > resumed),
            "{name}: nothing before the resume"
        );
        b.assert_everyone_invited_once().await;
    }
}

/// A restriction row of the table.
struct RestrictCase {
    name: &'static str,
    until: Option<Timestamp>,
    /// The documented end from the refusal's instant.
    expected: fn(Timestamp) -> Timestamp,
}

#[tokio::test]
async fn a_restriction_holds_the_seat_until_it_ends_then_the_work_resumes() {
    let cases = [
        RestrictCase {
            name: "Restricted with an end",
            until: Some(start() + days(3)),
            expected: |_| start() + days(3),
        },
        RestrictCase {
            name: "Restricted without an end: default a week",
            until: None,
            expected: |at| at + days(7),
        },
    ];
    for case in cases {
        let name = case.name;
        let mut b = Bench::new(setup(3, invite_steps(true, false))).await;
        let error = ChannelError::Restricted { until: case.until };
        b.net.inject(FaultPlan::fail(error).on(Op::Invite).times(1));
        let fail = b.run_until_refused("restricted", start() + days(1)).await;
        let until = (case.expected)(fail.at);

        match b.status().await {
            AccountStatus::Restricted { until: u } => assert_at(u, until, name),
            other => panic!("{name}: {other:?}"),
        }
        let events = b.events(EventKind::AccountRestricted).await;
        assert_eq!(events.len(), 1, "{name}: {events:?}");
        assert_eq!(events[0].1["reason"], "restricted", "{name}");
        let action = b.invite_action(fail.lead).await;
        assert_eq!(action.state, ActionState::Queued, "{name}: released");
        assert_at(action.due_at, until, name);
        assert!(b.backoffs().await.is_empty(), "{name}");

        b.run_to(until + days(2)).await;
        let during = b.invite_calls_between(fail.at, until);
        assert!(
            during.is_empty(),
            "{name}: called while restricted: {during:?}"
        );
        let mine = b
            .sent()
            .into_iter()
            .find(|r| r.profile.as_ref() == Some(&fail.profile))
            .unwrap_or_else(|| panic!("{name}: never sent after the restriction"));
        assert!(mine.at >= until, "{name}: sent at {}", mine.at);
        b.assert_everyone_invited_once().await;
    }
}

// ---------------------------------------------------------------------------------------------
// Lead reactions: CannotReinviteYet, ProfileUnreachable, Permanent.

/// A row of errors that end one enrollment.
struct StopCase {
    error: ChannelError,
    /// The event written for the refusal, if any (`limit_reached` with the code as reason).
    event: bool,
    /// Whether the person's re-invite cooldown is moved to now + 21 days.
    cooldown: bool,
}

#[tokio::test]
async fn lead_errors_fail_the_action_and_stop_only_that_enrollment() {
    let cases = [
        StopCase {
            error: ChannelError::CannotReinviteYet,
            event: true,
            cooldown: true,
        },
        StopCase {
            error: ChannelError::ProfileUnreachable,
            event: false,
            cooldown: false,
        },
        StopCase {
            error: ChannelError::Permanent {
                detail: "bad request".into(),
            },
            event: false,
            cooldown: false,
        },
    ];
    for case in cases {
        let code = case.error.code();
        let mut b = Bench::new(setup(3, invite_steps(true, false))).await;
        b.net
            .inject(FaultPlan::fail(case.error).on(Op::Invite).times(1));
        b.run_to(start() + days(2)).await;
        let refused = b.refusals(code);
        assert_eq!(refused.len(), 1, "{code}");
        let fail = b.failure(&refused[0]).await;
        check_stopped(&b, &fail, code, case.event, case.cooldown).await;
        b.assert_no_invitation_twice();
    }
}

/// The refused person's action failed and enrollment stopped with `code`; the account is
/// untouched and every other person was invited.
async fn check_stopped(b: &Bench, fail: &Failure, code: &str, event: bool, cooldown: bool) {
    assert_eq!(
        b.invite_action(fail.lead).await.state,
        ActionState::Failed,
        "{code}"
    );
    let e = b.enrollment(fail.lead).await;
    assert_eq!(e.enrollment.state, EnrollmentState::Stopped, "{code}");
    assert_eq!(e.reason.as_deref(), Some(code), "{code}");
    assert_eq!(b.status().await, AccountStatus::Active, "{code}");
    assert!(
        b.backoffs().await.is_empty(),
        "{code}: {:?}",
        b.backoffs().await
    );
    let stored = b.store.cooldown(WS, b.account.id, fail.lead).await.unwrap();
    if cooldown {
        let c = stored.unwrap_or_else(|| panic!("{code}: no cooldown"));
        assert_at(c.reinvite_not_before, fail.at + days(21), code);
    } else {
        assert_eq!(stored, None, "{code}");
    }
    let limits = b.events(EventKind::LimitReached).await;
    if event {
        assert_eq!(limits.len(), 1, "{code}: {limits:?}");
        assert_eq!(limits[0].0, Some(fail.lead), "{code}");
        assert_eq!(limits[0].1["reason"], code, "{code}");
    } else {
        assert!(limits.is_empty(), "{code}: {limits:?}");
    }
    for kind in [EventKind::AccountPaused, EventKind::AccountRestricted] {
        assert!(b.events(kind).await.is_empty(), "{code}: {kind:?}");
    }
    // The person was not tried again; everyone else went on.
    let calls: Vec<RequestRecord> = b
        .invite_calls()
        .into_iter()
        .filter(|r| r.profile.as_ref() == Some(&fail.profile))
        .filter(|r| r.idempotency_key.as_deref() != Some(MANUAL_KEY))
        .collect();
    assert_eq!(calls.len(), 1, "{code}: {calls:?}");
    for (lead, url) in b.leads().await {
        if lead == fail.lead {
            continue;
        }
        assert_eq!(
            b.invite_action(lead).await.state,
            ActionState::Done,
            "{url}"
        );
        let e = b.enrollment(lead).await;
        assert_eq!(e.enrollment.state, EnrollmentState::Completed, "{url}");
    }
}

// ---------------------------------------------------------------------------------------------
// Transient failures: reconciled, retried with exponential back-off, given up.

/// A transient row of the table.
struct TransientCase {
    name: &'static str,
    plan: FaultPlan,
    /// Invitation calls the engine makes in all.
    calls: usize,
    /// Whether the invitation finally went out.
    done: bool,
}

#[tokio::test]
async fn transient_errors_are_reconciled_then_retried_with_backoff_or_given_up() {
    let transient = || {
        FaultPlan::fail(ChannelError::Transient {
            detail: "502".into(),
        })
        .on(Op::Invite)
    };
    let cases = [
        TransientCase {
            name: "one transient failure, then success",
            plan: transient().times(1),
            calls: 2,
            done: true,
        },
        TransientCase {
            name: "three transient failures, the fourth attempt succeeds",
            plan: transient().times(3),
            calls: 4,
            done: true,
        },
        TransientCase {
            name: "transient failures give up after max_attempts",
            plan: transient().times(100),
            calls: 4,
            done: false,
        },
        TransientCase {
            name: "a lost answer: the write happened, it is reconciled, not repeated",
            plan: FaultPlan::lose_answer().on(Op::Invite).times(1),
            calls: 1,
            done: true,
        },
    ];
    for case in cases {
        let name = case.name;
        let mut b = Bench::new(setup(1, invite_steps(true, false))).await;
        b.net.inject(case.plan);
        b.run_to(start() + days(3)).await;
        let config = b.config.clone();
        assert_eq!(config.max_attempts, 4);
        let calls = b.invite_calls();
        assert_eq!(calls.len(), case.calls, "{name}: {calls:?}");
        let lead = b.leads().await[0].0;
        let log = b.net.request_log();
        for (i, pair) in calls.windows(2).enumerate() {
            assert_eq!(pair[0].error, Some("transient"), "{name}");
            // Retried after backoff_base × 2^failures, not at once and not much later.
            let wait = config.backoff_base * (1 << i);
            let gap = pair[1].at.duration_since(pair[0].at);
            assert!(gap >= wait, "{name}: retry {i} after {gap:#}, not {wait:#}");
            assert!(gap < wait + mins(5), "{name}: retry {i} after {gap:#}");
            // A write may have happened: the engine asked before retrying.
            let looked = log
                .iter()
                .any(|r| r.op == Op::LookupProfile && r.at >= pair[0].at && r.at <= pair[1].at);
            assert!(looked, "{name}: retry {i} without a look-up first");
        }
        let action = b.invite_action(lead).await;
        let e = b.enrollment(lead).await;
        if case.done {
            assert_eq!(b.sent().len(), 1, "{name}");
            assert!(calls.last().unwrap().effect, "{name}");
            assert_eq!(action.state, ActionState::Done, "{name}");
            assert_eq!(e.enrollment.state, EnrollmentState::Completed, "{name}");
        } else {
            assert!(b.sent().is_empty(), "{name}");
            assert_eq!(action.state, ActionState::Failed, "{name}");
            assert_eq!(e.enrollment.state, EnrollmentState::Stopped, "{name}");
            assert!(e.reason.is_some(), "{name}: a stop reason");
            // Given up for good: no more calls later.
            b.run_to(start() + days(6)).await;
            assert_eq!(b.invite_calls().len(), case.calls, "{name}: no storm");
        }
        // The sandbox's invitation and the stored one agree.
        let stored = b
            .store
            .latest_invitation(WS, b.account.id, lead)
            .await
            .unwrap();
        assert_eq!(stored.is_some(), case.done, "{name}: {stored:?}");
        assert_eq!(b.status().await, AccountStatus::Active, "{name}");
        assert!(b.backoffs().await.is_empty(), "{name}");
        b.assert_no_reaction_events().await;
        b.assert_no_invitation_twice();
    }
}

// ---------------------------------------------------------------------------------------------
// The sandbox's own rules produce the errors.

/// A free seat whose sandbox cap (5 a week) is far below the engine's limits (100 a week):
/// the engine learns the cap from WeeklyCapReached and backs off invitations until the
/// sandbox's window has room, never sending beyond it.
#[tokio::test]
async fn the_sandbox_weekly_cap_backs_off_invitations_with_the_engine_limits_looser() {
    const CAP: u32 = 5;
    const PEOPLE: u32 = 12;
    let mut s = setup(PEOPLE, invite_steps(false, false));
    s.tier = Tier::Free;
    s.params.rules.weekly_invites_free = CAP;
    assert!(s.limits.kinds[&ActionKind::Invite].per_week > CAP);
    let mut b = Bench::new(s).await;

    let fail = b
        .run_until_refused("weekly_cap_reached", start() + days(2))
        .await;
    let sent: Vec<Timestamp> = b.sent().iter().map(|r| r.at).collect();
    assert_eq!(sent.len(), CAP as usize, "the cap was reached first");
    let until = sent[0] + days(7);
    let backoff = b
        .backoff(BackoffAxis::Action(ActionKind::Invite))
        .await
        .expect("a back-off on invitations");
    assert_at(
        backoff.until,
        until,
        "back-off until the oldest leaves the week",
    );
    assert_eq!(backoff.reason, "weekly_cap_reached");
    let events = b.events(EventKind::LimitReached).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].1["reason"], "weekly_cap_reached");
    let action = b.invite_action(fail.lead).await;
    assert_eq!(action.state, ActionState::Queued);
    assert_at(action.due_at, until, "released until the window has room");

    b.run_to(start() + days(16)).await;
    let log = b.net.request_log();
    let sent: Vec<Timestamp> = sent_in(&log).iter().map(|r| r.at).collect();
    // Never beyond the sandbox's cap in any rolling week.
    for (i, t) in sent.iter().enumerate() {
        let in_week = sent[i..].iter().filter(|u| **u < *t + days(7)).count();
        assert!(
            in_week <= CAP as usize,
            "{in_week} invitations in the week from {t}"
        );
    }
    // After every refusal, nothing is tried before the sandbox's window has room again.
    let refusals = b.refusals("weekly_cap_reached");
    assert!(!refusals.is_empty());
    for r in &refusals {
        let oldest = sent
            .iter()
            .find(|t| **t > r.at - days(7) && **t <= r.at)
            .expect("a full week behind a refusal");
        let room = *oldest + days(7);
        let next = log
            .iter()
            .find(|x| x.op == Op::Invite && x.at > r.at)
            .map(|x| x.at);
        if let Some(next) = next {
            assert!(
                next >= room,
                "tried at {next} after a refusal at {}, room at {room}",
                r.at
            );
        }
    }
    // The work went on in the following weeks.
    b.assert_everyone_invited_once().await;
    let stats = b.net.stats(SEAT).unwrap();
    assert_eq!(stats.invites_sent, PEOPLE);
}

/// The engine's limits are looser than the sandbox's burst rule (3 invitations in 180
/// minutes, then an hour's penalty; the planner spreads 24 invitations over the 12-hour day,
/// one every half hour): the engine learns it from RateLimited and backs off invitations for
/// the penalty, never calling during it.
#[tokio::test]
async fn the_sandbox_burst_rule_rate_limits_and_the_engine_backs_off_the_penalty() {
    const PEOPLE: u32 = 24;
    let mut s = setup(PEOPLE, invite_steps(false, false));
    s.limits.kinds.insert(
        ActionKind::Invite,
        KindLimit {
            per_day: 500,
            per_week: 2000,
            min_spacing: SignedDuration::from_secs(30),
            jitter: SignedDuration::from_secs(30),
        },
    );
    s.params.rules.burst_invites = 3;
    s.params.rules.burst_window_minutes = 180;
    s.params.rules.burst_penalty_minutes = 60;
    let penalty = mins(60);
    let mut b = Bench::new(s).await;

    let fail = b.run_until_refused("rate_limited", start() + days(1)).await;
    let backoff = b
        .backoff(BackoffAxis::Action(ActionKind::Invite))
        .await
        .expect("a back-off on invitations");
    assert_at(backoff.until, fail.at + penalty, "back-off for the penalty");
    assert_eq!(backoff.reason, "rate_limited");
    let action = b.invite_action(fail.lead).await;
    assert_eq!(action.state, ActionState::Queued);
    assert_at(action.due_at, fail.at + penalty, "released for the penalty");
    let events = b.events(EventKind::LimitReached).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].1["reason"], "rate_limited");

    b.run_to(start() + days(6)).await;
    let refusals = b.refusals("rate_limited");
    for r in &refusals {
        let during = b.invite_calls_between(r.at, r.at + penalty);
        assert!(
            during.is_empty(),
            "called during the penalty from {}: {during:?}",
            r.at
        );
    }
    assert_eq!(
        b.events(EventKind::LimitReached).await.len(),
        refusals.len()
    );
    b.assert_everyone_invited_once().await;
}

/// A free seat at the sandbox's note quota (5 notes in 30 days), the engine without a note
/// quota of its own: the engine learns it from NoteQuotaExhausted and backs off notes.
#[tokio::test]
async fn the_sandbox_note_quota_backs_off_notes_with_the_engine_limits_looser() {
    const PEOPLE: u32 = 8;
    for note_optional in [false, true] {
        let name = if note_optional {
            "without_note_if_quota_exhausted"
        } else {
            "note required"
        };
        let mut s = setup(PEOPLE, invite_steps(true, note_optional));
        s.tier = Tier::Free;
        assert!(s.limits.note_quota.is_none());
        let quota = s.params.rules.free_notes_per_window as usize;
        let mut b = Bench::new(s).await;

        let fail = b
            .run_until_refused("note_quota_exhausted", start() + days(2))
            .await;
        let sent: Vec<Timestamp> = b.sent().iter().map(|r| r.at).collect();
        assert_eq!(sent.len(), quota, "{name}: the quota was used first");
        let until = sent[0] + days(30);
        let backoff = b
            .backoff(BackoffAxis::InviteNote)
            .await
            .unwrap_or_else(|| panic!("{name}: no note back-off"));
        assert_at(backoff.until, until, name);
        assert_eq!(backoff.reason, "note_quota_exhausted", "{name}");
        let events = b.events(EventKind::LimitReached).await;
        assert_eq!(events.len(), 1, "{name}: {events:?}");
        assert_eq!(events[0].1["reason"], "note_quota_exhausted", "{name}");

        b.run_to(start() + days(10)).await;
        assert_eq!(
            b.refusals("note_quota_exhausted").len(),
            1,
            "{name}: refused once"
        );
        let notes = b.sent_list().await;
        let with_note = notes.values().filter(|&&n| n).count();
        assert_eq!(with_note, quota, "{name}: never beyond the quota");
        if note_optional {
            assert_eq!(
                notes.len(),
                PEOPLE as usize,
                "{name}: the rest without a note"
            );
            b.assert_everyone_invited_once().await;
        } else {
            assert_eq!(notes.len(), quota, "{name}: no note dropped");
            b.assert_no_invitation_twice();
            let action = b.invite_action(fail.lead).await;
            assert_eq!(action.state, ActionState::Queued, "{name}");
            assert!(action.due_at >= until, "{name}: due at {}", action.due_at);
            assert!(
                is_open(b.enrollment(fail.lead).await.enrollment.state),
                "{name}"
            );
            // Once the oldest note leaves the window, notes go out again.
            b.run_to(until + days(2)).await;
            let notes = b.sent_list().await;
            assert!(notes.len() > quota, "{name}: resumed after the window");
            assert!(notes.values().all(|&n| n), "{name}: with their notes");
            b.assert_no_invitation_twice();
        }
    }
}

const MANUAL_KEY: &str = "manual-invitation";

/// An invitation sent outside the engine is pending at the sandbox: the engine's own
/// invitation is refused with CannotReinviteYet by the sandbox's rule.
#[tokio::test]
async fn an_invitation_pending_at_the_sandbox_makes_the_engine_cool_the_person_down() {
    let mut b = Bench::new(setup(3, invite_steps(true, false))).await;
    let (_, url) = b.leads().await.remove(1);
    let request = InviteRequest {
        profile: url.clone(),
        note: None,
        idempotency_key: MANUAL_KEY.into(),
    };
    b.net.channel(SEAT).unwrap().invite(request).await.unwrap();
    b.run_to(start() + days(2)).await;
    let refused = b.refusals("cannot_reinvite_yet");
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].profile.as_ref(), Some(&url));
    let fail = b.failure(&refused[0]).await;
    check_stopped(&b, &fail, "cannot_reinvite_yet", true, true).await;
    b.assert_no_invitation_twice();
}

/// A seat state row: the sandbox's own session, challenge or restriction.
struct SeatStateCase {
    name: &'static str,
    set: fn(&SandboxNetwork),
    clear: fn(&SandboxNetwork),
    status: fn(&AccountStatus) -> bool,
    event: EventKind,
}

#[tokio::test]
async fn seat_states_of_the_sandbox_pause_or_restrict_the_account() {
    let cases = [
        SeatStateCase {
            name: "expired session",
            set: |n| n.expire_session(SEAT).unwrap(),
            clear: |n| n.renew_session(SEAT).unwrap(),
            status: |s| *s == AccountStatus::NeedsCredentials,
            event: EventKind::AccountPaused,
        },
        SeatStateCase {
            name: "challenge",
            set: |n| n.challenge(SEAT).unwrap(),
            clear: |n| n.clear_challenge(SEAT).unwrap(),
            status: |s| matches!(s, AccountStatus::Paused { .. }),
            event: EventKind::AccountPaused,
        },
        SeatStateCase {
            name: "restriction",
            set: |n| n.restrict(SEAT, start() + days(3)).unwrap(),
            clear: |_| {},
            status: |s| {
                *s == AccountStatus::Restricted {
                    until: start() + days(3),
                }
            },
            event: EventKind::AccountRestricted,
        },
    ];
    for case in cases {
        let name = case.name;
        let mut b = Bench::new(setup(3, invite_steps(true, false))).await;
        (case.set)(&b.net);
        b.run_to(start() + days(2)).await;
        let status = b.status().await;
        assert!((case.status)(&status), "{name}: {status:?}");
        assert!(
            !b.events(case.event).await.is_empty(),
            "{name}: {:?}",
            case.event
        );
        assert!(b.sent().is_empty(), "{name}: nothing went out");
        (case.clear)(&b.net);
        if case.event == EventKind::AccountPaused {
            b.store
                .set_account_status(WS, b.account.id, AccountStatus::Active)
                .await
                .unwrap();
        }
        let now = b.clock.now();
        b.run_to(now + days(3)).await;
        b.assert_everyone_invited_once().await;
    }
}
