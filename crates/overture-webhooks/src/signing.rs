//! Standard Webhooks signatures (<https://www.standardwebhooks.com>): an HMAC-SHA256 of
//! `{webhook-id}.{webhook-timestamp}.{body}` keyed with the secret's bytes, sent as
//! `webhook-signature: v1,<base64>`.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_PAD_INDIFFERENT};
use hmac::{Hmac, Mac};
use overture_secrets::Secret;
use rand_core::{OsRng, RngCore as _};
use sha2::Sha256;

use crate::error::WebhookError;

/// The prefix of a secret's text form.
const PREFIX: &str = "whsec_";

/// How many random bytes a new secret has (the format allows 24 to 64).
const SECRET_BYTES: usize = 32;

/// An endpoint's signing secret: `whsec_` and the base64 of its bytes. Its text is a
/// [`Secret`], so it never prints.
#[derive(Debug, Clone)]
pub struct SigningSecret(Secret);

impl SigningSecret {
    /// A new secret of 32 random bytes from the operating system.
    pub fn generate() -> Result<Self, WebhookError> {
        let mut bytes = [0u8; SECRET_BYTES];
        OsRng
            .try_fill_bytes(&mut bytes)
            .map_err(|e| WebhookError::Randomness(e.to_string()))?;
        let text = format!("{PREFIX}{}", STANDARD.encode(bytes));
        bytes.fill(0);
        Ok(Self(Secret::new(text)))
    }

    /// Reads a secret's text form; the bytes after `whsec_` must be base64 of 24 to 64 bytes.
    pub fn parse(text: Secret) -> Result<Self, WebhookError> {
        let secret = Self(text);
        let len = secret.key()?.len();
        if !(24..=64).contains(&len) {
            return Err(WebhookError::BadSecret(format!(
                "{len} bytes, expected 24 to 64"
            )));
        }
        Ok(secret)
    }

    /// The text form, `whsec_…`: shown to the user once, sealed for the store.
    pub fn text(&self) -> &Secret {
        &self.0
    }

    /// The HMAC key: the base64-decoded part after the prefix.
    fn key(&self) -> Result<Vec<u8>, WebhookError> {
        let text = self.0.expose();
        let encoded = text
            .strip_prefix(PREFIX)
            .ok_or_else(|| WebhookError::BadSecret("it does not start with whsec_".to_owned()))?;
        STANDARD_PAD_INDIFFERENT
            .decode(encoded)
            .map_err(|_| WebhookError::BadSecret("it is not base64 after whsec_".to_owned()))
    }
}

/// The three headers that sign one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// `webhook-id`: the message's id, the same on every attempt.
    pub id: String,
    /// `webhook-timestamp`: the attempt's time in Unix seconds.
    pub timestamp: i64,
    /// `webhook-signature`: `v1,` and the base64 HMAC.
    pub signature: String,
}

/// Signs `body` for message `id` at `timestamp` (Unix seconds).
pub fn sign(
    secret: &SigningSecret,
    id: &str,
    timestamp: i64,
    body: &str,
) -> Result<Signature, WebhookError> {
    let key = secret.key()?;
    // An HMAC takes a key of any length; the error cannot happen (documented by the crate).
    let mut mac =
        Hmac::<Sha256>::new_from_slice(&key).map_err(|e| WebhookError::BadSecret(e.to_string()))?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    let tag = mac.finalize().into_bytes();
    Ok(Signature {
        id: id.to_owned(),
        timestamp,
        signature: format!("v1,{}", STANDARD.encode(tag)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secrets_have_the_format_and_differ() {
        let a = SigningSecret::generate().expect("randomness");
        let b = SigningSecret::generate().expect("randomness");
        assert!(a.text().expose().starts_with("whsec_"));
        assert_eq!(a.key().expect("decodes").len(), 32);
        assert_ne!(a.text().expose(), b.text().expose());
        assert_eq!(format!("{a:?}"), "SigningSecret(***)");
    }

    #[test]
    fn parse_refuses_what_is_not_a_secret() {
        for bad in ["abc", "whsec_%%%", "whsec_c2hvcnQ="] {
            assert!(SigningSecret::parse(Secret::new(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn signing_is_deterministic_and_covers_every_part() {
        let secret = SigningSecret::parse(Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
            .expect("a secret");
        let one =
            sign(&secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_330, "{}").expect("signs");
        assert_eq!(
            one,
            sign(&secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_330, "{}").expect("signs")
        );
        assert!(one.signature.starts_with("v1,"));
        for other in [
            sign(&secret, "msg_other", 1_614_265_330, "{}"),
            sign(&secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_331, "{}"),
            sign(
                &secret,
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1_614_265_330,
                "{ }",
            ),
        ] {
            assert_ne!(other.expect("signs").signature, one.signature);
        }
    }
}
