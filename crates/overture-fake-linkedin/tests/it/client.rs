//! A minimal Voyager client for the tests: the headers a real client sends, nothing more.

use std::sync::Arc;

use overture_clock::ManualClock;
use overture_fake_linkedin::{FakeLinkedIn, Options, ResponseShape, SessionCookies, World, paths};
use serde_json::{Value, json};

/// Both shapes, for tests that run against each.
pub const SHAPES: [ResponseShape; 2] = [ResponseShape::Normalized, ResponseShape::Inline];

/// A fake with the demo world, a manual clock the test holds, and a chosen shape.
pub async fn start(shape: ResponseShape) -> (FakeLinkedIn, ManualClock) {
    start_world(World::demo(), shape).await
}

pub async fn start_world(world: World, shape: ResponseShape) -> (FakeLinkedIn, ManualClock) {
    let clock = ManualClock::new("2026-03-02T09:00:00Z".parse().unwrap());
    let options = Options {
        clock: Arc::new(clock.clone()),
        shape,
        ..Options::default()
    };
    (
        FakeLinkedIn::start_with(world, options).await.unwrap(),
        clock,
    )
}

/// A plain-HTTP client that does not follow redirects (the tests look at them).
pub struct Client {
    http: reqwest::Client,
    api: String,
    pub cookies: SessionCookies,
}

pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("{e}: {}", self.text))
    }

    pub fn code(&self) -> Value {
        self.json()["code"].clone()
    }
}

impl Client {
    pub fn new(fake: &FakeLinkedIn, account: &str) -> Self {
        Self {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(std::time::Duration::from_secs(2))
                .build()
                .unwrap(),
            api: fake.api_url(),
            cookies: fake.cookies(account).unwrap(),
        }
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Reply, reqwest::Error> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.api))
            .header("cookie", self.cookies.cookie_header())
            .header("csrf-token", self.cookies.csrf_token())
            .header("x-restli-protocol-version", "2.0.0")
            .header("accept", "application/vnd.linkedin.normalized+json+2.1");
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await?;
        Ok(Reply {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            text: response.text().await?,
        })
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(reqwest::Method::GET, path, None).await.unwrap()
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(reqwest::Method::POST, path, Some(body))
            .await
            .unwrap()
    }

    pub async fn profile(&self, slug: &str) -> Reply {
        self.get(&format!(
            "{}?q=memberIdentity&memberIdentity={slug}&decorationId={}",
            paths::PROFILES,
            paths::PROFILE_DECORATION
        ))
        .await
    }

    pub async fn invite(&self, profile_id: &str, note: Option<&str>) -> Reply {
        let mut body = json!({"invitee": {"inviteeUnion": {"memberProfile": format!("urn:li:fsd_profile:{profile_id}")}}});
        if let Some(note) = note {
            body["customMessage"] = json!(note);
        }
        self.post(
            &format!(
                "{}?action=verifyQuotaAndCreateV2&decorationId={}",
                paths::CREATE_INVITATION,
                paths::INVITATION_DECORATION
            ),
            body,
        )
        .await
    }

    /// Invites by slug, returning the invitation id from the answer (either shape).
    pub async fn invite_slug(&self, slug: &str, note: Option<&str>) -> Reply {
        self.invite(&overture_fake_linkedin::profile_id_for(slug), note)
            .await
    }

    pub async fn sent(&self, start: usize, count: usize) -> Reply {
        self.get(&format!(
            "{}?start={start}&count={count}&invitationType=CONNECTION&q=invitationType",
            paths::SENT_INVITATIONS
        ))
        .await
    }

    pub async fn withdraw(&self, id: u64) -> Reply {
        self.post(
            &format!(
                "{}urn%3Ali%3Afsd_invitation%3A{id}?action=withdraw",
                paths::DASH_INVITATIONS
            ),
            json!({"invitationType": "CONNECTION"}),
        )
        .await
    }
}

/// The invitation id in a `verifyQuotaAndCreateV2` answer, whatever the shape.
pub fn invitation_id(answer: &Value) -> u64 {
    let value = if answer["data"].is_object() {
        &answer["data"]["value"]
    } else {
        &answer["value"]
    };
    value["invitationUrn"]
        .as_str()
        .and_then(|u| u.strip_prefix("urn:li:fsd_invitation:"))
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no invitationUrn in {answer}"))
}

/// The list rows of an answer, with references resolved, whatever the shape.
pub fn elements(answer: &Value) -> Vec<Value> {
    if let Some(data) = answer.get("data") {
        let included = answer["included"].as_array().unwrap();
        let find = |urn: &Value| {
            included
                .iter()
                .find(|e| e["entityUrn"] == *urn)
                .unwrap()
                .clone()
        };
        data["*elements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|urn| resolve(find(urn), &find))
            .collect()
    } else {
        answer["elements"].as_array().unwrap().clone()
    }
}

fn resolve(mut entity: Value, find: &dyn Fn(&Value) -> Value) -> Value {
    let refs: Vec<(String, Value)> = entity
        .as_object()
        .unwrap()
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix('*')?.to_owned(), v.clone())))
        .filter(|(_, v)| v.is_string())
        .collect();
    for (field, urn) in refs {
        entity[field] = resolve(find(&urn), find);
    }
    entity
}
