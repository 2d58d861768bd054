//! One logged-in IMAP connection, each step under a time limit, every failure mapped to the
//! channel's error classes.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use async_imap::error::Error as ImapError;
use async_imap::types::{Mailbox, NameAttribute};
use async_imap::{Client, Session};
use futures_util::TryStreamExt;
use jiff::Timestamp;
use overture_channel::ChannelError;
use secrecy::{ExposeSecret, SecretString};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::ClientConfig;

use crate::imap_url::{ImapUrl, Security};
use crate::tls;

/// A fetched message: UID, internal date, raw bytes.
pub(super) type Fetched = (u32, Option<Timestamp>, Vec<u8>);

/// A logged-in session.
pub(super) struct ImapSession {
    inner: Session<TlsStream<TcpStream>>,
    host: String,
    timeout: Duration,
}

impl ImapSession {
    /// Connects, secures the connection, reads the greeting and logs in.
    pub(super) async fn open(
        url: &ImapUrl,
        password: &SecretString,
        config: Arc<ClientConfig>,
        timeout: Duration,
    ) -> Result<ImapSession, ChannelError> {
        let place = format!("{}:{}", url.host(), url.port());
        let tcp = within(timeout, &place, "connecting", async {
            TcpStream::connect((url.host(), url.port()))
                .await
                .map_err(ImapError::Io)
        })
        .await?;
        let client = match url.security() {
            Security::ImplicitTls => {
                let stream = handshake(config, url, tcp, timeout).await?;
                let mut client = Client::new(stream);
                greeting(&mut client, &place, timeout).await?;
                client
            }
            Security::StartTls => {
                let mut plain = Client::new(tcp);
                greeting(&mut plain, &place, timeout).await?;
                let upgrade = plain.run_command_and_check_ok("STARTTLS", None);
                match tokio::time::timeout(timeout, upgrade).await {
                    Ok(Ok(())) => {}
                    Ok(Err(ImapError::No(_) | ImapError::Bad(_))) => {
                        return Err(ChannelError::Permanent {
                            detail: format!(
                                "IMAP server {place} does not offer STARTTLS; use imaps:// if it \
                                 speaks TLS on another port"
                            ),
                        });
                    }
                    Ok(Err(e)) => return Err(imap_error("STARTTLS", &place, e)),
                    Err(_) => return Err(timed_out(&place, "STARTTLS", timeout)),
                }
                let stream = handshake(config, url, plain.into_inner(), timeout).await?;
                // No greeting after STARTTLS: the conversation goes on.
                Client::new(stream)
            }
        };
        let login = client.login(url.user(), password.expose_secret());
        let inner = match tokio::time::timeout(timeout, login).await {
            Ok(Ok(session)) => session,
            Ok(Err((ImapError::No(reason), _))) if reason.contains("[UNAVAILABLE]") => {
                return Err(ChannelError::Transient {
                    detail: format!(
                        "IMAP server {place} cannot log in now ({reason}); will retry later"
                    ),
                });
            }
            Ok(Err((ImapError::No(_), _))) => {
                tracing::warn!(server = %place, user = url.user(), "IMAP login refused");
                return Err(ChannelError::SessionExpired);
            }
            Ok(Err((e, _))) => return Err(imap_error("logging in", &place, e)),
            Err(_) => return Err(timed_out(&place, "logging in", timeout)),
        };
        tracing::debug!(server = %place, "IMAP session open");
        Ok(ImapSession {
            inner,
            host: place,
            timeout,
        })
    }

    /// Opens a folder read-only.
    pub(super) async fn examine(&mut self, folder: &str) -> Result<Mailbox, ChannelError> {
        let what = format!("opening {folder}");
        within(self.timeout, &self.host, &what, self.inner.examine(folder)).await
    }

    /// `APPEND` of a message to `folder`, marked seen.
    pub(super) async fn append_seen(
        &mut self,
        folder: &str,
        raw: &[u8],
    ) -> Result<(), ChannelError> {
        let what = format!("saving a copy in {folder}");
        within(
            self.timeout,
            &self.host,
            &what,
            self.inner.append(folder, Some("(\\Seen)"), None, raw),
        )
        .await
    }

    /// `UID SEARCH <query>`.
    pub(super) async fn uid_search(&mut self, query: &str) -> Result<Vec<u32>, ChannelError> {
        let found = within(
            self.timeout,
            &self.host,
            "searching",
            self.inner.uid_search(query),
        );
        Ok(found.await?.into_iter().collect())
    }

    /// `UID FETCH <uids> (UID INTERNALDATE RFC822)`.
    pub(super) async fn fetch_messages(
        &mut self,
        uids: &[u32],
    ) -> Result<Vec<Fetched>, ChannelError> {
        let set = uids
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let fetch = async {
            let stream = self
                .inner
                .uid_fetch(&set, "(UID INTERNALDATE RFC822)")
                .await?;
            let fetches: Vec<async_imap::types::Fetch> = stream.try_collect().await?;
            Ok(fetches
                .iter()
                .filter_map(|f| {
                    let uid = f.uid?;
                    let raw = f.body()?.to_vec();
                    let date = f
                        .internal_date()
                        .and_then(|d| Timestamp::from_second(d.timestamp()).ok());
                    Some((uid, date, raw))
                })
                .collect())
        };
        within(self.timeout, &self.host, "fetching messages", fetch).await
    }

