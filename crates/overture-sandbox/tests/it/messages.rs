//! Messages, threads and replies.

use overture_channel::{Channel, ChannelError, LikeOutcome};
use overture_core::Tier;
use overture_sandbox::WorldParams;

use crate::helpers::*;

#[tokio::test]
async fn a_message_to_a_stranger_is_permanent() {
    let (net, _clock, ch) = seat(quiet(5), Tier::Free);
    let err = ch
        .send_message(message(&people(&net)[0], "Hi", "k"))
        .await
        .unwrap_err();
    assert!(matches!(err, ChannelError::Permanent { .. }), "{err:?}");
    assert_eq!(net.stats("a").unwrap().messages, 0);
}

#[tokio::test]
async fn after_acceptance_messages_get_replies_when_the_clock_reaches_them() {
    let mut p = WorldParams::default();
    p.population.people = 5;
    p.population.inactive_share = 0.0;
    p.acceptance.base = 40.0;
    p.replies.base = 40.0;
    let (net, clock, ch) = seat(p, Tier::Free);
    let person = &people(&net)[0];
    ch.invite(invite(person, None)).await.unwrap();
    clock.advance(days(365));
    let start = t0() + days(365);
    let sent = ch
        .send_message(message(person, "Hello, thanks for connecting", "m1"))
        .await
        .unwrap();
    assert_eq!(sent.sent_at, start);
    assert!(ch.replies_since(start).await.unwrap().is_empty());
    clock.advance(days(365));
    let replies = ch.replies_since(start).await.unwrap();
    assert_eq!(replies.len(), 1);
    assert_eq!(&replies[0].profile_url, person);
    assert!(replies[0].received_at > start);
    let thread = ch.thread(person, start).await.unwrap();
    assert_eq!(thread.len(), 2);
    assert!(thread[0].from_seat && !thread[1].from_seat);
    assert_eq!(thread[0].client_token.as_deref(), Some("m1"));
    assert_eq!(thread[1].text, replies[0].text);
    // `since` filters.
    assert_eq!(
        ch.thread(person, replies[0].received_at)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(net.stats("a").unwrap().replies, 1);
}

#[tokio::test]
async fn visits_follows_and_likes_are_counted() {
    let mut p = quiet(20);
    p.population.recent_post_share = 0.5;
    let (net, _clock, ch) = seat(p, Tier::Free);
    let mut liked = 0;
    for person in &people(&net) {
        ch.visit(person).await.unwrap();
        ch.follow(person).await.unwrap();
        if ch.like_recent_post(person).await.unwrap() == LikeOutcome::Liked {
            liked += 1;
        }
    }
    let stats = net.stats("a").unwrap();
    assert_eq!((stats.visits, stats.follows, stats.likes), (20, 20, liked));
    assert!(liked > 0 && liked < 20);
    let stranger = overture_core::ProfileUrl::parse("linkedin.com/in/not-in-this-world").unwrap();
    assert_eq!(
        ch.visit(&stranger).await.unwrap_err(),
        ChannelError::ProfileUnreachable
    );
}
