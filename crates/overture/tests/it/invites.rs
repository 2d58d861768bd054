use serde_json::Value;

use crate::Sandbox;

/// The demo's last simulated instant: it starts on 2026-01-05T05:00:00Z and runs 30 days.
const AT: &str = "2026-02-04T05:00:00Z";

/// A sandbox whose database is a 30-day demo: `alice` (premium) with invitations pending
/// at every age up to about two weeks, `bob` (free) with none.
fn demo() -> (Sandbox, Value) {
    let s = Sandbox::new();
    let report = s.json(&[
        "demo",
        "--days",
        "30",
        "--seats",
        "2",
        "--leads",
        "1000",
        "--db",
        "overture.db",
    ]);
    (s, report)
}

/// `invites pending --at AT ARGS --json`.
fn pending(s: &Sandbox, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["invites", "pending", "--at", AT];
    all.extend_from_slice(args);
    s.json(&all)["invitations"]
        .as_array()
        .expect("invitations")
        .clone()
}

/// `invites withdraw --account alice --at AT ARGS --json`.
fn withdraw(s: &Sandbox, args: &[&str]) -> Value {
    let mut all = vec!["invites", "withdraw", "--account", "alice", "--at", AT];
    all.extend_from_slice(args);
    s.json(&all)
}

fn days(row: &Value) -> u64 {
    row["age_days"].as_u64().expect("age_days")
}

fn chance(row: &Value) -> f64 {
    row["still_likely"].as_f64().expect("still_likely")
}

fn ids(rows: &[Value]) -> Vec<u64> {
    rows.iter().map(|r| r["id"].as_u64().expect("id")).collect()
}

fn queued_flags(rows: &[Value]) -> usize {
    rows.iter()
        .filter(|r| r["withdrawal_queued"] == true)
        .count()
}

#[test]
fn pending_invitations_are_listed_oldest_first_with_their_chances() {
    let (s, report) = demo();
    let all = pending(&s, &[]);
    let alice_pending = report["accounts"][0]["invites_pending"].as_u64().unwrap();
    assert!(
        alice_pending > 20,
        "the demo leaves invitations pending: {report}"
    );
    assert_eq!(all.len() as u64, alice_pending, "bob has none pending");
    for row in &all {
        assert_eq!(row["account"], "alice");
        assert!(
            row["profile_url"]
                .as_str()
                .unwrap()
                .contains("linkedin.com/in/")
        );
        assert!(
            row["note"].is_boolean() && row["campaign"] == "founders-q1",
            "{row}"
        );
        assert!((0.0..=1.0).contains(&chance(row)), "{row}");
    }
    for pair in all.windows(2) {
        let sent = |r: &Value| r["sent_at"].as_str().unwrap()[..19].to_owned();
        assert!(sent(&pair[0]) <= sent(&pair[1]), "oldest first: {pair:?}");
        assert!(days(&pair[0]) >= days(&pair[1]));
        // The chance of still being accepted never rises with age.
        assert!(chance(&pair[0]) <= chance(&pair[1]) + 1e-12, "{pair:?}");
    }
    assert!(
        days(&all[0]) > 10 && days(&all[all.len() - 1]) < 3,
        "ages span the demo"
    );

    let old = pending(&s, &["--older-than", "10d"]);
    assert!(!old.is_empty() && old.len() < all.len());
    assert!(old.iter().all(|r| days(r) >= 10), "{old:?}");
    assert!(old.len() >= all.iter().filter(|r| days(r) >= 11).count());
    let hours = pending(&s, &["--older-than", "36h", "--account", "alice"]);
    assert!(hours.iter().all(|r| days(r) >= 1) && hours.len() < all.len());
    assert!(pending(&s, &["--account", "bob"]).is_empty());

    let err = s
        .run(&["invites", "pending", "--older-than", "soon"])
        .input_error();
    assert!(err.contains("--older-than") && err.contains("14d"), "{err}");

    // People get a table.
    let table = s.ok(&["invites", "pending", "--at", AT, "--older-than", "10d"]);
    assert!(
        table.contains("founders-q1") && table.contains("oldest first"),
        "{table}"
    );
}

