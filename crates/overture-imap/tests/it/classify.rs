//! Classification of real-looking messages (fixtures under `tests/fixtures/`).

use jiff::Timestamp;
use overture_channel::{InboundEmail, InboundKind};
use overture_imap::{ClassifyError, classify};

pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}

fn classified(name: &str) -> InboundEmail {
    classify(&fixture(name), None).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

#[test]
fn postfix_dsn_for_an_unknown_user_is_a_hard_bounce() {
    let email = classified("dsn-postfix-hard-5.1.1.eml");
    assert_eq!(
        email.kind,
        InboundKind::Bounce {
            recipient: "bruno.keller@example.org".into(),
            hard: true,
            status: "5.1.1".into(),
        }
    );
    assert_eq!(email.refers_to, ["ov-01hx3k9q7r@mail.example.com"]);
    assert_eq!(email.from, "MAILER-DAEMON@mx.example.com");
    assert_eq!(email.subject, "Undelivered Mail Returned to Sender");
    assert_eq!(email.received_at, at("2026-12-01T08:14:03Z"));
}

#[test]
fn delayed_dsn_for_a_full_mailbox_is_a_soft_bounce() {
    let email = classified("dsn-postfix-delayed-4.2.2.eml");
    assert_eq!(
        email.kind,
        InboundKind::Bounce {
            recipient: "carla.m@example.net".into(),
            hard: false,
            status: "4.2.2".into(),
        }
    );
    // From the text/rfc822-headers part.
    assert_eq!(email.refers_to, ["ov-01hx5b2c8d@mail.example.com"]);
}

#[test]
fn plain_text_bounce_from_the_mailer_daemon_is_read_best_effort() {
    let email = classified("bounce-exim-plain.eml");
    assert_eq!(
        email.kind,
        InboundKind::Bounce {
            recipient: "hugo.lambert@example.org".into(),
            hard: true,
            status: "5.1.1".into(),
        }
    );
    assert_eq!(email.refers_to, ["ov-01hxh7j8k9@mail.example.com"]);
}

#[test]
fn outlook_automatic_reply_gives_its_return_date() {
    let email = classified("ooo-outlook-automatic-reply.eml");
    assert_eq!(
        email.kind,
        InboundKind::OutOfOffice {
            until: Some(at("2026-12-14T00:00:00Z"))
        }
    );
    assert_eq!(email.refers_to, ["ov-01hx7d4e0f@mail.example.com"]);
    assert_eq!(email.from, "daniel.okafor@example.org");
}

#[test]
fn gmail_vacation_responder_is_out_of_office_by_its_headers() {
    let email = classified("ooo-gmail-vacation.eml");
    // Back on 2026-12-21, at the start of the day in the writer's zone (+01:00).
    assert_eq!(
        email.kind,
        InboundKind::OutOfOffice {
            until: Some(at("2026-12-20T23:00:00Z"))
        }
    );
    assert_eq!(
        email.refers_to,
        [
            "ov-01hx9f6g2h@mail.example.com",
            "ov-01hx1a0b9c@mail.example.com"
        ]
    );
}

#[test]
fn german_abwesenheitsnotiz_is_out_of_office_by_its_subject() {
    let email = classified("ooo-abwesenheitsnotiz.eml");
    assert_eq!(
        email.kind,
        InboundKind::OutOfOffice {
            until: Some(at("2026-12-17T23:00:00Z"))
        }
    );
    assert_eq!(email.from, "juergen.weiss@example.org");
    assert_eq!(email.refers_to, ["ov-01hxb1c2d3@mail.example.com"]);
}

#[test]
fn a_reply_quoting_our_message_is_a_reply_even_with_unsubscribe_in_the_quote() {
    let email = classified("reply-quoting.eml");
    assert_eq!(email.kind, InboundKind::Reply);
    assert_eq!(
        email.refers_to,
        [
            "ov-01hxd3e4f5@mail.example.com",
            "ov-01hx3k9q7r@mail.example.com"
        ]
    );
    assert_eq!(email.subject, "Re: A question about your logistics team");
    assert_eq!(email.received_at, at("2026-12-06T18:03:44Z"));
}

#[test]
fn unsubscribe_on_the_first_line_is_an_unsubscribe_request() {
    let email = classified("unsubscribe-reply.eml");
    assert_eq!(email.kind, InboundKind::Unsubscribe);
    assert_eq!(email.refers_to, ["ov-01hxf5g6h7@mail.example.com"]);
}

#[test]
fn mailto_unsubscribe_keeps_its_token() {
    let email = classified("unsubscribe-mailto.eml");
    assert_eq!(email.kind, InboundKind::Unsubscribe);
    assert_eq!(email.refers_to, ["unsubscribe:Zp4kW9sQ"]);
}

#[test]
fn a_reply_without_in_reply_to_is_a_reply_with_nothing_to_refer_to() {
    let email = classified("reply-without-in-reply-to.eml");
    assert_eq!(email.kind, InboundKind::Reply);
    assert!(email.refers_to.is_empty());
    assert_eq!(email.from, "greta.nilsson@example.net");
}

#[test]
fn the_internal_date_wins_over_the_date_header() {
    let arrived = at("2026-12-09T10:00:00Z");
    let email = classify(&fixture("reply-without-in-reply-to.eml"), Some(arrived)).unwrap();
    assert_eq!(email.received_at, arrived);
}

/// One message built from headers and a body, for the short cases.
fn message(headers: &str, body: &str) -> Vec<u8> {
    format!(
        "Date: Thu, 10 Dec 2026 10:00:00 +0000\nFrom: Lena Park <lena.park@example.org>\n\
         To: ana.lindqvist@example.com\nMessage-ID: <x1@example.org>\n{headers}\n\n{body}\n"
    )
    .into_bytes()
}

fn kind(headers: &str, body: &str) -> InboundKind {
    classify(&message(headers, body), None).unwrap().kind
}

#[test]
fn short_cases() {
    let ooo = InboundKind::OutOfOffice { until: None };
    assert_eq!(
        kind("Subject: Re: hello\nAuto-Submitted: auto-replied", "Thanks"),
        ooo
    );
    assert_eq!(
        kind("Subject: Re: hello\nAuto-Submitted: no", "Thanks"),
        InboundKind::Reply
    );
    assert_eq!(kind("Subject: Re: hello\nX-Autorespond: yes", "Hi"), ooo);
    assert_eq!(
        kind("Subject: Re: hello\nPrecedence: auto_reply", "Hi"),
        ooo
    );
    assert_eq!(kind("Subject: Out of Office: hello", "Away."), ooo);
    assert_eq!(kind("Subject: Absence", "Away."), ooo);
    assert_eq!(
        kind(
            "Subject: Re: hello",
            "I am out of the office until 14 December 2026."
        ),
        InboundKind::OutOfOffice {
            until: Some(at("2026-12-14T00:00:00Z"))
        }
    );
    assert_eq!(kind("Subject: Re: hello", "STOP"), InboundKind::Unsubscribe);
    assert_eq!(kind("Subject: remove me", ""), InboundKind::Unsubscribe);
    assert_eq!(
        kind("Subject: AW: Unsubscribe", "Danke"),
        InboundKind::Unsubscribe
    );
    assert_eq!(
        kind("Subject: Re: hello", "Remove me please."),
        InboundKind::Unsubscribe
    );
    assert_eq!(
        kind("Subject: Re: hello", "Stop by on Friday?"),
        InboundKind::Reply
    );
    let long = "Stop\n\nActually, I wanted to say more about this. We are evaluating three \
                vendors this quarter and yours is one of them; could we meet on Tuesday to \
                go through the pilot in detail, with the team?";
    assert_eq!(kind("Subject: Re: hello", long), InboundKind::Reply);
    assert_eq!(
        kind("Subject: Re: hello", "Sounds good, call me."),
        InboundKind::Reply
    );
}

#[test]
fn not_a_message_and_a_successful_delivery_report_are_not_classified() {
    assert_eq!(classify(b"", None), Err(ClassifyError::NotAMessage));
    let delivered = "Date: Thu, 10 Dec 2026 10:00:00 +0000\n\
        From: MAILER-DAEMON@mx.example.com\nSubject: Successful Mail Delivery Report\n\
        MIME-Version: 1.0\n\
        Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n\
        --b\nContent-Type: text/plain\n\nDelivered.\n\n\
        --b\nContent-Type: message/delivery-status\n\n\
        Reporting-MTA: dns; mx.example.com\n\n\
        Final-Recipient: rfc822; lena.park@example.org\nAction: delivered\nStatus: 2.0.0\n\n\
        --b--\n";
    assert_eq!(
        classify(delivered.as_bytes(), None),
        Err(ClassifyError::DeliveryReport)
    );
    let undated = "From: lena.park@example.org\nSubject: hi\n\nhello\n";
    assert_eq!(
        classify(undated.as_bytes(), None),
        Err(ClassifyError::NoDate)
    );
}
