//! The command line, as clap sees it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

mod account;
mod worker;

pub use account::*;
pub use worker::WorkerArgs;

/// Overture: LinkedIn and cold-email outreach that keeps the sender's account healthy.
///
/// Automating LinkedIn is against section 8.2 of LinkedIn's User Agreement; Overture ships
/// conservative limits and modes that automate nothing on LinkedIn. See the README.
#[derive(Debug, Parser)]
#[command(
    name = "overture",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// Database: a SQLite file path or `sqlite://PATH` [default: ./overture.db]
    #[arg(
        long,
        global = true,
        env = "OVERTURE_DATABASE_URL",
        value_name = "PATH|URL"
    )]
    pub db: Option<String>,

    /// Configuration file [default: ./overture.toml when it exists]
    #[arg(long, global = true, env = "OVERTURE_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// More log output on standard error (-v info, -vv debug); OVERTURE_LOG overrides
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database (and apply migrations) and say what to do next
    Init,
    /// Sender accounts: LinkedIn, sandbox or email seats
    #[command(subcommand)]
    Account(AccountCommand),
    /// Leads: import from CSV, list
    #[command(subcommand)]
    Leads(LeadsCommand),
    /// Campaigns: validate, apply and read campaign files
    #[command(subcommand)]
    Campaign(CampaignCommand),
    /// Message templates: lint them, preview them for leads, explain a lint rule
    #[command(subcommand)]
    Template(TemplateCommand),
    /// Run the engine in real time until stopped (Ctrl-C or SIGTERM) or for a while
    Run(RunArgs),
    /// Run the engine and the HTTP service (health, metrics, one-click unsubscribe, the API)
    Serve(ServeArgs),
    /// Run the engine as one worker among several on one database, acting only for the
    /// accounts it holds (no HTTP service)
    Worker(WorkerArgs),
    /// Per account: state, pending invitations, invitations against the caps, next actions
    Status(StatusArgs),
    /// Pending invitations: list them, withdraw the stale ones, acceptance statistics
    #[command(subcommand)]
    Invites(InvitesCommand),
    /// Your own LinkedIn data export: analyse it, or import it as an account's history
    #[command(subcommand)]
    Export(ExportCommand),
    /// The suppression list: addresses, domains and LinkedIn profiles never contacted
    #[command(subcommand)]
    Suppress(SuppressCommand),
    /// Users who sign in to `overture serve`, and their role in the workspace
    #[command(subcommand)]
    User(UserCommand),
    /// The workspace's API tokens for `overture serve`'s API
    #[command(subcommand)]
    Token(TokenCommand),
    /// DKIM keys that sign the workspace's email, one per sending domain
    #[command(subcommand)]
    Dkim(DkimCommand),
    /// Webhooks: receivers of signed event notifications, and their deliveries
    #[command(subcommand)]
    Webhook(WebhookCommand),
    /// Watch a multi-account campaign play out over weeks of simulated time in the sandbox
    Demo(DemoArgs),
    /// Compare withdrawal policies over many seeded sandbox worlds
    Simulate(SimulateArgs),
    /// Configuration: print an example or the effective settings
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Tools for developing Overture
    #[command(subcommand)]
    Dev(DevCommand),
}