#[test]
fn a_dry_run_lists_what_would_go_and_why_and_changes_nothing() {
    let (s, _) = demo();
    let before = pending(&s, &[]);
    let old = pending(&s, &["--older-than", "10d"]);

    let dry = withdraw(&s, &["--older-than", "10d", "--dry-run", "--limit", "1000"]);
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["queued"], 0);
    let rows = dry["withdrawals"].as_array().unwrap();
    assert_eq!(
        ids(rows),
        ids(&old),
        "every one older than 10 days, oldest first"
    );
    for row in rows {
        assert!(days(row) >= 10, "{row}");
        assert_eq!(row["reason"], "older_than");
        assert_eq!(row["why"], "older than 10d");
        assert!((0.0..=1.0).contains(&chance(row)), "{row}");
    }

    // Below the policy's min_age (3 days) nothing goes, whatever --older-than says.
    let young = withdraw(&s, &["--older-than", "1d", "--dry-run", "--limit", "1000"]);
    let rows = young["withdrawals"].as_array().unwrap();
    assert_eq!(young["min_age"], "3d");
    assert!(
        !rows.is_empty() && rows.iter().all(|r| days(r) >= 3),
        "{young}"
    );
    assert!(young["kept_by_policy"].as_u64().unwrap() > 0, "{young}");

    // --keep N keeps the N most likely to be accepted: the newest.
    let keep = withdraw(&s, &["--keep", "100", "--dry-run", "--limit", "1000"]);
    let rows = keep["withdrawals"].as_array().unwrap();
    assert_eq!(rows.len(), before.len() - 100, "{keep}");
    assert_eq!(
        ids(rows)
            .iter()
            .copied()
            .collect::<std::collections::BTreeSet<_>>(),
        ids(&before[..rows.len()]).into_iter().collect(),
        "the oldest go"
    );
    assert!(rows.iter().all(|r| r["reason"] == "beyond_keep"));

    // --smart: what the account's policy selects now. The default 0.2% threshold takes nothing
    // from a month-old demo (its campaign withdraws at 14 days); a 10% threshold takes some.
    let default = withdraw(&s, &["--smart", "--dry-run"]);
    assert_eq!(default["withdrawals"], serde_json::json!([]), "{default}");
    s.ok(&[
        "account",
        "set",
        "alice",
        "--governor",
        "smart_threshold=10%",
    ]);
    let smart = withdraw(&s, &["--smart", "--dry-run"]);
    let rows = smart["withdrawals"].as_array().unwrap();
    assert!(!rows.is_empty(), "{smart}");
    for row in rows {
        assert_eq!(row["reason"], "unlikely", "{row}");
        assert!(chance(row) < 0.10 && days(row) >= 3, "{row}");
    }

    // The default limit is the policy's withdrawals_per_day (40).
    let capped = withdraw(&s, &["--older-than", "4d", "--dry-run"]);
    assert_eq!(capped["limit"], 40);
    assert_eq!(capped["withdrawals"].as_array().unwrap().len(), 40);
    assert!(capped["beyond_limit"].as_u64().unwrap() > 0, "{capped}");

    let after = pending(&s, &[]);
    assert_eq!(ids(&after), ids(&before), "a dry run changes nothing");
    assert_eq!(queued_flags(&after), queued_flags(&before));

    let text = s.ok(&[
        "invites",
        "withdraw",
        "--account",
        "alice",
        "--at",
        AT,
        "--older-than",
        "10d",
        "--dry-run",
    ]);
    assert!(
        text.contains("Would withdraw") && text.contains("Dry run"),
        "{text}"
    );
}

