//! Building the message for an [`EmailRequest`]: the body with its footer, the deterministic
//! `Message-ID`, threading headers and the RFC 8058 one-click unsubscribe headers.

use jiff::Timestamp;
use lettre::Message;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use overture_channel::EmailRequest;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sha2::{Digest, Sha256};

/// The `List-Unsubscribe` header (RFC 2369).
pub const LIST_UNSUBSCRIBE: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe");
/// The `List-Unsubscribe-Post` header (RFC 8058).
pub const LIST_UNSUBSCRIBE_POST: HeaderName =
    HeaderName::new_from_ascii_str("List-Unsubscribe-Post");
/// The only value `List-Unsubscribe-Post` may have.
pub const ONE_CLICK: &str = "List-Unsubscribe=One-Click";

/// What a token or address may keep as is in a URL: RFC 3986's unreserved characters.
const URL_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Who sends, and what every message from them carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    /// The `From` mailbox (`Ana <ana@example.com>`); its domain names the `Message-ID`s.
    pub from: Mailbox,
    /// Where answers should go, when not to `from`.
    pub reply_to: Option<Mailbox>,
    /// Text added under every body after a `-- ` line, such as a postal address.
    pub footer: Option<String>,
    /// Where recipients unsubscribe.
    pub unsubscribe: UnsubscribeConfig,
}

impl Sender {
    /// A sender with no reply-to, footer or unsubscribe addresses.
    pub fn new(from: Mailbox) -> Self {
        Self {
            from,
            reply_to: None,
            footer: None,
            unsubscribe: UnsubscribeConfig::default(),
        }
    }

    /// The domain of the `From` address.
    pub fn domain(&self) -> &str {
        self.from.email.domain()
    }
}

/// Where the `List-Unsubscribe` header points. With neither set, messages have no
/// unsubscribe headers (large mailbox providers expect them from bulk senders).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnsubscribeConfig {
    /// The base of the one-click URL (`https://out.example.com`); the link is
    /// `{http_base}/u/{token}`. Only an `https://` base gets `List-Unsubscribe-Post`, as RFC
    /// 8058 requires.
    pub http_base: Option<String>,
    /// An address that takes unsubscribe mails (`unsubscribe@example.com`); the link is
    /// `mailto:{mailto}?subject=unsubscribe-{token}`.
    pub mailto: Option<String>,
}

/// A message that cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComposeError {
    /// The recipient's address is not an email address.
    #[error(
        "recipient address {address:?} is not valid ({reason}); correct the lead's email address"
    )]
    InvalidRecipient {
        /// The address as given.
        address: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The unsubscribe configuration cannot make a link.
    #[error("unsubscribe setting {value:?} is not usable: {reason}")]
    InvalidUnsubscribe {
        /// The setting's value.
        value: String,
        /// What to change.
        reason: String,
    },
    /// Unsubscribe links are configured but the request has no token to put in them.
    #[error(
        "the email has no unsubscribe token; every email needs one when unsubscribe links are configured"
    )]
    MissingUnsubscribeToken,
    /// The `Message-ID` to thread under is not one.
    #[error("in-reply-to {id:?} is not a Message-ID (id-left@id-right)")]
    InvalidInReplyTo {
        /// The value given.
        id: String,
    },
    /// The message builder refused the message.
    #[error("the message cannot be built: {detail}")]
    Build {
        /// The builder's reason.
        detail: String,
    },
}

/// The `Message-ID` for an effect, without angle brackets: the first 32 hex digits of the
/// SHA-256 of its idempotency key, at the sender's domain. The same effect always gets the
/// same id, so the message can be found again after a crash.
pub fn message_id(idempotency_key: &str, domain: &str) -> String {
    let digest = Sha256::digest(idempotency_key.as_bytes());
    let mut id = String::with_capacity(33 + domain.len());
    for byte in &digest[..16] {
        id.push_str(&format!("{byte:02x}"));
    }
    id.push('@');
    id.push_str(&domain.to_ascii_lowercase());
    id
}

