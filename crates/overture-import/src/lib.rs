//! Lead import: turns real-world CSV files into validated, de-duplicated
//! [`overture_core::NewLead`]s.
//!
//! It copes with what spreadsheets and lead tools export: a BOM, CRLF line ends, quoted
//! fields with commas and line breaks, `;` or tab delimiters, and many spellings of the same
//! header (`First Name`, `firstName`, `LinkedIn URL`, ...), with explicit `--map` mappings
//! for the rest. Every row needs a LinkedIn profile URL; rows about the same person are
//! merged. A bad file names the file, the line and the column, and imports nothing unless the
//! caller asks to skip invalid rows.
//!
//! This crate does no database IO and must not depend on a store: it returns a [`LeadBatch`]
//! and the caller stores it. Besides the reader it reads no files, except in the
//! [`read_leads_path`] convenience.

mod error;
mod index;
mod mapping;
mod read;
mod rejected;
mod row;
pub mod sample;

pub use error::{ImportError, MappingError, RowError, RowProblem};
pub use mapping::{ColumnMapping, LeadField, parse_mapping};
pub use read::{
    ImportOptions, LeadBatch, MAX_REPORTED_ROWS, RejectedRow, read_leads, read_leads_path,
};
pub use rejected::{neutralise, rejected_path, write_rejected};