/// `overture dkim …`
#[derive(Debug, Subcommand)]
pub enum DkimCommand {
    /// Make a key for a sending domain, store it encrypted and print the DNS TXT record to
    /// publish (replaces the domain's key: publish the new record first under a new selector)
    Generate {
        /// The sending domain (of the mailboxes' --from)
        #[arg(long)]
        domain: String,
        /// The selector, the DNS name's first part (`<selector>._domainkey.<domain>`)
        #[arg(long, default_value = "overture")]
        selector: String,
        /// rsa (RSA-2048, read everywhere) or ed25519 (shorter; not every receiver checks it)
        #[arg(long, default_value = "rsa")]
        algorithm: String,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Print the DNS TXT record of each domain's key
    List(JsonFlag),
}

/// `overture webhook …`
#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Add an endpoint; prints its signing secret once (store it with the receiver)
    Add {
        /// The receiver's http:// or https:// URL
        #[arg(long)]
        url: String,
        /// The event types it receives, comma-separated (`invite_accepted,reply_received`);
        /// see docs/webhooks.md for the list
        #[arg(long, value_delimiter = ',', required = true)]
        events: Vec<String>,
        /// Allow a private, loopback or link-local target (a receiver you run yourself)
        #[arg(long)]
        allow_private: bool,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// List the endpoints (never their secrets)
    List(JsonFlag),
    /// Remove an endpoint with its deliveries
    Remove {
        /// The endpoint's id (from `overture webhook list`)
        id: i64,
    },
    /// The latest deliveries and how they went
    Deliveries {
        /// Only this endpoint's
        #[arg(long)]
        endpoint: Option<i64>,
        /// Only pending, delivered or failed ones
        #[arg(long)]
        status: Option<String>,
        /// How many
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Send a test message (`webhook.ping`) to an endpoint now and say how it went
    Test {
        /// The endpoint's id
        id: i64,
    },
}

/// `overture suppress …`
#[derive(Debug, Subcommand)]
pub enum SuppressCommand {
    /// Add entries: email addresses, domains (`example.com` or `@example.com`) or LinkedIn
    /// profile URLs; nobody they match is contacted again, on any channel
    Add(SuppressAdd),
    /// List the entries
    List(JsonFlag),
    /// Remove entries
    Remove {
        /// Entries as they were added
        #[arg(required = true)]
        entries: Vec<String>,
    },
}

/// `overture suppress add`
#[derive(Debug, Args)]
pub struct SuppressAdd {
    /// Entries to add
    pub entries: Vec<String>,
    /// Also read entries from a file, one per line (`#` starts a comment); `-` reads standard
    /// input
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Why they are on the list
    #[arg(long, default_value = "added by hand")]
    pub reason: String,
}

/// A role in a workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    /// Everything, the workspace and its admins included
    Owner,
    /// Members' rights, plus sender accounts, webhooks, API tokens and members below admin
    Admin,
    /// Reads and changes data: leads, lists, campaigns, invitations
    Member,
    /// Reads only
    Viewer,
}

impl From<RoleArg> for overture_core::Role {
    fn from(role: RoleArg) -> Self {
        match role {
            RoleArg::Owner => overture_core::Role::Owner,
            RoleArg::Admin => overture_core::Role::Admin,
            RoleArg::Member => overture_core::Role::Member,
            RoleArg::Viewer => overture_core::Role::Viewer,
        }
    }
}

/// `overture user …`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user who signs in with an address and a password, as a member of the workspace
    /// (the first user of an install becomes its owner)
    Add(UserAdd),
    /// List the workspace's members (never their passwords or hashes)
    List(JsonFlag),
}

/// `overture user add`
#[derive(Debug, Args)]
pub struct UserAdd {
    /// The address the user signs in with
    #[arg(long)]
    pub email: String,
    /// The name other members see
    #[arg(long)]
    pub name: String,
    /// The user's role in the workspace
    #[arg(long, value_enum, default_value = "member")]
    pub workspace_role: RoleArg,
    /// A file holding the password (its first line), at least 12 characters; `-` reads
    /// standard input. Never on the command line, where other users of the machine see it
    #[arg(long, value_name = "FILE")]
    pub password_file: PathBuf,
}

/// `overture token …`
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for the workspace and print it once (only its hash is kept)
    Create {
        /// What the token is for (`crm sync`)
        #[arg(long)]
        name: String,
        /// What the token may do
        #[arg(long, value_enum, default_value = "member")]
        role: RoleArg,
        /// Print JSON (with the token, once)
        #[arg(long)]
        json: bool,
    },
    /// List the workspace's tokens by prefix (never the tokens themselves)
    List(JsonFlag),
    /// Revoke a token: it stops working at once
    Revoke {
        /// The token's prefix, as `overture token list` shows it (`ovt_` and 8 characters)
        prefix: String,
    },
}

