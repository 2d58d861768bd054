//! End to end: a campaign on the fake LinkedIn whose invitations are not accepted in time falls
//! back to email, sent by the engine through a real SMTP server (aiosmtpd on loopback), signed
//! with DKIM (checked by dkimpy) and carrying the lead's own one-click unsubscribe link.

use std::sync::Arc;

use jiff::civil::Time;
use jiff::{SignedDuration, Timestamp};
use overture_channel::{ChannelError, ChannelMap, Channels, Either};
use overture_clock::ManualClock;
use overture_core::account::Zone;
use overture_core::limits::AccountLimits;
use overture_core::working_hours::{Day, WorkingHours};
use overture_core::{
    Account, AccountKind, AccountStatus, NewAccount, NewLead, ProfileUrl, Tier, WorkspaceId,
};
use overture_email::{DkimAlgorithm, DkimKey, MailboxChannel};
use overture_engine::{Engine, EngineConfig};
use overture_fake_linkedin::{FakeLinkedIn, Member, Options, World};
use overture_linkedin::{ClientConfig, LinkedInChannel, LinkedInSession, VoyagerClient};
use overture_store::{NewCampaignVersion, Store};
use overture_store_sqlite::{SqliteOptions, SqliteStore};
use serde_json::json;

use crate::server::{PASSWORD, SmtpServer, dkimpy_verifies, header};

const WS: WorkspaceId = WorkspaceId::DEFAULT;

/// LinkedIn seats through the fake, mailboxes through the SMTP server.
struct Both {
    linkedin: ChannelMap<LinkedInChannel>,
    mail: ChannelMap<MailboxChannel>,
}

impl Channels for Both {
    type Channel = Either<Arc<LinkedInChannel>, Arc<MailboxChannel>>;

    fn channel(&self, account: &Account) -> Result<Self::Channel, ChannelError> {
        match account.kind {
            AccountKind::Email => self.mail.channel(account).map(Either::Right),
            _ => self.linkedin.channel(account).map(Either::Left),
        }
    }
}

