//! Test support: a webhook receiver on loopback that records what it gets and answers with
//! the statuses it is told to, and the fixtures around it.

use overture_store::WebhookStore as _;
use std::collections::VecDeque;
use std::io::Write as _;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use jiff::Timestamp;
use overture_clock::{Clock, ManualClock, SystemClock};
use overture_core::webhook::WebhookEventType;
use overture_core::{EventId, EventKind, NewEvent, WorkspaceId};
use overture_secrets::MasterKey;
use overture_store::{DeliveryQuery, Store, WebhookDelivery};
use overture_store_sqlite::{SqliteOptions, SqliteStore};
use overture_webhooks::{
    CreatedEndpoint, DeliverReport, DispatchReport, EndpointSpec, WebhookConfig, create_endpoint,
    deliver_due, dispatch,
};
use tempfile::TempDir;

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    /// The three Standard Webhooks headers.
    pub id: String,
    pub timestamp: String,
    pub signature: String,
    /// The body as sent.
    pub body: String,
}

#[derive(Debug, Default)]
struct Inner {
    received: Vec<Received>,
    answers: VecDeque<u16>,
}

/// A running receiver.
#[derive(Debug, Clone)]
pub struct Receiver {
    inner: Arc<Mutex<Inner>>,
    /// Its URL on 127.0.0.1.
    pub url: String,
}

impl Receiver {
    /// Starts a receiver that answers 200 unless told otherwise.
    pub async fn start() -> Self {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let app = Router::new()
            .route("/hooks", post(receive))
            .with_state(Arc::clone(&inner));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let addr = listener.local_addr().expect("an address");
        tokio::spawn(async move {
            axum::serve(listener, app).await.expect("the receiver runs");
        });
        Self {
            inner,
            url: format!("http://{addr}/hooks"),
        }
    }

    /// The next answers, in order (then 200 again).
    pub fn answer(&self, statuses: &[u16]) {
        self.inner
            .lock()
            .expect("lock")
            .answers
            .extend(statuses.iter().copied());
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.inner.lock().expect("lock").received.clone()
    }
}

async fn receive(
    State(inner): State<Arc<Mutex<Inner>>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let mut inner = inner.lock().expect("lock");
    inner.received.push(Received {
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp"),
        signature: header("webhook-signature"),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let status = inner.answers.pop_front().unwrap_or(200);
    StatusCode::from_u16(status).unwrap_or(StatusCode::OK)
}

/// A store on a fresh file, a master key, and a manual clock that starts at the real time
/// (Python's verifier refuses timestamps five minutes away from its own clock).
#[derive(Debug)]
pub struct World {
    pub store: SqliteStore,
    pub master: MasterKey,
    pub clock: ManualClock,
    pub dir: TempDir,
}

impl World {
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let store = SqliteStore::open(&dir.path().join("overture.db"), SqliteOptions::default())
            .await
            .expect("a fresh store");
        let master = MasterKey::generate().expect("a master key");
        let clock =
            ManualClock::new(Timestamp::from_second(SystemClock.now().as_second()).expect("now"));
        Self {
            store,
            master,
            clock,
            dir,
        }
    }

    /// The outbox's configuration for loopback receivers.
    pub fn config(&self) -> WebhookConfig {
        WebhookConfig {
            allow_private_targets: true,
            ..WebhookConfig::default()
        }
    }

    /// An endpoint of the default workspace for `url`, subscribed to `events`.
    pub async fn endpoint(&self, url: &str, events: &[WebhookEventType]) -> CreatedEndpoint {
        create_endpoint(
            &self.store,
            &self.master,
            WorkspaceId::DEFAULT,
            EndpointSpec {
                url: url.to_owned(),
                events: events.to_vec(),
                allow_private_targets: false,
            },
            true,
            self.clock.now(),
        )
        .await
        .expect("the endpoint is created")
    }

    /// One dispatch round at the clock's time.
    pub async fn dispatch(&self, config: &WebhookConfig) -> DispatchReport {
        dispatch(&self.store, config, self.clock.now())
            .await
            .expect("dispatch")
    }

    /// One delivery round at the clock's time.
    pub async fn deliver(&self, config: &WebhookConfig) -> DeliverReport {
        deliver_due(&self.store, &self.master, config, &self.clock)
            .await
            .expect("deliver")
    }

    /// The default workspace's deliveries, newest first.
    pub async fn deliveries(&self) -> Vec<WebhookDelivery> {
        self.store
            .list_webhook_deliveries(
                WorkspaceId::DEFAULT,
                DeliveryQuery {
                    limit: 100,
                    ..DeliveryQuery::default()
                },
            )
            .await
            .expect("deliveries")
    }

    /// Appends an event of `kind` at the clock's time.
    pub async fn event(&self, kind: EventKind, data: &str) -> EventId {
        self.store
            .append_event(NewEvent {
                workspace_id: WorkspaceId::DEFAULT,
                kind,
                at: self.clock.now(),
                account_id: None,
                lead_id: None,
                campaign_id: None,
                data: data.to_owned(),
            })
            .await
            .expect("the event is stored")
    }
}

/// Verifies each request with Python's `standardwebhooks` and returns its verdicts.
pub fn python_verdicts(secret: &str, received: &[Received]) -> Vec<String> {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/verify_standardwebhooks.py"
    );
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs (scripts/test.sh installs standardwebhooks)");
    {
        let mut stdin = child.stdin.take().expect("stdin");
        for r in received {
            let line = serde_json::json!({
                "secret": secret,
                "headers": {
                    "webhook-id": r.id,
                    "webhook-timestamp": r.timestamp,
                    "webhook-signature": r.signature,
                },
                "body": r.body,
            });
            writeln!(stdin, "{line}").expect("write to python");
        }
    }
    let out = child.wait_with_output().expect("python ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("ModuleNotFoundError"),
        "install the verifier: python3 -m pip install standardwebhooks==1.1.0\n{stderr}"
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}
