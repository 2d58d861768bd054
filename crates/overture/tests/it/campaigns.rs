use crate::{Sandbox, repo_root};

const GOOD: &str = "name: spring\n\
accounts: [alice]\n\
leads: { list: founders }\n\
steps:\n  - visit_profile\n  - invite: { note: \"Hi {{ first_name }}, glad to connect.\" }\n";

#[test]
fn validate_points_at_the_line_and_column_of_every_problem() {
    let s = Sandbox::new();
    s.account("alice", "free");
    let file = s.write(
        "broken.yaml",
        "name: broken\n\
         accounts: [alice, dave]\n\
         leads: { list: founders }\n\
         steps:\n  - visit_profil\n  - wait: 2x\n",
    );
    let err = s
        .run(&["campaign", "validate", file.to_str().unwrap()])
        .input_error();
    let path = file.display().to_string();
    assert!(
        err.contains(&format!("{path}:2:19: unknown account `dave`")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{path}:5:5: unknown step `visit_profil`")),
        "{err}"
    );
    assert!(err.contains(&format!("{path}:6:11:")), "{err}");

    let json = s.run(&["campaign", "validate", file.to_str().unwrap(), "--json"]);
    assert_eq!(json.code(), 2);
    let report: serde_json::Value = serde_json::from_str(&json.stdout()).unwrap();
    assert_eq!(report["valid"], false);
    assert_eq!(report["problems"].as_array().unwrap().len(), 3);
    assert_eq!(report["problems"][0]["line"], 2);
}

#[test]
fn a_plain_note_over_the_free_tier_limit_is_refused_for_a_free_sender() {
    let s = Sandbox::new();
    s.account("alice", "free");
    s.account("bob", "premium");
    let note = "x".repeat(250);
    let yaml = |who: &str| {
        format!(
            "name: n\naccounts: [{who}]\nleads: {{ list: l }}\nsteps:\n  - invite: {{ note: \"{note}\" }}\n"
        )
    };
    let free = s.write("free.yaml", yaml("alice"));
    let err = s
        .run(&["campaign", "validate", free.to_str().unwrap()])
        .input_error();
    assert!(err.contains(":5:21:") && err.contains("200"), "{err}");
    let premium = s.write("premium.yaml", yaml("bob"));
    s.ok(&["campaign", "validate", premium.to_str().unwrap()]);
}

#[test]
fn apply_stores_versions_and_an_invalid_file_stores_nothing() {
    let s = Sandbox::new();
    s.account("alice", "premium");
    let file = s.write("spring.yaml", GOOD);
    let first = s.json(&["campaign", "apply", file.to_str().unwrap()]);
    assert_eq!(
        (first["version"].as_u64(), first["changed"].as_bool()),
        (Some(1), Some(true))
    );
    let same = s.json(&["campaign", "apply", file.to_str().unwrap()]);
    assert_eq!(
        (same["version"].as_u64(), same["changed"].as_bool()),
        (Some(1), Some(false))
    );

    s.write("spring.yaml", format!("{GOOD}  - wait: 2d\n  - end\n"));
    let second = s.json(&["campaign", "apply", file.to_str().unwrap()]);
    assert_eq!(second["version"], 2);

    s.write("spring.yaml", format!("{GOOD}  - teleport\n"));
    s.run(&["campaign", "apply", file.to_str().unwrap()])
        .input_error();

    let shown = s.json(&["campaign", "show", "spring"]);
    assert_eq!(shown["version"], 2);
    assert_eq!(shown["spec"]["steps"].as_array().unwrap().len(), 4);
    let source = s.ok(&["campaign", "show", "spring", "--source"]);
    assert!(source.ends_with("  - end\n"), "{source}");

    let list = s.json(&["campaign", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    let err = s.run(&["campaign", "show", "autumn"]).input_error();
    assert!(err.contains("campaign list"), "{err}");
}

#[test]
fn the_shipped_examples_validate_against_their_senders() {
    let s = Sandbox::new();
    for name in ["alice", "bob", "carol"] {
        s.account(name, "premium");
    }
    let dir = repo_root().join("examples/campaigns");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        // `notes/` holds the sandbox's note comparison, for `overture simulate`.
        if path.is_dir() {
            continue;
        }
        s.ok(&["campaign", "apply", path.to_str().unwrap()]);
        seen += 1;
    }
    assert!(seen >= 3);
    assert_eq!(
        s.json(&["campaign", "list"]).as_array().unwrap().len(),
        seen
    );
}
