//! `GET /leads`: the lead lists and a page of leads; `POST /leads`: a CSV upload (members and
//! up), with the same rules as `overture leads import`.

use axum::extract::{Multipart, Query, State};
use axum::response::Response;
use overture_auth::Action;
use overture_core::LeadId;
use overture_store::LeadQuery;
use serde::{Deserialize, Serialize};

use super::invitations::lead_name;
use super::shown;
use crate::AppState;
use crate::web::render::{WebError, render};
use crate::web::session::{Layout, Signed, layout};

/// Rows per page.
const PAGE: u32 = 50;

#[derive(Debug, Default, Deserialize)]
pub(super) struct Filters {
    #[serde(default)]
    list: String,
    #[serde(default)]
    after: Option<i64>,
}

#[derive(Debug, Serialize)]
struct Row {
    id: i64,
    name: String,
    profile_url: String,
    company: String,
    email: String,
    added: String,
}

#[derive(Debug, Serialize)]
struct ListRow {
    name: String,
    size: u64,
}

#[derive(Debug, Serialize)]
struct Page {
    layout: Layout,
    lists: Vec<ListRow>,
    list: String,
    rows: Vec<Row>,
    next: Option<i64>,
    notice: Option<String>,
    error: Option<String>,
    /// The upload form's list: the one shown, or the one a refused upload named.
    upload_list: String,
}

/// Why an upload was refused, and the list it named (kept in the form).
struct Refused {
    message: String,
    list: String,
}

/// The page, with what an upload did or why it was refused.
async fn render_page(
    state: &AppState,
    signed: &Signed,
    filters: &Filters,
    notice: Option<String>,
    refused: Option<Refused>,
) -> Result<Response, WebError> {
    let ws = signed.workspace;
    let list = filters.list.trim();
    let leads = state
        .store
        .leads(
            ws,
            LeadQuery {
                list: (!list.is_empty()).then(|| list.to_owned()),
                after: filters.after.map(LeadId),
                limit: PAGE,
            },
        )
        .await?;
    let next = (leads.len() == PAGE as usize)
        .then(|| leads.last().map(|l| l.id.get()))
        .flatten();
    let rows = leads
        .iter()
        .map(|l| Row {
            id: l.id.get(),
            name: lead_name(l),
            profile_url: l.data.profile_url.to_string(),
            company: l.data.company.clone().unwrap_or_default(),
            email: l.data.email.clone().unwrap_or_default(),
            added: shown(l.created_at),
        })
        .collect();
    let lists = state
        .store
        .lead_lists(ws)
        .await?
        .into_iter()
        .map(|(l, size)| ListRow { name: l.name, size })
        .collect();
    let layout = layout(state, signed, "leads").await?;
    Ok(render(
        "leads.html",
        Page {
            layout,
            lists,
            list: list.to_owned(),
            rows,
            next,
            notice,
            upload_list: refused
                .as_ref()
                .map_or_else(|| list.to_owned(), |r| r.list.clone()),
            error: refused.map(|r| r.message),
        },
    ))
}

/// `GET /leads`.
pub(super) async fn page(
    State(state): State<AppState>,
    signed: Signed,
    Query(filters): Query<Filters>,
) -> Result<Response, WebError> {
    render_page(&state, &signed, &filters, None, None).await
}

/// `POST /leads`: the multipart form's `list` and `file`.
pub(super) async fn upload(
    State(state): State<AppState>,
    signed: Signed,
    mut form: Multipart,
) -> Result<Response, WebError> {
    signed.may(Action::WriteData)?;
    let mut list = String::new();
    let mut file: Option<Vec<u8>> = None;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| WebError::BadRequest(format!("the upload did not read: {e}")))?
    {
        match field.name() {
            Some("list") => list = field.text().await.unwrap_or_default(),
            Some("file") => {
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| WebError::BadRequest(format!("the file did not read: {e}")))?;
                file = Some(bytes.to_vec());
            }
            _ => {}
        }
    }
    let filters = Filters {
        list: list.trim().to_owned(),
        after: None,
    };
    let outcome = crate::web::actions::import_leads(&state, signed.workspace, &list, file).await;
    match outcome {
        Ok(notice) => render_page(&state, &signed, &filters, Some(notice), None).await,
        Err(WebError::BadRequest(message)) => {
            // Nothing was imported: the list may not exist.
            let all = Filters::default();
            let refused = Refused {
                message,
                list: list.trim().to_owned(),
            };
            let mut r = render_page(&state, &signed, &all, None, Some(refused)).await?;
            *r.status_mut() = axum::http::StatusCode::BAD_REQUEST;
            Ok(r)
        }
        Err(e) => Err(e),
    }
}
