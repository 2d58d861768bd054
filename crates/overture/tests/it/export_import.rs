//! `overture export import`: the export stored as an account's history, idempotent, merged
//! with a later export, and seen by `invites stats`.

use serde_json::{Value, json};

use crate::Sandbox;
use crate::export::{export_folder, fixture, sample};

const NOW: &str = "2026-11-26T12:00:00Z";

/// A sandbox with the account `sam` in Europe/Berlin.
fn sandbox() -> Sandbox {
    let s = Sandbox::new();
    s.ok(&["init"]);
    s.ok(&[
        "account",
        "add",
        "sandbox",
        "--name",
        "sam",
        "--tz",
        "Europe/Berlin",
    ]);
    s
}

fn import(s: &Sandbox, path: &str) -> Value {
    s.json(&["export", "import", path, "--account", "sam"])
}

/// `invites stats --account sam --at NOW`, the one account's figures.
fn stats(s: &Sandbox) -> Value {
    let v = s.json(&["invites", "stats", "--account", "sam", "--at", NOW]);
    v["accounts"][0].clone()
}

fn by_age(stats: &Value) -> Vec<u64> {
    stats["pending_by_age"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["count"].as_u64().unwrap())
        .collect()
}

#[test]
fn the_history_feeds_invites_stats_and_importing_again_changes_nothing() {
    let s = sandbox();
    let first = import(&s, &sample());
    assert_eq!(
        first,
        json!({
            "account": "sam", "tz": "Europe/Berlin", "list": "export-sam",
            "leads_imported": 28, "leads_updated": 0, "leads_unchanged": 0,
            "connections_added": 18, "invitations_added": 16,
            "invitations_accepted": 0, "invitations_superseded": 0,
            "skipped": {
                "hidden_connections": 2, "connections_without_url": 0,
                "invitations_without_url": 0, "incoming_invitations": 3
            }
        })
    );
    let after_first = stats(&s);
    assert_eq!(after_first["sent"], 16);
    assert_eq!(after_first["accepted"], 6);
    assert_eq!(after_first["pending"], 10);
    assert_eq!(after_first["withdrawn"], 0);
    assert_eq!(
        by_age(&after_first),
        [2, 1, 2, 1, 1, 3],
        "the same ages as `export analyze` gives"
    );
    let pending = s.json(&["invites", "pending", "--account", "sam", "--at", NOW]);
    let oldest = &pending["invitations"][0];
    assert_eq!(oldest["lead"], "Bea Forgotten");
    assert_eq!(oldest["campaign"], Value::Null, "sent by hand");
    assert_eq!(oldest["age_days"], 289);

    let again = import(&s, &sample());
    for key in [
        "leads_imported",
        "leads_updated",
        "connections_added",
        "invitations_added",
        "invitations_accepted",
        "invitations_superseded",
    ] {
        assert_eq!(again[key], 0, "{key} on the second import");
    }
    assert_eq!(again["leads_unchanged"], 28);
    assert_eq!(stats(&s), after_first);
    let leads = s.json(&["leads", "list", "--list", "export-sam"]);
    assert_eq!(leads.as_array().unwrap().len(), 28);
}

#[test]
fn a_later_export_merges_an_acceptance() {
    let s = sandbox();
    // The earlier export: Alma had not accepted yet, and only the files that matter.
    let read = |name: &str| std::fs::read_to_string(format!("{}/{name}", sample())).unwrap();
    let connections: String = read("Connections.csv")
        .lines()
        .filter(|l| !l.starts_with("Alma,"))
        .map(|l| format!("{l}\n"))
        .collect();
    let invitations = read("Invitations.csv");
    let earlier = export_folder(
        &s,
        "earlier",
        &[
            ("Connections.csv", &connections),
            ("Invitations.csv", &invitations),
        ],
    );
    let first = import(&s, &earlier);
    assert_eq!(first["connections_added"], 17);
    assert_eq!(stats(&s)["pending"], 11);

    let later = import(&s, &sample());
    assert_eq!(later["connections_added"], 1);
    assert_eq!(later["invitations_added"], 0);
    assert_eq!(later["invitations_accepted"], 1, "Alma accepted meanwhile");
    assert_eq!(later["leads_imported"], 0);
    let merged = stats(&s);
    assert_eq!(
        (merged["accepted"].clone(), merged["pending"].clone()),
        (json!(6), json!(10))
    );
}

#[test]
fn an_export_without_urls_is_counted_as_skipped() {
    let s = sandbox();
    let v = s.json(&[
        "export",
        "import",
        &fixture("2020-no-preamble"),
        "--account",
        "sam",
        "--tz",
        "America/New_York",
    ]);
    assert_eq!(v["tz"], "America/New_York");
    assert_eq!(
        v["skipped"],
        json!({
            "hidden_connections": 0, "connections_without_url": 4,
            "invitations_without_url": 5, "incoming_invitations": 2
        })
    );
    assert_eq!(v["invitations_added"], 0);
    let text = s.ok(&[
        "export",
        "import",
        &fixture("2020-no-preamble"),
        "--account",
        "sam",
    ]);
    assert!(
        text.contains("Skipped 4 connection(s) without a profile URL, 5 invitation(s) without the invitee's profile URL"),
        "{text}"
    );
}

#[test]
fn bad_input_exits_2_and_stores_nothing() {
    let s = sandbox();
    let err = s
        .run(&["export", "import", &sample(), "--account", "nobody"])
        .input_error();
    assert!(err.contains("no account named `nobody`"), "{err}");
    let broken = export_folder(
        &s,
        "broken",
        &[
            (
                "Connections.csv",
                "First Name,Last Name,URL,Connected On\nAna,Example,https://www.linkedin.com/in/ana-example,08 Feb 2026\n",
            ),
            (
                "Invitations.csv",
                "From,To,Sent At,Direction\nSam,Ben,\"13/1/26, 9:00 AM\",OUTGOING\n",
            ),
        ],
    );
    let err = s
        .run(&["export", "import", &broken, "--account", "sam"])
        .input_error();
    assert!(
        err.contains("broken/Invitations.csv:2: field `Sent At`"),
        "{err}"
    );
    let lists = s.ok(&["leads", "list"]);
    assert!(lists.contains("0 lead(s)"), "nothing stored: {lists}");
    let fresh = Sandbox::new();
    let err = fresh
        .run(&["export", "import", &sample(), "--account", "sam"])
        .input_error();
    assert!(err.contains("run `overture init`"), "{err}");
}
