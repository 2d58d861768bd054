//! Text variants: the variant an enrollment keeps per step, and how each variant did.

use overture_core::variants::Tally;
use overture_core::{CampaignId, WorkspaceId};
use overture_store::{StepVariant, StoreError, VariantChoice, VariantStats};
use rusqlite::{Connection, params};

use crate::sqlite_store::{SqliteStore, col, exec, row, rows, to_json, unavailable};

const WHAT: &str = "enrollment";

/// Stores the variant an enrollment keeps for a step, inside a transaction (`tx`), unless it
/// keeps one already.
pub(crate) fn keep_in_tx(
    tx: &Connection,
    ws: WorkspaceId,
    choice: &VariantChoice,
) -> Result<(), StoreError> {
    let id = choice.enrollment;
    let stored: Vec<Option<u32>> = row(
        tx,
        "SELECT variants FROM enrollments WHERE id = ?1 AND workspace_id = ?2",
        [id.get(), ws.get()],
        |r| {
            serde_json::from_str(col::<String>(r, WHAT, "variants")?.as_str())
                .map_err(|e| StoreError::corrupt(WHAT, e))
        },
    )?
    .ok_or_else(|| StoreError::not_found(WHAT, id))?;
    let mut variants = stored;
    let step = usize::try_from(choice.chosen.step).map_err(|e| StoreError::corrupt(WHAT, e))?;
    if variants.len() <= step {
        variants.resize(step + 1, None);
    }
    if variants[step].is_some() {
        return Ok(());
    }
    variants[step] = Some(choice.chosen.variant);
    exec(
        tx,
        "UPDATE enrollments SET variants = ?2 WHERE id = ?1",
        params![id.get(), to_json(WHAT, &variants)?],
        unavailable,
    )?;
    Ok(())
}

impl SqliteStore {
    pub(crate) fn variant_stats_impl(
        &self,
        ws: WorkspaceId,
        campaign: CampaignId,
        step: Option<u32>,
    ) -> Result<Vec<VariantStats>, StoreError> {
        self.read(|c| {
            rows(
                c,
                // The invitation an action created is the sender's to the person sent between
                // the action's intent and its result (the engine stores it as sent at the
                // intent); a reply counts for the last message or email of the enrollment
                // sent before it.
                "SELECT a.step, a.variant, count(*) AS sends,
                        sum(CASE WHEN a.kind = 'invite' THEN
                              EXISTS (SELECT 1 FROM invitations i
                                       WHERE i.lead_id = a.lead_id AND i.account_id = a.account_id
                                         AND i.workspace_id = a.workspace_id
                                         AND i.sent_at BETWEEN a.intent_at AND a.effect_at
                                         AND i.state = 'accepted')
                            ELSE EXISTS (
                              SELECT 1 FROM events r
                               WHERE r.lead_id = a.lead_id AND r.kind = 'reply_received'
                                 AND r.workspace_id = a.workspace_id AND r.at >= a.intent_at
                                 AND NOT EXISTS (
                                     SELECT 1 FROM actions b
                                      WHERE b.enrollment_id = a.enrollment_id
                                        AND b.state = 'done' AND b.kind IN ('message', 'email')
                                        AND b.intent_at > a.intent_at AND b.intent_at <= r.at))
                            END) AS successes
                   FROM actions a
                  WHERE a.campaign_id = ?2 AND a.variant IS NOT NULL AND a.state = 'done'
                    AND a.step IS NOT NULL AND (?3 IS NULL OR a.step = ?3)
                    AND a.workspace_id = ?1 AND (a.kind <> 'invite' OR a.with_note)
                  GROUP BY a.step, a.variant
                  ORDER BY a.step, a.variant",
                params![ws.get(), campaign.get(), step],
                |r| {
                    let count = |name| {
                        col::<i64>(r, "variant statistics", name).and_then(|n| {
                            u64::try_from(n).map_err(|e| StoreError::corrupt(WHAT, e))
                        })
                    };
                    let index = |name| {
                        col::<i64>(r, "variant statistics", name).and_then(|n| {
                            u32::try_from(n).map_err(|e| StoreError::corrupt(WHAT, e))
                        })
                    };
                    Ok(VariantStats {
                        of: StepVariant {
                            step: index("step")?,
                            variant: index("variant")?,
                        },
                        tally: Tally {
                            sends: count("sends")?,
                            successes: count("successes")?,
                        },
                    })
                },
            )
        })
    }
}
