//! Sending over SMTP: one connection and one transaction per email, each step under a
//! timeout, and every failure classified by [`classify`] with the phase it happened in.

use std::error::Error as _;
use std::fmt;
use std::future::Future;
use std::time::Duration;

use jiff::Timestamp;
use lettre::Address;
use lettre::address::Envelope;
use lettre::transport::smtp::Error as SmtpError;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, Certificate, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use overture_channel::{ChannelError, EmailRequest, SentEmail};
use secrecy::{ExposeSecret as _, SecretString};

use crate::classify::{EnhancedStatus, Phase, classify};
use crate::compose::{ComposeError, Sender, compose, message_id};
use crate::dkim::DkimKey;
use crate::smtp_url::{SmtpSecurity, SmtpUrl};

/// How long to wait for a connection, TLS and the server's greeting, by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long to wait for the answer to each command, and to the message content, by default.
pub const DEFAULT_COMMAND_TIMEOUT: Duration = Duration::from_secs(120);
/// How long a polite `QUIT` may take after a failure.
const QUIT_TIMEOUT: Duration = Duration::from_secs(5);

/// How to reach and log in to a mailbox's SMTP server.
pub struct SmtpConfig {
    /// Where the server is and how the connection is protected.
    pub url: SmtpUrl,
    /// The password for the URL's user; required when the URL has a user.
    pub password: Option<SecretString>,
    /// A PEM certificate to trust besides the public roots (a private CA or a self-signed
    /// server).
    pub extra_root_certificate: Option<String>,
    /// The limit for connecting, TLS, the greeting, `EHLO` and `STARTTLS`.
    pub connect_timeout: Duration,
    /// The limit for each later command's answer, and for the answer to the message content.
    pub command_timeout: Duration,
}

impl SmtpConfig {
    /// A configuration with the public roots and the default timeouts.
    pub fn new(url: SmtpUrl, password: Option<SecretString>) -> Self {
        Self {
            url,
            password,
            extra_root_certificate: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            command_timeout: DEFAULT_COMMAND_TIMEOUT,
        }
    }
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("url", &self.url.to_string())
            .field("password", &self.password.as_ref().map(|_| "[REDACTED]"))
            .field(
                "extra_root_certificate",
                &self.extra_root_certificate.is_some(),
            )
            .field("connect_timeout", &self.connect_timeout)
            .field("command_timeout", &self.command_timeout)
            .finish()
    }
}

/// A mailer that cannot be set up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailerError {
    /// The URL names a user but no password was given.
    #[error(
        "the SMTP URL logs in as {user:?} but no password was given; set the mailbox's password"
    )]
    MissingPassword {
        /// The user.
        user: String,
    },
    /// A password without a user to log in as.
    #[error(
        "a password was given but the SMTP URL has no user; write it like smtps://user@host:465"
    )]
    PasswordWithoutUser,
    /// The extra root certificate is not a PEM certificate.
    #[error(
        "the extra root certificate is not a PEM certificate ({reason}); give the server's or its CA's certificate in PEM"
    )]
    InvalidRootCertificate {
        /// What failed.
        reason: String,
    },
    /// The TLS settings cannot be built for this host.
    #[error("TLS cannot be set up for {host:?} ({reason}); check the SMTP URL's host")]
    Tls {
        /// The host.
        host: String,
        /// What failed.
        reason: String,
    },
}

/// Sends a mailbox's emails over SMTP, DKIM-signed when it has a key.
pub struct SmtpMailer {
    url: SmtpUrl,
    password: Option<SecretString>,
    tls: Option<TlsParameters>,
    hello: ClientId,
    sender: Sender,
    dkim: Option<DkimKey>,
    connect_timeout: Duration,
    command_timeout: Duration,
}

impl fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("url", &self.url.to_string())
            .field("sender", &self.sender)
            .field("dkim", &self.dkim)
            .finish_non_exhaustive()
    }
}