/// `overture dev …`
#[derive(Debug, Subcommand)]
pub enum DevCommand {
    /// Serve a fake LinkedIn (Voyager API) on 127.0.0.1 with a small fictional world, until Ctrl-C
    FakeLinkedin(FakeLinkedinArgs),
}

/// `overture dev fake-linkedin`
#[derive(Debug, Args)]
pub struct FakeLinkedinArgs {
    /// Port on 127.0.0.1 (0 picks a free one)
    #[arg(long, default_value_t = 0)]
    pub port: u16,
}

/// `overture template …`
#[derive(Debug, Subcommand)]
pub enum TemplateCommand {
    /// Lint a template: what gets a note ignored, with a score from 0 to 100
    #[command(
        after_help = "The kind defaults to the file name: *.message.txt is a message, \
    *.subject.txt an email subject, *.email.txt an email body, anything else an invitation \
    note. Exits with status 2 when a finding is an error. See docs/messages.md for the rules."
    )]
    Lint(TemplateLint),
    /// Render a template for the first leads of a CSV file, with lengths against the limit
    Preview(TemplatePreview),
}

/// What a template is checked as.
#[derive(Debug, Args)]
pub struct TemplateTarget {
    /// The sender's tier, which decides the note length (300 characters, 200 on free)
    #[arg(long, value_enum, default_value = "premium")]
    pub tier: TierArg,
    /// What the text is [default: from the file name, else invite]
    #[arg(long, value_enum)]
    pub kind: Option<KindOfText>,
}

/// What a text is.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindOfText {
    /// A connection invitation's note
    Invite,
    /// A LinkedIn message
    Message,
    /// An email's subject line
    EmailSubject,
    /// An email's body
    EmailBody,
}

/// `overture template lint`
#[derive(Debug, Args)]
pub struct TemplateLint {
    /// The template file [required unless --explain is given]
    #[arg(required_unless_present = "explain")]
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub target: TemplateTarget,
    /// Print a rule's explanation, fix and examples instead (e.g. `generic-opener`)
    #[arg(long, value_name = "RULE", conflicts_with = "file")]
    pub explain: Option<String>,
    #[command(flatten)]
    pub json: JsonFlag,
}

/// `overture template preview`
#[derive(Debug, Args)]
pub struct TemplatePreview {
    /// The template file
    pub file: PathBuf,
    /// The leads, a CSV file read as `overture leads import` reads it
    #[arg(long, value_name = "FILE.csv")]
    pub leads: PathBuf,
    /// How many leads to render
    #[arg(long, default_value_t = 5)]
    pub n: usize,
    #[command(flatten)]
    pub target: TemplateTarget,
    #[command(flatten)]
    pub json: JsonFlag,
}

/// `overture run`
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Stop after this long (e.g. `8h`, `30m`, `1d`) [default: until Ctrl-C or SIGTERM]
    #[arg(long, value_name = "DURATION")]
    pub until: Option<String>,
}

/// `overture serve`
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on; keep it on loopback behind a TLS proxy to expose it
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR:PORT")]
    pub bind: String,
    /// Mark the dashboard's cookies `Secure` whatever the request says (behind a TLS proxy
    /// that sends no `X-Forwarded-Proto: https`)
    #[arg(long)]
    pub secure_cookies: bool,
    /// Serve without running the engine (run `overture worker` processes for the work)
    #[arg(long)]
    pub no_engine: bool,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub sandbox: ServeSandbox,
}

/// `overture status`
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The instant to report at (RFC 3339) [default: now]; a demo database ends in its
    /// simulated future, so pass the instant its report names
    #[arg(long, value_name = "INSTANT")]
    pub at: Option<String>,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

