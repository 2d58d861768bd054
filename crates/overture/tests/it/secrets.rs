//! LinkedIn sessions: stored encrypted, never printed, never logged.

use std::io::Write as _;
use std::process::{Command, Stdio};

use crate::{Run, Sandbox};

/// Fictional cookie values, distinct per test file so that a leak names its source.
const LI_AT: &str = "AQEDARfictionalLiAtCookieValue0042";
const JSESSION: &str = "ajax:9081726354657483920";

fn header() -> String {
    format!("lang=v=2&lang=en-us; li_at={LI_AT}; JSESSIONID=\"{JSESSION}\"; lidc=\"b=VB1\"")
}

fn json() -> String {
    format!(
        "\u{feff}[{{\"domain\":\".linkedin.com\",\"name\":\"li_at\",\"value\":\"{LI_AT}\"}},\r\n\
         {{\"domain\":\".www.linkedin.com\",\"name\":\"JSESSIONID\",\"value\":\"\\\"{JSESSION}\\\"\"}}]\r\n"
    )
}

fn netscape() -> String {
    format!(
        "# Netscape HTTP Cookie File\n\
         #HttpOnly_.linkedin.com\tTRUE\t/\tTRUE\t1900000000\tli_at\t{LI_AT}\n\
         .www.linkedin.com\tTRUE\t/\tTRUE\t1900000000\tJSESSIONID\t\"{JSESSION}\"\n"
    )
}

/// Runs overture with extra environment variables and standard input.
fn run(s: &Sandbox, args: &[&str], env: &[(&str, &str)], stdin: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_overture"))
        .args(args)
        .current_dir(s.path(""))
        .env_remove("OVERTURE_CONFIG")
        .env_remove("OVERTURE_WORKSPACE")
        .env_remove("OVERTURE_MASTER_KEY")
        .env("OVERTURE_LOG", "debug")
        .env("OVERTURE_DATABASE_URL", s.path("overture.db"))
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run overture");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    Run(child.wait_with_output().expect("overture ends"))
}

/// Fails if a cookie value appears in `what`.
#[track_caller]
fn no_cookie(what: &str, bytes: &[u8]) {
    for value in [LI_AT.as_bytes(), JSESSION.as_bytes()] {
        assert!(
            !bytes.windows(value.len()).any(|w| w == value),
            "a cookie value appears in {what}"
        );
    }
}

#[track_caller]
fn no_cookie_in_run(run: &Run) {
    no_cookie("standard output", &run.0.stdout);
    no_cookie("standard error", &run.0.stderr);
}

#[test]
fn cookies_from_each_format_are_stored_encrypted_and_never_shown() {
    let s = Sandbox::new();
    let init = run(&s, &["-vv", "init"], &[], "");
    no_cookie_in_run(&init);
    assert!(init.success().contains("overture.db.key"));
    s.write("cookies.header", header());
    s.write("cookies.json", json());
    s.write("cookies.txt", netscape());

    let mut outputs = Vec::new();
    for (name, file) in [
        ("a", "cookies.header"),
        ("b", "cookies.json"),
        ("c", "cookies.txt"),
    ] {
        let args = [
            "-vv",
            "account",
            "add",
            "linkedin",
            "--name",
            name,
            "--tier",
            "premium",
            "--tz",
            "Europe/Berlin",
            "--cookies-file",
            file,
        ];
        outputs.push(run(&s, &args, &[], ""));
    }
    let args = [
        "account",
        "add",
        "linkedin",
        "--name",
        "d",
        "--cookies-file",
        "-",
        "--json",
    ];
    outputs.push(run(&s, &args, &[], &header()));
    outputs.push(run(
        &s,
        &["account", "set", "a", "--cookies-file", "cookies.txt"],
        &[],
        "",
    ));
    for name in ["a", "b", "c", "d"] {
        outputs.push(run(&s, &["-vv", "account", "show", name], &[], ""));
        outputs.push(run(&s, &["account", "show", name, "--json"], &[], ""));
    }
    outputs.push(run(&s, &["account", "list", "--json"], &[], ""));
    for out in outputs {
        no_cookie_in_run(&out);
        out.success();
    }

    let show = s.ok(&["account", "show", "b"]);
    assert!(show.contains("status:        active"), "{show}");
    assert!(
        show.contains("session:       stored, encrypted (li_at and JSESSIONID, set "),
        "{show}"
    );
    let d = s.json(&["account", "show", "d"]);
    assert_eq!(d["status"]["state"], "active");

    // Fold the write-ahead log into the file, then read every file of the database.
    s.ok(&["status"]);
    for entry in std::fs::read_dir(s.path("")).expect("dir") {
        let path = entry.expect("entry").path();
        if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("overture.db"))
        {
            no_cookie(
                &path.display().to_string(),
                &std::fs::read(&path).expect("read"),
            );
        }
    }
}

