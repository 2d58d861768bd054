//! `overture worker`: several engines on one database, each holding its own accounts,
//! `overture serve --no-engine`, and on PostgreSQL an idle worker that picks up at once the
//! work another process queues.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

use overture_core::WorkspaceId;
use overture_store::{ActionQuery, Store};
use overture_store_postgres::testing::TestDatabase;

use crate::Sandbox;

fn spawn(s: &Sandbox, args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_overture"))
        .args(args)
        .current_dir(s.path(""))
        .env_remove("OVERTURE_CONFIG")
        .env_remove("OVERTURE_MASTER_KEY")
        .env("OVERTURE_DATABASE_URL", s.path("overture.db"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run overture")
}

fn finished(child: std::process::Child) -> String {
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    stderr
}

#[test]
fn two_workers_on_one_database_hold_different_accounts() {
    let s = Sandbox::new();
    s.founders();
    s.ok(&["campaign", "start", "founders-q1"]);

    let one = [
        "worker",
        "--id",
        "w-one",
        "--max-accounts",
        "1",
        "--until",
        "3s",
    ];
    let two = [
        "worker",
        "--id",
        "w-two",
        "--max-accounts",
        "1",
        "--until",
        "3s",
    ];
    let (a, b) = (spawn(&s, &one), spawn(&s, &two));
    let said = finished(a);
    assert!(said.contains("Worker w-one"), "{said}");
    finished(b);

    let db = rusqlite::Connection::open(s.path("overture.db")).unwrap();
    let mut stmt = db
        .prepare(
            "SELECT a.name, l.worker, l.fence FROM account_leases l
               JOIN accounts a ON a.id = l.account_id ORDER BY a.name",
        )
        .unwrap();
    let held: Vec<(String, String, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let names: Vec<_> = held.iter().map(|h| h.0.as_str()).collect();
    assert_eq!(names, ["alice", "bob"]);
    let mut workers: Vec<_> = held.iter().map(|h| h.1.as_str()).collect();
    workers.sort_unstable();
    assert_eq!(workers, ["w-one", "w-two"], "one account each: {held:?}");
    assert!(held.iter().all(|h| h.2 == 1), "{held:?}");

    let err = s
        .run(&["worker", "--id", " ", "--until", "1s"])
        .input_error();
    assert!(err.contains("--id"), "{err}");
    let err = s
        .run(&["worker", "--max-accounts", "0", "--until", "1s"])
        .input_error();
    assert!(err.contains("--max-accounts"), "{err}");
}

#[test]
fn serve_without_the_engine_serves_and_holds_no_account() {
    let s = Sandbox::new();
    s.account("alice", "premium");
    let serve = [
        "serve",
        "--no-engine",
        "--bind",
        "127.0.0.1:0",
        "--until",
        "1s",
    ];
    let said = finished(spawn(&s, &serve));
    assert!(said.contains("Not running the engine"), "{said}");
    assert!(said.contains("Serving on http://127.0.0.1:"), "{said}");
    let db = rusqlite::Connection::open(s.path("overture.db")).unwrap();
    let leases: i64 = db
        .query_row("SELECT COUNT(*) FROM account_leases", [], |r| r.get(0))
        .unwrap();
    assert_eq!(leases, 0);
}

/// An idle worker wakes on its own only to renew its account leases (a minute after taking
/// them: half the 2-minute lease) or to poll and govern (hours apart, and never sooner than a
/// minute). Stopped after 15 seconds, it can have planned the campaign's first actions only
/// because it heard, through PostgreSQL, that another process started the campaign.
#[test]
fn an_idle_worker_on_postgres_picks_up_a_campaign_started_by_another_process() {
    let Some(db) = TestDatabase::create_blocking() else {
        return;
    };
    let s = Sandbox::new();
    let url = db.url.as_str();
    let on_pg = |args: &[&str]| {
        s.run_with(args, &[("OVERTURE_DATABASE_URL", url)])
            .success()
    };
    on_pg(&["init"]);
    for name in ["alice", "bob"] {
        on_pg(&[
            "account", "add", "sandbox", "--name", name, "--tier", "premium",
        ]);
    }
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

    let mut worker = Command::new(env!("CARGO_BIN_EXE_overture"))
        .args(["worker", "--id", "w-idle", "--until", "15s"])
        .current_dir(s.path(""))
        .env_remove("OVERTURE_CONFIG")
        .env_remove("OVERTURE_MASTER_KEY")
        .env("OVERTURE_DATABASE_URL", url)
        // The engine says when it waits, and the store when it listens for queued work.
        .env(
            "OVERTURE_LOG",
            "warn,overture_engine=debug,overture_store_postgres=debug",
        )
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run overture worker");
    let stderr = worker.stderr.take().expect("the worker's stderr");
    let mut lines = BufReader::new(stderr).lines();
    let mut said = String::new();
    let mut wait_for = |text: &str| {
        loop {
            let line = lines
                .next()
                .unwrap_or_else(|| panic!("the worker ended: {said}"));
            let line = line.expect("the worker's stderr");
            said.push_str(&line);
            said.push('\n');
            if line.contains(text) {
                return;
            }
        }
    };
    // The store starts listening once the engine waits after its first tick, and wakes it
    // once more then (it could not hear what was queued before); the engine waits again.
    wait_for("listening for queued work");
    wait_for("waiting for the next wake-up");

    let started: serde_json::Value =
        serde_json::from_str(&on_pg(&["campaign", "start", "founders-q1", "--json"]))
            .expect("JSON");
    assert_eq!(started["enrolled"], 2);
    let status = worker.wait().expect("the worker ends");
    said.extend(lines.map_while(Result::ok).map(|l| l + "\n"));
    assert!(status.success(), "{said}");

    // `campaign start` only enrolls: the actions are the worker's planning.
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let planned = runtime.block_on(async {
        let store = db.store().await;
        let query = ActionQuery {
            state: None,
            account: None,
            limit: 100,
        };
        let actions = store.list_actions(WorkspaceId::DEFAULT, query).await;
        store.close().await;
        actions.expect("the actions")
    });
    assert_eq!(planned.len(), 2, "a first visit for each lead: {said}");
}
