//! DKIM keys (RFC 6376): generated per sending domain and selector, stored as text, published
//! as a DNS TXT record, and used to sign every outgoing message.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use lettre::Message;
use lettre::message::dkim::{
    DkimCanonicalization, DkimCanonicalizationType, DkimConfig, DkimSigningAlgorithm,
    DkimSigningKey,
};
use lettre::message::header::HeaderName;
use rand_core::{OsRng, RngCore as _};
use rsa::pkcs1::{DecodeRsaPrivateKey as _, EncodeRsaPrivateKey as _, LineEnding};
use rsa::pkcs8::{DecodePrivateKey as _, EncodePublicKey as _};
use rsa::traits::PublicKeyParts as _;
use rsa::{RsaPrivateKey, RsaPublicKey};
use secrecy::{ExposeSecret as _, SecretString};

/// The size of generated RSA keys, in bits (RFC 8301 asks for at least 1024 and recommends
/// 2048).
pub const RSA_BITS: usize = 2048;

/// The smallest RSA key accepted from storage.
const RSA_MIN_BITS: usize = 1024;

/// The headers every signature covers, in this order. A header a message lacks is signed as
/// absent, so it cannot be added later without breaking the signature.
pub const SIGNED_HEADERS: &[&str] = &[
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "Reply-To",
    "In-Reply-To",
    "References",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "MIME-Version",
];

/// A DKIM signing algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DkimAlgorithm {
    /// `rsa-sha256`; generated keys have [`RSA_BITS`] bits. Every verifier knows it.
    Rsa,
    /// `ed25519-sha256` (RFC 8463): short keys, but not every receiver verifies it yet, so
    /// publish an RSA key beside it.
    Ed25519,
}

impl DkimAlgorithm {
    /// The name used in the DNS record (`k=`) and in settings: `rsa` or `ed25519`.
    pub fn as_str(self) -> &'static str {
        match self {
            DkimAlgorithm::Rsa => "rsa",
            DkimAlgorithm::Ed25519 => "ed25519",
        }
    }

    /// Reads `rsa` or `ed25519`.
    pub fn parse(name: &str) -> Result<Self, DkimError> {
        match name.trim().to_ascii_lowercase().as_str() {
            "rsa" => Ok(DkimAlgorithm::Rsa),
            "ed25519" => Ok(DkimAlgorithm::Ed25519),
            _ => Err(DkimError::UnknownAlgorithm {
                name: name.to_owned(),
            }),
        }
    }
}

impl fmt::Display for DkimAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A DKIM key that cannot be made or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DkimError {
    /// The domain is not a DNS name.
    #[error(
        "DKIM domain {domain:?} is not a DNS name (letters, digits, '-' and dots, like example.com)"
    )]
    InvalidDomain {
        /// The domain given.
        domain: String,
    },
    /// The selector is not a DNS label sequence.
    #[error("DKIM selector {selector:?} is not valid (letters, digits, '-' and dots, like s2025)")]
    InvalidSelector {
        /// The selector given.
        selector: String,
    },
    /// The algorithm name is neither `rsa` nor `ed25519`.
    #[error("DKIM algorithm {name:?} is not supported; use rsa or ed25519")]
    UnknownAlgorithm {
        /// The name given.
        name: String,
    },
    /// The stored private key cannot be read (the text is not shown: it is a secret).
    #[error(
        "the stored {algorithm} DKIM private key cannot be read ({reason}); generate a new key"
    )]
    InvalidKey {
        /// The algorithm the key was read as.
        algorithm: DkimAlgorithm,
        /// What is wrong with it.
        reason: String,
    },
    /// Generating a key failed.
    #[error("generating the {algorithm} DKIM key failed: {reason}")]
    Generation {
        /// The algorithm.
        algorithm: DkimAlgorithm,
        /// What failed.
        reason: String,
    },
}

/// A DKIM key for one domain and selector.
///
/// The private key is kept as text ([`DkimKey::private_key`]): for RSA a PKCS#1 PEM
/// (`-----BEGIN RSA PRIVATE KEY-----`), for Ed25519 the base64 of the 32-byte seed; both are
/// what [`DkimKey::from_stored`] reads back. `Debug` never shows it.
pub struct DkimKey {
    domain: String,
    selector: String,
    algorithm: DkimAlgorithm,
    private_key: SecretString,
    public_key: String,
    signing: DkimConfig,
}

impl DkimKey {
    /// Generates a new key for `domain` and `selector`.
    pub fn generate(
        domain: &str,
        selector: &str,
        algorithm: DkimAlgorithm,
    ) -> Result<Self, DkimError> {
        let private_key = match algorithm {
            DkimAlgorithm::Rsa => {
                let key = RsaPrivateKey::new(&mut OsRng, RSA_BITS).map_err(|e| {
                    DkimError::Generation {
                        algorithm,
                        reason: e.to_string(),
                    }
                })?;
                let pem = key
                    .to_pkcs1_pem(LineEnding::LF)
                    .map_err(|e| DkimError::Generation {
                        algorithm,
                        reason: e.to_string(),
                    })?;
                SecretString::from(pem.as_str())
            }
            DkimAlgorithm::Ed25519 => {
                let mut seed = [0u8; ed25519_dalek::SECRET_KEY_LENGTH];
                OsRng
                    .try_fill_bytes(&mut seed)
                    .map_err(|e| DkimError::Generation {
                        algorithm,
                        reason: e.to_string(),
                    })?;
                let text = SecretString::from(BASE64.encode(seed));
                seed.fill(0);
                text
            }
        };
        Self::from_stored(domain, selector, algorithm, private_key.expose_secret())
    }

