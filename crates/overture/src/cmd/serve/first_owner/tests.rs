use std::io::Cursor;

use overture_secrets::Secret;

use super::ask;

/// Answers `lines` and `passwords` in turn; returns the outcome and what was shown.
fn dialogue(lines: &str, passwords: &[&str]) -> (Result<(String, String, String), String>, String) {
    let mut input = Cursor::new(lines.as_bytes().to_vec());
    let mut out = Vec::new();
    let mut given = passwords.iter();
    let outcome = ask(&mut input, &mut out, |_| {
        Ok(Secret::new(given.next().copied().unwrap_or_default()))
    });
    let shown = String::from_utf8(out).expect("utf-8");
    (
        outcome
            .map(|a| (a.email, a.name, a.password.expose().to_owned()))
            .map_err(|e| e.to_string()),
        shown,
    )
}

const GOOD: &str = "correct horse battery staple";

#[test]
fn a_valid_owner_is_taken_at_once_and_normalised() {
    let (outcome, shown) = dialogue("Ana@Example.COM\r\nAna Demo\n", &[GOOD, GOOD]);
    assert_eq!(
        outcome,
        Ok((
            "ana@example.com".to_owned(),
            "Ana Demo".to_owned(),
            GOOD.to_owned()
        ))
    );
    assert!(shown.contains("Email address: "), "{shown}");
    assert!(
        !shown.contains(GOOD),
        "the password is never shown: {shown}"
    );
}

#[test]
fn differing_passwords_and_refused_answers_are_asked_again() {
    let (outcome, shown) = dialogue(
        "ana@example.com\nAna\nnot-an-address\nAna\nana@example.com\nAna\n",
        &[GOOD, "other", GOOD, GOOD, GOOD, GOOD],
    );
    assert_eq!(outcome.map(|a| a.0), Ok("ana@example.com".to_owned()));
    assert!(shown.contains("The two passwords differ"), "{shown}");
    assert_eq!(shown.matches("once more").count(), 2, "{shown}");
}

#[test]
fn a_weak_password_three_times_creates_nobody_and_says_why() {
    let (outcome, _) = dialogue(
        "ana@example.com\nAna\nana@example.com\nAna\nana@example.com\nAna\n",
        &["short", "short", "short", "short", "short", "short"],
    );
    let error = outcome.expect_err("refused");
    assert!(error.contains("no user was added"), "{error}");
}

#[test]
fn an_input_that_ends_creates_nobody() {
    let (outcome, _) = dialogue("ana@example.com\n", &[]);
    assert!(outcome.expect_err("refused").contains("input ended"));
}
