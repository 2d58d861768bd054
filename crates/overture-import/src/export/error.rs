//! Why an export cannot be read: every message names the file (and the line and field when
//! there is one) and says what to do next.

use std::io;

use overture_core::ProfileUrlError;

/// Why a LinkedIn data export cannot be read. Nothing is analysed or imported when this is
/// returned.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The path cannot be read.
    #[error("{path}: {source}")]
    Io {
        /// The path as given.
        path: String,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The path is a file that is not a zip archive.
    #[error(
        "{path}: not a zip archive ({reason}); pass the zip LinkedIn sent or the folder it \
         unpacks to"
    )]
    NotAZip {
        /// The path as given.
        path: String,
        /// What the zip reader said.
        reason: String,
    },
    /// A file inside the zip cannot be unpacked.
    #[error("{file}: cannot be unpacked ({reason}); download the export again")]
    Unpack {
        /// The file, as `ZIP/NAME`.
        file: String,
        /// What the zip reader said.
        reason: String,
    },
    /// A file is larger than [`crate::export::MAX_FILE_BYTES`].
    #[error(
        "{file}: larger than {limit} bytes, more than any LinkedIn export holds; pass the \
         export itself"
    )]
    TooLarge {
        /// The file.
        file: String,
        /// The limit, in bytes.
        limit: u64,
    },
    /// Two files carry the same name (in different case, or in folders of the same depth).
    #[error("{first} and {second} are both a {name}; keep one of them")]
    Ambiguous {
        /// The file name looked for.
        name: &'static str,
        /// The first file.
        first: String,
        /// The second file.
        second: String,
    },
    /// A file the analysis needs is missing.
    #[error(
        "{place}: no {name} in the export; pass the whole export (the zip LinkedIn sent, or \
         the folder it unpacks to)"
    )]
    MissingFile {
        /// The zip or folder.
        place: String,
        /// The file name looked for.
        name: &'static str,
    },
    /// No row of the file is the header the file should have.
    #[error(
        "{file}: no header row naming {}; is this the {name} of a LinkedIn data export?",
        list(expected)
    )]
    NoHeader {
        /// The file.
        file: String,
        /// The file's name as LinkedIn writes it.
        name: &'static str,
        /// The columns the header must name.
        expected: Vec<&'static str>,
    },
    /// The CSV reader failed (the text is not valid UTF-8, or the file ends inside a quote).
    #[error("{file}:{line}: {reason}")]
    Csv {
        /// The file.
        file: String,
        /// The physical line where the failing row starts, 1-based.
        line: u64,
        /// What is wrong, and what to do.
        reason: String,
    },
    /// A row has more fields than the header (a comma outside quotes, usually from an edit).
    #[error(
        "{file}:{line}: the row has {found} fields but the header has {expected}; quote the \
         cell that holds a comma, or download the export again"
    )]
    FieldCount {
        /// The file.
        file: String,
        /// The physical line where the row starts, 1-based.
        line: u64,
        /// Fields in the row.
        found: usize,
        /// Fields in the header.
        expected: usize,
    },
    /// One cell is wrong.
    #[error("{file}:{line}: field `{field}`: {problem}")]
    Field {
        /// The file.
        file: String,
        /// The physical line where the row starts, 1-based.
        line: u64,
        /// The column's header as written.
        field: String,
        /// What is wrong.
        problem: FieldProblem,
    },
}

/// What is wrong with one cell.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldProblem {
    /// A required cell is empty.
    #[error("the cell is empty; fill it in or download the export again")]
    Empty,
    /// A date or time in none of the forms the file uses.
    #[error("`{value}` is not a date like {expected}; fix the cell or download the export again")]
    Date {
        /// The cell as written.
        value: String,
        /// Examples of the accepted forms.
        expected: &'static str,
    },
    /// A profile URL that is not a LinkedIn member profile.
    #[error("{0}; fix the cell or download the export again")]
    ProfileUrl(#[from] ProfileUrlError),
    /// An invitation direction other than `INCOMING` and `OUTGOING`.
    #[error(
        "`{value}` is neither INCOMING nor OUTGOING; fix the cell or download the export again"
    )]
    Direction {
        /// The cell as written.
        value: String,
    },
}

fn list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        None => "(none)".to_owned(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}
