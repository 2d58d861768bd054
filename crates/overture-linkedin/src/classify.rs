//! LinkedIn's answers, classified into the channel port's [`ChannelError`] exactly as the
//! reference's error table says (`shared/reference/linkedin.md`, "Error signals"). Pure: a
//! function of the status, the headers, the body and the URL, so every row is tested without a
//! server.

use jiff::SignedDuration;
use overture_channel::ChannelError;
use reqwest::header::{self, HeaderMap};

/// How long a bare 429 or `MAX_INVITATION_SENT` backs off when the answer names no time: the
/// reference's "about 1 h".
pub const DEFAULT_RATE_LIMIT: SignedDuration = SignedDuration::from_hours(1);

/// What the request was for, where the same signal means different things.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A profile lookup: a 403 or 404 means this person cannot be reached.
    Profile,
    /// Anything else.
    Other,
}

/// The error codes LinkedIn puts in the body of a refused request, as the reference names them.
const CANT_RESEND_YET: &str = "CANT_RESEND_YET";
const CUSTOM_INVITE_LIMIT_REACHED: &str = "CUSTOM_INVITE_LIMIT_REACHED";
const WEEKLY_LIMIT_CODES: [&str; 2] = [
    "CANT_INVITE_CONNECTION_LIMIT_REACHED",
    "WEEKLY_CONNECTIONS_LIMIT_REACHED",
];
const MAX_INVITATION_SENT: &str = "MAX_INVITATION_SENT";
const PRIMARY_HANDLE_NOT_CONFIRMED: &str = "PRIMARY_HANDLE_NOT_CONFIRMED";

/// Classifies one answer. `None` means the answer is a success the caller may parse; `Some`
/// is the error the engine acts on. `url` is the final URL (after redirects).
///
/// The order matters and follows the table: a dead session or a challenge wins over whatever
/// else the answer says, since nothing else on that account will work either.
pub fn classify(
    status: u16,
    headers: &HeaderMap,
    body: &str,
    url: &str,
    target: Target,
) -> Option<ChannelError> {
    if deletes_session_cookie(headers) {
        return Some(ChannelError::SessionExpired);
    }
    let location = header_str(headers, header::LOCATION);
    if let Some(seen) = [url, location.unwrap_or("")]
        .into_iter()
        .find(|u| is_challenge_url(u))
    {
        return Some(ChannelError::Challenge {
            detail: format!("redirected to {}", strip_query(seen)),
        });
    }
    match status {
        999 => Some(ChannelError::Restricted { until: None }),
        401 => Some(ChannelError::SessionExpired),
        300..=399 => Some(match location {
            Some(to) if is_login_url(to) => ChannelError::SessionExpired,
            to => ChannelError::Permanent {
                detail: format!(
                    "endpoint moved ({status} to {})",
                    strip_query(to.unwrap_or("nowhere"))
                ),
            },
        }),
        429 if has_code(body, CUSTOM_INVITE_LIMIT_REACHED) => {
            Some(ChannelError::NoteQuotaExhausted)
        }
        429 => Some(ChannelError::RateLimited {
            retry_after: retry_after(headers).unwrap_or(DEFAULT_RATE_LIMIT),
        }),
        400..=499 => Some(client_error(status, body, target)),
        500..=599 => Some(ChannelError::Transient {
            detail: format!("server error {status}"),
        }),
        200..=299 if looks_like_html(headers, body) => Some(ChannelError::Challenge {
            detail: "HTML where JSON was expected".to_owned(),
        }),
        200..=299 => None,
        _ => Some(ChannelError::Transient {
            detail: format!("unexpected status {status}"),
        }),
    }
}