/// `overture serve --sandbox`
#[derive(Debug, Args)]
pub struct ServeSandbox {
    /// Serve a demo: a fresh database (./overture-sandbox.db unless --db is given) with a `demo`
    /// workspace of sandbox accounts, leads and a running campaign on an accelerated clock;
    /// nothing reaches LinkedIn or any mail server
    #[arg(long)]
    pub sandbox: bool,
    /// With --sandbox: simulated minutes per real minute (600: an hour goes by every 6 seconds)
    #[arg(long, default_value_t = 600, requires = "sandbox",
        value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub speed: u32,
    /// With --sandbox: sandbox sender accounts
    #[arg(long, default_value_t = 3, requires = "sandbox",
        value_parser = clap::value_parser!(u32).range(1..=10))]
    pub seats: u32,
    /// With --sandbox: leads imported into the demo and enrolled in its campaign
    #[arg(long, default_value_t = 300, requires = "sandbox",
        value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub leads: u32,
    /// With --sandbox: seed of the simulated world
    #[arg(long, default_value_t = 42, requires = "sandbox")]
    pub seed: u64,
}

/// `overture demo`
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Sender seats
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=500))]
    pub seats: u32,
    /// Leads to enroll
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub leads: u32,
    /// Simulated days
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub days: u32,
    /// Seed of the simulated world and of every random choice
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Parameters of the simulated world (TOML, see docs/sandbox.md)
    #[arg(long, value_name = "WORLD.toml")]
    pub world: Option<PathBuf>,
    /// Print the report as JSON
    #[arg(long)]
    pub json: bool,
}

/// `overture simulate`
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The campaign every seat runs (its `accounts` are replaced by the simulated seats and its
    /// `leads` by the world's people)
    #[arg(value_name = "CAMPAIGN.yaml")]
    pub campaign: PathBuf,
    /// Parameters of the simulated world (TOML, see docs/sandbox.md) [default: the default world]
    #[arg(long, value_name = "WORLD.toml")]
    pub world: Option<PathBuf>,
    /// Sender seats (Premium) in each world
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub seats: u32,
    /// Leads in each world [default: enough that no seat runs out, 130 per seat and week]
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub leads: Option<u32>,
    /// Simulated days
    #[arg(long, default_value_t = 180, value_parser = clap::value_parser!(u32).range(7..=3650))]
    pub days: u32,
    /// Worlds per policy: seeds FIRST_SEED, FIRST_SEED + 1, …
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub seeds: u32,
    /// The first seed
    #[arg(long, default_value_t = 1)]
    pub first_seed: u64,
    /// A policy to compare (repeat for several): none, age:DURATION (age:7d, age:20d, age:30d),
    /// cap:MAX:PER_DAY (cap:500:32), smart or smart:KEY=VALUE,… (smart:max_pending=300)
    /// [default: none, age:7d, age:20d, age:30d, cap:500:32 and smart]
    #[arg(long = "policy", value_name = "POLICY")]
    pub policies: Vec<String>,
    /// Simulations run at once [default: the machine's cores]
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub jobs: Option<u32>,
    /// Print the comparison as JSON
    #[arg(long)]
    pub json: bool,
}

