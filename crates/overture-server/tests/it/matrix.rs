//! Table-driven checks over every operation of the OpenAPI document: each role is allowed or
//! refused (403) as the table says, and every operation that takes an id answers 404, without
//! any of its data, for another workspace's object. An operation without a row fails the
//! first test, so a new endpoint cannot be forgotten.

use std::collections::BTreeSet;

use overture_core::{AccountStatus, CampaignStatus, Role, WorkspaceId};
use overture_store::{NewCampaignVersion, NewInvitation, Store, WebhookStore as _};

use crate::api::{send, token};
use crate::{Rig, lead, now, rig_with_key, seat};

/// Who may call an operation: nobody needs a token, or the least role that may.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Public,
    AtLeast(Role),
}

/// One operation: method, path as documented, who may call it, a content type and a body
/// (`{invitation}` stands for an invitation id).
struct Row(&'static str, &'static str, Who, &'static str, &'static str);

const JSON: &str = "application/json";
const YAML: &str = "application/yaml";
const CAMPAIGN: &str =
    "name: matrix\naccounts: [ana]\nleads: { list: people }\nsteps:\n  - visit_profile\n";

use Role::{Admin, Member, Viewer};
use Who::{AtLeast, Public};

const ROWS: &[Row] = &[
    Row("get", "/healthz", Public, JSON, ""),
    Row("get", "/metrics", Public, JSON, ""),
    Row("get", "/u/{token}", Public, JSON, ""),
    Row("post", "/u/{token}", Public, JSON, ""),
    Row("get", "/api/v1/accounts", AtLeast(Viewer), JSON, ""),
    Row(
        "post",
        "/api/v1/accounts",
        AtLeast(Admin),
        JSON,
        r#"{"name":"matrix","kind":"sandbox"}"#,
    ),
    Row("get", "/api/v1/accounts/{id}", AtLeast(Viewer), JSON, ""),
    Row(
        "post",
        "/api/v1/accounts/{id}/pause",
        AtLeast(Admin),
        JSON,
        "",
    ),
    Row(
        "post",
        "/api/v1/accounts/{id}/resume",
        AtLeast(Admin),
        JSON,
        "",
    ),
    Row(
        "get",
        "/api/v1/accounts/{id}/health",
        AtLeast(Viewer),
        JSON,
        "",
    ),
    Row("get", "/api/v1/suppressions", AtLeast(Viewer), JSON, ""),
    Row(
        "post",
        "/api/v1/suppressions",
        AtLeast(Member),
        JSON,
        r#"{"entries":["m@example.com"]}"#,
    ),
    Row("get", "/api/v1/leads", AtLeast(Viewer), JSON, ""),
    Row(
        "post",
        "/api/v1/leads",
        AtLeast(Member),
        "text/csv",
        "LinkedIn URL\nhttps://www.linkedin.com/in/matrix-person\n",
    ),
    Row("get", "/api/v1/leads/{id}", AtLeast(Viewer), JSON, ""),
    Row("delete", "/api/v1/leads/{id}", AtLeast(Member), JSON, ""),
    Row("get", "/api/v1/lists", AtLeast(Viewer), JSON, ""),
    Row("get", "/api/v1/invitations", AtLeast(Viewer), JSON, ""),
    Row(
        "post",
        "/api/v1/invitations/{id}/withdraw",
        AtLeast(Member),
        JSON,
        "",
    ),
    Row(
        "post",
        "/api/v1/invitations/withdraw",
        AtLeast(Member),
        JSON,
        r#"{"ids":[{invitation}]}"#,
    ),
    Row("get", "/api/v1/events", AtLeast(Viewer), JSON, ""),
    Row("get", "/api/v1/campaigns", AtLeast(Viewer), JSON, ""),
    Row("post", "/api/v1/campaigns", AtLeast(Member), YAML, CAMPAIGN),
    Row(
        "post",
        "/api/v1/campaigns/validate",
        AtLeast(Viewer),
        YAML,
        CAMPAIGN,
    ),
    Row(
        "post",
        "/api/v1/campaigns/{id}/start",
        AtLeast(Member),
        JSON,
        "",
    ),
    Row(
        "post",
        "/api/v1/campaigns/{id}/pause",
        AtLeast(Member),
        JSON,
        "",
    ),
    Row(
        "get",
        "/api/v1/campaigns/{id}/stats",
        AtLeast(Viewer),
        JSON,
        "",
    ),
    Row("get", "/api/v1/webhooks", AtLeast(Admin), JSON, ""),
    Row(
        "post",
        "/api/v1/webhooks",
        AtLeast(Admin),
        JSON,
        r#"{"url":"https://203.0.113.10/m","events":["invite_sent"]}"#,
    ),
    Row("delete", "/api/v1/webhooks/{id}", AtLeast(Admin), JSON, ""),
];

#[test]
fn every_documented_operation_has_a_row_and_every_row_is_documented() {
    let doc = serde_json::to_value(overture_server::openapi()).unwrap();
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.insert((method.clone(), path.clone()));
        }
    }
    let rows: BTreeSet<(String, String)> = ROWS
        .iter()
        .map(|r| (r.0.to_owned(), r.1.to_owned()))
        .collect();
    let missing: Vec<_> = documented.difference(&rows).collect();
    assert!(
        missing.is_empty(),
        "operations without a row in ROWS: {missing:?}"
    );
    let stale: Vec<_> = rows.difference(&documented).collect();
    assert!(
        stale.is_empty(),
        "rows of undocumented operations: {stale:?}"
    );
}

/// The objects of one workspace that the ids in paths name.
struct Objects {
    account: i64,
    lead: i64,
    campaign: i64,
    invitation: i64,
    webhook: i64,
}

