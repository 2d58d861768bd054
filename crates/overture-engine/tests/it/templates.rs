//! Texts rendered by the template engine: spintax seeded per lead, the sender's fields, and a
//! lead whose text cannot go out stopped with the reason instead of sent with a gap.

use overture_core::EnrollmentState;
use overture_engine::EngineConfig;
use overture_store::Store;
use serde_json::json;

use crate::{WS, World, days, start, step};

#[tokio::test]
async fn notes_are_spun_per_lead_filled_and_a_missing_value_stops_the_lead() {
    let steps = json!([step(json!({
        "type": "invite",
        "notes": ["{Hi|Hello} {{ first_name | clean_name }}, {{ sender.first_name }} from the {{ position }} meetup here."],
        "without_note_if_quota_exhausted": false
    }))]);
    let w = World::new(12, steps).await;
    // Half the leads have a position; the sender has a first name.
    for (i, id) in w.leads.iter().enumerate() {
        let mut lead = w.store.lead(WS, *id).await.unwrap().data;
        if i % 2 == 0 {
            lead.position = Some("data platform".to_owned());
            w.store
                .import_leads(WS, "prospects", &[lead], start(), &|_| {})
                .await
                .unwrap();
        }
    }
    let mut settings = w.account.settings();
    settings.sender.first_name = Some("Rowan".to_owned());
    w.store
        .update_account_settings(WS, w.account.id, settings)
        .await
        .unwrap();

    let mut engine = w.engine(EngineConfig::default());
    engine.start_campaign(WS, w.campaign).await.unwrap();
    engine.run_until(start() + days(3)).await.unwrap();

    let invites = w.fake.effects_of("invite");
    assert_eq!(invites.len(), 6, "{invites:?}");
    let mut openers = std::collections::BTreeSet::new();
    for invite in &invites {
        let note = invite.note.as_deref().unwrap();
        assert!(
            note.ends_with(", Rowan from the data platform meetup here."),
            "{note}"
        );
        openers.insert(note.split(' ').next().unwrap().to_owned());
    }
    assert_eq!(openers.len(), 2, "both spellings are used: {openers:?}");

    let stopped: Vec<_> = w
        .store
        .list_enrollments(WS, w.campaign)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.enrollment.state == EnrollmentState::Stopped)
        .collect();
    assert_eq!(stopped.len(), 6);
    for record in &stopped {
        let reason = record.reason.as_deref().unwrap_or("");
        assert_eq!(reason, "invitation note: no value for `position`");
    }
}
