use proptest::prelude::*;

use super::*;

const LI: &str = "AQEDARfictionalSessionValue0000000000";
const JS: &str = "\"ajax:0123456789012345678\"";

fn header_text() -> String {
    format!("lang=v=2&lang=en-us; li_at={LI}; JSESSIONID={JS}; bcookie=\"v=2&abc\"")
}

fn json_text() -> String {
    format!(
        r#"[
  {{"domain": ".linkedin.com", "name": "li_at", "value": "{LI}", "httpOnly": true}},
  {{"domain": ".www.linkedin.com", "name": "JSESSIONID", "value": "\"ajax:0123456789012345678\""}},
  {{"domain": ".example.com", "name": "li_at", "value": "not-ours"}}
]"#
    )
}

fn netscape_text() -> String {
    format!(
        "# Netscape HTTP Cookie File\n\
         # fictional\n\
         .example.com\tTRUE\t/\tTRUE\t1900000000\tli_at\tnot-ours\n\
         #HttpOnly_.linkedin.com\tTRUE\t/\tTRUE\t1900000000\tli_at\t{LI}\n\
         .www.linkedin.com\tTRUE\t/\tTRUE\t1900000000\tJSESSIONID\t{JS}\n"
    )
}

#[track_caller]
fn check(text: &str, format: CookieFormat) {
    assert_eq!(detect(text), format);
    let s = parse_cookies("cookies", text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.li_at.expose(), LI);
    assert_eq!(s.jsessionid.expose(), JS);
}

#[track_caller]
fn error(text: &str) -> String {
    let e = parse_cookies("cookies.txt", text)
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert!(!e.contains(LI) && !e.contains("0123456789012345678"), "{e}");
    e
}

#[test]
fn each_format_reads_the_session() {
    check(&header_text(), CookieFormat::Header);
    check(
        &format!("Cookie: {}\n", header_text()),
        CookieFormat::Header,
    );
    check(&json_text(), CookieFormat::Json);
    check(
        &format!(
            r#"{{"url": "https://www.linkedin.com", "cookies": {}}}"#,
            json_text()
        ),
        CookieFormat::Json,
    );
    check(&netscape_text(), CookieFormat::Netscape);
}

#[test]
fn bom_and_crlf_are_accepted() {
    for text in [header_text(), json_text(), netscape_text()] {
        let crlf = format!("\u{feff}{}", text.replace('\n', "\r\n"));
        let s = parse_cookies("cookies", &crlf).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.li_at.expose(), LI);
        assert_eq!(s.jsessionid.expose(), JS);
    }
}

#[test]
fn linkedin_itself_wins_over_a_subdomain() {
    let text = format!(
        "www.linkedin.com\tFALSE\t/\tTRUE\t0\tli_at\tAQEDARsub\n\
         .linkedin.com\tTRUE\t/\tTRUE\t0\tli_at\t{LI}\n\
         .www.linkedin.com\tTRUE\t/\tTRUE\t0\tJSESSIONID\t{JS}\n"
    );
    check(&text, CookieFormat::Netscape);
    assert!(is_linkedin_domain("linkedin.com"));
    assert!(is_linkedin_domain(".www.LinkedIn.com"));
    assert!(!is_linkedin_domain("notlinkedin.com"));
    assert!(!is_linkedin_domain("linkedin.com.example.com"));
}

#[test]
fn errors_name_the_source_the_line_and_what_is_missing() {
    assert_eq!(
        error(&format!("JSESSIONID={JS}")),
        "cookies.txt: no li_at cookie for .linkedin.com (export the cookies while logged in to \
         linkedin.com)"
    );
    assert!(error(&format!("li_at={LI}")).contains("no JSESSIONID cookie"));
    assert!(error("").contains("cookies.txt: no cookies in it"));
    assert!(error("# Netscape HTTP Cookie File\n").contains("no cookies in it"));
    let only_others = ".example.com\tTRUE\t/\tTRUE\t0\tli_at\tx\n\
                       .example.com\tTRUE\t/\tTRUE\t0\tJSESSIONID\ty\n";
    assert!(error(only_others).contains("no li_at cookie for .linkedin.com"));
    let short = format!("{}.linkedin.com\tTRUE\t/\tli_at\tx\n", netscape_text());
    assert!(
        error(&short).starts_with("cookies.txt:6: expected 7 tab-separated fields"),
        "{}",
        error(&short)
    );
    assert!(error("[{\"name\": \"li_at\"").starts_with("cookies.txt:1: not valid JSON"));
    assert!(error("[{\"name\": \"li_at\"}]").contains("cookie 1 has no `name` or no `value`"));
    assert!(error("{\"a\": 1}").contains("expected an array of cookies"));
    assert!(
        error(&format!("li_at=delete me; JSESSIONID={JS}")).contains("the li_at cookie is deleted")
    );
    assert!(error(&format!("li_at=\"a\"b\"; JSESSIONID={JS}")).contains("li_at cookie's value"));
}

proptest! {
    /// Nothing panics, and no error repeats a session value.
    #[test]
    fn any_input_is_an_answer_never_a_panic(text in "(?s).{0,300}") {
        if let Err(e) = parse_cookies("x", &text) {
            prop_assert!(e.to_string().starts_with("x"));
        }
    }

    #[test]
    fn any_cookie_values_round_trip_through_each_format(
        li in "[A-Za-z0-9_\\-]{1,120}",
        js in "[0-9]{1,25}",
        crlf in any::<bool>(),
    ) {
        let js = format!("\"ajax:{js}\"");
        let texts = [
            format!("li_at={li}; JSESSIONID={js}"),
            serde_json::json!([
                {"domain": ".linkedin.com", "name": "li_at", "value": li},
                {"domain": ".www.linkedin.com", "name": "JSESSIONID", "value": js},
            ]).to_string(),
            format!(".linkedin.com\tTRUE\t/\tTRUE\t0\tli_at\t{li}\n\
                     .www.linkedin.com\tTRUE\t/\tTRUE\t0\tJSESSIONID\t{js}\n"),
        ];
        for text in texts {
            let text = if crlf { text.replace('\n', "\r\n") } else { text };
            let s = parse_cookies("x", &text).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(s.li_at.expose(), li.as_str());
            prop_assert_eq!(s.jsessionid.expose(), js.as_str());
        }
    }
}
