//! `overture worker`: several engines on one database, each holding its own accounts, and
//! `overture serve --no-engine`.

use std::process::{Command, Stdio};

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
    let err = s
        .run(&["worker", "--account-lease", "5s", "--until", "1s"])
        .input_error();
    assert!(err.contains("--account-lease"), "{err}");
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