/// A 4xx other than 401 and 429: the body's error code decides.
fn client_error(status: u16, body: &str, target: Target) -> ChannelError {
    if has_code(body, CANT_RESEND_YET) {
        return ChannelError::CannotReinviteYet;
    }
    if WEEKLY_LIMIT_CODES.iter().any(|c| has_code(body, c)) {
        return ChannelError::WeeklyCapReached { retry_after: None };
    }
    if has_code(body, MAX_INVITATION_SENT) {
        return ChannelError::RateLimited {
            retry_after: DEFAULT_RATE_LIMIT,
        };
    }
    if has_code(body, CUSTOM_INVITE_LIMIT_REACHED) {
        return ChannelError::NoteQuotaExhausted;
    }
    if has_code(body, PRIMARY_HANDLE_NOT_CONFIRMED) {
        return ChannelError::ActionRequired {
            detail: "confirm the account's email address on LinkedIn \
                     (PRIMARY_HANDLE_NOT_CONFIRMED)"
                .to_owned(),
        };
    }
    // A wrong csrf-token: the JSESSIONID does not belong to the session.
    if status == 403 && body.contains("CSRF check failed") {
        return ChannelError::SessionExpired;
    }
    match (status, target) {
        (403 | 404 | 410, Target::Profile) => ChannelError::ProfileUnreachable,
        (408, _) => ChannelError::Transient {
            detail: "request timeout (408)".to_owned(),
        },
        _ => ChannelError::Permanent {
            detail: match error_code(body) {
                Some(code) => format!("refused with {status} {code}"),
                None => format!("refused with {status}"),
            },
        },
    }
}

/// A transport failure, before any answer was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportFailure {
    /// The request or the connection timed out.
    Timeout,
    /// No connection (refused, reset, DNS, proxy).
    Connect(String),
    /// Redirects went round in a circle or did not end.
    RedirectLoop,
    /// Anything else (a body cut short, a protocol error).
    Other(String),
}

/// Classifies a transport failure: a redirect loop is a dead session (the table's row), the
/// rest pass.
pub fn classify_transport(failure: &TransportFailure) -> ChannelError {
    match failure {
        TransportFailure::RedirectLoop => ChannelError::SessionExpired,
        TransportFailure::Timeout => ChannelError::Transient {
            detail: "timed out".to_owned(),
        },
        TransportFailure::Connect(detail) => ChannelError::Transient {
            detail: format!("no connection: {detail}"),
        },
        TransportFailure::Other(detail) => ChannelError::Transient {
            detail: detail.clone(),
        },
    }
}

/// Whether a URL is a security challenge or the wall shown to logged-out visitors.
pub fn is_challenge_url(url: &str) -> bool {
    url.contains("/checkpoint/") || url.contains("authwall")
}

/// Whether a redirect goes to the login page (a session that is no longer valid).
fn is_login_url(url: &str) -> bool {
    url.contains("/login") || url.contains("/uas/login")
}

/// `set-cookie: li_at=delete me; …`: LinkedIn ends the session.
fn deletes_session_cookie(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.trim_start().starts_with("li_at=delete"))
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// `Retry-After` in seconds, or as an HTTP date measured from the answer's own `Date` (so no
/// clock is read).
fn retry_after(headers: &HeaderMap) -> Option<SignedDuration> {
    let value = header_str(headers, header::RETRY_AFTER)?.trim();
    if let Ok(secs) = value.parse::<i64>() {
        return Some(SignedDuration::from_secs(secs.max(0)));
    }
    let at = jiff::fmt::rfc2822::parse(value).ok()?;
    let date = jiff::fmt::rfc2822::parse(header_str(headers, header::DATE)?).ok()?;
    let wait = at.timestamp().duration_since(date.timestamp());
    Some(wait.max(SignedDuration::ZERO))
}

/// HTML where JSON was expected: a login or challenge page served in place of the API.
fn looks_like_html(headers: &HeaderMap, body: &str) -> bool {
    let html_type = header_str(headers, header::CONTENT_TYPE).is_some_and(|t| t.contains("html"));
    let start = body
        .trim_start()
        .get(..15)
        .unwrap_or("")
        .to_ascii_lowercase();
    html_type || start.starts_with("<!doctype html") || start.starts_with("<html")
}

/// Whether `body` carries `code` as a whole token (`"CANT_RESEND_YET"`, not
/// `"CANT_RESEND_YET_SOON"`). LinkedIn puts it in `code`, `data.code` or a message, depending
/// on the shape; a token match finds it in all of them.
fn has_code(body: &str, code: &str) -> bool {
    let is_word = |c: char| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_';
    body.match_indices(code).any(|(at, _)| {
        let before = body[..at].chars().next_back();
        let after = body[at + code.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

/// The error code of a JSON error body (`code` at the top, in `data` or in `value`), for
/// messages.
fn error_code(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    [&value, &value["data"], &value["value"]]
        .into_iter()
        .find_map(|v| v["code"].as_str().map(str::to_owned))
}

/// A URL without its query (which may carry tokens), for messages.
fn strip_query(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

#[cfg(test)]
mod tests;
