//! `ImapMailbox` against a real Dovecot on loopback.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use overture_channel::{ChannelError, InboundKind};
use overture_clock::ManualClock;
use overture_imap::{ImapMailbox, ImapUrl};
use secrecy::SecretString;

use crate::classify::fixture;
use crate::dovecot::{Dovecot, PASSWORD};

/// "Now" for the mailbox: the fixtures arrived in the days before. All dates are in the past of
/// any machine that runs the tests: Dovecot stores a future internal date as the current time.
const NOW: &str = "2026-11-25T12:00:00Z";

fn mailbox(server: &Dovecot, url: ImapUrl, password: &str) -> ImapMailbox {
    let clock = Arc::new(ManualClock::new(NOW.parse::<Timestamp>().unwrap()));
    ImapMailbox::new(url, SecretString::from(password), clock)
        .with_root_certificates(&server.cert_pem)
        .unwrap()
        .with_timeout(Duration::from_secs(10))
}

/// The INBOX fixtures in the order they arrive, with their internal dates.
const ARRIVALS: &[(&str, &str)] = &[
    ("reply-old.eml", "01-Sep-2026 10:00:00 +0200"),
    ("dsn-postfix-hard-5.1.1.eml", "16-Nov-2026 09:14:03 +0100"),
    (
        "dsn-postfix-delayed-4.2.2.eml",
        "17-Nov-2026 13:40:17 +0100",
    ),
    (
        "ooo-outlook-automatic-reply.eml",
        "18-Nov-2026 10:02:41 +0100",
    ),
    ("ooo-gmail-vacation.eml", "19-Nov-2026 16:45:12 +0100"),
    ("ooo-abwesenheitsnotiz.eml", "20-Nov-2026 11:20:03 +0100"),
    ("reply-quoting.eml", "21-Nov-2026 18:03:44 +0000"),
    ("unsubscribe-reply.eml", "22-Nov-2026 08:15:09 +0100"),
    ("unsubscribe-mailto.eml", "23-Nov-2026 14:30:00 +0100"),
    (
        "reply-without-in-reply-to.eml",
        "24-Nov-2026 09:47:21 +0100",
    ),
];

/// A short name per kind, to compare whole sequences at once.
fn kind_name(kind: &InboundKind) -> &'static str {
    match kind {
        InboundKind::Reply => "reply",
        InboundKind::OutOfOffice { .. } => "ooo",
        InboundKind::Bounce { hard: true, .. } => "hard",
        InboundKind::Bounce { hard: false, .. } => "soft",
        InboundKind::Unsubscribe => "unsubscribe",
    }
}

#[tokio::test]
async fn inbound_since_reads_the_recent_mail_classified_then_only_what_is_new() {
    let server = Dovecot::start();
    let mut admin = server.admin().await;
    for (name, date) in ARRIVALS {
        admin.append("INBOX", &fixture(name), date).await;
    }
    let inbox = mailbox(&server, server.url(), PASSWORD);

    let first = inbox.inbound_since(None).await.unwrap();
    let kinds: Vec<&str> = first.messages.iter().map(|m| kind_name(&m.kind)).collect();
    // The October reply is older than the 14 days a first read looks back.
    assert_eq!(
        kinds,
        [
            "hard",
            "soft",
            "ooo",
            "ooo",
            "ooo",
            "reply",
            "unsubscribe",
            "unsubscribe",
            "reply"
        ],
        "{}",
        server.log()
    );
    let arrived: Vec<Timestamp> = first.messages.iter().map(|m| m.received_at).collect();
    assert!(arrived.is_sorted(), "oldest first: {arrived:?}");
    assert_eq!(
        arrived[0],
        "2026-11-16T08:14:03Z".parse::<Timestamp>().unwrap()
    );
    assert_eq!(first.messages[5].from, "bruno.keller@example.org");
    let cursor = first.cursor.clone().expect("a cursor");
    assert!(cursor.ends_with(":10"), "cursor {cursor}");

    let again = inbox.inbound_since(Some(&cursor)).await.unwrap();
    assert!(again.messages.is_empty(), "{:?}", again.messages);
    assert_eq!(again.cursor.as_deref(), Some(cursor.as_str()));

    admin
        .append(
            "INBOX",
            &fixture("reply-quoting.eml"),
            "25-Nov-2026 11:00:00 +0000",
        )
        .await;
    let next = inbox.inbound_since(Some(&cursor)).await.unwrap();
    assert_eq!(next.messages.len(), 1);
    assert_eq!(next.messages[0].kind, InboundKind::Reply);
    assert_eq!(
        next.messages[0].received_at,
        "2026-11-25T11:00:00Z".parse::<Timestamp>().unwrap()
    );
    let next_cursor = next.cursor.unwrap();
    assert!(next_cursor.ends_with(":11"), "cursor {next_cursor}");

    // Small pages read the same messages, in the same order.
    let paged = mailbox(&server, server.url(), PASSWORD).with_page_size(4);
    let mut cursor = None;
    let mut all = Vec::new();
    for _ in 0..10 {
        let page = paged.inbound_since(cursor.as_deref()).await.unwrap();
        assert!(page.messages.len() <= 4);
        if page.messages.is_empty() {
            break;
        }
        all.extend(page.messages);
        cursor = page.cursor;
    }
    assert_eq!(all.len(), 10);
    assert_eq!(all[..9], first.messages[..]);

    // A cursor from another UIDVALIDITY starts over with the recent mail.
    let stale = inbox.inbound_since(Some("1:99")).await.unwrap();
    assert_eq!(stale.messages.len(), 10);
    assert_eq!(stale.cursor.as_deref(), Some(next_cursor.as_str()));
}