#[test]
fn a_real_withdrawal_queues_each_invitation_once() {
    let (s, _) = demo();
    let before = pending(&s, &[]);
    let already = queued_flags(&before);
    assert_eq!(already, 0, "the demo ends with no withdrawal queued");

    let first = withdraw(&s, &["--older-than", "10d", "--limit", "3"]);
    assert_eq!(first["dry_run"], false);
    assert_eq!(first["queued"], 3, "{first}");
    assert_eq!(first["already_queued"], 0);
    let chosen = ids(first["withdrawals"].as_array().unwrap());
    assert_eq!(chosen, ids(&before[..3]), "the oldest first");

    // The same command again: the same three, already queued, nothing queued twice.
    let again = withdraw(&s, &["--older-than", "10d", "--limit", "3"]);
    assert_eq!(again["queued"], 0, "{again}");
    assert_eq!(again["already_queued"], 3);
    assert_eq!(ids(again["withdrawals"].as_array().unwrap()), chosen);

    // They stay pending until a running engine carries them out, flagged as queued.
    let after = pending(&s, &[]);
    assert_eq!(ids(&after), ids(&before));
    assert_eq!(queued_flags(&after), already + 3);
    for row in &after[..3] {
        assert_eq!(row["withdrawal_queued"], true, "{row}");
    }

    let text = s.ok(&[
        "invites",
        "withdraw",
        "--account",
        "alice",
        "--at",
        AT,
        "--older-than",
        "10d",
        "--limit",
        "4",
    ]);
    assert!(
        text.contains("Queued 1 withdrawal(s); 3 were already queued"),
        "{text}"
    );
    assert!(text.contains("overture run"), "{text}");
    assert_eq!(queued_flags(&pending(&s, &[])), already + 4);

    // --keep N leaves N pending once the queued withdrawals are carried out, and it too is
    // idempotent.
    let keep = withdraw(&s, &["--keep", "100", "--limit", "1000"]);
    let rest = before.len() - 100;
    assert_eq!(
        keep["withdrawals"].as_array().unwrap().len(),
        rest,
        "{keep}"
    );
    assert_eq!(keep["already_queued"], 4);
    assert_eq!(keep["queued"].as_u64().unwrap(), rest as u64 - 4);
    let again = withdraw(&s, &["--keep", "100", "--limit", "1000"]);
    assert_eq!(again["queued"], 0, "{again}");
    assert_eq!(queued_flags(&pending(&s, &[])), rest);
}

