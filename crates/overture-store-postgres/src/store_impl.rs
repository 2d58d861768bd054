//! The `overture_store::Store` port on [`PostgresStore`]: each method hands over to the
//! resource file that implements it (`accounts.rs`, `actions.rs`, …).

use jiff::{SignedDuration, Timestamp};
use overture_core::action::ActionEvent;
use overture_core::{
    Account, AccountId, AccountSettings, AccountStatus, Action, ActionId, ActionKind, Campaign,
    CampaignId, CampaignStatus, Cooldown, EnrollmentId, Event, EventId, Invitation,
    InvitationEvent, InvitationId, Lead, LeadId, LeadList, NewAccount, NewEvent, NewLead,
    ProfileUrl, Role, Suppression, SuppressionKind, UserId, WorkspaceId,
};
use overture_store::{
    AccountHistory, ActionHistory, ActionQuery, ActionTally, ApiTokenInfo, Applied, Backoff,
    Changes, ClaimedAction, ContactPolicy, EffectEntry, EffectOutcome, EnrollmentRecord,
    EnrollmentUpdate, EventQuery, HistoryOutcome, ImportOutcome, InFlightEffect, Intent,
    IntentOutcome, InvitationQuery, LeadQuery, Member, Membership, NewAction, NewApiToken,
    NewCampaignVersion, NewEnrollment, NewInvitation, NewSession, NewUser, OpenAccount, PollKind,
    SealedSecret, SecretInfo, SessionAuth, Store, StoreError, StoredConnection, StoredSecret,
    Unsubscribed, User, UserStore, VariantStats, WebhookStore, Workspace,
};

use overture_core::webhook::{WebhookDeliveryId, WebhookEndpointId};
use overture_store::{
    DeliveryQuery, NewWebhookDelivery, NewWebhookEndpoint, StoredAttempt, WebhookAttempt,
    WebhookDelivery, WebhookEndpoint,
};

use crate::postgres_store::PostgresStore;

impl Store for PostgresStore {
    async fn list_workspaces(&self) -> Result<Vec<Workspace>, StoreError> {
        self.list_workspaces_impl().await
    }

    async fn create_workspace(&self, name: &str) -> Result<Workspace, StoreError> {
        self.create_workspace_impl(name).await
    }

    async fn create_account(&self, account: NewAccount) -> Result<Account, StoreError> {
        self.create_account_impl(account).await
    }

    async fn account(&self, ws: WorkspaceId, id: AccountId) -> Result<Account, StoreError> {
        self.account_impl(ws, id).await
    }

    async fn account_by_name(&self, ws: WorkspaceId, name: &str) -> Result<Account, StoreError> {
        self.account_by_name_impl(ws, name).await
    }

    async fn list_accounts(&self, ws: WorkspaceId) -> Result<Vec<Account>, StoreError> {
        self.list_accounts_impl(ws).await
    }

    async fn set_account_status(
        &self,
        ws: WorkspaceId,
        id: AccountId,
        status: AccountStatus,
    ) -> Result<Account, StoreError> {
        self.set_account_status_impl(ws, id, status).await
    }

    async fn update_account_settings(
        &self,
        ws: WorkspaceId,
        id: AccountId,
        settings: AccountSettings,
    ) -> Result<Account, StoreError> {
        self.update_account_settings_impl(ws, id, settings).await
    }

    async fn put_secret(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        name: &str,
        sealed: SealedSecret,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.put_secret_impl(ws, account, name, sealed, now).await
    }

    async fn secret(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        name: &str,
    ) -> Result<Option<StoredSecret>, StoreError> {
        self.secret_impl(ws, account, name).await
    }

    async fn list_secrets(
        &self,
        ws: WorkspaceId,
        account: AccountId,
    ) -> Result<Vec<SecretInfo>, StoreError> {
        self.list_secrets_impl(ws, account).await
    }

    async fn delete_secret(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        name: &str,
    ) -> Result<bool, StoreError> {
        self.delete_secret_impl(ws, account, name).await
    }

