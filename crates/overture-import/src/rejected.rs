//! Writing rejected rows back out, so they can be fixed and imported again.

use std::borrow::Cow;
use std::ffi::OsString;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::read::RejectedRow;

/// Writes `rows` as CSV: the original columns under `headers`, then a `line` and a `reason`
/// column. A cell that a spreadsheet would run as a formula (it starts with `=`, `+`, `-`,
/// `@`, tab or carriage return) gets a leading `'`.
pub fn write_rejected(
    rows: &[RejectedRow],
    headers: &[String],
    writer: impl Write,
) -> io::Result<()> {
    // A row may have more fields than the header; pad so `line` and `reason` line up.
    let width = rows
        .iter()
        .map(|r| r.record.len())
        .fold(headers.len(), usize::max);
    let mut out = csv::WriterBuilder::new()
        .flexible(false)
        .from_writer(writer);
    let padded = |cells: &[String]| -> Vec<String> {
        let mut row: Vec<String> = cells.iter().map(|c| neutralise(c).into_owned()).collect();
        row.resize(width, String::new());
        row
    };
    let mut header = padded(headers);
    header.extend(["line".to_owned(), "reason".to_owned()]);
    out.write_record(&header)?;
    for row in rows {
        let mut record = padded(&row.record);
        record.push(row.line.to_string());
        record.push(neutralise(&row.reason.to_string()).into_owned());
        out.write_record(&record)?;
    }
    out.flush()
}

/// Prefixes a `'` to a cell that starts with a spreadsheet formula trigger.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Where the rejected rows of `path` go: `leads.csv` gives `leads.rejected.csv` next to it; a
/// file without extension gets `.rejected.csv`.
pub fn rejected_path(path: &Path) -> PathBuf {
    let stem = path.file_stem().unwrap_or(path.as_os_str());
    let mut name = OsString::from(stem);
    name.push(".rejected.");
    name.push(path.extension().unwrap_or("csv".as_ref()));
    path.with_file_name(name)
}
