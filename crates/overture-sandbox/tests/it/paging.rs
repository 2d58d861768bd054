//! The sent list: pending only, newest first, cursor paging capped at 100.

use std::collections::HashSet;

use overture_channel::{Channel, ChannelError};
use overture_core::Tier;
use overture_sandbox::MAX_PAGE;

use crate::helpers::*;

#[tokio::test]
async fn pages_cover_every_pending_invitation_newest_first() {
    let mut p = quiet(300);
    p.rules.weekly_invites_free = 1000;
    p.rules.burst_invites = 1000;
    let (net, clock, ch) = seat(p, Tier::Free);
    let people = people(&net);
    let mut withdrawn = None;
    for (i, person) in people[..250].iter().enumerate() {
        let sent = ch.invite(invite(person, None)).await.unwrap();
        if i == 7 {
            withdrawn = Some(sent.invitation_id);
        }
        clock.advance(jiff::SignedDuration::from_mins(1));
    }
    ch.withdraw(&withdrawn.unwrap()).await.unwrap();

    let mut all = Vec::new();
    let mut cursor = None;
    let mut sizes = Vec::new();
    loop {
        let page = ch.sent_invitations(cursor, 500).await.unwrap();
        sizes.push(page.items.len());
        all.extend(page.items);
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(sizes, vec![MAX_PAGE as usize, 100, 49]);
    assert!(all.windows(2).all(|w| w[0].sent_at > w[1].sent_at));
    let ids: HashSet<_> = all.iter().map(|s| s.invitation_id.clone()).collect();
    assert_eq!(ids.len(), 249);
    assert_eq!(all[0].profile_url, people[249]);
    assert_eq!(net.stats("a").unwrap().pending_now, 249);
}

#[tokio::test]
async fn a_cursor_stays_valid_when_its_invitation_is_withdrawn() {
    let (net, clock, ch) = seat(quiet(10), Tier::Free);
    for person in &people(&net)[..6] {
        ch.invite(invite(person, None)).await.unwrap();
        clock.advance(hours(1));
    }
    let first = ch.sent_invitations(None, 3).await.unwrap();
    let cursor = first.next.clone().unwrap();
    ch.withdraw(&cursor).await.unwrap();
    let second = ch.sent_invitations(Some(cursor), 3).await.unwrap();
    assert_eq!(second.items.len(), 3);
    assert!(second.next.is_none());
    assert!(second.items[0].sent_at < first.items[2].sent_at);
}

#[tokio::test]
async fn bad_page_requests_are_permanent_failures() {
    let (_net, _clock, ch) = seat(quiet(3), Tier::Free);
    for (cursor, size) in [
        (None, 0),
        (Some("nonsense".to_owned()), 10),
        (Some("inv-99".to_owned()), 10),
    ] {
        assert!(matches!(
            ch.sent_invitations(cursor, size).await,
            Err(ChannelError::Permanent { .. })
        ));
    }
}