impl SmtpMailer {
    /// A mailer for `sender` through the server in `config`, signing with `dkim` when given
    /// (its domain should be the `From` domain or a parent of it, for DMARC alignment).
    pub fn new(
        config: SmtpConfig,
        sender: Sender,
        dkim: Option<DkimKey>,
    ) -> Result<Self, MailerError> {
        match (&config.url.user, &config.password) {
            (Some(user), None) => {
                return Err(MailerError::MissingPassword { user: user.clone() });
            }
            (None, Some(_)) => return Err(MailerError::PasswordWithoutUser),
            _ => {}
        }
        let tls = match config.url.security {
            SmtpSecurity::None => None,
            SmtpSecurity::ImplicitTls | SmtpSecurity::StartTls => {
                let mut builder = TlsParameters::builder(config.url.host.clone());
                if let Some(pem) = &config.extra_root_certificate {
                    let certificate = Certificate::from_pem(pem.as_bytes()).map_err(|e| {
                        MailerError::InvalidRootCertificate {
                            reason: e.to_string(),
                        }
                    })?;
                    builder = builder.add_root_certificate(certificate);
                }
                Some(builder.build_rustls().map_err(|e| MailerError::Tls {
                    host: config.url.host.clone(),
                    reason: e.to_string(),
                })?)
            }
        };
        // Greet with the sender's domain rather than the machine's name, which says nothing
        // useful to the server and may reveal more than wanted.
        let hello = ClientId::Domain(sender.domain().to_owned());
        Ok(Self {
            url: config.url,
            password: config.password,
            tls,
            hello,
            sender,
            dkim,
            connect_timeout: config.connect_timeout,
            command_timeout: config.command_timeout,
        })
    }

    /// The sender.
    pub fn sender(&self) -> &Sender {
        &self.sender
    }

    /// Composes, signs and sends `request`, dated `now`.
    ///
    /// Each email is one connection and one transaction. The result is what the server
    /// answered, classified (module [`classify`](crate::classify)): `Ok` once it accepted the
    /// message; `Transient` with "may have been delivered" when the connection broke after the
    /// content went out, so the engine looks for the `Message-ID` before sending again.
    pub async fn send(
        &self,
        request: &EmailRequest,
        now: Timestamp,
    ) -> Result<SentEmail, ChannelError> {
        self.send_keeping(request, now).await.map(|(sent, _)| sent)
    }

    /// [`Self::send`], also giving back the message as sent (signed), to save a copy in the
    /// mailbox's Sent folder.
    pub async fn send_keeping(
        &self,
        request: &EmailRequest,
        now: Timestamp,
    ) -> Result<(SentEmail, Vec<u8>), ChannelError> {
        let mut message = compose(&self.sender, request, now).map_err(compose_failure)?;
        if let Some(key) = &self.dkim {
            key.sign(&mut message);
        }
        let id = message_id(&request.idempotency_key, self.sender.domain());
        let envelope = message.envelope().clone();
        let content = message.formatted();

        let mut connection = self.connect().await?;
        let result = self.transact(&mut connection, &envelope, &content).await;
        match &result {
            Ok(()) => {
                // The message is accepted; a failed goodbye changes nothing.
                let _ = tokio::time::timeout(QUIT_TIMEOUT, connection.quit()).await;
                tracing::info!(message_id = %id, "the SMTP server accepted the email");
            }
            Err(error) => {
                let _ = tokio::time::timeout(QUIT_TIMEOUT, connection.abort()).await;
                tracing::warn!(message_id = %id, error = %error, "the email was not accepted");
            }
        }
        result.map(|()| {
            let sent = SentEmail {
                message_id: id,
                sent_at: now,
            };
            (sent, content)
        })
    }

    /// Connects, secures the connection (implicit TLS or STARTTLS) and logs in.
    async fn connect(&self) -> Result<AsyncSmtpConnection, ChannelError> {
        let implicit = match self.url.security {
            SmtpSecurity::ImplicitTls => self.tls.clone(),
            SmtpSecurity::StartTls | SmtpSecurity::None => None,
        };
        let mut connection = step(
            Phase::Connect,
            self.connect_timeout,
            AsyncSmtpConnection::connect_tokio1(
                (self.url.host.as_str(), self.url.port),
                Some(self.connect_timeout),
                &self.hello,
                implicit,
                None,
            ),
        )
        .await?;
        if let (SmtpSecurity::StartTls, Some(tls)) = (self.url.security, &self.tls) {
            if !connection.can_starttls() {
                let _ = tokio::time::timeout(QUIT_TIMEOUT, connection.abort()).await;
                return Err(ChannelError::ActionRequired {
                    detail: format!(
                        "the SMTP server {}:{} does not offer STARTTLS; use smtps:// if it \
                         takes TLS from the start",
                        self.url.host, self.url.port
                    ),
                });
            }
            // A failed upgrade leaves lettre's connection without a stream, where even a
            // QUIT would panic: drop it instead (which closes the socket).
            step(
                Phase::Connect,
                self.connect_timeout,
                connection.starttls(tls.clone(), &self.hello),
            )
            .await?;
        }
        if let (Some(user), Some(password)) = (&self.url.user, &self.password) {
            let credentials = Credentials::new(user.clone(), password.expose_secret().to_owned());
            let logged_in = step(
                Phase::Auth,
                self.command_timeout,
                connection.auth(&[Mechanism::Plain, Mechanism::Login], &credentials),
            )
            .await;
            if let Err(error) = logged_in {
                let _ = tokio::time::timeout(QUIT_TIMEOUT, connection.abort()).await;
                return Err(error);
            }
        }
        Ok(connection)
    }

