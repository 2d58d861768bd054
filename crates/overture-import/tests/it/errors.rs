use overture_core::ProfileUrlError;
use overture_import::{ImportError, ImportOptions, RowProblem, read_leads_path};

use crate::{fixture, options, read_str};

#[test]
fn one_bad_row_fails_the_read_and_names_file_line_and_field() {
    let csv = "First Name,LinkedIn URL\n\
               Ana,linkedin.com/in/ana\n\
               Ben,\"linkedin.com/in/ben\"\n\
               \"Chloé\nDemo\",linkedin.com/in/chloe\n\
               Dan,linkedin.com/in/dan\n\
               Eve,https://example.com/x\n";
    let err = read_str(csv, &ImportOptions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "leads.csv:7: field `LinkedIn URL`: `https://example.com/x` is not a linkedin.com \
         address (fix the row, or pass --skip-invalid to import the rest)"
    );
}

#[test]
fn a_spreadsheets_crlf_line_ends_and_blank_lines_leave_line_numbers_right() {
    // As Excel saves it: CRLF line ends, a quoted cell over two lines, a blank line.
    let csv = "First Name,LinkedIn URL,Email\r\n\
               Ana,linkedin.com/in/ana,\r\n\
               \"Ben\r\nSample\",linkedin.com/in/ben,\r\n\
               \r\n\
               Chloé,linkedin.com/in/chloe,chloe at example.com\r\n\
               Dan,https://example.com/dan,\r\n";
    let options = ImportOptions {
        skip_invalid: true,
        ..ImportOptions::default()
    };
    let batch = read_str(csv, &options).unwrap();
    let lines: Vec<u64> = batch.rejected.iter().map(|r| r.line).collect();
    assert_eq!(lines, [6, 7], "Chloé is on line 6, Dan on line 7");
    assert_eq!(batch.leads.len(), 2);
    // The same rows with LF line ends are on the same lines.
    let err = read_str(&csv.replace("\r\n", "\n"), &ImportOptions::default()).unwrap_err();
    assert!(
        err.to_string().starts_with("leads.csv:6: field `Email`"),
        "{err}"
    );
}

#[test]
fn all_invalid_rows_are_listed_with_physical_lines() {
    let path = fixture("bad_rows.csv");
    let err = read_leads_path(&path, &ImportOptions::default()).unwrap_err();
    let ImportError::InvalidRows { file, rows, total } = &err else {
        panic!("unexpected error {err}");
    };
    assert_eq!(file, &path.display().to_string());
    assert_eq!(*total, 2);
    let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [5, 7], "right after a quoted three-line field");
    assert_eq!(rows[0].reason.field.as_deref(), Some("LinkedIn URL"));
    assert!(matches!(
        rows[0].reason.problem,
        RowProblem::ProfileUrl(ProfileUrlError::NotLinkedIn { .. })
    ));
    assert_eq!(rows[1].reason.field.as_deref(), Some("Email"));
    assert_eq!(
        rows[1].reason.problem,
        RowProblem::InvalidEmail {
            value: "dan at example.com".into()
        }
    );
    assert!(
        err.to_string().ends_with(
            "bad_rows.csv:5: field `LinkedIn URL`: `https://example.com/x` is not a linkedin.com \
             address (and 1 more invalid row; fix them, or pass --skip-invalid to import the rest)"
        ),
        "{err}"
    );
}

#[test]
fn missing_or_empty_url_cell_is_an_invalid_row() {
    let err = read_str(
        "Name,URL,Notes\nAna Example,,hello\n",
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "leads.csv:2: field `URL`: the profile URL is empty \
         (fix the row, or pass --skip-invalid to import the rest)"
    );
}

#[test]
fn wrong_field_count_is_an_invalid_row_not_a_panic() {
    let csv = "Name,URL,Company\nAna,linkedin.com/in/ana,Example, Inc.\nBen,linkedin.com/in/ben\nCara,linkedin.com/in/cara,Demo\n";
    let batch = read_str(csv, &options(&[], true)).unwrap();
    assert_eq!(crate::slugs(&batch), ["cara"]);
    let reasons: Vec<_> = batch
        .rejected
        .iter()
        .map(|r| (r.line, r.reason.to_string()))
        .collect();
    assert_eq!(
        reasons,
        [
            (2, "the row has 4 fields but the header has 3".to_owned()),
            (3, "the row has 2 fields but the header has 3".to_owned()),
        ]
    );
}

#[test]
fn missing_url_column_lists_the_headers_and_suggests_map() {
    let err = read_str(
        "Name,Company,Website\nAna,Example,x\n",
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "leads.csv: no LinkedIn profile URL column among the headers `Name`, `Company`, \
         `Website`; name it with --map \"COLUMN=profile_url\""
    );
}

#[test]
fn invalid_utf8_in_a_used_cell_rejects_the_row() {
    let csv = b"Name,URL\nJ\xfcrgen,linkedin.com/in/juergen\n";
    let batch = overture_import::read_leads(&csv[..], "latin1.csv", &options(&[], true)).unwrap();
    assert_eq!(batch.rejected.len(), 1);
    assert_eq!(batch.rejected[0].reason.problem, RowProblem::NotUtf8);
    assert_eq!(batch.rejected[0].record[0], "J\u{fffd}rgen");
}

#[test]
fn empty_file_and_header_only_file() {
    let err = read_str("", &ImportOptions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "leads.csv: the file is empty (expected a header row)"
    );
    let batch = read_str("\u{feff}URL\r\n", &ImportOptions::default()).unwrap();
    assert!(batch.leads.is_empty());
    assert_eq!(batch.headers, ["URL"]);
}

#[test]
fn unreadable_path_names_the_file() {
    let err = read_leads_path("/nonexistent/leads.csv", &ImportOptions::default()).unwrap_err();
    assert!(matches!(err, ImportError::Io { .. }));
    assert!(
        err.to_string().starts_with("/nonexistent/leads.csv: "),
        "{err}"
    );
}
