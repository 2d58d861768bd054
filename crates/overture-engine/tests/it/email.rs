//! Email in sequences: the fall-back from LinkedIn to email, the `has_email` branch, replies,
//! absence notices, bounces and unsubscribes read from the mailbox, and a lost answer found in
//! the Sent folder (or left in doubt, never sent twice).

use jiff::SignedDuration;
use overture_channel::{ChannelError, InboundEmail, InboundKind};
use overture_core::{AccountKind, ActionState, EnrollmentState, NewLead, SuppressionKind, Tier};
use overture_engine::EngineConfig;
use overture_store::{ActionQuery, NewCampaignVersion, Store};
use serde_json::{Value, json};

use crate::{WS, World, days, limits, seat, spec, start, step, url};

/// A world whose leads 0.. have addresses `lead{i}@example.org` (those in `with_email`), a
/// mailbox `ana`, and a campaign with these steps sending email from `ana`.
async fn world(
    leads: usize,
    with_email: &[usize],
    steps: Value,
) -> (World, overture_core::AccountId) {
    let w = World::new(leads, steps.clone()).await;
    let mut mailbox = seat("ana", Tier::Free, limits(None));
    mailbox.kind = AccountKind::Email;
    let ana = w.store.create_account(mailbox).await.unwrap().id;
    let updated: Vec<NewLead> = with_email
        .iter()
        .map(|&i| {
            let mut lead = NewLead::new(url(i));
            lead.first_name = Some(format!("Lead{i}"));
            lead.company = Some("Example".into());
            lead.email = Some(format!("Lead{i}@Example.org"));
            lead
        })
        .collect();
    w.store
        .import_leads(WS, "prospects", &updated, start(), &|_| {})
        .await
        .unwrap();
    let mut with_mailbox = spec(steps, json!({}));
    with_mailbox.mailboxes = vec!["ana".into()];
    let version = NewCampaignVersion {
        name: "spring".into(),
        source: "spring v2".into(),
        spec: with_mailbox,
    };
    w.store.apply_campaign(WS, version, start()).await.unwrap();
    (w, ana)
}

fn email_step(subject: &str, body: &str) -> Value {
    step(json!({ "type": "email", "variants": [{ "subject": subject, "body": body }] }))
}

fn labelled(label: &str, kind: Value) -> Value {
    json!({ "label": label, "kind": kind })
}

async fn states(w: &World) -> Vec<EnrollmentState> {
    let mut records = w.store.list_enrollments(WS, w.campaign).await.unwrap();
    records.sort_by_key(|r| r.enrollment.lead_id);
    records.into_iter().map(|r| r.enrollment.state).collect()
}

fn mail(kind: InboundKind, from: &str, refers_to: Vec<String>) -> InboundEmail {
    InboundEmail {
        kind,
        from: from.into(),
        refers_to,
        subject: "Re: hello".into(),
        received_at: start(),
    }
}

#[tokio::test]
async fn an_invitation_not_accepted_in_time_falls_back_to_email() {
    let steps = json!([
        step(json!({ "type": "invite", "notes": ["Hi {{ first_name }}"],
                     "without_note_if_quota_exhausted": false })),
        step(json!({ "type": "wait_for_acceptance", "within": "7d",
                     "accepted": "next", "not_accepted": { "label": "mail" } })),
        step(json!({ "type": "message", "texts": ["Thanks for connecting, {{ first_name }}!"] })),
        step(json!({ "type": "end" })),
        labelled(
            "mail",
            json!({ "type": "branch", "if": "has_email", "then": "next", "else": "end" })
        ),
        email_step(
            "{{ company }} and hiring",
            "Hi {{ first_name }}, a short note instead of LinkedIn."
        ),
    ]);
    let (w, ana) = world(3, &[1], steps).await;
    let mut engine = w.engine(EngineConfig::default());
    engine.start_campaign(WS, w.campaign).await.unwrap();
    engine.run_until(start() + days(1)).await.unwrap();
    assert_eq!(w.fake.effects_of("invite").len(), 3);
    // Lead 0 accepts; leads 1 (with an address) and 2 (without) never do.
    w.fake.accept(w.account.id, &w.urls[0]);
    engine.run_until(start() + days(12)).await.unwrap();

    assert_eq!(
        w.fake.effects_of("message").len(),
        1,
        "the one who accepted"
    );
    let emails = w.fake.emails();
    assert_eq!(emails.len(), 1, "{emails:?}");
    let (from, request, _) = &emails[0];
    assert_eq!(*from, ana, "sent from the campaign's mailbox");
    assert_eq!(request.to, "lead1@example.org");
    assert_eq!(request.subject, "Example and hiring");
    assert_eq!(request.text, "Hi Lead1, a short note instead of LinkedIn.");
    assert!(request.unsubscribe_token.len() >= 32);
    let sent = w.fake.effects_of("email")[0].at;
    let invited = w.fake.effects_of("invite")[1].at;
    assert!(
        sent.duration_since(invited) >= days(7),
        "only once the wait ran out"
    );
    assert_eq!(states(&w).await, [EnrollmentState::Completed; 3]);
}

