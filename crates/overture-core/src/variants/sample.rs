//! Seeded draws from the normal, gamma and beta distributions.
//!
//! Written by hand rather than taken from `rand_distr`: the core's randomness is a pure
//! function of a seed and a counter ([`unit`]), which needs no generator object, and a
//! simulation must replay the very same draws after any dependency upgrade, which a crate
//! that may change its algorithms between versions does not promise. The gamma sampler is
//! Marsaglia and Tsang's ("A simple method for generating gamma variables", 2000), a dozen
//! lines; the tests check the moments of its draws.

use crate::planner::unit;

/// A stream of uniform numbers in `[0, 1)`: the `k`-th is a pure function of the seed and
/// `k`.
#[derive(Debug, Clone)]
pub(crate) struct Draws {
    seed: u64,
    next: u64,
}

impl Draws {
    /// The stream of `seed`, from its start.
    pub(crate) fn new(seed: u64) -> Self {
        Self { seed, next: 0 }
    }

    /// The next uniform number in `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f64 {
        let u = unit(self.seed, &[self.next]);
        self.next = self.next.wrapping_add(1);
        u
    }
}

/// A standard normal draw (Box–Muller).
pub(crate) fn normal(draws: &mut Draws) -> f64 {
    // `1 - u` is in (0, 1], so the logarithm is finite.
    let radius = (-2.0 * (1.0 - draws.unit()).ln()).sqrt();
    radius * (std::f64::consts::TAU * draws.unit()).cos()
}

/// How many proposals the gamma sampler makes before giving up: each is accepted with
/// probability above 0.95, so a run of 64 rejections does not happen in practice.
const MAX_PROPOSALS: u32 = 64;

/// A Gamma(`shape`, 1) draw; 0 for a shape that is not positive and finite.
pub(crate) fn gamma(shape: f64, draws: &mut Draws) -> f64 {
    if !(shape > 0.0 && shape.is_finite()) {
        return 0.0;
    }
    if shape < 1.0 {
        // Gamma(a) = Gamma(a + 1) · U^(1/a) for a below 1.
        let u = 1.0 - draws.unit();
        return gamma(shape + 1.0, draws) * u.powf(1.0 / shape);
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    for _ in 0..MAX_PROPOSALS {
        let x = normal(draws);
        let v = 1.0 + c * x;
        if v <= 0.0 {
            continue;
        }
        let v = v * v * v;
        let u = draws.unit();
        if u < 1.0 - 0.0331 * x.powi(4) || u.ln() < 0.5 * x * x + d * (1.0 - v + v.ln()) {
            return d * v;
        }
    }
    // Unreachable in practice (see `MAX_PROPOSALS`); the mode keeps the result sensible.
    d
}

/// A Beta(`a`, `b`) draw, as `X / (X + Y)` with `X ~ Gamma(a)` and `Y ~ Gamma(b)`; in
/// `[0, 1]`.
pub(crate) fn beta(a: f64, b: f64, draws: &mut Draws) -> f64 {
    let x = gamma(a, draws);
    let y = gamma(b, draws);
    if x + y > 0.0 { x / (x + y) } else { 0.5 }
}
