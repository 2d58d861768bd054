//! The API's list endpoints under load: a SQLite file with 1,000,000 leads and 200,000
//! invitations, `overture serve`'s router on a loopback port, and an open-loop load generator
//! sending 200 requests a second over keep-alive connections. Each request's latency counts from
//! the instant it was due, so a stalled server cannot hide its queue (no coordinated omission).
//! Prints p50, p99 and the maximum per endpoint and in all; the target is p99 under 50 ms.
//!
//! Run with `cargo bench -p overture-server --bench lists`. `OVERTURE_BENCH_LEADS`,
//! `OVERTURE_BENCH_INVITATIONS`, `OVERTURE_BENCH_RPS` and `OVERTURE_BENCH_SECONDS` change the
//! sizes, the rate and the duration. `OVERTURE_BENCH_DB=FILE` seeds that file on the first run
//! (keeping the bench token beside it, in `FILE` with the extension `token`) and reuses it on
//! later runs, which then skip the seeding (and ignore the sizes).

// A benchmark measures the wall clock: the seeding time, the load's pacing and each request's
// latency. Nothing here is Overture's own logic reading time.
#![allow(clippy::disallowed_methods)]

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use overture_auth::ApiToken;
use overture_clock::SystemClock;
use overture_core::account::Zone;
use overture_core::limits::AccountLimits;
use overture_core::working_hours::WorkingHours;
use overture_core::{
    AccountId, AccountKind, AccountStatus, InvitationEvent, LeadId, NewAccount, NewLead,
    ProfileUrl, Role, Tier, WorkspaceId,
};
use overture_server::{AppState, router};
use overture_store::{NewApiToken, NewInvitation, Store, UserStore};
use overture_store_sqlite::{SqliteOptions, SqliteStore};

type BenchResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// The target: p99 under this, at the rate.
const P99_TARGET: Duration = Duration::from_millis(50);
const ACCOUNTS: i64 = 20;

