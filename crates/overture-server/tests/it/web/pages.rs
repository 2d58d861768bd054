//! Each page shows the numbers the store holds, for the session's workspace only.

use axum::http::StatusCode;
use jiff::SignedDuration;
use overture_campaign::{ValidationContext, parse_campaign};
use overture_core::{
    AccountId, ActionKind, CampaignId, EventKind, InvitationEvent, InvitationId, LeadId, NewEvent,
    Role, Tier, WorkspaceId,
};
use overture_store::{Intent, NewAction, NewCampaignVersion, NewEnrollment, NewInvitation, Store};

use super::{signed_in, user};
use crate::{Rig, WS, now, rig, seat};

/// What [`seed`] made in a workspace.
pub(crate) struct Seeded {
    pub(crate) account: AccountId,
    pub(crate) campaign: CampaignId,
    pub(crate) leads: Vec<LeadId>,
    /// Sent 30, 20, 10 and 2 days ago; the first two accepted after 3 days and 1 day.
    pub(crate) invitations: Vec<InvitationId>,
}

async fn lead_in(r: &Rig, ws: WorkspaceId, slug: &str) -> LeadId {
    let url =
        overture_core::ProfileUrl::parse(&format!("https://www.linkedin.com/in/{slug}/")).unwrap();
    let mut new = overture_core::NewLead::new(url.clone());
    new.first_name = Some(format!("Fictional {slug}"));
    new.company = Some("Example Corp".to_owned());
    r.store
        .import_leads(ws, "people", &[new], now(), &|_| {})
        .await
        .unwrap();
    r.store.lead_by_url(ws, &url).await.unwrap().unwrap().id
}

/// An account `name`, four leads on `people`, a campaign `campaign` enrolling them, four
/// invitations, two accepted, one reply, and one invitation sent this week by the engine.
pub(crate) async fn seed(r: &Rig, ws: WorkspaceId, name: &str, campaign: &str) -> Seeded {
    let account = r.store.create_account(seat(ws, name)).await.unwrap();
    let mut leads = Vec::new();
    for i in 0..4 {
        leads.push(lead_in(r, ws, &format!("{campaign}-{i}")).await);
    }
    let source = format!(
        "name: {campaign}\naccounts: [{name}]\nleads: {{ list: people }}\nsteps:\n  - invite:\n      note: [\"Hello {{{{ first_name }}}}\", \"Hi {{{{ first_name }}}}, shall we connect?\"]\n"
    );
    let ctx = ValidationContext::new().with_account(name, Tier::Free);
    let spec = parse_campaign("c.yaml", &source, &ctx).unwrap_or_else(|e| panic!("{e:?}"));
    let applied = r
        .store
        .apply_campaign(
            ws,
            NewCampaignVersion {
                name: campaign.to_owned(),
                source,
                spec,
            },
            now(),
        )
        .await
        .unwrap();
    let campaign_id = applied.campaign.id;
    let enrollments: Vec<NewEnrollment> = leads
        .iter()
        .map(|&lead| NewEnrollment {
            lead,
            account: account.id,
            variants: vec![Some(0)],
        })
        .collect();
    r.store
        .enroll_leads(ws, campaign_id, &enrollments, now())
        .await
        .unwrap();
    let mut invitations = Vec::new();
    for (i, days) in [30i64, 20, 10, 2].into_iter().enumerate() {
        let sent_at = now() - SignedDuration::from_hours(24 * days);
        let invitation = r
            .store
            .record_invitation(NewInvitation {
                workspace_id: ws,
                account_id: account.id,
                lead_id: leads[i],
                campaign_id: Some(campaign_id),
                external_id: None,
                note: None,
                sent_at,
            })
            .await
            .unwrap();
        invitations.push(invitation.id);
    }
    for (i, after_days) in [(0usize, 3i64), (1, 1)] {
        let at = now() - SignedDuration::from_hours(24 * ([30i64, 20][i] - after_days));
        r.store
            .transition_invitation(ws, invitations[i], InvitationEvent::Accept, at)
            .await
            .unwrap();
    }
    for kind in [EventKind::ReplyReceived, EventKind::InviteAccepted] {
        r.store
            .append_event(NewEvent {
                workspace_id: ws,
                kind,
                at: now(),
                account_id: Some(account.id),
                lead_id: Some(leads[0]),
                campaign_id: Some(campaign_id),
                data: "{}".into(),
            })
            .await
            .unwrap();
    }
    // One invitation the engine sent yesterday: it counts against the weekly budget.
    r.store
        .enqueue_actions(&[NewAction {
            workspace_id: ws,
            account_id: account.id,
            lead_id: Some(leads[3]),
            campaign_id: Some(campaign_id),
            enrollment_id: None,
            kind: ActionKind::Invite,
            payload: "{}".into(),
            due_at: now() - SignedDuration::from_hours(24),
            idempotency_key: format!("{campaign}-invite"),
            variant: None,
        }])
        .await
        .unwrap();
    let claimed = r
        .store
        .claim_due_actions(now(), 10, SignedDuration::from_mins(5))
        .await
        .unwrap();
    for c in claimed {
        r.store
            .record_intent(Intent {
                action: c.action.id,
                fence: c.fence,
                at: now() - SignedDuration::from_hours(23),
                with_note: false,
            })
            .await
            .unwrap();
    }
    Seeded {
        account: account.id,
        campaign: campaign_id,
        leads,
        invitations,
    }
}

