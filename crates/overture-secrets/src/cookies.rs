//! Reading LinkedIn's session cookies from what a user can export.
//!
//! Three formats, recognised by their content:
//! - a cookie header: `li_at=…; JSESSIONID="ajax:…"; …` (optionally starting with `Cookie:`),
//!   as copied from the browser's developer tools;
//! - a JSON export from a browser extension (EditThisCookie, Cookie-Editor): an array of
//!   objects with `name`, `value` and `domain` (or an object whose `cookies` is that array);
//! - a Netscape `cookies.txt`: seven tab-separated fields per line (domain, include
//!   subdomains, path, secure, expiry, name, value), `#HttpOnly_` prefixes allowed.
//!
//! Only cookies of `linkedin.com` and its subdomains count (the JSON and `cookies.txt`
//! formats say the domain; a header has none and is taken as LinkedIn's). A byte-order mark
//! and CRLF line ends are accepted. Errors name the source, the line when there is one, and
//! what is missing; they never contain a cookie's value.

use crate::secret::Secret;
use crate::session::LinkedInSession;

/// The session cookies' names.
const LI_AT: &str = "li_at";
const JSESSIONID: &str = "JSESSIONID";

/// The format a cookie file was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookieFormat {
    /// A `cookie` header line.
    Header,
    /// A browser extension's JSON export.
    Json,
    /// A Netscape `cookies.txt`.
    Netscape,
}

/// Why cookies could not be read. `file` is the file name (or `standard input`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CookieError {
    /// The input has no cookie at all.
    #[error(
        "{file}: no cookies in it (paste the `cookie` header of a request to www.linkedin.com, \
         or export the cookies of linkedin.com as JSON or cookies.txt)"
    )]
    Empty {
        /// Where the cookies came from.
        file: String,
    },
    /// A session cookie is not among the LinkedIn cookies.
    #[error(
        "{file}: no {cookie} cookie for .linkedin.com (export the cookies while logged in to \
         linkedin.com)"
    )]
    Missing {
        /// Where the cookies came from.
        file: String,
        /// The missing cookie's name.
        cookie: &'static str,
    },
    /// A line or an entry does not have the format's shape.
    #[error("{file}:{line}: {reason}")]
    Malformed {
        /// Where the cookies came from.
        file: String,
        /// The line (1-based).
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// A session cookie's value is not a cookie value (spaces, `;`, control characters).
    #[error(
        "{file}:{line}: the {cookie} cookie's value has characters a cookie cannot have \
         (spaces, `;`, `,` or control characters); copy the value again"
    )]
    BadValue {
        /// Where the cookies came from.
        file: String,
        /// The line (1-based).
        line: usize,
        /// The cookie's name.
        cookie: &'static str,
    },
    /// `li_at` is LinkedIn's deletion marker: the browser was logged out.
    #[error(
        "{file}:{line}: the li_at cookie is deleted (`delete me`): log in to linkedin.com \
         again and export fresh cookies"
    )]
    LoggedOut {
        /// Where the cookies came from.
        file: String,
        /// The line (1-based).
        line: usize,
    },
}

/// Whether a cookie domain is LinkedIn's (`linkedin.com` or a subdomain, with or without
/// the leading dot).
pub fn is_linkedin_domain(domain: &str) -> bool {
    let d = domain.trim().trim_start_matches('.').to_ascii_lowercase();
    d == "linkedin.com" || d.ends_with(".linkedin.com")
}

/// One cookie found in the input: where, for which domain (`None` in a header), and its value.
struct Found {
    line: usize,
    domain: Option<String>,
    name: String,
    value: String,
}

/// Recognises the format of `text`.
pub fn detect(text: &str) -> CookieFormat {
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with('[') || text.starts_with('{') {
        return CookieFormat::Json;
    }
    let netscape = text.lines().any(|l| {
        let l = l.trim_end_matches('\r');
        l.starts_with("# Netscape HTTP Cookie File")
            || l.starts_with("# HTTP Cookie File")
            || l.split('\t').count() >= 7
    });
    if netscape {
        CookieFormat::Netscape
    } else {
        CookieFormat::Header
    }
}

/// Reads the LinkedIn session from `text`, whose format is recognised by its content.
/// `source` names the input in errors.
pub fn parse_cookies(source: &str, text: &str) -> Result<LinkedInSession, CookieError> {
    let body = text.trim_start_matches('\u{feff}');
    let found = match detect(body) {
        CookieFormat::Header => header(body),
        CookieFormat::Json => json(source, body)?,
        CookieFormat::Netscape => netscape(source, body)?,
    };
    if found.is_empty() {
        return Err(CookieError::Empty {
            file: source.to_owned(),
        });
    }
    let li_at = pick(source, &found, LI_AT)?;
    let jsessionid = pick(source, &found, JSESSIONID)?;
    Ok(LinkedInSession { li_at, jsessionid })
}

