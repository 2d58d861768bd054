//! The SMTP URL a mailbox is configured with.
//!
//! | form | meaning |
//! | --- | --- |
//! | `smtps://USER@HOST[:PORT]` | implicit TLS (RFC 8314), port 465 by default |
//! | `smtp://USER@HOST[:PORT]` | plain connection upgraded with STARTTLS, which is required; port 587 by default |
//! | `smtp://USER@HOST[:PORT]?tls=starttls` | the same, spelled out |
//! | `smtp://[USER@]HOST[:PORT]?tls=none` | no encryption: only to a server on this machine (`localhost`, `127.0.0.1`, `::1`) |
//!
//! `USER` is percent-encoded (`ana%40example.com` for `ana@example.com`); without one the
//! mailer does not log in (`smtps://` and STARTTLS still encrypt). The password is never part of
//! the URL: it is a separate secret.

use std::fmt;
use std::net::IpAddr;

use percent_encoding::percent_decode_str;

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SmtpSecurity {
    /// TLS from the first byte (`smtps://`).
    ImplicitTls,
    /// A plain connection that must be upgraded with `STARTTLS` before anything else.
    StartTls,
    /// No encryption (loopback servers only).
    None,
}

/// A parsed SMTP URL. It never holds a password.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SmtpUrl {
    /// How the connection is protected.
    pub security: SmtpSecurity,
    /// The server's name or address; also the name its certificate must carry.
    pub host: String,
    /// The port.
    pub port: u16,
    /// The user to log in as (decoded), if any.
    pub user: Option<String>,
}

/// An SMTP URL that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmtpUrlError {
    /// Not a URL at all.
    #[error("SMTP URL is not a URL ({reason}); write it like smtps://user@host:465")]
    Malformed {
        /// What the URL parser said.
        reason: String,
    },
    /// Neither `smtp` nor `smtps`.
    #[error(
        "SMTP URL scheme {scheme:?} is not supported; use smtps:// (implicit TLS) or smtp:// (STARTTLS)"
    )]
    Scheme {
        /// The scheme given.
        scheme: String,
    },
    /// No host.
    #[error("SMTP URL has no host; write it like smtps://user@host:465")]
    MissingHost,
    /// A password in the URL.
    #[error(
        "SMTP URL contains a password; remove it from the URL and give it as the mailbox's password"
    )]
    PasswordInUrl,
    /// A path, fragment or query parameter the mailer does not know.
    #[error(
        "SMTP URL part {part:?} is not understood; only ?tls=starttls or ?tls=none may follow the host"
    )]
    Unexpected {
        /// The part.
        part: String,
    },
    /// `tls=none` to a server that is not on this machine.
    #[error(
        "unencrypted SMTP (tls=none) is only allowed to a server on this machine, not {host:?}; use smtps:// or STARTTLS"
    )]
    PlainToRemote {
        /// The host.
        host: String,
    },
}

impl SmtpUrl {
    /// Parses one of the forms in the module documentation.
    pub fn parse(text: &str) -> Result<Self, SmtpUrlError> {
        let url = url::Url::parse(text.trim()).map_err(|e| SmtpUrlError::Malformed {
            reason: e.to_string(),
        })?;
        let implicit = match url.scheme() {
            "smtps" => true,
            "smtp" => false,
            scheme => {
                return Err(SmtpUrlError::Scheme {
                    scheme: scheme.to_owned(),
                });
            }
        };
        if url.password().is_some() {
            return Err(SmtpUrlError::PasswordInUrl);
        }
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or(SmtpUrlError::MissingHost)?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        if !matches!(url.path(), "" | "/") {
            return Err(SmtpUrlError::Unexpected {
                part: url.path().to_owned(),
            });
        }
        if let Some(fragment) = url.fragment() {
            return Err(SmtpUrlError::Unexpected {
                part: format!("#{fragment}"),
            });
        }
        let mut security = if implicit {
            SmtpSecurity::ImplicitTls
        } else {
            SmtpSecurity::StartTls
        };
        for (key, value) in url.query_pairs() {
            security = match (implicit, key.as_ref(), value.as_ref()) {
                (false, "tls", "starttls") => SmtpSecurity::StartTls,
                (false, "tls", "none") => SmtpSecurity::None,
                _ => {
                    return Err(SmtpUrlError::Unexpected {
                        part: format!("?{key}={value}"),
                    });
                }
            };
        }
        if security == SmtpSecurity::None && !is_loopback(&host) {
            return Err(SmtpUrlError::PlainToRemote { host });
        }
        let user = match url.username() {
            "" => None,
            user => Some(percent_decode_str(user).decode_utf8_lossy().into_owned()),
        };
        let port = url.port().unwrap_or(if implicit { 465 } else { 587 });
        Ok(Self {
            security,
            host,
            port,
            user,
        })
    }
}

impl fmt::Display for SmtpUrl {
    /// The URL in its canonical form (user percent-encoded, port always shown).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match self.security {
            SmtpSecurity::ImplicitTls => "smtps",
            SmtpSecurity::StartTls | SmtpSecurity::None => "smtp",
        };
        write!(f, "{scheme}://")?;
        if let Some(user) = &self.user {
            let user = percent_encoding::utf8_percent_encode(user, USERINFO);
            write!(f, "{user}@")?;
        }
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)?;
        } else {
            write!(f, "{}:{}", self.host, self.port)?;
        }
        if self.security == SmtpSecurity::None {
            f.write_str("?tls=none")?;
        }
        Ok(())
    }
}

/// What must be escaped in a URL's user part.
const USERINFO: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'+');

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests;
