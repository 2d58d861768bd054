//! The bulk import of leads onto a list.
//!
//! Every chunk of people costs a handful of statements whatever its size: the chunk's URLs
//! travel as one array parameter for the look-up, and its new leads as one array per column
//! that `UNNEST` turns back into rows.

use std::collections::HashMap;

use jiff::Timestamp;
use overture_core::{EventKind, Lead, NewLead, WorkspaceId};
use overture_store::{ImportOutcome, StoreError};
use sqlx::PgConnection;

use super::{decode, lead_columns};
use crate::postgres_store::{
    PostgresStore, col, commit, db_err, exec, found, ms, require_workspace, rows, scalar, to_json,
    unavailable,
};

const WHAT: &str = "lead";

/// People per chunk: one lookup, insert and list statement each, and the step at which
/// progress is reported.
const CHUNK: usize = 5_000;

/// How many times an import is tried when other imports store the same people meanwhile.
const IMPORT_ATTEMPTS: u32 = 3;

impl PostgresStore {
    pub(crate) async fn import_leads_impl(
        &self,
        ws: WorkspaceId,
        list_name: &str,
        leads: &[NewLead],
        now: Timestamp,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<ImportOutcome, StoreError> {
        let people = merge(leads);
        // Another import may store some of the same people between this one's look-up and
        // its insert: the insert then meets their rows under the unique profile URL and fails
        // as a `Conflict`, and the transaction leaves nothing. Run again, it finds them stored
        // and updates them, as if the imports had come one after the other.
        let mut attempts = 0;
        loop {
            attempts += 1;
            match self
                .import_people(ws, list_name, &people, leads.len(), now, progress)
                .await
            {
                Err(StoreError::Conflict { .. }) if attempts < IMPORT_ATTEMPTS => {}
                done => return done,
            }
        }
    }

    /// One attempt of [`PostgresStore::import_leads_impl`]: `people` merged from `rows_read`
    /// rows.
    async fn import_people(
        &self,
        ws: WorkspaceId,
        list_name: &str,
        people: &[NewLead],
        rows_read: usize,
        now: Timestamp,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<ImportOutcome, StoreError> {
        let stamp = ms(now);
        let mut tx = self.begin().await?;
        require_workspace(&mut tx, ws).await?;
        let list_id = ensure_list(&mut tx, ws, list_name, stamp).await?;
        let mut outcome = ImportOutcome::default();
        let mut processed = 0_usize;
        for chunk in people.chunks(CHUNK) {
            let stored = lookup(&mut tx, ws, chunk).await?;
            let mut fresh = Vec::new();
            let mut members = Vec::with_capacity(chunk.len());
            for person in chunk {
                let Some(lead) = stored.get(person.profile_url.as_url().as_str()) else {
                    fresh.push(person);
                    continue;
                };
                members.push(lead.id.get());
                let mut data = lead.data.clone();
                data.update_from(person);
                if data == lead.data {
                    outcome.unchanged += 1;
                } else {
                    update(&mut tx, lead.id.get(), &data, stamp).await?;
                    outcome.updated += 1;
                }
            }
            outcome.imported += fresh.len() as u64;
            members.extend(insert(&mut tx, ws, &fresh, stamp).await?);
            exec(
                &mut tx,
                sqlx::query(
                    "INSERT INTO lead_list_members (list_id, lead_id)
                     SELECT $1, id FROM UNNEST($2::BIGINT[]) AS id
                     ON CONFLICT DO NOTHING",
                )
                .bind(list_id)
                .bind(members),
                unavailable,
            )
            .await?;
            processed += chunk.len();
            if processed < people.len() {
                progress(processed as u64);
            }
        }
        crate::erasure::suppress_erased(&mut tx, ws, people.iter(), now).await?;
        let data = serde_json::json!({
            "list": list_name,
            "imported": outcome.imported,
            "updated": outcome.updated,
            "unchanged": outcome.unchanged,
        });
        exec(
            &mut tx,
            sqlx::query(
                "INSERT INTO events (workspace_id, kind, at, data) VALUES ($1, $2, $3, $4)",
            )
            .bind(ws.get())
            .bind(EventKind::LeadsImported.as_str())
            .bind(stamp)
            .bind(data.to_string()),
            unavailable,
        )
        .await?;
        progress(rows_read as u64);
        commit(tx).await?;
        Ok(outcome)
    }
}

/// The distinct people among the given rows, in order of first appearance; rows about the
/// same person are merged in order, later rows updating earlier ones.
fn merge(leads: &[NewLead]) -> Vec<NewLead> {
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(leads.len());
    let mut people: Vec<NewLead> = Vec::with_capacity(leads.len());
    for lead in leads {
        match index.get(lead.profile_url.slug()) {
            Some(&at) => {
                people[at].update_from(lead);
            }
            None => {
                index.insert(lead.profile_url.slug(), people.len());
                people.push(lead.clone());
            }
        }
    }
    people
}

/// The id of the named list, created if missing.
async fn ensure_list(
    tx: &mut PgConnection,
    ws: WorkspaceId,
    name: &str,
    at: i64,
) -> Result<i64, StoreError> {
    exec(
        tx,
        sqlx::query(
            "INSERT INTO lead_lists (workspace_id, name, created_at) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
        )
        .bind(ws.get())
        .bind(name)
        .bind(at),
        unavailable,
    )
    .await?;
    found(
        scalar(
            tx,
            sqlx::query("SELECT id FROM lead_lists WHERE workspace_id = $1 AND name = $2")
                .bind(ws.get())
                .bind(name),
        )
        .await?,
        "lead list",
        name,
    )
}

/// The stored leads among a chunk's people, by profile URL.
async fn lookup(
    tx: &mut PgConnection,
    ws: WorkspaceId,
    chunk: &[NewLead],
) -> Result<HashMap<String, Lead>, StoreError> {
    let urls: Vec<String> = chunk.iter().map(|p| p.profile_url.as_url()).collect();
    let stored = rows(
        tx,
        sqlx::query(concat!(
            "SELECT ",
            lead_columns!(),
            " FROM leads WHERE workspace_id = $1 AND profile_url = ANY($2)"
        ))
        .bind(ws.get())
        .bind(urls),
        decode,
    )
    .await?;
    Ok(stored
        .into_iter()
        .map(|lead| (lead.data.profile_url.as_url(), lead))
        .collect())
}

/// Replaces a stored lead's data.
async fn update(tx: &mut PgConnection, id: i64, lead: &NewLead, at: i64) -> Result<(), StoreError> {
    exec(
        tx,
        sqlx::query(
            "UPDATE leads SET first_name = $2, last_name = $3, headline = $4, company = $5,
                 position = $6, location = $7, email = $8, custom = $9, tags = $10,
                 updated_at = $11
             WHERE id = $1",
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
        .bind(at),
        unavailable,
    )
    .await?;
    Ok(())
}

/// Inserts new leads in the given order; returns their ids.
async fn insert(
    tx: &mut PgConnection,
    ws: WorkspaceId,
    fresh: &[&NewLead],
    at: i64,
) -> Result<Vec<i64>, StoreError> {
    if fresh.is_empty() {
        return Ok(Vec::new());
    }
    let text = |f: fn(&NewLead) -> &Option<String>| -> Vec<Option<&str>> {
        fresh.iter().map(|l| f(l).as_deref()).collect()
    };
    let mut custom = Vec::with_capacity(fresh.len());
    let mut tags = Vec::with_capacity(fresh.len());
    for lead in fresh {
        custom.push(to_json(WHAT, &lead.custom)?);
        tags.push(to_json(WHAT, &lead.tags)?);
    }
    let urls: Vec<String> = fresh.iter().map(|l| l.profile_url.as_url()).collect();
    let inserted = sqlx::query(
        "INSERT INTO leads (workspace_id, profile_url, first_name, last_name, headline,
                                company, position, location, email, custom, tags, created_at,
                                updated_at)
             SELECT $1, u.url, u.first_name, u.last_name, u.headline, u.company, u.position,
                    u.location, u.email, u.custom, u.tags, $12, $12
               FROM UNNEST($2::TEXT[], $3::TEXT[], $4::TEXT[], $5::TEXT[], $6::TEXT[],
                           $7::TEXT[], $8::TEXT[], $9::TEXT[], $10::TEXT[], $11::TEXT[])
                    WITH ORDINALITY
                    AS u(url, first_name, last_name, headline, company, position, location,
                         email, custom, tags, n)
              ORDER BY u.n
             RETURNING id",
    )
    .bind(ws.get())
    .bind(urls)
    .bind(text(|l| &l.first_name))
    .bind(text(|l| &l.last_name))
    .bind(text(|l| &l.headline))
    .bind(text(|l| &l.company))
    .bind(text(|l| &l.position))
    .bind(text(|l| &l.location))
    .bind(text(|l| &l.email))
    .bind(custom)
    .bind(tags)
    .bind(at)
    .fetch_all(&mut *tx)
    .await
    .map_err(db_err(WHAT, "stored by another import meanwhile"))?;
    inserted.iter().map(|row| col(row, WHAT, "id")).collect()
}
