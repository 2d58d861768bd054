use proptest::prelude::*;

use super::*;

/// `expected` is the canonical URL, or the name of the error variant.
#[track_caller]
fn check(input: &str, expected: &str) {
    let actual = match ProfileUrl::parse(input) {
        Ok(url) => url.to_string(),
        Err(ProfileUrlError::Empty) => "Empty".to_owned(),
        Err(ProfileUrlError::NotLinkedIn { .. }) => "NotLinkedIn".to_owned(),
        Err(ProfileUrlError::NotAProfile { .. }) => "NotAProfile".to_owned(),
        Err(ProfileUrlError::InvalidSlug { .. }) => "InvalidSlug".to_owned(),
    };
    assert_eq!(actual, expected, "input: {input:?}");
}

const ANA: &str = "https://www.linkedin.com/in/ana-example";

#[test]
fn accepts_common_spellings() {
    check("https://www.linkedin.com/in/ana-example", ANA);
    check("http://www.linkedin.com/in/ana-example", ANA);
    check("www.linkedin.com/in/ana-example", ANA);
    check("linkedin.com/in/ana-example", ANA);
    check("//linkedin.com/in/ana-example", ANA);
    check("HTTPS://WWW.LINKEDIN.COM/IN/ANA-EXAMPLE", ANA);
    check("Https://LinkedIn.com/in/Ana-Example/", ANA);
    check("https://de.linkedin.com/in/ana-example", ANA);
    check("https://uk.linkedin.com/in/ana-example/", ANA);
    check("https://m.linkedin.com/in/ana-example", ANA);
    check("https://mobile.linkedin.com/in/ana-example", ANA);
    check("https://www.linkedin.com/mwlite/in/ana-example", ANA);
    check("  https://www.linkedin.com/in/ana-example  ", ANA);
    check("\thttps://www.linkedin.com/in/ana-example\r\n", ANA);
    check("https://www.linkedin.com/in/ana-example?trk=people", ANA);
    check(
        "https://www.linkedin.com/in/ana-example/?originalSubdomain=de",
        ANA,
    );
    check("https://www.linkedin.com/in/ana-example#experience", ANA);
    check(
        "https://www.linkedin.com/in/ana-example/details/experience/",
        ANA,
    );
    check("https://www.linkedin.com/in/ana-example/en", ANA);
    check("https://www.linkedin.com/in/ana-example/en/?x=1#y", ANA);
    check("https://www.linkedin.com/in/%61na-example", ANA);
}

#[test]
fn decodes_and_lower_cases_slugs() {
    let jurgen = "https://www.linkedin.com/in/jürgen-m";
    check("https://www.linkedin.com/in/j%C3%BCrgen-m", jurgen);
    check("https://www.linkedin.com/in/J%C3%9Crgen-M", jurgen);
    check("https://www.linkedin.com/in/jürgen-m", jurgen);
    check("https://www.linkedin.com/in/JÜRGEN-M/", jurgen);
    check(
        "linkedin.com/in/ana_example.1",
        "https://www.linkedin.com/in/ana_example.1",
    );
    check(
        "linkedin.com/in/ana-example-12345",
        "https://www.linkedin.com/in/ana-example-12345",
    );
    check("linkedin.com/in/ΑΝΑ", "https://www.linkedin.com/in/ανα");
    check(
        "linkedin.com/in/李明-example",
        "https://www.linkedin.com/in/李明-example",
    );
}

#[test]
fn rejects_empty_input() {
    check("", "Empty");
    check("   ", "Empty");
    check("\t\r\n", "Empty");
}

