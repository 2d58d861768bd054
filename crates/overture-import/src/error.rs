//! Errors of lead import: bad mappings, bad files and bad rows.

use std::fmt;
use std::io;

use overture_core::ProfileUrlError;

/// Why a `--map` specification cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MappingError {
    /// The specification has no `=` between column and field.
    #[error("`{spec}` is not a mapping (expected \"Column Header=field\")")]
    MissingEquals {
        /// The specification as given.
        spec: String,
    },
    /// Nothing before the `=`.
    #[error("`{spec}` names no column (expected \"Column Header=field\")")]
    EmptyColumn {
        /// The specification as given.
        spec: String,
    },
    /// The field is not one Overture knows.
    #[error(
        "`{field}` is not a lead field (use one of profile_url, first_name, last_name, \
         full_name, headline, company, position, location, email, tags, custom:NAME, ignore)"
    )]
    UnknownField {
        /// The field as given.
        field: String,
    },
    /// `custom:` without a name.
    #[error("a custom field needs a name, as in custom:Source")]
    EmptyCustomName,
}

/// Why a lead file cannot be imported. Nothing is imported when this is returned.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Reading the file failed.
    #[error("{file}: {source}")]
    Io {
        /// The file name.
        file: String,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The CSV reader failed for a reason other than IO.
    #[error("{file}: {source}")]
    Csv {
        /// The file name.
        file: String,
        /// The cause.
        #[source]
        source: csv::Error,
    },
    /// The file has no header row.
    #[error("{file}: the file is empty (expected a header row)")]
    Empty {
        /// The file name.
        file: String,
    },
    /// No column holds LinkedIn profile URLs.
    #[error(
        "{file}: no LinkedIn profile URL column among the headers {}; name it with \
         --map \"COLUMN=profile_url\"",
        list(headers)
    )]
    NoProfileUrlColumn {
        /// The file name.
        file: String,
        /// The headers found.
        headers: Vec<String>,
    },
    /// The same header appears twice.
    #[error(
        "{file}:1: the header `{header}` appears twice (columns {first} and {second}); \
         rename one of them"
    )]
    DuplicateHeader {
        /// The file name.
        file: String,
        /// The repeated header.
        header: String,
        /// The first column holding it, 1-based.
        first: usize,
        /// The second column holding it, 1-based.
        second: usize,
    },
    /// Two columns feed the same field.
    #[error(
        "{file}:1: columns `{first}` and `{second}` both map to {field}; \
         pass --map \"{second}=ignore\" (or another field) to choose"
    )]
    SameField {
        /// The file name.
        file: String,
        /// The field both feed.
        field: String,
        /// The first column's header.
        first: String,
        /// The second column's header.
        second: String,
    },
    /// A `--map` names a column the file does not have.
    #[error(
        "{file}: --map names the column `{column}`, which is not among the headers {}",
        list(headers)
    )]
    MappedColumnNotFound {
        /// The file name.
        file: String,
        /// The column as given in the mapping.
        column: String,
        /// The headers found.
        headers: Vec<String>,
    },
    /// Two `--map` options name the same column.
    #[error("{file}: the column `{column}` is mapped twice")]
    ConflictingMappings {
        /// The file name.
        file: String,
        /// The column's header.
        column: String,
    },
    /// Some rows are invalid (and `skip_invalid` is off). The first one is in the message.
    #[error("{file}:{}", InvalidRowsMessage(rows, *total))]
    InvalidRows {
        /// The file name.
        file: String,
        /// The invalid rows in file order (at most [`crate::MAX_REPORTED_ROWS`]; never empty).
        rows: Vec<crate::RejectedRow>,
        /// How many rows are invalid in all.
        total: usize,
    },
}

fn list(headers: &[String]) -> String {
    if headers.is_empty() {
        return "(none)".to_owned();
    }
    let quoted: Vec<String> = headers.iter().map(|h| format!("`{h}`")).collect();
    quoted.join(", ")
}

struct InvalidRowsMessage<'a>(&'a [crate::RejectedRow], usize);

impl fmt::Display for InvalidRowsMessage<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let InvalidRowsMessage(rows, total) = *self;
        let Some(first) = rows.first() else {
            return write!(f, " {total} invalid rows");
        };
        write!(f, "{}: {}", first.line, first.reason)?;
        match total.saturating_sub(1) {
            0 => write!(
                f,
                " (fix the row, or pass --skip-invalid to import the rest)"
            ),
            1 => write!(
                f,
                " (and 1 more invalid row; fix them, or pass --skip-invalid to import the rest)"
            ),
            more => write!(
                f,
                " (and {more} more invalid rows; fix them, or pass --skip-invalid to import the rest)"
            ),
        }
    }
}

/// Why one data row cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowProblem {
    /// The profile URL is not a LinkedIn member profile.
    #[error(transparent)]
    ProfileUrl(#[from] ProfileUrlError),
    /// The email address fails the light check (one `@`, a dot in the domain, no spaces).
    #[error("`{value}` is not an email address")]
    InvalidEmail {
        /// The value as written.
        value: String,
    },
    /// A cell the import uses is not UTF-8.
    #[error("the value is not valid UTF-8 (save the file as UTF-8)")]
    NotUtf8,
    /// The row has a different number of fields than the header.
    #[error("the row has {found} fields but the header has {expected}")]
    FieldCount {
        /// Fields in this row.
        found: usize,
        /// Fields in the header.
        expected: usize,
    },
}

/// A problem with one row, and the column it is in when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The header of the column at fault, as written.
    pub field: Option<String>,
    /// What is wrong.
    pub problem: RowProblem,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "field `{field}`: {}", self.problem),
            None => write!(f, "{}", self.problem),
        }
    }
}

impl std::error::Error for RowError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.problem)
    }
}