#[test]
fn a_linkedin_account_without_cookies_waits_for_them() {
    let s = Sandbox::new();
    s.ok(&["init"]);
    s.ok(&["account", "add", "linkedin", "--name", "bob"]);
    let show = s.ok(&["account", "show", "bob"]);
    assert!(show.contains("needs credentials"), "{show}");
    assert!(
        show.contains("session:       none (give one: overture account set bob"),
        "{show}"
    );
    s.write("c.txt", header());
    s.ok(&["account", "set", "bob", "--cookies-file", "c.txt"]);
    assert_eq!(
        s.json(&["account", "show", "bob"])["status"]["state"],
        "active"
    );
    let e = s.run(&[
        "account",
        "add",
        "sandbox",
        "--name",
        "x",
        "--cookies-file",
        "c.txt",
    ]);
    assert!(
        e.input_error()
            .contains("--cookies-file is for LinkedIn accounts")
    );
}

#[test]
fn bad_cookie_files_name_the_file_and_change_nothing() {
    let s = Sandbox::new();
    s.ok(&["init"]);
    s.write(
        "cookies.txt",
        format!(".linkedin.com\tTRUE\t/\tTRUE\t0\tJSESSIONID\t\"{JSESSION}\"\n"),
    );
    let out = s.run(&[
        "account",
        "add",
        "linkedin",
        "--name",
        "a",
        "--cookies-file",
        "cookies.txt",
    ]);
    no_cookie_in_run(&out);
    let e = out.input_error();
    assert!(
        e.contains("cookies.txt: no li_at cookie for .linkedin.com (export the cookies while logged in to linkedin.com)"),
        "{e}"
    );
    assert_eq!(
        s.json(&["account", "list"]).as_array().map(Vec::len),
        Some(0)
    );
}

#[test]
fn the_key_must_be_right_private_and_present() {
    let s = Sandbox::new();
    s.write("c.txt", header());
    let add = |name: &str, env: &[(&str, &str)]| {
        run(
            &s,
            &[
                "account",
                "add",
                "linkedin",
                "--name",
                name,
                "--cookies-file",
                "c.txt",
            ],
            env,
            "",
        )
    };
    // A database made while the key came from the environment has no key file: say how to
    // make one.
    let other = "11".repeat(32);
    run(&s, &["init"], &[("OVERTURE_MASTER_KEY", &other)], "").success();
    assert!(!s.path("overture.db.key").exists());
    let e = add("a", &[]).input_error();
    assert!(
        e.contains("no master key") && e.contains("overture init"),
        "{e}"
    );

    // A key file others can read is refused with the chmod to run.
    s.ok(&["init"]);
    let key_file = s.path("overture.db.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&key_file)
            .expect("key file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let e = add("a", &[]).input_error();
        assert!(e.contains("chmod 600"), "{e}");
        std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    add("a", &[]).success();

    // The environment's key wins; a malformed one says the format.
    let e = add("b", &[("OVERTURE_MASTER_KEY", "hunter2")]).input_error();
    assert!(
        e.contains("OVERTURE_MASTER_KEY") && e.contains("base64"),
        "{e}"
    );
    let other = "11".repeat(32);
    add("b", &[("OVERTURE_MASTER_KEY", &other)]).success();
    // Replacing a session needs no decryption; reading one with the wrong key fails clearly.
    run(
        &s,
        &["account", "show", "a"],
        &[("OVERTURE_MASTER_KEY", &other)],
        "",
    )
    .success();
}
