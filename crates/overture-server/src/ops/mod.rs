//! The use cases behind the API (and the dashboard): [`Ops`], object-safe methods implemented
//! for every store by calling the same library functions as the command line, so that both
//! follow the same rules and give the same errors.
//!
//! - leads: [`Ops::import_leads_csv`] reads CSV text with `overture_import` (all or nothing,
//!   a bad row named by line and field) and [`Ops::erase_lead`] erases a person
//!   (`Store::erase_lead`);
//! - campaigns: [`Ops::validate_campaign`], [`Ops::create_campaign`] (YAML or JSON text, read
//!   by `overture_campaign` and checked by `overture_engine::checks`),
//!   [`Ops::start_campaign`] (`overture_engine::start_campaign`), [`Ops::pause_campaign`],
//!   [`Ops::campaign_stats`] (`overture_engine::stats`);
//! - invitations: [`Ops::withdraw_invitations`] queues withdrawals through the governor
//!   (`overture_engine::govern::queue_withdrawals`), carried out by the engine inside the
//!   account's limits;
//! - accounts: [`Ops::create_account`], [`Ops::account_health`]
//!   (`overture_engine::health`);
//! - webhooks: [`Ops::create_webhook`] (`overture_webhooks::create_endpoint`: the target
//!   guard, the secret sealed) and [`Ops::delete_webhook`].
//!
//! Every method takes the caller's workspace: another workspace's object is
//! [`OpsError::NotFound`].

mod accounts;
mod campaigns;
mod invitations;
mod leads;
mod webhooks;

use std::future::Future;
use std::pin::Pin;

use jiff::Timestamp;
use overture_core::webhook::WebhookEndpointId;
use overture_core::{Account, AccountId, Campaign, CampaignId, InvitationId, LeadId, WorkspaceId};
use overture_engine::EngineError;
use overture_secrets::MasterKey;
use overture_store::{Erasure, Store, StoreError};
use overture_webhooks::CreatedEndpoint;
use serde::Serialize;

pub use accounts::{AccountHealthReport, AccountRequest};
pub use campaigns::{CampaignCheck, CampaignStats, SourceFormat, StartedCampaign, StoredCampaign};
pub use invitations::WithdrawOutcome;
pub use leads::{DEFAULT_LIST, LeadImport};
pub use webhooks::WebhookRequest;

/// A boxed future of a use case.
pub type OpsFut<'a, T> = Pin<Box<dyn Future<Output = Result<T, OpsError>> + Send + 'a>>;

/// One problem with a request's content: where it is (when it has a place) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// The line, from 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The column, from 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u64>,
    /// The field (a CSV column's header, a campaign text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What is wrong and what to do.
    pub message: String,
}

impl Problem {
    /// A problem without a place.
    pub fn new(message: impl Into<String>) -> Self {
        Problem {
            line: None,
            column: None,
            field: None,
            message: message.into(),
        }
    }
}

/// Why a use case did not happen. Nothing changed.
#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    /// No such object in the workspace (another workspace's objects are not found either).
    #[error("not found")]
    NotFound,
    /// The request's content is wrong; `problems` say where.
    #[error("{message}")]
    Invalid {
        /// A summary, naming the first problem.
        message: String,
        /// Every problem found.
        problems: Vec<Problem>,
    },
    /// The objects are not in a state that allows it; `problems` say what to fix.
    #[error("{message}")]
    Conflict {
        /// A summary.
        message: String,
        /// What to fix, when there is a list.
        problems: Vec<Problem>,
    },
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
    /// Something that is not the caller's doing (a key that does not open a secret, …).
    #[error("{0}")]
    Internal(String),
}

impl OpsError {
    /// [`OpsError::Invalid`] with one problem without a place.
    pub fn invalid(message: impl Into<String>) -> Self {
        let message = message.into();
        OpsError::Invalid {
            problems: vec![Problem::new(message.clone())],
            message,
        }
    }

    /// [`OpsError::Conflict`] without a list.
    pub fn conflict(message: impl Into<String>) -> Self {
        OpsError::Conflict {
            message: message.into(),
            problems: Vec::new(),
        }
    }
}

impl From<StoreError> for OpsError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { .. } => OpsError::NotFound,
            other => OpsError::Store(other),
        }
    }
}

impl From<EngineError> for OpsError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::Store(e) => e.into(),
            other => OpsError::Internal(other.to_string()),
        }
    }
}

