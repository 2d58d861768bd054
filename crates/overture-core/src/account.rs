//! Sender accounts ("seats"): a LinkedIn account, a sandbox account or an email mailbox.

use std::fmt;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::governor::Policy;
use crate::ids::{AccountId, WorkspaceId};
use crate::limits::AccountLimits;
use crate::working_hours::WorkingHours;

/// What carries an account's actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// A real LinkedIn account driven through its web session.
    Linkedin,
    /// A seat in the simulated LinkedIn network.
    Sandbox,
    /// An email mailbox (SMTP and IMAP).
    Email,
}

/// A LinkedIn subscription tier; it decides the default limits and the note length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// A free account: 200-character notes, about 5 notes a month, about 100 invitations a week.
    Free,
    /// LinkedIn Premium: 300-character notes.
    Premium,
    /// Sales Navigator: 300-character notes.
    SalesNavigator,
}

impl Tier {
    /// The longest invitation note LinkedIn accepts on this tier, in characters.
    pub fn note_limit(self) -> usize {
        match self {
            Tier::Free => 200,
            Tier::Premium | Tier::SalesNavigator => 300,
        }
    }
}

macro_rules! str_enum {
    ($ty:ty { $($variant:ident => $text:literal),* $(,)? }) => {
        impl $ty {
            /// The name used in files, the CLI and the database.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),* }
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = $crate::account::UnknownName;
            fn from_str(s: &str) -> Result<Self, $crate::account::UnknownName> {
                match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
                    $($text => Ok(Self::$variant),)*
                    _ => Err($crate::account::UnknownName {
                        what: stringify!($ty),
                        given: s.to_owned(),
                        expected: &[$($text),*],
                    }),
                }
            }
        }
    };
}
pub(crate) use str_enum;

/// What an account's handle may be, as a person reads it.
pub const ACCOUNT_NAME_RULE: &str = "use 1 to 64 letters, digits, `-`, `_` or `.`";

/// Whether `name` may be an account's handle (see [`ACCOUNT_NAME_RULE`]): it appears in
/// campaign files and on the command line.
pub fn is_account_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

str_enum!(AccountKind { Linkedin => "linkedin", Sandbox => "sandbox", Email => "email" });
str_enum!(Tier { Free => "free", Premium => "premium", SalesNavigator => "sales_navigator" });

/// A name that is not one of an enumeration's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{given}` (expected one of: {})", expected.join(", "))]
pub struct UnknownName {
    /// The kind of value (a type name).
    pub what: &'static str,
    /// What was given.
    pub given: String,
    /// The accepted names.
    pub expected: &'static [&'static str],
}

/// An IANA time zone (`Europe/Berlin`), validated against the time zone database.
#[derive(Debug, Clone)]
pub struct Zone {
    name: String,
    tz: TimeZone,
}

/// A time zone name the database does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown time zone `{0}` (use an IANA name such as Europe/Berlin or America/New_York)")]
pub struct UnknownZone(pub String);

impl Zone {
    /// Looks up an IANA time zone name.
    pub fn parse(name: &str) -> Result<Self, UnknownZone> {
        let name = name.trim();
        let tz = TimeZone::get(name).map_err(|_| UnknownZone(name.to_owned()))?;
        Ok(Self {
            name: name.to_owned(),
            tz,
        })
    }

    /// UTC.
    pub fn utc() -> Self {
        Self {
            name: "UTC".to_owned(),
            tz: TimeZone::UTC,
        }
    }

    /// The IANA name as given.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The resolved time zone, for civil-time arithmetic.
    pub fn tz(&self) -> &TimeZone {
        &self.tz
    }
}

impl PartialEq for Zone {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}
impl Eq for Zone {}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl Serialize for Zone {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name)
    }
}

impl<'de> Deserialize<'de> for Zone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Zone::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// Whether an account may act, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum AccountStatus {
    /// The account runs.
    Active,
    /// Paused by the user or by the engine, with the reason shown to the user.
    Paused {
        /// Why the account is paused.
        reason: String,
    },
    /// LinkedIn restricted the account; nothing runs before `until`.
    Restricted {
        /// When the restriction is expected to end.
        until: Timestamp,
    },
    /// The session or password expired; the user must provide new credentials.
    NeedsCredentials,
}

