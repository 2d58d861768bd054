use crate::Sandbox;

fn demo(s: &Sandbox, db: &str, seed: &str) -> serde_json::Value {
    s.json(&[
        "demo", "--seats", "2", "--leads", "120", "--days", "12", "--seed", seed, "--db", db,
    ])
}

#[test]
fn the_demo_is_reproducible_and_never_exceeds_a_cap() {
    let s = Sandbox::new();
    let first = demo(&s, "a.db", "7");
    let again = demo(&s, "b.db", "7");
    assert_eq!(
        first, again,
        "the same seed and arguments give the same report"
    );
    assert_eq!(first["seed"], 7);
    assert_eq!(first["accounts"].as_array().unwrap().len(), 2);
    let totals = &first["totals"];
    assert_eq!(totals["cap_violations"], 0);
    assert!(totals["invites_sent"].as_u64().unwrap() > 0, "{totals}");
    for key in [
        "invites_accepted",
        "invites_withdrawn",
        "invites_pending",
        "max_pending",
        "acceptance_rate",
        "messages_sent",
        "replies",
        "restrictions",
    ] {
        assert!(totals.get(key).is_some(), "totals carry {key}: {totals}");
    }
    let other = demo(&s, "c.db", "8");
    assert_ne!(
        first["totals"], other["totals"],
        "another seed plays out differently"
    );

    // The demo database answers `status` at the simulated instant.
    let status = s.json(&["--db", "a.db", "status", "--at", "2026-01-16T12:00:00Z"]);
    let accounts = status["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 2);
    for a in accounts {
        assert!(a["invites_24h"].as_u64().unwrap() <= a["invite_day_cap"].as_u64().unwrap());
        assert!(a["invites_7d"].as_u64().unwrap() <= a["invite_week_cap"].as_u64().unwrap());
    }
}

#[test]
fn the_demo_never_replaces_a_database_with_real_accounts() {
    let s = Sandbox::new();
    s.ok(&["account", "add", "linkedin", "--name", "real"]);
    let err = s
        .run(&[
            "demo",
            "--db",
            "overture.db",
            "--days",
            "1",
            "--leads",
            "10",
            "--seats",
            "1",
        ])
        .input_error();
    assert!(err.contains("real accounts"), "{err}");
    assert_eq!(s.json(&["account", "list"]).as_array().unwrap().len(), 1);
}

#[test]
fn campaigns_start_pause_and_run_for_a_while() {
    let s = Sandbox::new();
    s.founders();

    let started = s.json(&["campaign", "start", "founders-q1"]);
    assert_eq!(started["enrolled"], 2);
    assert_eq!(
        s.json(&["campaign", "show", "founders-q1"])["status"],
        "active"
    );
    let again = s.json(&["campaign", "start", "founders-q1"]);
    assert_eq!(again["enrolled"], 0, "nobody is enrolled twice");

    s.ok(&["run", "--until", "1s"]);
    s.ok(&["campaign", "pause", "founders-q1"]);
    assert_eq!(
        s.json(&["campaign", "show", "founders-q1"])["status"],
        "paused"
    );
    let err = s.run(&["run", "--until", "soon"]).input_error();
    assert!(err.contains("duration"), "{err}");
}

#[test]
fn after_a_restriction_status_shows_the_lower_pending_cap() {
    let s = Sandbox::new();
    // A LinkedIn that restricts an account with a handful of invitations pending.
    s.write(
        "strict.toml",
        "[restriction]\npending_weight = 1.0\nthreshold = 8.0\n",
    );
    let report = s.json(&[
        "demo",
        "--seats",
        "1",
        "--leads",
        "120",
        "--days",
        "12",
        "--seed",
        "3",
        "--world",
        "strict.toml",
        "--db",
        "d.db",
    ]);
    assert!(
        report["totals"]["restrictions"].as_u64().unwrap() > 0,
        "{report}"
    );
    let status = s.json(&["--db", "d.db", "status", "--at", "2026-01-16T12:00:00Z"]);
    let account = &status["accounts"][0];
    let cap = account["pending_cap"].as_u64().unwrap();
    let setting = account["pending_cap_setting"].as_u64().unwrap();
    assert!(cap < setting, "{account}");
    let text = s.run(&["--db", "d.db", "status", "--at", "2026-01-16T12:00:00Z"]);
    assert!(
        text.stdout().contains(&format!("lowered from {setting}")),
        "{}",
        text.stdout()
    );
}
