//! The forms that change things: withdrawing invitations through the governor and uploading
//! leads.

use axum::http::StatusCode;
use overture_core::{ActionKind, ActionState, Role};
use overture_store::{ActionQuery, LeadQuery, Store};

use super::pages::two_workspaces;
use super::{signed_in, user};
use crate::{WS, rig};

async fn queued_withdrawals(r: &crate::Rig) -> usize {
    r.store
        .list_actions(
            WS,
            ActionQuery {
                state: Some(ActionState::Queued),
                account: None,
                limit: 100,
            },
        )
        .await
        .unwrap()
        .iter()
        .filter(|a| a.kind == ActionKind::Withdraw)
        .count()
}

#[tokio::test]
async fn withdrawing_queues_through_the_governor_and_never_twice() {
    let r = rig().await;
    let (mine, _, _) = two_workspaces(&r).await;
    user(&r, "max@example.com", &[(WS, Role::Member)]).await;
    let mut b = signed_in(&r, "max@example.com").await;
    let page = b.get("/invitations?state=pending").await;
    let csrf = page.csrf();
    let ten_days = mine.invitations[2].to_string();
    let answer = b
        .post(
            "/invitations/withdraw",
            &[("csrf", &csrf), ("state", "pending"), ("one", &ten_days)],
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert!(
        answer.body.contains("1 withdrawal(s) queued"),
        "{}",
        answer.body
    );
    assert_eq!(queued_withdrawals(&r).await, 1);
    // The filter is kept, and the invitation stays pending until the engine withdraws it.
    assert_eq!(answer.count("data-testid=\"invitation-row\""), 2);
    let again = b
        .post(
            "/invitations/withdraw",
            &[("csrf", &csrf), ("one", &ten_days)],
        )
        .await;
    assert!(
        again
            .body
            .contains("0 withdrawal(s) queued; 1 already queued"),
        "{}",
        again.body
    );
    assert_eq!(queued_withdrawals(&r).await, 1, "not queued twice");
    // A selection: one already queued, one too young for the policy, one accepted.
    let selection = b
        .post(
            "/invitations/withdraw",
            &[
                ("csrf", &csrf),
                ("ids", &ten_days),
                ("ids", &mine.invitations[3].to_string()),
                ("ids", &mine.invitations[0].to_string()),
            ],
        )
        .await;
    assert_eq!(selection.status, StatusCode::OK);
    assert!(
        selection.body.contains("0 withdrawal(s) queued; 1 already queued; 1 no longer pending; 1 kept by the account&#x27;s policy"),
        "{}",
        selection.body
    );
    assert_eq!(queued_withdrawals(&r).await, 1);
    let nothing = b.post("/invitations/withdraw", &[("csrf", &csrf)]).await;
    assert_eq!(nothing.status, StatusCode::BAD_REQUEST);
    assert!(nothing.body.contains("Tick the invitations"));
    let bad = b
        .post(
            "/invitations/withdraw",
            &[("csrf", &csrf), ("ids", "seven")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.body.contains("`ids` must be an invitation id"),
        "{}",
        bad.body
    );
}

#[tokio::test]
async fn uploading_leads_imports_them_all_or_nothing() {
    let r = rig().await;
    two_workspaces(&r).await;
    let mut b = signed_in(&r, "ana@example.com").await;
    let page = b.get("/leads").await;
    assert!(page.body.contains("data-testid=\"upload-form\""));
    let csrf = page.csrf();
    let good = "profile_url,first_name,email\n\
        https://www.linkedin.com/in/fictional-upload-1/,Una,una@example.com\n\
        https://www.linkedin.com/in/fictional-upload-2/,Dos,dos@example.com\n";
    let answer = b
        .post_multipart(
            "/leads",
            &[("csrf", &csrf), ("list", "conference")],
            Some(("conference.csv", good)),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert!(
        answer.body.contains("Imported onto conference: 2 new"),
        "{}",
        answer.body
    );
    assert_eq!(
        answer.count("data-testid=\"lead-row\""),
        2,
        "the list is shown"
    );
    let on_list = r
        .store
        .list_leads(
            WS,
            LeadQuery {
                list: Some("conference".into()),
                after: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(on_list.len(), 2);

    let bad = "profile_url,first_name\n\
        https://www.linkedin.com/in/fictional-upload-3/,Tres\n\
        not a profile,Cuatro\n";
    let refused = b
        .post_multipart(
            "/leads",
            &[("csrf", &csrf), ("list", "later")],
            Some(("later.csv", bad)),
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(refused.body.contains("data-testid=\"upload-error\""));
    assert!(refused.body.contains("line 3"), "{}", refused.body);
    assert!(
        refused.body.contains("name=\"list\" value=\"later\""),
        "the form keeps the list: {}",
        refused.body
    );
    let lists = r.store.list_lead_lists(WS).await.unwrap();
    assert!(
        lists.iter().all(|(l, _)| l.name != "later"),
        "nothing imported"
    );
    let empty = b
        .post_multipart("/leads", &[("csrf", &csrf), ("list", "later")], None)
        .await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(empty.body.contains("choose a CSV file"), "{}", empty.body);
}
