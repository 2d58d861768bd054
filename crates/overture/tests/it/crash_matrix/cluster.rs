//! A cluster for crash tests: a database (a SQLite file or a PostgreSQL test database), the
//! fake LinkedIn on loopback holding the accounts' sessions and the people they contact, and
//! `overture worker` child processes on one accelerated clock that the fake shares.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, OnceLock};

use jiff::{SignedDuration, Timestamp};
use overture_clock::{Clock, ScaledClock, SystemClock};
use overture_core::{Action, ActionKind, ActionState, WorkspaceId};
use overture_fake_linkedin::{Account, FakeLinkedIn, Member, Options, Tier, World, profile_id_for};
use overture_store::{AccountLeaseStore, ActionQuery, Store};
use overture_store_postgres::testing::TestDatabase;
use overture_store_postgres::{PostgresOptions, PostgresStore};
use overture_store_sqlite::{SqliteOptions, SqliteStore};

use crate::Sandbox;

/// The simulated instant the clock starts at: a Monday morning.
const START: &str = "2026-03-02T09:00:00Z";

/// Fictional given and family names for the people contacted.
const GIVEN: [&str; 8] = [
    "Avery", "Briar", "Corin", "Dara", "Emrys", "Fenna", "Galen", "Hollis",
];
const FAMILY: [&str; 8] = [
    "Ashdown",
    "Brackwell",
    "Coldmere",
    "Dunmore",
    "Eversley",
    "Farrow",
    "Glenholt",
    "Harrowgate",
];

/// The test's own handle on the cluster's store, to read what the workers did.
enum Reader {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

/// Which store the cluster runs on.
pub enum Backend {
    Sqlite,
    Postgres(TestDatabase),
}

/// How big the cluster's world is.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub seats: usize,
    pub leads: usize,
    /// How many times faster than the wall clock the shared clock runs.
    pub speed: f64,
}

/// Waits `ms` milliseconds of wall time: the workers are real processes on the wall clock.
#[allow(clippy::disallowed_methods)]
pub fn pause(ms: u64) {
    std::thread::sleep(std::time::Duration::from_millis(ms));
}

/// One worker process and where its standard error goes.
pub struct Worker {
    pub id: String,
    pub child: Child,
    pub log: PathBuf,
}

