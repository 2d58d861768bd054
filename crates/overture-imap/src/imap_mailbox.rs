//! The IMAP adapter: reads the INBOX by UID and searches the Sent folder.

mod session;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_imap::types::NameAttribute;
use jiff::{SignedDuration, Timestamp};
use overture_channel::{ChannelError, InboundPage};
use overture_clock::Clock;
use secrecy::SecretString;
use tokio_rustls::rustls::ClientConfig;
use tokio_rustls::rustls::pki_types::CertificateDer;

use crate::classify::{ClassifyError, classify};
use crate::cursor::Cursor;
use crate::imap_url::ImapUrl;
use crate::tls;
use session::ImapSession;

/// How many days back the first read (and a read after `UIDVALIDITY` changed) looks.
pub const DEFAULT_LOOKBACK_DAYS: u16 = 14;

/// The most messages one [`ImapMailbox::inbound_since`] call returns.
pub const DEFAULT_PAGE_SIZE: usize = 200;

/// How many messages one `FETCH` asks for.
const FETCH_BATCH: usize = 25;

/// Folder names tried, in order, when no folder carries the `\Sent` special use.
const SENT_NAMES: &[&str] = &[
    "Sent",
    "Sent Items",
    "Sent Messages",
    "Sent Mail",
    "INBOX.Sent",
    "INBOX/Sent",
];

/// One mailbox reached over IMAP with TLS.
///
/// Every call opens its own connection, logs in, does its work and logs out, so an instance is
/// cheap to keep and safe to share between tasks.
pub struct ImapMailbox {
    url: ImapUrl,
    password: SecretString,
    extra_roots: Vec<CertificateDer<'static>>,
    tls: Arc<ClientConfig>,
    clock: Arc<dyn Clock>,
    timeout: Duration,
    lookback_days: u16,
    page_size: usize,
}

impl fmt::Debug for ImapMailbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImapMailbox")
            .field("url", &self.url)
            .field("password", &"[redacted]")
            .field("extra_roots", &self.extra_roots.len())
            .field("timeout", &self.timeout)
            .field("lookback_days", &self.lookback_days)
            .field("page_size", &self.page_size)
            .finish_non_exhaustive()
    }
}

impl ImapMailbox {
    /// A mailbox at `url`, logging in with `password`. `clock` says what "the last 14 days"
    /// means on a first read. Certificates are checked against the public web roots; see
    /// [`ImapMailbox::with_root_certificates`] for a private CA or a self-signed server.
    pub fn new(url: ImapUrl, password: SecretString, clock: Arc<dyn Clock>) -> ImapMailbox {
        // The public roots alone always make a valid configuration.
        let tls = tls::client_config(&[]).unwrap_or_else(|e| unreachable!("{e}"));
        ImapMailbox {
            url,
            password,
            extra_roots: Vec::new(),
            tls,
            clock,
            timeout: Duration::from_secs(30),
            lookback_days: DEFAULT_LOOKBACK_DAYS,
            page_size: DEFAULT_PAGE_SIZE,
        }
    }

    /// Also trusts the certificates in `pem` (a private CA, or a test server's own
    /// certificate).
    pub fn with_root_certificates(mut self, pem: &str) -> Result<ImapMailbox, ChannelError> {
        let permanent = |detail| ChannelError::Permanent { detail };
        self.extra_roots
            .extend(tls::parse_pem(pem).map_err(permanent)?);
        self.tls = tls::client_config(&self.extra_roots).map_err(permanent)?;
        Ok(self)
    }

    /// How long one network step (connect, handshake, one command) may take; 30 s by default.
    pub fn with_timeout(mut self, timeout: Duration) -> ImapMailbox {
        self.timeout = timeout;
        self
    }

    /// How many days back a read without a usable cursor looks; 14 by default.
    pub fn with_lookback_days(mut self, days: u16) -> ImapMailbox {
        self.lookback_days = days;
        self
    }

