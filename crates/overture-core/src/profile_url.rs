//! LinkedIn profile URLs, the key that identifies a person everywhere in Overture.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A validated, normalised LinkedIn member profile URL: `https://www.linkedin.com/in/<slug>`.
///
/// The slug is lower-cased and percent-decoded, so every common spelling of the same profile
/// (with or without scheme or `www.`, country subdomains, a trailing slash, a query string,
/// upper case, percent-encoding) yields the same value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProfileUrl {
    slug: String,
}

/// Why a string is not a LinkedIn profile URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileUrlError {
    /// The input is empty or only white space.
    #[error("the profile URL is empty")]
    Empty,
    /// The host is not linkedin.com or one of its subdomains.
    #[error("`{input}` is not a linkedin.com address")]
    NotLinkedIn {
        /// The input as given.
        input: String,
    },
    /// The path is not `/in/<slug>`.
    #[error("`{input}` is not a member profile (expected linkedin.com/in/<name>)")]
    NotAProfile {
        /// The input as given.
        input: String,
    },
    /// The slug is empty or holds characters a profile slug cannot have.
    #[error("`{input}` has an invalid profile name")]
    InvalidSlug {
        /// The input as given.
        input: String,
    },
}

impl ProfileUrl {
    /// Parses and normalises a profile URL in any common form.
    pub fn parse(input: &str) -> Result<Self, ProfileUrlError> {
        parse_impl(input)
    }

    /// The normalised public identifier (the part after `/in/`).
    pub fn slug(&self) -> &str {
        &self.slug
    }

    /// The canonical URL, `https://www.linkedin.com/in/<slug>`.
    pub fn as_url(&self) -> String {
        format!("https://www.linkedin.com/in/{}", self.slug)
    }
}

impl fmt::Display for ProfileUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "https://www.linkedin.com/in/{}", self.slug)
    }
}

impl Serialize for ProfileUrl {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ProfileUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        ProfileUrl::parse(&raw).map_err(serde::de::Error::custom)
    }
}

fn parse_impl(input: &str) -> Result<ProfileUrl, ProfileUrlError> {
    let _ = input;
    Err(ProfileUrlError::Empty)
}
