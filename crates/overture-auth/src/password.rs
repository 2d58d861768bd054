//! Passwords: argon2id hashes as PHC strings, and the rules a new password must pass.

use std::sync::LazyLock;

use argon2::password_hash::{self, SaltString};
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use overture_secrets::Secret;
use rand_core::OsRng;

/// The fewest characters a password may have (OWASP's advice for passwords without a second
/// factor is at least 8; 12 leaves room for passphrases that are easy to type).
pub const MIN_PASSWORD_CHARS: usize = 12;

/// The most bytes a password may have, so that nobody makes the server hash megabytes.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Passwords too common to accept whatever their length; a checker of leaked passwords would
/// do better, and needs a list Overture does not ship.
const TOO_COMMON: &[&str] = &[
    "password1234",
    "password12345",
    "123456789012",
    "1234567890123",
    "qwertyuiop12",
    "qwertyuiop123",
    "correcthorsebatterystaple",
];

/// Why a password is refused, or a hash cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Fewer characters than [`MIN_PASSWORD_CHARS`].
    #[error(
        "the password has {chars} characters; use at least {min} (a phrase of a few unrelated words is easy to type)"
    )]
    TooShort {
        /// How many it has.
        chars: usize,
        /// The minimum.
        min: usize,
    },
    /// More bytes than [`MAX_PASSWORD_BYTES`].
    #[error("the password is longer than {max} bytes; use a shorter one")]
    TooLong {
        /// The maximum.
        max: usize,
    },
    /// One character repeated, a well-known password, or the user's own address.
    #[error("the password is too easy to guess ({why}); choose another")]
    TooEasy {
        /// What makes it easy.
        why: &'static str,
    },
    /// The stored hash is not an argon2 PHC string (a damaged row).
    #[error("the stored password hash does not read: {0}")]
    Malformed(String),
    /// Hashing failed (out of memory, or the operating system gave no randomness).
    #[error("hashing the password failed: {0}")]
    Hashing(String),
}

/// An argon2id hash as a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`): what the
/// store keeps. Prints as `***` in `Debug` (it is not the password, but it is what an
/// attacker would start guessing from).
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// The PHC string, for the store.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The PHC string, for the store.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash(***)")
    }
}

/// OWASP's first recommended argon2id configuration: 19 MiB of memory, two passes, one lane.
fn argon2() -> Argon2<'static> {
    // The parameters are constants inside argon2's limits; `Params::DEFAULT` is the same
    // configuration, should they ever be refused.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or(Params::DEFAULT);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Checks the rules a new password must pass: its length, and that it is not one character
/// repeated, a well-known password or (when given) the user's address or its name part.
pub fn check_password(password: &Secret, email: Option<&str>) -> Result<(), PasswordError> {
    let clear = password.expose();
    if clear.len() > MAX_PASSWORD_BYTES {
        return Err(PasswordError::TooLong {
            max: MAX_PASSWORD_BYTES,
        });
    }
    let chars = clear.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort {
            chars,
            min: MIN_PASSWORD_CHARS,
        });
    }
    let mut distinct: Vec<char> = clear.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 3 {
        return Err(PasswordError::TooEasy {
            why: "it repeats one or two characters",
        });
    }
    let lower = clear.to_lowercase();
    if TOO_COMMON.contains(&lower.as_str()) {
        return Err(PasswordError::TooEasy {
            why: "it is a well-known password",
        });
    }
    if let Some(email) = email {
        let email = email.trim().to_lowercase();
        let local = email.split('@').next().unwrap_or_default();
        if lower.contains(&email) || (local.chars().count() >= 4 && lower.contains(local)) {
            return Err(PasswordError::TooEasy {
                why: "it contains the user's email address",
            });
        }
    }
    Ok(())
}

