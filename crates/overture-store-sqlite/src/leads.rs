//! Leads and lead lists, and the bulk import.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

use jiff::Timestamp;
use overture_core::{
    EventKind, Lead, LeadId, LeadList, LeadListId, NewLead, ProfileUrl, WorkspaceId,
};
use overture_store::{ImportOutcome, LeadQuery, StoreError};
use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, SqliteConnection};

use crate::sqlite_store::{
    SqliteStore, col, col_json, col_ts, limit, ms, require_workspace, to_json, unavailable,
};

const WHAT: &str = "lead";

/// The columns `decode` reads, as a literal for `concat!`.
macro_rules! columns {
    () => {
        "id, workspace_id, profile_url, first_name, last_name, headline, company, position, \
         location, email, custom, tags, created_at, updated_at"
    };
}

/// Leads looked up per `WHERE profile_url IN (..)` query during an import, and the step at
/// which progress is reported.
const LOOKUP_CHUNK: usize = 5_000;
/// Bind parameters per inserted lead row.
const PARAMS_PER_ROW: usize = 13;
/// Rows per multi-row `INSERT`: as many as SQLite's 32766 bind parameters allow.
const INSERT_ROWS: usize = 32_766 / PARAMS_PER_ROW;

fn decode(row: &SqliteRow) -> Result<Lead, StoreError> {
    let url: String = col(row, WHAT, "profile_url")?;
    let profile_url = ProfileUrl::parse(&url).map_err(|e| StoreError::corrupt(WHAT, e))?;
    Ok(Lead {
        id: LeadId(col(row, WHAT, "id")?),
        workspace_id: WorkspaceId(col(row, WHAT, "workspace_id")?),
        data: decode_data(row, profile_url)?,
        created_at: col_ts(row, WHAT, "created_at")?,
        updated_at: col_ts(row, WHAT, "updated_at")?,
    })
}

/// The person's data from a row, with the key already known.
fn decode_data(row: &SqliteRow, profile_url: ProfileUrl) -> Result<NewLead, StoreError> {
    Ok(NewLead {
        profile_url,
        first_name: col(row, WHAT, "first_name")?,
        last_name: col(row, WHAT, "last_name")?,
        headline: col(row, WHAT, "headline")?,
        company: col(row, WHAT, "company")?,
        position: col(row, WHAT, "position")?,
        location: col(row, WHAT, "location")?,
        email: col(row, WHAT, "email")?,
        custom: col_json(row, WHAT, "custom")?,
        tags: col_json(row, WHAT, "tags")?,
    })
}

// The dynamic statements use anonymous `?` parameters only: the driver looks up every
// parameter's name, and SQLite finds a numbered parameter's name by a linear scan, which
// makes tens of thousands of `?NNN` parameters quadratic.

/// `INSERT INTO leads` for `rows` rows of `PARAMS_PER_ROW` parameters.
fn insert_sql(rows: usize) -> String {
    let mut sql = String::with_capacity(200 + rows * 28);
    sql.push_str(
        "INSERT INTO leads (workspace_id, profile_url, first_name, last_name, headline, company, \
         position, location, email, custom, tags, created_at, updated_at) VALUES ",
    );
    for r in 0..rows {
        if r > 0 {
            sql.push(',');
        }
        sql.push_str("(?,?,?,?,?,?,?,?,?,?,?,?,?)");
    }
    sql.push_str(" RETURNING id");
    sql
}

/// Builds each statement's SQL once per row count: every full chunk reuses the same text, so
/// the connection's prepared-statement cache hits.
#[derive(Default)]
struct SqlCache(HashMap<(Statement, usize), String>);

/// The import's statements whose text depends on a row count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Statement {
    Insert,
}

impl SqlCache {
    fn get(&mut self, statement: Statement, rows: usize) -> AssertSqlSafe<String> {
        let build = match statement {
            Statement::Insert => insert_sql,
        };
        let text = self
            .0
            .entry((statement, rows))
            .or_insert_with(|| build(rows));
        // The text is built from our own constants and parameter numbers, never from input.
        AssertSqlSafe(text.clone())
    }
}

