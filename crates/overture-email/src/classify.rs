//! What an SMTP failure means for the engine: a pure function of the reply code, its enhanced
//! status code (RFC 3463) and the phase of the transaction it came in.
//!
//! The phase matters twice. A refusal of the recipient (`RCPT TO`) says something about the
//! address, the same code for the sender (`MAIL FROM`) says something about the mailbox. And a
//! connection lost after the message content went out may have delivered it: only then does
//! the engine have to look for the `Message-ID` in the Sent folder before sending again.

use std::fmt;

use jiff::SignedDuration;
use overture_channel::ChannelError;

/// How long to wait after the server said "try again later" (a 4xx reply).
pub const RETRY_LATER: SignedDuration = SignedDuration::from_mins(15);

/// Where in the SMTP transaction a failure happened, in the order of the transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// Connecting, TLS, the greeting, `EHLO` and `STARTTLS`.
    Connect,
    /// `AUTH`.
    Auth,
    /// `MAIL FROM`: the sender's address.
    MailFrom,
    /// `RCPT TO`: the recipient's address.
    RcptTo,
    /// The `DATA` command, before any content.
    Data,
    /// The message content and the server's final answer to it. A connection lost here may
    /// have delivered the message.
    Content,
}

impl Phase {
    /// Whether the message may have reached the server when the transaction broke off here.
    pub fn may_have_delivered(self) -> bool {
        self == Phase::Content
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Phase::Connect => "connect",
            Phase::Auth => "AUTH",
            Phase::MailFrom => "MAIL FROM",
            Phase::RcptTo => "RCPT TO",
            Phase::Data => "DATA",
            Phase::Content => "message content",
        })
    }
}

/// An enhanced mail system status code (RFC 3463): `class.subject.detail`, such as `5.1.1`
/// (no such mailbox).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EnhancedStatus {
    /// 2 (success), 4 (temporary) or 5 (permanent).
    pub class: u8,
    /// 1 addressing, 2 mailbox, 3 mail system, 4 network, 5 protocol, 6 content, 7 policy.
    pub subject: u16,
    /// The detail within the subject.
    pub detail: u16,
}

impl EnhancedStatus {
    /// Reads the status from the start of a reply's text (`"5.1.1 No such user"`); `None`
    /// when the text does not start with one.
    pub fn parse(reply_text: &str) -> Option<Self> {
        let word = reply_text.split_whitespace().next()?;
        let mut parts = word.split('.');
        let class = parts.next()?.parse::<u8>().ok()?;
        let subject = parts.next()?.parse::<u16>().ok()?;
        let detail = parts.next()?.parse::<u16>().ok()?;
        if parts.next().is_some() || !matches!(class, 2 | 4 | 5) || subject > 999 || detail > 999 {
            return None;
        }
        Some(Self {
            class,
            subject,
            detail,
        })
    }

    /// Whether this is `subject.detail` (`is(1, 1)` for `x.1.1`).
    fn is(self, subject: u16, detail: u16) -> bool {
        self.subject == subject && self.detail == detail
    }
}

impl fmt::Display for EnhancedStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.class, self.subject, self.detail)
    }
}

/// Classifies a failed SMTP step.
///
/// `code` is the server's reply code, `None` when there was no reply (the connection broke or
/// a timeout ran out); `enhanced` is the enhanced status at the start of the reply's text, and
/// `detail` that text (or what went wrong without a reply), kept in the error for people.
///
/// | reply | phase | error |
/// | --- | --- | --- |
/// | any 4xx (421, 450, 451, 452, …) | any | `RateLimited` for [`RETRY_LATER`]: nothing was sent |
/// | 535, or 5.7.8 | any | `SessionExpired`: the mailbox needs new credentials |
/// | other 5xx | `AUTH` | `ActionRequired`: the server wants another way to log in |
/// | 5.1.x (not 5.1.7 / 5.1.8, the sender's) | `RCPT TO`, content | `AddressInvalid` |
/// | 550, 551, 553 without an enhanced status, or with 5.1.x, 5.2.1 or 5.0.0 | `RCPT TO` | `AddressInvalid` |
/// | other 5xx (550 5.7.1 policy, 554, sender refused, …) | any | `Permanent` |
/// | none (connection lost, timeout) | message content | `Transient`: it may have been delivered |
/// | none | before the content | `Transient`: nothing was delivered |
pub fn classify(
    phase: Phase,
    code: Option<u16>,
    enhanced: Option<EnhancedStatus>,
    detail: &str,
) -> ChannelError {
    let Some(code) = code else {
        let detail = if phase.may_have_delivered() {
            format!(
                "{detail} after the message content was sent; it may have been delivered: look \
                 for its Message-ID in the Sent folder before sending it again"
            )
        } else {
            format!("{detail} during {phase}; nothing was delivered")
        };
        return ChannelError::Transient { detail };
    };
    let reply = match enhanced {
        Some(status) if !detail.starts_with(&status.to_string()) => {
            format!("{code} {status} {detail}")
        }
        _ => format!("{code} {detail}"),
    };
    let reply = reply.trim_end().to_owned();
    if (400..500).contains(&code) {
        return ChannelError::RateLimited {
            retry_after: RETRY_LATER,
        };
    }
    if !(500..600).contains(&code) {
        return ChannelError::Permanent {
            detail: format!("unexpected reply to {phase}: {reply}"),
        };
    }
    if code == 535 || enhanced.is_some_and(|s| s.is(7, 8)) {
        return ChannelError::SessionExpired;
    }
    if phase == Phase::Auth {
        return ChannelError::ActionRequired {
            detail: format!(
                "the SMTP server refused the login ({reply}); check the SMTP URL's security \
                 (smtps:// or STARTTLS) and user name"
            ),
        };
    }
    let addressing = enhanced.is_some_and(|s| s.subject == 1 && s.detail != 7 && s.detail != 8);
    let address_refused = match phase {
        Phase::RcptTo => {
            addressing
                || (matches!(code, 550 | 551 | 553)
                    && enhanced.is_none_or(|s| s.is(0, 0) || s.is(2, 1)))
        }
        Phase::Content => addressing,
        _ => false,
    };
    if address_refused {
        return ChannelError::AddressInvalid { detail: reply };
    }
    let detail = match phase {
        Phase::MailFrom => format!("the server refused the sender address: {reply}"),
        _ => format!("the server refused the message at {phase}: {reply}"),
    };
    ChannelError::Permanent { detail }
}

#[cfg(test)]
mod tests;
