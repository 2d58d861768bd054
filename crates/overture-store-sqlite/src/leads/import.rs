//! The bulk import of leads onto a list.
//!
//! Every chunk of people costs a handful of statements whatever its size: the chunk travels as
//! one JSON text parameter that SQLite takes apart with `jsonb_each` (whose values are
//! binary JSON, so `->>` does not parse text again), instead of one statement, with its own
//! parameters, per person. Likewise the stored leads of a chunk come back as one JSON text
//! rather than as a row per lead.

use std::borrow::{Borrow, Cow};
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::Timestamp;
use overture_core::{EventKind, LeadListId, NewLead, WorkspaceId};
use overture_store::{ImportOutcome, StoreError};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use crate::sqlite_store::{
    SqliteStore, exec, found, ms, require_workspace, scalar, to_json, unavailable,
};

const WHAT: &str = "lead";

/// People per chunk: one lookup, insert, update and list statement each, and the step at
/// which progress is reported.
const CHUNK: usize = 5_000;

impl SqliteStore {
    pub(crate) fn import_leads_impl(
        &self,
        ws: WorkspaceId,
        list_name: &str,
        leads: &[NewLead],
        now: Timestamp,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<ImportOutcome, StoreError> {
        let people = People::merge(leads);

        self.write_large(|tx| {
            require_workspace(tx, ws)?;
            let list_id = ensure_list(tx, ws, list_name, now)?;
            // The people are distinct, so no chunk can find the rows of another chunk: without
            // leads at the start there is nothing to look up.
            let had_leads: bool = found(
                scalar(
                    tx,
                    "SELECT EXISTS (SELECT 1 FROM leads WHERE workspace_id = ?1)",
                    [ws.get()],
                )?,
                WHAT,
                ws,
            )?;
            let max_id = max_lead_id(tx)?;

            let stamp = ms(now);
            let mut outcome = ImportOutcome::default();
            let mut processed = 0_usize;
            for chunk in people.first.chunks(CHUNK) {
                let stored = if had_leads {
                    Some(lookup(tx, ws, urls_json(&people, chunk)?)?)
                } else {
                    None
                };
                let mut prepared = prepare(&people, chunk, stored.as_deref())?;
                write(tx, ws, list_id, &mut prepared, stamp)?;
                outcome.imported += prepared.outcome.imported;
                outcome.updated += prepared.outcome.updated;
                outcome.unchanged += prepared.outcome.unchanged;
                processed += prepared.people;
                if processed < people.first.len() {
                    progress(processed as u64);
                }
            }
            if outcome.imported > 0 {
                add_new_members(tx, ws, list_id, &people, max_id, outcome.imported)?;
            }
            let imported = people.first.iter().map(|&first| people.get(first));
            crate::erasure::suppress_erased(tx, ws, imported, now)?;

            let data = serde_json::json!({
                "list": list_name,
                "imported": outcome.imported,
                "updated": outcome.updated,
                "unchanged": outcome.unchanged,
            });
            exec(
                tx,
                "INSERT INTO events (workspace_id, kind, at, data) VALUES (?1, ?2, ?3, ?4)",
                params![
                    ws.get(),
                    EventKind::LeadsImported.as_str(),
                    stamp,
                    data.to_string(),
                ],
                unavailable,
            )?;
            progress(leads.len() as u64);
            Ok(outcome)
        })
    }
}

/// The distinct people among the given rows, in order of first appearance. Rows about the
/// same person are merged in order, later rows updating earlier ones; only those merged
/// people are copied.
struct People<'a> {
    leads: &'a [NewLead],
    /// The index of each person's first row.
    first: Vec<usize>,
    /// The merged data of people with more than one row, by their first row.
    merged: HashMap<usize, NewLead>,
}

impl<'a> People<'a> {
    fn merge(leads: &'a [NewLead]) -> Self {
        let mut by_slug: HashMap<&str, usize> = HashMap::with_capacity(leads.len());
        let mut first = Vec::with_capacity(leads.len());
        let mut merged: HashMap<usize, NewLead> = HashMap::new();
        for (i, lead) in leads.iter().enumerate() {
            match by_slug.entry(lead.profile_url.slug()) {
                Entry::Vacant(entry) => {
                    entry.insert(i);
                    first.push(i);
                }
                Entry::Occupied(entry) => {
                    let at = *entry.get();
                    merged
                        .entry(at)
                        .or_insert_with(|| leads[at].clone())
                        .update_from(lead);
                }
            }
        }
        Self {
            leads,
            first,
            merged,
        }
    }

    /// The person whose first row is `first`.
    fn get(&self, first: usize) -> &NewLead {
        self.merged.get(&first).unwrap_or(&self.leads[first])
    }
}

