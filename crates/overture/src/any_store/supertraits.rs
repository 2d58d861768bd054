//! The users, webhooks and account lease methods of [`AnyStore`], handed over to the backend's own.

use jiff::{SignedDuration, Timestamp};
use overture_core::{AccountId, EventId, Role, UserId, WorkspaceId};
use overture_store::{
    AccountLease, AccountLeaseStore, ApiTokenInfo, ClaimedAction, InFlightEffect, Member,
    Membership, NewApiToken, NewSession, NewUser, SealedSecret, SessionAuth, StoreError, User,
    UserStore, WebhookStore,
};

use overture_core::webhook::{WebhookDeliveryId, WebhookEndpointId};
use overture_store::{
    DeliveryQuery, NewWebhookDelivery, NewWebhookEndpoint, StoredAttempt, WebhookAttempt,
    WebhookDelivery, WebhookEndpoint,
};

use super::{AnyStore, delegate};

impl UserStore for AnyStore {
    async fn create_user(
        &self,
        user: NewUser,
        membership: Option<(WorkspaceId, Role)>,
    ) -> Result<User, StoreError> {
        delegate!(self, s => s.create_user(user, membership))
    }

    async fn user(&self, id: UserId) -> Result<User, StoreError> {
        delegate!(self, s => s.user(id))
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        delegate!(self, s => s.user_by_email(email))
    }

    async fn user_count(&self) -> Result<u64, StoreError> {
        delegate!(self, s => s.user_count())
    }

    async fn set_user_disabled(&self, id: UserId, disabled: bool) -> Result<User, StoreError> {
        delegate!(self, s => s.set_user_disabled(id, disabled))
    }

    async fn memberships(&self, user: UserId) -> Result<Vec<Membership>, StoreError> {
        delegate!(self, s => s.memberships(user))
    }

    async fn list_members(&self, ws: WorkspaceId) -> Result<Vec<Member>, StoreError> {
        delegate!(self, s => s.list_members(ws))
    }

    async fn set_membership(
        &self,
        ws: WorkspaceId,
        user: UserId,
        role: Role,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        delegate!(self, s => s.set_membership(ws, user, role, now))
    }

    async fn remove_membership(&self, ws: WorkspaceId, user: UserId) -> Result<bool, StoreError> {
        delegate!(self, s => s.remove_membership(ws, user))
    }

    async fn create_session(&self, session: NewSession) -> Result<(), StoreError> {
        delegate!(self, s => s.create_session(session))
    }

    async fn session_by_hash(
        &self,
        hash: &str,
        now: Timestamp,
    ) -> Result<Option<SessionAuth>, StoreError> {
        delegate!(self, s => s.session_by_hash(hash, now))
    }

    async fn touch_session(
        &self,
        hash: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<bool, StoreError> {
        delegate!(self, s => s.touch_session(hash, now, expires_at))
    }

    async fn delete_session(&self, hash: &str) -> Result<bool, StoreError> {
        delegate!(self, s => s.delete_session(hash))
    }

    async fn delete_sessions_of_user(&self, user: UserId) -> Result<u64, StoreError> {
        delegate!(self, s => s.delete_sessions_of_user(user))
    }

    async fn create_api_token(&self, token: NewApiToken) -> Result<ApiTokenInfo, StoreError> {
        delegate!(self, s => s.create_api_token(token))
    }

    async fn api_token_by_hash(
        &self,
        hash: &str,
        now: Timestamp,
    ) -> Result<Option<ApiTokenInfo>, StoreError> {
        delegate!(self, s => s.api_token_by_hash(hash, now))
    }

    async fn list_api_tokens(&self, ws: WorkspaceId) -> Result<Vec<ApiTokenInfo>, StoreError> {
        delegate!(self, s => s.list_api_tokens(ws))
    }

    async fn revoke_api_token(
        &self,
        ws: WorkspaceId,
        prefix: &str,
        now: Timestamp,
    ) -> Result<ApiTokenInfo, StoreError> {
        delegate!(self, s => s.revoke_api_token(ws, prefix, now))
    }
}

impl WebhookStore for AnyStore {
    async fn create_webhook_endpoint(
        &self,
        endpoint: NewWebhookEndpoint,
    ) -> Result<WebhookEndpoint, StoreError> {
        delegate!(self, s => s.create_webhook_endpoint(endpoint))
    }

    async fn webhook_endpoint(
        &self,
        ws: WorkspaceId,
        id: WebhookEndpointId,
    ) -> Result<WebhookEndpoint, StoreError> {
        delegate!(self, s => s.webhook_endpoint(ws, id))
    }

    async fn webhook_endpoint_secret(
        &self,
        ws: WorkspaceId,
        id: WebhookEndpointId,
    ) -> Result<SealedSecret, StoreError> {
        delegate!(self, s => s.webhook_endpoint_secret(ws, id))
    }

