//! `overture template lint|preview` and `account … --first-name`.

use std::path::PathBuf;

use crate::Sandbox;

fn examples() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples"))
}

#[test]
fn every_template_in_the_library_lints_clean_on_every_tier() {
    let s = Sandbox::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(examples().join("templates"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    assert!(files.len() >= 12, "{files:?}");
    let invites = files
        .iter()
        .filter(|f| f.to_string_lossy().ends_with(".invite.txt"))
        .count();
    assert!(invites >= 6, "{invites} invitation notes");
    for file in &files {
        for tier in ["free", "premium"] {
            let out = s.json(&["template", "lint", file.to_str().unwrap(), "--tier", tier]);
            assert_eq!(out["score"], 100, "{}: {out}", file.display());
            assert_eq!(out["findings"], serde_json::json!([]), "{}", file.display());
        }
    }
}

#[test]
fn a_bad_note_lists_its_findings_and_fails() {
    let s = Sandbox::new();
    let file = s.write(
        "bad.txt",
        "Hi {{ frist_name }}, I'd like to add you to my professional network. Our platform can help: book a demo!!\n",
    );
    let run = s.run(&["template", "lint", file.to_str().unwrap()]);
    assert_eq!(run.code(), 2);
    let out = String::from_utf8_lossy(&run.0.stdout).to_string();
    assert!(out.contains("bad.txt:1:7: error[unknown-variable]: unknown variable `frist_name` (did you mean `first_name`?)"), "{out}");
    for rule in ["generic-opener", "selling", "exclamations"] {
        assert!(out.contains(&format!("warning[{rule}]")), "{rule}: {out}");
    }
    assert!(out.contains("score 0/100"), "{out}");
    // The same as JSON, still failing.
    let run = s.run(&["template", "lint", file.to_str().unwrap(), "--json"]);
    assert_eq!(run.code(), 2);
    let json: serde_json::Value = serde_json::from_slice(&run.0.stdout).unwrap();
    assert_eq!(json["findings"][0]["span"], serde_json::json!([0, 105]));
    // `--explain` says why.
    let explained = s.ok(&["template", "lint", "--explain", "selling"]);
    assert!(
        explained.starts_with("selling (warning): selling in the first touch"),
        "{explained}"
    );
    let unknown = s.run(&["template", "lint", "--explain", "nope"]);
    assert_eq!(unknown.code(), 2);
}

#[test]
fn the_kind_comes_from_the_file_name() {
    let s = Sandbox::new();
    // A pitch in a follow-up message is no first touch; in a note it is.
    let text =
        "Hi {{ first_name }}, we both went to the meetup; our platform might help your team.";
    let note = s.write("pitch.txt", text);
    let message = s.write("pitch.message.txt", text);
    let as_note = s.json(&["template", "lint", note.to_str().unwrap()]);
    let as_message = s.json(&["template", "lint", message.to_str().unwrap()]);
    assert_eq!(as_note["findings"][0]["rule"], "selling", "{as_note}");
    assert_eq!(
        as_message["findings"],
        serde_json::json!([]),
        "{as_message}"
    );
}

#[test]
fn preview_renders_real_leads_with_lengths_and_problems() {
    let s = Sandbox::new();
    let template = s.write(
        "note.txt",
        "{Hi|Hello} {{ first_name | clean_name }}, how are things at {{ company }}?",
    );
    let leads = s.write(
        "leads.csv",
        "First Name,LinkedIn URL,Company\nANA,https://www.linkedin.com/in/ana-example,Northwind\nBen,https://www.linkedin.com/in/ben-example,\n",
    );
    let out = s.ok(&[
        "template",
        "preview",
        template.to_str().unwrap(),
        "--leads",
        leads.to_str().unwrap(),
        "--tier",
        "free",
    ]);
    assert!(
        out.contains("invitation note, limit 200; 2 spelling(s)"),
        "{out}"
    );
    assert!(out.contains("how are things at Northwind?"), "{out}");
    assert!(out.contains("Ana, how are things"), "{out}");
    assert!(out.contains("problem: no value for `company`"), "{out}");
    let json = s.json(&[
        "template",
        "preview",
        template.to_str().unwrap(),
        "--leads",
        leads.to_str().unwrap(),
        "--n",
        "1",
    ]);
    let leads = json["leads"].as_array().unwrap();
    assert_eq!(leads.len(), 1);
    let text = leads[0]["text"].as_str().unwrap();
    assert_eq!(leads[0]["length"], text.chars().count());
    assert_eq!(leads[0]["limit"], 300);
    assert_eq!(json["spellings"], 2);
}

#[test]
fn the_sender_profile_is_set_shown_and_cleared() {
    let s = Sandbox::new();
    s.ok(&["init"]);
    s.ok(&[
        "account",
        "add",
        "sandbox",
        "--name",
        "alice",
        "--first-name",
        "Rowan",
        "--company",
        "Fabrikam",
    ]);
    let shown = s.json(&["account", "show", "alice"]);
    assert_eq!(
        shown["sender"],
        serde_json::json!({"first_name": "Rowan", "company": "Fabrikam"})
    );
    s.ok(&[
        "account",
        "set",
        "alice",
        "--company",
        "",
        "--position",
        "Data lead",
    ]);
    let shown = s.json(&["account", "show", "alice"]);
    assert_eq!(
        shown["sender"],
        serde_json::json!({"first_name": "Rowan", "position": "Data lead"})
    );
}

#[test]
fn campaign_validate_lints_every_text_and_renders_it_for_every_lead() {
    let s = Sandbox::new();
    s.ok(&["init"]);
    s.ok(&[
        "account", "add", "sandbox", "--name", "alice", "--tier", "free",
    ]);
    let campaign = with_leads_and_campaign(
        &s,
        "First Name,LinkedIn URL,Company\nAna,https://www.linkedin.com/in/ana-example,Northwind\nBen,https://www.linkedin.com/in/ben-example,\n",
        "name: c\naccounts: [alice]\nleads: { list: founders }\nsteps:\n  - invite:\n      note: \"Hi {{ first_name }}, I'd like to add you to my professional network at {{ company }}.\"\n  - wait_for_acceptance: { within: 7d }\n  - message: { text: \"Thanks, {{ first_name }}. {{ sender.first_name }}\" }\n",
    );
    let file = campaign.to_str().unwrap();
    let run = s.run(&["campaign", "validate", file]);
    assert_eq!(run.code(), 2);
    let err = run.stderr();
    assert!(
        err.contains("c.yaml:6:13: warning[generic-opener]: step 1 `note` 1: generic opener"),
        "{err}"
    );
    assert!(
        err.contains("c.yaml:6:13: error: step 1 `note` 1: 1 of 2 lead(s) cannot get it"),
        "{err}"
    );
    assert!(err.contains("https://www.linkedin.com/in/ben-example (Ben): no value for `company`; fix: add a fallback"), "{err}");
    assert!(err.contains("c.yaml:8:22: error: step 3 `text` 1: sender `alice` has no first name for `sender.first_name` (set it: overture account set alice --first-name …)"), "{err}");
    let json: serde_json::Value =
        serde_json::from_slice(&s.run(&["campaign", "validate", file, "--json"]).0.stdout).unwrap();
    assert_eq!(json["valid"], false);
    assert_eq!(json["messages"]["leads"], 2);
    assert_eq!(
        json["messages"]["texts"][0]["leads"][0]["profile_url"],
        "https://www.linkedin.com/in/ben-example"
    );

    // `campaign start` refuses until the problems are fixed or allowed.
    s.ok(&["campaign", "apply", file]);
    let refused = s.run(&["campaign", "start", "c"]);
    assert_eq!(refused.code(), 2);
    assert!(
        refused.stderr().contains("nothing started"),
        "{}",
        refused.stderr()
    );
    s.ok(&["account", "set", "alice", "--first-name", "Rowan"]);
    let fixed = campaign_text(file).replace(
        "{{ company }}",
        "{{ company | default(\\\"your team\\\") }}",
    );
    std::fs::write(file, fixed).unwrap();
    let out = s.ok(&["campaign", "validate", file]);
    assert!(out.contains("c.yaml: ok"), "{out}");
    assert!(out.contains("rendered for 2 lead(s)"), "{out}");
    s.ok(&["campaign", "apply", file]);
    s.ok(&["campaign", "start", "c"]);
}

#[test]
fn campaign_start_may_go_ahead_with_problems_when_asked() {
    let s = Sandbox::new();
    s.ok(&["init"]);
    s.ok(&["account", "add", "sandbox", "--name", "alice"]);
    let campaign = with_leads_and_campaign(
        &s,
        "First Name,LinkedIn URL\nAna,https://www.linkedin.com/in/ana-example\n",
        "name: c\naccounts: [alice]\nleads: { list: founders }\nsteps:\n  - invite: { note: \"Hi {{ first_name }}, we both follow {{ company }}.\" }\n",
    );
    s.ok(&["campaign", "apply", campaign.to_str().unwrap()]);
    let started = s.json(&["campaign", "start", "c", "--allow-problems"]);
    assert_eq!(started["enrolled"], 1);
}

/// Imports `csv` as the list `founders` and writes `yaml` as `c.yaml`.
fn with_leads_and_campaign(s: &Sandbox, csv: &str, yaml: &str) -> PathBuf {
    let leads = s.write("leads.csv", csv);
    s.ok(&[
        "leads",
        "import",
        leads.to_str().unwrap(),
        "--list",
        "founders",
    ]);
    s.write("c.yaml", yaml)
}

fn campaign_text(file: &str) -> String {
    std::fs::read_to_string(file).unwrap()
}
