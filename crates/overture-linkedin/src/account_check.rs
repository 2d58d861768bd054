//! The account check: a read-only smoke test a user runs on an account before anything is
//! sent from it. Is the session alive, who is it, how many invitations are pending, and is the
//! profile complete enough that people accept its invitations?

use std::fmt;

use overture_channel::ChannelError;
use serde::Serialize;

use crate::classify::Target;
use crate::client::VoyagerClient;
use crate::endpoints as ep;
use crate::ops::{drifted, profile_path};
use crate::parse::{self, MeRow, OwnProfileRow};

/// The fewest connections a sender should have: invitations from smaller networks are often
/// ignored or reported, and the reference notes that accounts under about 150 connections may
/// be asked to verify themselves.
pub const MIN_CONNECTIONS: u32 = 150;

/// What the account check found. A dead session, a challenge or a block is not a result but
/// the [`ChannelError`] the check returns instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountCheck {
    /// The profile id (`ACoAA…`).
    pub profile_id: String,
    /// The public slug (`/in/<slug>`).
    pub public_id: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Headline, when it has text.
    pub headline: Option<String>,
    /// Whether the account has Premium.
    pub premium: bool,
    /// Invitations sent and not yet answered.
    pub pending_invitations: u32,
    /// What the people it invites see.
    pub profile: ProfileCompleteness,
}

impl AccountCheck {
    /// What the profile lacks, most important first; empty when it is complete.
    pub fn missing(&self) -> Vec<Missing> {
        self.profile.missing()
    }
}

/// The parts of the sender's own profile that decide whether invitations get accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ProfileCompleteness {
    /// A profile photo.
    pub photo: bool,
    /// A headline.
    pub headline: bool,
    /// An about section.
    pub about: bool,
    /// At least one position in the experience section.
    pub experience: bool,
    /// How many connections the account has.
    pub connections: u32,
}

impl ProfileCompleteness {
    /// What is missing, most important first; empty when the profile is complete.
    pub fn missing(&self) -> Vec<Missing> {
        let checks = [
            (self.photo, Missing::Photo),
            (self.headline, Missing::Headline),
            (self.experience, Missing::Experience),
            (self.about, Missing::About),
            (
                self.connections >= MIN_CONNECTIONS,
                Missing::Connections {
                    have: self.connections,
                },
            ),
        ];
        checks
            .into_iter()
            .filter_map(|(present, missing)| (!present).then_some(missing))
            .collect()
    }

    /// Whether nothing is missing.
    pub fn is_complete(&self) -> bool {
        self.missing().is_empty()
    }
}

/// One thing the sender's profile lacks. `Display` gives a line with what to do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "missing", rename_all = "snake_case")]
pub enum Missing {
    /// No profile photo.
    Photo,
    /// No headline.
    Headline,
    /// No position in the experience section.
    Experience,
    /// An empty about section.
    About,
    /// Fewer than [`MIN_CONNECTIONS`] connections.
    Connections {
        /// How many the account has.
        have: u32,
    },
}

impl Missing {
    /// What is missing, in a few words.
    pub fn what(&self) -> String {
        match self {
            Missing::Photo => "no profile photo".to_owned(),
            Missing::Headline => "no headline".to_owned(),
            Missing::Experience => "no experience listed".to_owned(),
            Missing::About => "empty about section".to_owned(),
            Missing::Connections { have } => {
                format!("only {have} connections (fewer than {MIN_CONNECTIONS})")
            }
        }
    }

    /// Why it matters and what to do, in one line.
    pub fn advice(&self) -> &'static str {
        match self {
            Missing::Photo => {
                "people rarely accept invitations from profiles without one; add a clear photo of your face"
            }
            Missing::Headline => {
                "the headline is the first line an invitee reads; say what you do and for whom"
            }
            Missing::Experience => {
                "a profile without a single position looks like a fake account; add your current role"
            }
            Missing::About => {
                "invitees who look you up find nothing about you; write a few lines on what you do"
            }
            Missing::Connections { .. } => {
                "invitations from small networks are often ignored or reported; connect with people you know first and keep daily invitations low"
            }
        }
    }
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.what(), self.advice())
    }
}

impl VoyagerClient {
    /// The account check, reads only: who the session belongs to (`/me`; a dead session or a
    /// challenge fails here with the usual [`ChannelError`]), its own profile, its connection
    /// count and its pending invitations.
    pub async fn account_check(&self) -> Result<AccountCheck, ChannelError> {
        let me = self.me().await?;
        let identity = if me.public_id.is_empty() {
            me.profile_id.clone()
        } else {
            me.public_id.clone()
        };
        let own = self.own_profile(&identity).await?;
        let connections = self.connection_count().await?;
        let pending = self.sent_invitation_count().await?;
        Ok(assemble(me, own, connections, pending))
    }

    /// The account's own profile, by its slug or profile id. A refusal is the account's
    /// problem, not a lead's: it is not classified as an unreachable profile.
    pub async fn own_profile(&self, identity: &str) -> Result<OwnProfileRow, ChannelError> {
        let answer = self.get(&profile_path(identity), Target::Other).await?;
        parse::own_profile(&answer.json, identity).map_err(drifted)
    }

    /// How many connections the session's member has.
    pub async fn connection_count(&self) -> Result<u64, ChannelError> {
        let answer = self.get(ep::CONNECTIONS_SUMMARY, Target::Other).await?;
        parse::connection_count(&answer.json).map_err(drifted)
    }
}

/// The check's result from its answers; names come from the profile, else from `/me`.
fn assemble(me: MeRow, own: OwnProfileRow, connections: u64, pending: u64) -> AccountCheck {
    let or = |own: String, me: String| if own.is_empty() { me } else { own };
    AccountCheck {
        profile_id: me.profile_id,
        public_id: or(own.public_id, me.public_id),
        first_name: or(own.first_name, me.first_name),
        last_name: or(own.last_name, me.last_name),
        profile: ProfileCompleteness {
            photo: own.photo,
            headline: own.headline.is_some(),
            about: own.about,
            experience: own.position_groups > 0,
            connections: saturate(connections),
        },
        headline: own.headline,
        premium: me.premium,
        pending_invitations: saturate(pending),
    }
}

fn saturate(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests;
