//! Signatures verified by dkimpy against the record a user publishes.

use overture_email::{DkimAlgorithm, DkimKey, SIGNED_HEADERS};

use crate::server::{PASSWORD, SmtpServer, dkimpy_verifies, header, now, request};

/// Sends one signed email and returns it as received.
async fn send_signed(key: DkimKey, subject: &str) -> (String, DkimKey) {
    let server = SmtpServer::start();
    let stored = DkimKey::from_stored(
        key.domain(),
        key.selector(),
        key.algorithm(),
        secrecy::ExposeSecret::expose_secret(key.private_key()),
    )
    .expect("the stored key reads back");
    let mailer = server.mailer(server.starttls_url(), PASSWORD, Some(stored));
    let mut request = request("bo@example.org");
    request.subject = subject.into();
    mailer.send(&request, now()).await.expect("accepted");
    (server.only_message(), key)
}

/// The `h=` tag of the message's signature, lower case.
fn signed_headers(message: &str) -> Vec<String> {
    let signature = header(message, "DKIM-Signature").expect("the message is signed");
    let tags = signature.replace([' ', '\t'], "");
    let h = tags
        .split(';')
        .find_map(|tag| tag.strip_prefix("h="))
        .expect("the signature has h=");
    h.split(':').map(str::to_ascii_lowercase).collect()
}

fn assert_covers_the_required_headers(message: &str) {
    let signed = signed_headers(message);
    for name in [
        "from",
        "to",
        "subject",
        "date",
        "message-id",
        "list-unsubscribe",
        "list-unsubscribe-post",
    ] {
        assert!(
            signed.iter().any(|h| h == name),
            "{name} not in h={signed:?}"
        );
    }
    assert_eq!(signed.len(), SIGNED_HEADERS.len());
}

#[tokio::test]
async fn rsa_2048_signatures_verify_with_dkimpy() {
    let key = DkimKey::generate("example.com", "s2026", DkimAlgorithm::Rsa).expect("a key");
    let (message, key) = send_signed(key, "A question about your roadmap").await;

    let signature = header(&message, "DKIM-Signature").expect("signed");
    assert!(signature.contains("a=rsa-sha256"), "{signature}");
    assert!(signature.contains("d=example.com"), "{signature}");
    assert!(signature.contains("s=s2026"), "{signature}");
    assert_covers_the_required_headers(&message);
    assert!(
        dkimpy_verifies(message.as_bytes(), &key),
        "dkimpy refused\n{message}"
    );
}

#[tokio::test]
async fn ed25519_signatures_verify_with_dkimpy_even_with_an_encoded_subject() {
    let key = DkimKey::generate("example.com", "ed2026", DkimAlgorithm::Ed25519).expect("a key");
    let (message, key) = send_signed(key, "Café next week? A question for Zoë").await;

    let signature = header(&message, "DKIM-Signature").expect("signed");
    assert!(signature.contains("a=ed25519-sha256"), "{signature}");
    assert!(
        header(&message, "Subject").is_some_and(|s| s.starts_with("=?utf-8?")),
        "{message}"
    );
    assert_covers_the_required_headers(&message);
    assert!(
        dkimpy_verifies(message.as_bytes(), &key),
        "dkimpy refused\n{message}"
    );
}

#[tokio::test]
async fn a_tampered_body_or_unsubscribe_header_fails_verification() {
    let key = DkimKey::generate("example.com", "s2026", DkimAlgorithm::Ed25519).expect("a key");
    let (message, key) = send_signed(key, "A question about your roadmap").await;
    assert!(
        dkimpy_verifies(message.as_bytes(), &key),
        "the original verifies"
    );

    let body = message.replace("a short call", "a long call");
    assert_ne!(body, message);
    assert!(
        !dkimpy_verifies(body.as_bytes(), &key),
        "a changed body must fail"
    );

    let header = message.replace("/u/u7Kq2v9XbT", "/u/someone-else");
    assert_ne!(header, message);
    assert!(
        !dkimpy_verifies(header.as_bytes(), &key),
        "a changed List-Unsubscribe must fail"
    );

    let other = DkimKey::generate("example.com", "s2026", DkimAlgorithm::Ed25519).expect("a key");
    assert!(
        !dkimpy_verifies(message.as_bytes(), &other),
        "another key's record must fail"
    );
}
