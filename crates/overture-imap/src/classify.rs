//! From the raw bytes of one incoming message to an [`InboundEmail`]: bounce, out-of-office,
//! unsubscribe request or reply. Pure: no IO, no clock.

mod bounce;
mod return_date;
mod text;

use jiff::Timestamp;
use jiff::tz::Offset;
use mail_parser::{HeaderValue, Message, MessageParser};
use overture_channel::{InboundEmail, InboundKind};

pub use return_date::return_date;

/// How an unsubscribe token travels in `refers_to` (the channel port's `UNSUBSCRIBE_REF`).
pub const UNSUBSCRIBE_PREFIX: &str = overture_channel::UNSUBSCRIBE_REF;

/// Why a message was not classified.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClassifyError {
    /// The bytes have no header block: not an email at all.
    #[error("not an email: no header block found")]
    NotAMessage,
    /// Neither the server's internal date nor a `Date` header says when it arrived.
    #[error("the message has no date; pass the server's internal date")]
    NoDate,
    /// A delivery status notification that reports no failure (delivered, relayed, expanded):
    /// nothing to act on.
    #[error("a delivery report without failures")]
    DeliveryReport,
}

/// Classifies one message.
///
/// `internal_date` is when the server received it (IMAP `INTERNALDATE`); without it the
/// message's own `Date` is used. The rules, in order:
///
/// 1. **Bounce**: a DSN (`multipart/report; report-type=delivery-status`) with a recipient whose
///    `Action` is `failed` or `delayed`; hard for a 5.x.x status of a failed recipient, soft
///    otherwise. The original `Message-ID` (from the `message/rfc822` or `text/rfc822-headers`
///    part) goes into `refers_to`. Best-effort also for non-DSN bounces from `MAILER-DAEMON` or
///    `postmaster` with a bounce subject: the first status code and address in the text.
/// 2. **Out-of-office**: any automatic-reply marker (`Auto-Submitted` other than `no`,
///    `X-Autoreply`, `X-Autorespond`, `Precedence: auto_reply`), an absence subject
///    (`Automatic reply`, `Out of office`, `Abwesenheitsnotiz`, …) or an opening line such as
///    "I am out of the office"; `until` comes from [`return_date`].
/// 3. **Unsubscribe**: a subject, or the first line of a short text, that is `unsubscribe`,
///    `remove me` or `stop`, or a subject or recipient `unsubscribe-<token>`; the token goes into
///    `refers_to` as `unsubscribe:<token>` ([`UNSUBSCRIBE_PREFIX`]).
/// 4. **Reply**: everything else.
///
/// `refers_to` always carries `In-Reply-To` and `References`, without angle brackets.
pub fn classify(
    raw: &[u8],
    internal_date: Option<Timestamp>,
) -> Result<InboundEmail, ClassifyError> {
    let message = MessageParser::default()
        .parse(raw)
        .filter(|m| !m.headers().is_empty())
        .ok_or(ClassifyError::NotAMessage)?;
    let sent = sent_date(&message);
    let received_at = internal_date
        .or(sent.map(|(at, _)| at))
        .ok_or(ClassifyError::NoDate)?;
    let from = message
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or_default()
        .trim()
        .to_owned();
    let subject = message.subject().unwrap_or_default().trim().to_owned();
    let mut refers_to = thread_ids(&message);

    let kind = if let Some(found) = bounce::detect(&message, &from, &subject)? {
        for id in found.original_ids {
            push_unique(&mut refers_to, id);
        }
        InboundKind::Bounce {
            recipient: found.recipient,
            hard: found.hard,
            status: found.status,
        }
    } else if is_automatic(&message) || text::is_absence_subject(&subject) || {
        let body = body_text(&message);
        text::opens_with_absence(&body)
    } {
        // The return date is read relative to when the notice was written, in its time zone.
        let (reference, offset) = sent.unwrap_or((received_at, Offset::UTC));
        let body = body_text(&message);
        let until = return_date(&format!("{subject}\n{body}"), reference, offset);
        InboundKind::OutOfOffice { until }
    } else if let Some(token) = unsubscribe(&message, &subject) {
        if let Some(token) = token {
            push_unique(&mut refers_to, format!("{UNSUBSCRIBE_PREFIX}{token}"));
        }
        InboundKind::Unsubscribe
    } else {
        InboundKind::Reply
    };
    Ok(InboundEmail {
        kind,
        from,
        refers_to,
        subject,
        received_at,
    })
}

