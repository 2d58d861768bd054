//! `/api/v1/leads` and `/api/v1/lists`: CSV uploads, pages, erasure.

use overture_core::{Role, SuppressionKind};
use overture_store::{LeadQuery, Store};

use axum::http::StatusCode;
use serde_json::Value;

use crate::api::{call, send, token};
use crate::{WS, rig};

const CSV: &str = "First Name,Last Name,LinkedIn URL,Email\n\
Ana,Example,https://www.linkedin.com/in/ana-example,ana@example.com\n\
Ben,Sample,https://www.linkedin.com/in/ben-sample/,ben@example.com\n\
Cy,Demo,https://linkedin.com/in/cy-demo,\n\
Ana,,https://www.linkedin.com/in/ana-example,\n";

/// Uploads `csv` onto `list`.
async fn upload(r: &crate::Rig, token: &str, list: &str, csv: &str) -> (StatusCode, Value) {
    let uri = format!("/api/v1/leads?list={list}");
    send(r, "POST", &uri, Some(token), "text/csv", csv).await
}

#[tokio::test]
async fn a_csv_upload_imports_all_rows_or_names_the_line_and_field_and_imports_none() {
    let r = rig().await;
    let member = token(&r, WS, Role::Member).await;
    let bad = "First Name,LinkedIn URL,Email\n\
Ana,https://www.linkedin.com/in/ana-example,ana@example.com\n\
Ben,https://www.linkedin.com/in/ben-sample,not-an-address\n";
    let (status, err) = upload(&r, &member, "spring", bad).await;
    assert_eq!(status, 400, "{err}");
    let message = err["error"].as_str().unwrap();
    assert!(message.contains(":3: field `Email`"), "{message}");
    assert!(message.contains("nothing was imported"), "{message}");
    assert_eq!(err["problems"][0]["line"], 3);
    assert_eq!(err["problems"][0]["field"], "Email");
    let all = LeadQuery {
        list: None,
        after: None,
        limit: 10,
    };
    assert!(
        r.store
            .list_leads(WS, all.clone())
            .await
            .unwrap()
            .is_empty()
    );

    let (status, _) = send(
        &r,
        "POST",
        "/api/v1/leads",
        Some(&member),
        "application/json",
        CSV,
    )
    .await;
    assert_eq!(status, 415, "CSV only");
    let (status, done) = send(
        &r,
        "POST",
        "/api/v1/leads?list=spring",
        Some(&member),
        "text/csv; charset=utf-8",
        CSV,
    )
    .await;
    assert_eq!(status, 201, "{done}");
    assert_eq!(
        done,
        serde_json::json!({"list": "spring", "imported": 3, "updated": 0, "unchanged": 0, "duplicates_merged": 1})
    );
    let (_, lists) = call(&r, "GET", "/api/v1/lists", Some(&member), "").await;
    assert_eq!(lists[0]["name"], "spring");
    assert_eq!(lists[0]["leads"], 3);
}

#[tokio::test]
async fn leads_are_paged_by_cursor_and_filtered_by_list() {
    let r = rig().await;
    let member = token(&r, WS, Role::Member).await;
    upload(&r, &member, "spring", CSV).await;
    let other = "LinkedIn URL\nhttps://www.linkedin.com/in/dee-fictional\n";
    upload(&r, &member, "autumn", other).await;
    let viewer = token(&r, WS, Role::Viewer).await;
    let (status, first) = call(&r, "GET", "/api/v1/leads?limit=2", Some(&viewer), "").await;
    assert_eq!(status, 200);
    assert_eq!(first["items"][0]["first_name"], "Ana");
    assert_eq!(first["items"][0]["email"], "ana@example.com");
    let next = first["next"].as_i64().expect("a second page");
    let (_, second) = call(
        &r,
        "GET",
        &format!("/api/v1/leads?limit=2&after={next}"),
        Some(&viewer),
        "",
    )
    .await;
    let urls: Vec<&str> = second["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["profile_url"].as_str().unwrap())
        .collect();
    assert_eq!(
        urls,
        [
            "https://www.linkedin.com/in/cy-demo",
            "https://www.linkedin.com/in/dee-fictional"
        ]
    );
    assert!(second.get("next").is_none());
    let (_, autumn) = call(&r, "GET", "/api/v1/leads?list=autumn", Some(&viewer), "").await;
    assert_eq!(autumn["items"].as_array().unwrap().len(), 1);
    let (status, _) = call(&r, "GET", "/api/v1/leads?list=winter", Some(&viewer), "").await;
    assert_eq!(status, 404, "an unknown list");
    let id = first["items"][1]["id"].as_i64().unwrap();
    let (status, one) = call(&r, "GET", &format!("/api/v1/leads/{id}"), Some(&viewer), "").await;
    assert_eq!(
        (status, &one["first_name"]),
        (StatusCode::OK, &serde_json::json!("Ben"))
    );
}

#[tokio::test]
async fn erasing_a_lead_removes_it_and_keeps_only_hashes_on_the_suppression_list() {
    let r = rig().await;
    let member = token(&r, WS, Role::Member).await;
    upload(&r, &member, "spring", CSV).await;
    let (_, page) = call(&r, "GET", "/api/v1/leads", Some(&member), "").await;
    let ana = page["items"][0]["id"].as_i64().unwrap();
    let viewer = token(&r, WS, Role::Viewer).await;
    let uri = format!("/api/v1/leads/{ana}");
    assert_eq!(call(&r, "DELETE", &uri, Some(&viewer), "").await.0, 403);
    let (status, erased) = call(&r, "DELETE", &uri, Some(&member), "").await;
    assert_eq!(status, 200, "{erased}");
    assert_eq!(erased["suppressed"], 2);
    assert_eq!(call(&r, "GET", &uri, Some(&member), "").await.0, 404);
    assert_eq!(call(&r, "DELETE", &uri, Some(&member), "").await.0, 404);
    let (_, list) = call(&r, "GET", "/api/v1/suppressions", Some(&member), "").await;
    let text = list.to_string();
    assert!(!text.contains("ana"), "{text}");
    assert_eq!(list.as_array().unwrap().len(), 2);
    // Uploaded again, Ana is suppressed at once.
    upload(&r, &member, "again", CSV).await;
    let entries = r.store.list_suppressions(WS).await.unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e.kind == SuppressionKind::Address && e.value == "ana@example.com")
    );
}
