//! The account check against the fake LinkedIn, in both response shapes: a complete profile
//! reports nothing missing and the pending invitations, an incomplete one exactly what it
//! lacks, and a dead session or a checkpoint fails the check as it fails every other call.

use overture_channel::ChannelError;
use overture_fake_linkedin::{Fault, ResponseShape, SessionDeath};
use overture_linkedin::{Missing, ProfileCompleteness};

use crate::against_fake::{client_for, fake_in};

const SHAPES: [ResponseShape; 2] = [ResponseShape::Normalized, ResponseShape::Inline];

#[tokio::test]
async fn a_complete_profile_reports_nothing_missing_and_the_pending_invitations() {
    for shape in SHAPES {
        let fake = fake_in(shape).await;
        let client = client_for(&fake, "ada").await;
        for slug in ["grace-okonkwo-x1", "tomas-veller"] {
            let person = client.profile(slug).await.unwrap();
            client.invite(&person.profile_id, None).await.unwrap();
        }
        let before = fake.log().entries.len();

        let check = client.account_check().await.unwrap();

        assert_eq!(check.public_id, "ada-quillfeather", "{shape:?}");
        assert_eq!(
            (check.first_name.as_str(), check.last_name.as_str()),
            ("Ada", "Quillfeather")
        );
        assert_eq!(check.headline.as_deref(), Some("Founder at Larkspur Labs"));
        assert!(check.premium, "{shape:?}");
        assert_eq!(check.pending_invitations, 2, "{shape:?}");
        // 311 connections outside the demo world and Priya, already connected.
        assert_eq!(
            check.profile,
            ProfileCompleteness {
                photo: true,
                headline: true,
                about: true,
                experience: true,
                connections: 312,
            },
            "{shape:?}"
        );
        assert_eq!(check.missing(), [], "{shape:?}");
        // The check only reads.
        let methods: Vec<String> = fake.log().entries[before..]
            .iter()
            .map(|e| e.method.clone())
            .collect();
        assert!(methods.iter().all(|m| m == "GET"), "{shape:?}: {methods:?}");

        // An acceptance moves one invitation from pending to the connections.
        fake.accept("ada", "grace-okonkwo-x1").unwrap();
        let check = client.account_check().await.unwrap();
        assert_eq!(
            (check.pending_invitations, check.profile.connections),
            (1, 313),
            "{shape:?}"
        );
    }
}

#[tokio::test]
async fn an_incomplete_profile_reports_exactly_what_it_lacks() {
    for shape in SHAPES {
        let fake = fake_in(shape).await;
        let client = client_for(&fake, "ben").await;

        let check = client.account_check().await.unwrap();

        assert_eq!(check.public_id, "ben-marrowby", "{shape:?}");
        assert!(!check.premium, "{shape:?}");
        assert_eq!(check.pending_invitations, 0, "{shape:?}");
        // 37 connections outside the demo world and Priya.
        assert_eq!(
            check.missing(),
            [
                Missing::Photo,
                Missing::About,
                Missing::Connections { have: 38 }
            ],
            "{shape:?}"
        );
    }
}

#[tokio::test]
async fn a_dead_session_fails_the_check_as_expired() {
    for how in [
        SessionDeath::DeleteCookie,
        SessionDeath::Unauthorized,
        SessionDeath::RedirectLoop,
    ] {
        let fake = fake_in(ResponseShape::ByAcceptHeader).await;
        let client = client_for(&fake, "ada").await;
        fake.expire_session("ada", how).unwrap();

        let error = client.account_check().await.unwrap_err();

        assert_eq!(error, ChannelError::SessionExpired, "{how:?}");
        // It stops at the first answer: nothing else is asked of a dead session.
        let paths: Vec<String> = fake.log().entries.iter().map(|e| e.path.clone()).collect();
        assert!(
            paths.iter().all(|p| p.ends_with("/me")),
            "{how:?}: {paths:?}"
        );
    }
}

#[tokio::test]
async fn a_checkpoint_fails_the_check_as_a_challenge() {
    let fake = fake_in(ResponseShape::ByAcceptHeader).await;
    let client = client_for(&fake, "ada").await;
    fake.fail_matching("connectionsSummary", Fault::CheckpointHtml, None);

    let error = client.account_check().await.unwrap_err();

    assert!(matches!(error, ChannelError::Challenge { .. }), "{error:?}");
}
