//! The HTTP mechanics: session cookies and headers, the proxy, timeouts, redirects, retries of
//! reads, and classification of every answer.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use overture_channel::ChannelError;
use overture_secrets::{LinkedInSession, Rotation};
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Method, redirect};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use crate::classify::{Target, TransportFailure, classify, classify_transport, is_challenge_url};
use crate::endpoints::VOYAGER;

/// Called with the session after LinkedIn rotated its cookies (`set-cookie` with a new
/// `li_at` or `JSESSIONID`), so that the caller stores the new values. Called from inside a
/// request: it must not block.
pub type RotationHook = Arc<dyn Fn(&LinkedInSession) + Send + Sync>;

/// How one account reaches LinkedIn. Defaults fit the real site.
#[derive(Clone)]
pub struct ClientConfig {
    /// Scheme and host LinkedIn is reached at: `https://www.linkedin.com`, a corporate
    /// gateway, or a test server on loopback.
    pub api_base: String,
    /// An `http://`, `https://`, `socks5://` or `socks5h://` proxy URL, which may carry
    /// credentials (hence a secret).
    pub proxy: Option<SecretString>,
    /// The whole request's timeout.
    pub timeout: Duration,
    /// The connection's timeout.
    pub connect_timeout: Duration,
    /// How many times a read (a `GET`) is tried again after a passing failure; writes are
    /// never tried again by the client.
    pub read_retries: u32,
    /// The browser's user agent.
    pub user_agent: String,
    /// The interface language (`x-li-lang`), such as `en_US`.
    pub lang: String,
    /// The session's own profile id, when known, which saves a `/me` lookup before a first
    /// message.
    pub self_profile_id: Option<String>,
}

/// The most redirects followed before a chain counts as a loop.
pub const MAX_REDIRECTS: usize = 5;

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            api_base: "https://www.linkedin.com".to_owned(),
            proxy: None,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            read_retries: 2,
            user_agent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
                         (KHTML, like Gecko) Chrome/138.0.0.0 Safari/537.36"
                .to_owned(),
            lang: "en_US".to_owned(),
            self_profile_id: None,
        }
    }
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("api_base", &self.api_base)
            .field("proxy", &self.proxy.as_ref().map(|_| "***"))
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("read_retries", &self.read_retries)
            .field("user_agent", &self.user_agent)
            .field("lang", &self.lang)
            .field("self_profile_id", &self.self_profile_id)
            .finish()
    }
}

/// The proxy schemes the client speaks.
const PROXY_SCHEMES: [&str; 4] = ["http", "https", "socks5", "socks5h"];

/// The client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The proxy URL is not an `http`, `https`, `socks5` or `socks5h` one that reqwest accepts
    /// (the URL itself is not repeated: it may hold credentials).
    #[error("invalid proxy URL")]
    Proxy,
    /// The `api_base` is not an absolute `http` or `https` URL.
    #[error("invalid api_base {0:?}")]
    ApiBase(String),
    /// The cookies hold characters a header cannot carry.
    #[error("session cookies hold characters a header cannot carry")]
    Cookies,
    /// The TLS or HTTP stack refused the settings.
    #[error("HTTP client: {0}")]
    Http(String),
}

/// An answer that passed classification.
#[derive(Debug)]
pub(crate) struct Answer {
    pub headers: HeaderMap,
    pub json: Value,
}

/// The Voyager HTTP client of one account. Clones share the session: cookies LinkedIn
/// rotates are used by every clone from the next request on.
#[derive(Clone)]
pub struct VoyagerClient {
    http: reqwest::Client,
    base: String,
    read_retries: u32,
    pub(crate) self_profile_id: Option<String>,
    /// The live session: its cookies go into every request, and rotated ones replace them.
    session: Arc<Mutex<LinkedInSession>>,
    on_rotation: Option<RotationHook>,
}

impl fmt::Debug for VoyagerClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VoyagerClient")
            .field("base", &self.base)
            .field("read_retries", &self.read_retries)
            .field("self_profile_id", &self.self_profile_id)
            .field("session", &"***")
            .field("on_rotation", &self.on_rotation.is_some())
            .finish_non_exhaustive()
    }
}

