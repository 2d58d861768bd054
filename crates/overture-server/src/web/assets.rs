//! Static files served from the binary under `/assets/…`: htmx and uPlot (vendored, minified,
//! with their licences) and the dashboard's own stylesheet and script. Nothing comes from a
//! CDN: the dashboard works offline.
//!
//! Every URL carries the first characters of the file's SHA-256 (`?v=…`), so a file can be
//! cached for a year: a changed file has a new URL.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// One file: its name under `/assets/`, its content type and its bytes.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";

static ASSETS: &[Asset] = &[
    Asset {
        name: "htmx-2.0.11.min.js",
        content_type: JS,
        bytes: include_bytes!("../../assets/htmx-2.0.11.min.js"),
    },
    Asset {
        name: "htmx.LICENSE",
        content_type: TEXT,
        bytes: include_bytes!("../../assets/htmx.LICENSE"),
    },
    Asset {
        name: "uplot-1.6.32.iife.min.js",
        content_type: JS,
        bytes: include_bytes!("../../assets/uplot-1.6.32.iife.min.js"),
    },
    Asset {
        name: "uplot-1.6.32.min.css",
        content_type: CSS,
        bytes: include_bytes!("../../assets/uplot-1.6.32.min.css"),
    },
    Asset {
        name: "uplot.LICENSE",
        content_type: TEXT,
        bytes: include_bytes!("../../assets/uplot.LICENSE"),
    },
    Asset {
        name: "dashboard.css",
        content_type: CSS,
        bytes: include_bytes!("../../assets/dashboard.css"),
    },
    Asset {
        name: "dashboard.js",
        content_type: JS,
        bytes: include_bytes!("../../assets/dashboard.js"),
    },
];

/// The URLs the templates use, each with its version.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AssetUrls {
    htmx: String,
    uplot: String,
    uplot_css: String,
    css: String,
    js: String,
}

fn url(name: &str) -> String {
    let version = ASSETS
        .iter()
        .find(|a| a.name == name)
        .map(|a| {
            let digest = Sha256::digest(a.bytes);
            digest
                .iter()
                .take(6)
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        })
        .unwrap_or_default();
    format!("/assets/{name}?v={version}")
}

static URLS: LazyLock<AssetUrls> = LazyLock::new(|| AssetUrls {
    htmx: url("htmx-2.0.11.min.js"),
    uplot: url("uplot-1.6.32.iife.min.js"),
    uplot_css: url("uplot-1.6.32.min.css"),
    css: url("dashboard.css"),
    js: url("dashboard.js"),
});

/// The versioned URLs of the files pages load.
pub(crate) fn urls() -> &'static AssetUrls {
    &URLS
}

/// `GET /assets/{file}`.
pub(crate) async fn serve(Path(file): Path<String>) -> Response {
    let Some(asset) = ASSETS.iter().find(|a| a.name == file) else {
        return (StatusCode::NOT_FOUND, "no such file").into_response();
    };
    let mut response = asset.bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// `GET /favicon.ico`: no icon, said without an error (browsers ask on every first visit).
pub(crate) async fn no_icon() -> StatusCode {
    StatusCode::NO_CONTENT
}
