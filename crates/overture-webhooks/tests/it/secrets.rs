//! The signing secret is stored encrypted and read back only to sign.

use overture_core::webhook::WebhookEventType;

use crate::receiver::World;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secret_never_reaches_the_database_file() {
    let w = World::new().await;
    let created = w
        .endpoint(
            "http://127.0.0.1:9/hooks",
            &[WebhookEventType::InviteAccepted],
        )
        .await;
    let text = created.secret.text().expose().to_owned();
    let encoded = text.trim_start_matches("whsec_").to_owned();
    // It reads back to the same secret through the master key.
    let back = overture_webhooks::endpoint_secret(&w.store, &w.master, &created.endpoint)
        .await
        .expect("decrypts");
    assert_eq!(back.text().expose(), text);
    assert!(!format!("{:?}", created).contains(&encoded));
    w.store.close().await;
    for entry in std::fs::read_dir(w.dir.path()).expect("the directory") {
        let bytes = std::fs::read(entry.expect("an entry").path()).expect("a file");
        let found = bytes
            .windows(encoded.len())
            .any(|window| window == encoded.as_bytes());
        assert!(!found, "the secret is in the database file in clear");
    }
}
