//! `overture export analyze`: the JSON fields, the report, the HTML page, the withdrawal list
//! and the errors, on the shipped example export and the import crate's fixtures.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::Command;

use serde_json::{Value, json};

use crate::{Run, Sandbox, repo_root};

const NOW: &str = "2026-11-26T12:00:00Z";

/// The example export the README points at.
pub(crate) fn sample() -> String {
    repo_root()
        .join("examples/exports/sample-2026")
        .display()
        .to_string()
}

/// A fixture export of the import crate.
pub(crate) fn fixture(name: &str) -> String {
    repo_root()
        .join("crates/overture-import/tests/fixtures/export")
        .join(name)
        .display()
        .to_string()
}

/// A folder `name` in the sandbox holding `files` (name, content).
pub(crate) fn export_folder(s: &Sandbox, name: &str, files: &[(&str, &str)]) -> String {
    let dir = s.path(name);
    std::fs::create_dir_all(&dir).unwrap();
    for (file, text) in files {
        std::fs::write(dir.join(file), text).unwrap();
    }
    dir.display().to_string()
}

/// `export analyze PATH --now NOW --tz Europe/Berlin ARGS`.
fn analyze(s: &Sandbox, path: &str, args: &[&str]) -> Run {
    let mut all = vec![
        "export",
        "analyze",
        path,
        "--now",
        NOW,
        "--tz",
        "Europe/Berlin",
    ];
    all.extend_from_slice(args);
    s.run(&all)
}

fn analyze_json(s: &Sandbox, path: &str, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let out = analyze(s, path, &all).success();
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
}

#[test]
fn json_has_every_field_with_the_counts_of_the_example() {
    let s = Sandbox::new();
    let v = analyze_json(&s, &sample(), &[]);
    assert_eq!(v["now"], NOW);
    assert_eq!(v["tz"], "Europe/Berlin");
    assert_eq!(v["connections"]["total"], 20);
    assert_eq!(v["connections"]["with_email"], 3);
    assert_eq!(v["connections"]["hidden"], 2);
    assert_eq!(v["connections"]["by_month"]["2026-11"], 4);
    assert_eq!(v["connections"]["by_month"]["2024-06"], 1);
    assert_eq!(v["connections"]["by_month"].as_object().unwrap().len(), 15);
    assert_eq!(
        v["invitations"],
        json!({
            "outgoing": {
                "total": 16, "accepted": 6, "pending": 10, "matched_by_name": 0,
                "pending_by_age_days": {
                    "0-7": 2, "8-14": 1, "15-21": 2, "22-30": 1, "31-90": 1, "91+": 3
                }
            },
            "incoming": { "total": 3, "pending": 2 }
        })
    );
    let withdrawals = v["recommended_withdrawals"].as_array().unwrap();
    assert_eq!(withdrawals.len(), 6);
    assert_eq!(
        withdrawals[0],
        json!({
            "name": "Bea Forgotten",
            "profile_url": "https://www.linkedin.com/in/bea-forgotten",
            "sent_at": "2026-02-10T07:00:00Z",
            "age_days": 289,
            "reinvite_on": "2026-12-17"
        })
    );
    let ages: Vec<u64> = withdrawals
        .iter()
        .map(|w| w["age_days"].as_u64().unwrap())
        .collect();
    assert_eq!(ages, [289, 177, 97, 72, 27, 21], "oldest first");
    assert_eq!(
        v["messages"],
        json!({ "conversations": 6, "started_by_you": 4, "answered": 2 })
    );
    assert_eq!(v["owner"]["name"], "Sam Example");
    assert_eq!(v["owner"]["source"], "profile");
    assert_eq!(v["pending_ceiling"], 400);
    assert_eq!(v["withdraw_older_than_days"], 21);
    assert_eq!(v["oldest_pending"].as_array().unwrap().len(), 10);

    let later = analyze_json(&s, &sample(), &["--withdraw-older-than", "90"]);
    assert_eq!(
        later["recommended_withdrawals"].as_array().unwrap().len(),
        3
    );
    assert_eq!(later["withdraw_older_than_days"], 90);
}

