//! CSRF protection: every dashboard request that may change something (anything but `GET`,
//! `HEAD` and `OPTIONS`) carries its session's token, or is refused with 403 before its
//! handler runs.
//!
//! The token is the HMAC of the session's secret (`overture_auth::csrf_token`): forms carry it
//! in a hidden `csrf` field (URL-encoded or multipart), htmx in an `X-CSRF-Token` header. The
//! sign-in form has no session yet; it is tied the same way to a random cookie of its own
//! (double submit).

use axum::body::{Body, to_bytes};
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use overture_auth::{SessionSecret, verify_csrf};
use serde::Deserialize;

use super::cookies;
use super::render::error_page;

/// The largest body read for its token (a CSV upload included).
pub(crate) const MAX_BODY: usize = 32 * 1024 * 1024;

/// The header htmx sends the token in.
pub(crate) const HEADER: &str = "x-csrf-token";

fn refused() -> Response {
    error_page(
        StatusCode::FORBIDDEN,
        "This form has expired",
        "The request did not carry this session's security token. Reload the page and try again.",
    )
}

#[derive(Deserialize)]
struct Field {
    csrf: String,
}

/// The `csrf` field of a form body, URL-encoded or multipart.
async fn body_token(headers: &HeaderMap, bytes: &axum::body::Bytes) -> Option<String> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let request = Request::builder()
        .method(Method::POST)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(bytes.clone()))
        .ok()?;
    if content_type.starts_with("multipart/form-data") {
        let mut multipart = Multipart::from_request(request, &()).await.ok()?;
        while let Ok(Some(field)) = multipart.next_field().await {
            if field.name() == Some("csrf") {
                return field.text().await.ok();
            }
        }
        None
    } else {
        axum::Form::<Field>::from_request(request, &())
            .await
            .ok()
            .map(|f| f.0.csrf)
    }
}

/// The middleware.
pub(crate) async fn require_csrf(request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let cookie = if request.uri().path() == "/login" {
        cookies::LOGIN
    } else {
        cookies::SESSION
    };
    let Some(secret) =
        cookies::read(request.headers(), cookie).and_then(|v| SessionSecret::parse(v).ok())
    else {
        return refused();
    };
    if let Some(presented) = request.headers().get(HEADER) {
        let ok = presented.to_str().is_ok_and(|p| verify_csrf(&secret, p));
        return if ok {
            next.run(request).await
        } else {
            refused()
        };
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            "The upload is larger than 32 MiB; split the file and upload each part.",
        )
            .into_response();
    };
    match body_token(&parts.headers, &bytes).await {
        Some(token) if verify_csrf(&secret, &token) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        _ => refused(),
    }
}