/// Two workspaces, both seeded; Ana is an owner of the first and a viewer of the second.
pub(crate) async fn two_workspaces(r: &Rig) -> (Seeded, WorkspaceId, Seeded) {
    let mine = seed(r, WS, "ana", "spring").await;
    let other = r.store.create_workspace("other client").await.unwrap().id;
    let theirs = seed(r, other, "zed", "secret-autumn").await;
    user(
        r,
        "ana@example.com",
        &[(WS, Role::Owner), (other, Role::Viewer)],
    )
    .await;
    (mine, other, theirs)
}

#[tokio::test]
async fn the_overview_shows_each_account_s_health() {
    let r = rig().await;
    let (_, _, _) = two_workspaces(&r).await;
    let mut b = signed_in(&r, "ana@example.com").await;
    let page = b.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.count("data-testid=\"account-row\""),
        1,
        "{}",
        page.body
    );
    assert!(page.body.contains("data-account=\"ana\""));
    assert!(!page.body.contains("zed"), "another workspace's account");
    let cap = overture_core::governor::Policy::default().max_pending;
    assert!(
        page.body.contains(&format!(
            "data-testid=\"pending-gauge\" min=\"0\" max=\"{cap}\""
        )),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(&format!(
            "<span data-testid=\"pending-count\">2 / {cap}</span>"
        )),
        "{}",
        page.body
    );
    let week = overture_core::limits::AccountLimits::for_tier(Tier::Free).kinds
        [&ActionKind::Invite]
        .per_week;
    assert!(
        page.body.contains(&format!(
            "<span data-testid=\"week-count\">1 / {week}</span>"
        )),
        "{}",
        page.body
    );
    assert!(page.body.contains("data-testid=\"account-state\">active<"));
    // A restriction shows with its reason.
    let account = r.store.list_accounts(WS).await.unwrap()[0].id;
    r.store
        .set_account_status(
            WS,
            account,
            overture_core::AccountStatus::Paused {
                reason: "checkpoint: confirm the login in the LinkedIn app".into(),
            },
        )
        .await
        .unwrap();
    let page = b.get("/").await;
    assert!(page.body.contains("data-testid=\"account-state\">paused<"));
    assert!(
        page.body
            .contains("checkpoint: confirm the login in the LinkedIn app")
    );
}