/// The id of the named list, created if missing.
fn ensure_list(
    tx: &Connection,
    ws: WorkspaceId,
    name: &str,
    now: Timestamp,
) -> Result<LeadListId, StoreError> {
    let existing: Option<i64> = scalar(
        tx,
        "SELECT id FROM lead_lists WHERE workspace_id = ?1 AND name = ?2",
        params![ws.get(), name],
    )?;
    if let Some(id) = existing {
        return Ok(LeadListId(id));
    }
    let id: i64 = found(
        scalar(
            tx,
            "INSERT INTO lead_lists (workspace_id, name, created_at) VALUES (?1, ?2, ?3) \
             RETURNING id",
            params![ws.get(), name, ms(now)],
        )?,
        "lead list",
        name,
    )?;
    Ok(LeadListId(id))
}

/// The largest lead id of all workspaces, 0 without leads.
fn max_lead_id(tx: &Connection) -> Result<i64, StoreError> {
    found(
        scalar(tx, "SELECT coalesce(max(id), 0) FROM leads", [])?,
        WHAT,
        "largest id",
    )
}

/// The profile URLs of the chunk's people as a JSON array.
fn urls_json(people: &People<'_>, chunk: &[usize]) -> Result<String, StoreError> {
    let urls: Vec<_> = chunk.iter().map(|&i| &people.get(i).profile_url).collect();
    to_json(WHAT, &urls)
}

/// The stored leads among a chunk's people, given by their URLs ([`urls_json`]), as JSON
/// text for [`parse_stored`]. One text for the whole chunk, which the parsed leads borrow
/// from: rows read column by column would need a copy of every text to outlive the statement.
fn lookup(tx: &Connection, ws: WorkspaceId, urls: String) -> Result<String, StoreError> {
    // `CROSS JOIN` keeps the URLs as the outer loop, so each one is one index search.
    found(
        scalar(
            tx,
            "SELECT json_group_array(json_array(u.key, l.id, l.first_name, l.last_name, l.headline,
                        l.company, l.position, l.location, l.email, l.custom, l.tags))
             FROM json_each(?2) AS u
             CROSS JOIN leads AS l ON l.workspace_id = ?1 AND l.profile_url = u.value",
            params![ws.get(), urls],
        )?,
        WHAT,
        ws,
    )
}

fn parse_stored(text: &str) -> Result<Vec<StoredLead<'_>>, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::corrupt(WHAT, e))
}

/// Text that borrows from the JSON it was read from unless it had escapes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
struct Text<'a>(#[serde(borrow)] Cow<'a, str>);

impl Borrow<str> for Text<'_> {
    fn borrow(&self) -> &str {
        &self.0
    }
}

/// A stored lead as [`lookup`] returns it. `custom` and `tags` are the columns' JSON text.
#[derive(Debug, Deserialize)]
struct StoredLead<'a> {
    /// The person's position in the chunk.
    index: usize,
    id: i64,
    #[serde(borrow)]
    first_name: Option<Text<'a>>,
    #[serde(borrow)]
    last_name: Option<Text<'a>>,
    #[serde(borrow)]
    headline: Option<Text<'a>>,
    #[serde(borrow)]
    company: Option<Text<'a>>,
    #[serde(borrow)]
    position: Option<Text<'a>>,
    #[serde(borrow)]
    location: Option<Text<'a>>,
    #[serde(borrow)]
    email: Option<Text<'a>>,
    #[serde(borrow)]
    custom: Text<'a>,
    #[serde(borrow)]
    tags: Text<'a>,
}

