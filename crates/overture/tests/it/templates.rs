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
