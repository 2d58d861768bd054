use overture_import::{ImportError, ImportOptions, LeadField, read_leads, read_leads_path};
use proptest::prelude::*;

use crate::{fixture, lead, options, read_str, slugs};

#[test]
fn semicolon_file_with_explicit_mappings() {
    let options = options(
        &[
            "Vorname=first_name",
            "Nachname=last_name",
            "Profil=profile_url",
            "Firma=company",
        ],
        false,
    );
    let batch = read_leads_path(fixture("semicolon.csv"), &options).unwrap();
    assert_eq!(slugs(&batch), ["ana-example", "ben-sample"]);
    let ana = lead(&batch, "ana-example");
    assert_eq!(ana.first_name.as_deref(), Some("Ana"));
    assert_eq!(ana.last_name.as_deref(), Some("Example"));
    assert_eq!(ana.company.as_deref(), Some("Example, Inc."));
    assert_eq!(ana.location, None);
    assert_eq!(
        ana.custom.get("Stadt").map(String::as_str),
        Some("Berlin"),
        "an unknown column is a custom field under its header"
    );
}

#[test]
fn tab_separated_file() {
    let csv = "First Name\tLinkedIn URL\tCompany\nAna\tlinkedin.com/in/ana\tExample, Inc.\n";
    let batch = read_str(csv, &ImportOptions::default()).unwrap();
    assert_eq!(batch.leads[0].company.as_deref(), Some("Example, Inc."));
}

#[test]
fn explicit_mappings_override_aliases_and_route_custom_and_ignored_columns() {
    let csv = "LinkedIn URL,Website,Title,Remarks,Secret\n\
               linkedin.com/in/old,linkedin.com/in/ana,CTO,likes tea,x\n";
    let options = options(
        &[
            "Website=profile_url",
            "Title=headline",
            "Remarks=custom:Note",
            "Secret=ignore",
        ],
        false,
    );
    let batch = read_str(csv, &options).unwrap();
    let ana = lead(&batch, "ana");
    assert_eq!(ana.headline.as_deref(), Some("CTO"));
    assert_eq!(ana.position, None);
    assert_eq!(
        ana.custom.get("Note").map(String::as_str),
        Some("likes tea")
    );
    assert_eq!(
        ana.custom.get("LinkedIn URL").map(String::as_str),
        Some("linkedin.com/in/old"),
        "the alias column gives way and is kept as custom"
    );
    assert!(!ana.custom.contains_key("Secret"));
}

#[test]
fn mapping_to_a_missing_column_is_an_error() {
    let err = read_str(
        "URL\nlinkedin.com/in/ana\n",
        &options(&["Web=profile_url"], false),
    )
    .unwrap_err();
    assert!(
        matches!(err, ImportError::MappedColumnNotFound { .. }),
        "{err}"
    );
    assert_eq!(
        overture_import::parse_mapping("URL=email").unwrap().field,
        LeadField::Email
    );
}

#[test]
fn blank_rows_are_skipped_and_lines_still_count() {
    let csv = "URL,Name\n\nlinkedin.com/in/ana,Ana\n,\n  ,  \nexample.com/x,Ben\n";
    let batch = read_str(csv, &options(&[], true)).unwrap();
    assert_eq!(slugs(&batch), ["ana"]);
    assert_eq!(batch.rejected.len(), 1);
    assert_eq!(batch.rejected[0].line, 6);
}

proptest! {
    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = read_leads(&bytes[..], "x.csv", &ImportOptions::default());
        let _ = read_leads(&bytes[..], "x.csv", &options(&[], true));
    }

    #[test]
    fn never_panics_on_csv_like_text(
        body in "[a-zA-Z0-9 ,;\t\"\r\n/.:@%-]{0,300}",
        header in prop_oneof![Just("URL,Name,Email\n"), Just("Name;LinkedIn\r\n"), Just("")],
    ) {
        let text = format!("{header}{body}");
        let _ = read_leads(text.as_bytes(), "x.csv", &options(&[], true));
    }
}
