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

const MANUAL_KEY: &str = "manual-invitation";

mod injected;
mod rules;
