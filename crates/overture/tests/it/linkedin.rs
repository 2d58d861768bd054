//! LinkedIn accounts against the fake LinkedIn on loopback: `account check`, the route flags,
//! and a full run that talks to the fake and writes no cookie value anywhere.

use overture_clock::{Clock, SystemClock};
use overture_fake_linkedin::{FakeLinkedIn, Fault, SessionCookies, SessionDeath, World};

use crate::{Run, Sandbox};

/// The fake LinkedIn serving the demo world, on a runtime of its own that keeps serving while
/// the test waits for the binary.
struct Fake {
    fake: FakeLinkedIn,
    // Dropped after the fake, whose server task it runs.
    _runtime: tokio::runtime::Runtime,
}

impl Fake {
    fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime");
        let fake = runtime
            .block_on(FakeLinkedIn::start(World::demo()))
            .expect("the fake starts");
        Self {
            fake,
            _runtime: runtime,
        }
    }

    fn cookies(&self, account: &str) -> SessionCookies {
        self.fake.cookies(account).expect("a demo account")
    }

    /// Adds the demo world's `account` under the same name, with its cookies and the fake's
    /// base URL; `extra` are more `account add` flags.
    fn add(&self, s: &Sandbox, account: &str, extra: &[&str]) {
        let file = format!("{account}.cookies");
        s.write(&file, self.cookies(account).cookie_header());
        let base = self.fake.base_url();
        let mut args = vec![
            "account",
            "add",
            "linkedin",
            "--name",
            account,
            "--cookies-file",
            &file,
            "--api-base",
            &base,
        ];
        args.extend_from_slice(extra);
        s.ok(&args);
    }
}

/// A database with a key file and the demo world's `account`.
fn with_account(fake: &Fake, account: &str, tier: &str) -> Sandbox {
    let s = Sandbox::new();
    s.ok(&["init"]);
    fake.add(&s, account, &["--tier", tier]);
    s
}

/// A stored secret's name, nonce, ciphertext and when it was stored.
type SecretRow = (String, Vec<u8>, Vec<u8>, i64);

/// What a read-only command must leave alone: the accounts and every stored secret, bytes
/// and timestamps.
fn snapshot(s: &Sandbox) -> (serde_json::Value, Vec<SecretRow>) {
    let accounts = s.json(&["account", "list"]);
    let db = rusqlite::Connection::open(s.path("overture.db")).expect("open the database");
    let mut rows = db
        .prepare(
            "SELECT name, nonce, ciphertext, updated_at FROM secrets ORDER BY account_id, name",
        )
        .expect("query");
    let secrets = rows
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("rows")
        .collect::<Result<Vec<_>, _>>()
        .expect("secrets");
    (accounts, secrets)
}

/// Fails if any of the cookie values (or JSESSIONID's digits alone) appears in `bytes`.
#[track_caller]
fn no_cookie(what: &str, bytes: &[u8], sessions: &[&SessionCookies]) {
    for session in sessions {
        let digits = session.jsessionid.trim_start_matches("ajax:");
        for value in [&session.li_at, &session.jsessionid, digits] {
            let value = value.as_bytes();
            assert!(
                !bytes.windows(value.len()).any(|w| w == value),
                "a cookie value appears in {what}"
            );
        }
    }
}

#[track_caller]
fn no_cookie_in_run(run: &Run, sessions: &[&SessionCookies]) {
    no_cookie("standard output", &run.0.stdout, sessions);
    no_cookie("standard error", &run.0.stderr, sessions);
}

fn missing(report: &serde_json::Value) -> Vec<&str> {
    report["missing"]
        .as_array()
        .expect("a missing list")
        .iter()
        .map(|m| m["missing"].as_str().expect("a kind"))
        .collect()
}