#[test]
fn rejects_other_hosts() {
    check("https://example.com/x", "NotLinkedIn");
    check("https://example.com/in/ana-example", "NotLinkedIn");
    check(
        "https://linkedin.com.evil.test/in/ana-example",
        "NotLinkedIn",
    );
    check("https://notlinkedin.com/in/ana-example", "NotLinkedIn");
    check("https://www.notlinkedin.com/in/ana-example", "NotLinkedIn");
    check("https://linkedin.co/in/ana-example", "NotLinkedIn");
    check(
        "https://linkedin.com@evil.test/in/ana-example",
        "NotLinkedIn",
    );
    check(
        "https://evil.test@linkedin.com/in/ana-example",
        "NotLinkedIn",
    );
    check(
        "https://evil.test\\@linkedin.com/in/ana-example",
        "NotLinkedIn",
    );
    check("https://linkedin.com:8080/in/ana-example", "NotLinkedIn");
    check("https://-x.linkedin.com/in/ana-example", "NotLinkedIn");
    check("https://.linkedin.com/in/ana-example", "NotLinkedIn");
    check("https://www..linkedin.com/in/ana-example", "NotLinkedIn");
    check("https://lnkd.in/abc", "NotLinkedIn");
    check("ftp://linkedin.com/in/ana-example", "NotLinkedIn");
    check("javascript:alert(1)//linkedin.com/in/ana", "NotLinkedIn");
    check("ana-example", "NotLinkedIn");
    check("/in/ana-example", "NotLinkedIn");
    check("linkedin", "NotLinkedIn");
    check("https://", "NotLinkedIn");
    check("ana@example.com", "NotLinkedIn");
}

#[test]
fn rejects_non_profile_paths() {
    check("https://www.linkedin.com", "NotAProfile");
    check("https://www.linkedin.com/", "NotAProfile");
    check("https://www.linkedin.com?in=ana", "NotAProfile");
    check("https://www.linkedin.com/company/example", "NotAProfile");
    check(
        "https://www.linkedin.com/pub/ana-example/1a/2b3/4c5",
        "NotAProfile",
    );
    check(
        "https://www.linkedin.com/sales/lead/ACwAAA,NAME_SEARCH",
        "NotAProfile",
    );
    check("https://www.linkedin.com/feed/", "NotAProfile");
    check("https://www.linkedin.com/inn/ana-example", "NotAProfile");
    check("https://www.linkedin.com/x/in/ana-example", "NotAProfile");
}

#[test]
fn rejects_invalid_slugs() {
    check("https://www.linkedin.com/in", "InvalidSlug");
    check("https://www.linkedin.com/in/", "InvalidSlug");
    check("https://www.linkedin.com/in//ana", "InvalidSlug");
    check("https://www.linkedin.com/in/?id=1", "InvalidSlug");
    check("https://www.linkedin.com/in/ana example", "InvalidSlug");
    check("https://www.linkedin.com/in/ana%20example", "InvalidSlug");
    check("https://www.linkedin.com/in/ana%2Fexample", "InvalidSlug");
    check("https://www.linkedin.com/in/ana%2fexample", "InvalidSlug");
    check("https://www.linkedin.com/in/ana%00", "InvalidSlug");
    check("https://www.linkedin.com/in/ana%0A", "InvalidSlug");
    check("https://www.linkedin.com/in/ana%zz", "InvalidSlug");
    check("https://www.linkedin.com/in/ana%25", "InvalidSlug");
    check("https://www.linkedin.com/in/ana%C3", "InvalidSlug");
    check("https://www.linkedin.com/in/ana%E2%80%8B", "InvalidSlug");
    check("https://www.linkedin.com/in/ana\u{202E}x", "InvalidSlug");
    check("https://www.linkedin.com/in/ana+example", "InvalidSlug");
    check("https://www.linkedin.com/in/..", "InvalidSlug");
    check("https://www.linkedin.com/in/---", "InvalidSlug");
    check("https://www.linkedin.com/in/%3Cscript%3E", "InvalidSlug");
    check(
        &format!("https://www.linkedin.com/in/{}", "a".repeat(201)),
        "InvalidSlug",
    );
}

#[test]
fn long_slug_at_the_limit_is_accepted() {
    let slug = "a".repeat(MAX_SLUG_CHARS);
    check(
        &format!("linkedin.com/in/{slug}"),
        &format!("https://www.linkedin.com/in/{slug}"),
    );
}

