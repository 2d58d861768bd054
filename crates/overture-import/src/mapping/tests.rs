use super::*;

/// The field each header feeds through its alias, or `None`.
#[track_caller]
fn check_alias(header: &str, expected: Option<LeadField>) {
    assert_eq!(
        alias(&normalise_header(header)),
        expected,
        "header: {header:?}"
    );
}

#[test]
fn aliases() {
    use LeadField::*;
    for h in [
        "First Name",
        "firstName",
        "first_name",
        "Given Name",
        "FIRST-NAME",
    ] {
        check_alias(h, Some(FirstName));
    }
    for h in ["Last Name", "lastName", "Surname", "Family Name"] {
        check_alias(h, Some(LastName));
    }
    for h in ["Full Name", "Name"] {
        check_alias(h, Some(FullName));
    }
    for h in [
        "LinkedIn URL",
        "LinkedIn",
        "Profile URL",
        "profileUrl",
        "URL",
        "linkedin_profile",
        "LinkedIn Profile",
        "Person Linkedin Url",
    ] {
        check_alias(h, Some(ProfileUrl));
    }
    for h in ["Company", "Company Name", "Organization"] {
        check_alias(h, Some(Company));
    }
    for h in ["Title", "Position", "Job Title"] {
        check_alias(h, Some(Position));
    }
    check_alias("Headline", Some(Headline));
    for h in ["Email", "Email Address", "E-mail", "Work Email"] {
        check_alias(h, Some(Email));
    }
    for h in ["Location", "City"] {
        check_alias(h, Some(Location));
    }
    check_alias("Tags", Some(Tags));
    check_alias("Source", None);
    check_alias("", None);
}

#[track_caller]
fn check_mapping(spec: &str, expected: Result<(&str, LeadField), MappingError>) {
    let expected = expected.map(|(column, field)| ColumnMapping {
        column: column.to_owned(),
        field,
    });
    assert_eq!(parse_mapping(spec), expected, "spec: {spec:?}");
}

#[test]
fn parses_mappings() {
    use LeadField::*;
    check_mapping("Column Header=first_name", Ok(("Column Header", FirstName)));
    check_mapping(" Website = profile_url ", Ok(("Website", ProfileUrl)));
    check_mapping("Website=Profile URL", Ok(("Website", ProfileUrl)));
    check_mapping("a=b=email", Ok(("a=b", Email)));
    check_mapping("Notes=ignore", Ok(("Notes", Ignore)));
    check_mapping(
        "Notes=custom:Remarks",
        Ok(("Notes", Custom("Remarks".into()))),
    );
    check_mapping(
        "Notes=Custom: Remarks ",
        Ok(("Notes", Custom("Remarks".into()))),
    );
    check_mapping("Name=full_name", Ok(("Name", FullName)));
    let spec = |s: &str| s.to_owned();
    check_mapping(
        "Notes",
        Err(MappingError::MissingEquals {
            spec: spec("Notes"),
        }),
    );
    check_mapping(
        "=email",
        Err(MappingError::EmptyColumn {
            spec: spec("=email"),
        }),
    );
    check_mapping("Notes=custom:", Err(MappingError::EmptyCustomName));
    check_mapping(
        "Notes=phone",
        Err(MappingError::UnknownField {
            field: spec("phone"),
        }),
    );
    check_mapping(
        "Notes=",
        Err(MappingError::UnknownField { field: spec("") }),
    );
}

#[test]
fn field_names_round_trip_through_display() {
    use LeadField::*;
    for field in [
        ProfileUrl,
        FirstName,
        LastName,
        FullName,
        Headline,
        Company,
        Position,
        Location,
        Email,
        Tags,
        Custom("Source".into()),
        Ignore,
    ] {
        assert_eq!(field.to_string().parse::<LeadField>(), Ok(field));
    }
}

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn plan(names: &[&str], maps: &[&str]) -> Result<ColumnPlan, ImportError> {
    let mappings: Vec<_> = maps.iter().map(|m| parse_mapping(m).unwrap()).collect();
    plan_columns("f.csv", &headers(names), &mappings)
}

#[test]
fn plan_routes_columns_and_skips_ignored_and_blank_ones() {
    let plan = plan(&["Name", "LinkedIn", "Notes", "", "Junk"], &["Junk=ignore"]).unwrap();
    assert_eq!(plan.profile_url, 1);
    assert_eq!(
        plan.columns,
        vec![
            (0, Target::Field(LeadField::FullName)),
            (1, Target::Field(LeadField::ProfileUrl)),
            (2, Target::Custom("Notes".into())),
        ]
    );
}

#[test]
fn explicit_mapping_wins_and_demotes_the_alias_column_to_custom() {
    let plan = plan(&["LinkedIn URL", "Website"], &["website=profile_url"]).unwrap();
    assert_eq!(plan.profile_url, 1);
    assert_eq!(plan.columns[0], (0, Target::Custom("LinkedIn URL".into())));
}

#[test]
fn plan_errors_name_the_columns() {
    let err = plan(&["URL", "LinkedIn URL"], &[]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "f.csv:1: columns `URL` and `LinkedIn URL` both map to profile_url; \
         pass --map \"LinkedIn URL=ignore\" (or another field) to choose"
    );
    let err = plan(&["URL", "Notes", "Notes"], &[]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "f.csv:1: the header `Notes` appears twice (columns 2 and 3); rename one of them"
    );
    let err = plan(&["Name", "Company"], &[]).unwrap_err();
    assert!(
        err.to_string()
            .contains("among the headers `Name`, `Company`; name it with --map"),
        "{err}"
    );
    let err = plan(&["URL"], &["Website=email"]).unwrap_err();
    assert!(
        matches!(err, ImportError::MappedColumnNotFound { .. }),
        "{err}"
    );
    let err = plan(&["URL", "A"], &["A=email", "a=company"]).unwrap_err();
    assert!(
        matches!(err, ImportError::ConflictingMappings { .. }),
        "{err}"
    );
    let err = plan(&["URL", "Source", "Origin"], &["Origin=custom:Source"]).unwrap_err();
    assert!(matches!(err, ImportError::SameField { .. }), "{err}");
}