#[tokio::test]
async fn replies_absence_notices_bounces_and_unsubscribes_are_read_from_the_mailbox() {
    let steps = json!([
        email_step("Hello", "Hi {{ first_name }}"),
        step(json!({ "type": "wait", "duration": "3d" })),
        email_step("Following up", "Hi again {{ first_name }}"),
    ]);
    let (w, ana) = world(5, &[0, 1, 2, 3, 4], steps).await;
    let mut engine = w.engine(EngineConfig::default());
    engine.start_campaign(WS, w.campaign).await.unwrap();
    engine.run_until(start() + days(1)).await.unwrap();
    let first = w.fake.emails();
    assert_eq!(first.len(), 5);
    let id_of = |i: usize| {
        first
            .iter()
            .find(|(_, r, _)| r.to == format!("lead{i}@example.org"))
            .map(|(_, _, id)| id.clone())
            .unwrap()
    };
    // Lead 0 answers, lead 1's address bounces for good, lead 2 asks to be left alone, lead 3
    // is away for a week; lead 4 says nothing.
    w.fake.deliver(
        ana,
        mail(InboundKind::Reply, "lead0@example.org", vec![id_of(0)]),
    );
    let bounce = InboundKind::Bounce {
        recipient: "lead1@example.org".into(),
        hard: true,
        status: "5.1.1".into(),
    };
    w.fake.deliver(
        ana,
        mail(bounce, "mailer-daemon@mail.example.com", vec![id_of(1)]),
    );
    w.fake.deliver(
        ana,
        mail(InboundKind::Unsubscribe, "Lead2@example.org", vec![]),
    );
    let back = start() + days(8);
    let away = InboundKind::OutOfOffice { until: Some(back) };
    w.fake
        .deliver(ana, mail(away, "lead3@example.org", vec![id_of(3)]));
    engine.run_until(start() + days(6)).await.unwrap();

    let second: Vec<String> = w.fake.emails()[5..]
        .iter()
        .map(|(_, r, _)| r.to.clone())
        .collect();
    assert_eq!(
        second,
        ["lead4@example.org"],
        "only the one who said nothing, so far"
    );
    let s = states(&w).await;
    assert_eq!(s[0], EnrollmentState::Replied);
    // The bounced address is suppressed: the email step is skipped for the lead, whose
    // sequence has nothing else to do.
    assert_eq!(s[1], EnrollmentState::Completed);
    assert_eq!(s[2], EnrollmentState::Stopped, "unsubscribed");
    assert_eq!(s[3], EnrollmentState::Waiting, "held until back");
    let list = w.store.list_suppressions(WS).await.unwrap();
    let entries: Vec<(SuppressionKind, &str)> =
        list.iter().map(|e| (e.kind, e.value.as_str())).collect();
    assert!(
        entries.contains(&(SuppressionKind::Address, "lead1@example.org")),
        "{entries:?}"
    );
    assert!(
        entries.contains(&(SuppressionKind::Address, "lead2@example.org")),
        "{entries:?}"
    );
    assert!(entries.contains(&(SuppressionKind::Profile, w.urls[2].to_string().as_str())));

    engine.run_until(start() + days(10)).await.unwrap();
    let all = w.fake.emails();
    let follow_up = all[5..]
        .iter()
        .find(|(_, r, _)| r.to == "lead4@example.org")
        .unwrap();
    assert_eq!(
        follow_up.1.in_reply_to.as_deref(),
        Some(id_of(4).as_str()),
        "a follow-up threads under the first email"
    );
    let later: Vec<_> = all[5..].iter().map(|(_, r, _)| r.to.clone()).collect();
    assert_eq!(later, ["lead4@example.org", "lead3@example.org"]);
    let third_sent = w.fake.effects_of("email")[6].at;
    assert!(third_sent >= back, "not before the return date");
}