    async fn action_tally(&self) -> Result<Vec<ActionTally>, StoreError> {
        self.action_tally_impl().await
    }

    async fn put_workspace_secret(
        &self,
        ws: WorkspaceId,
        name: &str,
        sealed: SealedSecret,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.put_workspace_secret_impl(ws, name, sealed, now).await
    }

    async fn workspace_secret(
        &self,
        ws: WorkspaceId,
        name: &str,
    ) -> Result<Option<StoredSecret>, StoreError> {
        self.workspace_secret_impl(ws, name).await
    }

    async fn list_workspace_secrets(&self, ws: WorkspaceId) -> Result<Vec<SecretInfo>, StoreError> {
        self.list_workspace_secrets_impl(ws).await
    }

    async fn add_suppressions(
        &self,
        ws: WorkspaceId,
        entries: &[(SuppressionKind, String)],
        reason: &str,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        self.add_suppressions_impl(ws, entries, reason, now).await
    }

    async fn remove_suppression(
        &self,
        ws: WorkspaceId,
        kind: SuppressionKind,
        value: &str,
    ) -> Result<bool, StoreError> {
        self.remove_suppression_impl(ws, kind, value).await
    }

    async fn list_suppressions(&self, ws: WorkspaceId) -> Result<Vec<Suppression>, StoreError> {
        self.list_suppressions_impl(ws).await
    }

    async fn erase_lead(
        &self,
        ws: WorkspaceId,
        id: LeadId,
        now: Timestamp,
    ) -> Result<overture_store::Erasure, StoreError> {
        self.erase_lead_impl(ws, id, now).await
    }

    async fn lead_suppression(
        &self,
        ws: WorkspaceId,
        lead: LeadId,
    ) -> Result<Option<Suppression>, StoreError> {
        self.lead_suppression_impl(ws, lead).await
    }

    async fn inbound_lead(
        &self,
        ws: WorkspaceId,
        refers_to: &[String],
        from: &str,
    ) -> Result<Option<LeadId>, StoreError> {
        self.inbound_lead_impl(ws, refers_to, from).await
    }

    async fn last_email_of(
        &self,
        ws: WorkspaceId,
        enrollment: EnrollmentId,
    ) -> Result<Option<String>, StoreError> {
        self.last_email_of_impl(ws, enrollment).await
    }

    async fn unsubscribe_token(
        &self,
        ws: WorkspaceId,
        lead: LeadId,
        now: Timestamp,
    ) -> Result<String, StoreError> {
        self.unsubscribe_token_impl(ws, lead, now).await
    }

    async fn unsubscribe(
        &self,
        token: &str,
        now: Timestamp,
    ) -> Result<Option<Unsubscribed>, StoreError> {
        self.unsubscribe_impl(token, now).await
    }

