//! Text variants: the variant an enrollment keeps per step, and how each variant did.

use overture_core::variants::Tally;
use overture_core::{CampaignId, WorkspaceId};
use overture_store::{StepVariant, StoreError, VariantChoice, VariantStats};
use sqlx::PgConnection;

use crate::postgres_store::{
    PostgresStore, col_int, col_str, exec, row, rows, to_json, unavailable,
};

const WHAT: &str = "enrollment";

/// Stores the variant an enrollment keeps for a step, inside a transaction (`tx`), unless it
/// keeps one already.
pub(crate) async fn keep_in_tx(
    tx: &mut PgConnection,
    ws: WorkspaceId,
    choice: &VariantChoice,
) -> Result<(), StoreError> {
    let id = choice.enrollment;
    let mut variants: Vec<Option<u32>> = row(
        tx,
        sqlx::query(
            "SELECT variants FROM enrollments WHERE id = $1 AND workspace_id = $2 FOR UPDATE",
        )
        .bind(id.get())
        .bind(ws.get()),
        |r| {
            serde_json::from_str(col_str(r, WHAT, "variants")?)
                .map_err(|e| StoreError::corrupt(WHAT, e))
        },
    )
    .await?
    .ok_or_else(|| StoreError::not_found(WHAT, id))?;
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
        sqlx::query("UPDATE enrollments SET variants = $2 WHERE id = $1")
            .bind(id.get())
            .bind(to_json(WHAT, &variants)?),
        unavailable,
    )
    .await?;
    Ok(())
}

impl PostgresStore {
    pub(crate) async fn variant_stats_impl(
        &self,
        ws: WorkspaceId,
        campaign: CampaignId,
        step: Option<u32>,
    ) -> Result<Vec<VariantStats>, StoreError> {
        let mut c = self.conn().await?;
        rows(
            &mut c,
            // The invitation an action created is the sender's to the person sent between the
            // action's intent and its result (the engine stores it as sent at the intent); a
            // reply counts for the last message or email of the enrollment sent before it.
            sqlx::query(
                "SELECT a.step, a.variant, count(*) AS sends,
                        count(*) FILTER (WHERE CASE WHEN a.kind = 'invite' THEN
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
                  WHERE a.campaign_id = $2 AND a.variant IS NOT NULL AND a.state = 'done'
                    AND a.step IS NOT NULL AND ($3::BIGINT IS NULL OR a.step = $3)
                    AND a.workspace_id = $1 AND (a.kind <> 'invite' OR a.with_note)
                  GROUP BY a.step, a.variant
                  ORDER BY a.step, a.variant",
            )
            .bind(ws.get())
            .bind(campaign.get())
            .bind(step.map(i64::from)),
            |r| {
                Ok(VariantStats {
                    of: StepVariant {
                        step: col_int(r, "variant statistics", "step")?,
                        variant: col_int(r, "variant statistics", "variant")?,
                    },
                    tally: Tally {
                        sends: col_int(r, "variant statistics", "sends")?,
                        successes: col_int(r, "variant statistics", "successes")?,
                    },
                })
            },
        )
        .await
    }
}
