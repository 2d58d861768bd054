//! [`AnyStore`]: the store the database URL names, SQLite or PostgreSQL, behind one type, so
//! that every command, `run` and `serve` work on either. Each method hands over to the
//! backend's own; the users and webhooks methods are in `any_store/supertraits.rs`.

use jiff::{SignedDuration, Timestamp};
use overture_core::action::ActionEvent;
use overture_core::{
    Account, AccountId, AccountSettings, AccountStatus, Action, ActionId, ActionKind, Campaign,
    CampaignId, CampaignStatus, Cooldown, EnrollmentId, Event, EventId, Invitation,
    InvitationEvent, InvitationId, Lead, LeadId, LeadList, NewAccount, NewEvent, NewLead,
    ProfileUrl, Suppression, SuppressionKind, WorkspaceId,
};
use overture_store::{
    AccountHistory, ActionHistory, ActionQuery, ActionTally, Applied, Backoff, Changes,
    ClaimedAction, ContactPolicy, EffectEntry, EffectOutcome, EnrollmentRecord, EnrollmentUpdate,
    EventQuery, HistoryOutcome, ImportOutcome, InFlightEffect, Intent, IntentOutcome,
    InvitationQuery, LeadQuery, NewAction, NewCampaignVersion, NewEnrollment, NewInvitation,
    OpenAccount, PollKind, SealedSecret, SecretInfo, Store, StoreError, StoredConnection,
    StoredSecret, Unsubscribed, VariantStats, Workspace,
};

use overture_store_postgres::PostgresStore;
use overture_store_sqlite::SqliteStore;

mod supertraits;

/// The store of either backend.
#[derive(Debug, Clone)]
pub enum AnyStore {
    /// An embedded SQLite file.
    Sqlite(SqliteStore),
    /// A PostgreSQL database.
    Postgres(PostgresStore),
}

/// Calls the same method on whichever backend the store is.
macro_rules! delegate {
    ($self:ident, $s:ident => $call:expr) => {
        match $self {
            AnyStore::Sqlite($s) => $call.await,
            AnyStore::Postgres($s) => $call.await,
        }
    };
}
use delegate;

impl Store for AnyStore {
    async fn list_workspaces(&self) -> Result<Vec<Workspace>, StoreError> {
        delegate!(self, s => s.list_workspaces())
    }

    async fn create_workspace(&self, name: &str) -> Result<Workspace, StoreError> {
        delegate!(self, s => s.create_workspace(name))
    }

    async fn create_account(&self, account: NewAccount) -> Result<Account, StoreError> {
        delegate!(self, s => s.create_account(account))
    }

    async fn account(&self, ws: WorkspaceId, id: AccountId) -> Result<Account, StoreError> {
        delegate!(self, s => s.account(ws, id))
    }

    async fn account_by_name(&self, ws: WorkspaceId, name: &str) -> Result<Account, StoreError> {
        delegate!(self, s => s.account_by_name(ws, name))
    }

    async fn list_accounts(&self, ws: WorkspaceId) -> Result<Vec<Account>, StoreError> {
        delegate!(self, s => s.list_accounts(ws))
    }

    async fn set_account_status(
        &self,
        ws: WorkspaceId,
        id: AccountId,
        status: AccountStatus,
    ) -> Result<Account, StoreError> {
        delegate!(self, s => s.set_account_status(ws, id, status))
    }

    async fn update_account_settings(
        &self,
        ws: WorkspaceId,
        id: AccountId,
        settings: AccountSettings,
    ) -> Result<Account, StoreError> {
        delegate!(self, s => s.update_account_settings(ws, id, settings))
    }

    async fn put_secret(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        name: &str,
        sealed: SealedSecret,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        delegate!(self, s => s.put_secret(ws, account, name, sealed, now))
    }

    async fn secret(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        name: &str,
    ) -> Result<Option<StoredSecret>, StoreError> {
        delegate!(self, s => s.secret(ws, account, name))
    }

    async fn list_secrets(
        &self,
        ws: WorkspaceId,
        account: AccountId,
    ) -> Result<Vec<SecretInfo>, StoreError> {
        delegate!(self, s => s.list_secrets(ws, account))
    }

    async fn delete_secret(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        name: &str,
    ) -> Result<bool, StoreError> {
        delegate!(self, s => s.delete_secret(ws, account, name))
    }

    async fn action_tally(&self) -> Result<Vec<ActionTally>, StoreError> {
        delegate!(self, s => s.action_tally())
    }

    async fn put_workspace_secret(
        &self,
        ws: WorkspaceId,
        name: &str,
        sealed: SealedSecret,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        delegate!(self, s => s.put_workspace_secret(ws, name, sealed, now))
    }

