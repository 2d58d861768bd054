//! `overture account …`: sender seats, their LinkedIn session and route, their mailbox.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::JsonFlag;

/// `overture account …`
#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Add a sender account
    Add(Box<AccountAdd>),
    /// Change an account's tier, time zone, working hours or limits
    Set(Box<AccountSet>),
    /// List sender accounts
    List(JsonFlag),
    /// Show one account with its limits and working hours
    Show {
        /// The account's name
        name: String,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Check a LinkedIn account before it sends: is its session alive, who is it, how many
    /// invitations are pending, how complete is its profile (reads only; changes nothing)
    Check {
        /// The account's name
        name: String,
        #[command(flatten)]
        json: JsonFlag,
    },
}

/// The kind of account to add.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    /// A real LinkedIn account (its session cookies are added by a later command)
    Linkedin,
    /// A seat in the simulated LinkedIn network (for trying Overture safely)
    Sandbox,
    /// An email mailbox (its SMTP and IMAP settings are added by a later command)
    Email,
}

/// LinkedIn subscription tier.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TierArg {
    /// Free account: 200-character notes, about 5 notes a month
    Free,
    /// Premium: 300-character notes
    Premium,
    /// Sales Navigator: 300-character notes
    SalesNavigator,
}

/// `overture account add`
#[derive(Debug, Args)]
pub struct AccountAdd {
    /// What kind of seat
    pub kind: KindArg,
    /// Short unique name used in campaign files (letters, digits, `-`, `_`, `.`)
    #[arg(long)]
    pub name: String,
    /// LinkedIn tier; decides default limits and the note length
    #[arg(long, value_enum, default_value = "free")]
    pub tier: TierArg,
    /// IANA time zone the working hours are read in [default: the configured default_time_zone]
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<String>,
    /// Working days, e.g. `mon-fri` or `mon,tue,thu`
    #[arg(long, default_value = "mon-fri")]
    pub days: String,
    /// Daily working window, e.g. `09:00-18:00`
    #[arg(long, default_value = "09:00-18:00")]
    pub hours: String,
    #[command(flatten)]
    pub sender: SenderArgs,
    /// LinkedIn session cookies (`li_at`, `JSESSIONID`): a cookie header line, a browser
    /// extension's JSON export or a Netscape cookies.txt; `-` reads standard input. Stored
    /// encrypted; the account becomes active
    #[arg(long, value_name = "FILE")]
    pub cookies_file: Option<PathBuf>,
    #[command(flatten)]
    pub route: RouteArgs,
    #[command(flatten)]
    pub mailbox: MailboxArgs,
    /// Print the created account as JSON
    #[arg(long)]
    pub json: bool,
}

/// An email account's mailbox. Its settings and passwords are stored encrypted.
#[derive(Debug, Args)]
pub struct MailboxArgs {
    /// The sender, like "Ana Lindqvist <ana@example.com>"
    #[arg(long, value_name = "ADDRESS")]
    pub from: Option<String>,
    /// The SMTP server: `smtps://USER@HOST[:465]` (TLS) or `smtp://USER@HOST[:587]` (STARTTLS);
    /// the user percent-encoded (ana%40example.com), never a password in the URL
    #[arg(long, value_name = "URL")]
    pub smtp_url: Option<String>,
    /// The IMAP server, to read replies, bounces and unsubscribes and to find sent mail after a
    /// crash: `imaps://USER@HOST[:993]` or `imap://USER@HOST[:143]?tls=starttls` (`none` removes it)
    #[arg(long, value_name = "URL")]
    pub imap_url: Option<String>,
    /// A file holding the mailbox password (SMTP, and IMAP unless --imap-password-file); `-`
    /// reads standard input
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// A file holding the IMAP password, when it differs
    #[arg(long, value_name = "FILE")]
    pub imap_password_file: Option<PathBuf>,
    /// A footer added to every email after a `-- ` line, such as a postal address ("" removes
    /// it)
    #[arg(long, value_name = "TEXT")]
    pub footer: Option<String>,
    /// The https base of the one-click unsubscribe link, served by `overture serve`
    /// (`<URL>/u/<token>`) ("" removes it)
    #[arg(long, value_name = "URL")]
    pub unsubscribe_url: Option<String>,
    /// An address for mailto unsubscribe requests ("" removes it)
    #[arg(long, value_name = "ADDRESS")]
    pub unsubscribe_mailto: Option<String>,
    /// Extra trusted root certificates (PEM) for servers with a private CA
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Save a copy of each email sent in the Sent folder (for servers that do not keep one)
    #[arg(long, value_name = "on|off")]
    pub save_sent_copy: Option<OnOff>,
}

