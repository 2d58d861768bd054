//! The suppression list: addresses, domains and LinkedIn profiles a workspace never contacts
//! (unsubscribes, hard bounces, people who asked, competitors' domains). Pure: how an entry is
//! read, normalised and matched against a lead.

use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::ProfileUrl;

/// What an entry suppresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuppressionKind {
    /// One email address (`ana@example.com`).
    Address,
    /// Every address of a domain (`example.com`), not its subdomains.
    Domain,
    /// A LinkedIn profile: no invitation, message or email to that person.
    Profile,
}

crate::account::str_enum!(SuppressionKind {
    Address => "address", Domain => "domain", Profile => "profile",
});

/// An entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    /// What it suppresses.
    pub kind: SuppressionKind,
    /// The normalised value: a lower-case address or domain, or a canonical profile URL.
    pub value: String,
    /// Why (`unsubscribed`, `hard bounce 5.1.1`, `added by hand`, …).
    pub reason: String,
    /// When it was added.
    pub created_at: Timestamp,
}

/// An entry that does not read as an address, a domain or a LinkedIn profile URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not an email address, a domain or a LinkedIn profile URL: {why}")]
pub struct SuppressionError {
    /// The entry as given.
    pub value: String,
    /// What is wrong with it.
    pub why: &'static str,
}

/// An entry read from what a user typed: a profile URL (`linkedin.com/in/…`), an address
/// (`ana@example.com`), or a domain (`example.com` or `@example.com`). Returns the kind and the
/// normalised value.
pub fn parse_entry(text: &str) -> Result<(SuppressionKind, String), SuppressionError> {
    let value = text.trim();
    let fail = |why| SuppressionError {
        value: value.to_owned(),
        why,
    };
    if value.to_ascii_lowercase().contains("linkedin.com/") {
        let url =
            ProfileUrl::parse(value).map_err(|_| fail("not a linkedin.com/in/… profile URL"))?;
        return Ok((SuppressionKind::Profile, url.to_string()));
    }
    if let Some(domain) = value.strip_prefix('@') {
        return normalise_domain(domain)
            .map(|d| (SuppressionKind::Domain, d))
            .ok_or_else(|| fail("not a domain name"));
    }
    if value.contains('@') {
        return normalise_address(value)
            .map(|a| (SuppressionKind::Address, a))
            .ok_or_else(|| fail("not an email address"));
    }
    normalise_domain(value)
        .map(|d| (SuppressionKind::Domain, d))
        .ok_or_else(|| fail("not a domain name"))
}

/// An address, trimmed and lower-cased, when it has one `@` with a local part and a domain.
pub fn normalise_address(address: &str) -> Option<String> {
    let address = address.trim().to_lowercase();
    let (local, domain) = address.split_once('@')?;
    let ok = !local.is_empty()
        && !local.chars().any(char::is_whitespace)
        && normalise_domain(domain).is_some_and(|d| d == domain);
    ok.then_some(address)
}

/// A domain name, trimmed, lower-cased and without a final dot, when it looks like one
/// (labels of letters, digits and `-`, at least two of them).
pub fn normalise_domain(domain: &str) -> Option<String> {
    let domain = domain.trim().trim_end_matches('.').to_lowercase();
    let labels: Vec<&str> = domain.split('.').collect();
    let ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    ok.then_some(domain)
}

/// The domain of an address (lower-cased), if it has one.
pub fn domain_of(address: &str) -> Option<String> {
    normalise_address(address).and_then(|a| a.split_once('@').map(|(_, d)| d.to_owned()))
}

impl fmt::Display for Suppression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ({})", self.kind, self.value, self.reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_read_by_their_shape() {
        assert_eq!(
            parse_entry(" Ana.Lopez@Example.COM ").unwrap(),
            (SuppressionKind::Address, "ana.lopez@example.com".to_owned())
        );
        assert_eq!(
            parse_entry("@Example.org").unwrap(),
            (SuppressionKind::Domain, "example.org".to_owned())
        );
        assert_eq!(
            parse_entry("example.org.").unwrap(),
            (SuppressionKind::Domain, "example.org".to_owned())
        );
        let (kind, value) =
            parse_entry("https://www.linkedin.com/in/Fictional-Lead/?trk=x").unwrap();
        assert_eq!(kind, SuppressionKind::Profile);
        assert_eq!(
            value,
            ProfileUrl::parse("https://linkedin.com/in/fictional-lead")
                .unwrap()
                .to_string()
        );
    }

    #[test]
    fn what_is_none_of_them_is_refused_with_why() {
        for bad in [
            "",
            "ana@",
            "@",
            "localhost",
            "ana@@example.com",
            "a b@example.com",
            "linkedin.com/company/x",
            "-x.example",
        ] {
            assert!(parse_entry(bad).is_err(), "{bad:?}");
        }
        let err = parse_entry("ana@").unwrap_err();
        assert!(err.to_string().contains("not an email address"), "{err}");
    }

    #[test]
    fn domains_of_addresses() {
        assert_eq!(
            domain_of("Ana@Mail.Example.com").as_deref(),
            Some("mail.example.com")
        );
        assert_eq!(domain_of("nobody"), None);
    }
}
