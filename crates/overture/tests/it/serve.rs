//! `overture serve`: the engine and the HTTP service in one process.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use crate::Sandbox;

/// A plain HTTP/1.0 request; the whole answer.
fn http(address: &str, method: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(address).expect("the server listens");
    write!(
        stream,
        "{method} {path} HTTP/1.0\r\nHost: {address}\r\nContent-Length: 0\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn serve_answers_health_metrics_and_the_openapi_document_while_the_engine_runs() {
    let s = Sandbox::new();
    s.ok(&["init"]);
    s.account("alice", "free");
    let mut child = Command::new(env!("CARGO_BIN_EXE_overture"))
        .args(["serve", "--bind", "127.0.0.1:0", "--until", "20s"])
        .current_dir(s.path("."))
        .env_remove("OVERTURE_CONFIG")
        .env_remove("OVERTURE_LOG")
        .env("OVERTURE_DATABASE_URL", s.path("overture.db"))
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("overture serve starts");
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let mut before = String::new();
    let address = loop {
        let line = lines.next().expect("serve says where it listens").unwrap();
        if let Some(rest) = line.strip_prefix("Serving on http://") {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
        before.push_str(&line);
    };
    // Nobody can sign in yet and nobody can be asked (no terminal): serve says what to do.
    assert!(
        before.contains("Add the first owner: overture user add"),
        "{before}"
    );
    let health = http(&address, "GET", "/healthz");
    let metrics = http(&address, "GET", "/metrics");
    let doc = http(&address, "GET", "/api/v1/openapi.json");
    let missing = http(&address, "POST", &format!("/u/{}", "0".repeat(32)));
    child.kill().unwrap();
    let _ = child.wait();
    assert!(health.starts_with("HTTP/1.0 200"), "{health}");
    assert!(health.ends_with(r#"{"status":"ok"}"#), "{health}");
    assert!(
        metrics.contains(r#"overture_pending_invitations{workspace="default",account="alice"} 0"#),
        "{metrics}"
    );
    assert!(doc.contains("\"/u/{token}\""), "{doc}");
    assert!(missing.starts_with("HTTP/1.0 404"), "{missing}");
}

#[test]
fn a_taken_address_is_a_clear_error() {
    let s = Sandbox::new();
    s.ok(&["init"]);
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let err = s.run(&["serve", "--bind", &address]).input_error();
    assert!(
        err.contains("cannot listen on") && err.contains("--bind"),
        "{err}"
    );
}

/// Starts `overture serve --sandbox ARGS` in `s`; returns the child, the address it serves on
/// and the demo owner's password, read from what it prints.
fn start_sandbox(s: &Sandbox, args: &[&str]) -> (std::process::Child, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_overture"))
        .args([
            "--db",
            "demo.db",
            "serve",
            "--sandbox",
            "--bind",
            "127.0.0.1:0",
        ])
        .args(args)
        .current_dir(s.path("."))
        .env_remove("OVERTURE_CONFIG")
        .env_remove("OVERTURE_LOG")
        .env_remove("OVERTURE_WORKSPACE")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("overture serve --sandbox starts");
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let found = lines.by_ref().map_while(Result::ok).find_map(|line| {
        let rest = line.strip_prefix("Open http://")?.to_owned();
        let address = rest.split('/').next()?.to_owned();
        let password = rest
            .split("with the password ")
            .nth(1)?
            .split_whitespace()
            .next()?
            .to_owned();
        Some((address, password))
    });
    let Some((address, password)) = found else {
        let _ = child.kill();
        let status = child.wait();
        panic!("the sandbox never said how to sign in ({status:?})");
    };
    // Keep reading standard error so the child never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (child, address, password)
}

#[test]
fn the_sandbox_demo_sends_invitations_that_get_accepted_within_seconds() {
    let s = Sandbox::new();
    // 10 real seconds at 6,000x are almost 17 simulated hours.
    let (mut child, address, password) = start_sandbox(
        &s,
        &[
            "--speed", "6000", "--seats", "2", "--leads", "60", "--until", "10s",
        ],
    );
    assert_eq!(password.len(), 24, "{password}");
    let health = http(&address, "GET", "/healthz");
    assert!(health.starts_with("HTTP/1.0 200"), "{health}");
    assert!(child.wait().unwrap().success());

    // The demo workspace (id 2) holds the demo: its owner, and invitations sent and accepted.
    let env = [("OVERTURE_WORKSPACE", "2")];
    let users = s
        .run_with(&["--db", "demo.db", "user", "list", "--json"], &env)
        .success();
    let users: serde_json::Value = serde_json::from_str(&users).unwrap();
    assert_eq!(users[0]["email"], "demo@example.com", "{users}");
    assert_eq!(users[0]["role"], "owner", "{users}");
    let stats = s
        .run_with(&["--db", "demo.db", "invites", "stats", "--json"], &env)
        .success();
    let stats: serde_json::Value = serde_json::from_str(&stats).unwrap();
    let total = |field: &str| -> u64 {
        stats["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a[field].as_u64().unwrap())
            .sum()
    };
    assert!(total("sent") >= 4, "{stats}");
    assert!(total("accepted") >= 1, "{stats}");
}

#[test]
fn the_sandbox_refuses_a_database_with_real_accounts() {
    let s = Sandbox::new();
    s.run_with(&["--db", "demo.db", "init"], &[]).success();
    s.run_with(
        &[
            "--db", "demo.db", "account", "add", "linkedin", "--name", "real", "--tier", "free",
        ],
        &[],
    )
    .success();
    let err = s
        .run_with(
            &[
                "--db",
                "demo.db",
                "serve",
                "--sandbox",
                "--bind",
                "127.0.0.1:0",
            ],
            &[],
        )
        .input_error();
    assert!(err.contains("holds real accounts"), "{err}");
    // The real account is still there.
    let accounts = s
        .run_with(&["--db", "demo.db", "account", "list", "--json"], &[])
        .success();
    assert!(accounts.contains("\"real\""), "{accounts}");
}
