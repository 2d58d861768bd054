//! The engine through the real Voyager client against the fake LinkedIn: a SQLite store on a
//! temporary file, one manual clock read by the engine and the fake alike (days pass at once),
//! and [`LinkedInChannels`] as `overture run` builds it. What is asserted is what LinkedIn
//! saw: the fake's request log.

mod campaign;
mod crash;
mod faults;
mod secrets;

use std::sync::Arc;

use jiff::civil::Time;
use jiff::{SignedDuration, Timestamp};
use overture_clock::ManualClock;
use overture_core::account::Zone;
use overture_core::limits::{AccountLimits, KindLimit, WarmUp};
use overture_core::sequence::CampaignSpec;
use overture_core::working_hours::{Day, WorkingHours};
use overture_core::{
    Account, AccountKind, AccountStatus, ActionKind, CampaignId, NewAccount, NewLead, ProfileUrl,
    Tier, WorkspaceId,
};
use overture_engine::{Engine, EngineConfig};
use overture_fake_linkedin::{FakeLinkedIn, Member, Options, World};
use overture_linkedin::{
    ClientConfig, LinkedInChannel, LinkedInChannels, LinkedInSession, VoyagerClient,
};
use overture_store::{NewCampaignVersion, Store};
use overture_store_sqlite::{SqliteOptions, SqliteStore};
use serde_json::{Value, json};
use tempfile::TempDir;

pub(crate) const WS: WorkspaceId = WorkspaceId::DEFAULT;

/// Monday 2026-03-02, 07:00 UTC: an hour before the working day.
pub(crate) fn start() -> Timestamp {
    "2026-03-02T07:00:00Z".parse().unwrap()
}

pub(crate) fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

pub(crate) fn hours(n: i64) -> SignedDuration {
    SignedDuration::from_hours(n)
}

/// The fictional member the `i`-th lead is.
pub(crate) fn slug(i: usize) -> String {
    format!("fictional-lead-{i}")
}

/// One step in the stored JSON shape.
pub(crate) fn step(kind: Value) -> Value {
    json!({ "label": null, "kind": kind })
}

/// An invitation with a note, then (when accepted within `within`) a thank-you message.
pub(crate) fn invite_then_message(within: &str) -> Value {
    json!([
        step(json!({ "type": "invite",
                     "notes": ["Hi {{ first_name }}, I read about {{ company }} and would be glad to connect."],
                     "without_note_if_quota_exhausted": false })),
        step(json!({ "type": "wait_for_acceptance", "within": within,
                     "accepted": "next", "not_accepted": "end" })),
        step(json!({ "type": "message", "texts": ["Thanks for connecting, {{ first_name }}!"] })),
    ])
}

/// Limits: invitations and messages 20 a day, 100 a week, 3 minutes apart; no warm-up.
fn limits() -> AccountLimits {
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
        note_quota: None,
    }
}

/// The engine, the store, the fake LinkedIn with a premium account `ada` and `leads`
/// fictional members (2nd degree), all on one manual clock.
#[allow(missing_debug_implementations)]
pub(crate) struct Rig {
    pub(crate) dir: TempDir,
    pub(crate) store: SqliteStore,
    pub(crate) clock: ManualClock,
    pub(crate) fake: FakeLinkedIn,
    pub(crate) channels: Arc<LinkedInChannels>,
    pub(crate) account: Account,
    pub(crate) campaign: CampaignId,
}

impl Rig {
    pub(crate) async fn new(leads: usize, steps: Value) -> Rig {
        Self::with_client(leads, steps, ClientConfig::default()).await
    }

