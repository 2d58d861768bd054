//! Events: the append-only log of facts.

use overture_core::{
    AccountId, CampaignId, Event, EventId, EventKind, LeadId, NewEvent, WorkspaceId,
};
use overture_store::{EventQuery, StoreError};
use rusqlite::{Row, params};

use crate::sqlite_store::{
    SqliteStore, col, col_parse, col_ts, found, limit, ms, require_workspace, rows, scalar, to_json,
};

const WHAT: &str = "event";

/// A page of the workspace's events after a cursor, of the kinds in a JSON array (all when
/// it is empty).
pub(crate) const EVENTS_PAGE: &str =
    "SELECT id, workspace_id, kind, at, account_id, lead_id, campaign_id, data
     FROM events
     WHERE workspace_id = ?1 AND id > ?2
       AND (?3 = '[]' OR kind IN (SELECT value FROM json_each(?3)))
     ORDER BY id LIMIT +?4";

fn decode(row: &Row<'_>) -> Result<Event, StoreError> {
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
    pub(crate) fn append_event_impl(&self, event: NewEvent) -> Result<EventId, StoreError> {
        let ws = event.workspace_id;
        let id: i64 = self.write(|tx| {
            require_workspace(tx, ws)?;
            // Referenced rows must belong to the event's workspace: another workspace's id is
            // as unknown here as everywhere else.
            let foreign: i64 = found(
                scalar(
                    tx,
                    "SELECT (?2 IS NOT NULL AND NOT EXISTS
                                (SELECT 1 FROM accounts WHERE id = ?2 AND workspace_id = ?1))
                          + (?3 IS NOT NULL AND NOT EXISTS
                                (SELECT 1 FROM leads WHERE id = ?3 AND workspace_id = ?1))
                          + (?4 IS NOT NULL AND NOT EXISTS
                                (SELECT 1 FROM campaigns WHERE id = ?4 AND workspace_id = ?1))",
                    params![
                        ws.get(),
                        event.account_id.map(AccountId::get),
                        event.lead_id.map(LeadId::get),
                        event.campaign_id.map(CampaignId::get),
                    ],
                )?,
                WHAT,
                ws,
            )?;
            if foreign != 0 {
                return Err(StoreError::not_found(
                    "account, lead or campaign of event",
                    ws,
                ));
            }
            found(
                scalar(
                    tx,
                    "INSERT INTO events
                        (workspace_id, kind, at, account_id, lead_id, campaign_id, data)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
                    params![
                        ws.get(),
                        event.kind.as_str(),
                        ms(event.at),
                        event.account_id.map(AccountId::get),
                        event.lead_id.map(LeadId::get),
                        event.campaign_id.map(CampaignId::get),
                        event.data,
                    ],
                )?,
                WHAT,
                ws,
            )
        })?;
        Ok(EventId(id))
    }

    pub(crate) fn list_events_impl(
        &self,
        ws: WorkspaceId,
        query: EventQuery,
    ) -> Result<Vec<Event>, StoreError> {
        let kinds: Vec<&str> = query.kinds.iter().map(|k| EventKind::as_str(*k)).collect();
        let kinds = to_json(WHAT, &kinds)?;
        self.read(|c| {
            rows(
                c,
                EVENTS_PAGE,
                params![
                    ws.get(),
                    query.after.map_or(0, EventId::get),
                    kinds,
                    limit(query.limit),
                ],
                decode,
            )
        })
    }
}