impl MailboxArgs {
    /// Whether any flag was given.
    pub fn given(&self) -> bool {
        self.from.is_some()
            || self.smtp_url.is_some()
            || self.imap_url.is_some()
            || self.password_file.is_some()
            || self.imap_password_file.is_some()
            || self.footer.is_some()
            || self.unsubscribe_url.is_some()
            || self.unsubscribe_mailto.is_some()
            || self.ca_file.is_some()
            || self.save_sent_copy.is_some()
    }
}

/// `on` or `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    /// Yes
    On,
    /// No
    Off,
}

/// How a LinkedIn account reaches LinkedIn. Stored encrypted (a proxy URL may hold a
/// password).
#[derive(Debug, Args)]
pub struct RouteArgs {
    /// Where LinkedIn is reached instead of `https://www.linkedin.com`: a corporate gateway, or
    /// `overture dev fake-linkedin` for trying things (`default` goes back to LinkedIn)
    #[arg(long, value_name = "URL")]
    pub api_base: Option<String>,
    /// An HTTP or SOCKS5 proxy for this account's requests, e.g.
    /// socks5h://user:pass@host:1080 (`none` removes it)
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
}

impl RouteArgs {
    /// Whether either flag was given.
    pub fn given(&self) -> bool {
        self.api_base.is_some() || self.proxy.is_some()
    }
}

/// How the sender presents in messages: the `sender.*` template variables.
#[derive(Debug, Args)]
pub struct SenderArgs {
    /// The sender's first name, for `{{ sender.first_name }}` in messages ("" clears it)
    #[arg(long, value_name = "NAME")]
    pub first_name: Option<String>,
    /// The sender's last name, for `{{ sender.last_name }}` ("" clears it)
    #[arg(long, value_name = "NAME")]
    pub last_name: Option<String>,
    /// The sender's company, for `{{ sender.company }}` ("" clears it)
    #[arg(long, value_name = "NAME")]
    pub company: Option<String>,
    /// The sender's position, for `{{ sender.position }}` ("" clears it)
    #[arg(long, value_name = "TITLE")]
    pub position: Option<String>,
}

/// `overture account set`
#[derive(Debug, Args)]
pub struct AccountSet {
    /// The account's name
    pub name: String,
    /// New LinkedIn tier (limits stay as they are unless --reset-limits is given)
    #[arg(long, value_enum)]
    pub tier: Option<TierArg>,
    /// New IANA time zone
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<String>,
    /// New working days, e.g. `mon-fri`
    #[arg(long)]
    pub days: Option<String>,
    /// New daily working window, e.g. `08:00-16:00`
    #[arg(long)]
    pub hours: Option<String>,
    /// Start from the tier's default limits before applying --limit changes
    #[arg(long)]
    pub reset_limits: bool,
    /// Change one limit: KIND.per_day=N, KIND.per_week=N, KIND.min_spacing=3m,
    /// KIND.jitter=1m, KIND=on|off, warm_up.start_percent=N, warm_up.ramp_days=N,
    /// note_quota.per_30_days=N|none (KIND: visit, follow, like, invite, withdraw, message, email)
    #[arg(long = "limit", value_name = "KEY=VALUE")]
    pub limits: Vec<String>,
    /// Change the pending-invitation governor: max_pending=N, withdraw_after=60d,
    /// smart=on|off, smart_threshold=0.002 (or 0.2%), min_age=3d, withdrawals_per_day=N (0: no
    /// automatic withdrawal), govern_manual_invites=on|off, make_room=on|off (see
    /// docs/governor.md)
    #[arg(long = "governor", value_name = "KEY=VALUE")]
    pub governor: Vec<String>,
    #[command(flatten)]
    pub sender: SenderArgs,
    /// Replace the LinkedIn session cookies (see `account add --cookies-file`); `-` reads
    /// standard input
    #[arg(long, value_name = "FILE")]
    pub cookies_file: Option<PathBuf>,
    #[command(flatten)]
    pub route: RouteArgs,
    #[command(flatten)]
    pub mailbox: MailboxArgs,
    /// Print the changed account as JSON
    #[arg(long)]
    pub json: bool,
}
