//! Reading one CSV file of an export: the header row found by its content, columns mapped by
//! name, rows read with the physical line they start on.
//!
//! Newer `Connections.csv` files start with a note before the header, so the header is the
//! first row that names every required column, never a fixed line. Headers match without
//! regard to case, spaces, underscores or hyphens (`inviteeProfileUrl`, `SENDER PROFILE URL`).
//! A BOM is dropped, LF and CRLF line ends are both fine, and a spreadsheet that re-saved the
//! file with `;` or tabs is understood too.

use csv::{ByteRecord, ReaderBuilder};
use overture_core::ProfileUrl;

use crate::export::error::{ExportError, FieldProblem};
use crate::mapping::normalise_header;

/// A column a file's reader looks for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column {
    /// The header as LinkedIn writes it.
    pub name: &'static str,
    /// Other spellings, normalised ([`normalise_header`]).
    pub aliases: &'static [&'static str],
    /// Whether the header row must name it.
    pub required: bool,
}

impl Column {
    /// A column the header must name.
    pub(crate) const fn required(name: &'static str) -> Self {
        Column {
            name,
            aliases: &[],
            required: true,
        }
    }

    /// A column that comes and goes between eras.
    pub(crate) const fn optional(name: &'static str, aliases: &'static [&'static str]) -> Self {
        Column {
            name,
            aliases,
            required: false,
        }
    }

    fn matches(&self, normalised: &str) -> bool {
        normalise_header(self.name) == normalised || self.aliases.contains(&normalised)
    }
}

/// The delimiters tried, in order: LinkedIn writes commas; spreadsheets in some locales
/// re-save with semicolons or tabs.
const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

/// An open file: its header found, its columns mapped, reading rows.
#[derive(Debug)]
pub(crate) struct Table<'a> {
    file: &'a str,
    /// The file's text without its BOM, as the reader reads it.
    bytes: &'a [u8],
    reader: csv::Reader<&'a [u8]>,
    /// The header row, trimmed, as written.
    headers: Vec<String>,
    /// For each column asked for, its position in the file.
    positions: Vec<Option<usize>>,
    /// For each column asked for, its header as LinkedIn writes it.
    names: Vec<&'static str>,
    record: ByteRecord,
    /// The physical line where the current row starts.
    line: u64,
    /// How far [`Table::lines_before`] has counted line breaks, and how many it found.
    counted: (usize, u64),
}