    /// Every folder's name and attributes (`LIST "" "*"`).
    pub(super) async fn list_folders(
        &mut self,
    ) -> Result<Vec<(String, Vec<NameAttribute<'static>>)>, ChannelError> {
        let list = async {
            let stream = self.inner.list(Some(""), Some("*")).await?;
            let names: Vec<async_imap::types::Name> = stream.try_collect().await?;
            Ok(names
                .iter()
                .map(|n| {
                    let attributes = n.attributes().iter().map(owned_attribute).collect();
                    (n.name().to_owned(), attributes)
                })
                .collect())
        };
        within(self.timeout, &self.host, "listing folders", list).await
    }

    /// Logs out; a failure here changes nothing for the caller.
    pub(super) async fn close(mut self) {
        let logout = tokio::time::timeout(self.timeout, self.inner.logout()).await;
        if !matches!(logout, Ok(Ok(()))) {
            tracing::debug!(server = %self.host, "IMAP logout did not complete");
        }
    }
}

fn owned_attribute(attribute: &NameAttribute<'_>) -> NameAttribute<'static> {
    match attribute {
        NameAttribute::Extension(name) => NameAttribute::Extension(name.to_string().into()),
        NameAttribute::NoInferiors => NameAttribute::NoInferiors,
        NameAttribute::NoSelect => NameAttribute::NoSelect,
        NameAttribute::Marked => NameAttribute::Marked,
        NameAttribute::Unmarked => NameAttribute::Unmarked,
        NameAttribute::All => NameAttribute::All,
        NameAttribute::Archive => NameAttribute::Archive,
        NameAttribute::Drafts => NameAttribute::Drafts,
        NameAttribute::Flagged => NameAttribute::Flagged,
        NameAttribute::Junk => NameAttribute::Junk,
        NameAttribute::Sent => NameAttribute::Sent,
        NameAttribute::Trash => NameAttribute::Trash,
        // Attributes this crate does not look at.
        _ => NameAttribute::Unmarked,
    }
}

/// The server's first line; it must be there before anything is sent.
async fn greeting<T>(
    client: &mut Client<T>,
    place: &str,
    timeout: Duration,
) -> Result<(), ChannelError>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    let read = async { client.read_response().await.map_err(ImapError::Io) };
    match within(timeout, place, "reading the greeting", read).await? {
        Some(_) => Ok(()),
        None => Err(ChannelError::Transient {
            detail: format!(
                "IMAP server {place} closed the connection before greeting; will retry"
            ),
        }),
    }
}

async fn handshake(
    config: Arc<ClientConfig>,
    url: &ImapUrl,
    tcp: TcpStream,
    timeout: Duration,
) -> Result<TlsStream<TcpStream>, ChannelError> {
    let place = format!("{}:{}", url.host(), url.port());
    match tokio::time::timeout(timeout, tls::handshake(config, url.host(), tcp)).await {
        Ok(Ok(stream)) => Ok(stream),
        // rustls reports certificate and protocol problems as invalid data: retrying will not
        // change the certificate.
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::InvalidData => Err(ChannelError::Permanent {
            detail: format!(
                "TLS with IMAP server {place} failed: {e}; check that the URL names the host \
                     its certificate is for, or pass the CA that signed it"
            ),
        }),
        Ok(Err(e)) => Err(ChannelError::Transient {
            detail: format!("TLS with IMAP server {place} broke off: {e}; will retry"),
        }),
        Err(_) => Err(timed_out(&place, "the TLS handshake", timeout)),
    }
}

/// Runs one step under the time limit, mapping its failure.
async fn within<T>(
    timeout: Duration,
    place: &str,
    what: &str,
    step: impl Future<Output = Result<T, ImapError>>,
) -> Result<T, ChannelError> {
    match tokio::time::timeout(timeout, step).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(imap_error(what, place, e)),
        Err(_) => Err(timed_out(place, what, timeout)),
    }
}

fn timed_out(place: &str, what: &str, timeout: Duration) -> ChannelError {
    ChannelError::Transient {
        detail: format!(
            "IMAP server {place} did not answer within {}s while {what}; will retry",
            timeout.as_secs()
        ),
    }
}

/// Connection trouble is transient; a refusal or an answer that cannot be read is not.
pub(super) fn imap_error(what: &str, place: &str, e: ImapError) -> ChannelError {
    match e {
        ImapError::Io(e) => ChannelError::Transient {
            detail: format!(
                "IMAP server {place} could not be reached while {what}: {e}; check the host and \
                 port, or wait for the network"
            ),
        },
        ImapError::ConnectionLost => ChannelError::Transient {
            detail: format!("IMAP server {place} dropped the connection while {what}; will retry"),
        },
        ImapError::No(reason) | ImapError::Bad(reason) => ChannelError::Permanent {
            detail: format!("IMAP server {place} refused {what}: {reason}"),
        },
        other => ChannelError::Permanent {
            detail: format!(
                "IMAP server {place} answered in a way this client cannot read while {what}: {other}"
            ),
        },
    }
}
