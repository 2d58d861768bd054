//! What is known about invitation acceptance before an account has a history of its own.
//!
//! The shape comes from published figures: of the invitations that are eventually accepted,
//! 63% are accepted within a day, 88% within 7 days and 99% within 30 days. Between and beyond
//! those points the shape is interpolated linearly in log-odds over log-age, that is piecewise
//! log-logistic: it passes through the three points exactly, is 0 at age 0, rises
//! monotonically, and approaches 1 in the tail as a power of the age (the unaccepted fraction
//! after 30 days falls like `age^-1.79`), so an old invitation's chance keeps falling instead of
//! staying flat. Below a day the 1–7 day segment is extended, beyond 30 days the 7–30 day one.

/// The published points: of eventual acceptances, this fraction (second) comes within this many
/// days (first).
pub const PUBLISHED_SHAPE: [(f64, f64); 3] = [(1.0, 0.63), (7.0, 0.88), (30.0, 0.99)];

/// The fraction of eventual acceptances that come within `days` of sending, by the published
/// shape (see the module documentation). 0 at and below age 0 (and for NaN), 1 at infinity.
pub fn published_shape(days: f64) -> f64 {
    if days.is_nan() || days <= 0.0 {
        return 0.0;
    }
    let [first, middle, last] = PUBLISHED_SHAPE;
    let (from, to) = if days < middle.0 {
        (first, middle)
    } else {
        (middle, last)
    };
    let slope = (logit(to.1) - logit(from.1)) / (to.0.ln() - from.0.ln());
    logistic(logit(from.1) + slope * (days.ln() - from.0.ln()))
}

fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// The prior: an overall acceptance rate with the published shape, and how many invitations'
/// worth of evidence it counts as.
///
/// The default is a 30% acceptance rate weighted as 30 invitations. As a prior on the rate
/// alone that is a Beta(9, 21), a standard deviation of about 0.08, roughly how much acceptance
/// rates differ between accounts; and 30 invitations are a day and a half of sending at the
/// default limits, so after two weeks an account's history carries about 90% of the weight at
/// the young ages, while at ages few of its invitations have reached the prior still speaks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prior {
    acceptance_rate: f64,
    weight: f64,
}

impl Prior {
    /// A 30% acceptance rate.
    pub const DEFAULT_ACCEPTANCE_RATE: f64 = 0.30;
    /// Weighted as 30 invitations.
    pub const DEFAULT_WEIGHT: f64 = 30.0;

    /// A prior with this eventual acceptance rate (at least 0, below 1) weighted as `weight`
    /// invitations (finite, at least 0; 0 leaves the estimate to the history alone).
    pub fn new(acceptance_rate: f64, weight: f64) -> Result<Self, PriorError> {
        if !(0.0..1.0).contains(&acceptance_rate) {
            return Err(PriorError::Rate {
                rate: acceptance_rate,
            });
        }
        if !weight.is_finite() || weight < 0.0 {
            return Err(PriorError::Weight { weight });
        }
        Ok(Self {
            acceptance_rate,
            weight,
        })
    }

    /// The eventual acceptance rate.
    pub fn acceptance_rate(&self) -> f64 {
        self.acceptance_rate
    }

    /// How many invitations' worth of evidence the prior counts as.
    pub fn weight(&self) -> f64 {
        self.weight
    }

    /// The prior probability that an invitation is accepted within `days`.
    pub fn accepted_by(&self, days: f64) -> f64 {
        self.acceptance_rate * published_shape(days)
    }

    /// The prior probability that an invitation is not accepted within `days`.
    pub(super) fn survival(&self, days: f64) -> f64 {
        1.0 - self.accepted_by(days)
    }
}

impl Default for Prior {
    /// 30%, weighted as 30 invitations.
    fn default() -> Self {
        Self {
            acceptance_rate: Self::DEFAULT_ACCEPTANCE_RATE,
            weight: Self::DEFAULT_WEIGHT,
        }
    }
}

/// A prior that makes no sense.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum PriorError {
    /// The acceptance rate is not in `[0, 1)`.
    #[error("prior acceptance rate {rate} must be at least 0 and below 1")]
    Rate {
        /// The value given.
        rate: f64,
    },
    /// The weight is negative or not finite.
    #[error("prior weight {weight} must be a finite number of invitations, at least 0")]
    Weight {
        /// The value given.
        weight: f64,
    },
}
