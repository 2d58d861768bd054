//! `/api/v1/leads` and `/api/v1/lists`: uploading leads as CSV, reading them a page at a time,
//! erasing a person, and the lists.

use std::collections::{BTreeMap, BTreeSet};

use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use overture_auth::Action;
use overture_core::{Lead, LeadId};
use overture_store::LeadQuery;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::caller::{ApiError, Caller, ErrorBody, path_id};
use crate::lists::{Page, page_size};
use crate::ops::LeadImport;

/// Where an upload goes.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadTarget {
    /// The list the leads go on (created when missing; `uploads` when absent).
    pub list: Option<String>,
}

/// Uploads leads as CSV (`text/csv`), with the command line's rules: a header row, a LinkedIn
/// profile URL per row (`profile_url`, `LinkedIn URL`, … as headers), rows about the same
/// person merged. All or nothing: an invalid row is a 400 naming its line and field, and
/// nothing is imported.
#[utoipa::path(
    post,
    path = "/api/v1/leads",
    tag = "leads",
    security(("token" = [])),
    params(UploadTarget),
    request_body(content = String, content_type = "text/csv", description = "The CSV file"),
    responses(
        (status = 201, body = LeadImport),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 415, body = ErrorBody, description = "The body is not `text/csv`"),
    )
)]
pub async fn upload_leads(
    State(state): State<AppState>,
    caller: Caller,
    target: Result<Query<UploadTarget>, QueryRejection>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<LeadImport>), ApiError> {
    caller.may(Action::WriteData)?;
    let Query(target) = target.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().to_ascii_lowercase().starts_with("text/csv"));
    if !csv {
        return Err(ApiError::UnsupportedMediaType(
            "send the leads as a CSV file with `Content-Type: text/csv`".into(),
        ));
    }
    let imported = state
        .store
        .import_leads_csv(
            caller.workspace,
            &body,
            target.list.as_deref(),
            state.clock.now(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(imported)))
}

/// The filters of the leads list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LeadFilter {
    /// Only the leads on this list.
    pub list: Option<String>,
    /// The previous page's `next`.
    pub after: Option<i64>,
    /// How many (1 to 500, 100 by default).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

/// A lead.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LeadView {
    /// Its id.
    pub id: i64,
    /// The LinkedIn profile, the person's key.
    pub profile_url: String,
    /// First name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Headline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    /// Company.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// Position.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<String>,
    /// Location.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Email address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Other columns, by name.
    pub custom: BTreeMap<String, String>,
    /// Tags.
    pub tags: BTreeSet<String>,
    /// When it was first stored (RFC 3339).
    pub created_at: String,
    /// When it last changed (RFC 3339).
    pub updated_at: String,
}

fn lead_view(lead: Lead) -> LeadView {
    let d = lead.data;
    LeadView {
        id: lead.id.get(),
        profile_url: d.profile_url.to_string(),
        first_name: d.first_name,
        last_name: d.last_name,
        headline: d.headline,
        company: d.company,
        position: d.position,
        location: d.location,
        email: d.email,
        custom: d.custom,
        tags: d.tags,
        created_at: lead.created_at.to_string(),
        updated_at: lead.updated_at.to_string(),
    }
}

/// The workspace's leads (or one list's), by id, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/leads",
    tag = "leads",
    security(("token" = [])),
    params(LeadFilter),
    responses(
        (status = 200, body = Page<LeadView>),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "No list of that name"),
    )
)]
pub async fn list_leads(
    State(state): State<AppState>,
    caller: Caller,
    filter: Result<Query<LeadFilter>, QueryRejection>,
) -> Result<Json<Page<LeadView>>, ApiError> {
    caller.may(Action::ReadData)?;
    let Query(filter) = filter.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let limit = page_size(filter.limit)?;
    let query = LeadQuery {
        list: filter.list,
        after: filter.after.map(LeadId::from),
        limit: limit + 1,
    };
    let mut rows = state.store.leads(caller.workspace, query).await?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next = more.then(|| rows.last().map(|l| l.id.get())).flatten();
    let items = rows.into_iter().map(lead_view).collect();
    Ok(Json(Page { items, next }))
}

/// One lead.
#[utoipa::path(
    get,
    path = "/api/v1/leads/{id}",
    tag = "leads",
    security(("token" = [])),
    params(("id" = i64, Path, description = "The lead's id")),
    responses(
        (status = 200, body = LeadView),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
pub async fn get_lead(
    State(state): State<AppState>,
    caller: Caller,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<LeadView>, ApiError> {
    caller.may(Action::ReadData)?;
    let lead = state.store.lead(caller.workspace, path_id(id)?).await?;
    Ok(Json(lead_view(lead)))
}

/// What an erasure removed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErasureView {
    /// Enrollments deleted.
    pub enrollments: u64,
    /// Invitations deleted.
    pub invitations: u64,
    /// Queued actions deleted.
    pub actions: u64,
    /// Events whose details were removed.
    pub events: u64,
    /// Hashed suppression entries added (profile, address).
    pub suppressed: u64,
}

/// Erases a person: the lead, its list places, enrollments, invitations, queued actions and
/// messages go, and its events keep only their kind and time. Only hashes of the profile URL
/// and address stay on the suppression list, so the person is never contacted again (an
/// import that brings them back puts them on the list at once).
#[utoipa::path(
    delete,
    path = "/api/v1/leads/{id}",
    tag = "leads",
    security(("token" = [])),
    params(("id" = i64, Path, description = "The lead's id")),
    responses(
        (status = 200, body = ErasureView),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
pub async fn erase_lead(
    State(state): State<AppState>,
    caller: Caller,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<ErasureView>, ApiError> {
    caller.may(Action::WriteData)?;
    let erased = state
        .store
        .erase_lead(caller.workspace, path_id(id)?, state.clock.now())
        .await?;
    Ok(Json(ErasureView {
        enrollments: erased.enrollments,
        invitations: erased.invitations,
        actions: erased.actions,
        events: erased.events,
        suppressed: erased.suppressed,
    }))
}

/// A lead list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ListView {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// How many leads are on it.
    pub leads: u64,
    /// When it was made (RFC 3339).
    pub created_at: String,
}

/// The workspace's lead lists.
#[utoipa::path(
    get,
    path = "/api/v1/lists",
    tag = "leads",
    security(("token" = [])),
    responses((status = 200, body = [ListView]), (status = 401, body = ErrorBody))
)]
pub async fn list_lists(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<ListView>>, ApiError> {
    caller.may(Action::ReadData)?;
    let lists = state.store.lead_lists(caller.workspace).await?;
    Ok(Json(
        lists
            .into_iter()
            .map(|(list, leads)| ListView {
                id: list.id.get(),
                name: list.name,
                leads,
                created_at: list.created_at.to_string(),
            })
            .collect(),
    ))
}