impl VoyagerClient {
    /// Builds the client of one account.
    pub fn new(session: &LinkedInSession, config: &ClientConfig) -> Result<Self, BuildError> {
        let base = config.api_base.trim_end_matches('/').to_owned();
        let absolute = reqwest::Url::parse(&base).is_ok_and(|url| {
            matches!(url.scheme(), "http" | "https")
                && url.host_str().is_some_and(|h| !h.is_empty())
        });
        if !absolute {
            return Err(BuildError::ApiBase(config.api_base.clone()));
        }
        session_headers(session)?;
        let mut builder = reqwest::Client::builder()
            .default_headers(default_headers(config)?)
            .user_agent(config.user_agent.clone())
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .redirect(redirect_policy())
            .no_proxy();
        if let Some(proxy) = &config.proxy {
            let url = proxy.expose_secret();
            // reqwest takes a URL of any other scheme (`ftp://`) for an HTTP proxy.
            let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
            if !scheme.is_some_and(|s| PROXY_SCHEMES.contains(&s.as_str())) {
                return Err(BuildError::Proxy);
            }
            let proxy = reqwest::Proxy::all(url).map_err(|_| BuildError::Proxy)?;
            builder = builder.proxy(proxy);
        }
        let http = builder
            .build()
            .map_err(|e| BuildError::Http(e.without_url().to_string()))?;
        Ok(Self {
            http,
            base,
            read_retries: config.read_retries,
            self_profile_id: config.self_profile_id.clone(),
            session: Arc::new(Mutex::new(session.clone())),
            on_rotation: None,
        })
    }

    /// Calls `hook` with the session each time LinkedIn rotates its cookies.
    #[must_use]
    pub fn on_rotation(mut self, hook: RotationHook) -> Self {
        self.on_rotation = Some(hook);
        self
    }