/// Hashes a new password with argon2id and a random salt, after [`check_password`] (without
/// an address: call it with one first to check that rule too).
pub fn hash_password(password: &Secret) -> Result<PasswordHash, PasswordError> {
    check_password(password, None)?;
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|hash| PasswordHash(hash.to_string()))
        .map_err(|e| PasswordError::Hashing(e.to_string()))
}

/// Whether `password` is the one `hash` was made from. The comparison is argon2's, in constant
/// time; the hash's own parameters are used, so older hashes keep verifying after a change of
/// parameters. `Err` only for a hash that does not read.
pub fn verify_password(password: &Secret, hash: &str) -> Result<bool, PasswordError> {
    if password.expose().len() > MAX_PASSWORD_BYTES {
        return Ok(false);
    }
    let parsed = password_hash::PasswordHash::new(hash)
        .map_err(|e| PasswordError::Malformed(e.to_string()))?;
    match argon2().verify_password(password.expose().as_bytes(), &parsed) {
        Ok(()) => Ok(true),
        Err(password_hash::Error::Password) => Ok(false),
        Err(e) => Err(PasswordError::Malformed(e.to_string())),
    }
}

/// A hash nobody knows the password of, made once per process.
static NOBODYS_HASH: LazyLock<Option<String>> = LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(b"not anybody's password", &salt)
        .ok()
        .map(|hash| hash.to_string())
});

/// Spends the time a [`verify_password`] would, and answers `false`: for a sign-in with an
/// unknown address, so that timing does not tell which addresses have accounts.
pub fn verify_without_user(password: &Secret) -> bool {
    if let Some(hash) = NOBODYS_HASH.as_deref() {
        let _ = verify_password(password, hash);
    }
    false
}

#[cfg(test)]
mod tests {
    use overture_secrets::Secret;

    use super::{PasswordError, check_password, hash_password, verify_password};

    #[track_caller]
    fn refused(password: &str, email: Option<&str>) -> PasswordError {
        match check_password(&Secret::new(password), email) {
            Err(e) => e,
            Ok(()) => panic!("{password:?} was accepted"),
        }
    }

    #[test]
    fn rules() {
        assert!(matches!(
            refused("short", None),
            PasswordError::TooShort { chars: 5, min: 12 }
        ));
        assert!(matches!(
            refused("ééééééééééé", None),
            PasswordError::TooShort { .. }
        ));
        assert!(matches!(
            refused(&"x".repeat(1025), None),
            PasswordError::TooLong { .. }
        ));
        assert!(matches!(
            refused("abababababababab", None),
            PasswordError::TooEasy { .. }
        ));
        assert!(matches!(
            refused("Password1234", None),
            PasswordError::TooEasy { .. }
        ));
        assert!(matches!(
            refused("marta.kovac-2026!", Some("Marta.Kovac@example.com")),
            PasswordError::TooEasy { .. }
        ));
        assert!(
            check_password(
                &Secret::new("plum cobalt ferry lantern"),
                Some("marta@example.com")
            )
            .is_ok()
        );
        assert!(
            refused("short", None)
                .to_string()
                .contains("use at least 12"),
            "the message says what to do"
        );
    }

    #[test]
    fn hash_verifies_only_its_password_and_never_prints() {
        let password = Secret::new("plum cobalt ferry lantern");
        let hash = hash_password(&password).expect("hashes");
        assert!(hash.as_str().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(!hash.as_str().contains("plum"));
        assert_eq!(format!("{hash:?}"), "PasswordHash(***)");
        assert_eq!(verify_password(&password, hash.as_str()), Ok(true));
        let wrong = Secret::new("plum cobalt ferry lanterns");
        assert_eq!(verify_password(&wrong, hash.as_str()), Ok(false));
        assert!(matches!(
            verify_password(&password, "not a hash"),
            Err(PasswordError::Malformed(_))
        ));
        let again = hash_password(&password).expect("hashes");
        assert_ne!(hash, again, "every hash has its own salt");
        assert!(hash_password(&Secret::new("short")).is_err());
    }
}