/// The `Date` header as an instant and the writer's UTC offset.
fn sent_date(message: &Message<'_>) -> Option<(Timestamp, Offset)> {
    let date = message.date()?;
    let at = Timestamp::from_second(date.to_timestamp()).ok()?;
    let seconds = (i32::from(date.tz_hour) * 60 + i32::from(date.tz_minute)) * 60;
    let seconds = if date.tz_before_gmt {
        -seconds
    } else {
        seconds
    };
    let offset = Offset::from_seconds(seconds).unwrap_or(Offset::UTC);
    Some((at, offset))
}

/// `In-Reply-To` then `References`, brackets stripped, without repeats.
fn thread_ids(message: &Message<'_>) -> Vec<String> {
    let mut ids = Vec::new();
    for value in [message.in_reply_to(), message.references()] {
        for id in header_ids(value) {
            push_unique(&mut ids, id);
        }
    }
    ids
}

/// The message ids in a parsed id header (mail-parser already strips the brackets).
fn header_ids(value: &HeaderValue<'_>) -> Vec<String> {
    let raw: Vec<&str> = match value {
        HeaderValue::Text(id) => vec![id.as_ref()],
        HeaderValue::TextList(ids) => ids.iter().map(|id| id.as_ref()).collect(),
        _ => Vec::new(),
    };
    raw.into_iter()
        .map(|id| {
            id.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned()
        })
        .filter(|id| !id.is_empty())
        .collect()
}

fn push_unique(ids: &mut Vec<String>, id: String) {
    if !ids.contains(&id) {
        ids.push(id);
    }
}

/// A header's value, trimmed, by name (any case).
fn header_text<'m>(message: &'m Message<'_>, name: &str) -> Option<&'m str> {
    message
        .headers()
        .iter()
        .find(|h| h.name().eq_ignore_ascii_case(name))
        .and_then(|h| h.value().as_text())
        .map(str::trim)
}

/// Whether a header marks the message as sent by a machine on the person's behalf.
fn is_automatic(message: &Message<'_>) -> bool {
    let auto_submitted = header_text(message, "Auto-Submitted")
        .is_some_and(|v| !v.is_empty() && !v.eq_ignore_ascii_case("no"));
    let flagged = ["X-Autoreply", "X-Autorespond", "X-Autoresponder"]
        .iter()
        .any(|name| header_text(message, name).is_some_and(|v| !v.eq_ignore_ascii_case("no")));
    let precedence =
        header_text(message, "Precedence").is_some_and(|v| v.eq_ignore_ascii_case("auto_reply"));
    auto_submitted || flagged || precedence
}

/// The first text body (HTML turned into text when there is no plain part).
fn body_text(message: &Message<'_>) -> String {
    message
        .body_text(0)
        .map(|b| b.into_owned())
        .unwrap_or_default()
}

/// `Some(token)` when the message asks to unsubscribe (`Some(None)` without a token).
fn unsubscribe(message: &Message<'_>, subject: &str) -> Option<Option<String>> {
    let subject = text::strip_reply_prefixes(subject);
    if let Some(token) = text::unsubscribe_token(subject) {
        return Some(Some(token));
    }
    let to_token = message
        .to()
        .into_iter()
        .flat_map(|a| a.iter())
        .filter_map(|a| a.address())
        .find_map(|address| text::unsubscribe_token(address.split('@').next().unwrap_or("")));
    if let Some(token) = to_token {
        return Some(Some(token));
    }
    let body = body_text(message);
    if text::is_stop_word(subject) || text::short_body_says_stop(&body) {
        return Some(None);
    }
    None
}