#[test]
fn the_report_reads_well_in_a_terminal() {
    let s = Sandbox::new();
    let out = analyze(&s, &sample(), &[]).success();
    for expected in [
        "LinkedIn data export of Sam Example (named by Profile.csv), as of 2026-11-26 13:00 in \
         Europe/Berlin.",
        "Times in the export are read in Europe/Berlin",
        "Connections: 20 (2 hidden member(s) with only a date, 3 with an email address).",
        "Invitations you sent: 16 in the export, 6 accepted, 10 pending.",
        "pending 10 of a healthy 400",
        "Invitations you received: 3, 2 still waiting for your answer.",
        "     91+ │████████████████████████████████████████ 3",
        "    8-14 │█████████████▍ 1",
        "Oldest pending invitations:",
        "Recommended withdrawals: 6 pending for 21 days or more, oldest first.",
        "re-invite from",
        "2026-12-17",
        "2026-02-10 08:00",
        "2024 Jun–Nov │",
        "2026-11 │████████████████████████████████████████ 4",
        "Conversations: 6, 4 started by you, 2 of those answered (50%).",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in\n{out}");
    }
    let withdrawals = out.split("Recommended withdrawals").nth(1).unwrap();
    let rows: Vec<&str> = withdrawals
        .lines()
        .filter(|l| l.contains("https://www.linkedin.com/in/"))
        .collect();
    assert_eq!(rows.len(), 6);
    assert!(
        rows.iter().all(|r| r.contains("2026-12-17")),
        "today + 21 days on every row: {rows:?}"
    );
}

#[test]
fn an_old_export_says_what_it_matched_by_name_and_what_it_lacks() {
    let s = Sandbox::new();
    let out = s
        .run(&[
            "export",
            "analyze",
            &fixture("2022-preamble-no-urls"),
            "--now",
            "2022-07-01T12:00:00Z",
            "--tz",
            "Europe/London",
        ])
        .success();
    for expected in [
        "as of 2022-07-01 13:00 in Europe/London.",
        "Connections: 5 (2 hidden member(s) with only a date, 1 with an email address).",
        "Invitations you sent: 3 in the export, 1 accepted (1 of them found among the \
         connections by name, without a profile URL), 2 pending.",
        "Recommended withdrawals: 1 pending for 21 days or more, oldest first.",
        "Conversations: the export has no messages.csv.",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in\n{out}");
    }
}

#[test]
fn the_zone_defaults_to_the_systems_and_is_stated() {
    let s = Sandbox::new();
    let out = Command::new(env!("CARGO_BIN_EXE_overture"))
        .args(["export", "analyze", &sample(), "--now", NOW, "--json"])
        .current_dir(s.path("."))
        .env("TZ", "America/New_York")
        .env("OVERTURE_DATABASE_URL", s.path("overture.db"))
        .output()
        .unwrap();
    let run = Run(out);
    let v: Value = serde_json::from_str(&run.success()).unwrap();
    assert_eq!(v["tz"], "America/New_York");
    assert_eq!(
        v["recommended_withdrawals"][0]["sent_at"], "2026-02-10T13:00:00Z",
        "8:00 AM in New York"
    );
}

