//! Rendering pages: the embedded templates, the layout every page shares, and the
//! dashboard's errors as pages.

use std::sync::LazyLock;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::Environment;
use overture_store::StoreError;
use serde::Serialize;

use super::assets;

/// The templates, compiled once.
static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    for (name, source) in [
        ("layout.html", include_str!("../../templates/layout.html")),
        ("error.html", include_str!("../../templates/error.html")),
        ("login.html", include_str!("../../templates/login.html")),
        (
            "overview.html",
            include_str!("../../templates/overview.html"),
        ),
        (
            "campaigns.html",
            include_str!("../../templates/campaigns.html"),
        ),
        (
            "campaign.html",
            include_str!("../../templates/campaign.html"),
        ),
        (
            "invitations.html",
            include_str!("../../templates/invitations.html"),
        ),
        ("charts.html", include_str!("../../templates/charts.html")),
        ("leads.html", include_str!("../../templates/leads.html")),
        ("events.html", include_str!("../../templates/events.html")),
        (
            "event_rows.html",
            include_str!("../../templates/event_rows.html"),
        ),
        (
            "status_form.html",
            include_str!("../../templates/status_form.html"),
        ),
    ] {
        if let Err(e) = env.add_template(name, source) {
            // The templates are compiled into the binary and checked by the tests.
            tracing::error!(template = name, error = %e, "a dashboard template does not compile");
        }
    }
    env
});

/// Renders `template` with `context`; a template error is logged and answers 500.
pub(crate) fn render(template: &str, context: impl Serialize) -> Response {
    let html = TEMPLATES
        .get_template(template)
        .and_then(|t| t.render(minijinja::context! { assets => assets::urls(), ..minijinja::Value::from_serialize(&context) }));
    match html {
        Ok(html) => with_page_headers(Html(html).into_response()),
        Err(e) => {
            tracing::error!(template, error = %e, "a dashboard page failed to render");
            WebError::Internal.into_response()
        }
    }
}

/// The headers of every page: no framing, no sniffing, scripts from the binary only.
fn with_page_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// What a dashboard request can fail with, as a page.
#[derive(Debug)]
pub(crate) enum WebError {
    /// Not signed in: go to the sign-in page, then back to `next`.
    SignIn {
        /// Where to come back to.
        next: String,
        /// Whether htmx asked (it follows `HX-Redirect`, not a 303).
        htmx: bool,
    },
    /// 400: the form is wrong; the message says how.
    BadRequest(String),
    /// 403: the role may not do this, or the form's CSRF token is missing.
    Forbidden(String),
    /// 404: nothing like it in this workspace.
    NotFound,
    /// 409: the object is not in a state that allows it.
    Conflict(String),
    /// 503: the store does not answer.
    Unavailable,
    /// 500: a page failed to render.
    Internal,
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { .. } => WebError::NotFound,
            other => {
                tracing::warn!(error = %other, "dashboard: the store failed");
                WebError::Unavailable
            }
        }
    }
}

#[derive(Serialize)]
struct ErrorPage<'a> {
    status: u16,
    title: &'a str,
    message: &'a str,
}

/// A standalone error page.
pub(crate) fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    let page = ErrorPage {
        status: status.as_u16(),
        title,
        message,
    };
    let mut response = render("error.html", page);
    *response.status_mut() = status;
    response
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self {
            WebError::SignIn { next, htmx } => {
                let to = format!("/login?next={}", encode(&next));
                if htmx {
                    let mut r = StatusCode::NO_CONTENT.into_response();
                    if let Ok(v) = HeaderValue::from_str(&to) {
                        r.headers_mut().insert("hx-redirect", v);
                    }
                    r
                } else {
                    Redirect::to(&to).into_response()
                }
            }
            WebError::BadRequest(m) => error_page(StatusCode::BAD_REQUEST, "That did not work", &m),
            WebError::Forbidden(m) => error_page(StatusCode::FORBIDDEN, "Not allowed", &m),
            WebError::NotFound => error_page(
                StatusCode::NOT_FOUND,
                "Not found",
                "There is nothing here in this workspace. Go back to the overview, or switch workspace.",
            ),
            WebError::Conflict(m) => error_page(StatusCode::CONFLICT, "Not now", &m),
            WebError::Unavailable => error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "The database does not answer",
                "Try again in a minute.",
            ),
            WebError::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html("<!doctype html><title>Error</title><p>Something went wrong on our side; the server's log says what."),
            )
                .into_response(),
        }
    }
}

/// Percent-encodes a path and query for a `next=` parameter.
pub(crate) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
