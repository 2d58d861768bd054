//! Mailbox URLs.

use overture_imap::{ImapUrl, ImapUrlError, Security};

fn check(url: &str, expected: Result<(&str, u16, &str, Security), ImapUrlError>) {
    let got = ImapUrl::parse(url).map(|u| {
        (
            u.host().to_owned(),
            u.port(),
            u.user().to_owned(),
            u.security(),
        )
    });
    let expected = expected.map(|(h, p, u, s)| (h.to_owned(), p, u.to_owned(), s));
    assert_eq!(got, expected, "for {url}");
}

#[test]
fn parse() {
    use Security::*;
    check(
        "imaps://ana@imap.example.com",
        Ok(("imap.example.com", 993, "ana", ImplicitTls)),
    );
    check(
        "imaps://ana%40example.com@imap.example.com:1993",
        Ok(("imap.example.com", 1993, "ana@example.com", ImplicitTls)),
    );
    check(
        "imap://ana@imap.example.com?tls=starttls",
        Ok(("imap.example.com", 143, "ana", StartTls)),
    );
    check(
        "imap://ana@imap.example.com:10143/",
        Ok(("imap.example.com", 10143, "ana", StartTls)),
    );
    check(
        "imaps://ana@[::1]:993",
        Ok(("::1", 993, "ana", ImplicitTls)),
    );
    check("imaps://ana@[::1]", Ok(("::1", 993, "ana", ImplicitTls)));
    check(
        "http://ana@example.com",
        Err(ImapUrlError::Scheme("http".into())),
    );
    check(
        "imap.example.com",
        Err(ImapUrlError::Scheme("imap.example.com".into())),
    );
    check("imaps://imap.example.com", Err(ImapUrlError::NoUser));
    check("imaps://ana@", Err(ImapUrlError::NoHost));
    check(
        "imaps://ana:secret@imap.example.com",
        Err(ImapUrlError::PasswordInUrl),
    );
    check(
        "imaps://ana@imap.example.com:0",
        Err(ImapUrlError::Port("0".into())),
    );
    check(
        "imaps://ana@imap.example.com:99999",
        Err(ImapUrlError::Port("99999".into())),
    );
    check(
        "imaps://ana@imap.example.com?tls=starttls",
        Err(ImapUrlError::Option("tls=starttls".into())),
    );
    check(
        "imap://ana@imap.example.com?tls=none",
        Err(ImapUrlError::Option("tls=none".into())),
    );
}

#[test]
fn written_back_without_a_password() {
    let url = ImapUrl::parse("imap://ana%40example.com@imap.example.com?tls=starttls").unwrap();
    assert_eq!(
        url.to_string(),
        "imap://ana%40example.com@imap.example.com:143?tls=starttls"
    );
    assert_eq!(
        format!("{url:?}"),
        "ImapUrl(imap://ana%40example.com@imap.example.com:143?tls=starttls)"
    );
}

#[test]
fn cursor_round_trip() {
    let cursor: overture_imap::Cursor = "1796565315:42".parse().unwrap();
    assert_eq!(cursor.uid_validity, 1796565315);
    assert_eq!(cursor.last_uid, 42);
    assert_eq!(cursor.to_string(), "1796565315:42");
    assert!("42".parse::<overture_imap::Cursor>().is_err());
    assert!("a:b".parse::<overture_imap::Cursor>().is_err());
}
