//! The target guard: webhooks go to public addresses only, unless the configuration allows
//! private ones (tests, receivers on the same network as a self-hosted install).
//!
//! [`forbidden`] is the pure rule on one address; [`check_url`] applies it to a URL's host,
//! resolving names, and returns the addresses the connection must go to (so that a name that
//! resolves differently a moment later cannot slip past the check).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use url::{Host, Url};

/// Why a webhook target is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// The text is not an absolute `http` or `https` URL with a host.
    #[error("`{url}` is not a webhook URL: {reason} (give an http:// or https:// URL)")]
    InvalidUrl {
        /// The text given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The host is, or resolves to, an address webhooks may not reach.
    #[error(
        "`{host}` is refused as a webhook target: {address} is {why} (allow private targets \
         in the configuration only for receivers you run yourself)"
    )]
    Forbidden {
        /// The URL's host.
        host: String,
        /// The offending address.
        address: IpAddr,
        /// What kind of address it is.
        why: &'static str,
    },
    /// The host name does not resolve.
    #[error("`{host}` does not resolve: {reason} (check the webhook URL's host)")]
    Unresolved {
        /// The URL's host.
        host: String,
        /// The resolver's answer.
        reason: String,
    },
}

/// The cloud metadata address (AWS, GCP, Azure, …), named on its own in messages.
const METADATA_V4: Ipv4Addr = Ipv4Addr::new(169, 254, 169, 254);

/// Why `ip` may not be a webhook target, or `None` when it may. IPv4 addresses mapped or
/// translated into IPv6 are judged as the IPv4 address they carry.
pub fn forbidden(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return forbidden_v4(v4);
            }
            // NAT64 (64:ff9b::/96) carries an IPv4 address in its last 32 bits.
            let s = v6.segments();
            if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
                let [.., a, b, c, d] = v6.octets();
                return forbidden_v4(Ipv4Addr::new(a, b, c, d));
            }
            forbidden_v6(v6)
        }
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    Some(if ip == METADATA_V4 {
        "the cloud metadata address"
    } else if ip.is_loopback() {
        "a loopback address"
    } else if ip.is_private() {
        "a private address (RFC 1918)"
    } else if ip.is_link_local() {
        "a link-local address"
    } else if ip.is_unspecified() || a == 0 {
        "an unspecified address"
    } else if ip.is_multicast() {
        "a multicast address"
    } else if ip.is_broadcast() {
        "the broadcast address"
    } else if a == 100 && (64..128).contains(&b) {
        "a shared address (RFC 6598, carrier-grade NAT)"
    } else if a >= 240 {
        "a reserved address"
    } else {
        return None;
    })
}

fn forbidden_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let first = ip.segments()[0];
    Some(if ip.is_loopback() {
        "a loopback address"
    } else if ip.is_unspecified() {
        "an unspecified address"
    } else if ip.is_multicast() {
        "a multicast address"
    } else if first & 0xffc0 == 0xfe80 {
        "a link-local address"
    } else if first & 0xfe00 == 0xfc00 {
        "a unique local address (fc00::/7)"
    } else if first & 0xffc0 == 0xfec0 {
        "a site-local address"
    } else if ip == Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254) {
        "the cloud metadata address"
    } else {
        return None;
    })
}

/// Parses a webhook URL: absolute, `http` or `https`, with a host and without credentials.
pub fn parse_url(text: &str) -> Result<Url, TargetError> {
    let invalid = |reason: &str| TargetError::InvalidUrl {
        url: text.to_owned(),
        reason: reason.to_owned(),
    };
    let url = Url::parse(text.trim()).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.host().is_none() {
        return Err(invalid("it has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("credentials in the URL are not allowed"));
    }
    Ok(url)
}

/// The addresses `url` may be reached at: its host's, resolved when it is a name, each one
/// checked with [`forbidden`] unless `allow_private` is set. Every address must pass: a name
/// with one private address among public ones is refused.
pub async fn check_url(url: &Url, allow_private: bool) -> Result<Vec<SocketAddr>, TargetError> {
    let port = url.port_or_known_default().unwrap_or(443);
    let host_text = url.host_str().unwrap_or_default().to_owned();
    let addresses: Vec<SocketAddr> = match url.host() {
        Some(Host::Ipv4(ip)) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
        Some(Host::Ipv6(ip)) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
        Some(Host::Domain(name)) => tokio::net::lookup_host((name, port))
            .await
            .map_err(|e| TargetError::Unresolved {
                host: host_text.clone(),
                reason: e.to_string(),
            })?
            .collect(),
        None => {
            return Err(TargetError::InvalidUrl {
                url: url.to_string(),
                reason: "it has no host".to_owned(),
            });
        }
    };
    if addresses.is_empty() {
        return Err(TargetError::Unresolved {
            host: host_text,
            reason: "no addresses".to_owned(),
        });
    }
    if !allow_private {
        for address in &addresses {
            if let Some(why) = forbidden(address.ip()) {
                return Err(TargetError::Forbidden {
                    host: host_text,
                    address: address.ip(),
                    why,
                });
            }
        }
    }
    Ok(addresses)
}

#[cfg(test)]
mod tests;