#[test]
fn check_reports_who_the_session_is_and_what_the_profile_lacks() {
    let fake = Fake::start();
    let s = with_account(&fake, "ada", "premium");
    fake.add(&s, "ben", &[]);
    let sessions = [&fake.cookies("ada"), &fake.cookies("ben")];
    let before = snapshot(&s);

    let ada = s.json(&["account", "check", "ada"]);
    assert_eq!(ada["account"], "ada");
    assert_eq!(ada["ok"], true);
    assert_eq!(ada["public_id"], "ada-quillfeather");
    assert_eq!(ada["first_name"], "Ada");
    assert_eq!(ada["last_name"], "Quillfeather");
    assert_eq!(ada["headline"], "Founder at Larkspur Labs");
    assert_eq!(ada["premium"], true);
    assert_eq!(ada["pending_invitations"], 0);
    assert_eq!(ada["max_pending"], 400);
    assert_eq!(ada["route"], fake.fake.base_url());
    assert!(ada["profile_id"].as_str().is_some_and(|id| !id.is_empty()));
    let profile = &ada["profile"];
    for part in ["photo", "headline", "about", "experience"] {
        assert_eq!(profile[part], true, "{part}: {profile}");
    }
    assert!(profile["connections"].as_u64().unwrap() >= 150, "{profile}");
    assert!(missing(&ada).is_empty(), "{ada}");

    let text = s.run(&["account", "check", "ada"]);
    no_cookie_in_run(&text, &sessions);
    let text = text.success();
    for line in [
        "Account `ada`: the LinkedIn session works.",
        "Ada Quillfeather (linkedin.com/in/ada-quillfeather), Premium",
        "0 invitation(s); the governor keeps at most 400",
        "✓ photo",
        "✓ about section",
        "The profile has everything invitations need.",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }

    let ben = s.run(&["account", "check", "ben", "--json"]);
    no_cookie_in_run(&ben, &sessions);
    let ben: serde_json::Value = serde_json::from_str(&ben.success()).expect("JSON");
    assert_eq!(ben["ok"], false);
    assert_eq!(ben["premium"], false);
    assert_eq!(missing(&ben), ["photo", "about", "connections"]);
    assert_eq!(ben["missing"][2]["have"], 38);
    assert!(
        ben["missing"][0]["advice"]
            .as_str()
            .is_some_and(|a| a.contains("photo")),
        "{ben}"
    );
    let text = s.ok(&["account", "check", "ben"]);
    for line in [
        "no Premium",
        "✗ photo",
        "✓ experience",
        "✗ 38 connections (at least 150)",
        "The profile lacks 3 part(s)",
        "- no profile photo: ",
        "- empty about section: ",
        "- only 38 connections (fewer than 150): ",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    assert_eq!(snapshot(&s), before, "the check changes nothing");
    // Only reads: no invitation, withdrawal or message came of it.
    let log = fake.fake.log();
    assert!(log.entries.iter().all(|e| e.method == "GET"), "{log:?}");
}

#[test]
fn a_dead_session_fails_the_check_with_what_to_do_and_changes_nothing() {
    for death in [
        SessionDeath::Unauthorized,
        SessionDeath::DeleteCookie,
        SessionDeath::RedirectLoop,
    ] {
        let fake = Fake::start();
        let s = with_account(&fake, "ada", "premium");
        let before = snapshot(&s);
        assert_eq!(before.0[0]["status"]["state"], "active");
        fake.fake.expire_session("ada", death).expect("ada");
        let run = s.run(&["account", "check", "ada"]);
        no_cookie_in_run(&run, &[&fake.cookies("ada")]);
        let e = run.input_error();
        assert!(
            e.contains("has expired") && e.contains("export fresh cookies"),
            "{death:?}: {e}"
        );
        assert!(
            e.contains("overture account set ada --cookies-file FILE"),
            "{e}"
        );
        assert_eq!(snapshot(&s), before, "{death:?}: the check changes nothing");
    }
}

#[test]
fn a_challenge_or_a_block_says_what_to_do() {
    let fake = Fake::start();
    let s = with_account(&fake, "ada", "premium");
    let before = snapshot(&s);
    for (fault, expected) in [
        (Fault::CheckpointHtml, "solve the challenge"),
        (Fault::CheckpointRedirect, "solve the challenge"),
        (Fault::Blocked999, "--proxy"),
    ] {
        fake.fake.fail_next(1, fault.clone());
        let e = s.run(&["account", "check", "ada"]).input_error();
        assert!(e.contains(expected), "{fault:?}: {e}");
    }
    assert_eq!(snapshot(&s), before);
    // The faults are spent: the session works again.
    assert_eq!(s.json(&["account", "check", "ada"])["ok"], true);
}

#[test]
fn check_needs_a_linkedin_account_with_a_session() {
    let s = Sandbox::new();
    s.ok(&["init"]);
    s.ok(&["account", "add", "linkedin", "--name", "bob"]);
    let e = s.run(&["account", "check", "bob"]).input_error();
    assert!(
        e.contains("no LinkedIn session stored")
            && e.contains("overture account set bob --cookies-file FILE"),
        "{e}"
    );
    assert_eq!(
        s.json(&["account", "show", "bob"])["status"]["state"],
        "needs_credentials"
    );
    s.account("sam", "free");
    let e = s.run(&["account", "check", "sam"]).input_error();
    assert!(e.contains("checks LinkedIn accounts"), "{e}");
    let e = s.run(&["account", "check", "nobody"]).input_error();
    assert!(e.contains("no account named `nobody`"), "{e}");
}

#[test]
fn a_wrong_key_or_a_damaged_secret_is_a_clear_error_and_changes_nothing() {
    let fake = Fake::start();
    let s = with_account(&fake, "ada", "premium");
    let before = snapshot(&s);
    let other = "11".repeat(32);
    let run = s.run_with(
        &["account", "check", "ada"],
        &[("OVERTURE_MASTER_KEY", &other)],
    );
    no_cookie_in_run(&run, &[&fake.cookies("ada")]);
    let e = run.input_error();
    assert!(
        e.contains("cannot decrypt") && e.contains("master key"),
        "{e}"
    );
    assert_eq!(snapshot(&s), before);

    // One byte of the stored session's ciphertext changed.
    {
        let db = rusqlite::Connection::open(s.path("overture.db")).expect("open");
        let mut ciphertext: Vec<u8> = db
            .query_row(
                "SELECT ciphertext FROM secrets WHERE name = 'linkedin_session'",
                [],
                |r| r.get(0),
            )
            .expect("a stored session");
        ciphertext[3] ^= 0x01;
        db.execute(
            "UPDATE secrets SET ciphertext = ?1 WHERE name = 'linkedin_session'",
            [&ciphertext],
        )
        .expect("tamper");
    }
    let tampered = snapshot(&s);
    let e = s.run(&["account", "check", "ada"]).input_error();
    assert!(
        e.contains("cannot decrypt") && e.contains("account set ada --cookies-file"),
        "{e}"
    );
    assert_eq!(snapshot(&s), tampered);
    assert!(
        fake.fake.log().entries.is_empty(),
        "nothing reaches LinkedIn without a session that decrypts"
    );
}

#[test]
fn bad_routes_are_refused_and_store_nothing() {
    let s = Sandbox::new();
    s.ok(&["init"]);
    let refused = |args: &[&str], flag: &str| {
        let e = s.run(args).input_error();
        assert!(e.contains(flag), "{args:?}: {e}");
    };
    let bad = [
        ("--api-base", "notaurl"),
        ("--api-base", "http://exa mple"),
        ("--proxy", "ftp://x"),
    ];
    for (flag, value) in bad {
        let args = ["account", "add", "linkedin", "--name", "ada", flag, value];
        refused(&args, flag);
    }
    assert_eq!(s.json(&["account", "list"]), serde_json::json!([]));

    let args = ["account", "add", "linkedin", "--name", "ada"];
    s.ok(&[&args[..], &["--api-base", "http://127.0.0.1:9"][..]].concat());
    let before = snapshot(&s);
    let shown = s.ok(&["account", "show", "ada"]);
    for (flag, value) in bad {
        refused(&["account", "set", "ada", flag, value], flag);
    }
    assert_eq!(snapshot(&s), before, "the route is unchanged");
    assert_eq!(s.ok(&["account", "show", "ada"]), shown);
}

/// A working window of four hours around the wall clock's time of day in UTC (the engine
/// polls an account only inside its working hours).
fn hours_around_now() -> String {
    let now = jiff::tz::TimeZone::UTC.to_datetime(SystemClock.now());
    let at = |shift: i8| format!("{:02}:00", (now.hour() + 24 + shift) % 24);
    format!("{}-{}", at(-2), at(2))
}

#[test]
fn a_full_run_talks_to_linkedin_stores_rotated_cookies_and_writes_no_cookie_value() {
    let fake = Fake::start();
    let s = Sandbox::new();
    s.ok(&["init"]);
    let hours = hours_around_now();
    let when = [
        "--tier", "premium", "--tz", "UTC", "--days", "mon-sun", "--hours", &hours,
    ];
    fake.add(&s, "ada", &when);
    let leads = s.write(
        "leads.csv",
        "URL,First Name,Company\n\
         https://www.linkedin.com/in/grace-okonkwo-x1,Grace,Fernbrook\n\
         https://www.linkedin.com/in/tomas-veller,Tomas,Brightmoor Analytics\n\
         https://www.linkedin.com/in/kofi-arden,Kofi,Pellucid\n",
    );
    s.ok(&[
        "leads",
        "import",
        leads.to_str().unwrap(),
        "--list",
        "clinics",
    ]);
    let campaign = s.write(
        "clinics.yaml",
        "name: clinics\n\
         accounts: [ada]\n\
         leads: { list: clinics }\n\
         steps:\n\
         \x20 - invite:\n\
         \x20     note: \"Hi {{ first_name }}, I build scheduling tools for small clinics and would be glad to connect.\"\n",
    );
    s.ok(&["campaign", "apply", campaign.to_str().unwrap()]);
    assert_eq!(s.json(&["campaign", "start", "clinics"])["enrolled"], 3);

    let old = fake.cookies("ada");
    let rotated = fake.fake.rotate_cookies("ada").expect("ada");
    let sessions = [&old, &rotated];
    let run = s.run(&["-vv", "run", "--until", "4s"]);
    no_cookie_in_run(&run, &sessions);
    let stderr = run.stderr();
    run.success();
    assert!(
        stderr.contains("LinkedIn and email: 1 account(s) with their credentials."),
        "{stderr}"
    );

    let log = fake.fake.log();
    assert!(
        log.matching("connections").next().is_some(),
        "the run polls the connections"
    );
    assert!(
        log.entries
            .iter()
            .all(|e| e.account.as_deref() == Some("ada")),
        "every request carried ada's session"
    );
    assert!(
        log.invitations_sent().values().all(|&n| n == 1),
        "no invitation twice"
    );

    // Every file of the database: the file itself and its write-ahead log, if any.
    for entry in std::fs::read_dir(s.path("")).expect("dir") {
        let path = entry.expect("entry").path();
        if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("overture.db"))
        {
            let bytes = std::fs::read(&path).expect("read");
            no_cookie(&path.display().to_string(), &bytes, &sessions);
        }
    }

    // The run stored the rotated cookies: the check after it sends them.
    let seen = fake.fake.log().entries.len();
    let check = s.run(&["account", "check", "ada", "--json"]);
    no_cookie_in_run(&check, &sessions);
    let check: serde_json::Value = serde_json::from_str(&check.success()).expect("JSON");
    assert_eq!(check["ok"], true);
    let log = fake.fake.log();
    let after = &log.entries[seen..];
    assert!(!after.is_empty());
    let rotated_cookie = format!("li_at={}", rotated.li_at);
    for request in after {
        assert!(
            request
                .header("cookie")
                .is_some_and(|c| c.contains(&rotated_cookie)),
            "the check sent the rotated li_at"
        );
        assert_eq!(
            request.header("csrf-token"),
            Some(rotated.csrf_token()),
            "the check sent the rotated JSESSIONID"
        );
    }
}
