//! Campaigns and their stored versions.

use jiff::Timestamp;
use overture_core::{Campaign, CampaignId, CampaignStatus, EventKind, WorkspaceId};
use overture_store::{Applied, NewCampaignVersion, StoreError};
use sqlx::sqlite::SqliteRow;

use crate::sqlite_store::{
    SqliteStore, col, col_json, col_parse, col_ts, db_err, found, ms, require_workspace, to_json,
    unavailable,
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

fn decode(row: &SqliteRow) -> Result<Campaign, StoreError> {
    let version: i64 = col(row, WHAT, "current_version")?;
    Ok(Campaign {
        id: CampaignId(col(row, WHAT, "id")?),
        workspace_id: WorkspaceId(col(row, WHAT, "workspace_id")?),
        name: col(row, WHAT, "name")?,
        version: u32::try_from(version).map_err(|e| StoreError::corrupt(WHAT, e))?,
        source: col(row, WHAT, "source")?,
        spec: col_json(row, WHAT, "spec")?,
        status: col_parse(row, WHAT, "status")?,
        updated_at: col_ts(row, WHAT, "created_at")?,
    })
}

impl SqliteStore {
    pub(crate) async fn apply_campaign_impl(
        &self,
        ws: WorkspaceId,
        new: NewCampaignVersion,
        now: Timestamp,
    ) -> Result<Applied, StoreError> {
        let spec = to_json(WHAT, &new.spec)?;
        let mut tx = self.begin().await?;
        require_workspace(&mut tx, ws).await?;
        let current = sqlx::query(
            "SELECT c.id, c.current_version, v.source
             FROM campaigns c
             JOIN campaign_versions v ON v.campaign_id = c.id AND v.version = c.current_version
             WHERE c.workspace_id = ?1 AND c.name = ?2",
        )
        .bind(ws.get())
        .bind(&new.name)
        .fetch_optional(&mut *tx)
        .await
        .map_err(unavailable)?;
        let (id, version) = match current {
            Some(row) => {
                let id: i64 = col(&row, WHAT, "id")?;
                let version: i64 = col(&row, WHAT, "current_version")?;
                let source: String = col(&row, WHAT, "source")?;
                if source == new.source {
                    drop(tx);
                    let campaign = self.campaign_impl(ws, CampaignId(id)).await?;
                    return Ok(Applied {
                        campaign,
                        changed: false,
                    });
                }
                let next = version + 1;
                sqlx::query("UPDATE campaigns SET current_version = ?2 WHERE id = ?1")
                    .bind(id)
                    .bind(next)
                    .execute(&mut *tx)
                    .await
                    .map_err(unavailable)?;
                (id, next)
            }
            None => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO campaigns (workspace_id, name, status, current_version)
                     VALUES (?1, ?2, ?3, 1) RETURNING id",
                )
                .bind(ws.get())
                .bind(&new.name)
                .bind(CampaignStatus::Draft.as_str())
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err(WHAT, &new.name))?;
                (id, 1)
            }
        };
        sqlx::query(
            "INSERT INTO campaign_versions (campaign_id, version, source, spec, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .bind(id)
        .bind(version)
        .bind(&new.source)
        .bind(spec)
        .bind(ms(now))
        .execute(&mut *tx)
        .await
        .map_err(db_err(WHAT, &new.name))?;
        let data = serde_json::json!({ "name": new.name, "version": version });
        sqlx::query(
            "INSERT INTO events (workspace_id, kind, at, campaign_id, data)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .bind(ws.get())
        .bind(EventKind::CampaignApplied.as_str())
        .bind(ms(now))
        .bind(id)
        .bind(data.to_string())
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)?;
        Ok(Applied {
            campaign: self.campaign_impl(ws, CampaignId(id)).await?,
            changed: true,
        })
    }

    pub(crate) async fn campaign_impl(
        &self,
        ws: WorkspaceId,
        id: CampaignId,
    ) -> Result<Campaign, StoreError> {
        let row = sqlx::query(concat!(
            select!(),
            "WHERE c.workspace_id = ?1 AND c.id = ?2"
        ))
        .bind(ws.get())
        .bind(id.get())
        .fetch_optional(&self.read)
        .await
        .map_err(unavailable)?;
        found(row, WHAT, id, decode)
    }

    pub(crate) async fn campaign_by_name_impl(
        &self,
        ws: WorkspaceId,
        name: &str,
    ) -> Result<Campaign, StoreError> {
        let row = sqlx::query(concat!(
            select!(),
            "WHERE c.workspace_id = ?1 AND c.name = ?2"
        ))
        .bind(ws.get())
        .bind(name)
        .fetch_optional(&self.read)
        .await
        .map_err(unavailable)?;
        found(row, WHAT, name, decode)
    }

    pub(crate) async fn list_campaigns_impl(
        &self,
        ws: WorkspaceId,
    ) -> Result<Vec<Campaign>, StoreError> {
        let rows = sqlx::query(concat!(
            select!(),
            "WHERE c.workspace_id = ?1 ORDER BY c.id"
        ))
        .bind(ws.get())
        .fetch_all(&self.read)
        .await
        .map_err(unavailable)?;
        rows.iter().map(decode).collect()
    }

    pub(crate) async fn campaign_versions_impl(
        &self,
        ws: WorkspaceId,
        id: CampaignId,
    ) -> Result<Vec<(u32, Timestamp)>, StoreError> {
        let rows = sqlx::query(
            "SELECT v.version, v.created_at
             FROM campaign_versions v JOIN campaigns c ON c.id = v.campaign_id
             WHERE c.workspace_id = ?1 AND c.id = ?2 ORDER BY v.version",
        )
        .bind(ws.get())
        .bind(id.get())
        .fetch_all(&self.read)
        .await
        .map_err(unavailable)?;
        if rows.is_empty() {
            return Err(StoreError::not_found(WHAT, id));
        }
        rows.iter()
            .map(|row| {
                let version: i64 = col(row, WHAT, "version")?;
                let version = u32::try_from(version).map_err(|e| StoreError::corrupt(WHAT, e))?;
                Ok((version, col_ts(row, WHAT, "created_at")?))
            })
            .collect()
    }

    pub(crate) async fn set_campaign_status_impl(
        &self,
        ws: WorkspaceId,
        id: CampaignId,
        status: CampaignStatus,
    ) -> Result<Campaign, StoreError> {
        let mut tx = self.begin().await?;
        let done =
            sqlx::query("UPDATE campaigns SET status = ?3 WHERE workspace_id = ?1 AND id = ?2")
                .bind(ws.get())
                .bind(id.get())
                .bind(status.as_str())
                .execute(&mut *tx)
                .await
                .map_err(unavailable)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found(WHAT, id));
        }
        tx.commit().await.map_err(unavailable)?;
        self.campaign_impl(ws, id).await
    }
}
