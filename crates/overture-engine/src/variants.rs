//! Text variants: which one a lead gets at a step with several. The lead's first action at
//! the step gets one allocated by Thompson sampling on how the campaign's variants did so far
//! (`overture_core::variants::allocate`), and the enrollment keeps it from the moment that
//! action is planned, so a retry, or a later read, sends the same text.

use jiff::SignedDuration;
use overture_channel::Channels;
use overture_clock::Clock;
use overture_core::planner::derive;
use overture_core::sequence::CampaignSpec;
use overture_core::variants::allocate;
use overture_core::{CampaignId, WorkspaceId};
use overture_store::{
    EnrollmentRecord, StepVariant, Store, VariantChoice, VariantStats, step_tallies,
};

use crate::{Engine, EngineError, plus};

/// Salts the seed of the allocation draws, so they share nothing with the planner's.
const ALLOCATION: u64 = 0x616c_6c6f_6361_7465;

/// How long the engine allocates on a step's variant statistics before reading them again: a
/// day of allocations shares one reading (batched Thompson sampling). An invitation is
/// answered days after it is sent, so a fresher reading would change little, and the reading
/// is a query over every send of the step. In the demo's simulated year (100 seats, 50,000
/// leads) reading every campaign step every 3 hours took a quarter of the processor time;
/// one step once a day takes about 3%.
const STATS_FOR: SignedDuration = SignedDuration::from_hours(24);

/// The variant per step chosen at enrollment: 0 for a step with one text or none; `None` for
/// a step with several, allocated when the lead's action for it is planned.
pub(crate) fn initial_variants(spec: &CampaignSpec) -> Vec<Option<u32>> {
    spec.steps
        .iter()
        .map(|step| (step.kind.variant_count() <= 1).then_some(0))
        .collect()
}

/// The index of the text a step with `count` texts sends for `variant` (the first one when
/// `variant` is out of range); `None` without texts.
pub(crate) fn sent(count: usize, variant: usize) -> Option<u32> {
    let index = if variant < count { variant } else { 0 };
    (count > 0).then(|| u32::try_from(index).unwrap_or(0))
}

/// The change that makes an enrollment keep the variant its planned action sends, when it
/// keeps none for the step yet.
pub(crate) fn keep(record: &EnrollmentRecord, sends: Option<StepVariant>) -> Option<VariantChoice> {
    let chosen = sends?;
    record
        .variant(chosen.step)
        .is_none()
        .then_some(VariantChoice {
            enrollment: record.enrollment.id,
            chosen,
        })
}

impl<S: Store, C: Channels, K: Clock> Engine<S, C, K> {
    /// The variant of `step` for the enrollment's lead: the one it keeps, or for a step with
    /// several variants that has not been planned for the lead yet, one allocated on the
    /// campaign's statistics (the same for the same statistics and seed).
    pub(crate) async fn variant(
        &mut self,
        record: &EnrollmentRecord,
        spec: &CampaignSpec,
        step: u32,
    ) -> Result<usize, EngineError> {
        if let Some(kept) = record.variant(step) {
            return Ok(usize::try_from(kept).unwrap_or(0));
        }
        let count = usize::try_from(step)
            .ok()
            .and_then(|i| spec.steps.get(i))
            .map_or(0, |s| s.kind.variant_count());
        if count <= 1 {
            return Ok(0);
        }
        let e = &record.enrollment;
        let stats = self
            .variant_stats(e.workspace_id, e.campaign_id, step)
            .await?;
        let tallies = step_tallies(stats, step, count);
        let seed = derive(
            self.config.seed,
            &[ALLOCATION, e.id.get().cast_unsigned(), u64::from(step)],
        );
        Ok(allocate(&tallies, seed))
    }

    /// The variant statistics of a campaign's step, read again once they are [`STATS_FOR`]
    /// old.
    async fn variant_stats(
        &mut self,
        ws: WorkspaceId,
        campaign: CampaignId,
        step: u32,
    ) -> Result<&[VariantStats], EngineError> {
        let now = self.clock.now();
        let key = (campaign, step);
        let fresh = self
            .variant_stats
            .get(&key)
            .is_some_and(|(read, _)| *read <= now && now < plus(*read, STATS_FOR));
        if !fresh {
            let stats = self.store.variant_stats(ws, campaign, Some(step)).await?;
            self.variant_stats.insert(key, (now, stats));
        }
        Ok(self
            .variant_stats
            .get(&key)
            .map_or(&[], |(_, stats)| stats.as_slice()))
    }
}
