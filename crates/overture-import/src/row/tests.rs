use super::*;

#[track_caller]
fn check_email(value: &str, expected: bool) {
    assert_eq!(is_plausible_email(value), expected, "email: {value:?}");
}

#[test]
fn email_check() {
    check_email("ana@example.com", true);
    check_email("ana.example+tag@mail.example.com", true);
    check_email("ana@example", false);
    check_email("ana.example.com", false);
    check_email("@example.com", false);
    check_email("ana@@example.com", false);
    check_email("ana@x@example.com", false);
    check_email("ana @example.com", false);
    check_email("ana@.example.com", false);
    check_email("ana@example.com.", false);
    check_email("ana@example..com", false);
    check_email("ana@exa\u{0}mple.com", false);
}

#[track_caller]
fn check_split(full: &str, first: Option<&str>, last: Option<&str>) {
    assert_eq!(split_full_name(full), (first, last), "name: {full:?}");
}

#[test]
fn full_name_split() {
    check_split("Ana Example", Some("Ana"), Some("Example"));
    check_split("Ana Maria  Example", Some("Ana"), Some("Maria  Example"));
    check_split("Example, Ana", Some("Ana"), Some("Example"));
    check_split("Ana Example, PhD", Some("Ana"), Some("Example, PhD"));
    check_split("Ana", Some("Ana"), None);
    check_split(" Ana ", Some("Ana"), None);
    check_split("Example,", None, Some("Example"));
}
