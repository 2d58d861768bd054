use overture_core::Tier;
use overture_message::{Problem, Sender, Template, TextKind, Vars, check_lead};

use crate::lead;

fn check(source: &str, first: Option<&str>, company: Option<&str>, tier: Tier) -> Vec<Problem> {
    let t = Template::new(source).unwrap();
    let v = Vars::new(&lead(first, company), &Sender::default());
    check_lead(&t, &v, 7, TextKind::Invite, tier).problems
}

#[test]
fn a_fitting_note_has_no_problem() {
    assert_eq!(
        check(
            "Hi {{ first_name }}, we both spoke at the summit.",
            Some("Ada"),
            None,
            Tier::Free
        ),
        []
    );
}

#[test]
fn a_long_company_makes_one_lead_too_long() {
    let source = format!(
        "Hi {{{{ first_name }}}}, {} at {{{{ company }}}}.",
        "x".repeat(170)
    );
    assert_eq!(check(&source, Some("Ada"), Some("Contoso"), Tier::Free), []);
    let long = "Northwind Analytics and Data Science Consulting";
    let problems = check(&source, Some("Ada"), Some(long), Tier::Free);
    assert!(
        matches!(
            problems.as_slice(),
            [Problem::TooLong {
                limit: 200,
                longest: false,
                ..
            }]
        ),
        "{problems:?}"
    );
    assert!(
        problems[0].fix().starts_with("cut "),
        "{}",
        problems[0].fix()
    );
    // Premium allows 300.
    assert_eq!(check(&source, Some("Ada"), Some(long), Tier::Premium), []);
}

#[test]
fn the_longest_spelling_is_checked_too() {
    let source = format!("Hi {{{{ first_name }}}}, {{ok|{}}}", "y".repeat(200));
    // Whatever spelling the lead gets, the longest is over the limit.
    let problems = check(&source, Some("Ada"), None, Tier::Free);
    assert!(
        problems
            .iter()
            .any(|p| matches!(p, Problem::TooLong { .. })),
        "{problems:?}"
    );
}

#[test]
fn missing_values_and_empty_texts_come_with_their_fix() {
    let problems = check(
        "Hi {{ first_name }} at {{ company }}",
        Some("Ada"),
        None,
        Tier::Free,
    );
    assert_eq!(
        problems,
        [Problem::Missing {
            variables: vec!["company".to_owned()]
        }]
    );
    let fix = problems[0].fix();
    assert!(fix.contains("{{ company | default(\"…\") }}"), "{fix}");
    let problems = check(
        "{% if company %}Hi{% endif %}",
        Some("Ada"),
        None,
        Tier::Free,
    );
    assert_eq!(problems, [Problem::Empty]);
    let t = Template::new("Hi, {{ sender.first_name }} here").unwrap();
    let v = Vars::new(&lead(Some("Ada"), None), &Sender::default());
    let checked = check_lead(&t, &v, 1, TextKind::Message, Tier::Free);
    assert!(
        checked.problems[0].fix().contains("--first-name"),
        "{:?}",
        checked.problems
    );
}