    /// Reads a stored key. RSA keys may also be PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`, as
    /// `openssl genpkey` writes them); they are kept as PKCS#1.
    pub fn from_stored(
        domain: &str,
        selector: &str,
        algorithm: DkimAlgorithm,
        private_key: &str,
    ) -> Result<Self, DkimError> {
        let domain = dns_name(domain).ok_or_else(|| DkimError::InvalidDomain {
            domain: domain.to_owned(),
        })?;
        let selector = dns_name(selector).ok_or_else(|| DkimError::InvalidSelector {
            selector: selector.to_owned(),
        })?;
        let invalid = |reason: String| DkimError::InvalidKey { algorithm, reason };
        let (private_key, public_key, lettre_algorithm) = match algorithm {
            DkimAlgorithm::Rsa => {
                let key = RsaPrivateKey::from_pkcs1_pem(private_key.trim())
                    .or_else(|_| RsaPrivateKey::from_pkcs8_pem(private_key.trim()))
                    .map_err(|_| {
                        invalid("not an RSA private key in PKCS#1 or PKCS#8 PEM".into())
                    })?;
                let bits = key.size() * 8;
                if bits < RSA_MIN_BITS {
                    return Err(invalid(format!(
                        "{bits} bits is too short; DKIM needs at least {RSA_MIN_BITS}"
                    )));
                }
                let public = RsaPublicKey::from(&key)
                    .to_public_key_der()
                    .map_err(|e| invalid(e.to_string()))?;
                let pem = key
                    .to_pkcs1_pem(LineEnding::LF)
                    .map_err(|e| invalid(e.to_string()))?;
                (
                    SecretString::from(pem.as_str()),
                    BASE64.encode(public.as_bytes()),
                    DkimSigningAlgorithm::Rsa,
                )
            }
            DkimAlgorithm::Ed25519 => {
                let seed: [u8; ed25519_dalek::SECRET_KEY_LENGTH] = BASE64
                    .decode(private_key.trim())
                    .ok()
                    .and_then(|bytes| bytes.try_into().ok())
                    .ok_or_else(|| invalid("not the base64 of a 32-byte Ed25519 seed".into()))?;
                let public = ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key();
                (
                    SecretString::from(BASE64.encode(seed)),
                    BASE64.encode(public.as_bytes()),
                    DkimSigningAlgorithm::Ed25519,
                )
            }
        };
        let signing_key = DkimSigningKey::new(private_key.expose_secret(), lettre_algorithm)
            .map_err(|e| invalid(e.to_string()))?;
        let signing = DkimConfig::new(
            selector.clone(),
            domain.clone(),
            signing_key,
            SIGNED_HEADERS
                .iter()
                .copied()
                .map(HeaderName::new_from_ascii_str)
                .collect(),
            DkimCanonicalization {
                header: DkimCanonicalizationType::Relaxed,
                body: DkimCanonicalizationType::Relaxed,
            },
        );
        Ok(Self {
            domain,
            selector,
            algorithm,
            private_key,
            public_key,
            signing,
        })
    }

    /// The signing domain (`d=`), lower case.
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// The selector (`s=`), lower case.
    pub fn selector(&self) -> &str {
        &self.selector
    }

    /// The algorithm.
    pub fn algorithm(&self) -> DkimAlgorithm {
        self.algorithm
    }

    /// The private key as text, to store (encrypted) and read back with
    /// [`DkimKey::from_stored`].
    pub fn private_key(&self) -> &SecretString {
        &self.private_key
    }

    /// The public key as published (`p=`): base64 of the DER SubjectPublicKeyInfo for RSA, of
    /// the 32 raw bytes for Ed25519.
    pub fn public_key(&self) -> &str {
        &self.public_key
    }

    /// The DNS TXT record to publish: its name (`selector._domainkey.domain`) and its value
    /// (`v=DKIM1; k=rsa; p=…`). An RSA value is longer than 255 characters; DNS providers split
    /// it into several strings of one record, which verifiers join.
    pub fn dns_record(&self) -> (String, String) {
        (
            format!("{}._domainkey.{}", self.selector, self.domain),
            format!(
                "v=DKIM1; k={}; p={}",
                self.algorithm.as_str(),
                self.public_key
            ),
        )
    }

    /// Adds a `DKIM-Signature` header covering [`SIGNED_HEADERS`] and the body (relaxed/relaxed
    /// canonicalization). Sign last: a header changed afterwards breaks the signature.
    ///
    /// The signature's `t=` is the machine's time, read by lettre (it offers no way to pass
    /// one in); receivers only use it for information.
    pub fn sign(&self, message: &mut Message) {
        message.sign(&self.signing);
    }
}

impl fmt::Debug for DkimKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DkimKey")
            .field("domain", &self.domain)
            .field("selector", &self.selector)
            .field("algorithm", &self.algorithm)
            .field("private_key", &"[REDACTED]")
            .field("public_key", &self.public_key)
            .finish()
    }
}

/// The name lower-cased when it is a sequence of DNS labels (letters, digits, `-`, `_`; 1 to
/// 63 characters each, not starting or ending with `-`), else `None`.
fn dns_name(name: &str) -> Option<String> {
    let name = name.trim().trim_end_matches('.').to_ascii_lowercase();
    let valid = !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        });
    valid.then_some(name)
}

#[cfg(test)]
mod tests;
