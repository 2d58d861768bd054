//! Messages arrive as composed, over STARTTLS and over implicit TLS.

use overture_email::message_id;

use crate::server::{PASSWORD, SmtpServer, header, now, request};

#[tokio::test]
async fn a_message_arrives_with_its_headers_body_footer_and_one_click_unsubscribe() {
    let server = SmtpServer::start();
    let mailer = server.mailer(server.starttls_url(), PASSWORD, None);
    let request = request("bo@example.org");

    let sent = mailer
        .send(&request, now())
        .await
        .expect("the server accepts the email");

    let id = message_id(&request.idempotency_key, "example.com");
    assert_eq!(sent.message_id, id);
    assert_eq!(sent.sent_at, now());
    let message = server.only_message();
    let check = |name: &str, expected: &str| {
        assert_eq!(
            header(&message, name).as_deref(),
            Some(expected),
            "{name} in\n{message}"
        );
    };
    check("From", "\"Ana Lima\" <ana@example.com>");
    check("To", "\"Bo Reyes\" <bo@example.org>");
    check("Reply-To", "\"Ana Lima\" <replies@example.com>");
    check("Subject", "A question about your roadmap");
    check("Date", "Mon, 02 Mar 2026 09:30:00 +0000");
    check("Message-ID", &format!("<{id}>"));
    check(
        "List-Unsubscribe",
        "<https://out.example.com/u/u7Kq2v9XbT>, <mailto:unsubscribe@example.com?subject=unsubscribe-u7Kq2v9XbT>",
    );
    check("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
    assert_eq!(
        header(&message, "DKIM-Signature"),
        None,
        "no key, no signature"
    );
    let body = message
        .split_once("\r\n\r\n")
        .map(|(_, body)| body)
        .unwrap_or_default();
    assert!(
        body.starts_with(
            "Hi Bo,\r\n\r\nwould a short call next week suit you?\r\n\r\nAna\r\n\r\n-- \r\n\
             Example Ltd, 1 Sample Street, Springfield\r\n"
        ),
        "{body:?}"
    );
    let envelope = server.first_envelope();
    assert!(
        envelope.contains("\"mail_from\": \"ana@example.com\""),
        "{envelope}"
    );
    assert!(
        envelope.contains("\"rcpt_tos\": [\"bo@example.org\"]"),
        "{envelope}"
    );
    assert!(
        envelope.contains("\"login\": \"ana@example.com\""),
        "{envelope}"
    );
}

#[tokio::test]
async fn implicit_tls_delivers_the_same_message_and_the_same_id_twice() {
    let server = SmtpServer::start();
    let mailer = server.mailer(server.implicit_url(), PASSWORD, None);
    let request = request("cy@example.org");

    let first = mailer
        .send(&request, now())
        .await
        .expect("accepted over implicit TLS");
    let again = mailer.send(&request, now()).await.expect("accepted again");

    assert_eq!(
        first.message_id, again.message_id,
        "the same effect keeps its Message-ID"
    );
    let messages = server.messages();
    assert_eq!(messages.len(), 2);
    for message in messages {
        let message = String::from_utf8(message).expect("text");
        assert_eq!(
            header(&message, "Message-ID"),
            Some(format!("<{}>", first.message_id))
        );
    }
}

#[tokio::test]
async fn a_follow_up_is_threaded_and_carries_the_html_alternative() {
    let server = SmtpServer::start();
    let mailer = server.mailer(server.starttls_url(), PASSWORD, None);
    let mut request = request("bo@example.org");
    request.idempotency_key = "campaign-7/lead-3/step-2".into();
    request.in_reply_to = Some(message_id("campaign-7/lead-3/step-1", "example.com"));
    request.html = Some("<html><body><p>Hi Bo, a quick follow-up.</p></body></html>".into());

    mailer.send(&request, now()).await.expect("accepted");

    let message = server.only_message();
    let parent = format!(
        "<{}>",
        message_id("campaign-7/lead-3/step-1", "example.com")
    );
    assert_eq!(header(&message, "In-Reply-To"), Some(parent.clone()));
    assert_eq!(header(&message, "References"), Some(parent));
    assert!(
        message.contains("Content-Type: multipart/alternative;"),
        "{message}"
    );
    assert!(
        message.contains("Content-Type: text/html; charset=utf-8"),
        "{message}"
    );
    assert!(
        message.contains("Example Ltd, 1 Sample Street, Springfield</p>"),
        "{message}"
    );
}
