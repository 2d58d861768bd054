//! Faults a test injects: what LinkedIn answers when things go wrong.

/// A misbehaviour the fake shows instead of (or after) the normal answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// A bare 429 with `Retry-After: <seconds>` and no body.
    TooManyRequests {
        /// Seconds in the `Retry-After` header.
        retry_after_secs: u64,
    },
    /// LinkedIn's HTTP 999 (IP blocked).
    Blocked999,
    /// No answer at all: the request hangs until the client gives up.
    Hang,
    /// The request takes effect (an invitation is created, a message sent), then the answer
    /// never comes: what a client killed mid-request sees.
    HangAfterEffect,
    /// 200 with a security-challenge HTML page where JSON was expected.
    CheckpointHtml,
    /// 302 to `/checkpoint/challenge/…`.
    CheckpointRedirect,
    /// 302 to `/authwall?…`.
    AuthwallRedirect,
    /// 302 back to the same URL, forever.
    RedirectLoop,
    /// 401 with `set-cookie: li_at=delete`.
    SessionDeleted,
    /// Any status with a Voyager error body, e.g. 400 `MAX_INVITATION_SENT` or 403 on a profile.
    Status {
        /// HTTP status.
        status: u16,
        /// Voyager `code`, if any.
        code: Option<&'static str>,
    },
}

/// Which requests a fault hits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FaultRule {
    pub fault: Fault,
    /// Substring of `path?query` (undecoded) that a request must contain; `None` hits all.
    pub matching: Option<String>,
    /// How many more requests it hits; `None` for every one until cleared.
    pub remaining: Option<u32>,
}

/// Takes the first fault that hits `target`, counting it down.
pub(crate) fn take_fault(rules: &mut Vec<FaultRule>, target: &str) -> Option<Fault> {
    let index = rules
        .iter()
        .position(|r| r.matching.as_deref().is_none_or(|m| target.contains(m)))?;
    let rule = &mut rules[index];
    let fault = rule.fault.clone();
    match &mut rule.remaining {
        Some(1) => {
            rules.remove(index);
        }
        Some(n) => *n -= 1,
        None => {}
    }
    Some(fault)
}

/// The page LinkedIn shows for a security challenge.
pub(crate) const CHECKPOINT_HTML: &str = "<!DOCTYPE html><html lang=\"en\"><head>\
<title>Security Verification | LinkedIn</title></head><body>\
<form action=\"/checkpoint/challenge/verify\" method=\"POST\">\
<h1>Let's do a quick security check</h1></form></body></html>";