    /// `MAIL FROM`, `RCPT TO`, `DATA` and the content.
    async fn transact(
        &self,
        connection: &mut AsyncSmtpConnection,
        envelope: &Envelope,
        content: &[u8],
    ) -> Result<(), ChannelError> {
        let info = connection.server_info();
        let mut parameters = Vec::new();
        let non_ascii_address = envelope
            .from()
            .into_iter()
            .chain(envelope.to())
            .any(|address: &Address| !AsRef::<str>::as_ref(address).is_ascii());
        if non_ascii_address {
            if !info.supports_feature(Extension::SmtpUtfEight) {
                return Err(ChannelError::Permanent {
                    detail: "an address has non-ASCII characters and the SMTP server does not \
                             take them (no SMTPUTF8)"
                        .into(),
                });
            }
            parameters.push(MailParameter::SmtpUtfEight);
        }
        if !content.is_ascii() && info.supports_feature(Extension::EightBitMime) {
            parameters.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }
        let limit = self.command_timeout;
        step(
            Phase::MailFrom,
            limit,
            connection.command(Mail::new(envelope.from().cloned(), parameters)),
        )
        .await?;
        for recipient in envelope.to() {
            step(
                Phase::RcptTo,
                limit,
                connection.command(Rcpt::new(recipient.clone(), Vec::new())),
            )
            .await?;
        }
        step(Phase::Data, limit, connection.command(Data)).await?;
        step(Phase::Content, limit, connection.message(content)).await?;
        Ok(())
    }
}

/// Runs one step under `limit` and classifies its failure.
async fn step<T>(
    phase: Phase,
    limit: Duration,
    work: impl Future<Output = Result<T, SmtpError>>,
) -> Result<T, ChannelError> {
    match tokio::time::timeout(limit, work).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(smtp_failure(phase, &error)),
        Err(_) => Err(classify(
            phase,
            None,
            None,
            &format!("no answer within {limit:?}"),
        )),
    }
}

/// Classifies a lettre error: replies by their codes, TLS and set-up problems as something the
/// mailbox's owner must fix, the rest as a lost connection.
fn smtp_failure(phase: Phase, error: &SmtpError) -> ChannelError {
    if let Some(code) = error.status() {
        let text = error.source().map(ToString::to_string).unwrap_or_default();
        return classify(
            phase,
            Some(u16::from(code)),
            EnhancedStatus::parse(&text),
            &text,
        );
    }
    let described = describe(error);
    let certificate = described.contains("certificate");
    if error.is_tls() || certificate || (error.is_client() && phase <= Phase::Auth) {
        return ChannelError::ActionRequired {
            detail: format!(
                "the SMTP connection cannot be set up ({described}); check the SMTP URL's host, \
                 port and security, and the server's certificate"
            ),
        };
    }
    classify(phase, None, None, &described)
}

/// The error and its causes on one line.
fn describe(error: &SmtpError) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let line = cause.to_string();
        if !text.contains(&line) {
            text.push_str(": ");
            text.push_str(&line);
        }
        source = cause.source();
    }
    text
}

/// What a message that cannot be built means for the engine.
fn compose_failure(error: ComposeError) -> ChannelError {
    match error {
        ComposeError::InvalidRecipient { .. } => ChannelError::AddressInvalid {
            detail: error.to_string(),
        },
        _ => ChannelError::Permanent {
            detail: error.to_string(),
        },
    }
}
