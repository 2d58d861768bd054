//! Engine tests: a SQLite store on temporary files, a manual clock, and a stateful fake
//! channel. No wall clock, no sleeps.

mod crash;
mod email;
mod errors;
mod fake;
mod flows;
mod manual;
mod retry;
mod sandbox;
mod sandbox_errors;
mod suppression;
mod templates;
mod variants;
mod waves;
mod workers;

use std::collections::BTreeMap;

use jiff::civil::Time;
use jiff::{SignedDuration, Timestamp};
use overture_clock::ManualClock;
use overture_core::account::Zone;
use overture_core::limits::{AccountLimits, KindLimit, WarmUp};
use overture_core::sequence::CampaignSpec;
use overture_core::working_hours::{Day, WorkingHours};
use overture_core::{
    Account, AccountKind, AccountStatus, ActionKind, CampaignId, Enrollment, LeadId, NewAccount,
    NewLead, ProfileUrl, Tier, WorkspaceId,
};
use overture_engine::{Engine, EngineConfig};
use overture_store::{NewCampaignVersion, Store};
use overture_store_sqlite::{SqliteOptions, SqliteStore};
use serde_json::{Value, json};
use tempfile::TempDir;

use fake::FakeChannels;

pub(crate) const WS: WorkspaceId = WorkspaceId::DEFAULT;

/// Monday 2026-03-02, 07:00 UTC: an hour before the working day.
pub(crate) fn start() -> Timestamp {
    "2026-03-02T07:00:00Z".parse().unwrap()
}

pub(crate) fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

/// A test world: one account, some leads on list `prospects`, one campaign.
#[allow(missing_debug_implementations)]
pub(crate) struct World {
    pub(crate) dir: TempDir,
    pub(crate) store: SqliteStore,
    pub(crate) clock: ManualClock,
    pub(crate) fake: FakeChannels,
    pub(crate) account: Account,
    pub(crate) leads: Vec<LeadId>,
    pub(crate) urls: Vec<ProfileUrl>,
    pub(crate) campaign: CampaignId,
}

/// Limits: every kind 20 a day, 100 a week, 3 minutes apart; no warm-up; with or without a
/// note quota of 2.
pub(crate) fn limits(notes: Option<u32>) -> AccountLimits {
    let limit = KindLimit {
        per_day: 20,
        per_week: 100,
        min_spacing: SignedDuration::from_mins(3),
        jitter: SignedDuration::from_mins(3),
    };
    AccountLimits {
        kinds: ActionKind::ALL.iter().map(|&k| (k, limit)).collect(),
        warm_up: WarmUp {
            start_percent: 100,
            ramp_days: 0,
        },
        note_quota: notes.map(|per_30_days| overture_core::limits::NoteQuota { per_30_days }),
    }
}

pub(crate) fn url(i: usize) -> ProfileUrl {
    ProfileUrl::parse(&format!("https://www.linkedin.com/in/engine-lead-{i}")).unwrap()
}

/// A campaign spec for account `alice` with these steps (campaign-file JSON shape).
pub(crate) fn spec(steps: Value, settings: Value) -> CampaignSpec {
    let mut base = json!({ "stop_on_reply": true, "skip_if_contacted_by_any_campaign": true });
    if let (Some(base), Some(extra)) = (base.as_object_mut(), settings.as_object()) {
        base.extend(extra.clone());
    }
    serde_json::from_value(json!({
        "name": "spring",
        "accounts": ["alice"],
        "leads": { "list": "prospects" },
        "settings": base,
        "steps": steps,
    }))
    .unwrap()
}

/// One step in the stored JSON shape.
pub(crate) fn step(kind: Value) -> Value {
    json!({ "label": null, "kind": kind })
}

impl World {
    /// Changes the account's governor policy.
    pub(crate) async fn govern(&self, change: impl FnOnce(&mut overture_core::governor::Policy)) {
        let mut settings = self.account.settings();
        change(&mut settings.governor);
        self.store
            .update_account_settings(WS, self.account.id, settings)
            .await
            .unwrap();
    }

    pub(crate) async fn new(leads: usize, steps: Value) -> World {
        Self::with(leads, steps, json!({}), limits(None)).await
    }

