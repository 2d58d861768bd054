//! Campaigns and their stored versions.

use jiff::Timestamp;
use overture_core::{Campaign, CampaignId, CampaignStatus, EventKind, WorkspaceId};
use overture_store::{Applied, NewCampaignVersion, StoreError};
use sqlx::postgres::PgRow;

use crate::postgres_store::{
    PostgresStore, col, col_int, col_json, col_parse, col_str, col_ts, commit, db_err, exec, found,
    ms, require_workspace, row, row_or, rows, to_json, unavailable,
};

const WHAT: &str = "campaign";

/// Selects campaigns with their newest version, as a literal for `concat!`.
macro_rules! select {
    () => {
        "SELECT c.id, c.workspace_id, c.name, c.status, c.current_version, v.source, v.spec,
                v.created_at
         FROM campaigns c
         JOIN campaign_versions v ON v.campaign_id = c.id AND v.version = c.current_version "
    };
}

fn decode(row: &PgRow) -> Result<Campaign, StoreError> {
    Ok(Campaign {
        id: CampaignId(col(row, WHAT, "id")?),
        workspace_id: WorkspaceId(col(row, WHAT, "workspace_id")?),
        name: col(row, WHAT, "name")?,
        version: col_int(row, WHAT, "current_version")?,
        source: col(row, WHAT, "source")?,
        spec: col_json(row, WHAT, "spec")?,
        status: col_parse(row, WHAT, "status")?,
        updated_at: col_ts(row, WHAT, "created_at")?,
    })
}

impl PostgresStore {
    pub(crate) async fn apply_campaign_impl(
        &self,
        ws: WorkspaceId,
        new: NewCampaignVersion,
        now: Timestamp,
    ) -> Result<Applied, StoreError> {
        let spec = to_json(WHAT, &new.spec)?;
        let mut tx = self.begin().await?;
        require_workspace(&mut tx, ws).await?;
        // The campaign's row is locked until the commit, so two writers of one campaign take
        // turns and never store the same version twice.
        let current = row(
            &mut tx,
            sqlx::query(
                "SELECT c.id, c.current_version, v.source
                 FROM campaigns c
                 JOIN campaign_versions v ON v.campaign_id = c.id AND v.version = c.current_version
                 WHERE c.workspace_id = $1 AND c.name = $2
                 FOR UPDATE OF c",
            )
            .bind(ws.get())
            .bind(&new.name),
            |row| {
                Ok((
                    col::<i64>(row, WHAT, "id")?,
                    col::<i64>(row, WHAT, "current_version")?,
                    col_str(row, WHAT, "source")? == new.source,
                ))
            },
        )
        .await?;
        let (id, changed) = match current {
            Some((id, _, true)) => (id, false),
            Some((id, version, false)) => {
                let next = version + 1;
                exec(
                    &mut tx,
                    sqlx::query("UPDATE campaigns SET current_version = $2 WHERE id = $1")
                        .bind(id)
                        .bind(next),
                    unavailable,
                )
                .await?;
                store_version(&mut tx, ws, id, next, &new, &spec, now).await?;
                (id, true)
            }
            None => {
                let id: i64 = found(
                    row_or(
                        &mut tx,
                        sqlx::query(
                            "INSERT INTO campaigns (workspace_id, name, status, current_version)
                             VALUES ($1, $2, $3, 1) RETURNING id",
                        )
                        .bind(ws.get())
                        .bind(&new.name)
                        .bind(CampaignStatus::Draft.as_str()),
                        db_err(WHAT, &new.name),
                        |row| col(row, WHAT, "id"),
                    )
                    .await?,
                    WHAT,
                    &new.name,
                )?;
                store_version(&mut tx, ws, id, 1, &new, &spec, now).await?;
                (id, true)
            }
        };
        commit(tx).await?;
        Ok(Applied {
            campaign: self.campaign_impl(ws, CampaignId(id)).await?,
            changed,
        })
    }

