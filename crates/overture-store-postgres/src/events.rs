//! Events: the append-only log of facts.

use overture_core::{
    AccountId, CampaignId, Event, EventId, EventKind, LeadId, NewEvent, WorkspaceId,
};
use overture_store::{EventQuery, StoreError};
use sqlx::postgres::PgRow;

use crate::postgres_store::{
    PostgresStore, col, col_parse, col_ts, commit, found, ms, require_workspace, rows, scalar,
};

const WHAT: &str = "event";

fn decode(row: &PgRow) -> Result<Event, StoreError> {
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

impl PostgresStore {
    pub(crate) async fn append_event_impl(&self, event: NewEvent) -> Result<EventId, StoreError> {
        let ws = event.workspace_id;
        let mut tx = self.begin().await?;
        require_workspace(&mut tx, ws).await?;
        // Referenced rows must belong to the event's workspace: another workspace's id is as
        // unknown here as everywhere else.
        let foreign: bool = found(
            scalar(
                &mut tx,
                sqlx::query(
                    "SELECT ($2::BIGINT IS NOT NULL AND NOT EXISTS
                                (SELECT 1 FROM accounts WHERE id = $2 AND workspace_id = $1))
                         OR ($3::BIGINT IS NOT NULL AND NOT EXISTS
                                (SELECT 1 FROM leads WHERE id = $3 AND workspace_id = $1))
                         OR ($4::BIGINT IS NOT NULL AND NOT EXISTS
                                (SELECT 1 FROM campaigns WHERE id = $4 AND workspace_id = $1))",
                )
                .bind(ws.get())
                .bind(event.account_id.map(AccountId::get))
                .bind(event.lead_id.map(LeadId::get))
                .bind(event.campaign_id.map(CampaignId::get)),
            )
            .await?,
            WHAT,
            ws,
        )?;
        if foreign {
            return Err(StoreError::not_found(
                "account, lead or campaign of event",
                ws,
            ));
        }
        let id: i64 = found(
            scalar(
                &mut tx,
                sqlx::query(
                    "INSERT INTO events
                        (workspace_id, kind, at, account_id, lead_id, campaign_id, data)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(ws.get())
                .bind(event.kind.as_str())
                .bind(ms(event.at))
                .bind(event.account_id.map(AccountId::get))
                .bind(event.lead_id.map(LeadId::get))
                .bind(event.campaign_id.map(CampaignId::get))
                .bind(event.data),
            )
            .await?,
            WHAT,
            ws,
        )?;
        commit(tx).await?;
        Ok(EventId(id))
    }

    pub(crate) async fn list_events_impl(
        &self,
        ws: WorkspaceId,
        query: EventQuery,
    ) -> Result<Vec<Event>, StoreError> {
        let kinds: Vec<String> = query
            .kinds
            .iter()
            .map(|k| EventKind::as_str(*k).to_owned())
            .collect();
        let mut c = self.conn().await?;
        rows(
            &mut c,
            sqlx::query(
                "SELECT id, workspace_id, kind, at, account_id, lead_id, campaign_id, data
                 FROM events
                 WHERE workspace_id = $1 AND id > $2
                   AND (cardinality($3::TEXT[]) = 0 OR kind = ANY($3))
                 ORDER BY id LIMIT $4",
            )
            .bind(ws.get())
            .bind(query.after.map_or(0, EventId::get))
            .bind(kinds)
            .bind(i64::from(query.limit)),
            decode,
        )
        .await
    }
}