#[tokio::test]
async fn find_sent_searches_the_sent_folder_by_message_id() {
    let server = Dovecot::start();
    let mailbox = mailbox(&server, server.url(), PASSWORD);
    assert_eq!(
        mailbox.find_sent("ov-01hx3k9q7r@mail.example.com").await,
        Ok(None),
        "no Sent folder yet: cannot tell"
    );

    let mut admin = server.admin().await;
    admin.create("Sent").await;
    let sent = "Date: Tue, 01 Dec 2026 08:14:01 +0000\n\
        From: Ana Lindqvist <ana.lindqvist@example.com>\n\
        To: Bruno Keller <bruno.keller@example.org>\n\
        Subject: A question about your logistics team\n\
        Message-ID: <ov-01hx3k9q7r@mail.example.com>\n\n\
        Hi Bruno,\n";
    admin
        .append("Sent", sent.as_bytes(), "16-Nov-2026 09:14:01 +0100")
        .await;

    assert_eq!(
        mailbox.find_sent("ov-01hx3k9q7r@mail.example.com").await,
        Ok(Some(true))
    );
    assert_eq!(
        mailbox.find_sent("<ov-01hx3k9q7r@mail.example.com>").await,
        Ok(Some(true))
    );
    assert_eq!(
        mailbox.find_sent("ov-01hz0000aa@mail.example.com").await,
        Ok(Some(false))
    );

    // The same over STARTTLS.
    let starttls = self::mailbox(&server, server.starttls_url(), PASSWORD);
    assert_eq!(
        starttls.find_sent("ov-01hx3k9q7r@mail.example.com").await,
        Ok(Some(true))
    );

    assert!(matches!(
        mailbox.find_sent("bad\"id").await,
        Err(ChannelError::Permanent { .. })
    ));
}

#[tokio::test]
async fn a_wrong_password_means_new_credentials_are_needed() {
    let server = Dovecot::start();
    let mailbox = mailbox(&server, server.url(), "not-the-password");
    let error = mailbox.inbound_since(None).await.unwrap_err();
    assert_eq!(error, ChannelError::SessionExpired);
    assert!(!error.to_string().contains("not-the-password"));
    let starttls = self::mailbox(&server, server.starttls_url(), "not-the-password");
    assert_eq!(
        starttls.find_sent("x@example.com").await,
        Err(ChannelError::SessionExpired)
    );
}

#[tokio::test]
async fn an_untrusted_certificate_is_refused_for_good() {
    let server = Dovecot::start();
    let clock = Arc::new(ManualClock::new(NOW.parse::<Timestamp>().unwrap()));
    let mailbox = ImapMailbox::new(server.url(), SecretString::from(PASSWORD), clock)
        .with_timeout(Duration::from_secs(10));
    let error = mailbox.inbound_since(None).await.unwrap_err();
    let ChannelError::Permanent { detail } = &error else {
        panic!("expected a permanent error, got {error:?}");
    };
    assert!(detail.contains("certificate"), "{detail}");
}

#[tokio::test]
async fn nobody_listening_is_a_transient_failure() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = ImapUrl::parse(&format!("imaps://ana@127.0.0.1:{port}")).unwrap();
    let clock = Arc::new(ManualClock::new(NOW.parse::<Timestamp>().unwrap()));
    let mailbox = ImapMailbox::new(url, SecretString::from(PASSWORD), clock)
        .with_timeout(Duration::from_secs(5));
    let error = mailbox.inbound_since(None).await.unwrap_err();
    assert!(matches!(error, ChannelError::Transient { .. }), "{error:?}");
}

#[tokio::test]
async fn find_sent_prefers_the_folder_marked_sent() {
    let server = Dovecot::start();
    let mut admin = server.admin().await;
    // "Gesendet" carries the \Sent special use (see the server's configuration); "Sent" is a
    // plain folder that must not be searched then.
    admin.create("Sent").await;
    admin.create("Gesendet").await;
    let sent = "Date: Tue, 01 Dec 2026 08:14:01 +0000\n\
        From: Ana Lindqvist <ana.lindqvist@example.com>\n\
        To: Jonas Berg <jonas.berg@example.org>\n\
        Subject: Kurze Frage\n\
        Message-ID: <ov-01hxk1m2n3@mail.example.com>\n\n\
        Hallo Jonas,\n";
    admin
        .append("Gesendet", sent.as_bytes(), "16-Nov-2026 09:14:01 +0100")
        .await;
    let mailbox = mailbox(&server, server.url(), PASSWORD);
    assert_eq!(
        mailbox.find_sent("ov-01hxk1m2n3@mail.example.com").await,
        Ok(Some(true))
    );
}
