//! Every row of the reference's error table, with bodies shaped as LinkedIn sends them.

use jiff::SignedDuration;
use overture_channel::ChannelError;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::{DEFAULT_RATE_LIMIT, Target, TransportFailure, classify, classify_transport};

const API: &str = "https://www.linkedin.com/voyager/api/voyagerRelationshipsDashMemberRelationships?action=verifyQuotaAndCreateV2";
const PROFILE: &str = "https://www.linkedin.com/voyager/api/identity/dash/profiles?q=memberIdentity&memberIdentity=ada-fictional";

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("../../tests/fixtures/errors/", $name))
    };
}

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).expect("header name"),
            HeaderValue::from_str(value).expect("header value"),
        );
    }
    map
}

const JSON: &[(&str, &str)] = &[("content-type", "application/json")];

#[track_caller]
fn check(
    status: u16,
    pairs: &[(&str, &str)],
    body: &str,
    url: &str,
    expected: Option<ChannelError>,
) {
    assert_eq!(
        classify(status, &headers(pairs), body, url, Target::Other),
        expected
    );
}

#[track_caller]
fn check_profile(status: u16, body: &str, expected: Option<ChannelError>) {
    assert_eq!(
        classify(status, &headers(JSON), body, PROFILE, Target::Profile),
        expected
    );
}

fn challenge(detail: &str) -> Option<ChannelError> {
    Some(ChannelError::Challenge {
        detail: detail.to_owned(),
    })
}

#[test]
fn cant_resend_yet_is_a_cooldown_on_the_person() {
    check(
        400,
        JSON,
        fixture!("cant_resend_yet.json"),
        API,
        Some(ChannelError::CannotReinviteYet),
    );
}

#[test]
fn custom_invite_limit_is_the_note_quota() {
    let body = fixture!("custom_invite_limit_reached.json");
    check(429, JSON, body, API, Some(ChannelError::NoteQuotaExhausted));
    // Even with a Retry-After, the note quota is not a rate limit.
    check(
        429,
        &[("retry-after", "60")],
        body,
        API,
        Some(ChannelError::NoteQuotaExhausted),
    );
}

#[test]
fn weekly_limit_codes_stop_invitations_for_the_window() {
    let weekly = Some(ChannelError::WeeklyCapReached { retry_after: None });
    check(
        400,
        JSON,
        fixture!("cant_invite_connection_limit_reached.json"),
        API,
        weekly.clone(),
    );
    check(
        400,
        JSON,
        fixture!("weekly_connections_limit_reached.json"),
        API,
        weekly,
    );
}

#[test]
fn max_invitation_sent_backs_off_about_an_hour() {
    let hour = Some(ChannelError::RateLimited {
        retry_after: DEFAULT_RATE_LIMIT,
    });
    check(400, JSON, fixture!("max_invitation_sent.json"), API, hour);
}

#[test]
fn bare_429_takes_retry_after_in_seconds_or_as_a_date() {
    let after = |secs| {
        Some(ChannelError::RateLimited {
            retry_after: SignedDuration::from_secs(secs),
        })
    };
    check(429, &[("retry-after", "120")], "", API, after(120));
    check(
        429,
        &[
            ("retry-after", "Tue, 03 Feb 2026 10:30:00 GMT"),
            ("date", "Tue, 03 Feb 2026 10:00:00 GMT"),
        ],
        "",
        API,
        after(1800),
    );
    check(
        429,
        &[],
        "",
        API,
        Some(ChannelError::RateLimited {
            retry_after: DEFAULT_RATE_LIMIT,
        }),
    );
    check(
        429,
        &[("retry-after", "soon")],
        "{}",
        API,
        Some(ChannelError::RateLimited {
            retry_after: DEFAULT_RATE_LIMIT,
        }),
    );
}

#[test]
fn primary_handle_not_confirmed_pauses_the_account() {
    let got = classify(
        400,
        &headers(JSON),
        fixture!("primary_handle_not_confirmed.json"),
        API,
        Target::Other,
    );
    assert!(
        matches!(&got, Some(ChannelError::ActionRequired { detail }) if detail.contains("email")),
        "{got:?}"
    );
}

#[test]
fn a_401_is_a_dead_session() {
    check(
        401,
        JSON,
        "{\"status\":401}",
        API,
        Some(ChannelError::SessionExpired),
    );
}