/// An account `ana`, a lead on `people`, a campaign, a pending invitation and a webhook in
/// `ws`; names start with `prefix`, so an answer that leaks them is found.
async fn objects(r: &Rig, ws: WorkspaceId, prefix: &str) -> Objects {
    let account = r.store.create_account(seat(ws, "ana")).await.unwrap();
    let person = if ws == crate::WS {
        lead(
            &r.store,
            &format!("{prefix}-person"),
            &format!("{prefix}@example.net"),
        )
        .await
    } else {
        let url = overture_core::ProfileUrl::parse(&format!(
            "https://www.linkedin.com/in/{prefix}-person"
        ))
        .unwrap();
        let mut new = overture_core::NewLead::new(url.clone());
        new.email = Some(format!("{prefix}@example.net"));
        r.store
            .import_leads(ws, "people", &[new], now(), &|_| {})
            .await
            .unwrap();
        r.store.lead_by_url(ws, &url).await.unwrap().unwrap().id
    };
    let version = NewCampaignVersion {
        name: format!("{prefix}-campaign"),
        source: CAMPAIGN.into(),
        spec: serde_json::from_value(serde_json::json!({
            "name": format!("{prefix}-campaign"),
            "accounts": ["ana"],
            "leads": { "list": "people" },
            "settings": { "stop_on_reply": true, "skip_if_contacted_by_any_campaign": true },
            "steps": [ { "label": null, "kind": { "type": "visit_profile" } } ],
        }))
        .unwrap(),
    };
    let campaign = r
        .store
        .apply_campaign(ws, version, now())
        .await
        .unwrap()
        .campaign;
    let invitation = r
        .store
        .record_invitation(NewInvitation {
            workspace_id: ws,
            account_id: account.id,
            lead_id: person,
            campaign_id: Some(campaign.id),
            external_id: None,
            note: Some(format!("{prefix} note")),
            sent_at: now() - jiff::SignedDuration::from_hours(24 * 30),
        })
        .await
        .unwrap();
    let owner = token(r, ws, Role::Owner).await;
    let body = format!(r#"{{"url":"https://203.0.113.10/{prefix}","events":["invite_sent"]}}"#);
    let (status, hook) = send(r, "POST", "/api/v1/webhooks", Some(&owner), JSON, &body).await;
    assert_eq!(status, 201, "{hook}");
    Objects {
        account: account.id.get(),
        lead: person.get(),
        campaign: campaign.id.get(),
        invitation: invitation.id.get(),
        webhook: hook["webhook"]["id"].as_i64().unwrap(),
    }
}

/// The row's path and body with the ids of `o`.
fn request(row: &Row, o: &Objects) -> (String, String) {
    let id = match row.1.split('/').nth(3) {
        Some("accounts") => o.account,
        Some("leads") => o.lead,
        Some("campaigns") => o.campaign,
        Some("invitations") => o.invitation,
        Some("webhooks") => o.webhook,
        _ => 0,
    };
    let path = row.1.replace("{id}", &id.to_string());
    let body = row.4.replace("{invitation}", &o.invitation.to_string());
    (path, body)
}

#[tokio::test]
async fn each_role_is_allowed_or_refused_as_the_table_says() {
    let r = rig_with_key().await;
    let mine = objects(&r, crate::WS, "mine").await;
    for role in Role::ALL {
        let t = token(&r, crate::WS, role).await;
        for row in ROWS {
            let AtLeast(least) = row.2 else { continue };
            let (path, body) = request(row, &mine);
            let method = row.0.to_ascii_uppercase();
            let (status, answer) = send(&r, &method, &path, Some(&t), row.3, &body).await;
            if role < least {
                assert_eq!(status, 403, "{role} {method} {path}: {answer}");
            } else {
                assert!(
                    status != 403 && status != 401,
                    "{role} {method} {path} answered {status}: {answer}"
                );
            }
        }
    }
}

#[tokio::test]
async fn another_workspace_s_objects_answer_404_without_their_data() {
    let r = rig_with_key().await;
    objects(&r, crate::WS, "mine").await;
    let other = r.store.create_workspace("other client").await.unwrap().id;
    let theirs = objects(&r, other, "zed").await;
    let owner = token(&r, crate::WS, Role::Owner).await;
    let mut checked = 0;
    for row in ROWS
        .iter()
        .filter(|r| r.1.contains("{id}") || r.4.contains("{invitation}"))
    {
        let (path, body) = request(row, &theirs);
        let method = row.0.to_ascii_uppercase();
        let (status, answer) = send(&r, &method, &path, Some(&owner), row.3, &body).await;
        assert_eq!(status, 404, "{method} {path}: {answer}");
        assert!(
            !answer.to_string().contains("zed"),
            "{method} {path} leaks: {answer}"
        );
        checked += 1;
    }
    assert_eq!(checked, 12, "every operation with an id is checked");
    // Nothing of theirs changed.
    let account = r.store.account(other, theirs.account.into()).await.unwrap();
    assert_eq!(account.status, AccountStatus::Active);
    let campaign = r
        .store
        .campaign(other, theirs.campaign.into())
        .await
        .unwrap();
    assert_eq!(campaign.status, CampaignStatus::Draft);
    assert!(r.store.lead(other, theirs.lead.into()).await.is_ok());
    assert_eq!(
        r.store.list_webhook_endpoints(other).await.unwrap().len(),
        1
    );
    assert_eq!(
        r.store
            .pending_count(other, theirs.account.into())
            .await
            .unwrap(),
        1
    );
    let queued = r
        .store
        .list_actions(
            other,
            overture_store::ActionQuery {
                state: None,
                account: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert!(queued.is_empty(), "no withdrawal queued: {queued:?}");
}