/// The `List-Unsubscribe` and `List-Unsubscribe-Post` values for a token, whichever the
/// configuration allows: `(None, None)` when nothing is configured; the second is `Some` only
/// with an `https://` link.
pub fn unsubscribe_headers(
    config: &UnsubscribeConfig,
    token: &str,
) -> Result<(Option<String>, Option<&'static str>), ComposeError> {
    if config.http_base.is_none() && config.mailto.is_none() {
        return Ok((None, None));
    }
    if token.is_empty() {
        return Err(ComposeError::MissingUnsubscribeToken);
    }
    let token = utf8_percent_encode(token, URL_UNRESERVED);
    let mut links = Vec::new();
    let mut one_click = None;
    if let Some(base) = &config.http_base {
        let https = base.starts_with("https://");
        if !https && !base.starts_with("http://") || base.contains(['<', '>', ' ', '?', '#']) {
            return Err(ComposeError::InvalidUnsubscribe {
                value: base.clone(),
                reason: "the unsubscribe base must be an https:// URL without query or fragment"
                    .into(),
            });
        }
        links.push(format!("<{}/u/{token}>", base.trim_end_matches('/')));
        if https {
            one_click = Some(ONE_CLICK);
        }
    }
    if let Some(mailto) = &config.mailto {
        if mailto.parse::<lettre::Address>().is_err() {
            return Err(ComposeError::InvalidUnsubscribe {
                value: mailto.clone(),
                reason: "the unsubscribe mailto must be a plain email address".into(),
            });
        }
        links.push(format!("<mailto:{mailto}?subject=unsubscribe-{token}>"));
    }
    Ok((Some(links.join(", ")), one_click))
}

/// Builds the message for `request` from `sender`, dated `now`.
///
/// The plain text gets the footer after a `-- ` line; an HTML alternative, when there is one,
/// gets it too (escaped) and the two go as `multipart/alternative`.
pub fn compose(
    sender: &Sender,
    request: &EmailRequest,
    now: Timestamp,
) -> Result<Message, ComposeError> {
    let to_address = request.to.trim().parse::<lettre::Address>().map_err(|e| {
        ComposeError::InvalidRecipient {
            address: request.to.clone(),
            reason: e.to_string(),
        }
    })?;
    let to = Mailbox::new(request.to_name.clone(), to_address);
    let id = message_id(&request.idempotency_key, sender.domain());
    let date = std::time::SystemTime::try_from(now).map_err(|e| ComposeError::Build {
        detail: format!("the date {now} cannot be written: {e}"),
    })?;
    let mut builder = Message::builder()
        .from(sender.from.clone())
        .to(to)
        .subject(request.subject.clone())
        .date(date)
        .message_id(Some(format!("<{id}>")));
    if let Some(reply_to) = &sender.reply_to {
        builder = builder.reply_to(reply_to.clone());
    }
    if let Some(parent) = &request.in_reply_to {
        let parent = bracketed_id(parent)?;
        builder = builder.in_reply_to(parent.clone()).references(parent);
    }
    let (list_unsubscribe, one_click) =
        unsubscribe_headers(&sender.unsubscribe, &request.unsubscribe_token)?;
    if let Some(value) = list_unsubscribe {
        builder = builder.raw_header(HeaderValue::new(LIST_UNSUBSCRIBE, value));
    }
    if let Some(value) = one_click {
        builder = builder.raw_header(HeaderValue::new(LIST_UNSUBSCRIBE_POST, value.to_owned()));
    }
    let footer = sender.footer.as_deref().filter(|f| !f.trim().is_empty());
    let text = text_with_footer(&request.text, footer);
    let built = match &request.html {
        None => builder.singlepart(SinglePart::plain(text)),
        Some(html) => builder.multipart(MultiPart::alternative_plain_html(
            text,
            html_with_footer(html, footer),
        )),
    };
    built.map_err(|e| ComposeError::Build {
        detail: e.to_string(),
    })
}

/// `<id>` for an id given with or without its angle brackets.
fn bracketed_id(id: &str) -> Result<String, ComposeError> {
    let bare = id.trim().trim_start_matches('<').trim_end_matches('>');
    let well_formed = bare.split_once('@').is_some_and(|(left, right)| {
        !left.is_empty()
            && !right.is_empty()
            && bare
                .chars()
                .all(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>'))
    });
    if well_formed {
        Ok(format!("<{bare}>"))
    } else {
        Err(ComposeError::InvalidInReplyTo { id: id.to_owned() })
    }
}

/// The plain text with the footer under a signature separator (`-- `, RFC 3676).
fn text_with_footer(text: &str, footer: Option<&str>) -> String {
    match footer {
        None => text.to_owned(),
        Some(footer) => format!("{}\n\n-- \n{}\n", text.trim_end(), footer.trim_end()),
    }
}

/// The HTML with the footer as an escaped paragraph, before `</body>` when there is one.
fn html_with_footer(html: &str, footer: Option<&str>) -> String {
    let Some(footer) = footer else {
        return html.to_owned();
    };
    let lines: Vec<String> = footer.trim_end().lines().map(escape_html).collect();
    let block = format!("<p>-- <br>\n{}</p>\n", lines.join("<br>\n"));
    match html.to_ascii_lowercase().rfind("</body>") {
        Some(at) => format!("{}{block}{}", &html[..at], &html[at..]),
        None => format!("{}\n{block}", html.trim_end()),
    }
}

/// `text` escaped for HTML element content (the footer goes only there).
fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests;
