//! API tokens, session secrets and CSRF tokens.
//!
//! Every secret here is 32 random bytes from the operating system, written in base64url
//! without padding (43 characters). The store only ever sees a [`TokenHash`], the secret's
//! SHA-256 in hex: a 256-bit random secret needs no salt nor a slow hash, and a leaked
//! database gives nobody a way in.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use overture_secrets::Secret;
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// What every API token starts with, so that secret scanners and people recognise one.
pub const API_TOKEN_PREFIX: &str = "ovt_";

/// How many characters of a token's secret part its display prefix keeps (48 of its 256
/// bits: enough to tell tokens apart, too few to help guessing the rest).
pub const PREFIX_LEN: usize = 8;

/// The length of the base64url text of 32 bytes.
const SECRET_CHARS: usize = 43;

/// What the HMAC of a CSRF token signs, so that the key (the session's secret) is never used
/// for anything else.
const CSRF_CONTEXT: &[u8] = b"overture csrf token v1";

/// Why a presented token is refused before any look-up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Not `ovt_` followed by 43 base64url characters.
    #[error(
        "this is not an Overture API token (they look like ovt_ and 43 letters, digits, `-` or `_`); create one with `overture token create`"
    )]
    NotAToken,
    /// A session cookie that is not 43 base64url characters.
    #[error("the session cookie is malformed; sign in again")]
    NotASession,
}

/// A secret's SHA-256 in lower-case hex: what the store keeps and looks up. Prints as `***`
/// in `Debug`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct TokenHash(String);

impl TokenHash {
    /// The hash of a secret's text.
    pub fn of(secret: &str) -> Self {
        let digest = Sha256::digest(secret.as_bytes());
        let mut hex = String::with_capacity(64);
        for byte in digest {
            hex.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
            hex.push(char::from(b"0123456789abcdef"[usize::from(byte & 15)]));
        }
        TokenHash(hex)
    }

    /// The hex text, for the store.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenHash(***)")
    }
}

/// 32 random bytes as base64url text.
/// A new random password of 24 URL-safe characters (144 bits), for an account made on a
/// person's behalf (the sandbox's demo owner) and shown to them once.
pub fn random_password() -> Secret {
    Secret::new(
        random_secret()
            .expose()
            .chars()
            .take(24)
            .collect::<String>(),
    )
}

fn random_secret() -> Secret {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let text = URL_SAFE_NO_PAD.encode(bytes);
    bytes.fill(0);
    Secret::new(text)
}

