//! Reading a lead CSV into validated, de-duplicated leads.

use std::fs::File;
use std::io::{self, Cursor, Read};
use std::path::Path;

use csv::{ByteRecord, ReaderBuilder};
use overture_core::NewLead;

use crate::error::{ImportError, RowError};
use crate::index::LeadIndex;
use crate::lines::LineBreaks;
use crate::mapping::{ColumnMapping, plan_columns};
use crate::row::read_row;

/// The most invalid rows kept in [`ImportError::InvalidRows`]; the total is counted anyway.
pub const MAX_REPORTED_ROWS: usize = 1000;

/// How much of the file is looked at to guess the delimiter.
const SNIFF_LIMIT: usize = 64 * 1024;

/// How to read a lead file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Explicit column mappings; they win over the built-in header aliases.
    pub mappings: Vec<ColumnMapping>,
    /// Import the valid rows and return the invalid ones in [`LeadBatch::rejected`], instead
    /// of failing the whole read.
    pub skip_invalid: bool,
}

/// The leads read from one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeadBatch {
    /// One lead per person (by normalised profile URL), in order of first appearance.
    pub leads: Vec<NewLead>,
    /// How many rows were merged into an earlier row about the same person.
    pub duplicates_merged: usize,
    /// Invalid rows, in file order (only with [`ImportOptions::skip_invalid`]).
    pub rejected: Vec<RejectedRow>,
    /// The header row, trimmed, as written.
    pub headers: Vec<String>,
}

/// A data row that was not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    /// The physical line where the row starts, 1-based; the header is line 1.
    pub line: u64,
    /// Why the row was not imported.
    pub reason: RowError,
    /// The row's cells as written (invalid UTF-8 replaced by U+FFFD).
    pub record: Vec<String>,
}

/// Reads leads from CSV bytes: UTF-8 with or without BOM, CRLF or LF line ends, and `,`, `;`
/// or tab delimiters (guessed from the header line). `file_name` only labels errors.
///
/// Rows are keyed by normalised profile URL; a later row about the same person fills the
/// fields the earlier one left empty ([`NewLead::fill_from`]). Rows whose cells are all empty
/// are skipped. A row is invalid when its profile URL is missing or not a LinkedIn profile,
/// when its email fails a light check (an invalid email rejects the row rather than being
/// dropped, so that later email steps never see a half-imported person), or when its number
/// of fields differs from the header's. Without [`ImportOptions::skip_invalid`] any invalid
/// row fails the whole read; the error lists the invalid rows (up to [`MAX_REPORTED_ROWS`])
/// and counts them all.
pub fn read_leads(
    source: impl Read,
    file_name: &str,
    options: &ImportOptions,
) -> Result<LeadBatch, ImportError> {
    let io_error = |source| ImportError::Io {
        file: file_name.to_owned(),
        source,
    };
    let (delimiter, source) = sniff(source).map_err(io_error)?;
    let mut reader = ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .buffer_capacity(SNIFF_LIMIT)
        .from_reader(LineBreaks::new(source));
    let csv_error = |source| ImportError::Csv {
        file: file_name.to_owned(),
        source,
    };
    let headers: Vec<String> = reader
        .byte_headers()
        .map_err(csv_error)?
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_owned())
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err(ImportError::Empty {
            file: file_name.to_owned(),
        });
    }
    let plan = plan_columns(file_name, &headers, &options.mappings)?;

    let mut batch = LeadBatch::default();
    let mut by_url = LeadIndex::default();
    let mut invalid_total = 0;
    let mut record = ByteRecord::new();
    while reader.read_byte_record(&mut record).map_err(csv_error)? {
        let offset = record.position().map_or(0, csv::Position::byte);
        let line = reader.get_mut().line_of_row_at(offset);
        let lead = match read_row(&plan, &headers, &record) {
            Ok(Some(lead)) => lead,
            Ok(None) => continue,
            Err(reason) => {
                invalid_total += 1;
                if options.skip_invalid || batch.rejected.len() < MAX_REPORTED_ROWS {
                    let record = record.iter().map(lossy).collect();
                    batch.rejected.push(RejectedRow {
                        line,
                        reason,
                        record,
                    });
                }
                continue;
            }
        };
        if invalid_total > 0 && !options.skip_invalid {
            // The read will fail; only keep validating.
            continue;
        }
        match by_url.find_or_insert(&batch.leads, &lead.profile_url) {
            Some(earlier) => {
                if let Some(earlier) = batch.leads.get_mut(earlier) {
                    earlier.fill_from(&lead);
                }
                batch.duplicates_merged += 1;
            }
            None => batch.leads.push(lead),
        }
    }
    if invalid_total > 0 && !options.skip_invalid {
        return Err(ImportError::InvalidRows {
            file: file_name.to_owned(),
            rows: batch.rejected,
            total: invalid_total,
        });
    }
    batch.headers = headers;
    Ok(batch)
}

/// [`read_leads`] on a file; errors name the file by its path as given.
pub fn read_leads_path(
    path: impl AsRef<Path>,
    options: &ImportOptions,
) -> Result<LeadBatch, ImportError> {
    let path = path.as_ref();
    let file_name = path.display().to_string();
    let file = File::open(path).map_err(|source| ImportError::Io {
        file: file_name.clone(),
        source,
    })?;
    read_leads(file, &file_name, options)
}

fn lossy(cell: &[u8]) -> String {
    String::from_utf8_lossy(cell).into_owned()
}

/// Reads the start of `source` (through the first line break), drops a UTF-8 BOM and guesses
/// the delimiter from the header line: whichever of `,`, `;` and tab occurs most outside
/// quotes, `,` on a tie. Returns the delimiter and a reader over the whole input.
fn sniff(mut source: impl Read) -> io::Result<(u8, impl Read)> {
    let mut prefix = Vec::with_capacity(8 * 1024);
    let mut chunk = [0u8; 8 * 1024];
    while !prefix.contains(&b'\n') && prefix.len() < SNIFF_LIMIT {
        match source.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => prefix.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    if prefix.starts_with(b"\xEF\xBB\xBF") {
        prefix.drain(..3);
    }
    let first_line = prefix.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let delimiter = guess_delimiter(first_line);
    Ok((delimiter, Cursor::new(prefix).chain(source)))
}

fn guess_delimiter(line: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in line {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let candidates = [b',', b';', b'\t'];
    let mut best = 0;
    for i in 1..candidates.len() {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    candidates[best]
}
