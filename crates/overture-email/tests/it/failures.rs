//! What the server refuses comes back classified, and nothing is stored.

use std::time::Duration;

use overture_channel::ChannelError;
use overture_email::classify::RETRY_LATER;
use overture_email::{SmtpConfig, SmtpMailer, SmtpUrl};
use secrecy::SecretString;

use crate::server::{PASSWORD, SmtpServer, now, request, sender};

#[tokio::test]
async fn a_wrong_password_expires_the_session() {
    let server = SmtpServer::start();
    for url in [server.starttls_url(), server.implicit_url()] {
        let mailer = server.mailer(url, "wrong password", None);
        let error = mailer
            .send(&request("bo@example.org"), now())
            .await
            .expect_err("refused");
        assert_eq!(error, ChannelError::SessionExpired);
    }
    assert!(server.messages().is_empty());
}

#[tokio::test]
async fn try_later_replies_rate_limit_for_a_while() {
    let server = SmtpServer::start();
    let mailer = server.mailer(server.starttls_url(), PASSWORD, None);
    for to in [
        "fail421@example.com",
        "fail450@example.com",
        "fail451@example.com",
        "fail452@example.com",
    ] {
        let error = mailer.send(&request(to), now()).await.expect_err(to);
        assert_eq!(
            error,
            ChannelError::RateLimited {
                retry_after: RETRY_LATER
            },
            "{to}"
        );
    }
    assert!(server.messages().is_empty());
}

#[tokio::test]
async fn an_unknown_recipient_is_an_invalid_address() {
    let server = SmtpServer::start();
    let mailer = server.mailer(server.starttls_url(), PASSWORD, None);
    let error = mailer
        .send(&request("nouser@example.com"), now())
        .await
        .expect_err("refused");
    let ChannelError::AddressInvalid { detail } = &error else {
        panic!("expected AddressInvalid, got {error:?}")
    };
    assert!(detail.starts_with("550 5.1.1"), "{detail}");
    let error = mailer
        .send(&request("not an address"), now())
        .await
        .expect_err("invalid");
    assert!(
        matches!(error, ChannelError::AddressInvalid { .. }),
        "{error:?}"
    );
    assert!(server.messages().is_empty());
}

#[tokio::test]
async fn policy_refusals_are_permanent_and_not_the_address() {
    let server = SmtpServer::start();
    let mailer = server.mailer(server.starttls_url(), PASSWORD, None);
    for to in ["relaydenied@example.com", "spam@example.com"] {
        let error = mailer.send(&request(to), now()).await.expect_err(to);
        assert!(
            matches!(error, ChannelError::Permanent { .. }),
            "{to}: {error:?}"
        );
    }
    assert!(server.messages().is_empty());
}

#[tokio::test]
async fn silence_after_the_content_is_transient_and_may_have_delivered() {
    let server = SmtpServer::start();
    let mut config = SmtpConfig::new(server.starttls_url(), Some(SecretString::from(PASSWORD)));
    config.extra_root_certificate = Some(server.ca_pem.clone());
    config.command_timeout = Duration::from_secs(2);
    let mailer = SmtpMailer::new(config, sender(), None).expect("a mailer");

    let error = mailer
        .send(&request("hang@example.com"), now())
        .await
        .expect_err("no answer");

    let ChannelError::Transient { detail } = &error else {
        panic!("expected Transient, got {error:?}")
    };
    assert!(detail.contains("may have been delivered"), "{detail}");
    // The server did store it: exactly why the engine must look before sending again.
    assert_eq!(server.messages().len(), 1);
}

#[tokio::test]
async fn an_untrusted_certificate_needs_the_owner_and_sends_nothing() {
    let server = SmtpServer::start();
    let config = SmtpConfig::new(server.starttls_url(), Some(SecretString::from(PASSWORD)));
    let mailer = SmtpMailer::new(config, sender(), None).expect("a mailer");
    let error = mailer
        .send(&request("bo@example.org"), now())
        .await
        .expect_err("untrusted");
    assert!(
        matches!(error, ChannelError::ActionRequired { .. }),
        "{error:?}"
    );
    assert!(!error.to_string().contains(PASSWORD));
    assert!(server.messages().is_empty());
}

#[tokio::test]
async fn a_closed_port_is_transient_and_nothing_was_delivered() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener.local_addr().expect("its address").port()
    };
    let url = SmtpUrl::parse(&format!("smtps://ana@127.0.0.1:{port}")).expect("a URL");
    let mailer = SmtpMailer::new(
        SmtpConfig::new(url, Some(SecretString::from(PASSWORD))),
        sender(),
        None,
    )
    .expect("a mailer");
    let error = mailer
        .send(&request("bo@example.org"), now())
        .await
        .expect_err("closed");
    let ChannelError::Transient { detail } = &error else {
        panic!("expected Transient, got {error:?}")
    };
    assert!(detail.contains("nothing was delivered"), "{detail}");
    assert!(!format!("{mailer:?}").contains(PASSWORD));
}
