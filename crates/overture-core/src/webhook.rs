//! Webhooks as the domain sees them: which events a receiver can subscribe to, the type names
//! their payloads carry, and how a delivery stands. Signing, the outbox and HTTP live in
//! `overture-webhooks`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::account::str_enum;
use crate::event::EventKind;
// The id macro spells `fmt::Display`.
use crate::ids::define_id;

define_id! {
    /// A receiver's URL subscribed to some event types.
    WebhookEndpointId,
    /// One message to one endpoint (retried until it is delivered or fails).
    WebhookDeliveryId,
}

/// An event type a webhook endpoint can subscribe to. Its subscription name (`as_str`,
/// `invite_accepted`) is what the CLI and the store use; its payload type
/// ([`WebhookEventType::type_name`], `invite.accepted`) is what receivers see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WebhookEventType {
    /// An invitation was sent.
    InviteSent,
    /// An invitation was accepted.
    InviteAccepted,
    /// An invitation was withdrawn.
    InviteWithdrawn,
    /// An invitation was declined.
    InviteIgnored,
    /// A LinkedIn message was sent.
    MessageSent,
    /// An email was sent.
    EmailSent,
    /// The person replied.
    ReplyReceived,
    /// An email did not reach its recipient.
    EmailBounced,
    /// An automatic absence notice answered an email.
    OutOfOffice,
    /// An account was paused.
    AccountPaused,
    /// An account was resumed.
    AccountResumed,
    /// An account was restricted by LinkedIn.
    AccountRestricted,
    /// A person asked not to be written to again (the event `unsubscribed`).
    LeadUnsubscribed,
    /// A test message sent by hand (`overture webhook test`); nobody subscribes to it.
    Ping,
}

str_enum!(WebhookEventType {
    InviteSent => "invite_sent", InviteAccepted => "invite_accepted",
    InviteWithdrawn => "invite_withdrawn", InviteIgnored => "invite_ignored",
    MessageSent => "message_sent", EmailSent => "email_sent",
    ReplyReceived => "reply_received", EmailBounced => "email_bounced",
    OutOfOffice => "out_of_office", AccountPaused => "account_paused",
    AccountResumed => "account_resumed", AccountRestricted => "account_restricted",
    LeadUnsubscribed => "lead_unsubscribed", Ping => "ping",
});

impl WebhookEventType {
    /// Every type an endpoint can subscribe to (all but [`WebhookEventType::Ping`]).
    pub const SUBSCRIBABLE: [WebhookEventType; 13] = [
        Self::InviteSent,
        Self::InviteAccepted,
        Self::InviteWithdrawn,
        Self::InviteIgnored,
        Self::MessageSent,
        Self::EmailSent,
        Self::ReplyReceived,
        Self::EmailBounced,
        Self::OutOfOffice,
        Self::AccountPaused,
        Self::AccountResumed,
        Self::AccountRestricted,
        Self::LeadUnsubscribed,
    ];

    /// The webhook type of a stored event, if receivers hear of that kind of event at all
    /// (internal facts such as `leads_imported` have none).
    pub fn of(kind: EventKind) -> Option<Self> {
        Some(match kind {
            EventKind::InviteSent => Self::InviteSent,
            EventKind::InviteAccepted => Self::InviteAccepted,
            EventKind::InviteWithdrawn => Self::InviteWithdrawn,
            EventKind::InviteIgnored => Self::InviteIgnored,
            EventKind::MessageSent => Self::MessageSent,
            EventKind::EmailSent => Self::EmailSent,
            EventKind::ReplyReceived => Self::ReplyReceived,
            EventKind::EmailBounced => Self::EmailBounced,
            EventKind::OutOfOffice => Self::OutOfOffice,
            EventKind::AccountPaused => Self::AccountPaused,
            EventKind::AccountResumed => Self::AccountResumed,
            EventKind::AccountRestricted => Self::AccountRestricted,
            EventKind::Unsubscribed => Self::LeadUnsubscribed,
            EventKind::ProfileVisited
            | EventKind::Followed
            | EventKind::PostLiked
            | EventKind::InviteVanished
            | EventKind::LimitReached
            | EventKind::LeadsImported
            | EventKind::CampaignApplied
            | EventKind::HistoryImported => return None,
        })
    }

    /// The event kind behind this type (`None` for [`WebhookEventType::Ping`]).
    pub fn event_kind(self) -> Option<EventKind> {
        Some(match self {
            Self::InviteSent => EventKind::InviteSent,
            Self::InviteAccepted => EventKind::InviteAccepted,
            Self::InviteWithdrawn => EventKind::InviteWithdrawn,
            Self::InviteIgnored => EventKind::InviteIgnored,
            Self::MessageSent => EventKind::MessageSent,
            Self::EmailSent => EventKind::EmailSent,
            Self::ReplyReceived => EventKind::ReplyReceived,
            Self::EmailBounced => EventKind::EmailBounced,
            Self::OutOfOffice => EventKind::OutOfOffice,
            Self::AccountPaused => EventKind::AccountPaused,
            Self::AccountResumed => EventKind::AccountResumed,
            Self::AccountRestricted => EventKind::AccountRestricted,
            Self::LeadUnsubscribed => EventKind::Unsubscribed,
            Self::Ping => return None,
        })
    }

    /// The `type` field of the payload: the subscription name with a dot after its subject
    /// (`invite.accepted`, `lead.unsubscribed`, `webhook.ping`).
    pub fn type_name(self) -> &'static str {
        match self {
            Self::InviteSent => "invite.sent",
            Self::InviteAccepted => "invite.accepted",
            Self::InviteWithdrawn => "invite.withdrawn",
            Self::InviteIgnored => "invite.ignored",
            Self::MessageSent => "message.sent",
            Self::EmailSent => "email.sent",
            Self::ReplyReceived => "reply.received",
            Self::EmailBounced => "email.bounced",
            Self::OutOfOffice => "email.out_of_office",
            Self::AccountPaused => "account.paused",
            Self::AccountResumed => "account.resumed",
            Self::AccountRestricted => "account.restricted",
            Self::LeadUnsubscribed => "lead.unsubscribed",
            Self::Ping => "webhook.ping",
        }
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its first or next attempt.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Given up: every retry failed, or the receiver answered 410 Gone.
    Failed,
}

str_enum!(DeliveryStatus {
    Pending => "pending", Delivered => "delivered", Failed => "failed",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_subscribable_type_maps_to_an_event_kind_and_back() {
        for t in WebhookEventType::SUBSCRIBABLE {
            let kind = t
                .event_kind()
                .expect("a subscribable type has an event kind");
            assert_eq!(WebhookEventType::of(kind), Some(t));
            assert_eq!(t.as_str().parse::<WebhookEventType>(), Ok(t));
            assert_eq!(t.type_name().replace('.', "_").len(), t.type_name().len());
        }
        assert_eq!(WebhookEventType::Ping.event_kind(), None);
        assert_eq!(WebhookEventType::of(EventKind::LeadsImported), None);
        assert_eq!(
            WebhookEventType::of(EventKind::Unsubscribed).map(WebhookEventType::type_name),
            Some("lead.unsubscribed")
        );
    }
}