    async fn list_webhook_endpoints(
        &self,
        ws: WorkspaceId,
    ) -> Result<Vec<WebhookEndpoint>, StoreError> {
        delegate!(self, s => s.list_webhook_endpoints(ws))
    }

    async fn set_webhook_endpoint_enabled(
        &self,
        ws: WorkspaceId,
        id: WebhookEndpointId,
        enabled: bool,
        reason: Option<String>,
        now: Timestamp,
    ) -> Result<WebhookEndpoint, StoreError> {
        delegate!(self, s => s.set_webhook_endpoint_enabled(ws, id, enabled, reason, now))
    }

    async fn delete_webhook_endpoint(
        &self,
        ws: WorkspaceId,
        id: WebhookEndpointId,
    ) -> Result<(), StoreError> {
        delegate!(self, s => s.delete_webhook_endpoint(ws, id))
    }

    async fn webhook_cursor(&self, ws: WorkspaceId) -> Result<Option<EventId>, StoreError> {
        delegate!(self, s => s.webhook_cursor(ws))
    }

    async fn enqueue_webhook_deliveries(
        &self,
        ws: WorkspaceId,
        deliveries: &[NewWebhookDelivery],
        cursor: Option<EventId>,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        delegate!(self, s => s.enqueue_webhook_deliveries(ws, deliveries, cursor, now))
    }

    async fn claim_due_webhook_deliveries(
        &self,
        now: Timestamp,
        limit: u32,
        lease: SignedDuration,
    ) -> Result<Vec<WebhookDelivery>, StoreError> {
        delegate!(self, s => s.claim_due_webhook_deliveries(now, limit, lease))
    }

    async fn record_webhook_attempt(
        &self,
        id: WebhookDeliveryId,
        attempt: WebhookAttempt,
    ) -> Result<WebhookDelivery, StoreError> {
        delegate!(self, s => s.record_webhook_attempt(id, attempt))
    }

    async fn webhook_delivery(
        &self,
        ws: WorkspaceId,
        id: WebhookDeliveryId,
    ) -> Result<WebhookDelivery, StoreError> {
        delegate!(self, s => s.webhook_delivery(ws, id))
    }

    async fn list_webhook_deliveries(
        &self,
        ws: WorkspaceId,
        query: DeliveryQuery,
    ) -> Result<Vec<WebhookDelivery>, StoreError> {
        delegate!(self, s => s.list_webhook_deliveries(ws, query))
    }

    async fn webhook_attempts(
        &self,
        ws: WorkspaceId,
        id: WebhookDeliveryId,
    ) -> Result<Vec<StoredAttempt>, StoreError> {
        delegate!(self, s => s.webhook_attempts(ws, id))
    }

    async fn next_webhook_due(&self) -> Result<Option<Timestamp>, StoreError> {
        delegate!(self, s => s.next_webhook_due())
    }
}

impl AccountLeaseStore for AnyStore {
    async fn acquire_accounts(
        &self,
        worker: &str,
        now: Timestamp,
        lease: SignedDuration,
        max: u32,
    ) -> Result<Vec<AccountLease>, StoreError> {
        delegate!(self, s => s.acquire_accounts(worker, now, lease, max))
    }

    async fn renew_account_lease(
        &self,
        worker: &str,
        account: AccountId,
        fence: i64,
        now: Timestamp,
        lease: SignedDuration,
    ) -> Result<AccountLease, StoreError> {
        delegate!(self, s => s.renew_account_lease(worker, account, fence, now, lease))
    }

    async fn release_account(
        &self,
        worker: &str,
        account: AccountId,
        fence: i64,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        delegate!(self, s => s.release_account(worker, account, fence, now))
    }

    async fn account_leases(&self) -> Result<Vec<AccountLease>, StoreError> {
        delegate!(self, s => s.account_leases())
    }

    async fn claim_due_actions_for(
        &self,
        worker: &str,
        now: Timestamp,
        limit: u32,
        lease: SignedDuration,
    ) -> Result<Vec<ClaimedAction>, StoreError> {
        delegate!(self, s => s.claim_due_actions_for(worker, now, limit, lease))
    }

    async fn in_flight_intents_for(
        &self,
        worker: &str,
        now: Timestamp,
        lease: SignedDuration,
    ) -> Result<Vec<InFlightEffect>, StoreError> {
        delegate!(self, s => s.in_flight_intents_for(worker, now, lease))
    }

    async fn work_queued(&self) {
        delegate!(self, s => s.work_queued())
    }

    async fn next_due_for(
        &self,
        worker: &str,
        now: Timestamp,
        more: bool,
    ) -> Result<Option<Timestamp>, StoreError> {
        delegate!(self, s => s.next_due_for(worker, now, more))
    }
}
