//! Email accounts and DKIM keys on the command line: settings checked before anything is
//! stored, passwords and keys stored encrypted and never printed.

use crate::Sandbox;

#[test]
fn an_email_account_is_checked_stored_encrypted_and_shown_without_its_password() {
    let s = Sandbox::new();
    s.ok(&["init"]);
    let password = s.write("password.txt", "fictional-mail-password-7731\n");
    let bad = s
        .run(&[
            "account",
            "add",
            "email",
            "--name",
            "ana",
            "--from",
            "not an address",
            "--smtp-url",
            "smtps://ana%40example.com@mail.example.com",
        ])
        .input_error();
    assert!(bad.contains("--from"), "{bad}");
    let bad = s
        .run(&[
            "account",
            "add",
            "email",
            "--name",
            "ana",
            "--from",
            "Ana <ana@example.com>",
            "--smtp-url",
            "ftp://mail.example.com",
        ])
        .input_error();
    assert!(bad.contains("--smtp-url"), "{bad}");
    assert_eq!(
        s.json(&["account", "list"]).as_array().unwrap().len(),
        0,
        "nothing stored after a bad flag"
    );

    let out = s.ok(&[
        "account",
        "add",
        "email",
        "--name",
        "ana",
        "--from",
        "Ana Lindqvist <ana@example.com>",
        "--smtp-url",
        "smtps://ana%40example.com@mail.example.com",
        "--imap-url",
        "imaps://ana%40example.com@mail.example.com",
        "--password-file",
        password.to_str().unwrap(),
        "--footer",
        "Example Ltd, 1 Sample Street",
        "--unsubscribe-url",
        "https://out.example.com",
    ]);
    assert!(out.contains("the account is active"), "{out}");
    let shown = s.ok(&["account", "show", "ana"]);
    assert!(
        shown.contains("mailbox settings and password stored, encrypted"),
        "{shown}"
    );
    let db = std::fs::read(s.path("overture.db")).unwrap();
    let text = String::from_utf8_lossy(&db);
    assert!(!text.contains("fictional-mail-password-7731"));
    assert!(
        !text.contains("mail.example.com"),
        "settings are encrypted too"
    );

    let changed = s.ok(&["account", "set", "ana", "--footer", ""]);
    assert!(changed.contains("Updated account `ana`"), "{changed}");
}

#[test]
fn dkim_keys_are_generated_per_domain_and_only_their_public_record_is_printed() {
    let s = Sandbox::new();
    s.ok(&["init"]);
    let out = s.json(&[
        "dkim",
        "generate",
        "--domain",
        "example.com",
        "--algorithm",
        "ed25519",
    ]);
    assert_eq!(out["name"], "overture._domainkey.example.com");
    let value = out["value"].as_str().unwrap();
    assert!(value.starts_with("v=DKIM1; k=ed25519; p="), "{value}");
    let listed = s.json(&["dkim", "list"]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(
        listed[0]["value"], value,
        "the stored key gives the same record"
    );
    let bad = s
        .run(&[
            "dkim",
            "generate",
            "--domain",
            "example.com",
            "--algorithm",
            "dsa",
        ])
        .input_error();
    assert!(bad.contains("--algorithm"), "{bad}");
}

#[test]
fn a_relay_that_needs_no_login_makes_an_active_mailbox_without_a_password() {
    let s = Sandbox::new();
    s.ok(&["init"]);
    let relay = [
        "account",
        "add",
        "email",
        "--name",
        "relay",
        "--from",
        "Quillon Systems <outreach@example.com>",
        "--smtp-url",
        "smtp://127.0.0.1:2525?tls=none",
    ];
    let password = s.write("pw", "fictional-mail-password-1200");
    let mut with_password = relay.to_vec();
    with_password.extend(["--password-file", password.to_str().unwrap()]);
    let err = s.run(&with_password).input_error();
    assert!(err.contains("--password-file"), "{err}");
    assert!(err.contains("names no user"), "{err}");
    assert_eq!(s.json(&["account", "list"]).as_array().unwrap().len(), 0);

    let out = s.ok(&relay);
    assert!(out.contains("needs no login"), "{out}");
    let listed = s.json(&["account", "list"]);
    assert_eq!(listed[0]["status"]["state"], "active", "{listed}");
}