impl Worker {
    /// What it wrote to standard error.
    pub fn said(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

pub struct Cluster {
    pub s: Sandbox,
    // Closed before the database it reads is dropped (fields drop in order).
    reader: OnceLock<Reader>,
    backend: Backend,
    pub fake: FakeLinkedIn,
    pub clock: ScaledClock,
    /// The simulated instant the run started at.
    pub start: Timestamp,
    clock_env: String,
    pub seats: Vec<String>,
    /// Each person's slug and profile id.
    people: Vec<(String, String)>,
    /// The SMTP server the mailbox sends through (aiosmtpd, writing a Maildir).
    smtp: Child,
    started: u32,
    /// The workers' `--account-lease`: four simulated minutes.
    lease: String,
    // Dropped after the fake, whose server task it runs.
    pub runtime: tokio::runtime::Runtime,
}

impl Cluster {
    /// A database with `shape.seats` LinkedIn accounts (premium, every day 08:00 to 20:00, paces
    /// short enough for a test and day caps that bind within it), `shape.leads` people on the
    /// list `people`, and `campaign` (YAML, its accounts listed as `{{SEATS}}`) applied and
    /// started.
    pub fn new(backend: Backend, shape: Shape, campaign: &str, limits: &[&str]) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime");
        let start: Timestamp = START.parse().expect("an instant");
        let epoch = SystemClock.now();
        let clock = ScaledClock::new(start, epoch, shape.speed);
        let clock_env = format!("{start},{epoch},{}", shape.speed);
        let seats: Vec<String> = (1..=shape.seats).map(|i| format!("seat-{i}")).collect();
        let mut world = World::new();
        for (i, seat) in seats.iter().enumerate() {
            let me = Member::new(
                &format!("sender-{}", i + 1),
                GIVEN[i % GIVEN.len()],
                "Sender",
                "Partner at Quillon Systems",
            );
            world = world.account(Account::new(seat, me, Tier::Premium).with_photo());
        }
        let mut csv = String::from("URL,First Name,Last Name,Company,Email\n");
        let mut people = Vec::new();
        for i in 0..shape.leads {
            let slug = format!("person-{i:04}");
            let (given, family) = (GIVEN[i % 8], FAMILY[(i / 8) % 8]);
            world = world.member(Member::new(&slug, given, family, "Head of Operations"));
            people.push((slug.clone(), profile_id_for(&slug)));
            csv.push_str(&format!(
                "https://www.linkedin.com/in/{slug},{given},{family},Fernbrook,{slug}@example.com\n"
            ));
        }
        let options = Options {
            clock: Arc::new(clock),
            ..Options::default()
        };
        let fake = runtime
            .block_on(FakeLinkedIn::start_with(world, options))
            .expect("the fake starts");
        let s = Sandbox::new();
        let (smtp, smtp_port) = smtp_server(&s);
        let cluster = Self {
            s,
            backend,
            reader: OnceLock::new(),
            fake,
            clock,
            start,
            clock_env,
            seats,
            people,
            smtp,
            started: 0,
            lease: "4m".to_owned(),
            runtime,
        };
        cluster.ok(&["init"]);
        let base = cluster.fake.base_url();
        for seat in &cluster.seats {
            let file = format!("{seat}.cookies");
            let cookies = cluster.fake.cookies(seat).expect("a seat");
            cluster.s.write(&file, cookies.cookie_header());
            cluster.ok(&[
                "account",
                "add",
                "linkedin",
                "--name",
                seat,
                "--tier",
                "premium",
                "--cookies-file",
                &file,
                "--api-base",
                &base,
                "--tz",
                "UTC",
                "--days",
                "mon-sun",
                "--hours",
                "08:00-20:00",
            ]);
            cluster.set_limits(seat, limits);
        }
        let smtp_url = format!("smtp://127.0.0.1:{smtp_port}?tls=none");
        cluster.ok(&[
            "account",
            "add",
            "email",
            "--name",
            "mail-1",
            "--from",
            "Quillon Systems <outreach@example.com>",
            "--smtp-url",
            &smtp_url,
            "--footer",
            "Quillon Systems, 1 Sample Street, Springfield",
            "--unsubscribe-url",
            "https://out.example.com",
            "--tz",
            "UTC",
            "--days",
            "mon-sun",
            "--hours",
            "08:00-20:00",
        ]);
        cluster.set_limits("mail-1", limits);
        let leads = cluster.s.write("people.csv", csv);
        let leads = leads.to_str().expect("a UTF-8 path");
        cluster.ok(&["leads", "import", leads, "--list", "people"]);
        let yaml = campaign.replace("{{SEATS}}", &cluster.seats.join(", "));
        let file = cluster.s.write("campaign.yaml", yaml);
        cluster.ok(&["campaign", "apply", file.to_str().expect("a UTF-8 path")]);
        cluster.ok(&["campaign", "start", "chaos"]);
        cluster
    }

    /// Sets each of `limits` (`KIND.key=value`) on the account `name`.
    fn set_limits(&self, name: &str, limits: &[&str]) {
        let mut args = vec!["account", "set", name];
        for limit in limits {
            args.extend(["--limit", limit]);
        }
        self.ok(&args);
    }

    /// The database's URL or path, as `OVERTURE_DATABASE_URL` takes it.
    pub fn url(&self) -> String {
        match &self.backend {
            Backend::Sqlite => self.s.path("overture.db").display().to_string(),
            Backend::Postgres(db) => db.url.clone(),
        }
    }

    /// The backend's name, for what the test prints.
    pub fn backend(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "SQLite",
            Backend::Postgres(_) => "PostgreSQL",
        }
    }

    /// Runs a command against the cluster's database on its clock; it must succeed.
    pub fn ok(&self, args: &[&str]) -> String {
        let url = self.url();
        self.s
            .run_with(
                args,
                &[
                    ("OVERTURE_DATABASE_URL", url.as_str()),
                    ("OVERTURE_TEST_CLOCK", self.clock_env.as_str()),
                ],
            )
            .success()
    }