#[test]
fn errors_carry_the_trimmed_input_and_read_well() {
    let err = ProfileUrl::parse(" https://example.com/x ").unwrap_err();
    assert_eq!(
        err.to_string(),
        "`https://example.com/x` is not a linkedin.com address"
    );
    assert_eq!(
        ProfileUrl::parse("").unwrap_err().to_string(),
        "the profile URL is empty"
    );
}

#[test]
fn slug_and_as_url_agree_with_display() {
    let url = ProfileUrl::parse("de.linkedin.com/in/Ana-Example/").unwrap();
    assert_eq!(url.slug(), "ana-example");
    assert_eq!(url.as_url(), url.to_string());
}

#[test]
fn serde_round_trips_through_the_canonical_url() {
    let url = ProfileUrl::parse("linkedin.com/in/j%C3%BCrgen-m").unwrap();
    let json = serde_json::to_string(&url).unwrap();
    assert_eq!(json, "\"https://www.linkedin.com/in/jürgen-m\"");
    assert_eq!(serde_json::from_str::<ProfileUrl>(&json).unwrap(), url);
    assert!(serde_json::from_str::<ProfileUrl>("\"https://example.com/x\"").is_err());
}

fn ascii_slug() -> impl Strategy<Value = String> {
    "[a-z0-9][a-z0-9_.-]{0,40}"
}

fn any_slug() -> impl Strategy<Value = String> {
    prop_oneof![
        ascii_slug(),
        "[a-zà-ÿα-ω0-9-]{1,20}",
        "[\\p{L}\\p{N}-]{1,20}"
    ]
}

proptest! {
    #[test]
    fn parse_never_panics(input in "\\PC{0,80}") {
        let _ = ProfileUrl::parse(&input);
    }

    #[test]
    fn parse_never_panics_on_url_like_input(
        input in "(https?://)?([a-z.@:-]{0,10}\\.)?linkedin\\.com[/a-zA-Z%0-9?#.\\\\-]{0,40}"
    ) {
        let _ = ProfileUrl::parse(&input);
    }

    #[test]
    fn parse_is_idempotent(
        input in prop_oneof![
            any_slug().prop_map(|s| format!("linkedin.com/in/{s}")),
            "\\PC{0,60}".prop_map(|s| format!("https://www.linkedin.com/in/{s}")),
        ]
    ) {
        if let Ok(url) = ProfileUrl::parse(&input) {
            prop_assert_eq!(ProfileUrl::parse(&url.to_string()), Ok(url.clone()));
            prop_assert_eq!(ProfileUrl::parse(url.slug()).is_err(), true);
        }
    }

    #[test]
    fn spelling_variations_give_the_same_value(
        slug in ascii_slug(),
        scheme in prop_oneof![Just(""), Just("http://"), Just("https://"), Just("HTTPS://"), Just("//")],
        host in prop_oneof![
            Just("linkedin.com"), Just("www.linkedin.com"), Just("WWW.LinkedIn.com"),
            Just("de.linkedin.com"), Just("m.linkedin.com"),
        ],
        upper_slug in any::<bool>(),
        tail in prop_oneof![
            Just(""), Just("/"), Just("?trk=x"), Just("/?a=b&c=d"), Just("#top"),
            Just("/details/experience/"), Just("/en"),
        ],
        spaces in prop_oneof![Just(""), Just(" "), Just("\t")],
    ) {
        prop_assume!(slug.chars().any(|c| c.is_ascii_alphanumeric()));
        let expected = ProfileUrl::parse(&format!("https://www.linkedin.com/in/{slug}")).unwrap();
        let shown = if upper_slug { slug.to_ascii_uppercase() } else { slug.clone() };
        let input = format!("{spaces}{scheme}{host}/in/{shown}{tail}{spaces}");
        prop_assert_eq!(ProfileUrl::parse(&input), Ok(expected));
    }

    #[test]
    fn percent_encoding_the_slug_changes_nothing(slug in any_slug()) {
        let plain = ProfileUrl::parse(&format!("linkedin.com/in/{slug}")).ok();
        let encoded: String = slug.bytes().map(|b| format!("%{b:02X}")).collect();
        prop_assert_eq!(ProfileUrl::parse(&format!("linkedin.com/in/{encoded}")).ok(), plain);
    }
}
