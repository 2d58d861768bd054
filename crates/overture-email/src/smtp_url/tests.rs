use super::{SmtpSecurity, SmtpUrl, SmtpUrlError};

fn check(url: &str, security: SmtpSecurity, host: &str, port: u16, user: Option<&str>) {
    let parsed = SmtpUrl::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"));
    assert_eq!(
        (
            parsed.security,
            parsed.host.as_str(),
            parsed.port,
            parsed.user.as_deref()
        ),
        (security, host, port, user),
        "{url}"
    );
    assert_eq!(
        SmtpUrl::parse(&parsed.to_string()),
        Ok(parsed),
        "{url} round trip"
    );
}

#[test]
fn the_documented_forms_parse() {
    check(
        "smtps://ana@mail.example.com",
        SmtpSecurity::ImplicitTls,
        "mail.example.com",
        465,
        Some("ana"),
    );
    check(
        "smtps://ana%40example.com@mail.example.com:2465",
        SmtpSecurity::ImplicitTls,
        "mail.example.com",
        2465,
        Some("ana@example.com"),
    );
    check(
        "smtp://ana@mail.example.com",
        SmtpSecurity::StartTls,
        "mail.example.com",
        587,
        Some("ana"),
    );
    check(
        "smtp://ana@mail.example.com:2587?tls=starttls",
        SmtpSecurity::StartTls,
        "mail.example.com",
        2587,
        Some("ana"),
    );
    check(
        "smtp://127.0.0.1:25?tls=none",
        SmtpSecurity::None,
        "127.0.0.1",
        25,
        None,
    );
    check(
        "smtp://relay@[::1]:2525?tls=none",
        SmtpSecurity::None,
        "::1",
        2525,
        Some("relay"),
    );
    check(
        "smtp://localhost:25?tls=none",
        SmtpSecurity::None,
        "localhost",
        25,
        None,
    );
}

#[test]
fn unusable_urls_say_what_to_write() {
    let error = |url: &str| SmtpUrl::parse(url).expect_err(url);
    assert_eq!(
        error("smtps://ana:hunter2@mail.example.com"),
        SmtpUrlError::PasswordInUrl
    );
    assert!(
        !error("smtps://ana:hunter2@mail.example.com")
            .to_string()
            .contains("hunter2")
    );
    assert!(matches!(
        error("imaps://ana@mail.example.com"),
        SmtpUrlError::Scheme { .. }
    ));
    assert!(matches!(
        error("mail.example.com:465"),
        SmtpUrlError::Scheme { .. } | SmtpUrlError::Malformed { .. }
    ));
    assert!(matches!(
        error("smtp://mail.example.com?tls=none"),
        SmtpUrlError::PlainToRemote { .. }
    ));
    assert!(matches!(
        error("smtps://mail.example.com?tls=starttls"),
        SmtpUrlError::Unexpected { .. }
    ));
    assert!(matches!(
        error("smtp://mail.example.com/inbox"),
        SmtpUrlError::Unexpected { .. }
    ));
    assert!(matches!(
        error("smtp://mail.example.com?debug=1"),
        SmtpUrlError::Unexpected { .. }
    ));
}
