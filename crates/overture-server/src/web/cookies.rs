//! Reading and writing the dashboard's cookies.

use axum::http::{HeaderMap, HeaderValue, header};

/// The session cookie.
pub(crate) const SESSION: &str = "overture_session";
/// The sign-in form's cookie: a random value whose HMAC the form carries (double submit), so
/// that another site cannot sign a browser in to its own account.
pub(crate) const LOGIN: &str = "overture_login";

/// The value of the cookie `name`, if the request sends it.
pub(crate) fn read<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Whether cookies set in answer to this request are marked `Secure`: always with
/// `secure_cookies`, else when a proxy says the browser came over TLS.
pub(crate) fn secure(headers: &HeaderMap, secure_cookies: bool) -> bool {
    secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value: `HttpOnly`, `SameSite=Lax`, on `path`, living `max_age` seconds
/// (0 deletes it).
pub(crate) fn set(name: &str, value: &str, path: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let text =
        format!("{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}");
    // The names are constants and the values base64url: always a valid header value.
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}
