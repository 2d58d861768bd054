//! A campaign run in a sandbox world on a simulated clock: what `overture demo` and
//! `overture simulate` share.
//!
//! [`SandboxRun::start`] builds the world from its parameters and seed, adds a sandbox account
//! per seat, imports part of the world's population as leads, applies the campaign to every
//! seat and starts it; [`SandboxRun::run_days`] runs the real engine over simulated days as
//! fast as the machine allows. The same setup gives the same run.

use std::path::Path;
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use overture_campaign::{ValidationContext, parse_campaign};
use overture_clock::{Clock, ManualClock};
use overture_core::account::Zone;
use overture_core::governor::Policy;
use overture_core::limits::AccountLimits;
use overture_core::sequence::{CampaignSpec, LeadSource};
use overture_core::working_hours::WorkingHours;
use overture_core::{AccountKind, AccountStatus, NewAccount, Tier, WorkspaceId};
use overture_engine::{Engine, EngineConfig, Report, metrics};
use overture_sandbox::{SandboxChannels, SandboxNetwork, SeatProfile, WorldParams};
use overture_store::{NewCampaignVersion, Store};
use overture_store_sqlite::SqliteStore;

use crate::error::{CliError, CliResult};

/// The first simulated instant: a Monday morning before anyone's working hours. A constant, so
/// that the same seed gives the same run.
pub const START: &str = "2026-01-05T05:00:00Z";
/// The list the leads go on.
const LIST: &str = "sandbox";

/// Time zones the seats take in turn.
const ZONES: [&str; 4] = [
    "Europe/Berlin",
    "America/New_York",
    "Europe/London",
    "America/Los_Angeles",
];

/// One sender seat.
#[derive(Debug, Clone)]
pub struct Seat {
    /// Its handle.
    pub name: String,
    /// Its LinkedIn tier.
    pub tier: Tier,
}

/// A campaign file's name and text.
#[derive(Debug, Clone, Copy)]
pub struct CampaignFile<'a> {
    /// Shown in diagnostics.
    pub name: &'a str,
    /// The YAML.
    pub text: &'a str,
}

impl CampaignFile<'_> {
    /// Parses the campaign as run by `seats`: every handle it names is taken as a seat (the
    /// seats replace its senders), so only its own mistakes are reported, each with its line.
    pub fn parse(&self, seats: &[Seat]) -> CliResult<CampaignSpec> {
        let mut context = ValidationContext::default().with_any_account(Tier::Premium);
        for seat in seats {
            context.accounts.insert(seat.name.clone(), seat.tier);
        }
        parse_campaign(self.name, self.text, &context).map_err(|problems| {
            CliError::input(
                problems
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n"),
            )
        })
    }
}

/// Everything a sandbox run is made of.
#[derive(Debug, Clone)]
pub struct Setup<'a> {
    /// The world's parameters.
    pub params: WorldParams,
    /// The seed of the world and of the engine's random choices.
    pub seed: u64,
    /// The sender seats.
    pub seats: Vec<Seat>,
    /// Leads imported from the world's population (the population grows to hold them).
    pub leads: u32,
    /// The campaign every seat runs.
    pub campaign: CampaignFile<'a>,
    /// Each seat's governor policy.
    pub governor: Policy,
    /// The first simulated instant ([`START`] when `None`).
    pub start: Option<Timestamp>,
}

/// A started sandbox run.
pub struct SandboxRun {
    engine: Engine<SqliteStore, SandboxChannels, ManualClock>,
    clock: ManualClock,
    ws: WorkspaceId,
    start: Timestamp,
}

