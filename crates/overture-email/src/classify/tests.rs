use jiff::SignedDuration;
use overture_channel::ChannelError;

use super::{EnhancedStatus, Phase, RETRY_LATER, classify};

/// Classifies a reply given as `"550 5.1.1 No such user"` (or `""` for no reply) and returns
/// the error's stable code.
fn check(phase: Phase, reply: &str, expected: &str) {
    let (code, text) = match reply.split_once(' ') {
        Some((code, text)) => (code.parse::<u16>().ok(), text),
        None => (reply.parse::<u16>().ok(), ""),
    };
    let error = classify(phase, code, EnhancedStatus::parse(text), text);
    assert_eq!(error.code(), expected, "{phase} {reply:?} gave {error:?}");
}

#[test]
fn later_replies_back_off_for_a_while() {
    for reply in [
        "421 4.7.0 Try again later",
        "450 4.2.1 Mailbox busy",
        "451 4.3.0 Local error",
        "452 4.5.3 Too many recipients",
        "454 4.7.0 Temporary authentication failure",
    ] {
        for phase in [Phase::Connect, Phase::Auth, Phase::RcptTo, Phase::Content] {
            check(phase, reply, "rate_limited");
        }
    }
    let error = classify(Phase::RcptTo, Some(451), None, "later");
    assert_eq!(
        error,
        ChannelError::RateLimited {
            retry_after: RETRY_LATER
        }
    );
    assert_eq!(RETRY_LATER, SignedDuration::from_mins(15));
}

#[test]
fn refused_credentials_expire_the_session() {
    check(
        Phase::Auth,
        "535 5.7.8 Authentication credentials invalid",
        "session_expired",
    );
    check(Phase::Auth, "535 Bad credentials", "session_expired");
    check(Phase::MailFrom, "530 5.7.8 Log in first", "session_expired");
    check(
        Phase::Auth,
        "538 5.7.11 Encryption required",
        "action_required",
    );
    check(
        Phase::Auth,
        "504 5.5.4 Unrecognized authentication type",
        "action_required",
    );
}

#[test]
fn a_refused_recipient_is_an_invalid_address() {
    check(Phase::RcptTo, "550 5.1.1 No such user", "address_invalid");
    check(Phase::RcptTo, "550 No such user here", "address_invalid");
    check(Phase::RcptTo, "551 User not local", "address_invalid");
    check(
        Phase::RcptTo,
        "553 5.1.3 Bad recipient address syntax",
        "address_invalid",
    );
    check(
        Phase::RcptTo,
        "550 5.2.1 Mailbox disabled",
        "address_invalid",
    );
    check(Phase::RcptTo, "554 5.1.10 Null MX", "address_invalid");
    check(
        Phase::Content,
        "550 5.1.1 Recipient rejected after data",
        "address_invalid",
    );
}

#[test]
fn policy_and_sender_refusals_are_permanent_not_the_address() {
    check(Phase::RcptTo, "550 5.7.1 Relaying denied", "permanent");
    check(Phase::RcptTo, "554 Transaction failed", "permanent");
    check(
        Phase::Content,
        "554 5.7.1 Message refused as spam",
        "permanent",
    );
    check(Phase::Content, "550 Content rejected", "permanent");
    check(Phase::MailFrom, "550 5.1.8 Bad sender domain", "permanent");
    check(Phase::MailFrom, "553 Sender not allowed", "permanent");
    check(
        Phase::RcptTo,
        "550 5.1.7 Bad sender mailbox syntax",
        "permanent",
    );
    check(Phase::Connect, "554 No SMTP service here", "permanent");
    check(Phase::Data, "503 5.5.1 Bad sequence", "permanent");
}

#[test]
fn a_lost_connection_is_transient_and_says_whether_the_message_may_have_gone() {
    for phase in [
        Phase::Connect,
        Phase::Auth,
        Phase::MailFrom,
        Phase::RcptTo,
        Phase::Data,
    ] {
        check(phase, "", "transient");
        let ChannelError::Transient { detail } = classify(phase, None, None, "timed out") else {
            unreachable!("checked above")
        };
        assert!(detail.contains("nothing was delivered"), "{detail}");
    }
    let ChannelError::Transient { detail } = classify(Phase::Content, None, None, "timed out")
    else {
        panic!("a lost connection after the content is transient")
    };
    assert!(detail.contains("may have been delivered"), "{detail}");
    assert!(detail.contains("Sent folder"), "{detail}");
}

#[test]
fn the_reply_is_kept_for_people() {
    let error = classify(
        Phase::RcptTo,
        Some(550),
        EnhancedStatus::parse("5.1.1 No such user"),
        "5.1.1 No such user",
    );
    assert_eq!(
        error,
        ChannelError::AddressInvalid {
            detail: "550 5.1.1 No such user".into()
        }
    );
}

#[test]
fn enhanced_status_codes_parse_only_when_well_formed() {
    let parse = |text: &str| EnhancedStatus::parse(text).map(|s| s.to_string());
    assert_eq!(parse("5.1.1 No such user").as_deref(), Some("5.1.1"));
    assert_eq!(parse("4.7.0").as_deref(), Some("4.7.0"));
    assert_eq!(parse("5.1.10 Null MX").as_deref(), Some("5.1.10"));
    assert_eq!(parse("No such user"), None);
    assert_eq!(parse("3.1.1 no"), None);
    assert_eq!(parse("5.1 no"), None);
    assert_eq!(parse("5.1.1.1 no"), None);
    assert_eq!(parse(""), None);
}
