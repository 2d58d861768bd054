use crate::Sandbox;

#[test]
fn accounts_are_added_listed_and_shown_with_tier_defaults() {
    let s = Sandbox::new();
    s.ok(&[
        "account",
        "add",
        "sandbox",
        "--name",
        "alice",
        "--tier",
        "premium",
        "--tz",
        "Europe/Berlin",
    ]);
    s.ok(&[
        "account",
        "add",
        "linkedin",
        "--name",
        "bob",
        "--days",
        "mon,wed",
        "--hours",
        "08:00-12:30",
    ]);

    let list = s.json(&["account", "list"]);
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["alice", "bob"]);

    let alice = s.json(&["account", "show", "alice"]);
    assert_eq!(alice["tier"], "premium");
    assert_eq!(alice["time_zone"], "Europe/Berlin");
    assert_eq!(alice["status"]["state"], "active");
    assert_eq!(alice["limits"]["kinds"]["invite"]["per_week"], 180);
    assert!(alice["limits"]["note_quota"].is_null());

    let bob = s.json(&["account", "show", "bob"]);
    assert_eq!(
        bob["status"]["state"], "needs_credentials",
        "a LinkedIn seat waits for its session"
    );
    assert_eq!(bob["limits"]["kinds"]["invite"]["per_week"], 100);
    assert_eq!(bob["limits"]["note_quota"]["per_30_days"], 5);
    assert_eq!(
        bob["working_hours"]["days"],
        serde_json::json!(["mon", "wed"])
    );
}

#[test]
fn a_duplicate_name_or_bad_zone_is_an_input_error_that_says_what_to_do() {
    let s = Sandbox::new();
    s.account("alice", "free");
    let err = s
        .run(&["account", "add", "sandbox", "--name", "alice"])
        .input_error();
    assert!(err.contains("already exists"), "{err}");

    let err = s
        .run(&[
            "account",
            "add",
            "sandbox",
            "--name",
            "zed",
            "--tz",
            "Mars/Olympus",
        ])
        .input_error();
    assert!(
        err.contains("Mars/Olympus") && err.contains("IANA"),
        "{err}"
    );
    assert_eq!(s.json(&["account", "list"]).as_array().unwrap().len(), 1);
}

#[test]
fn read_commands_on_a_missing_database_say_how_to_create_one() {
    let s = Sandbox::new();
    let err = s.run(&["account", "list"]).input_error();
    assert!(err.contains("overture init"), "{err}");
    assert!(
        !s.path("overture.db").exists(),
        "a read command must not create a database"
    );
}

#[test]
fn configuration_file_and_environment_are_layered() {
    let s = Sandbox::new();
    s.write("overture.toml", "default_time_zone = \"Asia/Tokyo\"\n");
    s.account("kenji", "free");
    assert_eq!(
        s.json(&["account", "show", "kenji"])["time_zone"],
        "Asia/Tokyo"
    );

    s.write("overture.toml", "default_time_zone = 7\n");
    let err = s.run(&["account", "list"]).input_error();
    assert!(err.contains("overture.toml"), "{err}");
}

#[test]
fn account_set_changes_limits_and_hours_and_refuses_nonsense_without_changing_anything() {
    let s = Sandbox::new();
    s.account("alice", "free");
    let changed = s.json(&[
        "account",
        "set",
        "alice",
        "--limit",
        "invite.per_day=15",
        "--limit",
        "follow=off",
        "--limit",
        "note_quota.per_30_days=none",
        "--hours",
        "08:00-16:00",
    ]);
    assert_eq!(changed["limits"]["kinds"]["invite"]["per_day"], 15);
    assert!(changed["limits"]["kinds"]["follow"].is_null());
    assert!(changed["limits"]["note_quota"].is_null());
    assert_eq!(changed["working_hours"]["start"], "08:00:00");
    assert_eq!(
        changed["working_hours"]["days"],
        serde_json::json!(["mon", "tue", "wed", "thu", "fri"])
    );

    let before = s.json(&["account", "show", "alice"]);
    let err = s
        .run(&[
            "account",
            "set",
            "alice",
            "--limit",
            "invite.per_day=10",
            "--limit",
            "visit.min_spacing=-1m",
        ])
        .input_error();
    assert!(err.contains("negative"), "{err}");
    assert_eq!(
        s.json(&["account", "show", "alice"]),
        before,
        "a refused change stores nothing"
    );

    let premium = s.json(&[
        "account",
        "set",
        "alice",
        "--tier",
        "premium",
        "--reset-limits",
    ]);
    assert_eq!(premium["tier"], "premium");
    assert_eq!(premium["limits"]["kinds"]["invite"]["per_week"], 180);
    assert_eq!(premium["limits"]["kinds"]["follow"]["per_day"], 30);

    let err = s
        .run(&["account", "set", "nobody", "--tier", "free"])
        .input_error();
    assert!(err.contains("account list"), "{err}");
}

#[test]
fn account_set_changes_the_governor_and_refuses_nonsense_without_changing_anything() {
    let s = Sandbox::new();
    s.account("alice", "premium");
    let shown = s.json(&["account", "show", "alice"]);
    assert_eq!(shown["governor"]["max_pending"], 400, "the defaults");
    assert_eq!(shown["governor"]["smart"], true);
    let changed = s.json(&[
        "account",
        "set",
        "alice",
        "--governor",
        "max_pending=250",
        "--governor",
        "withdraw_after=14d",
        "--governor",
        "smart_threshold=3%",
    ]);
    assert_eq!(changed["governor"]["max_pending"], 250);
    assert_eq!(changed["governor"]["withdraw_after"], "336h");
    assert!((changed["governor"]["smart_threshold"].as_f64().unwrap() - 0.03).abs() < 1e-9);

    let before = s.json(&["account", "show", "alice"]);
    let err = s
        .run(&[
            "account",
            "set",
            "alice",
            "--governor",
            "max_pending=100",
            "--governor",
            "keep=5",
        ])
        .input_error();
    assert!(
        err.contains("unknown key") && err.contains("max_pending"),
        "{err}"
    );
    assert_eq!(
        s.json(&["account", "show", "alice"]),
        before,
        "a refused change stores nothing"
    );
    let text = s.run(&["account", "show", "alice"]).success();
    assert!(text.contains("at most 250 pending"), "{text}");
}