    async fn workspace_secret(
        &self,
        ws: WorkspaceId,
        name: &str,
    ) -> Result<Option<StoredSecret>, StoreError> {
        delegate!(self, s => s.workspace_secret(ws, name))
    }

    async fn list_workspace_secrets(&self, ws: WorkspaceId) -> Result<Vec<SecretInfo>, StoreError> {
        delegate!(self, s => s.list_workspace_secrets(ws))
    }

    async fn add_suppressions(
        &self,
        ws: WorkspaceId,
        entries: &[(SuppressionKind, String)],
        reason: &str,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        delegate!(self, s => s.add_suppressions(ws, entries, reason, now))
    }

    async fn remove_suppression(
        &self,
        ws: WorkspaceId,
        kind: SuppressionKind,
        value: &str,
    ) -> Result<bool, StoreError> {
        delegate!(self, s => s.remove_suppression(ws, kind, value))
    }

    async fn list_suppressions(&self, ws: WorkspaceId) -> Result<Vec<Suppression>, StoreError> {
        delegate!(self, s => s.list_suppressions(ws))
    }

    async fn erase_lead(
        &self,
        ws: WorkspaceId,
        id: LeadId,
        now: Timestamp,
    ) -> Result<overture_store::Erasure, StoreError> {
        delegate!(self, s => s.erase_lead(ws, id, now))
    }

    async fn lead_suppression(
        &self,
        ws: WorkspaceId,
        lead: LeadId,
    ) -> Result<Option<Suppression>, StoreError> {
        delegate!(self, s => s.lead_suppression(ws, lead))
    }

    async fn inbound_lead(
        &self,
        ws: WorkspaceId,
        refers_to: &[String],
        from: &str,
    ) -> Result<Option<LeadId>, StoreError> {
        delegate!(self, s => s.inbound_lead(ws, refers_to, from))
    }

    async fn last_email_of(
        &self,
        ws: WorkspaceId,
        enrollment: EnrollmentId,
    ) -> Result<Option<String>, StoreError> {
        delegate!(self, s => s.last_email_of(ws, enrollment))
    }

    async fn unsubscribe_token(
        &self,
        ws: WorkspaceId,
        lead: LeadId,
        now: Timestamp,
    ) -> Result<String, StoreError> {
        delegate!(self, s => s.unsubscribe_token(ws, lead, now))
    }

    async fn unsubscribe(
        &self,
        token: &str,
        now: Timestamp,
    ) -> Result<Option<Unsubscribed>, StoreError> {
        delegate!(self, s => s.unsubscribe(token, now))
    }

