//! Text variants: which one an action sends and an enrollment keeps, and how each did.

use overture_core::EnrollmentId;
use overture_core::variants::Tally;

/// The text variant an action sends: the campaign step it carries out and the variant's index
/// among the step's texts (0 is the first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StepVariant {
    /// The step index.
    pub step: u32,
    /// The variant index.
    pub variant: u32,
}

/// The variant an enrollment keeps for one step from now on: stored only when the enrollment
/// has none for that step yet (the first choice stays), so that a retry sends the same text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VariantChoice {
    /// The enrollment.
    pub enrollment: EnrollmentId,
    /// The step and its variant.
    pub chosen: StepVariant,
}

/// How one variant of a campaign step did (see
/// [`Store::variant_stats`](crate::Store::variant_stats)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VariantStats {
    /// The step and the variant.
    pub of: StepVariant,
    /// Its sends and successes.
    pub tally: Tally,
}

/// The tallies of one step's `variants` variants, in order, from a campaign's statistics;
/// a variant without a row has sent nothing.
pub fn step_tallies(stats: &[VariantStats], step: u32, variants: usize) -> Vec<Tally> {
    let mut tallies = vec![Tally::default(); variants];
    for row in stats.iter().filter(|row| row.of.step == step) {
        if let Some(slot) = usize::try_from(row.of.variant)
            .ok()
            .and_then(|v| tallies.get_mut(v))
        {
            *slot = row.tally;
        }
    }
    tallies
}
