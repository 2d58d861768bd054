//! Voyager's JSON, in both shapes: normalized (`data` + `included[]`, references as `*field`)
//! and inline (`elements[]` with entities nested).

use serde_json::{Value, json};

use crate::state::{Invitation, Message, Refusal};
use crate::world::{Account, Degree, Member};

const PROFILE: &str = "com.linkedin.voyager.dash.identity.profile.Profile";
const RELATIONSHIP: &str = "com.linkedin.voyager.dash.relationships.MemberRelationship";
const MINI_PROFILE: &str = "com.linkedin.voyager.identity.shared.MiniProfile";
const REL_INVITATION: &str = "com.linkedin.voyager.relationships.invitation.Invitation";
const CONNECTION: &str = "com.linkedin.voyager.dash.relationships.Connection";
const MESSAGE: &str = "com.linkedin.messenger.Message";
const COLLECTION: &str = "com.linkedin.restli.common.CollectionResponse";
const POSITION_GROUP: &str = "com.linkedin.voyager.dash.identity.profile.PositionGroup";
const POSITION: &str = "com.linkedin.voyager.dash.identity.profile.Position";
const CONNECTIONS_SUMMARY: &str =
    "com.linkedin.voyager.relationships.shared.connection.ConnectionsSummary";

/// An entity and the entities it refers to, to be nested (inline) or listed (normalized).
struct Entity {
    value: Value,
    /// `(field, entity)` pairs: `field` inline, `*field` → urn when normalized.
    refs: Vec<(&'static str, Entity)>,
    /// `(field, entities)` pairs: `field` an inline array, `*field` → urns when normalized.
    lists: Vec<(&'static str, Vec<Entity>)>,
}

impl Entity {
    fn leaf(value: Value) -> Self {
        Self {
            value,
            refs: Vec::new(),
            lists: Vec::new(),
        }
    }

    fn urn(&self) -> Value {
        self.value["entityUrn"].clone()
    }

    fn inline(self) -> Value {
        let mut value = self.value;
        for (field, entity) in self.refs {
            value[field] = entity.inline();
        }
        for (field, entities) in self.lists {
            value[field] = entities.into_iter().map(Entity::inline).collect();
        }
        value
    }

    /// This entity with its references replaced by urns (listed in `included`).
    fn shallow(self, included: &mut Vec<Value>) -> Value {
        let mut value = self.value;
        for (field, entity) in self.refs {
            value[format!("*{field}")] = entity.normalize(included);
        }
        for (field, entities) in self.lists {
            value[format!("*{field}")] = entities
                .into_iter()
                .map(|e| e.normalize(included))
                .collect();
        }
        value
    }

    /// Lists this entity (and what it refers to) in `included`; returns its urn.
    fn normalize(self, included: &mut Vec<Value>) -> Value {
        let urn = self.urn();
        let value = self.shallow(included);
        included.push(value);
        urn
    }
}

/// A list answer: `elements` with `paging`, in the chosen shape.
fn list(entities: Vec<Entity>, paging: Value, normalized: bool) -> Value {
    if normalized {
        let mut included = Vec::new();
        let urns: Vec<Value> = entities
            .into_iter()
            .map(|e| e.normalize(&mut included))
            .collect();
        json!({"data": {"*elements": urns, "paging": paging}, "included": included})
    } else {
        let elements: Vec<Value> = entities.into_iter().map(Entity::inline).collect();
        json!({"elements": elements, "paging": paging})
    }
}

/// A single-object answer (a plain record), its references listed when normalized.
fn single(entity: Entity, normalized: bool) -> Value {
    if normalized {
        let mut included = Vec::new();
        let data = entity.shallow(&mut included);
        json!({"data": data, "included": included})
    } else {
        entity.inline()
    }
}

fn dash_profile(member: &Member, degree: Degree) -> Entity {
    dash_profile_with(member, degree, None)
}

/// A profile whose relationship shows `pending`, the id of an invitation from the session's
/// member waiting for an answer (`noConnection.invitationUnion.invitation`).
fn dash_profile_with(member: &Member, degree: Degree, pending: Option<u64>) -> Entity {
    let relation = match degree.distance() {
        None => {
            json!({"connection": {"connectionUrn": format!("urn:li:fsd_connection:{}", member.profile_id)}})
        }
        Some(distance) => {
            let mut none = json!({"memberDistance": distance});
            if let Some(id) = pending {
                none["invitationUnion"] = json!({"invitation": {
                    "entityUrn": format!("urn:li:fsd_invitation:{id}"),
                    "invitationState": "PENDING",
                    "invitationType": "CONNECTION",
                }});
            }
            json!({"noConnection": none})
        }
    };
    Entity {
        value: json!({
            "$type": PROFILE,
            "entityUrn": member.profile_urn(),
            "publicIdentifier": member.slug,
            "firstName": member.first_name,
            "lastName": member.last_name,
            "headline": member.headline,
        }),
        refs: vec![(
            "memberRelationship",
            Entity::leaf(json!({
                "$type": RELATIONSHIP,
                "entityUrn": format!("urn:li:fsd_memberRelationship:{}", member.profile_id),
                "memberRelationship": relation,
            })),
        )],
        lists: Vec::new(),
    }
}

fn mini_profile(member: &Member) -> Entity {
    Entity::leaf(json!({
        "$type": MINI_PROFILE,
        "entityUrn": format!("urn:li:fs_miniProfile:{}", member.profile_id),
        "dashEntityUrn": member.profile_urn(),
        "publicIdentifier": member.slug,
        "firstName": member.first_name,
        "lastName": member.last_name,
        "occupation": member.headline,
    }))
}

/// `GET /identity/dash/profiles?q=memberIdentity…`; `pending` is the id of the session's
/// invitation to the member, if one waits for an answer.
pub(crate) fn profile(
    member: &Member,
    degree: Degree,
    pending: Option<u64>,
    normalized: bool,
) -> Value {
    only(dash_profile_with(member, degree, pending), normalized)
}

/// A list answer with one element.
fn only(entity: Entity, normalized: bool) -> Value {
    let paging = json!({"start": 0, "count": 1, "total": 1});
    list(vec![entity], paging, normalized)
}

/// A collection (`elements` with `paging`) that an entity refers to.
fn collection(urn: String, elements: Vec<Entity>) -> Entity {
    let mut entity = Entity::leaf(json!({
        "$type": COLLECTION,
        "entityUrn": urn,
        "paging": {"start": 0, "count": elements.len(), "total": elements.len()},
    }));
    entity.lists.push(("elements", elements));
    entity
}

/// `GET /identity/dash/profiles?q=memberIdentity…` for the account's own profile: what the
/// account check reads (photo, headline, about, the experience section as position groups,
/// one per employer), and no `MemberRelationship`.
pub(crate) fn own_profile(account: &Account, normalized: bool) -> Value {
    let me = &account.me;
    let mut entity = dash_profile(me, Degree::First);
    entity.refs.clear();
    if account.photo {
        entity.value["profilePicture"] = json!({
            "a11yText": format!("{} {}", me.first_name, me.last_name),
            "displayImageReference": {"vectorImage": {
                "rootUrl": format!("https://media.example.invalid/{}/", me.profile_id),
                "artifacts": [{"width": 200, "height": 200, "fileIdentifyingUrlPathSegment": "200.jpg"}],
            }},
        });
    }
    if let Some(about) = &account.about {
        entity.value["summary"] = json!(about);
        entity.value["multiLocaleSummary"] = json!({"en_US": about});
    }
    let mut companies: Vec<&str> = Vec::new();
    for position in &account.positions {
        if !companies.contains(&position.company.as_str()) {
            companies.push(&position.company);
        }
    }
    let groups = companies
        .iter()
        .enumerate()
        .map(|(g, company)| {
            let positions = account
                .positions
                .iter()
                .enumerate()
                .filter(|(_, p)| p.company == *company)
                .map(|(i, p)| {
                    Entity::leaf(json!({
                        "$type": POSITION,
                        "entityUrn": format!("urn:li:fsd_profilePosition:({},{})", me.profile_id, 1000 + i),
                        "title": p.title,
                        "companyName": p.company,
                    }))
                })
                .collect();
            let urn = format!("urn:li:fsd_profilePositionGroup:({},{})", me.profile_id, 2000 + g);
            let mut group = Entity::leaf(json!({
                "$type": POSITION_GROUP,
                "entityUrn": urn,
                "companyName": company,
            }));
            group.refs.push((
                "profilePositionInPositionGroup",
                collection(format!("urn:li:collectionResponse:({urn},positions)"), positions),
            ));
            group
        })
        .collect();
    let urn = format!(
        "urn:li:collectionResponse:({},positionGroups)",
        me.profile_urn()
    );
    entity
        .refs
        .push(("profilePositionGroups", collection(urn, groups)));
    only(entity, normalized)
}

/// `GET /relationships/connectionsSummary`.
pub(crate) fn connections_summary(me: &Member, count: usize, normalized: bool) -> Value {
    let summary = json!({
        "$type": CONNECTIONS_SUMMARY,
        "entityUrn": format!("urn:li:fs_relConnectionsSummary:{}", me.profile_id),
        "numConnections": count,
    });
    single(Entity::leaf(summary), normalized)
}

/// `GET /me`.
pub(crate) fn me(member: &Member, premium: bool, normalized: bool) -> Value {
    let entity = Entity {
        value: json!({"plainId": member.profile_id.len(), "premiumSubscriber": premium}),
        refs: vec![("miniProfile", mini_profile(member))],
        lists: Vec::new(),
    };
    single(entity, normalized)
}

/// The answer to `verifyQuotaAndCreateV2`.
pub(crate) fn invitation_created(
    invitation: &Invitation,
    invitee: &Member,
    normalized: bool,
) -> Value {
    let value = Entity {
        value: json!({
            "invitationUrn": format!("urn:li:fsd_invitation:{}", invitation.id),
            "entityUrn": format!("urn:li:fsd_invitationCreationResult:{}", invitation.id),
        }),
        refs: vec![("invitee", dash_profile(invitee, invitee.degree))],
        lists: Vec::new(),
    };
    if normalized {
        let mut included = Vec::new();
        let inner = value.shallow(&mut included);
        json!({"data": {"value": inner, "$type": "com.linkedin.restli.common.ActionResponse"}, "included": included})
    } else {
        json!({"value": value.inline()})
    }
}

/// `GET /relationships/sentInvitationViewsV2`: one page, newest first.
pub(crate) fn sent_invitations(
    page: &[(&Invitation, &Member)],
    start: usize,
    total: usize,
    normalized: bool,
) -> Value {
    let rows = page
        .iter()
        .map(|(invitation, member)| Entity {
            value: json!({
                "$type": REL_INVITATION,
                "entityUrn": format!("urn:li:fs_relInvitation:{}", invitation.id),
                "invitationType": "CONNECTION",
                "sentTime": invitation.sent_at.as_millisecond(),
                "sharedSecret": invitation.shared_secret,
                "message": invitation.note,
                "genericInvitation": false,
            }),
            refs: vec![("toMember", mini_profile(member))],
            lists: Vec::new(),
        })
        .collect();
    let paging = json!({"start": start, "count": page.len(), "total": total});
    list(rows, paging, normalized)
}

/// `GET /relationships/invitationsSummaryV2?types=List(SENT_INVITATION_COUNT)`.
pub(crate) fn sent_count(total: usize, normalized: bool) -> Value {
    let summary = json!({
        "$type": "com.linkedin.voyager.relationships.invitation.InvitationsSummary",
        "numTotalSentInvitations": total,
    });
    single(Entity::leaf(summary), normalized)
}

/// The answer to either withdrawal form (`statusCodeMap` for the batch form).
pub(crate) fn action_value(value: Value, normalized: bool) -> Value {
    if normalized {
        json!({"data": {"value": value}, "included": []})
    } else {
        json!({"value": value})
    }
}

/// `GET /relationships/dash/connections`: recently added first.
pub(crate) fn connections(
    rows: &[(&Member, i64)],
    start: usize,
    total: usize,
    normalized: bool,
) -> Value {
    let entities = rows
        .iter()
        .map(|(member, created_at)| Entity {
            value: json!({
                "$type": CONNECTION,
                "entityUrn": format!("urn:li:fsd_connection:{}", member.profile_id),
                "createdAt": created_at,
                "connectedMember": member.profile_urn(),
            }),
            refs: vec![(
                "connectedMemberResolutionResult",
                dash_profile(member, Degree::First),
            )],
            lists: Vec::new(),
        })
        .collect();
    let paging = json!({"start": start, "count": rows.len(), "total": total});
    list(entities, paging, normalized)
}

fn message_entity(message: &Message, mailbox: &str, sender: &str) -> Entity {
    Entity::leaf(json!({
        "$type": MESSAGE,
        "entityUrn": format!("urn:li:msg_message:({mailbox},2-{})", message.id),
        "backendUrn": format!("urn:li:messagingMessage:2-{}", message.id),
        "conversationUrn": conversation_urn(mailbox, message.conversation),
        "deliveredAt": message.at.as_millisecond(),
        "sender": sender,
        "body": {"text": message.text, "attributes": []},
    }))
}

/// `urn:li:msg_conversation:(<mailbox urn>,2-<id>)`.
pub(crate) fn conversation_urn(mailbox: &str, id: u64) -> String {
    format!("urn:li:msg_conversation:({mailbox},2-{id})")
}

/// The answer to `createMessage`.
pub(crate) fn message_created(message: &Message, mailbox: &str, normalized: bool) -> Value {
    action_value(
        message_entity(message, mailbox, mailbox).inline(),
        normalized,
    )
}

/// The mailbox's messages (both directions), newest first.
pub(crate) fn messages(rows: &[(&Message, String)], mailbox: &str, normalized: bool) -> Value {
    let entities = rows
        .iter()
        .map(|(m, sender)| message_entity(m, mailbox, sender))
        .collect();
    let paging = json!({"start": 0, "count": rows.len(), "total": rows.len()});
    list(entities, paging, normalized)
}

/// A conversation for `GET /messaging/conversations`: its last activity (epoch ms), its id,
/// the member it is with, and its messages with their senders.
pub(crate) type ConversationRow<'a> = (
    i64,
    u64,
    Option<&'a Member>,
    Vec<(&'a Message, Option<&'a Member>)>,
);

/// `GET /messaging/conversations`: the other participant and each event with its sender's
/// mini profile (nested under `MessagingMember`, inline in both shapes) and the sender's
/// `originToken` when it gave one.
pub(crate) fn conversations(list: &[ConversationRow<'_>], normalized: bool) -> Value {
    let entities = list
        .iter()
        .map(|(last, id, with, events)| {
            let events: Vec<Value> = events
                .iter()
                .map(|(m, sender)| {
                    let from = sender.map(|s| mini_profile(s).inline());
                    let mut event = json!({
                        "entityUrn": format!("urn:li:fs_event:(2-{id},5-{})", m.id),
                        "createdAt": m.at.as_millisecond(),
                        "from": {"com.linkedin.voyager.messaging.MessagingMember": {"miniProfile": from}},
                        "eventContent": {"com.linkedin.voyager.messaging.event.MessageEvent": {
                            "attributedBody": {"text": m.text}
                        }},
                    });
                    if let Some(token) = &m.origin_token {
                        event["originToken"] = json!(token);
                    }
                    event
                })
                .collect();
            let participants: Vec<Value> = with
                .iter()
                .map(|member| {
                    json!({"com.linkedin.voyager.messaging.MessagingMember": {
                        "miniProfile": mini_profile(member).inline()
                    }})
                })
                .collect();
            Entity::leaf(json!({
                "entityUrn": format!("urn:li:fs_conversation:2-{id}"),
                "lastActivityAt": last,
                "participants": participants,
                "events": events,
            }))
        })
        .collect();
    let paging = json!({"start": 0, "count": list.len(), "total": list.len()});
    self::list(entities, paging, normalized)
}

/// A Voyager error body (the same in both shapes).
pub(crate) fn error(refusal: &Refusal) -> Value {
    json!({"status": refusal.status, "code": refusal.code, "message": refusal.message})
}
