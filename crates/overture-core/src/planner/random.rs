//! Deterministic numbers from a seed: the core draws no randomness of its own, so the engine
//! passes a seed and every "random" choice here is a pure function of it.

/// One step of SplitMix64: a well-mixed 64-bit number from `x`.
pub fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A number derived from a seed and a list of salts (ids, step indices), the same every time.
pub fn derive(seed: u64, salts: &[u64]) -> u64 {
    salts
        .iter()
        .fold(mix(seed), |acc, &salt| mix(acc ^ mix(salt)))
}

/// A uniform sample in `[0, 1)` derived from a seed and salts.
pub fn unit(seed: u64, salts: &[u64]) -> f64 {
    // The top 53 bits fill an f64 mantissa exactly, so the result is below 1.
    (derive(seed, salts) >> 11) as f64 / (1u64 << 53) as f64
}
