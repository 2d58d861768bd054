//! The dashboard in process: sessions, CSRF, workspaces and roles, and each page's numbers.

mod forms;
mod pages;
mod roles;
mod sessions;

use std::collections::BTreeMap;
use std::sync::LazyLock;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt as _;
use overture_auth::hash_password;
use overture_core::{Role, UserId, WorkspaceId};
use overture_secrets::Secret;
use overture_store::{NewUser, UserStore as _};
use tower::ServiceExt as _;

use crate::{Rig, now};

/// Every fictional user's password.
pub(crate) const PASSWORD: &str = "correct horse battery staple";

/// Its argon2id hash, made once (argon2 is slow on purpose).
static HASH: LazyLock<String> =
    LazyLock::new(|| hash_password(&Secret::new(PASSWORD)).unwrap().into_string());

/// A user who is a member of each workspace with the role given.
pub(crate) async fn user(r: &Rig, email: &str, roles: &[(WorkspaceId, Role)]) -> UserId {
    let (first, rest) = roles.split_first().unwrap();
    let user = r
        .store
        .create_user(
            NewUser {
                email: email.to_owned(),
                display_name: email.split('@').next().unwrap().to_owned(),
                password_hash: HASH.clone(),
                created_at: now(),
            },
            Some(*first),
        )
        .await
        .unwrap();
    for (ws, role) in rest {
        r.store
            .set_membership(*ws, user.id, *role, now())
            .await
            .unwrap();
    }
    user.id
}

/// An answer, read whole.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: String,
}

impl Answer {
    /// Where a redirect goes.
    pub(crate) fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .map_or("", |v| v.to_str().unwrap())
    }

    /// The `Set-Cookie` line of the cookie `name`.
    pub(crate) fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|v| v.starts_with(&format!("{name}=")))
    }

    /// The first hidden `csrf` field of the page.
    pub(crate) fn csrf(&self) -> String {
        let at = self
            .body
            .find("name=\"csrf\" value=\"")
            .expect("a csrf field")
            + 19;
        unescape(self.body[at..].split('"').next().unwrap())
    }

    /// How many times `needle` appears in the page.
    pub(crate) fn count(&self, needle: &str) -> usize {
        self.body.matches(needle).count()
    }
}

/// A browser: the app and a cookie jar.
pub(crate) struct Browser {
    app: axum::Router,
    pub(crate) cookies: BTreeMap<String, String>,
    /// Extra headers sent with every request.
    pub(crate) headers: Vec<(String, String)>,
}

impl Browser {
    pub(crate) fn new(r: &Rig) -> Self {
        Self {
            app: r.app.clone(),
            cookies: BTreeMap::new(),
            headers: Vec::new(),
        }
    }

    pub(crate) async fn send(
        &mut self,
        request: axum::http::request::Builder,
        body: Body,
    ) -> Answer {
        let mut request = request;
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            request = request.header(header::COOKIE, jar.join("; "));
        }
        for (k, v) in &self.headers {
            request = request.header(k.as_str(), v.as_str());
        }
        let response = self
            .app
            .clone()
            .oneshot(request.body(body).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        for line in headers.get_all(header::SET_COOKIE) {
            let line = line.to_str().unwrap();
            let (pair, attributes) = line.split_once(';').unwrap_or((line, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if attributes.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Answer {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub(crate) async fn get(&mut self, uri: &str) -> Answer {
        self.send(Request::builder().uri(uri), Body::empty()).await
    }

    /// A URL-encoded form post; the fields as given (add `csrf` yourself).
    pub(crate) async fn post(&mut self, uri: &str, fields: &[(&str, &str)]) -> Answer {
        let body: String = fields
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let request = Request::builder()
            .method("POST")
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        self.send(request, Body::from(body)).await
    }

    /// A multipart form post: text fields, then one file.
    pub(crate) async fn post_multipart(
        &mut self,
        uri: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &str)>,
    ) -> Answer {
        let boundary = "----fictional-boundary-7MA4YWxkTrZu0gW";
        let mut body = String::new();
        for (k, v) in fields {
            body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
            ));
        }
        if let Some((name, content)) = file {
            body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n"
            ));
        }
        body.push_str(&format!("--{boundary}--\r\n"));
        let request = Request::builder().method("POST").uri(uri).header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        );
        self.send(request, Body::from(body)).await
    }

    /// Signs in; panics unless it works.
    pub(crate) async fn sign_in(&mut self, email: &str) {
        let page = self.get("/login").await;
        let answer = self
            .post(
                "/login",
                &[
                    ("csrf", &page.csrf()),
                    ("email", email),
                    ("password", PASSWORD),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    }

    /// The CSRF token of the signed-in session, read off the overview.
    pub(crate) async fn csrf(&mut self) -> String {
        self.get("/").await.csrf()
    }
}

/// A signed-in browser.
pub(crate) async fn signed_in(r: &Rig, email: &str) -> Browser {
    let mut b = Browser::new(r);
    b.sign_in(email).await;
    b
}

fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// An attribute's text as the browser reads it.
pub(crate) fn unescape(text: &str) -> String {
    text.replace("&#x2f;", "/")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}