#[test]
fn li_at_delete_is_a_dead_session_whatever_the_status() {
    let pairs = &[
        (
            "set-cookie",
            "lang=v=2&lang=en-us; Path=/; Domain=linkedin.com",
        ),
        (
            "set-cookie",
            "li_at=delete me; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; Domain=.www.linkedin.com",
        ),
    ];
    check(200, pairs, "{}", API, Some(ChannelError::SessionExpired));
    check(302, pairs, "", API, Some(ChannelError::SessionExpired));
}

#[test]
fn a_redirect_to_the_login_page_is_a_dead_session() {
    check(
        302,
        &[(
            "location",
            "https://www.linkedin.com/login?session_redirect=%2Ffeed",
        )],
        "",
        API,
        Some(ChannelError::SessionExpired),
    );
}

#[test]
fn a_redirect_loop_is_a_dead_session() {
    assert_eq!(
        classify_transport(&TransportFailure::RedirectLoop),
        ChannelError::SessionExpired
    );
}

#[test]
fn checkpoint_and_authwall_urls_are_challenges() {
    let checkpoint = "https://www.linkedin.com/checkpoint/challenge/AQFictional?ut=secret";
    check(
        200,
        &[("content-type", "text/html")],
        fixture!("checkpoint.html"),
        checkpoint,
        challenge("redirected to https://www.linkedin.com/checkpoint/challenge/AQFictional"),
    );
    check(
        302,
        &[("location", "https://www.linkedin.com/authwall?trk=x")],
        "",
        API,
        challenge("redirected to https://www.linkedin.com/authwall"),
    );
}

#[test]
fn html_where_json_was_expected_is_a_challenge() {
    let html = challenge("HTML where JSON was expected");
    check(
        200,
        &[("content-type", "text/html; charset=utf-8")],
        fixture!("checkpoint.html"),
        API,
        html.clone(),
    );
    // Without a content type, the body gives it away.
    check(200, &[], fixture!("checkpoint.html"), API, html);
}

#[test]
fn status_999_is_a_blocked_address() {
    check(
        999,
        &[],
        "",
        API,
        Some(ChannelError::Restricted { until: None }),
    );
}

#[test]
fn a_403_on_a_profile_skips_the_lead() {
    check_profile(
        403,
        fixture!("profile_forbidden.json"),
        Some(ChannelError::ProfileUnreachable),
    );
    check_profile(
        404,
        "{\"status\":404}",
        Some(ChannelError::ProfileUnreachable),
    );
}

#[test]
fn a_403_elsewhere_fails_the_action_only() {
    check(
        403,
        JSON,
        fixture!("profile_forbidden.json"),
        API,
        Some(ChannelError::Permanent {
            detail: "refused with 403 ACCESS_DENIED".to_owned(),
        }),
    );
}

#[test]
fn a_csrf_failure_is_a_dead_session() {
    check(
        403,
        &[("content-type", "text/plain")],
        fixture!("csrf_check_failed.txt"),
        API,
        Some(ChannelError::SessionExpired),
    );
}

#[test]
fn other_answers() {
    check(200, JSON, "{\"data\":{}}", API, None);
    check(201, JSON, "", API, None);
    check(204, &[], "", API, None);
    check(
        503,
        &[("content-type", "text/html")],
        "<html>busy</html>",
        API,
        Some(ChannelError::Transient {
            detail: "server error 503".to_owned(),
        }),
    );
    check(
        400,
        JSON,
        fixture!("unknown_400.json"),
        API,
        Some(ChannelError::Permanent {
            detail: "refused with 400 INVALID_INVITEE".to_owned(),
        }),
    );
    check(301, &[("location", "https://www.linkedin.com/voyager/api/growth/normInvitations/v2?x=1")], "", API,
        Some(ChannelError::Permanent { detail: "endpoint moved (301 to https://www.linkedin.com/voyager/api/growth/normInvitations/v2)".to_owned() }));
}

#[test]
fn codes_match_whole_tokens_only() {
    check(
        400,
        JSON,
        "{\"code\":\"CANT_RESEND_YET_SOMEDAY\"}",
        API,
        Some(ChannelError::Permanent {
            detail: "refused with 400 CANT_RESEND_YET_SOMEDAY".to_owned(),
        }),
    );
}

#[test]
fn transport_failures_pass() {
    assert_eq!(
        classify_transport(&TransportFailure::Timeout),
        ChannelError::Transient {
            detail: "timed out".to_owned()
        }
    );
    assert_eq!(
        classify_transport(&TransportFailure::Connect("refused".to_owned())).class(),
        overture_channel::ErrorClass::Retry
    );
}
