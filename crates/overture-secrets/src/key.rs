//! [`MasterKey`]: the key every secret is encrypted with.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD_PAD_INDIFFERENT, URL_SAFE_PAD_INDIFFERENT};
use chacha20poly1305::aead::{Generate, Key};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305};
use zeroize::Zeroize;

/// The length of a master key in bytes.
pub const KEY_LEN: usize = 32;

/// The 32-byte key that encrypts every secret of a database.
///
/// As text (the `OVERTURE_MASTER_KEY` variable, the key file) it is 64 hexadecimal digits or
/// 32 bytes in base64 (standard or URL-safe alphabet, padding optional), with surrounding
/// whitespace ignored. `Debug` prints no key material.
#[derive(Clone)]
pub struct MasterKey([u8; KEY_LEN]);

/// Why a text is not a master key. The messages never repeat the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The text is neither 64 hexadecimal digits nor base64.
    #[error(
        "the master key is not 64 hexadecimal digits or base64 (make one with `openssl rand -base64 32`)"
    )]
    Malformed,
    /// The text decodes, but not to 32 bytes.
    #[error("the master key is {len} bytes long; it must be exactly 32 bytes")]
    WrongLength {
        /// How many bytes it decoded to.
        len: usize,
    },
    /// The operating system gave no randomness for a new key.
    #[error("the operating system's random number generator failed: {reason}")]
    NoRandomness {
        /// The system's error.
        reason: String,
    },
}

impl MasterKey {
    /// A new random key from the operating system's generator.
    pub fn generate() -> Result<Self, KeyError> {
        let key = Key::<XChaCha20Poly1305>::try_generate().map_err(|e| KeyError::NoRandomness {
            reason: e.to_string(),
        })?;
        let mut bytes = [0u8; KEY_LEN];
        bytes.copy_from_slice(&key);
        Ok(MasterKey(bytes))
    }

    /// Parses a key from hex or base64 text.
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let text = text.trim();
        let mut bytes = if text.len() == 2 * KEY_LEN && text.bytes().all(|b| b.is_ascii_hexdigit())
        {
            decode_hex(text).ok_or(KeyError::Malformed)?
        } else {
            STANDARD_PAD_INDIFFERENT
                .decode(text)
                .or_else(|_| URL_SAFE_PAD_INDIFFERENT.decode(text))
                .map_err(|_| KeyError::Malformed)?
        };
        let result = <[u8; KEY_LEN]>::try_from(bytes.as_slice())
            .map(MasterKey)
            .map_err(|_| KeyError::WrongLength { len: bytes.len() });
        bytes.zeroize();
        result
    }

    /// The key as standard base64 text (what `overture init` writes to the key file).
    pub fn to_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.0)
    }

    pub(crate) fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&Key::<XChaCha20Poly1305>::from(self.0))
    }
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    let digit = |b: u8| (b as char).to_digit(16);
    text.as_bytes()
        .chunks(2)
        .map(|pair| u8::try_from(digit(pair[0])? * 16 + digit(*pair.get(1)?)?).ok())
        .collect()
}

impl Drop for MasterKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_and_base64_are_the_same_key() {
        let hex = "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF";
        let key = MasterKey::parse(hex).unwrap();
        let b64 = key.to_base64();
        assert_eq!(MasterKey::parse(&format!("  {b64}\n")).unwrap().0, key.0);
        assert_eq!(
            MasterKey::parse(b64.trim_end_matches('=')).unwrap().0,
            key.0
        );
        assert_eq!(format!("{key:?}"), "MasterKey(***)");
    }

    #[test]
    fn bad_keys_say_why() {
        assert_eq!(
            MasterKey::parse("not a key!").err(),
            Some(KeyError::Malformed)
        );
        assert_eq!(
            MasterKey::parse("c2hvcnQ=").err(),
            Some(KeyError::WrongLength { len: 5 })
        );
        assert!(MasterKey::parse("").is_err());
        let g = |c: char| std::iter::repeat_n(c, 64).collect::<String>();
        assert!(MasterKey::parse(&g('0')).is_ok());
        // 64 characters that are not all hex are read as base64 (48 bytes): wrong length.
        assert_eq!(
            MasterKey::parse(&g('g')).err(),
            Some(KeyError::WrongLength { len: 48 })
        );
    }

    #[test]
    fn generated_keys_differ_and_round_trip() {
        let (a, b) = (
            MasterKey::generate().unwrap(),
            MasterKey::generate().unwrap(),
        );
        assert_ne!(a.0, b.0);
        assert_eq!(MasterKey::parse(&a.to_base64()).unwrap().0, a.0);
    }
}
