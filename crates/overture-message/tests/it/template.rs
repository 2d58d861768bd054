use overture_message::{Sender, Template, Vars, seed, tidy};

use crate::lead;

fn vars(first: Option<&str>, company: Option<&str>) -> Vars {
    let sender = Sender {
        first_name: Some("Rowan".to_owned()),
        ..Sender::default()
    };
    Vars::new(&lead(first, company), &sender)
}

#[test]
fn fills_lead_custom_and_sender_fields_with_filters() {
    let mut l = lead(
        Some("DR. ANNA-LENA (Anni)"),
        Some("Northwind Analytics, Inc."),
    );
    l.custom
        .insert("Shared Group".to_owned(), "Data Leaders".to_owned());
    let v = Vars::new(
        &l,
        &Sender {
            first_name: Some("Rowan".to_owned()),
            ..Sender::default()
        },
    );
    let t = Template::new(
        "Hi {{ first_name | clean_name }} from {{ company | first_word }}, {{ position | title_case }} in {{ custom.shared_group }}. {{ sender.first_name }} ({{ full_name }})",
    )
    .unwrap();
    assert_eq!(
        t.render(&v, 1).unwrap(),
        "Hi Anna-Lena from Northwind, Head of Data Platform in Data Leaders. Rowan (DR. ANNA-LENA (Anni) Quill)"
    );
}

#[test]
fn a_missing_value_without_fallback_is_an_error_never_a_gap() {
    let t = Template::new("Hi {{ first_name }}, how is {{ company }}?").unwrap();
    let error = t.render(&vars(Some("Ada"), None), 1).unwrap_err();
    assert_eq!(error.missing, ["company"]);
    assert_eq!(error.message, "no value for `company`");
    // A blank value is no value.
    assert!(t.render(&vars(Some("Ada"), Some("  ")), 1).is_err());
    // With a fallback or a condition, it renders.
    let fallback =
        Template::new("Hi {{ first_name }}, how is {{ company | default(\"your team\") }}?")
            .unwrap();
    assert_eq!(
        fallback.render(&vars(Some("Ada"), None), 1).unwrap(),
        "Hi Ada, how is your team?"
    );
    let guarded =
        Template::new("Hi {{ first_name }}{% if company %}, how is {{ company }}{% endif %}?")
            .unwrap();
    assert_eq!(
        guarded.render(&vars(Some("Ada"), None), 1).unwrap(),
        "Hi Ada?"
    );
    assert_eq!(
        guarded
            .render(&vars(Some("Ada"), Some("Contoso")), 1)
            .unwrap(),
        "Hi Ada, how is Contoso?"
    );
    // A filter on a missing value is an error too.
    let filtered = Template::new("Hi {{ first_name | clean_name }}").unwrap();
    assert_eq!(
        filtered.render(&vars(None, None), 1).unwrap_err().missing,
        ["first_name"]
    );
}

#[test]
fn spintax_spins_the_template_never_the_data() {
    let t = Template::new("{Hi|Hello|Hey} {{ first_name }}").unwrap();
    let weird = vars(Some("{Ann|Bob}"), None);
    let mut seen = std::collections::BTreeSet::new();
    for s in 0..60 {
        let text = t.render(&weird, s).unwrap();
        assert!(text.ends_with(" {Ann|Bob}"), "{text}");
        seen.insert(text);
    }
    assert_eq!(seen.len(), 3);
}

#[test]
fn a_retry_renders_byte_identical_text() {
    let t = Template::new(
        "{Hi|Hello} {{ first_name }}, {great|good} to {meet|see} you {at|during} the summit",
    )
    .unwrap();
    let v = vars(Some("Ada"), None);
    for lead_id in 1..50 {
        let s = seed(lead_id, 2, 0);
        assert_eq!(
            t.render(&v, s).unwrap(),
            t.render(&v, seed(lead_id, 2, 0)).unwrap()
        );
    }
    // Other leads, steps and variants draw afresh.
    let texts: std::collections::BTreeSet<String> = (1..50)
        .map(|lead_id| t.render(&v, seed(lead_id, 2, 0)).unwrap())
        .collect();
    assert!(texts.len() > 8, "{texts:?}");
    assert_ne!(seed(1, 2, 0), seed(1, 3, 0));
    assert_ne!(seed(1, 2, 0), seed(1, 2, 1));
}

#[test]
fn escaped_braces_are_text_even_next_to_tags() {
    let t = Template::new(r"\{{{ first_name }}\} says \{\{ hi \}\}").unwrap();
    assert_eq!(
        t.render(&vars(Some("Ada"), None), 0).unwrap(),
        "{Ada} says {{ hi }}"
    );
}

#[test]
fn syntax_errors_name_the_place_in_the_source() {
    let error = Template::new("Hi {{ first_name }},\n{we|you} {% if company %}at {{ company }}")
        .unwrap_err();
    let text = error.to_string();
    assert!(text.starts_with("2:"), "{text}");
    let error = Template::new("Hi {{ first_name | shout }}").unwrap_err();
    assert!(
        error
            .to_string()
            .contains("clean_name, title_case and first_word"),
        "{error}"
    );
    // A bad spelling is found even when it is not the first.
    assert!(Template::new("{Hi|Hello {{ first_name }}").is_err());
    assert!(Template::new("{Hi|{{ first_name | nope }}}").is_err());
}

#[test]
fn tidy_removes_what_empty_parts_leave() {
    assert_eq!(
        tidy("  Hi  Ada ,  how are you ?\n\n "),
        "Hi Ada, how are you?"
    );
    assert_eq!(tidy("Hi Ada,  \nthanks\t\tagain"), "Hi Ada,\nthanks again");
}

#[test]
fn the_longest_spelling_is_rendered_for_limits() {
    let t = Template::new("{Hi|Good morning} {{ first_name }}").unwrap();
    assert_eq!(
        t.render_longest(&vars(Some("Ada"), None)).unwrap(),
        "Good morning Ada"
    );
}
