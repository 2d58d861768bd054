//! `overture user` and `overture token`: passwords and tokens never printed again, never
//! stored in clear, weak passwords refused with nothing stored.

use crate::Sandbox;

const PASSWORD: &str = "plum cobalt ferry lantern";

fn db_bytes(s: &Sandbox) -> Vec<u8> {
    // The write-ahead log too: a fresh commit may not be in the main file yet.
    let mut bytes = std::fs::read(s.path("overture.db")).expect("the database");
    if let Ok(wal) = std::fs::read(s.path("overture.db-wal")) {
        bytes.extend(wal);
    }
    bytes
}

/// Runs `overture user add` for `email`, with `extra` arguments and the password in `file`.
fn user_add(s: &Sandbox, email: &str, extra: &[&str], file: &std::path::Path) -> crate::Run {
    let mut args = vec![
        "user",
        "add",
        "--email",
        email,
        "--name",
        "Fictional Person",
    ];
    args.extend_from_slice(extra);
    args.extend(["--password-file", file.to_str().unwrap()]);
    s.run(&args)
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn first_user_becomes_owner_and_the_password_is_never_printed_or_stored() {
    let s = Sandbox::new();
    s.ok(&["init"]);
    let file = s.write("password.txt", format!("{PASSWORD}\n"));
    let out = user_add(
        &s,
        "Ana@Example.com",
        &["--workspace-role", "viewer"],
        &file,
    );
    let stderr = out.stderr();
    let stdout = out.success();
    assert!(
        stdout.contains("ana@example.com") && stdout.contains("owner"),
        "{stdout}"
    );
    assert!(stderr.contains("first user"), "{stderr}");

    let second = s.write("second.txt", "harbor velvet orchid sparrow");
    user_add(
        &s,
        "ben@example.com",
        &["--workspace-role", "admin"],
        &second,
    )
    .success();
    let dup = user_add(&s, "BEN@example.com", &[], &second).input_error();
    assert!(dup.contains("exists already"), "{dup}");

    let listed = s.json(&["user", "list"]);
    let rows: Vec<(&str, &str)> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["email"].as_str().unwrap(), m["role"].as_str().unwrap()))
        .collect();
    assert_eq!(
        rows,
        [("ana@example.com", "owner"), ("ben@example.com", "admin")]
    );
    let table = s.ok(&["user", "list"]);
    for out in [listed.to_string(), table] {
        assert!(
            !out.contains("argon2") && !out.contains("password"),
            "{out}"
        );
        assert!(!out.contains(PASSWORD), "{out}");
    }

    let db = db_bytes(&s);
    assert!(
        !contains(&db, PASSWORD),
        "the clear password is in the database"
    );
    assert!(contains(&db, "$argon2id$"), "the hash is argon2id");
}

#[test]
fn weak_password_is_refused_with_a_clear_error_and_nothing_stored() {
    let s = Sandbox::new();
    s.ok(&["init"]);
    let weak = s.write("weak.txt", "letmein\n");
    let err = user_add(&s, "ana@example.com", &[], &weak).input_error();
    assert!(
        err.contains("at least 12") && err.contains("no user was added"),
        "{err}"
    );
    let own = s.write("own.txt", "ana@example.com-2026");
    let err = user_add(&s, "ana@example.com", &[], &own).input_error();
    assert!(err.contains("email address"), "{err}");
    assert_eq!(s.json(&["user", "list"]), serde_json::json!([]));
}

#[test]
fn password_comes_from_standard_input() {
    let s = Sandbox::new();
    s.ok(&["init"]);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_overture"))
        .args([
            "user",
            "add",
            "--email",
            "ana@example.com",
            "--name",
            "Ana",
            "--password-file",
            "-",
        ])
        .current_dir(s.path(""))
        .env_remove("OVERTURE_CONFIG")
        .env_remove("OVERTURE_WORKSPACE")
        .env("OVERTURE_DATABASE_URL", s.path("overture.db"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(format!("{PASSWORD}\r\n").as_bytes())?;
            child.wait_with_output()
        })
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(s.json(&["user", "list"]).as_array().unwrap().len(), 1);
}

#[test]
fn token_is_shown_once_never_listed_and_stored_hashed() {
    let s = Sandbox::new();
    s.ok(&["init"]);
    let token = s.ok(&["token", "create", "--name", "crm sync", "--role", "member"]);
    let token = token.trim().to_owned();
    assert!(token.starts_with("ovt_") && token.len() == 47, "{token}");
    let made = s.json(&["token", "create", "--name", "reports", "--role", "viewer"]);
    let second = made["token"].as_str().unwrap().to_owned();
    let second_prefix = made["prefix"].as_str().unwrap().to_owned();
    assert!(second.starts_with(&second_prefix), "{made}");

    let listed = s.json(&["token", "list"]);
    let table = s.ok(&["token", "list"]);
    for out in [listed.to_string(), table.clone()] {
        assert!(
            !out.contains(&token[4..]) && !out.contains(&second[4..]),
            "{out}"
        );
        assert!(!out.contains("hash"), "{out}");
    }
    assert!(
        table.contains(&token[..12]) && table.contains("crm sync"),
        "{table}"
    );
    let rows = listed.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["role"], "member");
    assert_eq!(rows[0]["prefix"], token[..12]);

    let db = db_bytes(&s);
    assert!(
        !contains(&db, &token) && !contains(&db, &token[4..]),
        "the clear token is in the database"
    );

    let out = s.ok(&["token", "revoke", &token[..12]]);
    assert!(out.contains("Revoked"), "{out}");
    let listed = s.json(&["token", "list"]);
    assert!(listed[0]["revoked_at"].is_string(), "{listed}");
    assert!(listed[1]["revoked_at"].is_null(), "{listed}");
    let err = s.run(&["token", "revoke", "ovt_nothing0"]).input_error();
    assert!(err.contains("overture token list"), "{err}");
}