#[tokio::test]
async fn campaigns_show_their_funnel_and_variants() {
    let r = rig().await;
    let (mine, _, theirs) = two_workspaces(&r).await;
    let mut b = signed_in(&r, "ana@example.com").await;
    let page = b.get("/campaigns").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.count("data-testid=\"campaign-row\""), 1);
    for (testid, n) in [
        ("enrolled", 4),
        ("invited", 4),
        ("accepted", 2),
        ("replied", 1),
    ] {
        assert!(
            page.body
                .contains(&format!("data-testid=\"funnel-{testid}\">{n}<")),
            "{testid}: {}",
            page.body
        );
    }
    assert!(page.body.contains("50.0%"), "acceptance: {}", page.body);
    assert!(!page.body.contains("secret-autumn"));
    let detail = b.get(&format!("/campaigns/{}", mine.campaign)).await;
    assert_eq!(detail.status, StatusCode::OK);
    assert_eq!(
        detail.count("data-testid=\"variant-row\""),
        2,
        "{}",
        detail.body
    );
    assert!(
        detail
            .body
            .contains("Hi {{ first_name }}, shall we connect?")
    );
    let other = b.get(&format!("/campaigns/{}", theirs.campaign)).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    assert!(!other.body.contains("secret-autumn"));
    assert_eq!(
        b.get("/campaigns/999999").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn invitations_are_filtered_and_paged() {
    let r = rig().await;
    let (mine, _, _) = two_workspaces(&r).await;
    let mut b = signed_in(&r, "ana@example.com").await;
    let page = b.get("/invitations").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.count("data-testid=\"invitation-row\""),
        4,
        "{}",
        page.body
    );
    assert!(page.body.contains("data-testid=\"invitation-age\">30 d<"));
    assert!(page.body.contains("Fictional spring-3"));
    assert!(!page.body.contains("secret-autumn"));
    let pending = b.get("/invitations?state=pending").await;
    assert_eq!(pending.count("data-testid=\"invitation-row\""), 2);
    assert_eq!(pending.count("data-testid=\"withdraw-one\""), 2);
    let old = b.get("/invitations?state=pending&older_than=10").await;
    assert_eq!(
        old.count("data-testid=\"invitation-row\""),
        1,
        "{}",
        old.body
    );
    assert!(
        old.body
            .contains(&format!("data-invitation=\"{}\"", mine.invitations[2]))
    );
    let bad = b.get("/invitations?state=lost").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("state `lost`"), "{}", bad.body);
    let bad = b.get("/invitations?older_than=soon").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("older_than"), "{}", bad.body);
    // The cursor: 51 invitations make two pages.
    for i in 0..47 {
        let lead = lead_in(&r, WS, &format!("many-{i}")).await;
        r.store
            .record_invitation(NewInvitation {
                workspace_id: WS,
                account_id: mine.account,
                lead_id: lead,
                campaign_id: None,
                external_id: None,
                note: None,
                sent_at: now(),
            })
            .await
            .unwrap();
    }
    let first = b.get("/invitations").await;
    assert_eq!(
        first.count("data-testid=\"invitation-row\""),
        50,
        "{}",
        first.body
    );
    let at = first
        .body
        .find("data-testid=\"next-page\"")
        .expect("a next page");
    let href_start = first.body[..at].rfind("href=\"").unwrap() + 6;
    let href = super::unescape(first.body[href_start..].split('"').next().unwrap());
    let second = b.get(&href).await;
    assert_eq!(second.count("data-testid=\"invitation-row\""), 1, "{href}");
    assert!(!second.body.contains("data-testid=\"next-page\""));
}

#[tokio::test]
async fn charts_carry_their_numbers_in_tables() {
    let r = rig().await;
    two_workspaces(&r).await;
    let mut b = signed_in(&r, "ana@example.com").await;
    let page = b.get("/charts").await;
    assert_eq!(page.status, StatusCode::OK);
    // Sent on 2026-01-31 (a Saturday), 02-10, 02-20 and 02-28 (a Saturday).
    for (week, sent, accepted) in [
        ("2026-01-26", 1, 1),
        ("2026-02-09", 1, 1),
        ("2026-02-16", 1, 0),
        ("2026-02-23", 1, 0),
    ] {
        let row = format!(
            "data-week=\"{week}\"><td>{week}</td><td data-testid=\"week-sent\">{sent}</td><td data-testid=\"week-accepted\">{accepted}</td>"
        );
        assert!(page.body.contains(&row), "{week}: {}", page.body);
    }
    assert_eq!(page.count("data-testid=\"week-row\""), 4);
    for (days, count) in [(0, 0), (1, 1), (3, 1), (14, 0)] {
        let row = format!("data-days=\"{days}\">");
        let at = page.body.find(&row).unwrap();
        assert!(
            page.body[at..].contains(&format!("data-testid=\"accept-count\">{count}<")),
            "{days}"
        );
        let next_row = page.body[at..].find("</tr>").unwrap();
        assert!(
            page.body[at..at + next_row].contains(&format!(">{count}<")),
            "{days}"
        );
    }
    assert!(
        page.body
            .contains("data-chart=\"{&quot;accept&quot;:{&quot;count&quot;:[0,1,0,1,0,"),
        "the chart's data: {}",
        page.body
    );
}