    pub(crate) async fn campaign_impl(
        &self,
        ws: WorkspaceId,
        id: CampaignId,
    ) -> Result<Campaign, StoreError> {
        let mut c = self.conn().await?;
        let campaign = row(
            &mut c,
            sqlx::query(concat!(
                select!(),
                "WHERE c.workspace_id = $1 AND c.id = $2"
            ))
            .bind(ws.get())
            .bind(id.get()),
            decode,
        )
        .await?;
        found(campaign, WHAT, id)
    }

    pub(crate) async fn campaign_by_name_impl(
        &self,
        ws: WorkspaceId,
        name: &str,
    ) -> Result<Campaign, StoreError> {
        let mut c = self.conn().await?;
        let campaign = row(
            &mut c,
            sqlx::query(concat!(
                select!(),
                "WHERE c.workspace_id = $1 AND c.name = $2"
            ))
            .bind(ws.get())
            .bind(name),
            decode,
        )
        .await?;
        found(campaign, WHAT, name)
    }

    pub(crate) async fn list_campaigns_impl(
        &self,
        ws: WorkspaceId,
    ) -> Result<Vec<Campaign>, StoreError> {
        let mut c = self.conn().await?;
        rows(
            &mut c,
            sqlx::query(concat!(
                select!(),
                "WHERE c.workspace_id = $1 ORDER BY c.id"
            ))
            .bind(ws.get()),
            decode,
        )
        .await
    }

    pub(crate) async fn campaign_versions_impl(
        &self,
        ws: WorkspaceId,
        id: CampaignId,
    ) -> Result<Vec<(u32, Timestamp)>, StoreError> {
        let mut c = self.conn().await?;
        let versions = rows(
            &mut c,
            sqlx::query(
                "SELECT v.version, v.created_at
                 FROM campaign_versions v JOIN campaigns c ON c.id = v.campaign_id
                 WHERE c.workspace_id = $1 AND c.id = $2 ORDER BY v.version",
            )
            .bind(ws.get())
            .bind(id.get()),
            |row| {
                Ok((
                    col_int(row, WHAT, "version")?,
                    col_ts(row, WHAT, "created_at")?,
                ))
            },
        )
        .await?;
        if versions.is_empty() {
            return Err(StoreError::not_found(WHAT, id));
        }
        Ok(versions)
    }

    pub(crate) async fn set_campaign_status_impl(
        &self,
        ws: WorkspaceId,
        id: CampaignId,
        status: CampaignStatus,
    ) -> Result<Campaign, StoreError> {
        let mut c = self.conn().await?;
        let changed = exec(
            &mut c,
            sqlx::query("UPDATE campaigns SET status = $3 WHERE workspace_id = $1 AND id = $2")
                .bind(ws.get())
                .bind(id.get())
                .bind(status.as_str()),
            unavailable,
        )
        .await?;
        if changed == 0 {
            return Err(StoreError::not_found(WHAT, id));
        }
        drop(c);
        self.campaign_impl(ws, id).await
    }
}

/// Stores a campaign's new version and appends its `campaign_applied` event.
async fn store_version(
    tx: &mut sqlx::PgConnection,
    ws: WorkspaceId,
    id: i64,
    version: i64,
    new: &NewCampaignVersion,
    spec: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    exec(
        tx,
        sqlx::query(
            "INSERT INTO campaign_versions (campaign_id, version, source, spec, created_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(version)
        .bind(&new.source)
        .bind(spec)
        .bind(ms(now)),
        db_err(WHAT, &new.name),
    )
    .await?;
    let data = serde_json::json!({ "name": new.name, "version": version });
    exec(
        tx,
        sqlx::query(
            "INSERT INTO events (workspace_id, kind, at, campaign_id, data)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(ws.get())
        .bind(EventKind::CampaignApplied.as_str())
        .bind(ms(now))
        .bind(id)
        .bind(data.to_string()),
        unavailable,
    )
    .await?;
    Ok(())
}