async fn one_email_with_lost_answer(sent_folder: bool) -> World {
    let steps = json!([email_step("Hello", "Hi {{ first_name }}")]);
    let (w, _) = world(1, &[0], steps).await;
    if !sent_folder {
        w.fake.without_sent_folder();
    }
    let lost = ChannelError::Transient {
        detail: "connection dropped after DATA".into(),
    };
    w.fake.fail_next("email", lost, true);
    let mut engine = w.engine(EngineConfig::default());
    engine.start_campaign(WS, w.campaign).await.unwrap();
    engine.run_until(start() + days(3)).await.unwrap();
    w
}

async fn email_action_state(w: &World) -> ActionState {
    let query = ActionQuery {
        state: None,
        account: None,
        limit: 10,
    };
    w.store.list_actions(WS, query).await.unwrap()[0].state
}

#[tokio::test]
async fn a_lost_answer_is_found_in_the_sent_folder_and_not_sent_again() {
    let w = one_email_with_lost_answer(true).await;
    assert_eq!(w.fake.emails().len(), 1, "sent once");
    assert_eq!(w.fake.calls("email"), 1, "never sent blindly again");
    assert!(w.fake.calls("sent_folder") >= 1);
    assert_eq!(email_action_state(&w).await, ActionState::Done);
}

#[tokio::test]
async fn without_a_sent_folder_a_lost_answer_ends_in_doubt_never_resent() {
    let w = one_email_with_lost_answer(false).await;
    assert_eq!(w.fake.calls("email"), 1);
    assert_eq!(email_action_state(&w).await, ActionState::InDoubt);
}

#[tokio::test]
async fn an_address_refused_for_good_is_suppressed_and_a_busy_server_is_tried_later() {
    let steps = json!([email_step("Hello", "Hi {{ first_name }}")]);
    let (w, _) = world(2, &[0, 1], steps).await;
    w.fake.fail_next(
        "email",
        ChannelError::AddressInvalid {
            detail: "550 5.1.1 no such user".into(),
        },
        false,
    );
    w.fake.fail_next(
        "email",
        ChannelError::RateLimited {
            retry_after: SignedDuration::from_mins(15),
        },
        false,
    );
    let mut engine = w.engine(EngineConfig::default());
    engine.start_campaign(WS, w.campaign).await.unwrap();
    engine.run_until(start() + days(1)).await.unwrap();
    assert_eq!(w.fake.emails().len(), 1, "the busy server took it later");
    let list = w.store.list_suppressions(WS).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].kind, SuppressionKind::Address);
    assert!(list[0].reason.contains("550"), "{:?}", list[0]);
    let s = states(&w).await;
    assert!(s.contains(&EnrollmentState::Stopped) && s.contains(&EnrollmentState::Completed));
}

#[tokio::test]
async fn an_unsubscribe_by_token_stops_the_lead_it_names_and_html_goes_with_the_text() {
    let steps = json!([
        step(json!({ "type": "email", "variants": [{
            "subject": "Hello", "body": "Hi {{ first_name }}",
            "html": "<p>Hi <b>{{ first_name }}</b></p>" }] })),
        step(json!({ "type": "wait", "duration": "3d" })),
        email_step("Following up", "Hi again {{ first_name }}"),
    ]);
    let (w, ana) = world(2, &[0, 1], steps).await;
    let mut engine = w.engine(EngineConfig::default());
    engine.start_campaign(WS, w.campaign).await.unwrap();
    engine.run_until(start() + days(1)).await.unwrap();
    let first = w.fake.emails();
    assert_eq!(first.len(), 2);
    assert_eq!(first[0].1.html.as_deref(), Some("<p>Hi <b>Lead0</b></p>"));
    // Lead 1 unsubscribes through the mailto link, from another address of theirs.
    let token = first
        .iter()
        .find(|(_, r, _)| r.to == "lead1@example.org")
        .map(|(_, r, _)| r.unsubscribe_token.clone())
        .unwrap();
    let request = mail(
        InboundKind::Unsubscribe,
        "private-address@example.net",
        vec![format!("unsubscribe:{token}")],
    );
    w.fake.deliver(ana, request);
    engine.run_until(start() + days(6)).await.unwrap();
    let second: Vec<String> = w.fake.emails()[2..]
        .iter()
        .map(|(_, r, _)| r.to.clone())
        .collect();
    assert_eq!(second, ["lead0@example.org"]);
    assert_eq!(states(&w).await[1], EnrollmentState::Stopped);
    let suppressed = w.store.lead_suppression(WS, w.leads[1]).await.unwrap();
    assert_eq!(
        suppressed.map(|s| s.reason),
        Some("unsubscribed".to_owned())
    );
}
