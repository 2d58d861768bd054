//! `overture webhook`: endpoints added with a secret shown once, listed without it, tested
//! with a ping to a loopback receiver, and removed.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpListener;
use std::sync::mpsc;

use crate::Sandbox;

/// A one-request HTTP receiver on loopback that answers 204 and hands over what it got.
fn receiver() -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let url = format!(
        "http://{}/hooks",
        listener.local_addr().expect("an address")
    );
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let Ok((stream, _)) = listener.accept() else {
            return;
        };
        let mut reader = BufReader::new(stream.try_clone().expect("a clone"));
        let mut head = String::new();
        let mut length = 0;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
            head.push_str(&line);
        }
        let mut body = vec![0; length];
        let _ = reader.read_exact(&mut body);
        let mut stream = stream;
        let _ = stream.write_all(
            b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
        let _ = tx.send(format!("{head}\r\n{}", String::from_utf8_lossy(&body)));
    });
    (url, rx)
}

#[test]
fn endpoints_are_added_listed_without_their_secret_tested_and_removed() {
    let s = Sandbox::new();
    s.ok(&["init"]);
    let (url, got) = receiver();

    let refused = s
        .run(&[
            "webhook",
            "add",
            "--url",
            &url,
            "--events",
            "invite_accepted",
        ])
        .input_error();
    assert!(refused.contains("loopback"), "{refused}");
    let unknown = s
        .run(&[
            "webhook",
            "add",
            "--url",
            &url,
            "--events",
            "invite_acepted",
            "--allow-private",
        ])
        .input_error();
    assert!(unknown.contains("invite_accepted"), "{unknown}");

    let added = s.json(&[
        "webhook",
        "add",
        "--url",
        &url,
        "--events",
        "invite_accepted,reply_received,unsubscribed",
        "--allow-private",
    ]);
    let secret = added["secret"].as_str().expect("the secret").to_owned();
    assert!(secret.starts_with("whsec_"));
    let id = added["endpoint"]["id"].as_i64().expect("an id").to_string();
    assert_eq!(
        added["endpoint"]["events"],
        serde_json::json!(["invite_accepted", "reply_received", "lead_unsubscribed"])
    );

    let listed = s.ok(&["webhook", "list"]);
    let listed_json = s.ok(&["webhook", "list", "--json"]);
    let key = secret.trim_start_matches("whsec_");
    for out in [&listed, &listed_json] {
        assert!(out.contains(&url), "{out}");
        assert!(!out.contains(key), "the secret is listed");
    }

    let tested = s.ok(&["webhook", "test", &id]);
    assert!(tested.contains("Delivered"), "{tested}");
    let request = got.recv().expect("the receiver got the ping");
    assert!(request.contains("webhook-signature: v1,"), "{request}");
    assert!(request.contains(r#""type":"webhook.ping""#), "{request}");
    let deliveries = s.json(&["webhook", "deliveries"]);
    assert_eq!(deliveries[0]["status"], "delivered");
    assert_eq!(deliveries[0]["event_type"], "ping");

    for entry in std::fs::read_dir(s.path("")).expect("the directory") {
        let path = entry.expect("an entry").path();
        let bytes = std::fs::read(&path).expect("a file");
        assert!(
            !bytes.windows(key.len()).any(|w| w == key.as_bytes()),
            "the secret is in {} in clear",
            path.display()
        );
    }

    s.ok(&["webhook", "remove", &id]);
    assert_eq!(s.json(&["webhook", "list"]), serde_json::json!([]));
    let gone = s.run(&["webhook", "remove", &id]).input_error();
    assert!(gone.contains("no webhook endpoint"), "{gone}");
}

#[test]
fn overture_run_delivers_new_events() {
    let s = Sandbox::new();
    s.ok(&["init"]);
    let (url, got) = receiver();
    let added = s.json(&[
        "webhook",
        "add",
        "--url",
        &url,
        "--events",
        "account_paused",
        "--allow-private",
    ]);
    let secret = added["secret"].as_str().expect("the secret").to_owned();
    // An event after the endpoint's creation, written the way the engine would.
    let db = rusqlite::Connection::open(s.path("overture.db")).expect("the database");
    let created = added["endpoint"]["created_at"].as_str().expect("a time");
    let at: jiff::Timestamp = created.parse().expect("a timestamp");
    db.execute(
        "INSERT INTO events (workspace_id, kind, at, data) VALUES (1, 'account_paused', ?1, '{}')",
        [at.as_millisecond() + 1],
    )
    .expect("an event");
    drop(db);

    s.ok(&["run", "--until", "3s"]);
    let request = got.recv().expect("the receiver got the event");
    assert!(request.contains(r#""type":"account.paused""#), "{request}");
    assert!(request.contains("webhook-id: msg_"), "{request}");
    assert!(!request.contains(secret.trim_start_matches("whsec_")));
    let deliveries = s.json(&["webhook", "deliveries"]);
    assert_eq!(deliveries[0]["status"], "delivered");
}
