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
    s.ok(&["account", "add", "email", "--name", "carol-mail"]);
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

#[test]
fn stats_report_every_variant_after_a_demo() {
    let s = Sandbox::new();
    s.ok(&[
        "demo", "--seats", "2", "--leads", "200", "--days", "21", "--seed", "7", "--db", "a.db",
    ]);
    let report = s.json(&["--db", "a.db", "campaign", "stats", "founders-q1"]);
    assert_eq!(report["campaign"], "founders-q1");
    let steps = report["steps"].as_array().unwrap();
    let kinds: Vec<_> = steps.iter().map(|s| s["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["invite", "message", "message"], "{report}");
    let invite = &steps[0];
    assert_eq!(
        (invite["step"].as_u64(), invite["goal"].as_str()),
        (Some(6), Some("acceptance"))
    );
    assert_eq!(steps[1]["label"], "thank-you");
    assert_eq!(steps[1]["goal"], "reply");
    let variants = invite["variants"].as_array().unwrap();
    assert_eq!(variants.len(), 2);
    let sends: u64 = variants.iter().map(|v| v["sends"].as_u64().unwrap()).sum();
    assert!(sends > 0, "{report}");
    let mut best = 0.0;
    for v in variants {
        let (sends, successes) = (
            v["sends"].as_u64().unwrap(),
            v["successes"].as_u64().unwrap(),
        );
        assert!(successes <= sends, "{v}");
        if sends > 0 {
            let rate = v["rate"].as_f64().unwrap();
            let [low, high] = [
                v["interval"][0].as_f64().unwrap(),
                v["interval"][1].as_f64().unwrap(),
            ];
            assert!(
                0.0 <= low && low <= rate && rate <= high && high <= 1.0,
                "{v}"
            );
        }
        best += v["p_best"].as_f64().unwrap();
    }
    assert!((best - 1.0).abs() < 1e-9, "{report}");
    assert!(
        steps[1]["variants"][0]["p_best"].is_null(),
        "one text, nothing to compare"
    );

    let table = s.ok(&["--db", "a.db", "campaign", "stats", "founders-q1"]);
    for words in [
        "Step 6: invite (goal: acceptance)",
        "Step 9 [thank-you]",
        "95% interval",
        "P(best)",
    ] {
        assert!(table.contains(words), "{words}: {table}");
    }
}

#[test]
fn stats_say_what_to_do_before_anything_is_sent_or_for_an_unknown_name() {
    let s = Sandbox::new();
    s.account("alice", "premium");
    let err = s.run(&["campaign", "stats", "spring"]).input_error();
    assert!(err.contains("campaign apply"), "{err}");
    let file = s.write(
        "spring.yaml",
        "name: spring\naccounts: [alice]\nleads: { list: founders }\nsteps:\n  - invite:\n      note: [\"Hi {{ first_name }}, one.\", \"Hello {{ first_name }}, two.\"]\n",
    );
    s.ok(&["campaign", "apply", file.to_str().unwrap()]);
    let err = s.run(&["campaign", "stats", "autumn"]).input_error();
    assert!(
        err.contains("`spring`") && err.contains("campaign list"),
        "{err}"
    );

    let report = s.json(&["campaign", "stats", "spring"]);
    let variants = report["steps"][0]["variants"].as_array().unwrap();
    assert_eq!(variants.len(), 2);
    for v in variants {
        assert_eq!(
            (v["sends"].as_u64(), v["successes"].as_u64()),
            (Some(0), Some(0))
        );
        assert!(v["rate"].is_null() && v["interval"].is_null(), "{v}");
        let p = v["p_best"].as_f64().unwrap();
        assert!((0.45..=0.55).contains(&p), "no evidence, even odds: {v}");
    }
    let table = s.ok(&["campaign", "stats", "spring"]);
    assert!(
        table.contains("Nothing sent yet") && table.contains("campaign start spring"),
        "{table}"
    );
}

#[test]
fn a_follow_or_like_step_is_refused_for_a_linkedin_sender() {
    let s = Sandbox::new();
    s.ok(&[
        "account", "add", "linkedin", "--name", "ada", "--tier", "premium",
    ]);
    s.account("alice", "free");
    let yaml = |who: &str| {
        format!(
            "name: warm\naccounts: [{who}]\nleads: {{ list: l }}\nsteps:\n  - visit_profile\n  - follow\n  - like_recent_post\n  - invite\n"
        )
    };
    let file = s.write("warm.yaml", yaml("ada"));
    let err = s
        .run(&["campaign", "validate", file.to_str().unwrap()])
        .input_error();
    assert!(
        err.contains("step 2 `follow`: sender `ada` is a LinkedIn account"),
        "{err}"
    );
    assert!(err.contains("step 3 `like_recent_post`"), "{err}");
    assert!(!err.contains("step 1"), "a visit is carried: {err}");
    let json = s.run(&["campaign", "validate", file.to_str().unwrap(), "--json"]);
    let report: serde_json::Value = serde_json::from_str(&json.stdout()).unwrap();
    assert_eq!(report["valid"], false);
    assert_eq!(report["messages"]["steps"].as_array().unwrap().len(), 2);
    // A sandbox sender carries every step.
    let sandbox = s.write("sandbox.yaml", yaml("alice"));
    s.ok(&["campaign", "validate", sandbox.to_str().unwrap()]);
}
