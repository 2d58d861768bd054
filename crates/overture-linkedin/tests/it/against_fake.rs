//! The client against the stateful fake LinkedIn, in both of Voyager's response shapes:
//! profile lookup, an invitation with its note, the sent list, acceptance seen as a new
//! connection, a withdrawal and the cooldown after it, and the fake's log counting each
//! invitation once.

use overture_channel::ChannelError;
use overture_fake_linkedin::{FakeLinkedIn, Options, ResponseShape, World};
use overture_linkedin::{ClientConfig, LinkedInSession as Session, VoyagerClient};

/// The demo world, answering in `shape`.
pub(crate) async fn fake_in(shape: ResponseShape) -> FakeLinkedIn {
    let options = Options {
        shape,
        ..Options::default()
    };
    FakeLinkedIn::start_with(World::demo(), options)
        .await
        .unwrap()
}

pub(crate) async fn client_for(fake: &FakeLinkedIn, account: &str) -> VoyagerClient {
    let cookies = fake.cookies(account).unwrap();
    let session = Session::new(cookies.li_at.clone(), cookies.jsessionid.clone());
    let config = ClientConfig {
        api_base: fake.base_url(),
        ..ClientConfig::default()
    };
    VoyagerClient::new(&session, &config).unwrap()
}

#[tokio::test]
async fn invite_list_accept_and_withdraw_in_both_shapes() {
    for shape in [ResponseShape::Normalized, ResponseShape::Inline] {
        let fake = fake_in(shape).await;
        let client = client_for(&fake, "ada").await;

        let grace = client.profile("grace-okonkwo-x1").await.unwrap();
        assert_eq!(
            (grace.first_name.as_str(), grace.last_name.as_str()),
            ("Grace", "Okonkwo"),
            "{shape:?}"
        );
        assert!(!grace.invitation_pending);
        let (id, _) = client
            .invite(
                &grace.profile_id,
                Some("Hi Grace, we were both at the Leeds meetup."),
            )
            .await
            .unwrap();

        let tomas = client.profile("tomas-veller").await.unwrap();
        let (tomas_id, _) = client.invite(&tomas.profile_id, None).await.unwrap();

        let sent = client.all_sent_invitations().await.unwrap();
        let mut slugs: Vec<(&str, bool)> = sent
            .iter()
            .map(|s| (s.public_id.as_str(), s.with_note))
            .collect();
        slugs.sort();
        assert_eq!(
            slugs,
            [("grace-okonkwo-x1", true), ("tomas-veller", false)],
            "{shape:?}"
        );
        assert!(sent.iter().any(|s| s.invitation_id == id));
        assert_eq!(
            client.sent_invitation_count().await.unwrap(),
            2,
            "{shape:?}"
        );

        // Grace accepts: she is a new connection; Tomas's invitation is withdrawn.
        let before = fake.now();
        fake.accept("ada", "grace-okonkwo-x1").unwrap();
        let connections = client.connections_since(before).await.unwrap();
        let connected: Vec<&str> = connections.iter().map(|c| c.public_id.as_str()).collect();
        assert!(
            connected.contains(&"grace-okonkwo-x1"),
            "{shape:?}: {connected:?}"
        );
        client.withdraw(&tomas_id).await.unwrap();
        assert_eq!(
            client.sent_invitation_count().await.unwrap(),
            0,
            "{shape:?}"
        );

        // Inviting Tomas again within the cooldown is refused as LinkedIn refuses it.
        let again = client.invite(&tomas.profile_id, None).await.unwrap_err();
        assert_eq!(again, ChannelError::CannotReinviteYet, "{shape:?}");

        // The fake's log: each invitation created exactly once, one withdrawal.
        let log = fake.log();
        let created = log.invitations_sent();
        assert_eq!(created.get("grace-okonkwo-x1"), Some(&1), "{created:?}");
        assert_eq!(created.get("tomas-veller"), Some(&1), "{created:?}");
        assert_eq!(log.withdrawals().len(), 1);
    }
}

#[tokio::test]
async fn a_dead_session_is_classified_as_expired() {
    let fake = FakeLinkedIn::start(World::demo()).await.unwrap();
    let client = client_for(&fake, "ada").await;
    // The client's csrf-token always matches the JSESSIONID it sends: the fake accepts it.
    assert!(client.profile("grace-okonkwo-x1").await.is_ok());
    fake.expire_session("ada", overture_fake_linkedin::SessionDeath::DeleteCookie)
        .unwrap();
    assert_eq!(
        client.profile("grace-okonkwo-x1").await.unwrap_err(),
        ChannelError::SessionExpired
    );
}

#[tokio::test]
async fn a_first_message_goes_once_and_the_reply_is_read_in_both_shapes() {
    use overture_linkedin::{Recipient, origin_token};
    for shape in [ResponseShape::Normalized, ResponseShape::Inline] {
        let fake = fake_in(shape).await;
        let client = client_for(&fake, "ada").await;
        let me = client.me().await.unwrap();
        let grace = client.profile("grace-okonkwo-x1").await.unwrap();
        client.invite(&grace.profile_id, None).await.unwrap();
        fake.accept("ada", "grace-okonkwo-x1").unwrap();

        let start = fake.now();
        let token = origin_token("enrollment:1:step:3:attempt:0");
        let text = "Thanks for connecting, Grace.";
        let to = Recipient::Member(&grace.profile_id);
        client
            .send_message(&me.profile_id, to, text, &token)
            .await
            .unwrap();
        fake.reply("ada", "grace-okonkwo-x1", "Happy to, talk next week?")
            .unwrap();

        let events = client.messages_since(start).await.unwrap();
        let read: Vec<(&str, &str)> = events
            .iter()
            .map(|e| (e.from_public_id.as_str(), e.text.as_str()))
            .collect();
        assert!(
            read.contains(&("grace-okonkwo-x1", "Happy to, talk next week?")),
            "{shape:?}: {read:?}"
        );
        assert!(
            read.contains(&(me.public_id.as_str(), text)),
            "{shape:?}: {read:?}"
        );
        assert_eq!(
            fake.log().messages_sent().values().sum::<usize>(),
            1,
            "{shape:?}"
        );
    }
}
