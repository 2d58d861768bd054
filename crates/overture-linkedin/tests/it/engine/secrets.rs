//! Secrets in a full run: the session is stored encrypted, the channel is built from it, and
//! LinkedIn rotates the cookies mid-run. Afterwards neither the database file nor the logs of
//! the run (every crate, at TRACE) hold any cookie value, old or rotated, and the stored
//! session is the rotated one.

use std::io::Write;
use std::sync::{Arc, Mutex};

use overture_engine::EngineConfig;
use overture_fake_linkedin::SessionCookies;
use overture_linkedin::{ClientConfig, LinkedInChannel, VoyagerClient};
use overture_secrets::{LinkedInSession, MasterKey, vault};
use tokio::sync::mpsc;

use super::{Rig, WS, days, invite_then_message, slug, start};

/// The log lines of the run, written by the tracing subscriber.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Whether `haystack` holds any of the cookie values.
fn leaks(haystack: &[u8], cookies: &[&SessionCookies]) -> Vec<String> {
    let text = String::from_utf8_lossy(haystack);
    cookies
        .iter()
        .flat_map(|c| [c.li_at.clone(), c.jsessionid.clone()])
        .filter(|v| text.contains(v.as_str()))
        .collect()
}

#[tokio::test]
async fn no_cookie_value_reaches_the_database_or_the_logs_and_rotated_cookies_are_kept() {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // Tracing caches, process-wide, whether each log site is of interest. While only one
    // subscriber exists it asks the subscriber of whichever thread meets the site first: a test
    // on another thread of this binary, with none, would silence the site for this one too.
    // A second, idle subscriber kept alive makes tracing ask every live subscriber instead,
    // and asking again settles the sites met before.
    let _anchor = tracing::Dispatch::new(tracing_subscriber::registry());
    let _guard = tracing::subscriber::set_default(subscriber);
    tracing::callsite::rebuild_interest_cache();

    let rig = Rig::new(3, invite_then_message("30d")).await;
    let key = MasterKey::generate().unwrap();
    let first = rig.fake.cookies("ada").unwrap();
    let stored = LinkedInSession::new(first.li_at.clone(), first.jsessionid.clone());
    vault::store_session(&rig.store, &key, WS, rig.account.id, &stored, start())
        .await
        .unwrap();

    // The channel as `overture run` builds it: from the stored session, and rotated cookies
    // stored back through a saver task.
    let (rotations, mut rotated) = mpsc::unbounded_channel::<LinkedInSession>();
    let saver = {
        let (store, key, account) = (rig.store.clone(), key.clone(), rig.account.id);
        tokio::spawn(async move {
            let mut saved = 0;
            while let Some(session) = rotated.recv().await {
                vault::store_session(&store, &key, WS, account, &session, start())
                    .await
                    .unwrap();
                saved += 1;
            }
            saved
        })
    };
    let session = vault::load_session(&rig.store, &key, WS, rig.account.id)
        .await
        .unwrap()
        .unwrap();
    let config = ClientConfig {
        api_base: rig.fake.base_url(),
        ..ClientConfig::default()
    };
    let hook = Arc::new(move |s: &LinkedInSession| {
        let _ = rotations.send(s.clone());
    });
    let client = VoyagerClient::new(&session, &config)
        .unwrap()
        .on_rotation(hook);
    rig.channels
        .insert(rig.account.id, LinkedInChannel::new(client));

    rig.fake.accept_at("ada", &slug(0), start() + days(1));
    let mut engine = rig.engine(EngineConfig::default());
    engine.start_campaign(WS, rig.campaign).await.unwrap();
    engine.run_until(start() + days(1)).await.unwrap();
    let second = rig.fake.rotate_cookies("ada").unwrap();
    engine.run_until(start() + days(5)).await.unwrap();
    drop(engine);
    rig.channels.remove(rig.account.id);
    assert_eq!(saver.await.unwrap(), 1, "the rotation was stored once");

    // The run did its work, with the rotated cookies after the rotation.
    let log = rig.fake.log();
    assert_eq!(log.invitations_sent().len(), 3);
    assert_eq!(log.messages_sent().len(), 1);
    let last = log.entries.last().unwrap();
    assert!(
        last.header("cookie")
            .is_some_and(|c| c.contains(&second.li_at)),
        "requests after the rotation carry the new li_at"
    );

    // The stored session is the rotated one.
    let kept = vault::load_session(&rig.store, &key, WS, rig.account.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.li_at.expose(), second.li_at);
    assert_eq!(kept.csrf_token().expose(), second.jsessionid);

    // Nothing in the database files or the logs.
    let logs = logs.0.lock().unwrap().clone();
    assert!(
        logs.len() > 1_000,
        "the run was logged ({} bytes)",
        logs.len()
    );
    assert_eq!(leaks(&logs, &[&first, &second]), Vec::<String>::new());
    for entry in std::fs::read_dir(rig.dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(
            leaks(&bytes, &[&first, &second]),
            Vec::<String>::new(),
            "{}",
            path.display()
        );
    }
}
