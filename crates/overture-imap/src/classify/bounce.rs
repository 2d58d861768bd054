//! Bounces: delivery status notifications (RFC 3464) and, best-effort, the plain-text reports
//! some servers send instead.

use std::sync::LazyLock;

use mail_parser::{Message, MessageParser, MessagePart, MimeHeaders, PartType};
use regex::Regex;

use super::{ClassifyError, body_text, push_unique};

/// What a bounce says.
#[derive(Debug)]
pub(super) struct Found {
    pub(super) recipient: String,
    pub(super) hard: bool,
    pub(super) status: String,
    pub(super) original_ids: Vec<String>,
}

/// Subject fragments of bounces, lower case.
const BOUNCE_SUBJECTS: &[&str] = &[
    "undelivered mail",
    "delivery status notification (failure)",
    "delivery status notification (delay)",
    "undeliverable",
    "undelivered",
    "mail delivery failed",
    "delivery failure",
    "returned mail",
    "failure notice",
    "delivery has failed",
    "could not be delivered",
    "message delayed",
    "delivery delayed",
    "delayed mail",
    "unzustellbar",
    "nicht zustellbar",
    "non remis",
];

/// Subject fragments that mean "not yet", lower case.
const DELAY_SUBJECTS: &[&str] = &["(delay)", "delayed", "warning"];

static ENHANCED_STATUS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b([45])\.(\d{1,3})\.(\d{1,3})\b").expect("the status pattern is valid")
});
static SMTP_CODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b([45][0-5]\d)[ -]").expect("the SMTP code pattern is valid"));
static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
        .expect("the address pattern is valid")
});
static MESSAGE_ID_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?im)^message-id:\s*<([^>\s]+)>").expect("the Message-ID pattern is valid")
});

/// The bounce in `message`, if it is one.
pub(super) fn detect(
    message: &Message<'_>,
    from: &str,
    subject: &str,
) -> Result<Option<Found>, ClassifyError> {
    if let Some(report) = message.parts.iter().find(|p| is_delivery_status(p)) {
        let fields = String::from_utf8_lossy(report.contents());
        let Some((recipient, hard, status)) = failed_recipient(&fields) else {
            return Err(ClassifyError::DeliveryReport);
        };
        return Ok(Some(Found {
            recipient,
            hard,
            status,
            original_ids: original_ids(message),
        }));
    }
    let lower_subject = subject.to_lowercase();
    if !is_daemon(from) || !BOUNCE_SUBJECTS.iter().any(|s| lower_subject.contains(s)) {
        return Ok(None);
    }
    Ok(Some(plain_bounce(message, from, &lower_subject)))
}

fn is_delivery_status(part: &MessagePart<'_>) -> bool {
    part.content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("message")
            && ct.subtype().is_some_and(|s| {
                s.eq_ignore_ascii_case("delivery-status")
                    || s.eq_ignore_ascii_case("global-delivery-status")
            })
    })
}

/// The first recipient that failed (else the first delayed): its address, whether the failure
/// is permanent, and its status.
fn failed_recipient(fields: &str) -> Option<(String, bool, String)> {
    let groups = field_groups(fields);
    let recipients: Vec<&Vec<(String, String)>> = groups
        .iter()
        .filter(|g| g.iter().any(|(name, _)| name.ends_with("recipient")))
        .collect();
    let action_of = |g: &Vec<(String, String)>| field(g, "action").map(str::to_lowercase);
    let failed = recipients
        .iter()
        .find(|g| action_of(g).as_deref() == Some("failed"))
        .or_else(|| {
            recipients
                .iter()
                .find(|g| action_of(g).as_deref() == Some("delayed"))
        })?;
    let action = action_of(failed).unwrap_or_default();
    let recipient = field(failed, "final-recipient")
        .or_else(|| field(failed, "original-recipient"))
        .map(address_of_type)
        .unwrap_or_default();
    let status = field(failed, "status")
        .and_then(|s| s.split_whitespace().next())
        .map(str::to_owned)
        .filter(|s| !s.is_empty())
        .or_else(|| field(failed, "diagnostic-code").and_then(status_in))
        .unwrap_or_default();
    let hard = action == "failed" && !status.starts_with('4');
    Some((recipient, hard, status))
}

