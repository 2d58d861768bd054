//! `overture serve --sandbox`: the dashboard and the API over a demo that plays out while one
//! watches. A fresh database gets a `demo` workspace with sandbox accounts, leads from the
//! sandbox world and the shipped example campaign, started; the engine runs on a simulated
//! clock that goes `--speed` times faster than the wall clock, so invitations go out and are
//! accepted within a minute. Nothing reaches LinkedIn or a mail server: the database holds
//! sandbox accounts only (a database with real accounts is refused).

use std::path::PathBuf;
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp, ToSpan, tz::TimeZone};
use overture_auth::random_password;
use overture_clock::{Clock, SystemClock};
use overture_core::Role;
use overture_sandbox::WorldParams;
use overture_server::{AppState, ServerConfig, WebSettings, WebState, router};
use overture_store::Store;

use super::{bind, serve_in_background};
use crate::cli::ServeArgs;
use crate::cmd::Ctx;
use crate::cmd::demo::{fresh_store, seats};
use crate::cmd::run::signal;
use crate::cmd::sandbox_world::{CampaignFile, SandboxRun, Setup, internal};
use crate::cmd::user::add_user;
use crate::error::{CliError, CliResult};
use crate::output::duration;

/// The sandbox's database when `--db` is not given; replaced on each start.
pub const SANDBOX_DB: &str = "./overture-sandbox.db";
/// The demo owner's address.
pub const DEMO_OWNER: &str = "demo@example.com";
/// The demo workspace's name.
pub const DEMO_WORKSPACE: &str = "demo";
/// The campaign the sandbox runs: short waits, made for watching.
const CAMPAIGN: CampaignFile<'static> = CampaignFile {
    name: "sandbox-live.yaml",
    text: include_str!("../../../../../examples/campaigns/sandbox-live.yaml"),
};
/// How often the simulated clock catches up with the wall clock.
const TICK: SignedDuration = SignedDuration::from_millis(200);

pub async fn run(ctx: &Ctx, db: Option<&str>, args: ServeArgs) -> CliResult {
    let limit = match &args.run.until {
        Some(text) => Some(duration("--until", text)?),
        None => None,
    };
    let options = &args.sandbox;
    let listener = bind(&args.bind).await?;
    let path = PathBuf::from(db.unwrap_or(SANDBOX_DB));
    let store = fresh_store(&path).await?;
    let ws = store.create_workspace(DEMO_WORKSPACE).await?.id;
    let real_start = ctx.now();
    let start = demo_start(real_start)?;
    let setup = Setup {
        params: WorldParams::default(),
        seed: options.seed,
        seats: seats(options.seats),
        leads: options.leads,
        campaign: CAMPAIGN,
        governor: Default::default(),
        start: Some(start),
    };
    let mut sim = SandboxRun::start(store.clone(), ws, &setup).await?;
    let password = random_password();
    add_user(
        &store,
        ws,
        DEMO_OWNER,
        "Demo owner",
        &password,
        Role::Owner,
        start,
    )
    .await?;

    let speed = i32::try_from(options.speed).map_err(internal)?;
    let state = AppState {
        store: Arc::new(store.clone()),
        clock: Arc::new(sim.clock().clone()),
        config: ServerConfig::default(),
        // Sessions and sign-in lockouts last as long in real time as at normal speed.
        web: WebState::new(WebSettings::default().at_speed(speed)),
    };
    let (address, server) = serve_in_background(listener, router(state))?;
    eprintln!(
        "Sandbox: {} sandbox account(s), {} lead(s) and the campaign {:?} in workspace {DEMO_WORKSPACE:?} of {}, \
         running {}x faster than real time (simulated start {start}). Nothing leaves this machine.",
        options.seats,
        options.leads,
        CAMPAIGN.name,
        path.display(),
        options.speed,
    );
    eprintln!(
        "Open http://{address}/login and sign in as {DEMO_OWNER} with the password {} \
         (made for this run; the database is replaced on the next start).",
        password.expose()
    );

    let clock = SystemClock;
    let deadline = limit.and_then(|d| real_start.checked_add(d).ok());
    let outcome = async {
        loop {
            let next = clock.now().checked_add(TICK).map_err(internal)?;
            tokio::select! {
                () = overture_clock::sleep_until(&clock, next) => {}
                () = signal() => {
                    eprintln!("Stopping the sandbox.");
                    return Ok(());
                }
            }
            let now = clock.now();
            let elapsed = now.duration_since(real_start);
            let target = start
                .checked_add(elapsed.checked_mul(speed).unwrap_or(SignedDuration::MAX))
                .map_err(internal)?;
            sim.run_until(target).await?;
            if deadline.is_some_and(|d| now >= d) {
                return Ok::<(), CliError>(());
            }
        }
    }
    .await;
    server.abort();
    let _ = server.await;
    sim.close().await;
    outcome
}

/// The simulated instant the demo starts at: the last Monday at 07:55 UTC up to `now`, a few
/// minutes before the first seats' working hours, so the first invitations go out at once.
/// Early on a Monday that is the Monday before: a start later than `now` would date the
/// demo's first invitations in the future, where reports as of now do not see them.
fn demo_start(now: Timestamp) -> CliResult<Timestamp> {
    let today = now.to_zoned_datetime(TimeZone::UTC).date();
    let back = i64::from(today.weekday().to_monday_zero_offset());
    let monday = today.checked_sub(back.days()).map_err(internal)?;
    let at = |day: jiff::civil::Date| {
        day.at(7, 55, 0, 0)
            .to_zoned_datetime(TimeZone::UTC)
            .map(|z| z.timestamp())
            .map_err(internal)
    };
    let start = at(monday)?;
    if start <= now {
        return Ok(start);
    }
    at(monday.checked_sub(7.days()).map_err(internal)?)
}

#[cfg(test)]
mod tests {
    use super::demo_start;

    #[test]
    fn the_demo_starts_on_the_last_monday_morning() {
        for (now, start) in [
            ("2026-12-06T16:00:00Z", "2026-11-30T07:55:00Z"),
            ("2026-11-30T06:00:00Z", "2026-11-23T07:55:00Z"),
            ("2026-12-07T00:30:00Z", "2026-11-30T07:55:00Z"),
            ("2026-11-30T07:55:00Z", "2026-11-30T07:55:00Z"),
            ("2026-11-30T09:00:00Z", "2026-11-30T07:55:00Z"),
            ("2026-12-01T00:00:00Z", "2026-11-30T07:55:00Z"),
        ] {
            assert_eq!(
                demo_start(now.parse().unwrap()).unwrap(),
                start.parse().unwrap(),
                "{now}"
            );
        }
    }
}
