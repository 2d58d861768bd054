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

/// Picks one of `variants` texts for a lead and a step; 0 when there are none.
///
/// The choice depends only on the seed, the lead and the step, so a retry renders the same
/// text byte for byte.
pub fn choose_variant(seed: u64, lead: i64, step: usize, variants: usize) -> u32 {
    if variants <= 1 {
        return 0;
    }
    let n = u64::try_from(variants).unwrap_or(u64::MAX);
    let step = u64::try_from(step).unwrap_or(u64::MAX);
    // `lead` is reinterpreted bit for bit: ids are positive and only need to salt the hash.
    let pick = derive(seed, &[lead.cast_unsigned(), step]) % n;
    // `pick < variants`, which came from a `usize` list length; u32 suffices for any real list.
    u32::try_from(pick).unwrap_or(0)
}
