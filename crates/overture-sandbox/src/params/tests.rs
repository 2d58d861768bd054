use super::*;

#[test]
fn an_empty_file_is_the_default_world() {
    assert_eq!(
        WorldParams::from_toml_str("").unwrap(),
        WorldParams::default()
    );
}

#[test]
fn values_override_defaults_section_by_section() {
    let p = WorldParams::from_toml_str(
        "[population]\npeople = 50\n\n[rules]\nreinvite_cooldown_days = 30\n",
    )
    .unwrap();
    assert_eq!(p.population.people, 50);
    assert_eq!(p.rules.reinvite_cooldown_days, 30);
    assert_eq!(p.rules.weekly_invites_free, 100);
}

#[test]
fn the_former_name_of_the_personalisation_weight_is_still_read() {
    let p = WorldParams::from_toml_str(
        "[acceptance]\nfirst_name = 0.7\n\n[replies]\nfirst_name = 0.9\n",
    )
    .unwrap();
    assert_eq!(p.acceptance.personalised, 0.7);
    assert_eq!(p.replies.personalised, 0.9);
    let both = "[acceptance]\nfirst_name = 0.7\npersonalised = 0.7\n";
    assert!(WorldParams::from_toml_str(both).is_err());
}

#[test]
fn a_wrong_type_names_the_field_line_and_column() {
    let err = WorldParams::from_toml_str("[rules]\nweekly_invites_free = \"many\"\n").unwrap_err();
    let ParamsError::Parse {
        field,
        line,
        column,
        ..
    } = &err
    else {
        panic!("expected a parse error, got {err:?}");
    };
    assert_eq!(field, "rules.weekly_invites_free");
    assert_eq!((*line, *column), (2, 23));
    assert!(
        err.to_string().contains("rules.weekly_invites_free"),
        "{err}"
    );
}

#[test]
fn an_unknown_key_is_an_error_naming_it() {
    let err = WorldParams::from_toml_str("[rules]\nweekly_cap = 5\n").unwrap_err();
    assert!(err.to_string().contains("weekly_cap"), "{err}");
    assert!(matches!(err, ParamsError::Parse { line: 2, .. }), "{err:?}");
}

#[test]
fn out_of_range_values_are_invalid_with_their_field() {
    for (text, field) in [
        (
            "[population]\ninactive_share = 1.5",
            "population.inactive_share",
        ),
        ("[population]\npeople = 0", "population.people"),
        ("[timing]\ncomponents = []", "timing.components"),
        ("[restriction]\nthreshold = 0.0", "restriction.threshold"),
        ("[rules]\nburst_invites = 0", "rules.burst_invites"),
        (
            "[acceptance]\nignore_share = 0.8\nunknown_share = 0.5",
            "acceptance.unknown_share",
        ),
    ] {
        let err = WorldParams::from_toml_str(text).unwrap_err();
        assert_eq!(
            err,
            ParamsError::Invalid {
                field: field.to_owned(),
                reason: match &err {
                    ParamsError::Invalid { reason, .. } => reason.clone(),
                    ParamsError::Parse { .. } => String::new(),
                },
            },
            "{text}"
        );
    }
}

#[test]
fn the_defaults_round_trip_through_toml() {
    let text = toml::to_string(&WorldParams::default()).unwrap();
    assert_eq!(
        WorldParams::from_toml_str(&text).unwrap(),
        WorldParams::default()
    );
}
