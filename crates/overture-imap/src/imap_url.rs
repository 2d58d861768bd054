//! `imaps://user@host:port` and `imap://user@host:port?tls=starttls`.

use std::fmt;

use percent_encoding::percent_decode_str;

/// How the connection is secured. There is no plain-text mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (`imaps://`, port 993 by default).
    ImplicitTls,
    /// A plain connection upgraded with `STARTTLS` before anything else is said (`imap://`,
    /// port 143 by default). A server that does not offer it is refused.
    StartTls,
}

/// Where a mailbox is: host, port, user and how to secure the connection. The password is not
/// part of it; it is passed separately as a secret.
#[derive(Clone, PartialEq, Eq)]
pub struct ImapUrl {
    host: String,
    port: u16,
    user: String,
    security: Security,
}

/// A mailbox URL that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImapUrlError {
    /// The scheme is neither `imaps` nor `imap`.
    #[error(
        "IMAP URL must start with imaps:// (TLS, port 993) or imap:// (STARTTLS, port 143), \
         not {0:?}"
    )]
    Scheme(String),
    /// No `user@` before the host.
    #[error("IMAP URL has no user; write it as imaps://USER@HOST:PORT")]
    NoUser,
    /// The host is empty.
    #[error("IMAP URL has no host; write it as imaps://USER@HOST:PORT")]
    NoHost,
    /// The port is not a number from 1 to 65535.
    #[error("IMAP URL port {0:?} is not a number from 1 to 65535")]
    Port(String),
    /// A password was written into the URL.
    #[error("IMAP URL must not contain the password; pass it separately")]
    PasswordInUrl,
    /// An unknown or unsafe `tls=` option, or another query parameter.
    #[error("IMAP URL option {0:?} is not supported; the only one is tls=starttls on imap://")]
    Option(String),
}

impl ImapUrl {
    /// Parses `imaps://user@host[:port]` or `imap://user@host[:port][?tls=starttls]`.
    ///
    /// The user may be percent-encoded (`ana%40example.com`); an IPv6 host is written in
    /// brackets. `imap://` always means STARTTLS: plain-text IMAP is not offered.
    pub fn parse(url: &str) -> Result<ImapUrl, ImapUrlError> {
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| ImapUrlError::Scheme(url.to_owned()))?;
        let (security, default_port) = match scheme.to_ascii_lowercase().as_str() {
            "imaps" => (Security::ImplicitTls, 993),
            "imap" => (Security::StartTls, 143),
            other => return Err(ImapUrlError::Scheme(other.to_owned())),
        };
        let (authority, query) = rest.split_once('?').unwrap_or((rest, ""));
        let authority = authority.trim_end_matches('/');
        for option in query.split('&').filter(|o| !o.is_empty()) {
            let starttls = option.eq_ignore_ascii_case("tls=starttls");
            if !(starttls && security == Security::StartTls) {
                return Err(ImapUrlError::Option(option.to_owned()));
            }
        }
        let (user, host_port) = authority.rsplit_once('@').ok_or(ImapUrlError::NoUser)?;
        if user.contains(':') {
            return Err(ImapUrlError::PasswordInUrl);
        }
        let user = percent_decode_str(user).decode_utf8_lossy().into_owned();
        if user.is_empty() {
            return Err(ImapUrlError::NoUser);
        }
        let (host, port) = split_host_port(host_port)?;
        if host.is_empty() {
            return Err(ImapUrlError::NoHost);
        }
        let port = match port {
            None => default_port,
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| ImapUrlError::Port(p.to_owned()))?,
        };
        Ok(ImapUrl {
            host: host.to_owned(),
            port,
            user,
            security,
        })
    }

    /// The server's name (or address), also the name its certificate must carry.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The TCP port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The login name.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// How the connection is secured.
    pub fn security(&self) -> Security {
        self.security
    }
}

/// `host:port`, `[v6]:port`, or either without the port.
fn split_host_port(text: &str) -> Result<(&str, Option<&str>), ImapUrlError> {
    if let Some(rest) = text.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or(ImapUrlError::NoHost)?;
        return match after.strip_prefix(':') {
            Some(port) => Ok((host, Some(port))),
            None if after.is_empty() => Ok((host, None)),
            None => Err(ImapUrlError::Port(after.to_owned())),
        };
    }
    Ok(match text.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (text, None),
    })
}

impl fmt::Display for ImapUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        let user = percent_encoding::utf8_percent_encode(&self.user, USER_ESCAPES);
        match self.security {
            Security::ImplicitTls => write!(f, "imaps://{user}@{host}:{}", self.port),
            Security::StartTls => write!(f, "imap://{user}@{host}:{}?tls=starttls", self.port),
        }
    }
}

impl fmt::Debug for ImapUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ImapUrl({self})")
    }
}

/// What must be escaped in the user part when the URL is written back.
const USER_ESCAPES: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b'@')
    .add(b':')
    .add(b'/')
    .add(b'?')
    .add(b'#')
    .add(b' ')
    .add(b'%');