impl StoredLead<'_> {
    fn fields(&self) -> [Option<&str>; 7] {
        [
            &self.first_name,
            &self.last_name,
            &self.headline,
            &self.company,
            &self.position,
            &self.location,
            &self.email,
        ]
        .map(|f| f.as_ref().map(|t| &*t.0))
    }

    /// The stored data updated with `lead` ([`NewLead::update_from`]), or `None` when that
    /// changes nothing. The check runs on the borrowed text, so an unchanged lead (the common
    /// case of a re-import) allocates next to nothing.
    fn updated_by(&self, lead: &NewLead) -> Result<Option<NewLead>, StoreError> {
        let custom: BTreeMap<Text<'_>, Text<'_>> = serde_json::from_str(&self.custom.0)
            .map_err(|e| StoreError::corrupt(WHAT, format!("column custom: {e}")))?;
        let tags: BTreeSet<Text<'_>> = serde_json::from_str(&self.tags.0)
            .map_err(|e| StoreError::corrupt(WHAT, format!("column tags: {e}")))?;
        let given = [
            &lead.first_name,
            &lead.last_name,
            &lead.headline,
            &lead.company,
            &lead.position,
            &lead.location,
            &lead.email,
        ];
        let changed = self
            .fields()
            .into_iter()
            .zip(given)
            .any(|(stored, given)| given.as_deref().is_some_and(|g| stored != Some(g)))
            || lead
                .custom
                .iter()
                .any(|(k, v)| custom.get(k.as_str()).map(|t| &*t.0) != Some(v.as_str()))
            || lead.tags.iter().any(|t| !tags.contains(t.as_str()));
        if !changed {
            return Ok(None);
        }
        let owned = |t: &Option<Text<'_>>| t.as_ref().map(|t| t.0.clone().into_owned());
        let mut data = NewLead {
            profile_url: lead.profile_url.clone(),
            first_name: owned(&self.first_name),
            last_name: owned(&self.last_name),
            headline: owned(&self.headline),
            company: owned(&self.company),
            position: owned(&self.position),
            location: owned(&self.location),
            email: owned(&self.email),
            custom: custom
                .into_iter()
                .map(|(k, v)| (k.0.into_owned(), v.0.into_owned()))
                .collect(),
            tags: tags.into_iter().map(|t| t.0.into_owned()).collect(),
        };
        data.update_from(lead);
        Ok(Some(data))
    }
}

/// Writes leads as a JSON array of arrays, `[key, first_name, last_name, headline, company,
/// position, location, email, custom, tags]`, which SQLite reads by position (`->> n`).
/// `custom` and `tags` are their columns' JSON text.
fn rows_json<'a, K: Serialize>(
    rows: impl ExactSizeIterator<Item = (K, &'a NewLead)>,
) -> Result<String, StoreError> {
    let encoding = |e: serde_json::Error| StoreError::corrupt(WHAT, format!("encoding: {e}"));
    let mut out = Vec::with_capacity(rows.len() * 256);
    let mut custom = Vec::new();
    let mut tags = Vec::new();
    out.push(b'[');
    for (n, (key, lead)) in rows.enumerate() {
        if n > 0 {
            out.push(b',');
        }
        custom.clear();
        serde_json::to_writer(&mut custom, &lead.custom).map_err(encoding)?;
        tags.clear();
        serde_json::to_writer(&mut tags, &lead.tags).map_err(encoding)?;
        let columns = (
            key,
            lead.first_name.as_deref(),
            lead.last_name.as_deref(),
            lead.headline.as_deref(),
            lead.company.as_deref(),
            lead.position.as_deref(),
            lead.location.as_deref(),
            lead.email.as_deref(),
            str_of(&custom)?,
            str_of(&tags)?,
        );
        serde_json::to_writer(&mut out, &columns).map_err(encoding)?;
    }
    out.push(b']');
    String::from_utf8(out).map_err(|e| StoreError::corrupt(WHAT, format!("encoding: {e}")))
}

fn str_of(json: &[u8]) -> Result<&str, StoreError> {
    std::str::from_utf8(json).map_err(|e| StoreError::corrupt(WHAT, format!("encoding: {e}")))
}

/// The statements' parameters for one chunk of people.
#[derive(Debug, Default)]
struct Prepared {
    /// How many people the chunk holds.
    people: usize,
    /// New leads as JSON rows for `insert`.
    insert: Option<String>,
    /// Changed leads as JSON rows for `update`.
    update: Option<String>,
    /// The ids of stored leads, sorted, as a JSON array.
    members: Option<String>,
    /// What writing the chunk does.
    outcome: ImportOutcome,
}

/// Sorts the chunk's people into new, changed and unchanged ones and encodes the
/// statements' parameters. `found` is the chunk's [`lookup`], `None` when nothing was stored
/// before the import.
fn prepare(
    people: &People<'_>,
    chunk: &[usize],
    found: Option<&str>,
) -> Result<Prepared, StoreError> {
    let mut prepared = Prepared {
        people: chunk.len(),
        ..Prepared::default()
    };
    let Some(found) = found else {
        let fresh = chunk.iter().map(|&i| {
            let lead = people.get(i);
            (&lead.profile_url, lead)
        });
        prepared.insert = Some(rows_json(fresh)?);
        prepared.outcome.imported = chunk.len() as u64;
        return Ok(prepared);
    };
    let stored = parse_stored(found)?;
    let mut known: Vec<Option<&StoredLead<'_>>> = vec![None; chunk.len()];
    for row in &stored {
        if let Some(slot) = known.get_mut(row.index) {
            *slot = Some(row);
        }
    }
    let mut fresh = Vec::new();
    let mut changed = Vec::new();
    let mut members = Vec::with_capacity(stored.len());
    for (&first, known) in chunk.iter().zip(known) {
        let lead = people.get(first);
        let Some(row) = known else {
            fresh.push((&lead.profile_url, lead));
            continue;
        };
        members.push(row.id);
        match row.updated_by(lead)? {
            Some(data) => changed.push((row.id, data)),
            None => prepared.outcome.unchanged += 1,
        }
    }
    prepared.outcome.imported = fresh.len() as u64;
    prepared.outcome.updated = changed.len() as u64;
    if !fresh.is_empty() {
        prepared.insert = Some(rows_json(fresh.into_iter())?);
    }
    if !changed.is_empty() {
        prepared.update = Some(rows_json(changed.iter().map(|(id, lead)| (*id, lead)))?);
    }
    if !members.is_empty() {
        members.sort_unstable();
        prepared.members = Some(to_json(WHAT, &members)?);
    }
    Ok(prepared)
}

