//! Payloads: what a receiver gets in the body.
//!
//! ```json
//! {
//!   "type": "invite.accepted",
//!   "timestamp": "2026-09-01T09:30:00Z",
//!   "data": {
//!     "event_id": 42, "workspace_id": 1, "account_id": 3, "lead_id": 17, "campaign_id": 2,
//!     "details": { }
//!   }
//! }
//! ```
//!
//! `type` is [`WebhookEventType::type_name`]; `timestamp` is when the event happened
//! (RFC 3339, UTC); `data` names the event and the rows it is about (ids, `null` when none) and
//! carries the event's own details as stored. A ping (`webhook.ping`) has `data.endpoint_id`
//! instead.

use jiff::Timestamp;
use overture_core::Event;
use overture_core::webhook::{WebhookEndpointId, WebhookEventType};
use serde_json::{Value, json};

/// The body for an event, or `None` for an event receivers do not hear of.
pub fn payload(event: &Event) -> Option<String> {
    let event_type = WebhookEventType::of(event.event.kind)?;
    let details: Value = serde_json::from_str(&event.event.data).unwrap_or_else(|_| json!({}));
    let body = json!({
        "type": event_type.type_name(),
        "timestamp": rfc3339(event.event.at),
        "data": {
            "event_id": event.id,
            "workspace_id": event.event.workspace_id,
            "account_id": event.event.account_id,
            "lead_id": event.event.lead_id,
            "campaign_id": event.event.campaign_id,
            "details": details,
        },
    });
    Some(body.to_string())
}

/// The body of a test message to `endpoint`.
pub fn ping(endpoint: WebhookEndpointId, at: Timestamp) -> String {
    json!({
        "type": WebhookEventType::Ping.type_name(),
        "timestamp": rfc3339(at),
        "data": { "endpoint_id": endpoint, "message": "a test message from Overture" },
    })
    .to_string()
}

/// RFC 3339 in UTC, to the second.
fn rfc3339(at: Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use overture_core::{AccountId, EventId, EventKind, LeadId, NewEvent, WorkspaceId};

    use super::*;

    fn event(kind: EventKind, data: &str) -> Event {
        Event {
            id: EventId(42),
            event: NewEvent {
                workspace_id: WorkspaceId(1),
                kind,
                at: "2026-09-01T09:30:00.250Z".parse().expect("a time"),
                account_id: Some(AccountId(3)),
                lead_id: Some(LeadId(17)),
                campaign_id: None,
                data: data.to_owned(),
            },
        }
    }

    #[test]
    fn an_event_becomes_type_timestamp_and_data() {
        let body = payload(&event(EventKind::InviteAccepted, r#"{"invitation_id":9}"#))
            .expect("receivers hear of acceptances");
        let v: Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(
            v,
            json!({
                "type": "invite.accepted",
                "timestamp": "2026-09-01T09:30:00Z",
                "data": {
                    "event_id": 42, "workspace_id": 1, "account_id": 3, "lead_id": 17,
                    "campaign_id": null, "details": { "invitation_id": 9 },
                },
            })
        );
    }

    #[test]
    fn unsubscribes_are_lead_unsubscribed_and_internal_events_have_no_payload() {
        let body = payload(&event(EventKind::Unsubscribed, "{}")).expect("a payload");
        assert!(body.contains(r#""type":"lead.unsubscribed""#));
        assert_eq!(payload(&event(EventKind::LeadsImported, "{}")), None);
    }
}