    /// The session as it stands now (with any rotated cookies).
    pub fn session(&self) -> LinkedInSession {
        self.session
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Applies the answer's `set-cookie` headers to the session. A rotation is handed to the
    /// hook; a deleted `li_at` ends the session, whatever the status said.
    fn take_cookies(&self, headers: &HeaderMap) -> Result<(), ChannelError> {
        let set: Vec<&str> = headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        if set.is_empty() {
            return Ok(());
        }
        let rotated = {
            let mut session = self.session.lock().unwrap_or_else(PoisonError::into_inner);
            match session.apply_set_cookies(set) {
                Rotation::Unchanged => None,
                Rotation::Rotated => Some(session.clone()),
                Rotation::LoggedOut => return Err(ChannelError::SessionExpired),
            }
        };
        if let Some(session) = rotated {
            tracing::info!("LinkedIn rotated the session cookies; the new ones are kept");
            if let Some(hook) = &self.on_rotation {
                hook(&session);
            }
        }
        Ok(())
    }

    /// The full URL of a Voyager path (with its query).
    fn url(&self, path_and_query: &str) -> String {
        format!("{}{VOYAGER}{path_and_query}", self.base)
    }

    /// A read: tried again after a passing failure, up to `read_retries` times, at once (the
    /// engine's back-off handles longer waits).
    pub(crate) async fn get(
        &self,
        path_and_query: &str,
        target: Target,
    ) -> Result<Answer, ChannelError> {
        let mut attempt = 0;
        loop {
            match self.once(Method::GET, path_and_query, None, target).await {
                Err((_, ChannelError::Transient { detail })) if attempt < self.read_retries => {
                    attempt += 1;
                    tracing::debug!(attempt, %detail, "voyager read failed; trying again");
                }
                other => return other.map_err(|(_, error)| error),
            }
        }
    }

    /// A write: sent once. A passing failure comes back as `Transient`, and the engine finds
    /// out whether it happened before anything is sent again.
    pub(crate) async fn post(
        &self,
        path_and_query: &str,
        body: &Value,
    ) -> Result<Answer, ChannelError> {
        self.post_with_status(path_and_query, body)
            .await
            .map_err(|(_, error)| error)
    }

    /// [`Self::post`], with the status of a refused answer (`None` when none came), for
    /// callers that try another form of an endpoint that is not served.
    pub(crate) async fn post_with_status(
        &self,
        path_and_query: &str,
        body: &Value,
    ) -> Result<Answer, (Option<u16>, ChannelError)> {
        self.once(Method::POST, path_and_query, Some(body), Target::Other)
            .await
    }

    /// One request, classified; a refusal comes with its status when there was an answer.
    async fn once(
        &self,
        method: Method,
        path_and_query: &str,
        body: Option<&Value>,
        target: Target,
    ) -> Result<Answer, (Option<u16>, ChannelError)> {
        let cookies = {
            let session = self.session.lock().unwrap_or_else(PoisonError::into_inner);
            session_headers(&session).map_err(|e| {
                let detail = e.to_string();
                (None, ChannelError::Permanent { detail })
            })?
        };
        let mut request = self
            .http
            .request(method, self.url(path_and_query))
            .headers(cookies);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(|e| (None, transport(&e)))?;
        let status = response.status().as_u16();
        let url = response.url().to_string();
        let headers = response.headers().clone();
        let text = response
            .text()
            .await
            .map_err(|e| (Some(status), transport(&e)))?;
        if let Some(error) = classify(status, &headers, &text, &url, target) {
            tracing::debug!(status, code = error.code(), "voyager answer classified");
            return Err((Some(status), error));
        }
        self.take_cookies(&headers).map_err(|e| (Some(status), e))?;
        let json = if text.trim().is_empty() {
            Value::Null
        } else {
            let error = |e: serde_json::Error| ChannelError::Permanent {
                detail: format!("answer is not JSON: {e}"),
            };
            serde_json::from_str(&text).map_err(|e| (Some(status), error(e)))?
        };
        Ok(Answer { headers, json })
    }
}

/// The session's headers: the cookies and `csrf-token` (JSESSIONID without its quotes),
/// marked sensitive so that no debug output of the HTTP stack shows them.
fn session_headers(session: &LinkedInSession) -> Result<HeaderMap, BuildError> {
    let mut headers = HeaderMap::new();
    let secret = |value: &str| -> Result<HeaderValue, BuildError> {
        let mut v = HeaderValue::from_str(value).map_err(|_| BuildError::Cookies)?;
        v.set_sensitive(true);
        Ok(v)
    };
    headers.insert(header::COOKIE, secret(session.cookie_header().expose())?);
    headers.insert("csrf-token", secret(session.csrf_token().expose())?);
    Ok(headers)
}

/// The headers a browser sends to Voyager with every request, the session's aside.
fn default_headers(config: &ClientConfig) -> Result<HeaderMap, BuildError> {
    let mut headers = HeaderMap::new();
    let plain = [
        ("accept", "application/vnd.linkedin.normalized+json+2.1"),
        ("accept-language", "en-US,en;q=0.9"),
        ("x-restli-protocol-version", "2.0.0"),
        ("x-li-lang", config.lang.as_str()),
        ("sec-fetch-dest", "empty"),
        ("sec-fetch-mode", "cors"),
        ("sec-fetch-site", "same-origin"),
    ];
    for (name, value) in plain {
        let value = HeaderValue::from_str(value)
            .map_err(|_| BuildError::Http(format!("header {name} has an invalid value")))?;
        headers.insert(name, value);
    }
    Ok(headers)
}

/// Follows redirects, but stops at a challenge (so the answer names it) and refuses a chain
/// that comes back to a URL it has seen or grows past [`MAX_REDIRECTS`].
fn redirect_policy() -> redirect::Policy {
    redirect::Policy::custom(|attempt| {
        if is_challenge_url(attempt.url().as_str()) {
            return attempt.stop();
        }
        let seen = attempt.previous().iter().any(|u| u == attempt.url());
        if seen || attempt.previous().len() > MAX_REDIRECTS {
            return attempt.error(RedirectLoop);
        }
        attempt.follow()
    })
}

#[derive(Debug, thiserror::Error)]
#[error("redirect loop")]
struct RedirectLoop;

/// A reqwest failure as a channel error. The URL is left out (it is in the logs' context), and
/// the session is never in reqwest's messages since it travels in sensitive headers.
fn transport(error: &reqwest::Error) -> ChannelError {
    let failure = if error.is_redirect() {
        TransportFailure::RedirectLoop
    } else if error.is_timeout() {
        TransportFailure::Timeout
    } else if error.is_connect() {
        TransportFailure::Connect(source_text(error))
    } else {
        TransportFailure::Other(source_text(error))
    };
    classify_transport(&failure)
}

fn source_text(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    if let Some(url) = error.url() {
        text = text.replace(url.as_str(), "…");
    }
    text
}