    pub(crate) async fn with(
        leads: usize,
        steps: Value,
        settings: Value,
        limits: AccountLimits,
    ) -> World {
        let dir = tempfile::tempdir().unwrap();
        let store = open(&dir).await;
        let clock = ManualClock::new(start());
        let fake = FakeChannels::new(clock.clone());
        let account = store
            .create_account(seat("alice", Tier::Premium, limits))
            .await
            .unwrap();
        let new: Vec<NewLead> = (0..leads)
            .map(|i| {
                let mut lead = NewLead::new(url(i));
                lead.first_name = Some(format!("Lead{i}"));
                lead.company = Some("Example".into());
                lead
            })
            .collect();
        store
            .import_leads(WS, "prospects", &new, start(), &|_| {})
            .await
            .unwrap();
        let mut ids = Vec::new();
        for lead in &new {
            ids.push(
                store
                    .lead_by_url(WS, &lead.profile_url)
                    .await
                    .unwrap()
                    .unwrap()
                    .id,
            );
        }
        let version = NewCampaignVersion {
            name: "spring".into(),
            source: "spring".into(),
            spec: spec(steps, settings),
        };
        let campaign = store
            .apply_campaign(WS, version, start())
            .await
            .unwrap()
            .campaign
            .id;
        World {
            dir,
            store,
            clock,
            fake,
            account,
            leads: ids,
            urls: (0..leads).map(url).collect(),
            campaign,
        }
    }

    pub(crate) fn engine(
        &self,
        config: EngineConfig,
    ) -> Engine<SqliteStore, FakeChannels, ManualClock> {
        Engine::new(
            self.store.clone(),
            self.fake.clone(),
            self.clock.clone(),
            config,
        )
    }

    /// A new engine on a freshly opened store of the same file, as after a restart.
    pub(crate) async fn restart(
        &self,
        config: EngineConfig,
    ) -> Engine<SqliteStore, FakeChannels, ManualClock> {
        Engine::new(
            open(&self.dir).await,
            self.fake.clone(),
            self.clock.clone(),
            config,
        )
    }

    pub(crate) async fn enrollments(&self) -> Vec<Enrollment> {
        self.store
            .list_enrollments(WS, self.campaign)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.enrollment)
            .collect()
    }

    pub(crate) async fn account_now(&self) -> Account {
        self.store.account(WS, self.account.id).await.unwrap()
    }
}

async fn open(dir: &TempDir) -> SqliteStore {
    SqliteStore::open(&dir.path().join("engine.db"), SqliteOptions::default())
        .await
        .unwrap()
}

/// Asserts that invites per calendar day (UTC) never exceed `cap`, consecutive ones are at
/// least `spacing` apart, and all fall between 08:00 and 20:00.
pub(crate) fn assert_paced(times: &[Timestamp], cap: usize, spacing: SignedDuration) {
    let mut per_day: BTreeMap<jiff::civil::Date, usize> = BTreeMap::new();
    for t in times {
        let civil = jiff::tz::TimeZone::UTC.to_datetime(*t);
        *per_day.entry(civil.date()).or_default() += 1;
        assert!(
            (8..20).contains(&civil.hour()),
            "{t} is outside working hours"
        );
    }
    for (day, n) in per_day {
        assert!(n <= cap, "{day}: {n} actions, over the cap of {cap}");
    }
    for pair in times.windows(2) {
        assert!(
            pair[1].duration_since(pair[0]) >= spacing,
            "{} and {} are too close",
            pair[0],
            pair[1]
        );
    }
}

/// A sandbox seat of the default workspace, in UTC, working 08:00–20:00 every day, added 30
/// days before the tests' start.
pub(crate) fn seat(name: &str, tier: Tier, limits: AccountLimits) -> NewAccount {
    NewAccount {
        workspace_id: WS,
        name: name.into(),
        kind: AccountKind::Sandbox,
        tier,
        time_zone: Zone::utc(),
        working_hours: WorkingHours::new(
            Day::ALL.to_vec(),
            Time::constant(8, 0, 0, 0),
            Time::constant(20, 0, 0, 0),
        )
        .unwrap(),
        limits,
        governor: Default::default(),
        sender: Default::default(),
        status: AccountStatus::Active,
        created_at: start() - days(30),
    }
}
