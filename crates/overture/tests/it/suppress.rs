//! `overture suppress`: entries read all or nothing, listed as JSON, removed.

use crate::Sandbox;

#[test]
fn entries_are_added_all_or_nothing_listed_and_removed() {
    let s = Sandbox::new();
    s.ok(&["init"]);
    let file = s.write(
        "blocked.txt",
        "# competitors\n@Example.org\nana@example.com   # asked by phone\nnot an entry\n",
    );
    let err = s
        .run(&["suppress", "add", "--file", file.to_str().unwrap()])
        .input_error();
    assert!(
        err.contains(&format!("{}:4:", file.display())) && err.contains("nothing was changed"),
        "{err}"
    );
    assert_eq!(s.json(&["suppress", "list"]), serde_json::json!([]));

    let fixed = s.write("ok.txt", "# competitors\n@Example.org\nana@example.com\n");
    let out = s.ok(&[
        "suppress",
        "add",
        "https://www.linkedin.com/in/fictional-person/",
        "--file",
        fixed.to_str().unwrap(),
        "--reason",
        "asked",
    ]);
    assert!(out.contains("Added 3 new"), "{out}");
    let again = s.ok(&["suppress", "add", "ANA@example.com"]);
    assert!(
        again.contains("Added 0 new; 1 on the list already"),
        "{again}"
    );
    let listed = s.json(&["suppress", "list"]);
    let kinds: Vec<(&str, &str)> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["kind"].as_str().unwrap(), e["value"].as_str().unwrap()))
        .collect();
    assert_eq!(kinds[0], ("address", "ana@example.com"));
    assert_eq!(kinds[1], ("domain", "example.org"));
    assert_eq!(kinds[2].0, "profile");
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["reason"] == "asked")
    );

    s.ok(&["suppress", "remove", "example.org"]);
    assert_eq!(s.json(&["suppress", "list"]).as_array().unwrap().len(), 2);
}
