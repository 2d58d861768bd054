//! `GET` and `POST /u/{token}`: one-click unsubscribe (RFC 8058).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::AppState;

/// Tokens are 32 hexadecimal digits; anything else is not looked up.
fn well_formed(token: &str) -> bool {
    (16..=64).contains(&token.len()) && token.chars().all(|c| c.is_ascii_alphanumeric())
}

const PAGE: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>Unsubscribe</title></head><body style=\"font-family:sans-serif;max-width:32rem;margin:3rem auto\">";

/// The confirmation page a link opens: a mail client's preview of the link must not
/// unsubscribe anybody, so only the button (a `POST`) does.
#[utoipa::path(
    get,
    path = "/u/{token}",
    tag = "unsubscribe",
    params(("token" = String, Path, description = "The lead's unsubscribe token")),
    responses(
        (status = 200, description = "A page with a button that unsubscribes", content_type = "text/html"),
        (status = 404, description = "Not a well-formed token", content_type = "text/plain"),
    )
)]
pub async fn confirm_page(Path(token): Path<String>) -> Response {
    if !well_formed(&token) {
        return not_found();
    }
    Html(format!(
        "{PAGE}<h1>Unsubscribe</h1><p>Stop receiving these emails?</p>\
         <form method=\"post\" action=\"/u/{token}\"><button type=\"submit\">Unsubscribe</button></form>\
         </body></html>"
    ))
    .into_response()
}

/// RFC 8058 one-click unsubscribe: the mail client `POST`s `List-Unsubscribe=One-Click` (the
/// body is not read: the token in the path is what counts); the
/// token's lead goes on the suppression list (address and profile) and its sequences stop.
/// Doing it twice is harmless.
#[utoipa::path(
    post,
    path = "/u/{token}",
    tag = "unsubscribe",
    params(("token" = String, Path, description = "The lead's unsubscribe token")),
    responses(
        (status = 200, description = "Unsubscribed", content_type = "text/html"),
        (status = 404, description = "No such token", content_type = "text/plain"),
    )
)]
pub async fn one_click(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    if !well_formed(&token) {
        return not_found();
    }
    match state.store.unsubscribe(&token, state.clock.now()).await {
        Ok(Some(done)) => {
            tracing::info!(lead = %done.lead, "unsubscribed by one-click link");
            Html(format!(
                "{PAGE}<h1>Unsubscribed</h1><p>You will not receive these emails again.</p></body></html>"
            ))
            .into_response()
        }
        Ok(None) => not_found(),
        Err(e) => {
            tracing::warn!(error = %e, "unsubscribe: the store does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "try again in a minute").into_response()
        }
    }
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "no such unsubscribe link").into_response()
}