    /// A rig whose client has `config` (its `api_base` is the fake's).
    pub(crate) async fn with_client(leads: usize, steps: Value, config: ClientConfig) -> Rig {
        let clock = ManualClock::new(start());
        let mut world = World::new().account(overture_fake_linkedin::Account::new(
            "ada",
            Member::new(
                "ada-fictional",
                "Ada",
                "Fictional",
                "Founder at Larkspur Labs",
            ),
            overture_fake_linkedin::Tier::Premium,
        ));
        for i in 0..leads {
            let first = format!("Lead{i}");
            world = world.member(Member::new(&slug(i), &first, "Imagined", "CTO at Example"));
        }
        let options = Options {
            clock: Arc::new(clock.clone()),
            ..Options::default()
        };
        let fake = FakeLinkedIn::start_with(world, options).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let store = open(&dir).await;
        let account = store.create_account(seat()).await.unwrap();
        let new: Vec<NewLead> = (0..leads)
            .map(|i| {
                let url = format!("https://www.linkedin.com/in/{}/", slug(i));
                let mut lead = NewLead::new(ProfileUrl::parse(&url).unwrap());
                lead.first_name = Some(format!("Lead{i}"));
                lead.company = Some("Example".into());
                lead
            })
            .collect();
        store
            .import_leads(WS, "prospects", &new, start(), &|_| {})
            .await
            .unwrap();
        let version = NewCampaignVersion {
            name: "spring".into(),
            source: "spring".into(),
            spec: spec(steps),
        };
        let campaign = store
            .apply_campaign(WS, version, start())
            .await
            .unwrap()
            .campaign
            .id;
        let channels = Arc::new(LinkedInChannels::new());
        let rig = Rig {
            dir,
            store,
            clock,
            fake,
            channels,
            account,
            campaign,
        };
        rig.load_channel(config);
        rig
    }

    /// (Re)builds `ada`'s channel from the fake's current cookies, as `overture run` does from
    /// the stored session.
    pub(crate) fn load_channel(&self, config: ClientConfig) {
        let cookies = self.fake.cookies("ada").unwrap();
        let session = LinkedInSession::new(cookies.li_at, cookies.jsessionid);
        let config = ClientConfig {
            api_base: self.fake.base_url(),
            ..config
        };
        let client = VoyagerClient::new(&session, &config).unwrap();
        self.channels
            .insert(self.account.id, LinkedInChannel::new(client));
    }

    pub(crate) fn engine(
        &self,
        config: EngineConfig,
    ) -> Engine<SqliteStore, Arc<LinkedInChannels>, ManualClock> {
        Engine::new(
            self.store.clone(),
            Arc::clone(&self.channels),
            self.clock.clone(),
            config,
        )
    }

    /// A new engine on a freshly opened store of the same file, as after a restart.
    pub(crate) async fn restart(
        &self,
        config: EngineConfig,
    ) -> Engine<SqliteStore, Arc<LinkedInChannels>, ManualClock> {
        Engine::new(
            open(&self.dir).await,
            Arc::clone(&self.channels),
            self.clock.clone(),
            config,
        )
    }

    /// Changes the account's governor policy.
    pub(crate) async fn govern(&self, change: impl FnOnce(&mut overture_core::governor::Policy)) {
        let mut settings = self.account.settings();
        change(&mut settings.governor);
        self.store
            .update_account_settings(WS, self.account.id, settings)
            .await
            .unwrap();
    }

    pub(crate) async fn account_now(&self) -> Account {
        self.store.account(WS, self.account.id).await.unwrap()
    }

    /// How many requests the fake has seen.
    pub(crate) fn requests(&self) -> usize {
        self.fake.log().entries.len()
    }
}

/// A campaign spec for account `ada` with these steps (campaign-file JSON shape).
fn spec(steps: Value) -> CampaignSpec {
    serde_json::from_value(json!({
        "name": "spring",
        "accounts": ["ada"],
        "leads": { "list": "prospects" },
        "settings": { "stop_on_reply": true, "skip_if_contacted_by_any_campaign": true },
        "steps": steps,
    }))
    .unwrap()
}

pub(crate) async fn open(dir: &TempDir) -> SqliteStore {
    SqliteStore::open(&dir.path().join("engine.db"), SqliteOptions::default())
        .await
        .unwrap()
}

/// `ada`: a LinkedIn seat in UTC working 08:00–20:00 every day, added 30 days before start.
fn seat() -> NewAccount {
    NewAccount {
        workspace_id: WS,
        name: "ada".into(),
        kind: AccountKind::Linkedin,
        tier: Tier::Premium,
        time_zone: Zone::utc(),
        working_hours: WorkingHours::new(
            Day::ALL.to_vec(),
            Time::constant(8, 0, 0, 0),
            Time::constant(20, 0, 0, 0),
        )
        .unwrap(),
        limits: limits(),
        governor: Default::default(),
        sender: Default::default(),
        status: AccountStatus::Active,
        created_at: start() - days(30),
    }
}
