//! `overture serve`'s HTTP side: an axum [`router`] over the store.
//!
//! - `GET /healthz`: 200 when the store answers, 503 when it does not.
//! - `GET /metrics`: Prometheus text: actions per account by kind and state, pending
//!   invitations per account, and the queue's lag (how long the oldest due action has waited).
//! - `GET /u/{token}`: a page asking to confirm the unsubscribe (a link opened by a mail client's
//!   preview must not unsubscribe anybody); `POST /u/{token}`: the RFC 8058 one-click
//!   unsubscribe. The token is the lead's own (unguessable); the lead's address and profile go on
//!   the suppression list. An unknown token answers 404 and changes nothing.
//! - `GET /api/v1/openapi.json`: the OpenAPI document, generated from the handlers' own
//!   annotations (utoipa), so it cannot drift from them.
//!
//! The handlers reach the store through [`ServerStore`], the object-safe slice of the `Store`
//! port the server needs, implemented for every store; time comes from the clock in
//! [`AppState`].

mod accounts;
mod api;
mod caller;
mod campaigns;
mod health;
mod leads;
mod lists;
mod metrics;
pub mod ops;
mod server_store;
mod unsubscribe;
mod web;
mod webhooks;
mod withdraw;

use std::sync::Arc;

use axum::Router;
use overture_clock::Clock;
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use caller::{ApiError, Caller};
pub use server_store::ServerStore;
pub use web::{WebSettings, WebState, WebStore};

/// What every handler gets.
#[derive(Clone)]
pub struct AppState {
    /// The store.
    pub store: Arc<dyn ServerStore>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// How the server is set up beyond the store and the clock.
    pub config: ServerConfig,
    /// The dashboard's settings and sign-in limiter.
    pub web: WebState,
}

impl AppState {
    /// A state with the default [`ServerConfig`] (no master key: webhooks cannot be added).
    pub fn new(store: Arc<dyn ServerStore>, clock: Arc<dyn Clock>) -> Self {
        AppState {
            store,
            clock,
            config: ServerConfig::default(),
            web: WebState::default(),
        }
    }
}

/// How the server is set up: what the binary resolved from the configuration.
#[derive(Clone, Default)]
pub struct ServerConfig {
    /// The master key that seals webhook signing secrets; without it, adding a webhook
    /// answers 503 with what to do.
    pub master_key: Option<Arc<overture_secrets::MasterKey>>,
    /// Lets webhooks target private, loopback and link-local addresses (the configuration's
    /// `webhook_allow_private_targets`).
    pub allow_private_targets: bool,
    /// The seed of the jitter of queued withdrawals (the configuration's `engine_seed`).
    pub seed: u64,
}

impl std::fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerConfig")
            .field("master_key", &self.master_key.as_ref().map(|_| "***"))
            .field("allow_private_targets", &self.allow_private_targets)
            .field("seed", &self.seed)
            .finish()
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").finish_non_exhaustive()
    }
}

/// The API's OpenAPI description; paths are added from the handlers.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Overture",
        description = "The HTTP API of Overture, a self-hosted LinkedIn and email outreach engine."
    ),
    modifiers(&TokenAuth)
)]
struct ApiDoc;

/// The API token security scheme (`Authorization: Bearer ovt_…`).
struct TokenAuth;

impl utoipa::Modify for TokenAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The documented routes.
fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::healthz))
        .routes(routes!(metrics::metrics))
        .routes(routes!(unsubscribe::confirm_page, unsubscribe::one_click))
        .routes(routes!(api::list_accounts, accounts::create_account))
        .routes(routes!(api::get_account))
        .routes(routes!(api::pause_account))
        .routes(routes!(api::resume_account))
        .routes(routes!(accounts::account_health))
        .routes(routes!(api::list_suppressions, api::add_suppressions))
        .routes(routes!(leads::list_leads, leads::upload_leads))
        .routes(routes!(leads::get_lead, leads::erase_lead))
        .routes(routes!(leads::list_lists))
        .routes(routes!(lists::list_invitations))
        .routes(routes!(withdraw::withdraw_one))
        .routes(routes!(withdraw::withdraw_many))
        .routes(routes!(lists::list_events))
        .routes(routes!(lists::list_campaigns, campaigns::create_campaign))
        .routes(routes!(campaigns::validate_campaign))
        .routes(routes!(campaigns::start_campaign))
        .routes(routes!(campaigns::pause_campaign))
        .routes(routes!(campaigns::campaign_stats))
        .routes(routes!(webhooks::list_webhooks, webhooks::create_webhook))
        .routes(routes!(webhooks::delete_webhook))
}

/// The whole HTTP service.
pub fn router(state: AppState) -> Router {
    let (routes, api) = api().split_for_parts();
    let doc = Arc::new(api);
    routes
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(move || {
                let doc = Arc::clone(&doc);
                async move { axum::Json((*doc).clone()) }
            }),
        )
        .merge(web::routes())
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .with_state(state)
}

/// The largest request body: a lead file of some 100,000 rows.
const MAX_BODY: usize = 32 * 1024 * 1024;

/// The OpenAPI document, as served.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api().split_for_parts().1
}
