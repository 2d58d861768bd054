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
//! The [`export`] module reads the user's own LinkedIn data export (`Connections.csv`,
//! `Invitations.csv`, `messages.csv`, `Profile.csv`, in a zip or a folder) and analyses it.
//!
//! This crate does no database IO and must not depend on a store: it returns a [`LeadBatch`]
//! and the caller stores it. Besides the reader it reads no files, except in the
//! [`read_leads_path`] and [`export::ExportFiles::read_path`] conveniences, and it never reads
//! the clock: `now` is a parameter.

mod error;
pub mod export;
mod index;
mod lines;
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
