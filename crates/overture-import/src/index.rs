//! Finding the earlier lead for a profile URL, fast and without cloning the URL.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::{BuildHasherDefault, Hasher};

use overture_core::{NewLead, ProfileUrl};

/// Maps a profile URL to the index of its lead. The common path keys by a 64-bit hash of the
/// slug, so no key is allocated; two different URLs with the same hash (rare, or made on
/// purpose) fall back to an exact map, so the result never depends on the hash.
#[derive(Debug, Default)]
pub(crate) struct LeadIndex {
    by_hash: HashMap<u64, usize, BuildHasherDefault<PassThrough>>,
    collided: HashMap<ProfileUrl, usize>,
}

impl LeadIndex {
    /// The index of the lead with `url` among `leads`, or `None` after recording that the
    /// lead with that URL will be at `leads.len()`.
    pub(crate) fn find_or_insert(&mut self, leads: &[NewLead], url: &ProfileUrl) -> Option<usize> {
        let next = leads.len();
        match self.by_hash.entry(hash_slug(url.slug())) {
            Entry::Vacant(entry) => {
                entry.insert(next);
                None
            }
            Entry::Occupied(entry) => {
                let index = *entry.get();
                if leads
                    .get(index)
                    .is_some_and(|lead| lead.profile_url == *url)
                {
                    return Some(index);
                }
                match self.collided.entry(url.clone()) {
                    Entry::Occupied(entry) => Some(*entry.get()),
                    Entry::Vacant(entry) => {
                        entry.insert(next);
                        None
                    }
                }
            }
        }
    }
}

/// A quick 64-bit hash of a slug: eight bytes per step, then a full avalanche.
fn hash_slug(slug: &str) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes = slug.as_bytes();
    let mut h = (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        h = (h ^ u64::from_le_bytes(word))
            .wrapping_mul(K)
            .rotate_left(31);
    }
    let mut word = [0u8; 8];
    word[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    h = (h ^ u64::from_le_bytes(word)).wrapping_mul(K);
    // The splitmix64 finaliser.
    h = (h ^ (h >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    h ^ (h >> 31)
}

/// A hasher for keys that are already hashes.
#[derive(Debug, Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `u64` keys are used; fold anything else in anyway so it stays a valid hasher.
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

#[cfg(test)]
mod tests;