    /// The most messages one call of [`ImapMailbox::inbound_since`] returns; 200 by default.
    pub fn with_page_size(mut self, messages: usize) -> ImapMailbox {
        self.page_size = messages.max(1);
        self
    }

    /// Where the mailbox is.
    pub fn url(&self) -> &ImapUrl {
        &self.url
    }

    /// The INBOX messages that arrived after `cursor`, classified, oldest first, and the
    /// cursor to pass next time.
    ///
    /// Without a cursor, or when the INBOX's `UIDVALIDITY` is no longer the cursor's (the
    /// server renumbered its messages), the read starts with the messages of the last
    /// [`DEFAULT_LOOKBACK_DAYS`] days (`SEARCH SINCE`), so a renumbering can hand back a message
    /// already seen: match by `refers_to` and sender, and treat repeats as no news. At most the
    /// page size of messages come back; when that many do, call again with the new cursor.
    ///
    /// The INBOX is opened read-only (`EXAMINE`): nothing is marked as read. A message that
    /// cannot be classified (not an email, or a delivery report without failures) is logged
    /// and passed over; the cursor moves past it.
    pub async fn inbound_since(&self, cursor: Option<&str>) -> Result<InboundPage, ChannelError> {
        let cursor = cursor
            .map(|c| c.parse::<Cursor>())
            .transpose()
            .map_err(|detail| ChannelError::Permanent { detail })?;
        let mut session = self.open().await?;
        let result = self.read_inbox(&mut session, cursor).await;
        session.close().await;
        result
    }

    async fn read_inbox(
        &self,
        session: &mut ImapSession,
        cursor: Option<Cursor>,
    ) -> Result<InboundPage, ChannelError> {
        let inbox = session.examine("INBOX").await?;
        let uid_validity = inbox.uid_validity.ok_or_else(|| ChannelError::Permanent {
            detail: format!(
                "IMAP server {} gave no UIDVALIDITY for INBOX; this server cannot be read by UID",
                self.url.host()
            ),
        })?;
        let current = cursor.filter(|c| c.uid_validity == uid_validity);
        let (mut uids, mut floor) = match current {
            Some(c) => {
                // `n:*` always matches the newest message, even below `n`: keep only new UIDs.
                let query = format!("UID {}:*", c.last_uid.saturating_add(1));
                let uids = session.uid_search(&query).await?;
                let uids: Vec<u32> = uids.into_iter().filter(|u| *u > c.last_uid).collect();
                (uids, Some(c.last_uid))
            }
            None => {
                if cursor.is_some() {
                    tracing::info!(
                        mailbox = %self.url,
                        "INBOX UIDVALIDITY changed; reading the recent mail again"
                    );
                }
                let since = self.since_date();
                let uids = session.uid_search(&format!("SINCE {since}")).await?;
                // Every message below UIDNEXT existed when the folder was opened, so none of
                // them is new later even when it is older than the look-back. Without UIDNEXT
                // an empty read says nothing about where to go on: no cursor then.
                (uids, inbox.uid_next.map(|next| next.saturating_sub(1)))
            }
        };
        uids.sort_unstable();
        if uids.len() > self.page_size {
            uids.truncate(self.page_size);
            // A cut page: the next call goes on right after its last message.
            floor = current.map(|c| c.last_uid);
        }
        let mut messages = Vec::with_capacity(uids.len());
        let mut last_read = None;
        for batch in uids.chunks(FETCH_BATCH) {
            let mut fetched = session.fetch_messages(batch).await?;
            fetched.sort_by_key(|(uid, _, _)| *uid);
            for (uid, internal_date, raw) in fetched {
                last_read = last_read.max(Some(uid));
                match classify(&raw, internal_date) {
                    Ok(message) => messages.push(message),
                    Err(e @ ClassifyError::DeliveryReport) => {
                        tracing::debug!(mailbox = %self.url, uid, "passed over: {e}");
                    }
                    Err(e) => {
                        tracing::warn!(mailbox = %self.url, uid, "passed over: {e}");
                    }
                }
            }
        }
        let cursor = last_read.max(floor).map(|last_uid| Cursor {
            uid_validity,
            last_uid,
        });
        Ok(InboundPage {
            messages,
            cursor: cursor.map(|c| c.to_string()),
        })
    }