#[tokio::test]
async fn the_event_feed_polls_for_newer_events() {
    let r = rig().await;
    let (mine, _, _) = two_workspaces(&r).await;
    let mut b = signed_in(&r, "ana@example.com").await;
    let page = b.get("/events").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("hx-trigger=\"every 3s\""));
    assert!(page.body.contains("data-testid=\"events-refresh\""));
    let rows = page.count("data-testid=\"event-row\"");
    assert!(rows >= 3, "{}", page.body);
    assert!(page.body.contains("data-kind=\"invite_accepted\""));
    let last: i64 = {
        let at = page.body.find("/events/feed?after=").unwrap() + 19;
        page.body[at..].split('"').next().unwrap().parse().unwrap()
    };
    let empty = b.get(&format!("/events/feed?after={last}")).await;
    assert_eq!(empty.count("data-testid=\"event-row\""), 0);
    assert!(empty.body.contains(&format!("/events/feed?after={last}")));
    r.store
        .append_event(NewEvent {
            workspace_id: WS,
            kind: EventKind::ReplyReceived,
            at: now(),
            account_id: Some(mine.account),
            lead_id: Some(mine.leads[1]),
            campaign_id: Some(mine.campaign),
            data: "{}".into(),
        })
        .await
        .unwrap();
    let fresh = b.get(&format!("/events/feed?after={last}")).await;
    assert_eq!(
        fresh.count("data-testid=\"event-row\""),
        1,
        "{}",
        fresh.body
    );
    assert!(fresh.body.contains("data-kind=\"reply_received\""));
    assert!(!fresh.body.contains(&format!("/events/feed?after={last}\"")));
}

#[tokio::test]
async fn leads_are_listed_by_list() {
    let r = rig().await;
    two_workspaces(&r).await;
    let mut b = signed_in(&r, "ana@example.com").await;
    let page = b.get("/leads").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.count("data-testid=\"lead-row\""), 4, "{}", page.body);
    assert!(page.body.contains("data-list=\"people\""));
    assert!(page.body.contains("data-testid=\"list-size\">4<"));
    assert!(!page.body.contains("secret-autumn"));
    assert_eq!(
        b.get("/leads?list=people")
            .await
            .count("data-testid=\"lead-row\""),
        4
    );
    let nobody = b.get("/leads?list=nobody").await;
    assert_eq!(nobody.status, StatusCode::NOT_FOUND, "{}", nobody.body);
}

#[tokio::test]
async fn assets_are_served_from_the_binary_with_their_types() {
    let r = rig().await;
    let mut b = super::Browser::new(&r);
    for (file, kind) in [
        ("htmx-2.0.11.min.js", "text/javascript; charset=utf-8"),
        ("uplot-1.6.32.iife.min.js", "text/javascript; charset=utf-8"),
        ("uplot-1.6.32.min.css", "text/css; charset=utf-8"),
        ("dashboard.css", "text/css; charset=utf-8"),
        ("dashboard.js", "text/javascript; charset=utf-8"),
        ("htmx.LICENSE", "text/plain; charset=utf-8"),
        ("uplot.LICENSE", "text/plain; charset=utf-8"),
    ] {
        let answer = b.get(&format!("/assets/{file}")).await;
        assert_eq!(answer.status, StatusCode::OK, "{file}");
        assert_eq!(answer.headers["content-type"], kind, "{file}");
        assert_eq!(
            answer.headers["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert!(answer.body.len() > 100, "{file}");
    }
    assert!(
        b.get("/assets/htmx-2.0.11.min.js")
            .await
            .body
            .contains("htmx")
    );
    assert_eq!(
        b.get("/assets/nothing.js").await.status,
        StatusCode::NOT_FOUND
    );
    // The sign-in page links them with their version.
    let login = b.get("/login").await;
    assert!(
        login.body.contains("/assets/dashboard.css?v="),
        "{}",
        login.body
    );
    assert!(
        login.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("script-src 'self'")
    );
}