/// The value of cookie `name` among LinkedIn's: the one for `linkedin.com` itself first, then
/// any subdomain's, then a header's.
fn pick(source: &str, found: &[Found], name: &'static str) -> Result<Secret, CookieError> {
    let rank = |f: &Found| match f.domain.as_deref() {
        None => Some(2),
        Some(d) if !is_linkedin_domain(d) => None,
        Some(d)
            if d.trim_start_matches('.')
                .eq_ignore_ascii_case("linkedin.com") =>
        {
            Some(0)
        }
        Some(_) => Some(1),
    };
    let best = found
        .iter()
        .filter(|f| f.name == name)
        .filter_map(|f| rank(f).map(|r| (r, f)))
        .min_by_key(|(r, f)| (*r, f.line))
        .map(|(_, f)| f)
        .ok_or_else(|| CookieError::Missing {
            file: source.to_owned(),
            cookie: name,
        })?;
    let value = best.value.trim();
    if name == LI_AT && (value.is_empty() || value.to_ascii_lowercase().starts_with("delete")) {
        return Err(CookieError::LoggedOut {
            file: source.to_owned(),
            line: best.line,
        });
    }
    let allowed = |c: char| c.is_ascii_graphic() && !matches!(c, ';' | ',' | '\\');
    let inner = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value);
    if value.is_empty() || !inner.chars().all(|c| allowed(c) && c != '"') {
        return Err(CookieError::BadValue {
            file: source.to_owned(),
            line: best.line,
            cookie: name,
        });
    }
    Ok(Secret::new(value))
}

fn header(text: &str) -> Vec<Found> {
    let mut found = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = match line.split_once(':') {
            Some((prefix, rest)) if prefix.trim().eq_ignore_ascii_case("cookie") => rest,
            _ => line,
        };
        for pair in line.split(';') {
            if let Some((name, value)) = pair.split_once('=') {
                found.push(Found {
                    line: i + 1,
                    domain: None,
                    name: name.trim().to_owned(),
                    value: value.trim().to_owned(),
                });
            }
        }
    }
    found
}

fn netscape(source: &str, text: &str) -> Result<Vec<Found>, CookieError> {
    let mut found = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches(['\r', '\n']);
        let line = line.strip_prefix("#HttpOnly_").unwrap_or(line);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() != 7 {
            return Err(CookieError::Malformed {
                file: source.to_owned(),
                line: i + 1,
                reason: format!(
                    "expected 7 tab-separated fields (domain, include subdomains, path, secure, \
                     expiry, name, value), found {}",
                    fields.len()
                ),
            });
        }
        found.push(Found {
            line: i + 1,
            domain: Some(fields[0].to_owned()),
            name: fields[5].trim().to_owned(),
            value: fields[6].trim().to_owned(),
        });
    }
    Ok(found)
}

fn json(source: &str, text: &str) -> Result<Vec<Found>, CookieError> {
    let malformed = |line: usize, reason: String| CookieError::Malformed {
        file: source.to_owned(),
        line,
        reason,
    };
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        // serde_json's message names the line and column; it quotes no input.
        malformed(e.line().max(1), format!("not valid JSON: {e}"))
    })?;
    let cookies = match &value {
        serde_json::Value::Array(items) => items,
        serde_json::Value::Object(o) => match o.get("cookies") {
            Some(serde_json::Value::Array(items)) => items,
            _ => {
                return Err(malformed(
                    1,
                    "expected an array of cookies (objects with name, value and domain)".into(),
                ));
            }
        },
        _ => {
            return Err(malformed(
                1,
                "expected an array of cookies (objects with name, value and domain)".into(),
            ));
        }
    };
    let mut found = Vec::new();
    for (i, cookie) in cookies.iter().enumerate() {
        // A JSON value has no line once parsed: say which cookie, and count lines as 1.
        let field = |key: &str| cookie.get(key).and_then(serde_json::Value::as_str);
        let (Some(name), Some(value)) = (field("name"), field("value")) else {
            return Err(malformed(
                1,
                format!("cookie {} has no `name` or no `value` string", i + 1),
            ));
        };
        found.push(Found {
            line: 1,
            domain: Some(field("domain").unwrap_or_default().to_owned()),
            name: name.to_owned(),
            value: value.to_owned(),
        });
    }
    Ok(found)
}

#[cfg(test)]
mod tests;
