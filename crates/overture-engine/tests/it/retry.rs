//! A campaign's own governor settings and its opt-in to invite again after a withdrawal
//! (`settings.governor`, `settings.retry_after_withdrawal`).

use jiff::Timestamp;
use overture_core::EnrollmentState;
use overture_engine::EngineConfig;
use overture_store::Store;
use serde_json::{Value, json};

use crate::fake::Effect;
use crate::{WS, World, days, limits, start, step};

/// Invite with one of two notes, then wait up to 90 days for an answer.
fn invite_and_wait() -> Value {
    json!([
        step(
            json!({ "type": "invite", "notes": ["First note.", "Second note."],
                     "without_note_if_quota_exhausted": false })
        ),
        step(json!({ "type": "wait_for_acceptance", "within": "90d",
                     "accepted": "next", "not_accepted": "end" })),
        step(json!({ "type": "message", "texts": ["Thanks!"] })),
    ])
}

/// The campaign withdraws its own invitations after 5 days (the account would keep them 60)
/// and invites once more, with the second note, after the cooldown.
fn retrying() -> Value {
    json!({
        "governor": { "withdraw_after": "5d" },
        "retry_after_withdrawal": { "max_attempts": 1, "note_variant": 1 },
    })
}

fn of<'a>(effects: &'a [Effect], profile: &str) -> Vec<&'a Effect> {
    effects.iter().filter(|e| e.profile == profile).collect()
}

/// Every lead's invitations and withdrawals, in order.
fn per_lead(w: &World) -> Vec<(Vec<Effect>, Vec<Timestamp>)> {
    let invites = w.fake.effects_of("invite");
    let withdrawals = w.fake.effects_of("withdraw");
    w.urls
        .iter()
        .map(|url| {
            let url = url.to_string();
            let sent = of(&invites, &url).into_iter().cloned().collect();
            let gone = of(&withdrawals, &url).iter().map(|e| e.at).collect();
            (sent, gone)
        })
        .collect()
}

#[tokio::test]
async fn a_withdrawn_lead_is_invited_once_more_after_the_cooldown_with_the_chosen_note() {
    let w = World::with(2, invite_and_wait(), retrying(), limits(None)).await;
    w.fake.set_reinvite_cooldown(days(21));
    let mut engine = w.engine(EngineConfig::default());
    engine.start_campaign(WS, w.campaign).await.unwrap();
    // Nobody ever answers.
    engine.run_until(start() + days(70)).await.unwrap();

    for (sent, gone) in per_lead(&w) {
        assert_eq!(sent.len(), 2, "one invitation and one more: {sent:?}");
        assert_eq!(
            gone.len(),
            2,
            "both withdrawn by the campaign's rule: {gone:?}"
        );
        // The campaign's 5 days, not the account's 60.
        assert!(gone[0].duration_since(sent[0].at) >= days(5));
        assert!(gone[0].duration_since(sent[0].at) < days(7), "{gone:?}");
        // Not before the cooldown, and the second note.
        assert!(sent[1].at.duration_since(gone[0]) >= days(21), "{sent:?}");
        assert!(sent[0].note.is_some(), "the lead's own variant first");
        assert_eq!(sent[1].note.as_deref(), Some("Second note."));
    }
    // After the last withdrawal the sequence ends at once (`not_accepted: end`), long before
    // its 90 days of waiting are over.
    let states: Vec<_> = w.enrollments().await.iter().map(|e| e.state).collect();
    assert_eq!(states, [EnrollmentState::Completed; 2]);
    assert!(w.fake.effects_of("message").is_empty());
}

#[tokio::test]
async fn when_linkedin_refuses_the_new_invitation_it_waits_for_the_longer_cooldown() {
    let w = World::with(1, invite_and_wait(), retrying(), limits(None)).await;
    // LinkedIn's cooldown is longer than the 21 days Overture assumes.
    w.fake.set_reinvite_cooldown(days(30));
    let mut engine = w.engine(EngineConfig::default());
    engine.start_campaign(WS, w.campaign).await.unwrap();
    engine.run_until(start() + days(90)).await.unwrap();

    let lead = &per_lead(&w)[0];
    let (sent, gone) = lead;
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(sent[1].at.duration_since(gone[0]) >= days(30), "{lead:?}");
    assert_eq!(w.fake.calls("invite"), 3, "one refused on the way");
    let cooldown = w
        .store
        .cooldown(WS, w.account.id, w.leads[0])
        .await
        .unwrap()
        .expect("a cooldown");
    assert!(cooldown.reinvite_not_before >= gone[0] + days(21) + days(21));
}

#[tokio::test]
async fn without_the_opt_in_a_withdrawn_lead_takes_its_branch_at_once() {
    let settings = json!({ "governor": { "withdraw_after": "5d" } });
    let w = World::with(1, invite_and_wait(), settings, limits(None)).await;
    let mut engine = w.engine(EngineConfig::default());
    engine.start_campaign(WS, w.campaign).await.unwrap();
    engine.run_until(start() + days(60)).await.unwrap();

    let (sent, gone) = &per_lead(&w)[0];
    assert_eq!((sent.len(), gone.len()), (1, 1));
    let states: Vec<_> = w.enrollments().await.iter().map(|e| e.state).collect();
    assert_eq!(states, [EnrollmentState::Completed]);
}

#[tokio::test]
async fn a_campaign_cap_holds_its_invitations_below_the_accounts_cap() {
    let steps = json!([step(
        json!({ "type": "invite", "notes": [], "without_note_if_quota_exhausted": true })
    )]);
    let settings = json!({ "governor": { "max_pending": 2 } });
    let w = World::with(5, steps, settings, limits(None)).await;
    let mut engine = w.engine(EngineConfig::default());
    engine.start_campaign(WS, w.campaign).await.unwrap();
    engine.run_until(start() + days(2)).await.unwrap();
    assert_eq!(w.fake.effects_of("invite").len(), 2, "the campaign's cap");
    assert!(w.fake.effects_of("withdraw").is_empty());

    // One accepts: one place frees up, one more goes.
    w.fake.accept(w.account.id, &w.urls[0]);
    engine.run_until(start() + days(4)).await.unwrap();
    assert_eq!(w.fake.effects_of("invite").len(), 3);
    assert_eq!(w.store.pending_count(WS, w.account.id).await.unwrap(), 2);
}
