use jiff::Timestamp;
use overture_channel::EmailRequest;

use super::{ComposeError, Sender, UnsubscribeConfig, compose, message_id, unsubscribe_headers};

fn sender() -> Sender {
    Sender {
        from: "Ana Lima <ana@example.com>"
            .parse()
            .expect("a valid mailbox"),
        reply_to: None,
        footer: Some("Example Ltd, 1 Sample Street, Springfield".into()),
        unsubscribe: UnsubscribeConfig {
            http_base: Some("https://out.example.com/".into()),
            mailto: Some("unsubscribe@example.com".into()),
        },
    }
}

fn request() -> EmailRequest {
    EmailRequest {
        to: "bo@example.org".into(),
        to_name: Some("Bo Reyes".into()),
        subject: "Quick question".into(),
        text: "Hi Bo,\nhow are things?\n".into(),
        html: None,
        idempotency_key: "effect-42".into(),
        unsubscribe_token: "tok_9Zq".into(),
        in_reply_to: None,
    }
}

fn formatted(sender: &Sender, request: &EmailRequest) -> String {
    let now: Timestamp = "2026-03-02T09:30:00Z".parse().expect("a valid instant");
    let message = compose(sender, request, now).expect("the message builds");
    String::from_utf8(message.formatted()).expect("the message is text")
}

#[test]
fn message_ids_are_deterministic_per_key_and_named_by_the_domain() {
    let id = message_id("effect-42", "Example.COM");
    assert_eq!(id, message_id("effect-42", "example.com"));
    assert_ne!(id, message_id("effect-43", "example.com"));
    let (left, right) = id.split_once('@').expect("an id has an @");
    assert_eq!(right, "example.com");
    assert_eq!(left.len(), 32);
    assert!(
        left.chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    );
    // The first 16 bytes of SHA-256("abc"), a published test vector.
    assert_eq!(
        message_id("abc", "example.com"),
        "ba7816bf8f01cfea414140de5dae2223@example.com"
    );
}

#[test]
fn one_click_needs_an_https_link() {
    let check =
        |http: Option<&str>, mailto: Option<&str>, expected: (Option<&str>, Option<&str>)| {
            let config = UnsubscribeConfig {
                http_base: http.map(Into::into),
                mailto: mailto.map(Into::into),
            };
            let (list, post) = unsubscribe_headers(&config, "t/1 x").expect("headers build");
            assert_eq!((list.as_deref(), post), expected, "{http:?} {mailto:?}");
        };
    check(None, None, (None, None));
    check(
        Some("https://out.example.com"),
        None,
        (
            Some("<https://out.example.com/u/t%2F1%20x>"),
            Some("List-Unsubscribe=One-Click"),
        ),
    );
    check(
        None,
        Some("stop@example.com"),
        (
            Some("<mailto:stop@example.com?subject=unsubscribe-t%2F1%20x>"),
            None,
        ),
    );
    check(
        Some("http://localhost:8080/"),
        Some("stop@example.com"),
        (
            Some(
                "<http://localhost:8080/u/t%2F1%20x>, <mailto:stop@example.com?subject=unsubscribe-t%2F1%20x>",
            ),
            None,
        ),
    );
}

#[test]
fn unusable_unsubscribe_settings_are_refused() {
    let config = |http: &str| UnsubscribeConfig {
        http_base: Some(http.into()),
        mailto: None,
    };
    for bad in [
        "ftp://example.com",
        "out.example.com",
        "https://example.com/?a=1",
    ] {
        assert!(
            matches!(
                unsubscribe_headers(&config(bad), "t"),
                Err(ComposeError::InvalidUnsubscribe { .. })
            ),
            "{bad}"
        );
    }
    assert_eq!(
        unsubscribe_headers(&config("https://out.example.com"), ""),
        Err(ComposeError::MissingUnsubscribeToken)
    );
    let mailto = UnsubscribeConfig {
        http_base: None,
        mailto: Some("not an address".into()),
    };
    assert!(unsubscribe_headers(&mailto, "t").is_err());
}

#[test]
fn the_message_carries_every_header() {
    let text = formatted(&sender(), &request());
    let id = message_id("effect-42", "example.com");
    for expected in [
        "From: \"Ana Lima\" <ana@example.com>\r\n",
        "To: \"Bo Reyes\" <bo@example.org>\r\n",
        "Subject: Quick question\r\n",
        "Date: Mon, 02 Mar 2026 09:30:00 +0000\r\n",
        &format!("Message-ID: <{id}>\r\n"),
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
        "Content-Type: text/plain; charset=utf-8\r\n",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from\n{text}");
    }
    let unfolded = text.replace("\r\n ", " ");
    assert!(
        unfolded.contains("List-Unsubscribe: <https://out.example.com/u/tok_9Zq>, <mailto:unsubscribe@example.com?subject=unsubscribe-tok_9Zq>\r\n"),
        "{text}"
    );
    assert!(text.contains("\r\n\r\nHi Bo,\r\nhow are things?\r\n\r\n-- \r\nExample Ltd, 1 Sample Street, Springfield\r\n"), "{text}");
    assert!(!text.contains("In-Reply-To"));
}

#[test]
fn a_follow_up_threads_under_the_first_message() {
    for parent in ["abc@example.com", "<abc@example.com>"] {
        let request = EmailRequest {
            in_reply_to: Some(parent.into()),
            ..request()
        };
        let text = formatted(&sender(), &request);
        assert!(
            text.contains("In-Reply-To: <abc@example.com>\r\n"),
            "{text}"
        );
        assert!(text.contains("References: <abc@example.com>\r\n"), "{text}");
    }
    let request = EmailRequest {
        in_reply_to: Some("no at sign".into()),
        ..request()
    };
    let now: Timestamp = "2026-03-02T09:30:00Z".parse().expect("a valid instant");
    assert!(matches!(
        compose(&sender(), &request, now),
        Err(ComposeError::InvalidInReplyTo { .. })
    ));
}

#[test]
fn the_html_alternative_gets_the_footer_escaped() {
    let mut sender = sender();
    sender.footer = Some("Example & Co\n<1 Sample Street>".into());
    let request = EmailRequest {
        html: Some("<html><body><p>Hi Bo</p></body></html>".into()),
        ..request()
    };
    let text = formatted(&sender, &request);
    assert!(
        text.contains("Content-Type: multipart/alternative;"),
        "{text}"
    );
    assert!(
        text.contains("Content-Type: text/html; charset=utf-8"),
        "{text}"
    );
    assert!(
        text.contains("<p>Hi Bo</p><p>-- <br>\r\nExample &amp; Co<br>\r\n&lt;1 Sample Street&gt;</p>\r\n</body></html>"),
        "{text}"
    );
}

#[test]
fn an_invalid_recipient_is_named() {
    let request = EmailRequest {
        to: "bo at example.org".into(),
        ..request()
    };
    let now: Timestamp = "2026-03-02T09:30:00Z".parse().expect("a valid instant");
    let error = compose(&sender(), &request, now).expect_err("the address is invalid");
    assert!(matches!(error, ComposeError::InvalidRecipient { .. }));
    assert!(error.to_string().contains("bo at example.org"), "{error}");
}
