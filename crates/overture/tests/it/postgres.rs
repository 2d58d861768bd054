//! The command line on PostgreSQL: `--db postgres://…` or `OVERTURE_DATABASE_URL` picks the
//! store, and the commands, `run` and the engine work on it as on SQLite. Skipped (saying so)
//! without `OVERTURE_TEST_POSTGRES_URL`.

use overture_store_postgres::testing::TestDatabase;

use crate::Sandbox;

#[test]
fn the_command_line_runs_a_campaign_on_postgres() {
    let Some(db) = TestDatabase::create_blocking() else {
        return;
    };
    let s = Sandbox::new();
    let url = db.url.as_str();
    let on_pg = |args: &[&str]| {
        s.run_with(args, &[("OVERTURE_DATABASE_URL", url)])
            .success()
    };
    let init = on_pg(&["init"]);
    assert!(init.contains("postgres://"), "{init}");
    assert!(
        !s.path("overture.db").exists(),
        "nothing is written to the SQLite default"
    );
    on_pg(&[
        "account", "add", "sandbox", "--name", "alice", "--tier", "premium",
    ]);
    on_pg(&[
        "account", "add", "sandbox", "--name", "bob", "--tier", "premium",
    ]);
    let leads = s.write(
        "l.csv",
        "URL,First Name\nlinkedin.com/in/one-person,One\nlinkedin.com/in/two-person,Two\n",
    );
    on_pg(&[
        "leads",
        "import",
        leads.to_str().unwrap(),
        "--list",
        "founders",
    ]);
    let file = crate::repo_root().join("examples/campaigns/founders-q1.yaml");
    on_pg(&["campaign", "apply", file.to_str().unwrap()]);
    let started: serde_json::Value =
        serde_json::from_str(&on_pg(&["campaign", "start", "founders-q1", "--json"]))
            .expect("JSON");
    assert_eq!(started["enrolled"], 2);
    on_pg(&["run", "--until", "1s"]);

    // `--db` names the same database; the SQLite default beside it stays empty.
    let listed: serde_json::Value =
        serde_json::from_str(&on_pg(&["--db", url, "account", "list", "--json"])).expect("JSON");
    let names: Vec<_> = listed
        .as_array()
        .expect("a list")
        .iter()
        .map(|a| a["name"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(names, ["alice", "bob"]);
    let shown: serde_json::Value =
        serde_json::from_str(&on_pg(&["campaign", "show", "founders-q1", "--json"])).expect("JSON");
    assert_eq!(shown["status"], "active");
    let sqlite = s.run(&["account", "list", "--json"]);
    assert_ne!(sqlite.code(), 0, "the SQLite file was never created");
}

#[test]
fn a_password_in_the_database_url_is_never_printed() {
    let s = Sandbox::new();
    // Nothing listens on port 1: the connection fails, and the message names the server.
    let url = "postgres://app:hunter2-example@127.0.0.1:1/overture";
    let failed = s.run_with(&["account", "list"], &[("OVERTURE_DATABASE_URL", url)]);
    assert_ne!(failed.code(), 0);
    let text = format!("{}{}", failed.stdout(), failed.stderr());
    assert!(!text.contains("hunter2"), "{text}");
    assert!(text.contains("127.0.0.1:1"), "{text}");
    let shown = s.run_with(&["config", "show"], &[("OVERTURE_DATABASE_URL", url)]);
    let shown = shown.success();
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("REDACTED"), "{shown}");
}
