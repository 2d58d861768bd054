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
    let address = loop {
        let line = lines.next().expect("serve says where it listens").unwrap();
        if let Some(rest) = line.strip_prefix("Serving on http://") {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
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