    /// Starts a worker; `failpoints` is its `OVERTURE_FAILPOINTS` (or none).
    pub fn spawn(&mut self, failpoints: Option<&str>) -> Worker {
        self.started += 1;
        let id = format!("w{}", self.started);
        let log = self.s.path(&format!("{id}.log"));
        let err = File::create(&log).expect("a log file");
        let mut command = Command::new(env!("CARGO_BIN_EXE_overture"));
        command
            .args(["worker", "--id", &id, "--account-lease", &self.lease])
            .current_dir(self.s.path(""))
            .env_remove("OVERTURE_CONFIG")
            .env_remove("OVERTURE_MASTER_KEY")
            .env_remove("OVERTURE_FAILPOINTS")
            .env("OVERTURE_DATABASE_URL", self.url())
            .env("OVERTURE_TEST_CLOCK", &self.clock_env)
            .env("OVERTURE_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(err));
        if let Some(points) = failpoints {
            command
                .env("OVERTURE_FAILPOINTS", points)
                .env("OVERTURE_FAILPOINTS_SEED", self.started.to_string());
        }
        let child = command.spawn().expect("start a worker");
        Worker { id, child, log }
    }

    /// Each person's slug and profile id.
    pub fn people(&self) -> &[(String, String)] {
        &self.people
    }

    /// How many workers were started so far.
    pub fn started(&self) -> u32 {
        self.started
    }

    /// The shared clock's reading.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The cluster's store, opened once, the first time it is read.
    fn store(&self) -> &Reader {
        self.reader.get_or_init(|| {
            self.runtime.block_on(async {
                match &self.backend {
                    Backend::Sqlite => {
                        let path = self.s.path("overture.db");
                        let store = SqliteStore::open(&path, SqliteOptions::default()).await;
                        Reader::Sqlite(store.expect("open the database"))
                    }
                    Backend::Postgres(db) => {
                        let store = PostgresStore::connect(&db.url, PostgresOptions::default());
                        Reader::Postgres(store.await.expect("connect"))
                    }
                }
            })
        })
    }

    /// Every action of the default workspace, read through the store.
    pub fn actions(&self) -> Vec<Action> {
        let query = ActionQuery {
            state: None,
            account: None,
            limit: 1_000_000,
        };
        let ws = WorkspaceId::from(1);
        // Opened before the runtime is entered: opening it enters the runtime too.
        let store = self.store();
        let actions = self.runtime.block_on(async {
            match store {
                Reader::Sqlite(store) => store.list_actions(ws, query).await,
                Reader::Postgres(store) => store.list_actions(ws, query).await,
            }
        });
        actions.expect("the actions")
    }

    /// The live account leases: each account's id and the worker that holds it.
    pub fn leases(&self) -> Vec<(i64, String)> {
        let now = self.now();
        let store = self.store();
        let leases = self.runtime.block_on(async {
            match store {
                Reader::Sqlite(store) => store.account_leases().await,
                Reader::Postgres(store) => store.account_leases().await,
            }
        });
        leases
            .expect("the leases")
            .into_iter()
            .filter(|l| l.expires_at > now)
            .map(|l| (l.account.get(), l.worker))
            .collect()
    }

    /// Schedules the fake's people to answer: every second one accepts its invitation between
    /// 10 and 70 simulated minutes after it was sent, and every fifth of those replies half an
    /// hour later (which stops its sequence). Invitations already scheduled are skipped.
    pub fn answer(&self, scheduled: &mut BTreeSet<String>) {
        for invitation in self.fake.invitations() {
            let slug = invitation.slug.clone();
            if !scheduled.insert(slug.clone()) {
                continue;
            }
            let n: usize = slug
                .trim_start_matches("person-")
                .parse()
                .unwrap_or_default();
            if !n.is_multiple_of(2) {
                continue;
            }
            let sent = invitation.sent_at;
            let at = sent + SignedDuration::from_mins(10 + (n % 7) as i64 * 10);
            self.fake.accept_at(&invitation.account, &slug, at);
            if n.is_multiple_of(5) {
                let later = at + SignedDuration::from_mins(30);
                self.fake
                    .reply_at(&invitation.account, &slug, "Thanks, let's talk", later);
            }
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.smtp.kill();
        let _ = self.smtp.wait();
    }
}

/// Starts aiosmtpd on a free loopback port, storing what it accepts in the Maildir `mail`;
/// returns it once it answers.
fn smtp_server(s: &Sandbox) -> (Child, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let listen = format!("127.0.0.1:{port}");
    let maildir = s.path("mail");
    let child = Command::new("python3")
        .args(["-m", "aiosmtpd", "-n", "-l", &listen, "-c"])
        .arg("aiosmtpd.handlers.Mailbox")
        .arg(&maildir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    for _ in 0..100 {
        if std::net::TcpStream::connect(&listen).is_ok() {
            return (child, port);
        }
        pause(100);
    }
    let out = child.wait_with_output().expect("aiosmtpd ended");
    panic!(
        "aiosmtpd did not start (scripts/test.sh installs it): {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The emails the SMTP server received: the recipient's slug and the `Date` header, one per
/// email.
pub fn emails(s: &Sandbox) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for folder in ["new", "cur"] {
        let Ok(entries) = std::fs::read_dir(s.path("mail").join(folder)) else {
            continue;
        };
        for entry in entries.flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            let header = |name: &str| {
                text.lines()
                    .take_while(|l| !l.is_empty())
                    .find_map(|l| l.strip_prefix(name))
                    .unwrap_or_default()
                    .trim()
                    .to_owned()
            };
            let to = header("To:");
            let slug = to
                .trim_start_matches('<')
                .split('@')
                .next()
                .unwrap_or_default()
                .rsplit(['<', ' '])
                .next()
                .unwrap_or_default()
                .to_owned();
            found.push((slug, header("Date:")));
        }
    }
    found
}

/// The person an action is about, from its payload's profile URL.
pub fn slug_of(action: &Action) -> String {
    let payload: serde_json::Value = serde_json::from_str(&action.payload).unwrap_or_default();
    let profile = payload["profile"].as_str().unwrap_or_default();
    profile
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// How many actions are in each state, and of each kind.
pub fn tally(actions: &[Action]) -> (BTreeMap<ActionState, usize>, BTreeMap<ActionKind, usize>) {
    let mut states = BTreeMap::new();
    let mut kinds = BTreeMap::new();
    for a in actions {
        *states.entry(a.state).or_insert(0) += 1;
        *kinds.entry(a.kind).or_insert(0) += 1;
    }
    (states, kinds)
}