fn seat(name: &str, kind: AccountKind, start: Timestamp) -> NewAccount {
    NewAccount {
        workspace_id: WS,
        name: name.into(),
        kind,
        tier: Tier::Premium,
        time_zone: Zone::utc(),
        working_hours: WorkingHours::new(
            Day::ALL.to_vec(),
            Time::constant(8, 0, 0, 0),
            Time::constant(20, 0, 0, 0),
        )
        .unwrap(),
        limits: AccountLimits::for_tier(Tier::Premium),
        governor: Default::default(),
        sender: Default::default(),
        status: AccountStatus::Active,
        created_at: start - SignedDuration::from_hours(24 * 60),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invitations_not_accepted_in_time_fall_back_to_email_through_smtp() {
    let server = SmtpServer::start();
    let start: Timestamp = "2026-03-02T07:00:00Z".parse().unwrap();
    let clock = ManualClock::new(start);
    let slugs = ["fictional-ines", "fictional-joao", "fictional-kemal"];
    let mut world = World::new().account(overture_fake_linkedin::Account::new(
        "ada",
        Member::new(
            "ada-fictional",
            "Ada",
            "Fictional",
            "Founder at Larkspur Labs",
        ),
        overture_fake_linkedin::Tier::Premium,
    ));
    for slug in slugs {
        world = world.member(Member::new(slug, "Lead", "Imagined", "CTO at Example"));
    }
    let options = Options {
        clock: Arc::new(clock.clone()),
        ..Options::default()
    };
    let fake = FakeLinkedIn::start_with(world, options).await.unwrap();

    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("o.db"), SqliteOptions::default())
        .await
        .unwrap();
    let ada = store
        .create_account(seat("ada", AccountKind::Linkedin, start))
        .await
        .unwrap();
    let ana = store
        .create_account(seat("ana", AccountKind::Email, start))
        .await
        .unwrap();
    let leads: Vec<NewLead> = slugs
        .iter()
        .enumerate()
        .map(|(i, slug)| {
            let url = ProfileUrl::parse(&format!("https://www.linkedin.com/in/{slug}/")).unwrap();
            let mut lead = NewLead::new(url);
            lead.first_name = Some(["Ines", "Joao", "Kemal"][i].into());
            lead.email = (i > 0).then(|| format!("{slug}@example.org"));
            lead
        })
        .collect();
    store
        .import_leads(WS, "prospects", &leads, start, &|_| {})
        .await
        .unwrap();
    let spec = serde_json::from_value(json!({
        "name": "fallback",
        "accounts": ["ada"],
        "mailboxes": ["ana"],
        "leads": { "list": "prospects" },
        "settings": { "stop_on_reply": true, "skip_if_contacted_by_any_campaign": true },
        "steps": [
            { "label": null, "kind": { "type": "invite", "notes": ["Hi {{ first_name }}, glad to connect."],
                                       "without_note_if_quota_exhausted": false } },
            { "label": null, "kind": { "type": "wait_for_acceptance", "within": "7d",
                                       "accepted": "next", "not_accepted": { "label": "mail" } } },
            { "label": null, "kind": { "type": "message", "texts": ["Thanks, {{ first_name }}!"] } },
            { "label": null, "kind": { "type": "end" } },
            { "label": "mail", "kind": { "type": "branch", "if": "has_email", "then": "next", "else": "end" } },
            { "label": null, "kind": { "type": "email", "variants": [
                { "subject": "A note for {{ first_name }}", "body": "Hi {{ first_name }}, I tried LinkedIn first." }
            ] } }
        ]
    }))
    .unwrap();
    let version = NewCampaignVersion {
        name: "fallback".into(),
        source: "fallback".into(),
        spec,
    };
    let campaign = store
        .apply_campaign(WS, version, start)
        .await
        .unwrap()
        .campaign
        .id;

    let channels = Both {
        linkedin: ChannelMap::new(),
        mail: ChannelMap::new(),
    };
    let cookies = fake.cookies("ada").unwrap();
    let session = LinkedInSession::new(cookies.li_at, cookies.jsessionid);
    let config = ClientConfig {
        api_base: fake.base_url(),
        ..ClientConfig::default()
    };
    let client = VoyagerClient::new(&session, &config).unwrap();
    channels
        .linkedin
        .insert(ada.id, LinkedInChannel::new(client));
    let dkim = DkimKey::generate("example.com", "overture", DkimAlgorithm::Rsa).unwrap();
    let signer = {
        use secrecy::ExposeSecret as _;
        let private = dkim.private_key().expose_secret();
        DkimKey::from_stored("example.com", "overture", DkimAlgorithm::Rsa, private).unwrap()
    };
    let mailer = server.mailer(server.starttls_url(), PASSWORD, Some(signer));
    channels.mail.insert(
        ana.id,
        MailboxChannel::new(mailer, None, Arc::new(clock.clone())),
    );

    // The first lead accepts the day after; the others never answer.
    fake.accept_at("ada", slugs[0], start + SignedDuration::from_hours(24));
    let mut engine = Engine::new(
        store.clone(),
        channels,
        clock.clone(),
        EngineConfig::default(),
    );
    engine.start_campaign(WS, campaign).await.unwrap();
    engine
        .run_until(start + SignedDuration::from_hours(24 * 12))
        .await
        .unwrap();

    let log = fake.log();
    assert_eq!(log.invitations_sent().len(), 3, "every lead invited once");
    assert!(log.invitations_sent().values().all(|&n| n == 1));
    assert_eq!(
        log.messages_sent().len(),
        1,
        "the one who accepted got the message"
    );

    let mut received: Vec<String> = server
        .messages()
        .iter()
        .map(|m| String::from_utf8_lossy(m).into_owned())
        .collect();
    received.sort();
    assert_eq!(
        received.len(),
        2,
        "one email each to the two who did not accept"
    );
    for (message, name) in received.iter().zip(["Joao", "Kemal"]) {
        assert_eq!(
            header(message, "Subject").as_deref(),
            Some(format!("A note for {name}").as_str())
        );
        assert!(message.contains(&format!("Hi {name}, I tried LinkedIn first.")));
        let unsubscribe = header(message, "List-Unsubscribe").expect("one-click header");
        assert!(unsubscribe.contains("/u/"), "{unsubscribe}");
        assert!(dkimpy_verifies(message.as_bytes(), &dkim), "DKIM verifies");
    }
    let to: Vec<String> = received.iter().filter_map(|m| header(m, "To")).collect();
    assert!(
        to.iter().any(|t| t.contains("fictional-joao@example.org")),
        "{to:?}"
    );
    assert!(
        to.iter().any(|t| t.contains("fictional-kemal@example.org")),
        "{to:?}"
    );
    // The first lead's sequence ended on LinkedIn: no email for them.
    assert!(!received.iter().any(|m| m.contains("fictional-ines")));
    let _ = ana;
}