/// `rfc822; ana@example.com` → `ana@example.com`.
fn address_of_type(value: &str) -> String {
    let address = value.split_once(';').map_or(value, |(_, a)| a);
    address
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_owned()
}

fn field<'g>(group: &'g [(String, String)], name: &str) -> Option<&'g str> {
    group
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// The DSN's field groups (separated by blank lines), folded lines joined, names lower case.
fn field_groups(text: &str) -> Vec<Vec<(String, String)>> {
    let mut groups = Vec::new();
    let mut group: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !group.is_empty() {
                groups.push(std::mem::take(&mut group));
            }
        } else if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = group.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            group.push((name.trim().to_lowercase(), value.trim().to_owned()));
        }
    }
    if !group.is_empty() {
        groups.push(group);
    }
    groups
}

/// The enhanced status code in a text (`5.1.1`), else its SMTP reply code (`550`).
fn status_in(text: &str) -> Option<String> {
    ENHANCED_STATUS
        .find(text)
        .or_else(|| SMTP_CODE.captures(text).and_then(|c| c.get(1)))
        .map(|m| m.as_str().to_owned())
}

/// The `Message-ID`s of the returned message: the `message/rfc822` part, the
/// `text/rfc822-headers` part, else a `Message-ID:` line quoted in the text.
fn original_ids(message: &Message<'_>) -> Vec<String> {
    let mut ids = Vec::new();
    for part in &message.parts {
        let id = match &part.body {
            PartType::Message(original) => original.message_id().map(str::to_owned),
            _ if is_headers_part(part) => MessageParser::default()
                .parse_headers(part.contents())
                .and_then(|headers| headers.message_id().map(str::to_owned)),
            _ => None,
        };
        if let Some(id) = id {
            push_unique(&mut ids, id.trim_matches(['<', '>', ' ']).to_owned());
        }
    }
    if ids.is_empty() {
        // The returned headers are often quoted in the text, or in an undecoded part.
        let raw = String::from_utf8_lossy(message.raw_message());
        let own = message.message_id().unwrap_or_default();
        for caps in MESSAGE_ID_LINE.captures_iter(&raw) {
            if caps[1] != *own {
                push_unique(&mut ids, caps[1].to_owned());
            }
        }
    }
    ids
}

fn is_headers_part(part: &MessagePart<'_>) -> bool {
    part.content_type().is_some_and(|ct| {
        ct.subtype().is_some_and(|s| {
            s.eq_ignore_ascii_case("rfc822-headers") || s.eq_ignore_ascii_case("global-headers")
        })
    })
}

/// Whether the sender is a mail system rather than a person.
fn is_daemon(from: &str) -> bool {
    let local = from.split('@').next().unwrap_or_default().to_lowercase();
    matches!(
        local.as_str(),
        "mailer-daemon" | "mailerdaemon" | "mail-daemon" | "postmaster" | "mail.daemon"
    )
}

/// A bounce without a DSN part: the first status code and the first address (other than the
/// reporting system's) in its text.
fn plain_bounce(message: &Message<'_>, from: &str, lower_subject: &str) -> Found {
    let body = body_text(message);
    let status = status_in(&body).unwrap_or_default();
    let delayed = DELAY_SUBJECTS.iter().any(|s| lower_subject.contains(s));
    let hard = if status.is_empty() {
        !delayed
    } else {
        status.starts_with('5') && !delayed
    };
    let recipient = ADDRESS
        .find_iter(&body)
        .map(|m| m.as_str())
        .find(|a| !a.eq_ignore_ascii_case(from) && !is_daemon(a))
        .unwrap_or_default()
        .to_owned();
    Found {
        recipient,
        hard,
        status,
        original_ids: original_ids(message),
    }
}
