use overture_import::{ImportOptions, read_leads_path};

use crate::{fixture, lead, slugs};

#[test]
fn messy_file_gives_one_lead_per_person_with_merged_fields() {
    let batch = read_leads_path(fixture("messy.csv"), &ImportOptions::default()).unwrap();
    assert_eq!(slugs(&batch), ["ana-example", "ben-sample", "chloé-demo"]);
    assert_eq!(batch.duplicates_merged, 2);
    assert!(batch.rejected.is_empty());
    assert_eq!(batch.headers[0], "First Name", "the BOM is gone");
    assert_eq!(batch.headers[7], "Lead Source");

    let ana = lead(&batch, "ana-example");
    assert_eq!(ana.first_name.as_deref(), Some("Ana"), "the first row wins");
    assert_eq!(ana.last_name.as_deref(), Some("Example"));
    assert_eq!(ana.company.as_deref(), Some("Example, Inc."));
    assert_eq!(ana.position.as_deref(), Some("Head of Sales"));
    assert_eq!(
        ana.email.as_deref(),
        Some("ana@example.com"),
        "filled from a later row"
    );
    assert_eq!(
        ana.tags.iter().collect::<Vec<_>>(),
        ["founder", "saas", "vip"]
    );
    assert_eq!(
        ana.custom.get("Lead Source").map(String::as_str),
        Some("webinar")
    );
    assert_eq!(ana.custom.len(), 1);

    let ben = lead(&batch, "ben-sample");
    assert_eq!(ben.position.as_deref(), Some("CTO,\r\nco-founder"));
    assert_eq!(
        ben.email.as_deref(),
        Some("ben@example.com"),
        "cells are trimmed"
    );
    assert_eq!(
        ben.custom.get("Lead Source").map(String::as_str),
        Some("event, Berlin\r\nbooth 4")
    );
    assert_eq!(ben.headline, None);
    assert!(ben.tags.is_empty());

    let chloe = lead(&batch, "chloé-demo");
    assert_eq!(chloe.first_name.as_deref(), Some("Chloé"));
    assert!(chloe.custom.is_empty(), "empty cells are absent");
}

#[test]
fn full_name_column_is_split_when_there_are_no_name_columns() {
    let csv = "Name,Profile URL\nAna Example,linkedin.com/in/ana\n\"Sample, Ben\",linkedin.com/in/ben\nCher,linkedin.com/in/cher\n";
    let batch = crate::read_str(csv, &ImportOptions::default()).unwrap();
    let names: Vec<_> = batch
        .leads
        .iter()
        .map(|l| (l.first_name.as_deref(), l.last_name.as_deref()))
        .collect();
    assert_eq!(
        names,
        [
            (Some("Ana"), Some("Example")),
            (Some("Ben"), Some("Sample")),
            (Some("Cher"), None)
        ]
    );
}

#[test]
fn separate_name_columns_win_over_the_full_name() {
    let csv = "Full Name,First Name,LinkedIn\nAna Maria Example,Ana Maria,linkedin.com/in/ana\n";
    let batch = crate::read_str(csv, &ImportOptions::default()).unwrap();
    assert_eq!(batch.leads[0].first_name.as_deref(), Some("Ana Maria"));
    assert_eq!(batch.leads[0].last_name, None);
}
