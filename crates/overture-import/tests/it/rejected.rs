use std::path::Path;

use overture_import::{read_leads_path, rejected_path, write_rejected};

use crate::{fixture, options};

#[test]
fn skip_invalid_imports_the_rest_and_writes_rejected_rows_safely() {
    let batch = read_leads_path(fixture("bad_rows.csv"), &options(&[], true)).unwrap();
    assert_eq!(
        crate::slugs(&batch),
        ["ana-example", "chloe-demo", "eve-madeup"]
    );
    assert_eq!(batch.rejected.len(), 2);

    let mut out = Vec::new();
    write_rejected(&batch.rejected, &batch.headers, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(
        text,
        "First Name,LinkedIn URL,Email,Notes,line,reason\n\
         Ben,https://example.com/x,ben@example.com,\"'=HYPERLINK(\"\"http://evil.test\"\")\",5,\
         field `LinkedIn URL`: `https://example.com/x` is not a linkedin.com address\n\
         Dan,linkedin.com/in/dan-nobody,dan at example.com,'@mention,7,\
         field `Email`: `dan at example.com` is not an email address\n"
    );
}

#[test]
fn rejected_rows_with_extra_fields_keep_line_and_reason_aligned() {
    let csv = "URL,Name\nlinkedin.com/in/ana,Ana,extra,-1\n";
    let batch = crate::read_str(csv, &options(&[], true)).unwrap();
    let mut out = Vec::new();
    write_rejected(&batch.rejected, &batch.headers, &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "URL,Name,,,line,reason\n\
         linkedin.com/in/ana,Ana,extra,'-1,2,the row has 4 fields but the header has 2\n"
    );
}

#[test]
fn rejected_file_sits_next_to_the_input() {
    let check = |input: &str, expected: &str| {
        assert_eq!(
            rejected_path(Path::new(input)),
            Path::new(expected),
            "{input}"
        );
    };
    check("leads.csv", "leads.rejected.csv");
    check("data/leads.tsv", "data/leads.rejected.tsv");
    check("/tmp/my.leads.csv", "/tmp/my.leads.rejected.csv");
    check("leads", "leads.rejected.csv");
}

#[test]
fn round_trip_through_a_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("leads.csv");
    std::fs::write(
        &path,
        "Email,URL\nana@example.com,linkedin.com/in/ana\nbad,linkedin.com/in/ben\n",
    )
    .unwrap();
    let batch = read_leads_path(&path, &options(&[], true)).unwrap();
    let out = rejected_path(&path);
    write_rejected(
        &batch.rejected,
        &batch.headers,
        std::fs::File::create(&out).unwrap(),
    )
    .unwrap();
    let again = read_leads_path(&out, &options(&["line=ignore", "reason=ignore"], true)).unwrap();
    assert_eq!(again.rejected.len(), 1, "still invalid until fixed");
    assert_eq!(again.rejected[0].record[0], "bad");
}
