//! Events: the append-only log of facts.

use overture_core::{
    AccountId, CampaignId, Event, EventId, EventKind, LeadId, NewEvent, WorkspaceId,
};
use overture_store::{EventQuery, StoreError};
use sqlx::sqlite::SqliteRow;

use crate::sqlite_store::{
    SqliteStore, col, col_parse, col_ts, limit, ms, require_workspace, to_json, unavailable,
};

const WHAT: &str = "event";

fn decode(row: &SqliteRow) -> Result<Event, StoreError> {
    Ok(Event {
        id: EventId(col(row, WHAT, "id")?),
        event: NewEvent {
            workspace_id: WorkspaceId(col(row, WHAT, "workspace_id")?),
            kind: col_parse(row, WHAT, "kind")?,
            at: col_ts(row, WHAT, "at")?,
            account_id: col::<Option<i64>>(row, WHAT, "account_id")?.map(AccountId),
            lead_id: col::<Option<i64>>(row, WHAT, "lead_id")?.map(LeadId),
            campaign_id: col::<Option<i64>>(row, WHAT, "campaign_id")?.map(CampaignId),
            data: col(row, WHAT, "data")?,
        },
    })
}

impl SqliteStore {
    pub(crate) async fn append_event_impl(&self, event: NewEvent) -> Result<EventId, StoreError> {
        let mut tx = self.begin().await?;
        require_workspace(&mut tx, event.workspace_id).await?;
        // Referenced rows must belong to the event's workspace: another workspace's id is as
        // unknown here as everywhere else.
        let foreign: i64 = sqlx::query_scalar(
            "SELECT (?2 IS NOT NULL AND NOT EXISTS
                        (SELECT 1 FROM accounts WHERE id = ?2 AND workspace_id = ?1))
                  + (?3 IS NOT NULL AND NOT EXISTS
                        (SELECT 1 FROM leads WHERE id = ?3 AND workspace_id = ?1))
                  + (?4 IS NOT NULL AND NOT EXISTS
                        (SELECT 1 FROM campaigns WHERE id = ?4 AND workspace_id = ?1))",
        )
        .bind(event.workspace_id.get())
        .bind(event.account_id.map(AccountId::get))
        .bind(event.lead_id.map(LeadId::get))
        .bind(event.campaign_id.map(CampaignId::get))
        .fetch_one(&mut *tx)
        .await
        .map_err(unavailable)?;
        if foreign != 0 {
            return Err(StoreError::not_found(
                "account, lead or campaign of event",
                event.workspace_id,
            ));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO events (workspace_id, kind, at, account_id, lead_id, campaign_id, data)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
        )
        .bind(event.workspace_id.get())
        .bind(event.kind.as_str())
        .bind(ms(event.at))
        .bind(event.account_id.map(AccountId::get))
        .bind(event.lead_id.map(LeadId::get))
        .bind(event.campaign_id.map(CampaignId::get))
        .bind(&event.data)
        .fetch_one(&mut *tx)
        .await
        .map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)?;
        Ok(EventId(id))
    }

    pub(crate) async fn list_events_impl(
        &self,
        ws: WorkspaceId,
        query: EventQuery,
    ) -> Result<Vec<Event>, StoreError> {
        let kinds: Vec<&str> = query.kinds.iter().map(|k| EventKind::as_str(*k)).collect();
        let rows = sqlx::query(
            "SELECT id, workspace_id, kind, at, account_id, lead_id, campaign_id, data
             FROM events
             WHERE workspace_id = ?1 AND id > ?2
               AND (?3 = '[]' OR kind IN (SELECT value FROM json_each(?3)))
             ORDER BY id LIMIT ?4",
        )
        .bind(ws.get())
        .bind(query.after.map_or(0, EventId::get))
        .bind(to_json(WHAT, &kinds)?)
        .bind(limit(query.limit))
        .fetch_all(&self.read)
        .await
        .map_err(unavailable)?;
        rows.iter().map(decode).collect()
    }
}
