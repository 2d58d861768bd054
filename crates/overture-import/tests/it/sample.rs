use overture_import::{ImportOptions, read_leads, sample::generate_sample_csv};

#[test]
fn generated_sample_imports_cleanly_and_is_deterministic() {
    let mut csv = Vec::new();
    generate_sample_csv(5_000, 7, &mut csv).unwrap();
    let mut again = Vec::new();
    generate_sample_csv(5_000, 7, &mut again).unwrap();
    assert_eq!(csv, again);

    let batch = read_leads(&csv[..], "sample.csv", &ImportOptions::default()).unwrap();
    assert!(batch.rejected.is_empty());
    assert!(batch.duplicates_merged > 100, "{}", batch.duplicates_merged);
    assert_eq!(batch.leads.len() + batch.duplicates_merged, 5_000);
    assert!(
        batch
            .leads
            .iter()
            .all(|l| l.first_name.is_some() && l.company.is_some())
    );
    assert!(
        batch
            .leads
            .iter()
            .any(|l| l.custom["Source"].contains('\n'))
    );
    assert!(batch.leads.iter().any(|l| l.tags.contains("founder")));
    assert!(
        batch
            .leads
            .iter()
            .all(|l| l.email.as_ref().is_none_or(|e| e.ends_with("@example.com")))
    );
}