#[test]
fn the_html_page_is_self_contained_and_escapes_the_export() {
    let s = Sandbox::new();
    let export = export_folder(
        &s,
        "export",
        &[
            (
                "Connections.csv",
                "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n\
                 \"<img src=x onerror=alert(1)>\",Example,https://www.linkedin.com/in/img-example,,,,01 Oct 2019\n\
                 Ana,Example,https://www.linkedin.com/in/ana-example,,,,08 Feb 2026\n",
            ),
            (
                "Invitations.csv",
                "From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl\n\
                 \"Owner & Co\",<script>alert('x')</script>,\"1/2/26, 9:00 AM\",,OUTGOING,,https://www.linkedin.com/in/script-example\n",
            ),
        ],
    );
    let page = s.path("report.html");
    let out = analyze(&s, &export, &["--html", page.to_str().unwrap()]).success();
    assert!(out.contains("Wrote the report to"), "{out}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("Content-Security-Policy"));
    for forbidden in [
        "<script", "<img", "<link", "<iframe", "src=", "@import", "url(", "<object",
    ] {
        assert!(!html.contains(forbidden), "{forbidden} in the page");
    }
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert!(html.contains("Owner &amp; Co"));
    assert_eq!(html.matches("<svg").count(), 3, "ages, per month, in all");
    assert!(html.contains("<rect"));
    assert!(html.contains("2026-12-17"), "the re-invite date");
    assert!(html.contains("href=\"https://www.linkedin.com/in/script-example\""));
    let hrefs: Vec<&str> = html.split("href=\"").skip(1).collect();
    assert!(
        hrefs
            .iter()
            .all(|h| h.starts_with("https://www.linkedin.com/in/")),
        "links only to canonical profiles"
    );
}

#[test]
fn the_withdraw_list_is_safe_to_open_in_a_spreadsheet() {
    let s = Sandbox::new();
    let list = s.path("withdraw.csv");
    analyze(
        &s,
        &fixture("2024-urls"),
        &["--withdraw-list", list.to_str().unwrap()],
    )
    .success();
    let csv = std::fs::read_to_string(&list).unwrap();
    assert_eq!(
        csv,
        "name,profile_url,sent_at,age_days,reinvite_on\n\
         Greta Madeup,https://www.linkedin.com/in/greta-madeup,2026-03-02 10:00,269,2026-12-17\n\
         \"'=HYPERLINK(\"\"https://example.invalid\"\",\"\"Dana\"\")\",https://www.linkedin.com/in/dana-formula,2026-09-01 10:00,86,2026-12-17\n\
         Farid Fictional,https://www.linkedin.com/in/farid-fictional,2026-10-01 08:30,56,2026-12-17\n\
         '-Eve Dash,https://www.linkedin.com/in/eve-dash,2026-10-20 10:00,37,2026-12-17\n\
         Omar Example,https://www.linkedin.com/in/omar-example,2026-11-05 11:00,21,2026-12-17\n"
    );
    for line in csv.lines() {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell:?} would run as a formula"
            );
        }
    }
}

#[test]
fn a_zip_works_like_its_folder() {
    let s = Sandbox::new();
    let path = s.path("Basic_LinkedInDataExport_11-26-2026.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    for name in [
        "Connections.csv",
        "Invitations.csv",
        "messages.csv",
        "Profile.csv",
    ] {
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        let bytes = std::fs::read(PathBuf::from(sample()).join(name)).unwrap();
        zip.write_all(&bytes).unwrap();
    }
    zip.finish().unwrap();
    let from_zip = analyze_json(&s, path.to_str().unwrap(), &[]);
    let from_dir = analyze_json(&s, &sample(), &[]);
    for key in [
        "connections",
        "invitations",
        "recommended_withdrawals",
        "messages",
    ] {
        assert_eq!(from_zip[key], from_dir[key], "{key}");
    }
}

#[test]
fn bad_input_exits_2_naming_the_file_and_line() {
    let s = Sandbox::new();
    let connections = "Notes:\n\"About emails.\"\n\n\
                       First Name,Last Name,URL,Email Address,Company,Position,Connected On\n\
                       Ana,Example,,,,,08 Feb 2026\nBen,Sample,,,,,Feb 30 2026\n";
    let dir = export_folder(&s, "broken", &[("Connections.csv", connections)]);
    let err = analyze(&s, &dir, &[]).input_error();
    assert!(
        err.contains(&format!("{dir}: no Invitations.csv in the export")),
        "{err}"
    );
    let invitations = "From,To,Sent At,Message,Direction\n";
    export_folder(&s, "broken", &[("Invitations.csv", invitations)]);
    let err = analyze(&s, &dir, &[]).input_error();
    assert_eq!(
        err.trim_end(),
        format!(
            "error: {dir}/Connections.csv:6: field `Connected On`: `Feb 30 2026` is not a date \
             like `08 Feb 2026`, `4-Apr-21` or `2026-02-08`; fix the cell or download the \
             export again"
        )
    );

    let err = s
        .run(&["export", "analyze", &sample(), "--now", "tomorrow"])
        .input_error();
    assert!(
        err.contains("--now `tomorrow`") && err.contains("2026-03-06T05:00:00Z"),
        "{err}"
    );
    let err = s
        .run(&["export", "analyze", &sample(), "--tz", "Mars/Olympus"])
        .input_error();
    assert!(
        err.contains("--tz: unknown time zone `Mars/Olympus`"),
        "{err}"
    );
    let err = s
        .run(&["export", "analyze", "/nonexistent/export.zip"])
        .input_error();
    assert!(err.contains("/nonexistent/export.zip: "), "{err}");
    let err = analyze(&s, &sample(), &["--html", "/nonexistent/dir/report.html"]).input_error();
    assert!(
        err.contains("cannot write /nonexistent/dir/report.html"),
        "{err}"
    );
}
