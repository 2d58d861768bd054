//! The sandbox's random numbers: SplitMix64 streams keyed by what they decide.
//!
//! Every decision draws from a stream seeded by a key (world seed, a domain tag, seat, person,
//! attempt), never from one shared stream, so the outcome of a call does not depend on the
//! calls before it. The generator is written out here so a dependency upgrade can never change
//! a world.

/// Domain tags that keep the streams of different decisions apart.
pub(crate) mod tag {
    /// A person's attributes.
    pub const PERSON: u64 = 1;
    /// A company's attributes.
    pub const COMPANY: u64 = 2;
    /// A person's relation to a seat (degree, mutual connections).
    pub const RELATION: u64 = 3;
    /// An invitation's outcome.
    pub const INVITE: u64 = 4;
    /// A message's reply.
    pub const MESSAGE: u64 = 5;
    /// A probabilistic fault.
    pub const FAULT: u64 = 6;
}

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A stable 64-bit hash of a string (FNV-1a, then mixed), for seat handles.
pub(crate) fn hash_str(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    mix(h)
}

/// A SplitMix64 stream.
#[derive(Debug, Clone)]
pub(crate) struct Rng {
    state: u64,
}

impl Rng {
    /// The stream for a key.
    pub(crate) fn from_key(parts: &[u64]) -> Self {
        let mut h = GOLDEN;
        for &p in parts {
            h = mix(h ^ mix(p.wrapping_add(GOLDEN)));
        }
        Self { state: h }
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN);
        mix(self.state)
    }

    /// Uniform in `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f64 {
        // 53 random bits fill an f64 mantissa exactly.
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Uniform in `0..n`; `0` when `n` is `0`.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        // Multiply-shift: the bias is below 2^-32 for any list the sandbox holds.
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// An element of `items`, or `None` when it is empty.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len()))
    }

    /// A standard normal sample (Box–Muller).
    pub(crate) fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.unit(); // In (0, 1], so the logarithm is finite.
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// A log-normal sample with the given median and spread of the logarithm.
    pub(crate) fn log_normal(&mut self, median: f64, spread: f64) -> f64 {
        median * (spread * self.normal()).exp()
    }

    /// An exponential sample with the given mean.
    pub(crate) fn exponential(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.unit()).ln()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_keyed() {
        let a: Vec<u64> = (0..4).map(|_| Rng::from_key(&[1, 2]).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(
            Rng::from_key(&[1, 2]).next_u64(),
            Rng::from_key(&[2, 1]).next_u64()
        );
        let mut r = Rng::from_key(&[7]);
        let mean = (0..20_000).map(|_| r.unit()).sum::<f64>() / 20_000.0;
        assert!((mean - 0.5).abs() < 0.01, "{mean}");
        assert!((0..1000).all(|_| r.below(3) < 3));
    }
}