/// Runs a prepared chunk's statements, taking their parameters out of `chunk`.
fn write(
    tx: &Connection,
    ws: WorkspaceId,
    list_id: LeadListId,
    chunk: &mut Prepared,
    at: i64,
) -> Result<(), StoreError> {
    if let Some(rows) = chunk.insert.take() {
        // New leads, in the given order.
        exec(
            tx,
            "INSERT INTO leads (workspace_id, profile_url, first_name, last_name, headline,
                                company, position, location, email, custom, tags, created_at,
                                updated_at)
             SELECT ?1, r.value ->> 0, r.value ->> 1, r.value ->> 2, r.value ->> 3,
                    r.value ->> 4, r.value ->> 5, r.value ->> 6, r.value ->> 7, r.value ->> 8,
                    r.value ->> 9, ?3, ?3
             FROM jsonb_each(?2) AS r",
            params![ws.get(), rows, at],
            unavailable,
        )?;
    }
    if let Some(rows) = chunk.update.take() {
        exec(
            tx,
            "UPDATE leads SET first_name = r.value ->> 1, last_name = r.value ->> 2,
                 headline = r.value ->> 3, company = r.value ->> 4, position = r.value ->> 5,
                 location = r.value ->> 6, email = r.value ->> 7, custom = r.value ->> 8,
                 tags = r.value ->> 9, updated_at = ?2
             FROM jsonb_each(?1) AS r
             WHERE leads.id = r.value ->> 0",
            params![rows, at],
            unavailable,
        )?;
    }
    if let Some(ids) = chunk.members.take() {
        exec(
            tx,
            "INSERT INTO lead_list_members (list_id, lead_id)
             SELECT ?1, value FROM json_each(?2) WHERE true
             ON CONFLICT DO NOTHING",
            params![list_id.get(), ids],
            unavailable,
        )?;
    }
    Ok(())
}

/// Puts the leads this import inserted on the list.
///
/// SQLite gives a new row the largest id plus one until that is the largest integer, and
/// picks free ids at random only after that. The transaction holds the write lock, so when
/// the largest id grew by exactly the number of inserted leads, the new rows are the ids
/// `max_id + 1 ..= max_id + imported`, and the list gets them without reading the table.
/// Otherwise the people are found by URL.
fn add_new_members(
    tx: &Connection,
    ws: WorkspaceId,
    list_id: LeadListId,
    people: &People<'_>,
    max_id: i64,
    imported: u64,
) -> Result<(), StoreError> {
    let max_after = max_lead_id(tx)?;
    let contiguous = i64::try_from(imported)
        .ok()
        .and_then(|n| max_id.checked_add(n))
        .is_some_and(|last| last == max_after);
    if contiguous {
        exec(
            tx,
            "WITH RECURSIVE new (id) AS (
                 SELECT ?2 + 1 UNION ALL SELECT id + 1 FROM new WHERE id < ?3
             )
             INSERT INTO lead_list_members (list_id, lead_id)
             SELECT ?1, id FROM new WHERE true
             ON CONFLICT DO NOTHING",
            [list_id.get(), max_id, max_after],
            unavailable,
        )?;
        return Ok(());
    }
    for chunk in people.first.chunks(CHUNK) {
        exec(
            tx,
            "INSERT INTO lead_list_members (list_id, lead_id)
             SELECT ?1, l.id FROM json_each(?3) AS u
             CROSS JOIN leads AS l ON l.workspace_id = ?2 AND l.profile_url = u.value
             WHERE true
             ON CONFLICT DO NOTHING",
            params![list_id.get(), ws.get(), urls_json(people, chunk)?],
            unavailable,
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
