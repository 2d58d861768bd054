//! Campaigns and their stored versions.

use jiff::Timestamp;
use overture_core::{Campaign, CampaignId, CampaignStatus, EventKind, WorkspaceId};
use overture_store::{Applied, NewCampaignVersion, StoreError};
use rusqlite::{Row, params};

use crate::sqlite_store::{
    SqliteStore, col, col_json, col_parse, col_str, col_ts, db_err, exec, found, ms,
    require_workspace, row, row_or, rows, to_json, unavailable,
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

fn decode(row: &Row<'_>) -> Result<Campaign, StoreError> {
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
    pub(crate) fn apply_campaign_impl(
        &self,
        ws: WorkspaceId,
        new: NewCampaignVersion,
        now: Timestamp,
    ) -> Result<Applied, StoreError> {
        let spec = to_json(WHAT, &new.spec)?;
        // The campaign's id, and whether this version differs from the current one (when it
        // does not, nothing is written).
        let (id, changed) = self.write(|tx| {
            require_workspace(tx, ws)?;
            let current = row(
                tx,
                "SELECT c.id, c.current_version, v.source
                 FROM campaigns c
                 JOIN campaign_versions v ON v.campaign_id = c.id AND v.version = c.current_version
                 WHERE c.workspace_id = ?1 AND c.name = ?2",
                params![ws.get(), new.name],
                |row| {
                    Ok((
                        col::<i64>(row, WHAT, "id")?,
                        col::<i64>(row, WHAT, "current_version")?,
                        col_str(row, WHAT, "source")? == new.source,
                    ))
                },
            )?;
            let (id, version) = match current {
                Some((id, _, true)) => return Ok((id, false)),
                Some((id, version, false)) => {
                    let next = version + 1;
                    exec(
                        tx,
                        "UPDATE campaigns SET current_version = ?2 WHERE id = ?1",
                        [id, next],
                        unavailable,
                    )?;
                    (id, next)
                }
                None => {
                    let id: i64 = found(
                        row_or(
                            tx,
                            "INSERT INTO campaigns (workspace_id, name, status, current_version)
                             VALUES (?1, ?2, ?3, 1) RETURNING id",
                            params![ws.get(), new.name, CampaignStatus::Draft.as_str()],
                            db_err(WHAT, &new.name),
                            |row| col(row, WHAT, "id"),
                        )?,
                        WHAT,
                        &new.name,
                    )?;
                    (id, 1)
                }
            };
            exec(
                tx,
                "INSERT INTO campaign_versions (campaign_id, version, source, spec, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, version, new.source, spec, ms(now)],
                db_err(WHAT, &new.name),
            )?;
            let data = serde_json::json!({ "name": new.name, "version": version });
            exec(
                tx,
                "INSERT INTO events (workspace_id, kind, at, campaign_id, data)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    ws.get(),
                    EventKind::CampaignApplied.as_str(),
                    ms(now),
                    id,
                    data.to_string(),
                ],
                unavailable,
            )?;
            Ok((id, true))
        })?;
        Ok(Applied {
            campaign: self.campaign_impl(ws, CampaignId(id))?,
            changed,
        })
    }

    pub(crate) fn campaign_impl(
        &self,
        ws: WorkspaceId,
        id: CampaignId,
    ) -> Result<Campaign, StoreError> {
        let campaign = self.read(|c| {
            row(
                c,
                concat!(select!(), "WHERE c.workspace_id = ?1 AND c.id = ?2"),
                [ws.get(), id.get()],
                decode,
            )
        })?;
        found(campaign, WHAT, id)
    }

    pub(crate) fn campaign_by_name_impl(
        &self,
        ws: WorkspaceId,
        name: &str,
    ) -> Result<Campaign, StoreError> {
        let campaign = self.read(|c| {
            row(
                c,
                concat!(select!(), "WHERE c.workspace_id = ?1 AND c.name = ?2"),
                params![ws.get(), name],
                decode,
            )
        })?;
        found(campaign, WHAT, name)
    }

    pub(crate) fn list_campaigns_impl(&self, ws: WorkspaceId) -> Result<Vec<Campaign>, StoreError> {
        self.read(|c| {
            rows(
                c,
                concat!(select!(), "WHERE c.workspace_id = ?1 ORDER BY c.id"),
                [ws.get()],
                decode,
            )
        })
    }

    pub(crate) fn campaign_versions_impl(
        &self,
        ws: WorkspaceId,
        id: CampaignId,
    ) -> Result<Vec<(u32, Timestamp)>, StoreError> {
        let versions = self.read(|c| {
            rows(
                c,
                "SELECT v.version, v.created_at
                 FROM campaign_versions v JOIN campaigns c ON c.id = v.campaign_id
                 WHERE c.workspace_id = ?1 AND c.id = ?2 ORDER BY v.version",
                [ws.get(), id.get()],
                |row| {
                    let version: i64 = col(row, WHAT, "version")?;
                    let version =
                        u32::try_from(version).map_err(|e| StoreError::corrupt(WHAT, e))?;
                    Ok((version, col_ts(row, WHAT, "created_at")?))
                },
            )
        })?;
        if versions.is_empty() {
            return Err(StoreError::not_found(WHAT, id));
        }
        Ok(versions)
    }

    pub(crate) fn set_campaign_status_impl(
        &self,
        ws: WorkspaceId,
        id: CampaignId,
        status: CampaignStatus,
    ) -> Result<Campaign, StoreError> {
        self.write(|tx| {
            let changed = exec(
                tx,
                "UPDATE campaigns SET status = ?3 WHERE workspace_id = ?1 AND id = ?2",
                params![ws.get(), id.get(), status.as_str()],
                unavailable,
            )?;
            if changed == 0 {
                return Err(StoreError::not_found(WHAT, id));
            }
            Ok(())
        })?;
        self.campaign_impl(ws, id)
    }
}