impl AccountStatus {
    /// A short name for tables and filters: `active`, `paused`, `restricted`, `needs_credentials`.
    pub fn name(&self) -> &'static str {
        match self {
            AccountStatus::Active => "active",
            AccountStatus::Paused { .. } => "paused",
            AccountStatus::Restricted { .. } => "restricted",
            AccountStatus::NeedsCredentials => "needs_credentials",
        }
    }

    /// Whether the account may act at `now`.
    pub fn may_act(&self, now: Timestamp) -> bool {
        match self {
            AccountStatus::Active => true,
            AccountStatus::Restricted { until } => now >= *until,
            AccountStatus::Paused { .. } | AccountStatus::NeedsCredentials => false,
        }
    }
}

/// How the sender presents: the `sender.*` variables of message templates.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SenderProfile {
    /// Given name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Current company.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// Current position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<String>,
}

impl SenderProfile {
    /// Whether no field is known.
    pub fn is_empty(&self) -> bool {
        self == &SenderProfile::default()
    }
}

/// A sender seat as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    /// Store key.
    pub id: AccountId,
    /// Owning workspace.
    pub workspace_id: WorkspaceId,
    /// Short handle, unique in the workspace, used in campaign files (`accounts: [alice]`).
    pub name: String,
    /// What carries the account's actions.
    pub kind: AccountKind,
    /// LinkedIn tier (email accounts keep `free`; it is not used for them).
    pub tier: Tier,
    /// The account's time zone: working hours are read in it.
    pub time_zone: Zone,
    /// When the account may act.
    pub working_hours: WorkingHours,
    /// Caps, spacing, warm-up and note quota.
    pub limits: AccountLimits,
    /// How the pending-invitation governor treats the account's invitations.
    #[serde(default)]
    pub governor: Policy,
    /// How the sender presents in messages (`sender.first_name`, …).
    #[serde(default, skip_serializing_if = "SenderProfile::is_empty")]
    pub sender: SenderProfile,
    /// Whether it may act now.
    pub status: AccountStatus,
    /// When the account was added (the warm-up ramp starts here).
    pub created_at: Timestamp,
}

/// A sender seat before the store has given it an id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewAccount {
    /// Owning workspace.
    pub workspace_id: WorkspaceId,
    /// Short handle, unique in the workspace.
    pub name: String,
    /// What carries the account's actions.
    pub kind: AccountKind,
    /// LinkedIn tier.
    pub tier: Tier,
    /// The account's time zone.
    pub time_zone: Zone,
    /// When the account may act.
    pub working_hours: WorkingHours,
    /// Caps, spacing, warm-up and note quota.
    pub limits: AccountLimits,
    /// How the pending-invitation governor treats the account's invitations.
    #[serde(default)]
    pub governor: Policy,
    /// How the sender presents in messages (`sender.first_name`, …).
    #[serde(default, skip_serializing_if = "SenderProfile::is_empty")]
    pub sender: SenderProfile,
    /// Whether it may act from the start (a LinkedIn seat without its session waits for it).
    pub status: AccountStatus,
    /// When it was added.
    pub created_at: Timestamp,
}

/// The settings of an account that its owner may change after adding it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountSettings {
    /// LinkedIn tier.
    pub tier: Tier,
    /// The account's time zone.
    pub time_zone: Zone,
    /// When the account may act.
    pub working_hours: WorkingHours,
    /// Caps, spacing, warm-up and note quota.
    pub limits: AccountLimits,
    /// How the pending-invitation governor treats the account's invitations.
    #[serde(default)]
    pub governor: Policy,
    /// How the sender presents in messages (`sender.first_name`, …).
    #[serde(default, skip_serializing_if = "SenderProfile::is_empty")]
    pub sender: SenderProfile,
}

impl Account {
    /// The changeable settings, to edit and store back.
    pub fn settings(&self) -> AccountSettings {
        AccountSettings {
            tier: self.tier,
            time_zone: self.time_zone.clone(),
            working_hours: self.working_hours.clone(),
            limits: self.limits.clone(),
            governor: self.governor,
            sender: self.sender.clone(),
        }
    }
}