fn setting(name: &str, default: u64) -> BenchResult<u64> {
    Ok(match std::env::var(name) {
        Ok(v) => v.parse()?,
        Err(_) => default,
    })
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("lists bench failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> BenchResult<bool> {
    let leads = setting("OVERTURE_BENCH_LEADS", 1_000_000)?;
    let invitations = setting("OVERTURE_BENCH_INVITATIONS", 200_000)?;
    let rps = setting("OVERTURE_BENCH_RPS", 200)?;
    let seconds = setting("OVERTURE_BENCH_SECONDS", 30)?;
    let dir = tempfile::tempdir()?;
    let kept = std::env::var("OVERTURE_BENCH_DB")
        .ok()
        .map(std::path::PathBuf::from);
    let path = kept.clone().unwrap_or_else(|| dir.path().join("bench.db"));
    let reuse = kept.as_ref().is_some_and(|p| p.exists());

    // The server: the router over the store, on its own runtime.
    let server = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let (address, token) = server.block_on(async {
        let store = SqliteStore::open(&path, SqliteOptions::default()).await?;
        let token_file = path.with_extension("token");
        let token = if reuse {
            println!("reusing the seeded {}", path.display());
            std::fs::read_to_string(&token_file)?
        } else {
            let started = Instant::now();
            let token = seed(&store, leads, invitations).await?;
            std::fs::write(&token_file, &token)?;
            println!(
                "seeded {leads} leads and {invitations} invitations in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            token
        };
        let state = AppState::new(Arc::new(store), Arc::new(SystemClock));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        tokio::spawn(async move { axum::serve(listener, router(state)).await });
        BenchResult::Ok((address, token))
    })?;

    // The load generator: its own runtime and thread, as a separate client would be.
    let client = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let paths = paths(invitations, leads);
    let latencies = client.block_on(load(
        format!("http://{address}"),
        token,
        paths,
        rps,
        Duration::from_secs(seconds),
    ))?;
    drop(server);
    Ok(report(&latencies, rps))
}

/// Accounts, leads, invitations (a third accepted, a tenth withdrawn, spread over half a
/// year) and an owner's API token; returns the token.
async fn seed(store: &SqliteStore, leads: u64, invitations: u64) -> BenchResult<String> {
    let ws = WorkspaceId::DEFAULT;
    let now = Timestamp::from_second(1_788_220_800)?;
    for i in 0..ACCOUNTS {
        store
            .create_account(NewAccount {
                workspace_id: ws,
                name: format!("seat-{i}"),
                kind: AccountKind::Sandbox,
                tier: Tier::Premium,
                time_zone: Zone::parse("Europe/Berlin")?,
                working_hours: WorkingHours::default(),
                limits: AccountLimits::for_tier(Tier::Premium),
                governor: Default::default(),
                sender: Default::default(),
                status: AccountStatus::Active,
                created_at: now,
            })
            .await?;
    }
    let people = (0..leads)
        .map(|i| {
            let mut lead = NewLead::new(ProfileUrl::parse(&format!(
                "https://www.linkedin.com/in/bench-lead-{i}"
            ))?);
            lead.first_name = Some(format!("Lead{i}"));
            lead.last_name = Some("Example".to_owned());
            lead.company = Some(format!("Company {}", i % 5_000));
            lead.email = Some(format!("lead{i}@example.com"));
            Ok(lead)
        })
        .collect::<BenchResult<Vec<_>>>()?;
    store
        .import_leads(ws, "bench", &people, now, &|_| {})
        .await?;
    let half_year = 180 * 24 * 3600;
    for i in 0..invitations {
        let i = i64::try_from(i)?;
        let sent_at = now.checked_sub(SignedDuration::from_secs(
            half_year - i * half_year / 200_000,
        ))?;
        let invitation = store
            .record_invitation(NewInvitation {
                workspace_id: ws,
                account_id: AccountId::from(1 + i % ACCOUNTS),
                lead_id: LeadId::from(1 + i),
                campaign_id: None,
                external_id: Some(format!("urn:li:invitation:{i}")),
                note: (i % 2 == 0).then(|| "Hi, happy to connect.".to_owned()),
                sent_at,
            })
            .await?;
        let event = match i % 10 {
            0..=2 => Some(InvitationEvent::Accept),
            3 => Some(InvitationEvent::Withdraw),
            _ => None,
        };
        if let Some(event) = event {
            store
                .transition_invitation(ws, invitation.id, event, sent_at)
                .await?;
        }
    }
    let token = ApiToken::generate();
    store
        .create_api_token(NewApiToken {
            workspace_id: ws,
            name: "bench".to_owned(),
            prefix: token.prefix().to_owned(),
            hash: token.hash().as_str().to_owned(),
            role: Role::Viewer,
            created_by: None,
            created_at: now,
        })
        .await?;
    Ok(token.secret().expose().to_owned())
}

/// The requests, in turn: first pages, filtered pages and pages deep in the lists.
fn paths(invitations: u64, leads: u64) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for k in 0..50u64 {
        // Deterministic spread of cursors over the whole list.
        let deep = (k * 7_919) % invitations.max(1);
        out.push(("invitations", "/api/v1/invitations?limit=50".to_owned()));
        out.push((
            "invitations?state=pending",
            "/api/v1/invitations?state=pending&limit=50".to_owned(),
        ));
        out.push((
            "invitations?older_than_days=30",
            "/api/v1/invitations?older_than_days=30&state=pending&limit=50".to_owned(),
        ));
        out.push((
            "invitations?account=…",
            format!("/api/v1/invitations?account={}&limit=50", 1 + k % 20),
        ));
        out.push((
            "invitations?after=…",
            format!("/api/v1/invitations?after={deep}&limit=50"),
        ));
        out.push(("events", "/api/v1/events?limit=50".to_owned()));
        out.push((
            "events?after=…",
            format!("/api/v1/events?after={deep}&limit=50"),
        ));
        out.push(("accounts", "/api/v1/accounts".to_owned()));
        let lead_cursor = (k * 104_729) % leads.max(1);
        out.push(("leads", "/api/v1/leads?limit=50".to_owned()));
        out.push((
            "leads?list=…",
            format!("/api/v1/leads?list=bench&after={lead_cursor}&limit=50"),
        ));
        out.push((
            "leads?after=…",
            format!("/api/v1/leads?after={lead_cursor}&limit=50"),
        ));
        out.push(("leads/{id}", format!("/api/v1/leads/{}", 1 + lead_cursor)));
    }
    out
}

/// Sends `rps` requests a second for `duration`, cycling through `paths`; returns each
/// endpoint's latencies (from the instant each request was due).
async fn load(
    base: String,
    token: String,
    paths: Vec<(&'static str, String)>,
    rps: u64,
    duration: Duration,
) -> BenchResult<BTreeMap<&'static str, Vec<Duration>>> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()?;
    let interval = Duration::from_secs_f64(1.0 / rps as f64);
    let total = (duration.as_secs_f64() * rps as f64) as usize;
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(total);
    for n in 0..total {
        let due = start + interval * u32::try_from(n)?;
        tokio::time::sleep_until(due.into()).await;
        let (name, path) = paths[n % paths.len()].clone();
        let request = client
            .get(format!("{base}{path}"))
            .bearer_auth(&token)
            .send();
        tasks.push(tokio::spawn(async move {
            let response = request.await?;
            let status = response.status();
            let _ = response.bytes().await?;
            if !status.is_success() {
                return Err(format!("{path}: {status}").into());
            }
            BenchResult::Ok((name, due.elapsed()))
        }));
    }
    let mut out: BTreeMap<&'static str, Vec<Duration>> = BTreeMap::new();
    for task in tasks {
        let (name, took) = task.await??;
        out.entry(name).or_default().push(took);
    }
    Ok(out)
}

fn quantile(sorted: &[Duration], q: f64) -> Duration {
    let rank = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// Prints the table; whether the target was met.
fn report(latencies: &BTreeMap<&'static str, Vec<Duration>>, rps: u64) -> bool {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{:<34} {:>8} {:>9} {:>9} {:>9}",
        "endpoint", "requests", "p50 ms", "p99 ms", "max ms"
    );
    let mut all = Vec::new();
    for (name, values) in latencies {
        let mut sorted = values.clone();
        sorted.sort();
        println!(
            "{:<34} {:>8} {:>9.2} {:>9.2} {:>9.2}",
            name,
            sorted.len(),
            ms(quantile(&sorted, 0.5)),
            ms(quantile(&sorted, 0.99)),
            ms(*sorted.last().unwrap_or(&Duration::ZERO))
        );
        all.extend(sorted);
    }
    all.sort();
    let p99 = quantile(&all, 0.99);
    println!(
        "{:<34} {:>8} {:>9.2} {:>9.2} {:>9.2}",
        "all",
        all.len(),
        ms(quantile(&all, 0.5)),
        ms(p99),
        ms(*all.last().unwrap_or(&Duration::ZERO))
    );
    let met = p99 < P99_TARGET;
    println!(
        "at {rps} requests/s: p99 {:.2} ms, target {} ms: {}",
        ms(p99),
        P99_TARGET.as_millis(),
        if met { "met" } else { "NOT met" }
    );
    met
}
