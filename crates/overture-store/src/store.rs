//! The [`Store`] trait.

use std::future::Future;

use jiff::{SignedDuration, Timestamp};
use overture_core::action::ActionEvent;
use overture_core::{
    Account, AccountId, AccountSettings, AccountStatus, Action, ActionId, Campaign, CampaignId,
    CampaignStatus, Cooldown, Event, EventId, Invitation, InvitationEvent, InvitationId, Lead,
    LeadId, LeadList, NewAccount, NewEvent, NewLead, ProfileUrl, WorkspaceId,
};

use crate::error::StoreError;
use crate::types::{
    ActionQuery, Applied, ClaimedAction, EventQuery, ImportOutcome, InvitationQuery, LeadQuery,
    NewAction, NewCampaignVersion, NewInvitation, Workspace,
};

/// Everything Overture keeps, expressed as intent.
///
/// Every method that names a workspace only sees that workspace's rows: a row of another
/// workspace is [`StoreError::NotFound`] and is never listed. Every change that touches more
/// than one row is one transaction: it happens completely or not at all. Timestamps are kept
/// to the millisecond.
///
/// The trait is used generically (`S: Store`), never as a trait object.
pub trait Store: Send + Sync + 'static {
    // Workspaces.

    /// Every workspace, in id order. A fresh store has [`WorkspaceId::DEFAULT`], named
    /// `default`.
    fn list_workspaces(&self) -> impl Future<Output = Result<Vec<Workspace>, StoreError>> + Send;

    /// Creates a workspace; `Conflict` if the name is taken.
    fn create_workspace(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Workspace, StoreError>> + Send;

    // Accounts.

    /// Stores a new sender account; `Conflict` if its name exists in the workspace.
    fn create_account(
        &self,
        account: NewAccount,
    ) -> impl Future<Output = Result<Account, StoreError>> + Send;

    /// One account.
    fn account(
        &self,
        ws: WorkspaceId,
        id: AccountId,
    ) -> impl Future<Output = Result<Account, StoreError>> + Send;

    /// One account by its name.
    fn account_by_name(
        &self,
        ws: WorkspaceId,
        name: &str,
    ) -> impl Future<Output = Result<Account, StoreError>> + Send;

    /// The workspace's accounts, in id order.
    fn list_accounts(
        &self,
        ws: WorkspaceId,
    ) -> impl Future<Output = Result<Vec<Account>, StoreError>> + Send;

    /// Changes whether an account may act, and returns it.
    fn set_account_status(
        &self,
        ws: WorkspaceId,
        id: AccountId,
        status: AccountStatus,
    ) -> impl Future<Output = Result<Account, StoreError>> + Send;

    /// Replaces an account's changeable settings (tier, time zone, working hours, limits),
    /// and returns it.
    fn update_account_settings(
        &self,
        ws: WorkspaceId,
        id: AccountId,
        settings: AccountSettings,
    ) -> impl Future<Output = Result<Account, StoreError>> + Send;

    // Leads.

    /// Imports leads onto a list, in one transaction.
    ///
    /// Creates the list if it is missing; inserts leads not stored yet (the key is the
    /// workspace and the normalised profile URL); updates stored ones with
    /// [`NewLead::update_from`] (present values replace, absent ones never erase); puts every
    /// given lead on the list; appends a `leads_imported` event. Rows with the same URL are
    /// merged in order first, so counts are per distinct URL. `progress` is called with the
    /// number of rows processed so far every few thousand rows, the last time with
    /// `leads.len()` before the transaction commits. On any error nothing changes.
    fn import_leads(
        &self,
        ws: WorkspaceId,
        list_name: &str,
        leads: &[NewLead],
        now: Timestamp,
        progress: &(dyn Fn(u64) + Sync),
    ) -> impl Future<Output = Result<ImportOutcome, StoreError>> + Send;

    /// A page of leads in ascending id order; an unknown list is `NotFound`.
    fn list_leads(
        &self,
        ws: WorkspaceId,
        query: LeadQuery,
    ) -> impl Future<Output = Result<Vec<Lead>, StoreError>> + Send;

    /// One lead.
    fn lead(
        &self,
        ws: WorkspaceId,
        id: LeadId,
    ) -> impl Future<Output = Result<Lead, StoreError>> + Send;

    /// The lead with this profile URL, if stored.
    fn lead_by_url(
        &self,
        ws: WorkspaceId,
        url: &ProfileUrl,
    ) -> impl Future<Output = Result<Option<Lead>, StoreError>> + Send;

    /// The workspace's lead lists with their member counts, in id order.
    fn list_lead_lists(
        &self,
        ws: WorkspaceId,
    ) -> impl Future<Output = Result<Vec<(LeadList, u64)>, StoreError>> + Send;

    // Campaigns.

    /// Stores a campaign definition: the first one as version 1 in `draft`, a changed source
    /// as the next version (the status is kept), an identical source changes nothing. A
    /// change appends a `campaign_applied` event.
    fn apply_campaign(
        &self,
        ws: WorkspaceId,
        version: NewCampaignVersion,
        now: Timestamp,
    ) -> impl Future<Output = Result<Applied, StoreError>> + Send;

    /// One campaign (its newest version).
    fn campaign(
        &self,
        ws: WorkspaceId,
        id: CampaignId,
    ) -> impl Future<Output = Result<Campaign, StoreError>> + Send;

    /// One campaign by name.
    fn campaign_by_name(
        &self,
        ws: WorkspaceId,
        name: &str,
    ) -> impl Future<Output = Result<Campaign, StoreError>> + Send;

    /// The workspace's campaigns, in id order.
    fn list_campaigns(
        &self,
        ws: WorkspaceId,
    ) -> impl Future<Output = Result<Vec<Campaign>, StoreError>> + Send;

    /// Every stored version of a campaign with when it was stored, oldest first.
    fn campaign_versions(
        &self,
        ws: WorkspaceId,
        id: CampaignId,
    ) -> impl Future<Output = Result<Vec<(u32, Timestamp)>, StoreError>> + Send;

    /// Changes whether a campaign runs, and returns it.
    fn set_campaign_status(
        &self,
        ws: WorkspaceId,
        id: CampaignId,
        status: CampaignStatus,
    ) -> impl Future<Output = Result<Campaign, StoreError>> + Send;

    // Events.

    /// Appends a fact; ids increase with insertion order.
    fn append_event(
        &self,
        event: NewEvent,
    ) -> impl Future<Output = Result<EventId, StoreError>> + Send;

    /// A page of the workspace's events in ascending id order.
    fn list_events(
        &self,
        ws: WorkspaceId,
        query: EventQuery,
    ) -> impl Future<Output = Result<Vec<Event>, StoreError>> + Send;

    // Invitations and cooldowns.

    /// Stores a sent invitation as pending; `Conflict` if the account already has a pending
    /// invitation to the lead.
    fn record_invitation(
        &self,
        invitation: NewInvitation,
    ) -> impl Future<Output = Result<Invitation, StoreError>> + Send;

    /// Applies the invitation state machine; a refused transition is a `Conflict` carrying
    /// the reason, and changes nothing.
    fn transition_invitation(
        &self,
        ws: WorkspaceId,
        id: InvitationId,
        event: InvitationEvent,
        at: Timestamp,
    ) -> impl Future<Output = Result<Invitation, StoreError>> + Send;

    /// The workspace's invitations matching the query, in ascending id order.
    fn list_invitations(
        &self,
        ws: WorkspaceId,
        query: InvitationQuery,
    ) -> impl Future<Output = Result<Vec<Invitation>, StoreError>> + Send;

    /// Stores a cooldown, or moves a stored one later; it never gets shorter. Returns the
    /// cooldown as stored.
    fn extend_cooldown(
        &self,
        cooldown: Cooldown,
    ) -> impl Future<Output = Result<Cooldown, StoreError>> + Send;

    /// The cooldown of an account towards a lead, if any.
    fn cooldown(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        lead: LeadId,
    ) -> impl Future<Output = Result<Option<Cooldown>, StoreError>> + Send;

    // Actions: the durable queue.

    /// Queues actions in one transaction; an idempotency key already queued in the workspace
    /// inserts nothing. Returns how many were inserted.
    fn enqueue_actions(
        &self,
        actions: &[NewAction],
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Claims up to `limit` actions of any workspace, oldest due first: queued ones due at
    /// `now`, and claimed ones whose lease expired (a takeover). Each claim lasts `lease`,
    /// counts as an attempt and increments the action's fence.
    fn claim_due_actions(
        &self,
        now: Timestamp,
        limit: u32,
        lease: SignedDuration,
    ) -> impl Future<Output = Result<Vec<ClaimedAction>, StoreError>> + Send;

    /// Applies the action state machine to an action held with `fence`. A stale fence (the
    /// lease was taken over) or a refused transition is a `Conflict` and changes nothing;
    /// `Claim` goes through [`Store::claim_due_actions`] only. `error`, when given, becomes
    /// the action's last error.
    fn finish_action(
        &self,
        id: ActionId,
        fence: i64,
        event: ActionEvent,
        error: Option<String>,
        now: Timestamp,
    ) -> impl Future<Output = Result<Action, StoreError>> + Send;

    /// The workspace's actions matching the query, in ascending id order.
    fn list_actions(
        &self,
        ws: WorkspaceId,
        query: ActionQuery,
    ) -> impl Future<Output = Result<Vec<Action>, StoreError>> + Send;
}
