//! [`ServerStore`]: the slice of the `Store` port the HTTP handlers use, object-safe so that
//! handlers are plain functions (their OpenAPI description is generated from them).

use std::future::Future;
use std::pin::Pin;

use jiff::Timestamp;
use overture_core::{
    Account, AccountId, AccountStatus, Campaign, CampaignId, Event, Invitation, Lead, LeadId,
    LeadList, Suppression, SuppressionKind, WorkspaceId,
};
use overture_store::{
    ActionTally, ApiTokenInfo, EventQuery, InvitationQuery, LeadQuery, Store, StoreError,
    Unsubscribed, WebhookEndpoint, Workspace,
};

use crate::ops::Ops;

/// A boxed future the handlers await.
pub type Fut<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// What the HTTP handlers ask of the store: reads here, use cases in [`Ops`], and what only
/// the dashboard needs (sessions) in [`WebStore`](crate::WebStore).
pub trait ServerStore: Ops + crate::web::WebStore + Send + Sync + 'static {
    /// Every workspace.
    fn workspaces(&self) -> Fut<'_, Vec<Workspace>>;
    /// A workspace's accounts.
    fn accounts(&self, ws: WorkspaceId) -> Fut<'_, Vec<Account>>;
    /// An account's pending invitations.
    fn pending(&self, ws: WorkspaceId, account: AccountId) -> Fut<'_, u64>;
    /// Actions by account, kind and state.
    fn action_tally(&self) -> Fut<'_, Vec<ActionTally>>;
    /// The earliest due instant of a queued action.
    fn next_due(&self) -> Fut<'_, Option<Timestamp>>;
    /// Unsubscribes the lead of `token`.
    fn unsubscribe<'a>(&'a self, token: &'a str, now: Timestamp) -> Fut<'a, Option<Unsubscribed>>;
    /// The live API token with this hash.
    fn api_token<'a>(&'a self, hash: &'a str, now: Timestamp) -> Fut<'a, Option<ApiTokenInfo>>;
    /// One account of a workspace (`NotFound` for another workspace's).
    fn account(&self, ws: WorkspaceId, id: AccountId) -> Fut<'_, Account>;
    /// Sets an account's status.
    fn set_status(&self, ws: WorkspaceId, id: AccountId, status: AccountStatus)
    -> Fut<'_, Account>;
    /// The workspace's suppression list.
    fn suppressions(&self, ws: WorkspaceId) -> Fut<'_, Vec<Suppression>>;
    /// Invitations, by id.
    fn invitations(&self, ws: WorkspaceId, query: InvitationQuery) -> Fut<'_, Vec<Invitation>>;
    /// Events, by id.
    fn events(&self, ws: WorkspaceId, query: EventQuery) -> Fut<'_, Vec<Event>>;
    /// Campaigns.
    fn campaigns(&self, ws: WorkspaceId) -> Fut<'_, Vec<Campaign>>;
    /// Adds entries to the suppression list; how many were new.
    fn suppress<'a>(
        &'a self,
        ws: WorkspaceId,
        entries: &'a [(SuppressionKind, String)],
        reason: &'a str,
        now: Timestamp,
    ) -> Fut<'a, u64>;
    /// A page of leads by id, on a list or all (an unknown list is `NotFound`).
    fn leads(&self, ws: WorkspaceId, query: LeadQuery) -> Fut<'_, Vec<Lead>>;
    /// One lead of a workspace.
    fn lead(&self, ws: WorkspaceId, id: LeadId) -> Fut<'_, Lead>;
    /// The workspace's lists with their member counts.
    fn lead_lists(&self, ws: WorkspaceId) -> Fut<'_, Vec<(LeadList, u64)>>;
    /// One campaign of a workspace.
    fn campaign(&self, ws: WorkspaceId, id: CampaignId) -> Fut<'_, Campaign>;
    /// The workspace's webhook endpoints.
    fn webhook_endpoints(&self, ws: WorkspaceId) -> Fut<'_, Vec<WebhookEndpoint>>;
}

impl<S: Store + Send + Sync + 'static> ServerStore for S {
    fn workspaces(&self) -> Fut<'_, Vec<Workspace>> {
        Box::pin(self.list_workspaces())
    }

    fn accounts(&self, ws: WorkspaceId) -> Fut<'_, Vec<Account>> {
        Box::pin(self.list_accounts(ws))
    }

    fn pending(&self, ws: WorkspaceId, account: AccountId) -> Fut<'_, u64> {
        Box::pin(self.pending_count(ws, account))
    }

    fn action_tally(&self) -> Fut<'_, Vec<ActionTally>> {
        Box::pin(Store::action_tally(self))
    }

    fn next_due(&self) -> Fut<'_, Option<Timestamp>> {
        Box::pin(Store::next_due(self))
    }

    fn unsubscribe<'a>(&'a self, token: &'a str, now: Timestamp) -> Fut<'a, Option<Unsubscribed>> {
        Box::pin(Store::unsubscribe(self, token, now))
    }

    fn api_token<'a>(&'a self, hash: &'a str, now: Timestamp) -> Fut<'a, Option<ApiTokenInfo>> {
        Box::pin(self.api_token_by_hash(hash, now))
    }

    fn account(&self, ws: WorkspaceId, id: AccountId) -> Fut<'_, Account> {
        Box::pin(Store::account(self, ws, id))
    }

    fn set_status(
        &self,
        ws: WorkspaceId,
        id: AccountId,
        status: AccountStatus,
    ) -> Fut<'_, Account> {
        Box::pin(self.set_account_status(ws, id, status))
    }

    fn suppressions(&self, ws: WorkspaceId) -> Fut<'_, Vec<Suppression>> {
        Box::pin(self.list_suppressions(ws))
    }

    fn suppress<'a>(
        &'a self,
        ws: WorkspaceId,
        entries: &'a [(SuppressionKind, String)],
        reason: &'a str,
        now: Timestamp,
    ) -> Fut<'a, u64> {
        Box::pin(self.add_suppressions(ws, entries, reason, now))
    }

    fn invitations(&self, ws: WorkspaceId, query: InvitationQuery) -> Fut<'_, Vec<Invitation>> {
        Box::pin(self.list_invitations(ws, query))
    }

    fn events(&self, ws: WorkspaceId, query: EventQuery) -> Fut<'_, Vec<Event>> {
        Box::pin(self.list_events(ws, query))
    }

    fn campaigns(&self, ws: WorkspaceId) -> Fut<'_, Vec<Campaign>> {
        Box::pin(self.list_campaigns(ws))
    }

    fn leads(&self, ws: WorkspaceId, query: LeadQuery) -> Fut<'_, Vec<Lead>> {
        Box::pin(self.list_leads(ws, query))
    }

    fn lead(&self, ws: WorkspaceId, id: LeadId) -> Fut<'_, Lead> {
        Box::pin(Store::lead(self, ws, id))
    }

    fn lead_lists(&self, ws: WorkspaceId) -> Fut<'_, Vec<(LeadList, u64)>> {
        Box::pin(self.list_lead_lists(ws))
    }

    fn campaign(&self, ws: WorkspaceId, id: CampaignId) -> Fut<'_, Campaign> {
        Box::pin(Store::campaign(self, ws, id))
    }

    fn webhook_endpoints(&self, ws: WorkspaceId) -> Fut<'_, Vec<WebhookEndpoint>> {
        Box::pin(self.list_webhook_endpoints(ws))
    }
}