    /// `SEARCH SINCE` takes a date (`1-Dec-2026`), the server's day, without time.
    fn since_date(&self) -> String {
        let days = i64::from(self.lookback_days);
        let since = self
            .clock
            .now()
            .checked_sub(SignedDuration::from_hours(24 * days))
            .unwrap_or(Timestamp::UNIX_EPOCH);
        since.strftime("%-d-%b-%Y").to_string()
    }

    /// Whether the Sent folder holds a message with this `Message-ID` (brackets optional):
    /// `Some(true)` found, `Some(false)` searched and not there, `None` when the mailbox has no
    /// Sent folder (nothing can be told).
    ///
    /// The Sent folder is the one marked `\Sent` (RFC 6154 special use), else the first of
    /// "Sent", "Sent Items", "Sent Messages", "Sent Mail", "INBOX.Sent" and "INBOX/Sent" (any
    /// case) that exists.
    pub async fn find_sent(&self, message_id: &str) -> Result<Option<bool>, ChannelError> {
        let id = message_id
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>');
        if id.is_empty()
            || id
                .chars()
                .any(|c| c.is_control() || matches!(c, '"' | '\\'))
        {
            return Err(ChannelError::Permanent {
                detail: format!(
                    "Message-ID {message_id:?} cannot be searched: it must be non-empty, without \
                     quotes, backslashes or control characters"
                ),
            });
        }
        let mut session = self.open().await?;
        let result = self.search_sent(&mut session, id).await;
        session.close().await;
        result
    }

    /// Saves a copy of a sent message (its raw bytes) in the Sent folder, marked seen, as
    /// mail clients do for servers that do not keep one themselves; `false` when the mailbox
    /// has no Sent folder.
    pub async fn save_sent(&self, raw: &[u8]) -> Result<bool, ChannelError> {
        let mut session = self.open().await?;
        let result = match sent_folder(&mut session).await {
            Ok(Some(folder)) => session.append_seen(&folder, raw).await.map(|()| true),
            Ok(None) => Ok(false),
            Err(e) => Err(e),
        };
        session.close().await;
        result
    }

    async fn search_sent(
        &self,
        session: &mut ImapSession,
        id: &str,
    ) -> Result<Option<bool>, ChannelError> {
        let Some(folder) = sent_folder(session).await? else {
            tracing::info!(mailbox = %self.url, "no Sent folder; cannot tell whether a message was sent");
            return Ok(None);
        };
        session.examine(&folder).await?;
        let found = session
            .uid_search(&format!("HEADER Message-ID \"<{id}>\""))
            .await?;
        Ok(Some(!found.is_empty()))
    }
}

/// The Sent folder's name, if there is one.
async fn sent_folder(session: &mut ImapSession) -> Result<Option<String>, ChannelError> {
    let folders = session.list_folders().await?;
    let special = folders.iter().find(|(_, attributes)| {
        attributes.iter().any(|a| match a {
            NameAttribute::Sent => true,
            NameAttribute::Extension(name) => name.eq_ignore_ascii_case("\\Sent"),
            _ => false,
        })
    });
    if let Some((name, _)) = special {
        return Ok(Some(name.clone()));
    }
    Ok(SENT_NAMES.iter().find_map(|wanted| {
        folders
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(wanted))
            .map(|(name, _)| name.clone())
    }))
}

impl ImapMailbox {
    async fn open(&self) -> Result<ImapSession, ChannelError> {
        ImapSession::open(
            &self.url,
            &self.password,
            Arc::clone(&self.tls),
            self.timeout,
        )
        .await
    }
}