    async fn import_leads(
        &self,
        ws: WorkspaceId,
        list_name: &str,
        leads: &[NewLead],
        now: Timestamp,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<ImportOutcome, StoreError> {
        self.import_leads_impl(ws, list_name, leads, now, progress)
            .await
    }

    async fn list_leads(&self, ws: WorkspaceId, query: LeadQuery) -> Result<Vec<Lead>, StoreError> {
        self.list_leads_impl(ws, query).await
    }

    async fn lead(&self, ws: WorkspaceId, id: LeadId) -> Result<Lead, StoreError> {
        self.lead_impl(ws, id).await
    }

    async fn lead_by_url(
        &self,
        ws: WorkspaceId,
        url: &ProfileUrl,
    ) -> Result<Option<Lead>, StoreError> {
        self.lead_by_url_impl(ws, url).await
    }

    async fn list_lead_lists(&self, ws: WorkspaceId) -> Result<Vec<(LeadList, u64)>, StoreError> {
        self.list_lead_lists_impl(ws).await
    }

    async fn apply_campaign(
        &self,
        ws: WorkspaceId,
        version: NewCampaignVersion,
        now: Timestamp,
    ) -> Result<Applied, StoreError> {
        self.apply_campaign_impl(ws, version, now).await
    }

    async fn campaign(&self, ws: WorkspaceId, id: CampaignId) -> Result<Campaign, StoreError> {
        self.campaign_impl(ws, id).await
    }

    async fn campaign_by_name(&self, ws: WorkspaceId, name: &str) -> Result<Campaign, StoreError> {
        self.campaign_by_name_impl(ws, name).await
    }

    async fn list_campaigns(&self, ws: WorkspaceId) -> Result<Vec<Campaign>, StoreError> {
        self.list_campaigns_impl(ws).await
    }

    async fn campaign_versions(
        &self,
        ws: WorkspaceId,
        id: CampaignId,
    ) -> Result<Vec<(u32, Timestamp)>, StoreError> {
        self.campaign_versions_impl(ws, id).await
    }

    async fn set_campaign_status(
        &self,
        ws: WorkspaceId,
        id: CampaignId,
        status: CampaignStatus,
    ) -> Result<Campaign, StoreError> {
        self.set_campaign_status_impl(ws, id, status).await
    }

    async fn append_event(&self, event: NewEvent) -> Result<EventId, StoreError> {
        self.append_event_impl(event).await
    }

    async fn list_events(
        &self,
        ws: WorkspaceId,
        query: EventQuery,
    ) -> Result<Vec<Event>, StoreError> {
        self.list_events_impl(ws, query).await
    }

    async fn record_invitation(&self, invitation: NewInvitation) -> Result<Invitation, StoreError> {
        self.record_invitation_impl(invitation).await
    }

    async fn transition_invitation(
        &self,
        ws: WorkspaceId,
        id: InvitationId,
        event: InvitationEvent,
        at: Timestamp,
    ) -> Result<Invitation, StoreError> {
        self.transition_invitation_impl(ws, id, event, at).await
    }

    async fn list_invitations(
        &self,
        ws: WorkspaceId,
        query: InvitationQuery,
    ) -> Result<Vec<Invitation>, StoreError> {
        self.list_invitations_impl(ws, query).await
    }

    async fn extend_cooldown(&self, cooldown: Cooldown) -> Result<Cooldown, StoreError> {
        self.extend_cooldown_impl(cooldown).await
    }

    async fn cooldown(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        lead: LeadId,
    ) -> Result<Option<Cooldown>, StoreError> {
        self.cooldown_impl(ws, account, lead).await
    }

    async fn enqueue_actions(&self, actions: &[NewAction]) -> Result<u64, StoreError> {
        self.enqueue_actions_impl(actions).await
    }

    async fn claim_due_actions(
        &self,
        now: Timestamp,
        limit: u32,
        lease: SignedDuration,
    ) -> Result<Vec<ClaimedAction>, StoreError> {
        self.claim_due_actions_impl(None, now, limit, lease).await
    }

    async fn finish_action(
        &self,
        id: ActionId,
        fence: i64,
        event: ActionEvent,
        error: Option<String>,
        now: Timestamp,
    ) -> Result<Action, StoreError> {
        self.finish_action_impl(id, fence, event, error, now).await
    }

    async fn list_actions(
        &self,
        ws: WorkspaceId,
        query: ActionQuery,
    ) -> Result<Vec<Action>, StoreError> {
        self.list_actions_impl(ws, query).await
    }

    async fn enrollable_leads(
        &self,
        ws: WorkspaceId,
        campaign: CampaignId,
        policy: ContactPolicy,
    ) -> Result<Vec<LeadId>, StoreError> {
        self.enrollable_leads_impl(ws, campaign, policy).await
    }

    async fn enrollment_loads(
        &self,
        ws: WorkspaceId,
        accounts: &[AccountId],
    ) -> Result<Vec<(AccountId, u64)>, StoreError> {
        self.enrollment_loads_impl(ws, accounts).await
    }

    async fn enroll_leads(
        &self,
        ws: WorkspaceId,
        campaign: CampaignId,
        leads: &[NewEnrollment],
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        self.enroll_leads_impl(ws, campaign, leads, now).await
    }

    async fn enrollment(
        &self,
        ws: WorkspaceId,
        id: EnrollmentId,
    ) -> Result<EnrollmentRecord, StoreError> {
        self.enrollment_impl(ws, id).await
    }

    async fn list_enrollments(
        &self,
        ws: WorkspaceId,
        campaign: CampaignId,
    ) -> Result<Vec<EnrollmentRecord>, StoreError> {
        self.list_enrollments_impl(ws, campaign).await
    }

    async fn open_enrollment(
        &self,
        ws: WorkspaceId,
        lead: LeadId,
    ) -> Result<Option<EnrollmentRecord>, StoreError> {
        self.open_enrollment_impl(ws, lead).await
    }

    async fn due_enrollments(
        &self,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<EnrollmentRecord>, StoreError> {
        self.due_enrollments_impl(now, limit).await
    }

    async fn accounts_to_watch(&self) -> Result<Vec<OpenAccount>, StoreError> {
        self.accounts_to_watch_impl().await
    }

    async fn update_enrollment(
        &self,
        ws: WorkspaceId,
        update: EnrollmentUpdate,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        self.update_enrollment_impl(ws, update, now).await
    }

    async fn apply_changes(
        &self,
        ws: WorkspaceId,
        changes: Changes,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.apply_changes_impl(ws, changes, now).await
    }

    async fn variant_stats(
        &self,
        ws: WorkspaceId,
        campaign: CampaignId,
        step: Option<u32>,
    ) -> Result<Vec<VariantStats>, StoreError> {
        self.variant_stats_impl(ws, campaign, step).await
    }

    async fn action_history(
        &self,
        account: AccountId,
        kind: ActionKind,
        since: Timestamp,
    ) -> Result<ActionHistory, StoreError> {
        self.action_history_impl(account, kind, since).await
    }

    async fn effect_history(
        &self,
        account: AccountId,
        kind: ActionKind,
        since: Timestamp,
    ) -> Result<ActionHistory, StoreError> {
        self.effect_history_impl(account, kind, since).await
    }

    async fn record_intent(&self, intent: Intent) -> Result<IntentOutcome, StoreError> {
        self.record_intent_impl(intent).await
    }

    async fn complete_effect(&self, outcome: EffectOutcome) -> Result<Action, StoreError> {
        self.complete_effect_impl(outcome).await
    }

    async fn record_intents(
        &self,
        intents: Vec<Intent>,
    ) -> Result<Vec<Result<IntentOutcome, StoreError>>, StoreError> {
        self.record_intents_impl(intents).await
    }

    async fn complete_effects(
        &self,
        outcomes: Vec<EffectOutcome>,
    ) -> Result<Vec<Result<Action, StoreError>>, StoreError> {
        self.complete_effects_impl(outcomes).await
    }

    async fn in_flight_intents(
        &self,
        now: Timestamp,
        lease: SignedDuration,
    ) -> Result<Vec<InFlightEffect>, StoreError> {
        self.in_flight_intents_impl(None, now, lease).await
    }

    async fn effect_log(&self, ws: WorkspaceId) -> Result<Vec<EffectEntry>, StoreError> {
        self.effect_log_impl(ws).await
    }

    async fn next_due(&self) -> Result<Option<Timestamp>, StoreError> {
        self.next_due_impl().await
    }

    async fn set_backoff(&self, backoff: Backoff) -> Result<Backoff, StoreError> {
        self.set_backoff_impl(backoff).await
    }

    async fn backoffs(&self, account: AccountId) -> Result<Vec<Backoff>, StoreError> {
        self.backoffs_impl(account).await
    }

    async fn poll_cursor(
        &self,
        account: AccountId,
        kind: PollKind,
    ) -> Result<Option<Timestamp>, StoreError> {
        self.poll_cursor_impl(account, kind).await
    }

    async fn mailbox_cursor(&self, account: AccountId) -> Result<Option<String>, StoreError> {
        self.mailbox_cursor_impl(account).await
    }

    async fn set_poll_cursor(
        &self,
        account: AccountId,
        kind: PollKind,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        self.set_poll_cursor_impl(account, kind, at).await
    }

    async fn latest_invitation(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        lead: LeadId,
    ) -> Result<Option<Invitation>, StoreError> {
        self.latest_invitation_impl(ws, account, lead).await
    }

    async fn invitations_to(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        lead: LeadId,
    ) -> Result<Vec<Invitation>, StoreError> {
        self.invitations_to_impl(ws, account, lead).await
    }

    async fn pending_count(&self, ws: WorkspaceId, account: AccountId) -> Result<u64, StoreError> {
        self.pending_count_impl(ws, account).await
    }

    async fn pending_invitations(
        &self,
        ws: WorkspaceId,
        account: AccountId,
    ) -> Result<Vec<Invitation>, StoreError> {
        self.pending_invitations_impl(ws, account).await
    }

    async fn import_history(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        history: &AccountHistory,
        now: Timestamp,
    ) -> Result<HistoryOutcome, StoreError> {
        self.import_history_impl(ws, account, history, now).await
    }

    async fn connections(
        &self,
        ws: WorkspaceId,
        account: AccountId,
    ) -> Result<Vec<StoredConnection>, StoreError> {
        self.connections_impl(ws, account).await
    }
}

impl UserStore for PostgresStore {
    async fn create_user(
        &self,
        user: NewUser,
        membership: Option<(WorkspaceId, Role)>,
    ) -> Result<User, StoreError> {
        self.create_user_impl(user, membership).await
    }

    async fn user(&self, id: UserId) -> Result<User, StoreError> {
        self.user_impl(id).await
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        self.user_by_email_impl(email).await
    }

    async fn user_count(&self) -> Result<u64, StoreError> {
        self.user_count_impl().await
    }

    async fn set_user_disabled(&self, id: UserId, disabled: bool) -> Result<User, StoreError> {
        self.set_user_disabled_impl(id, disabled).await
    }

    async fn memberships(&self, user: UserId) -> Result<Vec<Membership>, StoreError> {
        self.memberships_impl(user).await
    }

    async fn list_members(&self, ws: WorkspaceId) -> Result<Vec<Member>, StoreError> {
        self.list_members_impl(ws).await
    }

    async fn set_membership(
        &self,
        ws: WorkspaceId,
        user: UserId,
        role: Role,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.set_membership_impl(ws, user, role, now).await
    }

    async fn remove_membership(&self, ws: WorkspaceId, user: UserId) -> Result<bool, StoreError> {
        self.remove_membership_impl(ws, user).await
    }

    async fn create_session(&self, session: NewSession) -> Result<(), StoreError> {
        self.create_session_impl(session).await
    }

    async fn session_by_hash(
        &self,
        hash: &str,
        now: Timestamp,
    ) -> Result<Option<SessionAuth>, StoreError> {
        self.session_by_hash_impl(hash, now).await
    }

    async fn touch_session(
        &self,
        hash: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<bool, StoreError> {
        self.touch_session_impl(hash, now, expires_at).await
    }

    async fn delete_session(&self, hash: &str) -> Result<bool, StoreError> {
        self.delete_session_impl(hash).await
    }

    async fn delete_sessions_of_user(&self, user: UserId) -> Result<u64, StoreError> {
        self.delete_sessions_of_user_impl(user).await
    }

    async fn create_api_token(&self, token: NewApiToken) -> Result<ApiTokenInfo, StoreError> {
        self.create_api_token_impl(token).await
    }

    async fn api_token_by_hash(
        &self,
        hash: &str,
        now: Timestamp,
    ) -> Result<Option<ApiTokenInfo>, StoreError> {
        self.api_token_by_hash_impl(hash, now).await
    }

    async fn list_api_tokens(&self, ws: WorkspaceId) -> Result<Vec<ApiTokenInfo>, StoreError> {
        self.list_api_tokens_impl(ws).await
    }

    async fn revoke_api_token(
        &self,
        ws: WorkspaceId,
        prefix: &str,
        now: Timestamp,
    ) -> Result<ApiTokenInfo, StoreError> {
        self.revoke_api_token_impl(ws, prefix, now).await
    }
}

impl WebhookStore for PostgresStore {
    async fn create_webhook_endpoint(
        &self,
        endpoint: NewWebhookEndpoint,
    ) -> Result<WebhookEndpoint, StoreError> {
        self.create_webhook_endpoint_impl(endpoint).await
    }

    async fn webhook_endpoint(
        &self,
        ws: WorkspaceId,
        id: WebhookEndpointId,
    ) -> Result<WebhookEndpoint, StoreError> {
        self.webhook_endpoint_impl(ws, id).await
    }

    async fn webhook_endpoint_secret(
        &self,
        ws: WorkspaceId,
        id: WebhookEndpointId,
    ) -> Result<SealedSecret, StoreError> {
        self.webhook_endpoint_secret_impl(ws, id).await
    }

    async fn list_webhook_endpoints(
        &self,
        ws: WorkspaceId,
    ) -> Result<Vec<WebhookEndpoint>, StoreError> {
        self.list_webhook_endpoints_impl(ws).await
    }

    async fn set_webhook_endpoint_enabled(
        &self,
        ws: WorkspaceId,
        id: WebhookEndpointId,
        enabled: bool,
        reason: Option<String>,
        now: Timestamp,
    ) -> Result<WebhookEndpoint, StoreError> {
        self.set_webhook_endpoint_enabled_impl(ws, id, enabled, reason, now)
            .await
    }

    async fn delete_webhook_endpoint(
        &self,
        ws: WorkspaceId,
        id: WebhookEndpointId,
    ) -> Result<(), StoreError> {
        self.delete_webhook_endpoint_impl(ws, id).await
    }

    async fn webhook_cursor(&self, ws: WorkspaceId) -> Result<Option<EventId>, StoreError> {
        self.webhook_cursor_impl(ws).await
    }

    async fn enqueue_webhook_deliveries(
        &self,
        ws: WorkspaceId,
        deliveries: &[NewWebhookDelivery],
        cursor: Option<EventId>,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        self.enqueue_webhook_deliveries_impl(ws, deliveries, cursor, now)
            .await
    }

    async fn claim_due_webhook_deliveries(
        &self,
        now: Timestamp,
        limit: u32,
        lease: SignedDuration,
    ) -> Result<Vec<WebhookDelivery>, StoreError> {
        self.claim_due_webhook_deliveries_impl(now, limit, lease)
            .await
    }

    async fn record_webhook_attempt(
        &self,
        id: WebhookDeliveryId,
        attempt: WebhookAttempt,
    ) -> Result<WebhookDelivery, StoreError> {
        self.record_webhook_attempt_impl(id, attempt).await
    }

    async fn webhook_delivery(
        &self,
        ws: WorkspaceId,
        id: WebhookDeliveryId,
    ) -> Result<WebhookDelivery, StoreError> {
        self.webhook_delivery_impl(ws, id).await
    }

    async fn list_webhook_deliveries(
        &self,
        ws: WorkspaceId,
        query: DeliveryQuery,
    ) -> Result<Vec<WebhookDelivery>, StoreError> {
        self.list_webhook_deliveries_impl(ws, query).await
    }

    async fn webhook_attempts(
        &self,
        ws: WorkspaceId,
        id: WebhookDeliveryId,
    ) -> Result<Vec<StoredAttempt>, StoreError> {
        self.webhook_attempts_impl(ws, id).await
    }

    async fn next_webhook_due(&self) -> Result<Option<Timestamp>, StoreError> {
        self.next_webhook_due_impl().await
    }
}
