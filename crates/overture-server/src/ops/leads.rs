//! Importing leads from CSV text.

use jiff::Timestamp;
use overture_core::WorkspaceId;
use overture_import::{ImportError, ImportOptions, read_leads};
use overture_store::Store;
use serde::Serialize;

use super::{OpsError, Problem};

/// The list leads go on when the upload names none.
pub const DEFAULT_LIST: &str = "uploads";

/// The name errors give the uploaded text.
const FILE: &str = "upload.csv";

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LeadImport {
    /// The list the leads are on.
    pub list: String,
    /// Leads not stored before.
    pub imported: u64,
    /// Stored leads the file changed.
    pub updated: u64,
    /// Stored leads the file brought nothing new for.
    pub unchanged: u64,
    /// Rows merged into an earlier row about the same person.
    pub duplicates_merged: u64,
}

pub(super) async fn import_csv<S: Store>(
    store: &S,
    ws: WorkspaceId,
    csv: &[u8],
    list: Option<&str>,
    now: Timestamp,
) -> Result<LeadImport, OpsError> {
    let list = match list.map(str::trim) {
        None => DEFAULT_LIST,
        Some("") => return Err(OpsError::invalid("list: give the list a name")),
        Some(name) => name,
    };
    // Everything is read and checked before the store is touched: a bad file changes nothing.
    let options = ImportOptions::default();
    let batch = read_leads(csv, FILE, &options).map_err(invalid_file)?;
    let outcome = store
        .import_leads(ws, list, &batch.leads, now, &|_| {})
        .await?;
    Ok(LeadImport {
        list: list.to_owned(),
        imported: outcome.imported,
        updated: outcome.updated,
        unchanged: outcome.unchanged,
        duplicates_merged: batch.duplicates_merged as u64,
    })
}

/// A file that cannot be imported, with every invalid row by line and field.
fn invalid_file(e: ImportError) -> OpsError {
    match e {
        ImportError::InvalidRows { rows, total, .. } => {
            let problems: Vec<Problem> = rows
                .iter()
                .map(|r| Problem {
                    line: Some(r.line),
                    column: None,
                    field: r.reason.field.clone(),
                    message: r.reason.problem.to_string(),
                })
                .collect();
            let first = rows
                .first()
                .map(|r| format!("{FILE}:{}: {}", r.line, r.reason))
                .unwrap_or_default();
            let more = match total.saturating_sub(1) {
                0 => String::new(),
                1 => " (and 1 more invalid row)".to_owned(),
                n => format!(" (and {n} more invalid rows)"),
            };
            OpsError::Invalid {
                message: format!(
                    "{first}{more}; nothing was imported: fix the rows and upload the file again"
                ),
                problems,
            }
        }
        ImportError::NoProfileUrlColumn { headers, .. } => OpsError::invalid(format!(
            "{FILE}:1: no LinkedIn profile URL column among the headers {}; name the column \
             `profile_url` (or `LinkedIn URL`); nothing was imported",
            headers
                .iter()
                .map(|h| format!("`{h}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        other => OpsError::Invalid {
            message: format!("{other}; nothing was imported"),
            problems: vec![Problem {
                line: matches!(
                    other,
                    ImportError::DuplicateHeader { .. } | ImportError::SameField { .. }
                )
                .then_some(1),
                ..Problem::new(other.to_string())
            }],
        },
    }
}