#[test]
fn stats_count_pending_by_age_and_draw_the_acceptance_curve() {
    let (s, report) = demo();
    let stats = s.json(&["invites", "stats", "--at", AT]);
    let accounts = stats["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 2);
    let labels = ["0-7", "8-14", "15-21", "22-30", "31-90", "91+"];
    let curve_days = [1, 2, 3, 5, 7, 10, 14, 21, 30, 45, 60, 90];
    for (a, demo) in accounts.iter().zip(report["accounts"].as_array().unwrap()) {
        assert_eq!(a["account"], demo["name"]);
        assert_eq!(a["sent"], demo["invites_sent"]);
        assert_eq!(a["accepted"], demo["invites_accepted"]);
        assert_eq!(a["pending"], demo["invites_pending"]);
        let rate = a["acceptance_rate"].as_f64().unwrap();
        assert!((rate - demo["acceptance_rate"].as_f64().unwrap()).abs() < 1e-9);

        let buckets = a["pending_by_age"].as_array().unwrap();
        let names: Vec<&str> = buckets
            .iter()
            .map(|b| b["bucket"].as_str().unwrap())
            .collect();
        assert_eq!(names, labels);
        let total: u64 = buckets.iter().map(|b| b["count"].as_u64().unwrap()).sum();
        assert_eq!(total, a["pending"].as_u64().unwrap(), "{a}");

        let curve = a["curve"].as_array().unwrap();
        let at: Vec<u64> = curve.iter().map(|p| p["days"].as_u64().unwrap()).collect();
        assert_eq!(at, curve_days);
        for p in curve {
            for key in ["accepted", "still_likely"] {
                assert!((0.0..=1.0).contains(&p[key].as_f64().unwrap()), "{p}");
            }
        }
        for pair in curve.windows(2) {
            let f = |p: &Value, k: &str| p[k].as_f64().unwrap();
            assert!(
                f(&pair[0], "accepted") <= f(&pair[1], "accepted"),
                "{pair:?}"
            );
            assert!(f(&pair[0], "still_likely") >= f(&pair[1], "still_likely") - 1e-12);
        }
    }
    let alice = &accounts[0];
    assert!(alice["pending_by_age"][0]["count"].as_u64().unwrap() > 0);
    assert_eq!(
        alice["pending_by_age"][2]["count"], 0,
        "nothing older than 14 days"
    );

    let one = s.json(&["invites", "stats", "--at", AT, "--account", "bob"]);
    assert_eq!(one["accounts"].as_array().unwrap().len(), 1);
    assert_eq!(one["accounts"][0]["account"], "bob");

    // Not a terminal: tables only, no bars.
    let text = s.ok(&["invites", "stats", "--at", AT]);
    assert!(
        text.contains("22-30") && text.contains("still likely"),
        "{text}"
    );
    assert!(!text.contains('█'), "{text}");
}

#[test]
fn a_missing_mode_or_an_unknown_account_says_what_to_do() {
    let s = Sandbox::new();
    s.account("alice", "premium");

    let err = s
        .run(&["invites", "withdraw", "--account", "alice"])
        .input_error();
    for mode in ["--older-than", "--keep", "--smart"] {
        assert!(err.contains(mode), "names {mode}: {err}");
    }
    let err = s
        .run(&[
            "invites",
            "withdraw",
            "--account",
            "alice",
            "--smart",
            "--keep",
            "3",
        ])
        .input_error();
    assert!(err.contains("cannot be used with"), "{err}");
    let err = s
        .run(&[
            "invites",
            "withdraw",
            "--account",
            "alice",
            "--older-than=-3d",
        ])
        .input_error();
    assert!(err.contains("negative"), "{err}");

    for args in [
        &["invites", "withdraw", "--account", "zed", "--smart"][..],
        &["invites", "pending", "--account", "zed"],
        &["invites", "stats", "--account", "zed"],
    ] {
        let err = s.run(args).input_error();
        assert!(
            err.contains("`zed`") && err.contains("overture account list"),
            "{args:?}: {err}"
        );
    }

    // An account without invitations has nothing to withdraw and a prior-only curve.
    let empty = s.json(&["invites", "withdraw", "--account", "alice", "--smart"]);
    assert_eq!(empty["queued"], 0);
    assert!(empty["withdrawals"].as_array().unwrap().is_empty());
    let stats = s.json(&["invites", "stats"]);
    assert_eq!(stats["accounts"][0]["sent"], 0);
    assert_eq!(stats["accounts"][0]["curve"].as_array().unwrap().len(), 12);
}

#[test]
fn a_campaigns_own_governor_rules_judge_its_invitations() {
    let (s, _) = demo();
    // The account's defaults keep every invitation of a month-old demo.
    let before = withdraw(&s, &["--smart", "--dry-run"]);
    assert_eq!(before["withdrawals"], serde_json::json!([]), "{before}");

    // The demo's campaign, now withdrawing its own invitations after 7 days.
    let text =
        std::fs::read_to_string(crate::repo_root().join("examples/campaigns/founders-q1.yaml"))
            .expect("the example campaign");
    let tightened = text.replacen(
        "settings:\n",
        "settings:\n  governor: { withdraw_after: 7d }\n",
        1,
    );
    assert_ne!(tightened, text);
    let file = s.write("founders-q1.yaml", tightened);
    s.ok(&["campaign", "apply", file.to_str().unwrap()]);

    let after = withdraw(&s, &["--smart", "--dry-run"]);
    let rows = after["withdrawals"].as_array().unwrap();
    assert!(!rows.is_empty(), "{after}");
    for row in rows {
        assert_eq!(row["reason"], "age", "{row}");
        assert!(days(row) >= 7, "{row}");
    }
    let week_old = pending(&s, &["--account", "alice", "--older-than", "7d"]);
    assert_eq!(
        rows.len(),
        week_old.len().min(40),
        "every invitation older than 7 days"
    );
}