impl<'a> Table<'a> {
    /// Finds the header row of `bytes` by its content and maps `columns` onto it. `name` is
    /// the file's name as LinkedIn writes it, for the error when no row is the header.
    pub(crate) fn open(
        file: &'a str,
        name: &'static str,
        bytes: &'a [u8],
        columns: &[Column],
    ) -> Result<Self, ExportError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        for delimiter in DELIMITERS {
            if let Some(table) = Self::open_with(file, bytes, columns, delimiter)? {
                return Ok(table);
            }
        }
        Err(ExportError::NoHeader {
            file: file.to_owned(),
            name,
            expected: columns
                .iter()
                .filter(|c| c.required)
                .map(|c| c.name)
                .collect(),
        })
    }

    fn open_with(
        file: &'a str,
        bytes: &'a [u8],
        columns: &[Column],
        delimiter: u8,
    ) -> Result<Option<Self>, ExportError> {
        let mut reader = ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut record = ByteRecord::new();
        loop {
            match reader.read_byte_record(&mut record) {
                Ok(true) => {}
                Ok(false) => return Ok(None),
                Err(e) => return Err(csv_error(file, &e)),
            }
            let normalised: Vec<String> = record
                .iter()
                .map(|cell| normalise_header(&String::from_utf8_lossy(cell)))
                .collect();
            let positions: Vec<Option<usize>> = columns
                .iter()
                .map(|c| normalised.iter().position(|h| c.matches(h)))
                .collect();
            let complete = columns
                .iter()
                .zip(&positions)
                .all(|(c, p)| !c.required || p.is_some());
            if complete {
                let headers = record
                    .iter()
                    .map(|h| String::from_utf8_lossy(h).trim().to_owned())
                    .collect();
                return Ok(Some(Table {
                    file,
                    bytes,
                    reader,
                    headers,
                    positions,
                    names: columns.iter().map(|c| c.name).collect(),
                    record: ByteRecord::new(),
                    line: 0,
                    counted: (0, 0),
                }));
            }
        }
    }

    /// Whether the header names the `column`th column asked for.
    pub(crate) fn has(&self, column: usize) -> bool {
        self.positions.get(column).is_some_and(Option::is_some)
    }

    /// Reads the next row that is not empty; `false` at the end of the file. A row with more
    /// non-empty fields than the header is an error.
    pub(crate) fn next_row(&mut self) -> Result<bool, ExportError> {
        loop {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(true) => {}
                Ok(false) => return Ok(false),
                Err(e) => return Err(csv_error(self.file, &e)),
            }
            let offset = self.record.position().map_or(0, csv::Position::byte);
            self.line = self.line_at(usize::try_from(offset).unwrap_or(usize::MAX));
            if self.record.iter().all(|c| c.trim_ascii().is_empty()) {
                continue;
            }
            let extra = self.record.iter().skip(self.headers.len());
            if extra.clone().any(|c| !c.trim_ascii().is_empty()) {
                return Err(ExportError::FieldCount {
                    file: self.file.to_owned(),
                    line: self.line,
                    found: self.record.len(),
                    expected: self.headers.len(),
                });
            }
            return Ok(true);
        }
    }

    /// The physical line of the row that starts at byte `offset`, 1-based.
    ///
    /// The CSV reader's own line numbers run one behind after a CRLF line end (it counts the
    /// LF when it reads the next row, after noting where that row starts), so lines are counted
    /// here from the bytes. A row starts at the first byte after its offset that is no line
    /// break: the reader's offset may point at the LF of the previous row's CRLF. Rows come in
    /// order, so each byte is counted once.
    fn line_at(&mut self, offset: usize) -> u64 {
        let rest = self.bytes.get(offset..).unwrap_or_default();
        let start = offset
            + rest
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
        let (from, lines) = self.counted;
        let between = self.bytes.get(from..start).unwrap_or_default();
        let lines = lines + between.iter().filter(|&&b| b == b'\n').count() as u64;
        self.counted = (start.max(from), lines);
        lines + 1
    }

    /// The physical line where the current row starts, 1-based.
    pub(crate) fn line(&self) -> u64 {
        self.line
    }

    /// The current row's cell in the `column`th column asked for, trimmed; empty when the file
    /// has no such column or the row ends early.
    pub(crate) fn text(&self, column: usize) -> Result<&str, ExportError> {
        let Some(position) = self.positions.get(column).copied().flatten() else {
            return Ok("");
        };
        let Some(bytes) = self.record.get(position) else {
            return Ok("");
        };
        match std::str::from_utf8(bytes) {
            Ok(text) => Ok(text.trim()),
            Err(_) => Err(ExportError::Csv {
                file: self.file.to_owned(),
                line: self.line,
                reason: format!(
                    "field `{}`: the text is not valid UTF-8; save the file as UTF-8 (in a \
                     spreadsheet: CSV UTF-8) or download the export again",
                    self.header(column)
                ),
            }),
        }
    }

    /// The current row's cell as owned text, `None` when empty.
    pub(crate) fn optional(&self, column: usize) -> Result<Option<String>, ExportError> {
        let value = self.text(column)?;
        Ok((!value.is_empty()).then(|| value.to_owned()))
    }

    /// The current row's cell as a profile URL, `None` when empty.
    pub(crate) fn profile_url(&self, column: usize) -> Result<Option<ProfileUrl>, ExportError> {
        match self.text(column)? {
            "" => Ok(None),
            url => ProfileUrl::parse(url)
                .map(Some)
                .map_err(|e| self.field_error(column, FieldProblem::ProfileUrl(e))),
        }
    }

    /// The current row's cell read by `parse` (a date parser), which must succeed; `forms`
    /// names the accepted forms in the error.
    pub(crate) fn date<T>(
        &self,
        column: usize,
        forms: &'static str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Result<T, ExportError> {
        match self.text(column)? {
            "" => Err(self.field_error(column, FieldProblem::Empty)),
            value => parse(value).ok_or_else(|| {
                self.field_error(
                    column,
                    FieldProblem::Date {
                        value: value.to_owned(),
                        expected: forms,
                    },
                )
            }),
        }
    }

    /// The header of the `column`th column asked for, as written (or as LinkedIn writes it,
    /// when the file lacks it).
    pub(crate) fn header(&self, column: usize) -> &str {
        self.positions
            .get(column)
            .copied()
            .flatten()
            .and_then(|p| self.headers.get(p))
            .map(String::as_str)
            .or_else(|| self.names.get(column).copied())
            .unwrap_or_default()
    }

    /// An error about the current row's cell in the `column`th column asked for.
    pub(crate) fn field_error(&self, column: usize, problem: FieldProblem) -> ExportError {
        ExportError::Field {
            file: self.file.to_owned(),
            line: self.line,
            field: self.header(column).to_owned(),
            problem,
        }
    }
}

fn csv_error(file: &str, error: &csv::Error) -> ExportError {
    ExportError::Csv {
        file: file.to_owned(),
        line: error.position().map_or(0, csv::Position::line),
        reason: format!("{error}; download the export again"),
    }
}