impl SqliteStore {
    pub(crate) async fn import_leads_impl(
        &self,
        ws: WorkspaceId,
        list_name: &str,
        leads: &[NewLead],
        now: Timestamp,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<ImportOutcome, StoreError> {
        // Rows about the same person are merged first, later rows updating earlier ones, so
        // every person is looked up and written once.
        let mut merged: Vec<(String, Cow<'_, NewLead>)> = Vec::with_capacity(leads.len());
        let mut position: HashMap<String, usize> = HashMap::with_capacity(leads.len());
        for lead in leads {
            let url = lead.profile_url.as_url();
            match position.get(&url) {
                Some(&i) => {
                    merged[i].1.to_mut().update_from(lead);
                }
                None => {
                    position.insert(url.clone(), merged.len());
                    merged.push((url, Cow::Borrowed(lead)));
                }
            }
        }
        drop(position);

        let mut tx = self.begin().await?;
        require_workspace(&mut tx, ws).await?;
        let list_id = ensure_list(&mut tx, ws, list_name, now).await?;

        let mut sql = SqlCache::default();
        let mut outcome = ImportOutcome::default();
        let mut processed = 0_usize;
        let stamp = ms(now);
        for chunk in merged.chunks(LOOKUP_CHUNK) {
            let mut stored = lookup(&mut tx, ws, chunk).await?;
            let mut members: Vec<i64> = Vec::with_capacity(chunk.len());
            let mut fresh: Vec<(&str, &NewLead)> = Vec::new();
            for (url, lead) in chunk {
                let Some((id, mut data)) = stored.remove(url) else {
                    fresh.push((url, lead));
                    continue;
                };
                members.push(id);
                if data.update_from(lead) {
                    update(&mut tx, id, &data, stamp).await?;
                    outcome.updated += 1;
                } else {
                    outcome.unchanged += 1;
                }
            }
            for rows in fresh.chunks(INSERT_ROWS) {
                let mut q = sqlx::query_scalar::<_, i64>(sql.get(Statement::Insert, rows.len()));
                for &(url, lead) in rows {
                    q = q
                        .bind(ws.get())
                        .bind(url)
                        .bind(lead.first_name.as_deref())
                        .bind(lead.last_name.as_deref())
                        .bind(lead.headline.as_deref())
                        .bind(lead.company.as_deref())
                        .bind(lead.position.as_deref())
                        .bind(lead.location.as_deref())
                        .bind(lead.email.as_deref())
                        .bind(to_json(WHAT, &lead.custom)?)
                        .bind(tags_json(&lead.tags)?)
                        .bind(stamp)
                        .bind(stamp);
                }
                let ids = q.fetch_all(&mut *tx).await.map_err(unavailable)?;
                members.extend(ids);
                outcome.imported += rows.len() as u64;
            }
            members.sort_unstable();
            // One parameter for the whole chunk: a JSON array of the lead ids.
            sqlx::query(
                "INSERT INTO lead_list_members (list_id, lead_id)
                 SELECT ?1, value FROM json_each(?2) WHERE true
                 ON CONFLICT DO NOTHING",
            )
            .bind(list_id.get())
            .bind(to_json(WHAT, &members)?)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
            processed += chunk.len();
            if processed < merged.len() {
                progress(processed as u64);
            }
        }

        let data = serde_json::json!({
            "list": list_name,
            "imported": outcome.imported,
            "updated": outcome.updated,
            "unchanged": outcome.unchanged,
        });
        sqlx::query("INSERT INTO events (workspace_id, kind, at, data) VALUES (?1, ?2, ?3, ?4)")
            .bind(ws.get())
            .bind(EventKind::LeadsImported.as_str())
            .bind(stamp)
            .bind(data.to_string())
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        progress(leads.len() as u64);
        tx.commit().await.map_err(unavailable)?;
        Ok(outcome)
    }

    pub(crate) async fn list_leads_impl(
        &self,
        ws: WorkspaceId,
        query: LeadQuery,
    ) -> Result<Vec<Lead>, StoreError> {
        let after = query.after.map_or(0, LeadId::get);
        let rows = match &query.list {
            None => sqlx::query(concat!(
                "SELECT ",
                columns!(),
                " FROM leads WHERE workspace_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3"
            ))
            .bind(ws.get())
            .bind(after)
            .bind(limit(query.limit))
            .fetch_all(&self.read)
            .await
            .map_err(unavailable)?,
            Some(name) => {
                let list: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM lead_lists WHERE workspace_id = ?1 AND name = ?2",
                )
                .bind(ws.get())
                .bind(name)
                .fetch_optional(&self.read)
                .await
                .map_err(unavailable)?;
                let Some(list) = list else {
                    return Err(StoreError::not_found("lead list", name));
                };
                sqlx::query(concat!(
                    "SELECT ",
                    columns!(),
                    " FROM leads WHERE id IN (SELECT lead_id FROM lead_list_members \
                     WHERE list_id = ?1 AND lead_id > ?2 ORDER BY lead_id LIMIT ?3) ORDER BY id"
                ))
                .bind(list)
                .bind(after)
                .bind(limit(query.limit))
                .fetch_all(&self.read)
                .await
                .map_err(unavailable)?
            }
        };
        rows.iter().map(decode).collect()
    }

    pub(crate) async fn lead_impl(&self, ws: WorkspaceId, id: LeadId) -> Result<Lead, StoreError> {
        let row = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM leads WHERE workspace_id = ?1 AND id = ?2"
        ))
        .bind(ws.get())
        .bind(id.get())
        .fetch_optional(&self.read)
        .await
        .map_err(unavailable)?;
        match row {
            Some(row) => decode(&row),
            None => Err(StoreError::not_found(WHAT, id)),
        }
    }

    pub(crate) async fn lead_by_url_impl(
        &self,
        ws: WorkspaceId,
        url: &ProfileUrl,
    ) -> Result<Option<Lead>, StoreError> {
        let row = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM leads WHERE workspace_id = ?1 AND profile_url = ?2"
        ))
        .bind(ws.get())
        .bind(url.as_url())
        .fetch_optional(&self.read)
        .await
        .map_err(unavailable)?;
        row.as_ref().map(decode).transpose()
    }

    pub(crate) async fn list_lead_lists_impl(
        &self,
        ws: WorkspaceId,
    ) -> Result<Vec<(LeadList, u64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT l.id, l.workspace_id, l.name, l.created_at,
                    (SELECT count(*) FROM lead_list_members m WHERE m.list_id = l.id) AS members
             FROM lead_lists l WHERE l.workspace_id = ?1 ORDER BY l.id",
        )
        .bind(ws.get())
        .fetch_all(&self.read)
        .await
        .map_err(unavailable)?;
        rows.iter()
            .map(|row| {
                let what = "lead list";
                let members: i64 = col(row, what, "members")?;
                let list = LeadList {
                    id: LeadListId(col(row, what, "id")?),
                    workspace_id: WorkspaceId(col(row, what, "workspace_id")?),
                    name: col(row, what, "name")?,
                    created_at: col_ts(row, what, "created_at")?,
                };
                Ok((list, u64::try_from(members).unwrap_or(0)))
            })
            .collect()
    }
}

