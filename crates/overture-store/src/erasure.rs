//! Erasing a person: what [`Store::erase_lead`](crate::Store::erase_lead) keeps and reports.

use sha2::{Digest, Sha256};

/// The prefix of a suppression value that is a hash rather than the value itself.
pub const ERASED_PREFIX: &str = "sha256:";

/// The reason of the suppression entries an erasure leaves.
pub const ERASED_REASON: &str = "erased";

/// The suppression value that stands for an erased person's normalised profile URL or
/// address: `sha256:` and the SHA-256 of the value in lower-case hex. The value itself is not
/// kept; a later import of the same person is recognised by computing the hash again.
pub fn erased_value(normalised: &str) -> String {
    let digest = Sha256::digest(normalised.as_bytes());
    let mut out = String::with_capacity(ERASED_PREFIX.len() + 64);
    out.push_str(ERASED_PREFIX);
    for byte in digest {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

/// What an erasure removed, counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Erasure {
    /// Enrollments deleted.
    pub enrollments: u64,
    /// Invitations deleted.
    pub invitations: u64,
    /// Queued actions deleted (those done or in flight keep their time for the limits, without
    /// their content).
    pub actions: u64,
    /// Events whose details were removed (their kind and time stay, for the counts).
    pub events: u64,
    /// Suppression entries (hashes) added.
    pub suppressed: u64,
}

#[cfg(test)]
mod tests {
    use super::erased_value;

    #[test]
    fn hashes_are_prefixed_hex_of_the_value() {
        assert_eq!(
            erased_value("abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_ne!(erased_value("a@example.com"), erased_value("b@example.com"));
    }
}
