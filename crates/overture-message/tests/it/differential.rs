//! Differential test: the same spellings of a corpus of templates in Overture's dialect,
//! rendered by minijinja (here) and by Python's Jinja2 (`jinja2_render.py`), must give the
//! same text, and fail for the same leads. `scripts/test.sh` installs Jinja2.

use std::io::Write;
use std::process::{Command, Stdio};

use overture_core::NewLead;
use overture_core::profile_url::ProfileUrl;
use overture_message::{Sender, Template, Vars};
use serde_json::{Value, json};

/// Templates in the dialect: spintax, fallbacks, conditions, loops of Jinja, the filters.
const CORPUS: &[&str] = &[
    "Hi {{ first_name }}",
    "{Hi|Hello|Hey} {{ first_name | clean_name }}, {great|good} to meet you.",
    "Hi {{ first_name }}, how is {{ company | default(\"your team\") }}?",
    "Hi {{ first_name }}{% if company %} at {{ company | first_word }}{% endif %}!",
    "{% if position %}As {{ position | title_case }}{% else %}As a leader{% endif %}, {{ first_name }}…",
    "{{ full_name }} · {{ location | default(\"somewhere\") | upper }} · {{ headline | default(\"\") | lower }}",
    "Hi {{ first_name | clean_name }}, {{ custom.mutual_connection | default(\"a friend\") }} suggested I write.",
    "{{ sender.first_name | default(\"Rowan\") }} here, {{ sender.company | default(\"Fabrikam\") }}.",
    "Hi {{ first_name }}, {we both|you and I} {went to|attended} {{ custom.event }}.",
    "{% if company and position %}{{ position | title_case }} at {{ company }}{% elif company %}{{ company }}{% else %}hello{% endif %}",
    "Hi {{ first_name | default(\"there\") | clean_name }}\\{braces\\} and \\| bars",
    "{{ first_name ~ \" \" ~ last_name | default(\"\") }}",
    "{% set who = first_name | clean_name %}Dear {{ who }}, {{ who | length }} letters",
    "{% for word in [first_name, company | default(\"one\"), \"two\"] %}[{{ loop.index }}:{{ word }}]{% endfor %}",
    "Hi {{ company }}",
    "Hi {{ first_name | clean_name | upper }} {{ last_name | lower }}",
    "Thanks for connecting, {{ first_name | clean_name }}!\n\n{I'm curious|I'd love to hear} how {{ company | default(\"your team\") | first_word }} does it.",
    "{{ custom.topic | default(\"this\") | replace(\"data\", \"DATA\") | trim }}",
    "{% if custom.event %}See you at {{ custom.event }}{% endif %}",
    "{{ position | title_case }}",
];

fn lead(i: usize, first: &str, company: Option<&str>, position: Option<&str>) -> NewLead {
    let url = ProfileUrl::parse(&format!("https://www.linkedin.com/in/diff-{i}")).unwrap();
    let mut lead = NewLead::new(url);
    lead.first_name = Some(first.to_owned());
    lead.last_name = Some("Quill-Ortega".to_owned());
    lead.company = company.map(str::to_owned);
    lead.position = position.map(str::to_owned);
    if i.is_multiple_of(2) {
        lead.location = Some("Leeds".to_owned());
        lead.custom
            .insert("Event".to_owned(), "the Leeds Data Meetup".to_owned());
        lead.custom
            .insert("Mutual Connection".to_owned(), "Priya Example".to_owned());
    }
    lead.headline = Some("Building DATA platforms | Speaker".to_owned());
    lead
}

fn leads() -> Vec<NewLead> {
    vec![
        lead(
            0,
            "Dr. ANNA-LENA (Anni) 🚀, PhD",
            Some("Northwind Analytics, Inc."),
            Some("head of SALES operations"),
        ),
        lead(1, "o'neil", None, Some("VP of engineering, EMEA")),
        lead(2, "  María  ", Some("Contoso"), None),
        lead(
            3,
            "Prof Dr Ingrid",
            Some("Tailspin Toys GmbH"),
            Some("HEAD OF PEOPLE"),
        ),
        lead(4, "McKenzie", Some("data works"), Some("the  data   team")),
        lead(
            5,
            "Kim | Growth @ Northwind",
            Some("Fabrikam"),
            Some("staff engineer"),
        ),
    ]
}

#[test]
fn minijinja_and_jinja2_render_the_same_text() {
    let senders = [
        Sender::default(),
        Sender {
            first_name: Some("Rowan".to_owned()),
            company: Some("Wingtip".to_owned()),
            ..Sender::default()
        },
    ];
    let mut cases = Vec::new();
    let mut ours = Vec::new();
    for source in CORPUS {
        let template = Template::new(source).unwrap_or_else(|e| panic!("{source}: {e}"));
        for (i, lead) in leads().iter().enumerate() {
            let vars = Vars::new(lead, &senders[i % 2]);
            for seed in [1, 2, 3] {
                let spelling = template.spintax().render_template(seed * 7 + i as u64);
                let flat: serde_json::Map<String, Value> = vars
                    .defined()
                    .into_iter()
                    .map(|(k, v)| (k, Value::from(v)))
                    .collect();
                cases.push(json!({ "source": spelling, "vars": flat }));
                ours.push((
                    source,
                    spelling.clone(),
                    template.render_raw(&spelling, &vars),
                ));
            }
        }
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/jinja2_render.py");
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs (scripts/test.sh installs it with Jinja2)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(&cases).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "jinja2_render.py failed (is Jinja2 installed? scripts/test.sh installs it): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(theirs.len(), ours.len());
    let mut rendered = 0;
    let mut failed = 0;
    for ((source, spelling, mine), theirs) in ours.iter().zip(&theirs) {
        match (mine, theirs.get("ok").and_then(Value::as_str)) {
            (Ok(text), Some(expected)) => {
                assert_eq!(text, expected, "template {source:?}, spelling {spelling:?}");
                rendered += 1;
            }
            (Err(_), None) => failed += 1,
            (mine, _) => panic!(
                "template {source:?}, spelling {spelling:?}: minijinja gave {mine:?}, Jinja2 {theirs}"
            ),
        }
    }
    // Both outcomes are exercised: texts that render and leads that lack a value.
    assert!(
        rendered > 200 && failed > 10,
        "{rendered} rendered, {failed} failed"
    );
}