/// The id of the named list, created if missing.
async fn ensure_list(
    tx: &mut SqliteConnection,
    ws: WorkspaceId,
    name: &str,
    now: Timestamp,
) -> Result<LeadListId, StoreError> {
    let existing: Option<i64> =
        sqlx::query_scalar("SELECT id FROM lead_lists WHERE workspace_id = ?1 AND name = ?2")
            .bind(ws.get())
            .bind(name)
            .fetch_optional(&mut *tx)
            .await
            .map_err(unavailable)?;
    if let Some(id) = existing {
        return Ok(LeadListId(id));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO lead_lists (workspace_id, name, created_at) VALUES (?1, ?2, ?3) RETURNING id",
    )
    .bind(ws.get())
    .bind(name)
    .bind(ms(now))
    .fetch_one(&mut *tx)
    .await
    .map_err(unavailable)?;
    Ok(LeadListId(id))
}

/// The stored data of the chunk's leads that exist, by URL.
async fn lookup(
    tx: &mut SqliteConnection,
    ws: WorkspaceId,
    chunk: &[(String, Cow<'_, NewLead>)],
) -> Result<HashMap<String, (i64, NewLead)>, StoreError> {
    // One parameter for the whole chunk, a JSON array of the URLs: binding thousands of
    // strings one by one costs more than SQLite's parsing of one array.
    let urls: Vec<&str> = chunk.iter().map(|(url, _)| url.as_str()).collect();
    let rows = sqlx::query(
        "SELECT id, profile_url, first_name, last_name, headline, company, position, location,
                email, custom, tags
         FROM leads
         WHERE workspace_id = ?1 AND profile_url IN (SELECT value FROM json_each(?2))",
    )
    .bind(ws.get())
    .bind(to_json(WHAT, &urls)?)
    .fetch_all(&mut *tx)
    .await
    .map_err(unavailable)?;
    let by_url: HashMap<&str, &NewLead> = chunk
        .iter()
        .map(|(url, lead)| (url.as_str(), lead.as_ref()))
        .collect();
    let mut stored = HashMap::with_capacity(rows.len());
    for row in &rows {
        let url: String = col(row, WHAT, "profile_url")?;
        // The row was selected by one of the chunk's URLs, so the key is the input's.
        let Some(lead) = by_url.get(url.as_str()) else {
            continue;
        };
        let data = decode_data(row, lead.profile_url.clone())?;
        stored.insert(url, (col(row, WHAT, "id")?, data));
    }
    Ok(stored)
}

/// Tags as JSON text; most leads have none.
fn tags_json(tags: &BTreeSet<String>) -> Result<Cow<'static, str>, StoreError> {
    if tags.is_empty() {
        Ok(Cow::Borrowed("[]"))
    } else {
        to_json(WHAT, tags).map(Cow::Owned)
    }
}

/// Writes a changed lead's data.
async fn update(
    tx: &mut SqliteConnection,
    id: i64,
    lead: &NewLead,
    at: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE leads SET first_name = ?2, last_name = ?3, headline = ?4, company = ?5,
             position = ?6, location = ?7, email = ?8, custom = ?9, tags = ?10, updated_at = ?11
         WHERE id = ?1",
    )
    .bind(id)
    .bind(lead.first_name.as_deref())
    .bind(lead.last_name.as_deref())
    .bind(lead.headline.as_deref())
    .bind(lead.company.as_deref())
    .bind(lead.position.as_deref())
    .bind(lead.location.as_deref())
    .bind(lead.email.as_deref())
    .bind(to_json(WHAT, &lead.custom)?)
    .bind(to_json(WHAT, &lead.tags)?)
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(unavailable)?;
    Ok(())
}