fn is_secret_text(text: &str) -> bool {
    text.len() == SECRET_CHARS
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A new API token: the secret to show once, its display prefix and its hash to store.
#[derive(Debug, Clone)]
pub struct ApiToken {
    secret: Secret,
    prefix: String,
    hash: TokenHash,
}

impl ApiToken {
    /// Makes a token from the operating system's randomness.
    pub fn generate() -> Self {
        let random = random_secret();
        let secret = Secret::new(format!("{API_TOKEN_PREFIX}{}", random.expose()));
        let prefix = display_prefix(secret.expose());
        let hash = TokenHash::of(secret.expose());
        ApiToken {
            secret,
            prefix,
            hash,
        }
    }

    /// The whole token (`ovt_…`), to show once and never again.
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// The display prefix (`ovt_` and the first [`PREFIX_LEN`] characters): not secret, unique
    /// in practice, what lists show and revocation takes.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The hash to store.
    pub fn hash(&self) -> &TokenHash {
        &self.hash
    }
}

fn display_prefix(token: &str) -> String {
    token
        .chars()
        .take(API_TOKEN_PREFIX.len() + PREFIX_LEN)
        .collect()
}

/// Reads a presented API token (an `Authorization: Bearer` value) into the hash to look up.
/// Anything that does not have a token's shape is refused without a look-up.
pub fn parse_api_token(presented: &str) -> Result<TokenHash, TokenError> {
    let presented = presented.trim();
    match presented.strip_prefix(API_TOKEN_PREFIX) {
        Some(rest) if is_secret_text(rest) => Ok(TokenHash::of(presented)),
        _ => Err(TokenError::NotAToken),
    }
}

/// A session's secret: the session cookie's value. The store keeps its [`TokenHash`].
#[derive(Debug, Clone)]
pub struct SessionSecret(Secret);

impl SessionSecret {
    /// A new session secret from the operating system's randomness.
    pub fn generate() -> Self {
        SessionSecret(random_secret())
    }

    /// Reads a session cookie's value; anything that does not have a secret's shape is
    /// refused without a look-up.
    pub fn parse(cookie: &str) -> Result<Self, TokenError> {
        if is_secret_text(cookie) {
            Ok(SessionSecret(Secret::new(cookie)))
        } else {
            Err(TokenError::NotASession)
        }
    }

    /// The cookie's value.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    /// The hash to store and look up.
    pub fn hash(&self) -> TokenHash {
        TokenHash::of(self.0.expose())
    }
}

fn csrf_mac(session: &SessionSecret) -> Hmac<Sha256> {
    // HMAC takes a key of any length; `new_from_slice` cannot fail for it.
    let mut mac = match Hmac::<Sha256>::new_from_slice(session.expose().as_bytes()) {
        Ok(mac) => mac,
        Err(e) => unreachable!("HMAC accepts keys of any length: {e}"),
    };
    mac.update(CSRF_CONTEXT);
    mac
}

/// The CSRF token of a session: HMAC-SHA-256 keyed by the session's secret, in base64url.
/// The page carries it (a hidden field, a header); the browser sends the session cookie by
/// itself. Another site can make the browser send the cookie but cannot read the page, and
/// cannot compute the token without the secret in the HttpOnly cookie. Nothing to store: the
/// server recomputes it from the cookie, and it dies with the session.
pub fn csrf_token(session: &SessionSecret) -> String {
    URL_SAFE_NO_PAD.encode(csrf_mac(session).finalize().into_bytes())
}

/// Whether `presented` is the session's CSRF token, compared in constant time.
pub fn verify_csrf(session: &SessionSecret, presented: &str) -> bool {
    let expected = csrf_token(session);
    expected
        .as_bytes()
        .ct_eq(presented.trim().as_bytes())
        .into()
}

#[cfg(test)]
mod tests {
    use super::{
        API_TOKEN_PREFIX, ApiToken, SessionSecret, TokenError, TokenHash, csrf_token,
        parse_api_token, random_password, verify_csrf,
    };

    #[test]
    fn random_passwords_pass_the_password_rules_and_differ() {
        let one = random_password();
        assert_eq!(one.expose().len(), 24);
        crate::check_password(&one, Some("demo@example.com")).expect("a strong password");
        assert_ne!(random_password().expose(), one.expose());
    }

    #[test]
    fn api_tokens_are_shown_once_and_stored_hashed() {
        let token = ApiToken::generate();
        let clear = token.secret().expose().to_owned();
        assert!(clear.starts_with(API_TOKEN_PREFIX));
        assert_eq!(clear.len(), 4 + 43);
        assert_eq!(token.prefix(), &clear[..12]);
        assert_eq!(token.hash().as_str().len(), 64);
        assert!(!token.hash().as_str().contains(&clear[4..]));
        assert_eq!(
            parse_api_token(&format!(" {clear}\n")),
            Ok(token.hash().clone())
        );
        assert_ne!(ApiToken::generate().hash(), token.hash());
        let debug = format!("{token:?}");
        assert!(
            !debug.contains(&clear[4..]) && !debug.contains(token.hash().as_str()),
            "{debug}"
        );
    }

    #[test]
    fn malformed_tokens_are_refused_before_a_look_up() {
        for bad in [
            "",
            "ovt_",
            "ovt_short",
            "Bearer ovt_x",
            &format!("ovt_{}", "a".repeat(44)),
        ] {
            assert_eq!(parse_api_token(bad), Err(TokenError::NotAToken), "{bad}");
        }
        assert_eq!(
            parse_api_token(&format!("ovt_{}", "a".repeat(42) + "!")),
            Err(TokenError::NotAToken)
        );
    }

    #[test]
    fn sessions_hash_and_parse_back() {
        let session = SessionSecret::generate();
        let again = SessionSecret::parse(session.expose()).expect("a session's own value");
        assert_eq!(session.hash(), again.hash());
        assert_eq!(session.hash(), TokenHash::of(session.expose()));
        assert!(SessionSecret::parse("nope").is_err());
        assert!(!format!("{session:?}").contains(session.expose()));
    }

    #[test]
    fn csrf_tokens_belong_to_one_session() {
        let session = SessionSecret::generate();
        let other = SessionSecret::generate();
        let token = csrf_token(&session);
        assert_eq!(token, csrf_token(&session), "stable for the session");
        assert!(verify_csrf(&session, &token));
        assert!(!verify_csrf(&other, &token));
        assert!(!verify_csrf(&session, ""));
        assert!(!verify_csrf(&session, &token[1..]));
        assert!(!token.contains(session.expose()));
    }
}