/// `--json` for read commands.
#[derive(Debug, Args, Clone, Copy)]
pub struct JsonFlag {
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

/// `overture leads …`
#[derive(Debug, Subcommand)]
pub enum LeadsCommand {
    /// Import leads from a CSV file into a list (all or nothing by default)
    Import(LeadsImport),
    /// List leads
    List {
        /// Only leads on this list
        #[arg(long)]
        list: Option<String>,
        /// At most this many
        #[arg(long, default_value_t = 1000)]
        limit: u32,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Erase a person: their data goes everywhere, only hashes stay on the suppression list
    Erase {
        /// The person's LinkedIn profile URL
        profile_url: String,
        #[command(flatten)]
        json: JsonFlag,
    },
}

/// `overture leads import`
#[derive(Debug, Args)]
pub struct LeadsImport {
    /// The CSV file
    pub file: PathBuf,
    /// The list to add the leads to (created when missing)
    #[arg(long)]
    pub list: String,
    /// Map a column to a field: "Column Header=field" (fields: first_name, last_name,
    /// headline, company, position, location, email, profile_url, tags, custom:NAME, ignore)
    #[arg(long = "map", value_name = "HEADER=FIELD")]
    pub maps: Vec<String>,
    /// Import the valid rows and write the rejected ones to FILE.rejected.csv
    #[arg(long)]
    pub skip_invalid: bool,
    /// Print the counts as JSON
    #[arg(long)]
    pub json: bool,
}

/// `overture campaign …`
#[derive(Debug, Subcommand)]
pub enum CampaignCommand {
    /// Check a campaign file; print every problem as FILE:LINE:COL: message
    Validate {
        /// The campaign file (YAML)
        file: PathBuf,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Validate a campaign file and store it as the campaign's newest version
    Apply {
        /// The campaign file (YAML)
        file: PathBuf,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Start (or resume) a campaign: enroll its list's leads and let `overture run` carry it out
    ///
    /// Refuses a campaign whose texts cannot go out to some leads (a missing value, over the
    /// limit), or whose senders lack a `sender.*` value, unless --allow-problems is given.
    Start {
        /// The campaign's name
        name: String,
        /// Start even when some leads cannot get a text; they are stopped with the reason
        #[arg(long)]
        allow_problems: bool,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Pause a campaign: nothing new is planned until it is started again
    Pause {
        /// The campaign's name
        name: String,
    },
    /// List campaigns
    List(JsonFlag),
    /// Show a campaign: its newest version, status and steps
    Show {
        /// The campaign's name
        name: String,
        /// Print the stored YAML source instead of a summary
        #[arg(long, conflicts_with = "json")]
        source: bool,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// How each text variant does: per step, sends, successes, the rate with a 95% interval
    /// and the chance of being the best
    Stats {
        /// The campaign's name
        name: String,
        #[command(flatten)]
        json: JsonFlag,
    },
}

/// `overture invites …`
#[derive(Debug, Subcommand)]
pub enum InvitesCommand {
    /// List pending invitations, oldest first, with each one's chance of still being accepted
    Pending(InvitesPending),
    /// Withdraw pending invitations by age, by how many to keep, or as the account's policy would
    Withdraw(InvitesWithdraw),
    /// Per account: invitations sent and accepted, pending by age, and the acceptance curve
    Stats(InvitesStats),
}

/// `overture invites pending`
#[derive(Debug, Args)]
pub struct InvitesPending {
    /// Only this account's invitations [default: every account]
    #[arg(long, value_name = "NAME")]
    pub account: Option<String>,
    /// Only invitations older than this (e.g. `14d`, `36h`)
    #[arg(long, value_name = "DURATION")]
    pub older_than: Option<String>,
    /// The instant to report at (RFC 3339) [default: now]; for demo databases, whose clock is
    /// simulated
    #[arg(long, value_name = "INSTANT")]
    pub at: Option<String>,
    #[command(flatten)]
    pub json: JsonFlag,
}

/// `overture invites withdraw`
#[derive(Debug, Args)]
#[command(
    after_help = "Whatever the mode, nothing younger than the account's governor \
    `min_age` is withdrawn, invitations sent by hand only when its policy governs them, and at \
    most --limit. Invitations whose withdrawal is already queued count towards --limit and are \
    not queued again. A running engine (`overture run`) carries the withdrawals out, spaced \
    inside the account's withdrawal limits and working hours."
)]
pub struct InvitesWithdraw {
    /// The account whose invitations to withdraw
    #[arg(long, value_name = "NAME")]
    pub account: String,
    #[command(flatten)]
    pub mode: WithdrawMode,
    /// Only list what would be withdrawn and why; change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Withdraw at most this many [default: the account's governor `withdrawals_per_day`]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: Option<u32>,
    /// The instant to act at (RFC 3339) [default: now]; for demo databases, whose clock is
    /// simulated (the withdrawals are due from then on)
    #[arg(long, value_name = "INSTANT")]
    pub at: Option<String>,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

/// Which invitations `overture invites withdraw` chooses: exactly one mode.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct WithdrawMode {
    /// Those older than this (e.g. `14d`, `36h`), oldest first
    #[arg(long, value_name = "DURATION")]
    pub older_than: Option<String>,
    /// Keep the N pending invitations most likely to be accepted (in effect the newest: the
    /// chance falls with age) and withdraw the rest, least likely first
    #[arg(long, value_name = "N")]
    pub keep: Option<u32>,
    /// What the account's governor policy selects now: older than its `withdraw_after`, below
    /// its `smart_threshold`, or over its `max_pending`
    #[arg(long)]
    pub smart: bool,
}

/// `overture invites stats`
#[derive(Debug, Args)]
pub struct InvitesStats {
    /// Only this account [default: every account]
    #[arg(long, value_name = "NAME")]
    pub account: Option<String>,
    /// The instant to report at (RFC 3339) [default: now]; for demo databases, whose clock is
    /// simulated
    #[arg(long, value_name = "INSTANT")]
    pub at: Option<String>,
    #[command(flatten)]
    pub json: JsonFlag,
}

/// `overture export …`
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Report on a LinkedIn data export: pending invitations by age, what to withdraw, network
    /// growth and conversations (reads only the export; changes nothing)
    Analyze(ExportAnalyze),
    /// Load a LinkedIn data export into the database as an account's history: connections,
    /// and invitations with their states (importing again, or a later export, merges)
    Import(ExportImport),
}

/// `overture export analyze`
#[derive(Debug, Args)]
#[command(
    after_help = "Get the export on LinkedIn: Settings › Data privacy › Get a copy of your data. \
    An invitation you sent is accepted when its invitee is among your connections, otherwise \
    pending; ages are whole days. See docs/export.md."
)]
pub struct ExportAnalyze {
    /// The export: the zip LinkedIn sent, or the folder it unpacks to
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
    /// "Today", as an RFC 3339 instant (e.g. 2026-11-26T12:00:00Z) [default: now]
    #[arg(long, value_name = "DATETIME")]
    pub now: Option<String>,
    /// The IANA time zone the export's `Sent At` times are read in, and dates shown in
    /// [default: the system's time zone]
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<String>,
    /// Recommend withdrawing the pending invitations at least this many days old
    #[arg(long, value_name = "DAYS", default_value_t = 21)]
    pub withdraw_older_than: u32,
    /// Print the analysis as JSON instead of the report
    #[arg(long)]
    pub json: bool,
    /// Also write the report as one self-contained HTML page, with charts, readable offline
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Also write the recommended withdrawals as a CSV file to work through by hand
    #[arg(long, value_name = "FILE.csv")]
    pub withdraw_list: Option<PathBuf>,
}

/// `overture export import`
#[derive(Debug, Args)]
pub struct ExportImport {
    /// The export: the zip LinkedIn sent, or the folder it unpacks to
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
    /// The account whose export it is (see `overture account list`)
    #[arg(long, value_name = "NAME")]
    pub account: String,
    /// The IANA time zone the export's `Sent At` times are read in [default: the account's
    /// time zone]
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<String>,
    /// Print the counts as JSON
    #[arg(long)]
    pub json: bool,
}

/// `overture config …`
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print a commented example configuration file
    Example,
    /// Print the effective settings after defaults, file, environment and flags
    Show(JsonFlag),
}
