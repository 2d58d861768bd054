//! Secrets: encrypted at rest, never printed.
//!
//! [`Secret`] holds a clear value (a session cookie, later an SMTP password or an API token):
//! its `Debug` and `Display` print `***`, it has no `Serialize`, and its memory is wiped when
//! it is dropped. [`MasterKey`] is the 32-byte key every secret is encrypted with
//! (XChaCha20-Poly1305, a random 24-byte nonce per value), parsed from hex or base64 text.
//! [`seal`] and [`open`] bind each ciphertext to its place ([`SecretPlace`]: workspace, account
//! and name, the associated data), so a ciphertext copied to another row does not decrypt.
//!
//! [`cookies`] reads LinkedIn's `li_at` and `JSESSIONID` cookies from what users have at hand
//! (a cookie header, a browser extension's JSON export, a Netscape `cookies.txt`) into a
//! [`LinkedInSession`], which also takes LinkedIn's rotated cookies (`set-cookie`).
//! [`vault`] stores and loads sessions through the `overture_store::Store` port, which only
//! ever sees ciphertexts.
//!
//! No IO of its own: the binary reads the key (from `OVERTURE_MASTER_KEY` or the key file) and
//! the cookie files. The only thing taken from the outside world is the operating system's
//! randomness, for keys and nonces. Depends on the core and the store port, nothing else of
//! Overture's.

pub mod cookies;
mod key;
mod seal;
mod secret;
mod session;
pub mod vault;

pub use cookies::{CookieError, parse_cookies};
pub use key::{KeyError, MasterKey};
pub use seal::{SealError, SecretPlace, open, seal};
pub use secret::Secret;
pub use session::{LinkedInSession, Rotation};
