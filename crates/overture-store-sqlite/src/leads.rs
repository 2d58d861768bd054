//! Leads and lead lists; the bulk import lives in `import`.

mod import;

use overture_core::{Lead, LeadId, LeadList, LeadListId, NewLead, ProfileUrl, WorkspaceId};
use overture_store::{LeadQuery, StoreError};
use rusqlite::{Row, params};

use crate::sqlite_store::{
    SqliteStore, col, col_json, col_str, col_ts, found, limit, row, rows, scalar,
};

const WHAT: &str = "lead";

/// The columns `decode` reads, as a literal for `concat!` (the history import uses it too).
macro_rules! lead_columns {
    () => {
        "id, workspace_id, profile_url, first_name, last_name, headline, company, position, \
         location, email, custom, tags, created_at, updated_at"
    };
}
pub(crate) use lead_columns;

/// A page of the workspace's leads after a cursor.
pub(crate) const LEADS_PAGE: &str = concat!(
    "SELECT ",
    lead_columns!(),
    " FROM leads WHERE workspace_id = ?1 AND id > ?2 ORDER BY id LIMIT +?3"
);

/// A page of one list's leads after a cursor.
pub(crate) const LIST_PAGE: &str = concat!(
    "SELECT ",
    lead_columns!(),
    " FROM leads WHERE id IN (SELECT lead_id FROM lead_list_members \
     WHERE list_id = ?1 AND lead_id > ?2 ORDER BY lead_id LIMIT +?3) ORDER BY id"
);

pub(crate) fn decode(row: &Row<'_>) -> Result<Lead, StoreError> {
    let profile_url = ProfileUrl::parse(col_str(row, WHAT, "profile_url")?)
        .map_err(|e| StoreError::corrupt(WHAT, e))?;
    Ok(Lead {
        id: LeadId(col(row, WHAT, "id")?),
        workspace_id: WorkspaceId(col(row, WHAT, "workspace_id")?),
        data: decode_data(row, profile_url)?,
        created_at: col_ts(row, WHAT, "created_at")?,
        updated_at: col_ts(row, WHAT, "updated_at")?,
    })
}

/// The person's data from a row, with the key already known.
fn decode_data(row: &Row<'_>, profile_url: ProfileUrl) -> Result<NewLead, StoreError> {
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

impl SqliteStore {
    pub(crate) fn list_leads_impl(
        &self,
        ws: WorkspaceId,
        query: LeadQuery,
    ) -> Result<Vec<Lead>, StoreError> {
        let after = query.after.map_or(0, LeadId::get);
        self.read(|c| match &query.list {
            None => rows(c, LEADS_PAGE, [ws.get(), after, limit(query.limit)], decode),
            Some(name) => {
                let list: Option<i64> = scalar(
                    c,
                    "SELECT id FROM lead_lists WHERE workspace_id = ?1 AND name = ?2",
                    params![ws.get(), name],
                )?;
                let Some(list) = list else {
                    return Err(StoreError::not_found("lead list", name));
                };
                rows(c, LIST_PAGE, [list, after, limit(query.limit)], decode)
            }
        })
    }

    pub(crate) fn lead_impl(&self, ws: WorkspaceId, id: LeadId) -> Result<Lead, StoreError> {
        let lead = self.read(|c| {
            row(
                c,
                concat!(
                    "SELECT ",
                    lead_columns!(),
                    " FROM leads WHERE workspace_id = ?1 AND id = ?2"
                ),
                [ws.get(), id.get()],
                decode,
            )
        })?;
        found(lead, WHAT, id)
    }

    pub(crate) fn lead_by_url_impl(
        &self,
        ws: WorkspaceId,
        url: &ProfileUrl,
    ) -> Result<Option<Lead>, StoreError> {
        self.read(|c| {
            row(
                c,
                concat!(
                    "SELECT ",
                    lead_columns!(),
                    " FROM leads WHERE workspace_id = ?1 AND profile_url = ?2"
                ),
                params![ws.get(), url.as_url()],
                decode,
            )
        })
    }

    pub(crate) fn list_lead_lists_impl(
        &self,
        ws: WorkspaceId,
    ) -> Result<Vec<(LeadList, u64)>, StoreError> {
        self.read(|c| {
            rows(
                c,
                "SELECT l.id, l.workspace_id, l.name, l.created_at,
                        (SELECT count(*) FROM lead_list_members m WHERE m.list_id = l.id) AS members
                 FROM lead_lists l WHERE l.workspace_id = ?1 ORDER BY l.id",
                [ws.get()],
                |row| {
                    let what = "lead list";
                    let members: i64 = col(row, what, "members")?;
                    let list = LeadList {
                        id: LeadListId(col(row, what, "id")?),
                        workspace_id: WorkspaceId(col(row, what, "workspace_id")?),
                        name: col(row, what, "name")?,
                        created_at: col_ts(row, what, "created_at")?,
                    };
                    Ok((list, u64::try_from(members).unwrap_or(0)))
                },
            )
        })
    }
}