    async fn import_leads(
        &self,
        ws: WorkspaceId,
        list_name: &str,
        leads: &[NewLead],
        now: Timestamp,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<ImportOutcome, StoreError> {
        delegate!(self, s => s.import_leads(ws, list_name, leads, now, progress))
    }

    async fn list_leads(&self, ws: WorkspaceId, query: LeadQuery) -> Result<Vec<Lead>, StoreError> {
        delegate!(self, s => s.list_leads(ws, query))
    }

    async fn lead(&self, ws: WorkspaceId, id: LeadId) -> Result<Lead, StoreError> {
        delegate!(self, s => s.lead(ws, id))
    }

    async fn lead_by_url(
        &self,
        ws: WorkspaceId,
        url: &ProfileUrl,
    ) -> Result<Option<Lead>, StoreError> {
        delegate!(self, s => s.lead_by_url(ws, url))
    }

    async fn list_lead_lists(&self, ws: WorkspaceId) -> Result<Vec<(LeadList, u64)>, StoreError> {
        delegate!(self, s => s.list_lead_lists(ws))
    }

    async fn apply_campaign(
        &self,
        ws: WorkspaceId,
        version: NewCampaignVersion,
        now: Timestamp,
    ) -> Result<Applied, StoreError> {
        delegate!(self, s => s.apply_campaign(ws, version, now))
    }

    async fn campaign(&self, ws: WorkspaceId, id: CampaignId) -> Result<Campaign, StoreError> {
        delegate!(self, s => s.campaign(ws, id))
    }

    async fn campaign_by_name(&self, ws: WorkspaceId, name: &str) -> Result<Campaign, StoreError> {
        delegate!(self, s => s.campaign_by_name(ws, name))
    }

    async fn list_campaigns(&self, ws: WorkspaceId) -> Result<Vec<Campaign>, StoreError> {
        delegate!(self, s => s.list_campaigns(ws))
    }

    async fn campaign_versions(
        &self,
        ws: WorkspaceId,
        id: CampaignId,
    ) -> Result<Vec<(u32, Timestamp)>, StoreError> {
        delegate!(self, s => s.campaign_versions(ws, id))
    }

    async fn set_campaign_status(
        &self,
        ws: WorkspaceId,
        id: CampaignId,
        status: CampaignStatus,
    ) -> Result<Campaign, StoreError> {
        delegate!(self, s => s.set_campaign_status(ws, id, status))
    }

    async fn append_event(&self, event: NewEvent) -> Result<EventId, StoreError> {
        delegate!(self, s => s.append_event(event))
    }

    async fn list_events(
        &self,
        ws: WorkspaceId,
        query: EventQuery,
    ) -> Result<Vec<Event>, StoreError> {
        delegate!(self, s => s.list_events(ws, query))
    }

    async fn record_invitation(&self, invitation: NewInvitation) -> Result<Invitation, StoreError> {
        delegate!(self, s => s.record_invitation(invitation))
    }

    async fn transition_invitation(
        &self,
        ws: WorkspaceId,
        id: InvitationId,
        event: InvitationEvent,
        at: Timestamp,
    ) -> Result<Invitation, StoreError> {
        delegate!(self, s => s.transition_invitation(ws, id, event, at))
    }

    async fn list_invitations(
        &self,
        ws: WorkspaceId,
        query: InvitationQuery,
    ) -> Result<Vec<Invitation>, StoreError> {
        delegate!(self, s => s.list_invitations(ws, query))
    }

    async fn extend_cooldown(&self, cooldown: Cooldown) -> Result<Cooldown, StoreError> {
        delegate!(self, s => s.extend_cooldown(cooldown))
    }

    async fn cooldown(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        lead: LeadId,
    ) -> Result<Option<Cooldown>, StoreError> {
        delegate!(self, s => s.cooldown(ws, account, lead))
    }

    async fn enqueue_actions(&self, actions: &[NewAction]) -> Result<u64, StoreError> {
        delegate!(self, s => s.enqueue_actions(actions))
    }

    async fn claim_due_actions(
        &self,
        now: Timestamp,
        limit: u32,
        lease: SignedDuration,
    ) -> Result<Vec<ClaimedAction>, StoreError> {
        delegate!(self, s => s.claim_due_actions(now, limit, lease))
    }

    async fn finish_action(
        &self,
        id: ActionId,
        fence: i64,
        event: ActionEvent,
        error: Option<String>,
        now: Timestamp,
    ) -> Result<Action, StoreError> {
        delegate!(self, s => s.finish_action(id, fence, event, error, now))
    }

    async fn list_actions(
        &self,
        ws: WorkspaceId,
        query: ActionQuery,
    ) -> Result<Vec<Action>, StoreError> {
        delegate!(self, s => s.list_actions(ws, query))
    }

    async fn enrollable_leads(
        &self,
        ws: WorkspaceId,
        campaign: CampaignId,
        policy: ContactPolicy,
    ) -> Result<Vec<LeadId>, StoreError> {
        delegate!(self, s => s.enrollable_leads(ws, campaign, policy))
    }

    async fn enrollment_loads(
        &self,
        ws: WorkspaceId,
        accounts: &[AccountId],
    ) -> Result<Vec<(AccountId, u64)>, StoreError> {
        delegate!(self, s => s.enrollment_loads(ws, accounts))
    }

    async fn enroll_leads(
        &self,
        ws: WorkspaceId,
        campaign: CampaignId,
        leads: &[NewEnrollment],
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        delegate!(self, s => s.enroll_leads(ws, campaign, leads, now))
    }

    async fn enrollment(
        &self,
        ws: WorkspaceId,
        id: EnrollmentId,
    ) -> Result<EnrollmentRecord, StoreError> {
        delegate!(self, s => s.enrollment(ws, id))
    }

    async fn list_enrollments(
        &self,
        ws: WorkspaceId,
        campaign: CampaignId,
    ) -> Result<Vec<EnrollmentRecord>, StoreError> {
        delegate!(self, s => s.list_enrollments(ws, campaign))
    }

    async fn open_enrollment(
        &self,
        ws: WorkspaceId,
        lead: LeadId,
    ) -> Result<Option<EnrollmentRecord>, StoreError> {
        delegate!(self, s => s.open_enrollment(ws, lead))
    }

    async fn due_enrollments(
        &self,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<EnrollmentRecord>, StoreError> {
        delegate!(self, s => s.due_enrollments(now, limit))
    }

    async fn accounts_to_watch(&self) -> Result<Vec<OpenAccount>, StoreError> {
        delegate!(self, s => s.accounts_to_watch())
    }

    async fn update_enrollment(
        &self,
        ws: WorkspaceId,
        update: EnrollmentUpdate,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        delegate!(self, s => s.update_enrollment(ws, update, now))
    }

    async fn apply_changes(
        &self,
        ws: WorkspaceId,
        changes: Changes,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        delegate!(self, s => s.apply_changes(ws, changes, now))
    }

    async fn variant_stats(
        &self,
        ws: WorkspaceId,
        campaign: CampaignId,
        step: Option<u32>,
    ) -> Result<Vec<VariantStats>, StoreError> {
        delegate!(self, s => s.variant_stats(ws, campaign, step))
    }

    async fn action_history(
        &self,
        account: AccountId,
        kind: ActionKind,
        since: Timestamp,
    ) -> Result<ActionHistory, StoreError> {
        delegate!(self, s => s.action_history(account, kind, since))
    }

    async fn effect_history(
        &self,
        account: AccountId,
        kind: ActionKind,
        since: Timestamp,
    ) -> Result<ActionHistory, StoreError> {
        delegate!(self, s => s.effect_history(account, kind, since))
    }

    async fn record_intent(&self, intent: Intent) -> Result<IntentOutcome, StoreError> {
        delegate!(self, s => s.record_intent(intent))
    }

    async fn complete_effect(&self, outcome: EffectOutcome) -> Result<Action, StoreError> {
        delegate!(self, s => s.complete_effect(outcome))
    }

    async fn record_intents(
        &self,
        intents: Vec<Intent>,
    ) -> Result<Vec<Result<IntentOutcome, StoreError>>, StoreError> {
        delegate!(self, s => s.record_intents(intents))
    }

    async fn complete_effects(
        &self,
        outcomes: Vec<EffectOutcome>,
    ) -> Result<Vec<Result<Action, StoreError>>, StoreError> {
        delegate!(self, s => s.complete_effects(outcomes))
    }

    async fn in_flight_intents(
        &self,
        now: Timestamp,
        lease: SignedDuration,
    ) -> Result<Vec<InFlightEffect>, StoreError> {
        delegate!(self, s => s.in_flight_intents(now, lease))
    }

    async fn effect_log(&self, ws: WorkspaceId) -> Result<Vec<EffectEntry>, StoreError> {
        delegate!(self, s => s.effect_log(ws))
    }

    async fn next_due(&self) -> Result<Option<Timestamp>, StoreError> {
        delegate!(self, s => s.next_due())
    }

    async fn set_backoff(&self, backoff: Backoff) -> Result<Backoff, StoreError> {
        delegate!(self, s => s.set_backoff(backoff))
    }

    async fn backoffs(&self, account: AccountId) -> Result<Vec<Backoff>, StoreError> {
        delegate!(self, s => s.backoffs(account))
    }

    async fn poll_cursor(
        &self,
        account: AccountId,
        kind: PollKind,
    ) -> Result<Option<Timestamp>, StoreError> {
        delegate!(self, s => s.poll_cursor(account, kind))
    }

    async fn mailbox_cursor(&self, account: AccountId) -> Result<Option<String>, StoreError> {
        delegate!(self, s => s.mailbox_cursor(account))
    }

    async fn set_poll_cursor(
        &self,
        account: AccountId,
        kind: PollKind,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        delegate!(self, s => s.set_poll_cursor(account, kind, at))
    }

    async fn latest_invitation(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        lead: LeadId,
    ) -> Result<Option<Invitation>, StoreError> {
        delegate!(self, s => s.latest_invitation(ws, account, lead))
    }

    async fn invitations_to(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        lead: LeadId,
    ) -> Result<Vec<Invitation>, StoreError> {
        delegate!(self, s => s.invitations_to(ws, account, lead))
    }

    async fn pending_count(&self, ws: WorkspaceId, account: AccountId) -> Result<u64, StoreError> {
        delegate!(self, s => s.pending_count(ws, account))
    }

    async fn pending_invitations(
        &self,
        ws: WorkspaceId,
        account: AccountId,
    ) -> Result<Vec<Invitation>, StoreError> {
        delegate!(self, s => s.pending_invitations(ws, account))
    }

    async fn import_history(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        history: &AccountHistory,
        now: Timestamp,
    ) -> Result<HistoryOutcome, StoreError> {
        delegate!(self, s => s.import_history(ws, account, history, now))
    }

    async fn connections(
        &self,
        ws: WorkspaceId,
        account: AccountId,
    ) -> Result<Vec<StoredConnection>, StoreError> {
        delegate!(self, s => s.connections(ws, account))
    }
}
