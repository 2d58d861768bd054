//! Acceptances (now and on schedule), recent connections, messages and replies.

use jiff::SignedDuration;
use overture_fake_linkedin::{paths, profile_id_for};
use serde_json::{Value, json};

use crate::client::{Client, SHAPES, elements, start};

fn mailbox_query(account_slug: &str, after: i64) -> String {
    format!(
        "{}?q=mailbox&mailboxUrn=urn%3Ali%3Afsd_profile%3A{}&createdAfter={after}&count=20",
        paths::MESSAGES,
        profile_id_for(account_slug)
    )
}

fn first_message(to: &str, text: &str, token: &str) -> Value {
    json!({
        "message": {"body": {"text": text, "attributes": []}, "renderContentUnions": [], "originToken": token},
        "mailboxUrn": format!("urn:li:fsd_profile:{}", profile_id_for("ada-quillfeather")),
        "trackingId": "fictional-tracking",
        "dedupeByClientGeneratedToken": false,
        "hostRecipientUrns": [format!("urn:li:fsd_profile:{}", profile_id_for(to))],
    })
}

#[tokio::test]
async fn scheduled_acceptance_shows_in_connections_and_degree_when_the_clock_gets_there() {
    for shape in SHAPES {
        let (fake, clock) = start(shape).await;
        let ada = Client::new(&fake, "ada");
        ada.invite_slug("tomas-veller", None).await;
        ada.invite_slug("marco-fenwick", None).await;
        fake.accept("ada", "marco-fenwick").unwrap();
        let at = clock_now(&clock) + SignedDuration::from_hours(30);
        fake.accept_at("ada", "tomas-veller", at);
        let connections = format!(
            "{}?q=search&sortType=RECENTLY_ADDED&start=0&count=40",
            paths::CONNECTIONS
        );
        let names = |v: Value| -> Vec<Value> {
            elements(&v)
                .iter()
                .map(|c| c["connectedMemberResolutionResult"]["publicIdentifier"].clone())
                .collect()
        };
        assert_eq!(
            names(ada.get(&connections).await.json()),
            vec![json!("marco-fenwick"), json!("priya-lowden")]
        );
        clock.advance(SignedDuration::from_hours(30));
        assert_eq!(
            names(ada.get(&connections).await.json())[0],
            "tomas-veller",
            "{shape:?}"
        );
        let profile = elements(&ada.profile("tomas-veller").await.json());
        assert!(profile[0]["memberRelationship"]["memberRelationship"]["connection"].is_object());
        assert!(elements(&ada.sent(0, 10).await.json()).is_empty());
        assert!(fake.is_connected("ada", "tomas-veller"));
    }
}

fn clock_now(clock: &overture_clock::ManualClock) -> jiff::Timestamp {
    use overture_clock::Clock;
    clock.now()
}

#[tokio::test]
async fn messages_start_conversations_continue_them_and_replies_are_listed() {
    for shape in SHAPES {
        let (fake, clock) = start(shape).await;
        let ada = Client::new(&fake, "ada");
        let create = format!("{}?action=createMessage", paths::MESSAGES);
        let refused = ada
            .post(&create, first_message("tomas-veller", "Hi", "t-0"))
            .await;
        assert_eq!(
            (refused.status, refused.code()),
            (403, json!("NOT_CONNECTED"))
        );

        let sent = ada
            .post(
                &create,
                first_message("priya-lowden", "Thanks for connecting", "t-1"),
            )
            .await
            .json();
        let value = sent.get("data").unwrap_or(&sent)["value"].clone();
        let conversation = value["conversationUrn"].as_str().unwrap().to_owned();
        // The same originToken again sends nothing new.
        let again = ada
            .post(
                &create,
                first_message("priya-lowden", "Thanks for connecting", "t-1"),
            )
            .await
            .json();
        assert_eq!(
            again.get("data").unwrap_or(&again)["value"]["entityUrn"],
            value["entityUrn"]
        );

        clock.advance(SignedDuration::from_hours(1));
        let follow_up = json!({
            "message": {"body": {"text": "One more thing"}, "originToken": "t-2"},
            "mailboxUrn": format!("urn:li:fsd_profile:{}", profile_id_for("ada-quillfeather")),
            "trackingId": "x",
            "conversationUrn": conversation,
        });
        assert_eq!(ada.post(&create, follow_up).await.status, 200);
        let before_reply = clock_now(&clock).as_millisecond();
        clock.advance(SignedDuration::from_hours(1));
        fake.reply("ada", "priya-lowden", "Happy to chat").unwrap();
        fake.reply_at(
            "ada",
            "priya-lowden",
            "Tuesday works",
            clock_now(&clock) + SignedDuration::from_hours(5),
        );

        let new = elements(
            &ada.get(&mailbox_query("ada-quillfeather", before_reply))
                .await
                .json(),
        );
        assert_eq!(new.len(), 1, "{shape:?}");
        assert_eq!(new[0]["body"]["text"], "Happy to chat");
        assert_eq!(
            new[0]["sender"],
            format!("urn:li:fsd_profile:{}", profile_id_for("priya-lowden"))
        );
        assert_eq!(new[0]["conversationUrn"], conversation);
        clock.advance(SignedDuration::from_hours(5));
        let all = elements(&ada.get(&mailbox_query("ada-quillfeather", 0)).await.json());
        assert_eq!(all.len(), 4);
        assert_eq!(all[0]["body"]["text"], "Tuesday works");
        assert_eq!(fake.log().messages_sent()["priya-lowden"], 2);
        assert_eq!(fake.conversation("ada", "priya-lowden").len(), 4);
    }
}
