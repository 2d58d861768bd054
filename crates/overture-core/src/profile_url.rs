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

/// The longest slug accepted, in characters (LinkedIn allows 100; older generated ones are
/// shorter). A bound keeps one bad cell from producing a huge key.
const MAX_SLUG_CHARS: usize = 200;

fn parse_impl(input: &str) -> Result<ProfileUrl, ProfileUrlError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(ProfileUrlError::Empty);
    }
    let not_linkedin = || ProfileUrlError::NotLinkedIn {
        input: trimmed.to_owned(),
    };
    let rest = strip_scheme(trimmed).ok_or_else(not_linkedin)?;
    // The authority ends at the first `/`, `?` or `#`. Browsers also end it at a backslash;
    // a backslash is no host character, so the host check rejects such input.
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, rest) = rest.split_at(authority_end);
    if !is_linkedin_host(authority) {
        return Err(not_linkedin());
    }
    let path = &rest[..rest.find(['?', '#']).unwrap_or(rest.len())];
    let raw_slug = profile_slug(path).ok_or_else(|| ProfileUrlError::NotAProfile {
        input: trimmed.to_owned(),
    })?;
    let slug = normalise_slug(raw_slug).ok_or_else(|| ProfileUrlError::InvalidSlug {
        input: trimmed.to_owned(),
    })?;
    Ok(ProfileUrl { slug })
}

/// Removes an `http://`, `https://` or `//` prefix. Returns `None` for any other scheme.
fn strip_scheme(s: &str) -> Option<&str> {
    for prefix in ["https://", "http://"] {
        if let Some(head) = s.get(..prefix.len())
            && head.eq_ignore_ascii_case(prefix)
        {
            return Some(&s[prefix.len()..]);
        }
    }
    if let Some(rest) = s.strip_prefix("//") {
        return Some(rest);
    }
    // Something like `ftp://` or `javascript:`; a bare host never holds a `:` before the path.
    let head = &s[..s.find(['/', '?', '#']).unwrap_or(s.len())];
    if head.contains(':') { None } else { Some(s) }
}

/// `linkedin.com` or any subdomain of it (`www.`, `de.`, `m.`, `mobile.`), ASCII case-insensitive.
/// Every subdomain of linkedin.com belongs to LinkedIn, so accepting them admits no look-alike;
/// user info (`@`), ports and anything that is not a DNS label is rejected.
fn is_linkedin_host(host: &str) -> bool {
    const DOMAIN: &str = "linkedin.com";
    let Some(split) = host.len().checked_sub(DOMAIN.len()) else {
        return false;
    };
    let Some((prefix, domain)) = host.split_at_checked(split) else {
        return false;
    };
    if !domain.eq_ignore_ascii_case(DOMAIN) {
        return false;
    }
    if prefix.is_empty() {
        return true;
    }
    let Some(subdomains) = prefix.strip_suffix('.') else {
        // `notlinkedin.com`.
        return false;
    };
    subdomains.split('.').all(is_dns_label)
}

fn is_dns_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// The raw slug segment of a `/in/<slug>[/...]` path (also `/mwlite/in/<slug>`, LinkedIn Lite).
///
/// Old `/pub/<name>/a/b/c` addresses are rejected: their mapping to `/in/` slugs is not
/// documented, and guessing it wrongly would merge or split people.
fn profile_slug(path: &str) -> Option<&str> {
    let mut segments = path.strip_prefix('/')?.split('/');
    let mut first = segments.next()?;
    if first.eq_ignore_ascii_case("mwlite") {
        first = segments.next()?;
    }
    if !first.eq_ignore_ascii_case("in") {
        return None;
    }
    // An empty slug (`/in/` or `/in//x`) is a profile path with an invalid slug.
    Some(segments.next().unwrap_or(""))
}

/// Percent-decodes and lower-cases a slug, and checks it. Plain lower-case ASCII slugs, the
/// common case, are copied once without intermediate allocations.
fn normalise_slug(raw: &str) -> Option<String> {
    let simple = raw
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.'));
    let slug = if simple {
        raw.to_owned()
    } else {
        let decoded = percent_encoding::percent_decode_str(raw)
            .decode_utf8()
            .ok()?;
        // `to_lowercase` also folds title-case letters, which `is_uppercase` does not report.
        decoded.to_lowercase()
    };
    is_valid_slug(&slug).then_some(slug)
}

/// A slug is ASCII letters, digits, `-`, `_`, `.` and any non-ASCII character that is not
/// white space, a control or an invisible formatting character, with at least one letter or
/// digit. `/`, `%`, `?`, `#` and the like are excluded so that the canonical URL parses back
/// to the same slug.
fn is_valid_slug(slug: &str) -> bool {
    let mut has_alphanumeric = false;
    let mut count = 0;
    for c in slug.chars() {
        count += 1;
        if c.is_alphanumeric() {
            has_alphanumeric = true;
        }
        let allowed = if c.is_ascii() {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
        } else {
            !c.is_whitespace() && !c.is_control() && !is_invisible(c)
        };
        if !allowed {
            return false;
        }
    }
    has_alphanumeric && count <= MAX_SLUG_CHARS
}

/// Zero-width and bidirectional formatting characters, which would make two slugs look alike.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

#[cfg(test)]
mod tests;