impl SandboxRun {
    /// Builds the world of `setup` in the empty `store` and starts its campaign.
    pub async fn start(store: SqliteStore, ws: WorkspaceId, setup: &Setup<'_>) -> CliResult<Self> {
        let start = match setup.start {
            Some(start) => start,
            None => START.parse().map_err(internal)?,
        };
        let clock = ManualClock::new(start);
        let mut params = setup.params.clone();
        params.population.people = params.population.people.max(setup.leads);
        let network = SandboxNetwork::new(params, setup.seed, Arc::new(clock.clone()))
            .map_err(|e| CliError::input(format!("world parameters: {e}")))?;

        for (i, seat) in setup.seats.iter().enumerate() {
            network
                .add_seat(&seat.name, seat.tier, SeatProfile::default())
                .map_err(internal)?;
            let time_zone = Zone::parse(ZONES[i % ZONES.len()]).map_err(internal)?;
            store
                .create_account(NewAccount {
                    workspace_id: ws,
                    name: seat.name.clone(),
                    kind: AccountKind::Sandbox,
                    tier: seat.tier,
                    time_zone,
                    working_hours: WorkingHours::default(),
                    limits: AccountLimits::for_tier(seat.tier),
                    governor: setup.governor,
                    sender: Default::default(),
                    status: AccountStatus::Active,
                    created_at: start,
                })
                .await?;
        }

        let leads: Vec<_> = network
            .population()
            .into_iter()
            .take(setup.leads as usize)
            .collect();
        store.import_leads(ws, LIST, &leads, start, &|_| {}).await?;

        let mut spec = setup.campaign.parse(&setup.seats)?;
        let names: Vec<String> = setup.seats.iter().map(|s| s.name.clone()).collect();
        spec.accounts = names.clone();
        spec.leads = LeadSource::List(LIST.to_owned());
        let source = format!(
            "# {}, run in the sandbox with senders: {}\n{}",
            setup.campaign.name,
            names.join(", "),
            setup.campaign.text
        );
        let applied = store
            .apply_campaign(
                ws,
                NewCampaignVersion {
                    name: spec.name.clone(),
                    source,
                    spec,
                },
                start,
            )
            .await?;

        let config = EngineConfig {
            seed: setup.seed,
            ..EngineConfig::default()
        };
        let mut engine = Engine::new(store, network.channels(), clock.clone(), config);
        engine
            .start_campaign(ws, applied.campaign.id)
            .await
            .map_err(internal)?;
        Ok(Self {
            engine,
            clock,
            ws,
            start,
        })
    }

    /// Runs `days` simulated days, calling `on_day` after each with the number of days done.
    pub async fn run_days(&mut self, days: u32, mut on_day: impl FnMut(u32)) -> CliResult {
        for day in 1..=days {
            let until = self
                .start
                .checked_add(SignedDuration::from_hours(24 * i64::from(day)))
                .map_err(internal)?;
            self.engine.run_until(until).await.map_err(internal)?;
            on_day(day);
        }
        Ok(())
    }

    /// Runs the engine up to `until` (simulated time): everything due by then is done.
    pub async fn run_until(&mut self, until: Timestamp) -> CliResult {
        if until > self.clock.now() {
            self.engine.run_until(until).await.map_err(internal)?;
        }
        Ok(())
    }

    /// The simulated clock (cloning shares it).
    pub fn clock(&self) -> &ManualClock {
        &self.clock
    }

    /// The outcome so far, from stored facts.
    pub async fn report(&self) -> CliResult<Report> {
        metrics(self.engine.store(), self.ws, self.clock.now())
            .await
            .map_err(internal)
    }

    /// Closes the store, folding its write-ahead log into the file.
    pub async fn close(self) {
        self.engine.store().close().await;
    }
}

/// Reads a world file (`--world`), naming the file, line and field of a mistake.
pub fn read_world(file: &Path) -> CliResult<WorldParams> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| CliError::input(format!("cannot read {}: {e}", file.display())))?;
    WorldParams::from_toml_str(&text)
        .map_err(|e| CliError::input(format!("{}: {e}", file.display())))
}

/// An error that is the program's fault, not the user's.
pub fn internal(e: impl std::fmt::Display) -> CliError {
    CliError::Internal(anyhow::anyhow!("{e}"))
}