/// The use cases, object-safe (boxed futures) so that handlers are plain functions; see the
/// module documentation. Implemented for every [`Store`].
pub trait Ops: Send + Sync + 'static {
    /// Imports leads from CSV text onto `list` ([`DEFAULT_LIST`] when not given), with the
    /// command line's rules: all or nothing, every invalid row named by line and field.
    fn import_leads_csv<'a>(
        &'a self,
        ws: WorkspaceId,
        csv: &'a [u8],
        list: Option<&'a str>,
        now: Timestamp,
    ) -> OpsFut<'a, LeadImport>;
    /// Erases a person everywhere, keeping only hashes on the suppression list.
    fn erase_lead(&self, ws: WorkspaceId, id: LeadId, now: Timestamp) -> OpsFut<'_, Erasure>;
    /// Checks a campaign definition against the workspace's accounts and leads, storing
    /// nothing.
    fn validate_campaign<'a>(
        &'a self,
        ws: WorkspaceId,
        source: &'a str,
        format: SourceFormat,
    ) -> OpsFut<'a, CampaignCheck>;
    /// Stores a campaign definition (a new version of the campaign of that name when it
    /// exists); a definition that does not read is [`OpsError::Invalid`].
    fn create_campaign<'a>(
        &'a self,
        ws: WorkspaceId,
        source: &'a str,
        format: SourceFormat,
        now: Timestamp,
    ) -> OpsFut<'a, StoredCampaign>;
    /// Starts (or resumes) a campaign and enrolls its list's new leads. Texts that cannot go
    /// out are [`OpsError::Conflict`] unless `allow_problems`.
    fn start_campaign(
        &self,
        ws: WorkspaceId,
        id: CampaignId,
        allow_problems: bool,
        now: Timestamp,
    ) -> OpsFut<'_, StartedCampaign>;
    /// Pauses a campaign.
    fn pause_campaign(&self, ws: WorkspaceId, id: CampaignId) -> OpsFut<'_, Campaign>;
    /// A campaign's funnel and its variants' numbers.
    fn campaign_stats(&self, ws: WorkspaceId, id: CampaignId) -> OpsFut<'_, CampaignStats>;
    /// Queues the withdrawal of these invitations through the governor, as `overture invites
    /// withdraw` does. An id that is not the workspace's is [`OpsError::NotFound`] and
    /// nothing is queued.
    fn withdraw_invitations<'a>(
        &'a self,
        ws: WorkspaceId,
        ids: &'a [InvitationId],
        seed: u64,
        now: Timestamp,
    ) -> OpsFut<'a, WithdrawOutcome>;
    /// An account's health: its status, pending invitations against the cap, invitations
    /// against the day's and the week's limits.
    fn account_health(
        &self,
        ws: WorkspaceId,
        id: AccountId,
        now: Timestamp,
    ) -> OpsFut<'_, AccountHealthReport>;
    /// Adds a sender account; LinkedIn and email accounts wait for credentials, given with
    /// the command line.
    fn create_account(
        &self,
        ws: WorkspaceId,
        request: AccountRequest,
        now: Timestamp,
    ) -> OpsFut<'_, Account>;
    /// Adds a webhook endpoint: the target checked, a signing secret made and sealed with
    /// `master`. The secret is in the answer, and nowhere else in clear.
    fn create_webhook<'a>(
        &'a self,
        ws: WorkspaceId,
        master: &'a MasterKey,
        request: WebhookRequest,
        allow_private_targets: bool,
        now: Timestamp,
    ) -> OpsFut<'a, CreatedEndpoint>;
    /// Removes a webhook endpoint and its deliveries.
    fn delete_webhook(&self, ws: WorkspaceId, id: WebhookEndpointId) -> OpsFut<'_, ()>;
}

impl<S: Store + Send + Sync + 'static> Ops for S {
    fn import_leads_csv<'a>(
        &'a self,
        ws: WorkspaceId,
        csv: &'a [u8],
        list: Option<&'a str>,
        now: Timestamp,
    ) -> OpsFut<'a, LeadImport> {
        Box::pin(leads::import_csv(self, ws, csv, list, now))
    }

    fn erase_lead(&self, ws: WorkspaceId, id: LeadId, now: Timestamp) -> OpsFut<'_, Erasure> {
        Box::pin(async move { Ok(Store::erase_lead(self, ws, id, now).await?) })
    }

    fn validate_campaign<'a>(
        &'a self,
        ws: WorkspaceId,
        source: &'a str,
        format: SourceFormat,
    ) -> OpsFut<'a, CampaignCheck> {
        Box::pin(campaigns::validate(self, ws, source, format))
    }

    fn create_campaign<'a>(
        &'a self,
        ws: WorkspaceId,
        source: &'a str,
        format: SourceFormat,
        now: Timestamp,
    ) -> OpsFut<'a, StoredCampaign> {
        Box::pin(campaigns::create(self, ws, source, format, now))
    }

    fn start_campaign(
        &self,
        ws: WorkspaceId,
        id: CampaignId,
        allow_problems: bool,
        now: Timestamp,
    ) -> OpsFut<'_, StartedCampaign> {
        Box::pin(campaigns::start(self, ws, id, allow_problems, now))
    }

    fn pause_campaign(&self, ws: WorkspaceId, id: CampaignId) -> OpsFut<'_, Campaign> {
        Box::pin(campaigns::pause(self, ws, id))
    }

    fn campaign_stats(&self, ws: WorkspaceId, id: CampaignId) -> OpsFut<'_, CampaignStats> {
        Box::pin(campaigns::stats(self, ws, id))
    }

    fn withdraw_invitations<'a>(
        &'a self,
        ws: WorkspaceId,
        ids: &'a [InvitationId],
        seed: u64,
        now: Timestamp,
    ) -> OpsFut<'a, WithdrawOutcome> {
        Box::pin(invitations::withdraw(self, ws, ids, seed, now))
    }

    fn account_health(
        &self,
        ws: WorkspaceId,
        id: AccountId,
        now: Timestamp,
    ) -> OpsFut<'_, AccountHealthReport> {
        Box::pin(accounts::health(self, ws, id, now))
    }

    fn create_account(
        &self,
        ws: WorkspaceId,
        request: AccountRequest,
        now: Timestamp,
    ) -> OpsFut<'_, Account> {
        Box::pin(accounts::create(self, ws, request, now))
    }

    fn create_webhook<'a>(
        &'a self,
        ws: WorkspaceId,
        master: &'a MasterKey,
        request: WebhookRequest,
        allow_private_targets: bool,
        now: Timestamp,
    ) -> OpsFut<'a, CreatedEndpoint> {
        Box::pin(webhooks::create(
            self,
            ws,
            master,
            request,
            allow_private_targets,
            now,
        ))
    }

    fn delete_webhook(&self, ws: WorkspaceId, id: WebhookEndpointId) -> OpsFut<'_, ()> {
        Box::pin(async move { Ok(self.delete_webhook_endpoint(ws, id).await?) })
    }
}
