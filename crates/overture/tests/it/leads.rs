use crate::{Sandbox, repo_root};

/// A messy export: BOM, CRLF, a quoted newline and comma, header aliases, an unknown column,
/// and the same person under three spellings of their profile URL.
const MESSY: &str = "\u{feff}First Name,Last Name,LinkedIn URL,Company Name,Job Title,Email Address,Favourite Colour\r\n\
Ana,Example,https://www.linkedin.com/in/ana-example/,\"Northwind, Inc.\",Founder,,teal\r\n\
Ben,Sample,linkedin.com/in/ben-sample,Contoso,\"Head of\r\nGrowth\",ben@contoso.example.com,\r\n\
,,HTTPS://DE.LINKEDIN.COM/IN/ANA-EXAMPLE?trk=x,,,ana@northwind.example.com,\r\n\
Ana,Example,http://linkedin.com/in/Ana-Example,,,,\r\n";

fn count(s: &Sandbox, list: &str) -> usize {
    s.json(&["leads", "list", "--list", list])
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn a_messy_csv_yields_exactly_one_lead_per_person() {
    let s = Sandbox::new();
    let file = s.write("messy.csv", MESSY);
    let report = s.json(&[
        "leads",
        "import",
        file.to_str().unwrap(),
        "--list",
        "founders",
    ]);
    assert_eq!(
        report,
        serde_json::json!({"imported": 2, "updated": 0, "duplicates_merged": 2, "rejected": 0})
    );

    let leads = s.json(&["leads", "list", "--list", "founders"]);
    let leads = leads.as_array().unwrap();
    assert_eq!(leads.len(), 2);
    let ana = leads
        .iter()
        .find(|l| l["profile_url"] == "https://www.linkedin.com/in/ana-example")
        .expect("Ana under her normalised URL");
    assert_eq!(ana["first_name"], "Ana");
    assert_eq!(ana["company"], "Northwind, Inc.");
    assert_eq!(
        ana["email"], "ana@northwind.example.com",
        "a later row fills the empty email"
    );
    assert_eq!(ana["custom"]["Favourite Colour"], "teal");
    let ben = leads.iter().find(|l| l["last_name"] == "Sample").unwrap();
    assert_eq!(
        ben["position"].as_str().unwrap().replace("\r\n", "\n"),
        "Head of\nGrowth"
    );

    // Importing the same file again stores nothing new.
    let again = s.json(&[
        "leads",
        "import",
        file.to_str().unwrap(),
        "--list",
        "founders",
    ]);
    assert_eq!(again["imported"], 0);
    assert_eq!(again["updated"], 0);
}

#[test]
fn one_bad_row_changes_nothing_and_names_its_line() {
    let s = Sandbox::new();
    let good = s.write(
        "good.csv",
        "URL,First Name\nlinkedin.com/in/first-one,First\n",
    );
    s.ok(&["leads", "import", good.to_str().unwrap(), "--list", "l"]);

    // The bad row starts on line 5: the quoted field before it spans two lines.
    let bad = s.write(
        "bad.csv",
        "URL,First Name,Note\n\
         linkedin.com/in/second-one,Second,\"two\nlines\"\n\
         linkedin.com/in/third-one,Third,\n\
         https://example.com/not-a-profile,Broken,\n",
    );
    let err = s
        .run(&["leads", "import", bad.to_str().unwrap(), "--list", "l"])
        .input_error();
    assert!(err.contains("bad.csv:5"), "{err}");
    assert!(err.contains("URL"), "names the field: {err}");
    assert!(err.contains("--skip-invalid"), "says what to do: {err}");
    assert_eq!(count(&s, "l"), 1, "nothing from the bad file was stored");
}

#[test]
fn skip_invalid_imports_the_rest_and_writes_the_rejected_rows() {
    let s = Sandbox::new();
    let bad = s.write(
        "leads.csv",
        "Profile URL,First Name\nlinkedin.com/in/ok-one,Ok\nnot a url,=HYPERLINK(\"x\")\n",
    );
    let report = s.json(&[
        "leads",
        "import",
        bad.to_str().unwrap(),
        "--list",
        "l",
        "--skip-invalid",
    ]);
    assert_eq!(report["imported"], 1);
    assert_eq!(report["rejected"], 1);
    let rejected = std::fs::read_to_string(s.path("leads.rejected.csv")).expect("rejected file");
    assert!(rejected.contains("not a url"), "{rejected}");
    assert!(
        rejected.contains("'=HYPERLINK"),
        "formulas are neutralised: {rejected}"
    );
}

#[test]
fn explicit_mappings_and_the_shipped_example() {
    let s = Sandbox::new();
    let f = s.write(
        "m.csv",
        "Member Page,Team\nlinkedin.com/in/mapped-one,Blue\n",
    );
    let err = s
        .run(&["leads", "import", f.to_str().unwrap(), "--list", "m"])
        .input_error();
    assert!(
        err.contains("--map"),
        "a file without a URL column suggests --map: {err}"
    );
    s.ok(&[
        "leads",
        "import",
        f.to_str().unwrap(),
        "--list",
        "m",
        "--map",
        "Member Page=profile_url",
        "--map",
        "Team=custom:team",
    ]);
    let leads = s.json(&["leads", "list", "--list", "m"]);
    assert_eq!(leads[0]["custom"]["team"], "Blue");

    let example = repo_root().join("examples/leads/founders.csv");
    let report = s.json(&[
        "leads",
        "import",
        example.to_str().unwrap(),
        "--list",
        "founders",
    ]);
    assert_eq!(report["rejected"], 0);
    assert_eq!(report["duplicates_merged"], 1);
    assert_eq!(report["imported"], 7);
}

#[test]
fn erasing_a_person_keeps_only_hashes_and_an_unknown_profile_is_an_input_error() {
    let s = Sandbox::new();
    let file = s.write("messy.csv", MESSY);
    s.ok(&[
        "leads",
        "import",
        file.to_str().unwrap(),
        "--list",
        "founders",
    ]);
    let erased = s.json(&["leads", "erase", "https://www.linkedin.com/in/ana-example/"]);
    assert_eq!(erased["suppressed"], 2, "{erased}");
    assert_eq!(count(&s, "founders"), 1);
    let entries = s.json(&["suppress", "list"]);
    let text = entries.to_string();
    assert!(text.contains("sha256:") && !text.contains("ana"), "{text}");
    let err = s
        .run(&["leads", "erase", "https://www.linkedin.com/in/ana-example"])
        .input_error();
    assert!(err.contains("no lead with the profile"), "{err}");
}
