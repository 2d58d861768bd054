//! Broken exports: every error names the file, the line and the field, and says what to do.

use overture_import::export::{ExportError, ExportFiles};

use super::parse_files;

const CONNECTIONS: &str = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n\
                           Ana,Example,https://www.linkedin.com/in/ana-example,,,,08 Feb 2026\n";
const INVITATIONS: &str = "From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl\n\
                           Ana Example,Ben Sample,\"1/29/26, 2:37 PM\",,OUTGOING,,\n";

/// The error message when `name` holds `text` and the other required file is fine.
fn error_with(name: &str, text: &str) -> String {
    let mut files = vec![
        ("Connections.csv", CONNECTIONS),
        ("Invitations.csv", INVITATIONS),
    ];
    files.retain(|(n, _)| *n != name);
    files.push((name, text));
    parse_files(&files, "UTC").unwrap_err().to_string()
}

#[test]
fn a_missing_required_file_is_named() {
    let err = parse_files(&[("Connections.csv", CONNECTIONS)], "UTC").unwrap_err();
    assert_eq!(
        err.to_string(),
        "export: no Invitations.csv in the export; pass the whole export (the zip LinkedIn \
         sent, or the folder it unpacks to)"
    );
    let err = parse_files(&[("Invitations.csv", "garbage")], "UTC").unwrap_err();
    assert!(
        err.to_string().starts_with("export: no Connections.csv"),
        "a missing file comes before a problem in another: {err}"
    );
}

#[test]
fn a_bad_date_names_file_line_and_field() {
    let text = "Notes:\n\"A note, with a comma.\"\n\n\
                First Name,Last Name,URL,Email Address,Company,Position,Connected On\n\
                Ana,Example,,,\"Example\nInc.\",,08 Feb 2026\n\
                Ben,Sample,,,,,31 Foo 2021\n";
    assert_eq!(
        error_with("Connections.csv", text),
        "export/Connections.csv:7: field `Connected On`: `31 Foo 2021` is not a date like \
         `08 Feb 2026`, `4-Apr-21` or `2026-02-08`; fix the cell or download the export again"
    );
    // A spreadsheet's CRLF line ends, a BOM and a quoted line break count like any others.
    let text = "\u{feff}Notes:,,\r\n,,\r\nFirst Name,Last Name,Connected On\r\n\
                Ana,\"Exa\r\nmple\",4-Apr-21\r\n\
                Ben,Sample,4-Apr\r\n";
    assert_eq!(
        error_with("Connections.csv", text),
        "export/Connections.csv:6: field `Connected On`: `4-Apr` is not a date like \
         `08 Feb 2026`, `4-Apr-21` or `2026-02-08`; fix the cell or download the export again"
    );
    let text = "First Name,Last Name,Connected On\nAna,Example,\n";
    assert_eq!(
        error_with("Connections.csv", text),
        "export/Connections.csv:2: field `Connected On`: the cell is empty; fill it in or \
         download the export again"
    );
    let text = "From,To,Sent At,Direction\nA,B,yesterday,OUTGOING\n";
    assert_eq!(
        error_with("Invitations.csv", text),
        "export/Invitations.csv:2: field `Sent At`: `yesterday` is not a date like \
         `1/29/26, 2:37 PM` or `2026-01-29 14:37`; fix the cell or download the export again"
    );
    let text = "CONVERSATION ID,FROM,DATE\nc1,Ana,2026-02-09 14:03:11 CET\n";
    assert_eq!(
        error_with("messages.csv", text),
        "export/messages.csv:2: field `DATE`: `2026-02-09 14:03:11 CET` is not a date like \
         `2026-02-09 14:03:11 UTC`; fix the cell or download the export again"
    );
}

#[test]
fn bad_directions_urls_and_field_counts_are_named() {
    let text = "From,To,Sent At,Direction\nA,B,\"1/29/26, 2:37 PM\",SIDEWAYS\n";
    assert_eq!(
        error_with("Invitations.csv", text),
        "export/Invitations.csv:2: field `Direction`: `SIDEWAYS` is neither INCOMING nor \
         OUTGOING; fix the cell or download the export again"
    );
    let text = "From,To,Sent At,Direction,inviteeProfileUrl\n\
                A,B,\"1/29/26, 2:37 PM\",OUTGOING,https://example.com/in/b\n";
    assert_eq!(
        error_with("Invitations.csv", text),
        "export/Invitations.csv:2: field `inviteeProfileUrl`: `https://example.com/in/b` is \
         not a linkedin.com address; fix the cell or download the export again"
    );
    let text = "First Name,Last Name,Company,Connected On\n\
                Ana,Example,Example,08 Feb 2026\n\
                Ben,Sample,Sample, Inc.,08 Feb 2026\n";
    assert_eq!(
        error_with("Connections.csv", text),
        "export/Connections.csv:3: the row has 5 fields but the header has 4; quote the cell \
         that holds a comma, or download the export again"
    );
    // Empty cells beyond the header are what spreadsheets add; they are no problem.
    let text = "First Name,Last Name,Connected On\nAna,Example,08 Feb 2026,,\n";
    let mut files = vec![("Connections.csv", text), ("Invitations.csv", INVITATIONS)];
    assert!(parse_files(&files, "UTC").is_ok());
    files[0].1 = "First Name,Last Name,Connected On\n,,\nAna,Example,08 Feb 2026\n";
    assert_eq!(
        parse_files(&files, "UTC").unwrap().connections.len(),
        1,
        "an empty row is skipped"
    );
}

#[test]
fn a_file_without_its_header_is_named() {
    let expected = "export/Connections.csv: no header row naming `First Name`, `Last Name` and \
                    `Connected On`; is this the Connections.csv of a LinkedIn data export?";
    assert_eq!(error_with("Connections.csv", "Name,URL\nAna,x\n"), expected);
    assert_eq!(error_with("Connections.csv", ""), expected);
    assert_eq!(
        error_with("Invitations.csv", CONNECTIONS),
        "export/Invitations.csv: no header row naming `From`, `To`, `Sent At` and `Direction`; \
         is this the Invitations.csv of a LinkedIn data export?"
    );
}

#[test]
fn text_that_is_not_utf8_is_named() {
    let mut bytes = b"First Name,Last Name,Connected On\nJ".to_vec();
    bytes.extend_from_slice(b"\xfcrgen,Example,08 Feb 2026\n");
    let files = ExportFiles::from_memory(
        "export",
        [
            ("Connections.csv", bytes),
            ("Invitations.csv", INVITATIONS.as_bytes().to_vec()),
        ],
    );
    let err = overture_import::export::parse_export(&files, &jiff::tz::TimeZone::UTC)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "export/Connections.csv:2: field `First Name`: the text is not valid UTF-8; save the \
         file as UTF-8 (in a spreadsheet: CSV UTF-8) or download the export again"
    );
}

#[test]
fn unusable_paths_are_named() {
    let err = ExportFiles::read_path("/nonexistent/export.zip".as_ref()).unwrap_err();
    assert!(matches!(err, ExportError::Io { .. }));
    assert!(
        err.to_string().starts_with("/nonexistent/export.zip: "),
        "{err}"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Connections.csv");
    std::fs::write(&path, CONNECTIONS).unwrap();
    let err = ExportFiles::read_path(&path).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!("{}: not a zip archive (", path.display()))
            && err.ends_with("); pass the zip LinkedIn sent or the folder it unpacks to"),
        "{err}"
    );
}
