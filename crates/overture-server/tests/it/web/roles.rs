//! The workspace switcher, another workspace's objects (404), and what each role is offered
//! and allowed.

use axum::http::StatusCode;
use overture_core::{CampaignStatus, InvitationState, Role};
use overture_store::{InvitationQuery, Store};

use super::pages::two_workspaces;
use super::{signed_in, user};
use crate::{WS, rig};

#[tokio::test]
async fn the_switcher_moves_the_session_to_another_workspace_of_the_user() {
    let r = rig().await;
    let (_, other, _) = two_workspaces(&r).await;
    let stranger = r.store.create_workspace("not hers").await.unwrap().id;
    let mut b = signed_in(&r, "ana@example.com").await;
    let home = b.get("/").await;
    assert!(home.body.contains("data-account=\"ana\""));
    assert_eq!(
        home.count("<option value="),
        2,
        "her two workspaces: {}",
        home.body
    );
    assert!(!home.body.contains("not hers"));
    let csrf = home.csrf();
    let before = b.cookies["overture_session"].clone();
    let refused = b
        .post(
            "/workspace",
            &[("csrf", &csrf), ("workspace", &stranger.to_string())],
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert_eq!(b.cookies["overture_session"], before, "nothing changed");
    let moved = b
        .post(
            "/workspace",
            &[("csrf", &csrf), ("workspace", &other.to_string())],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    assert_ne!(b.cookies["overture_session"], before, "a new session");
    let there = b.get("/").await;
    assert!(
        there.body.contains("data-account=\"zed\""),
        "{}",
        there.body
    );
    assert!(!there.body.contains("data-account=\"ana\""));
    assert!(there.body.contains("viewer of other client"));
    // The old session ended with the switch.
    let mut old = super::Browser::new(&r);
    old.cookies.insert("overture_session".to_owned(), before);
    assert_eq!(old.get("/").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn another_workspace_s_objects_answer_404_on_every_page_and_form() {
    let r = rig().await;
    let (_, other, theirs) = two_workspaces(&r).await;
    r.store
        .set_campaign_status(other, theirs.campaign, CampaignStatus::Active)
        .await
        .unwrap();
    let mut b = signed_in(&r, "ana@example.com").await;
    let csrf = b.csrf().await;
    let id = theirs.campaign.to_string();
    assert_eq!(
        b.get(&format!("/campaigns/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let pause = b
        .post(
            &format!("/campaigns/{id}/status"),
            &[("csrf", &csrf), ("to", "pause")],
        )
        .await;
    assert_eq!(pause.status, StatusCode::NOT_FOUND);
    assert_eq!(
        r.store
            .campaign(other, theirs.campaign)
            .await
            .unwrap()
            .status,
        CampaignStatus::Active
    );
    for field in ["one", "ids"] {
        let withdraw = b
            .post(
                "/invitations/withdraw",
                &[("csrf", &csrf), (field, &theirs.invitations[2].to_string())],
            )
            .await;
        assert_eq!(
            withdraw.status,
            StatusCode::NOT_FOUND,
            "{field}: {}",
            withdraw.body
        );
    }
    let pending = r
        .store
        .list_invitations(
            other,
            InvitationQuery {
                after: None,
                account: None,
                state: Some(InvitationState::Pending),
                sent_before: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(pending.len(), 2, "nothing withdrawn");
}

#[tokio::test]
async fn a_viewer_is_offered_no_changes_and_forged_posts_are_refused() {
    let r = rig().await;
    let (mine, _, _) = two_workspaces(&r).await;
    r.store
        .set_campaign_status(WS, mine.campaign, CampaignStatus::Active)
        .await
        .unwrap();
    user(&r, "vic@example.com", &[(WS, Role::Viewer)]).await;
    let mut b = signed_in(&r, "vic@example.com").await;
    let csrf = b.csrf().await;
    let invitations = b.get("/invitations?state=pending").await;
    assert_eq!(invitations.count("data-testid=\"invitation-row\""), 2);
    for absent in ["withdraw-one", "withdraw-selected", "invitation-select"] {
        assert!(!invitations.body.contains(absent), "{absent}");
    }
    let campaigns = b.get("/campaigns").await;
    assert!(!campaigns.body.contains("campaign-pause"));
    assert!(!campaigns.body.contains("campaign-status-form"));
    let detail = b.get(&format!("/campaigns/{}", mine.campaign)).await;
    assert!(!detail.body.contains("campaign-pause"));
    assert!(!b.get("/leads").await.body.contains("upload-form"));

    let pause = b
        .post(
            &format!("/campaigns/{}/status", mine.campaign),
            &[("csrf", &csrf), ("to", "pause")],
        )
        .await;
    assert_eq!(pause.status, StatusCode::FORBIDDEN);
    assert!(pause.body.contains("As a viewer"), "{}", pause.body);
    let withdraw = b
        .post(
            "/invitations/withdraw",
            &[("csrf", &csrf), ("one", &mine.invitations[2].to_string())],
        )
        .await;
    assert_eq!(withdraw.status, StatusCode::FORBIDDEN);
    let upload = b
        .post_multipart(
            "/leads",
            &[("csrf", &csrf), ("list", "more")],
            Some((
                "more.csv",
                "profile_url\nhttps://www.linkedin.com/in/fictional-new/\n",
            )),
        )
        .await;
    assert_eq!(upload.status, StatusCode::FORBIDDEN);
    assert_eq!(
        r.store.campaign(WS, mine.campaign).await.unwrap().status,
        CampaignStatus::Active
    );
    assert_eq!(
        r.store.list_lead_lists(WS).await.unwrap().len(),
        1,
        "no list `more`"
    );
}

#[tokio::test]
async fn a_member_pauses_a_running_campaign() {
    let r = rig().await;
    let (mine, _, _) = two_workspaces(&r).await;
    r.store
        .set_campaign_status(WS, mine.campaign, CampaignStatus::Active)
        .await
        .unwrap();
    user(&r, "max@example.com", &[(WS, Role::Member)]).await;
    let mut b = signed_in(&r, "max@example.com").await;
    let page = b.get("/campaigns").await;
    assert!(
        page.body.contains("data-testid=\"campaign-pause\""),
        "{}",
        page.body
    );
    let csrf = page.csrf();
    let answer = b
        .post(
            &format!("/campaigns/{}/status", mine.campaign),
            &[("csrf", &csrf), ("to", "pause")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert!(
        answer.body.contains("Campaign spring is paused"),
        "{}",
        answer.body
    );
    assert!(answer.body.contains("data-testid=\"campaign-start\""));
    assert_eq!(
        r.store.campaign(WS, mine.campaign).await.unwrap().status,
        CampaignStatus::Paused
    );
    let started = b
        .post(
            &format!("/campaigns/{}/status", mine.campaign),
            &[("csrf", &csrf), ("to", "start")],
        )
        .await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.body);
    assert!(
        started
            .body
            .contains("Campaign spring is active; 0 new lead(s) enrolled"),
        "{}",
        started.body
    );
    assert_eq!(
        r.store.campaign(WS, mine.campaign).await.unwrap().status,
        CampaignStatus::Active
    );
    let bad = b
        .post(
            &format!("/campaigns/{}/status", mine.campaign),
            &[("csrf", &csrf), ("to", "explode")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("start or pause"));
}
