//! The [`Store`] trait.

use std::future::Future;

use jiff::{SignedDuration, Timestamp};
use overture_core::action::ActionEvent;
use overture_core::{
    Account, AccountId, AccountSettings, AccountStatus, Action, ActionId, ActionKind, Campaign,
    CampaignId, CampaignStatus, Cooldown, EnrollmentId, Event, EventId, Invitation,
    InvitationEvent, InvitationId, Lead, LeadId, LeadList, NewAccount, NewEvent, NewLead,
    ProfileUrl, Suppression, SuppressionKind, WorkspaceId,
};

use crate::account_lease_store::AccountLeaseStore;
use crate::engine_types::{
    ActionHistory, Backoff, Changes, ContactPolicy, EffectEntry, EffectOutcome, EnrollmentRecord,
    EnrollmentUpdate, InFlightEffect, Intent, IntentOutcome, NewEnrollment, OpenAccount, PollKind,
};
use crate::error::StoreError;
use crate::history::{AccountHistory, HistoryOutcome, StoredConnection};
use crate::secrets::{SealedSecret, SecretInfo, StoredSecret};
use crate::types::{
    ActionQuery, ActionTally, Applied, ClaimedAction, EventQuery, ImportOutcome, InvitationQuery,
    LeadQuery, NewAction, NewCampaignVersion, NewInvitation, Unsubscribed, Workspace,
};
use crate::user_store::UserStore;
use crate::variants::VariantStats;
use crate::webhook_store::WebhookStore;

/// Everything Overture keeps, expressed as intent.
///
/// Every method that names a workspace only sees that workspace's rows: a row of another
/// workspace is [`StoreError::NotFound`] and is never listed. Every change that touches more
/// than one row is one transaction: it happens completely or not at all. Timestamps are kept
/// to the millisecond.
///
/// The trait is used generically (`S: Store`), never as a trait object.
pub trait Store: UserStore + WebhookStore + AccountLeaseStore + Send + Sync + 'static {
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

    // Secrets of an account, encrypted above the store: it keeps opaque bytes.

    /// Stores `sealed` as the account's secret `name`, replacing the value stored under that
    /// name (which keeps its `created_at`; `updated_at` becomes `now`). An unknown account is
    /// `NotFound`.
    fn put_secret(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        name: &str,
        sealed: SealedSecret,
        now: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The account's secret `name`, if one is stored.
    fn secret(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        name: &str,
    ) -> impl Future<Output = Result<Option<StoredSecret>, StoreError>> + Send;

    /// The names and times of the account's secrets, by name, without their bytes.
    fn list_secrets(
        &self,
        ws: WorkspaceId,
        account: AccountId,
    ) -> impl Future<Output = Result<Vec<SecretInfo>, StoreError>> + Send;

    /// Deletes the account's secret `name`; says whether one was stored.
    fn delete_secret(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        name: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Encrypted bytes stored as the workspace's secret `name` (not one account's: the DKIM key
    /// of a sending domain), replacing any stored one; `NotFound` for an unknown workspace.
    fn put_workspace_secret(
        &self,
        ws: WorkspaceId,
        name: &str,
        sealed: SealedSecret,
        now: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The workspace's secret `name`, if one is stored.
    fn workspace_secret(
        &self,
        ws: WorkspaceId,
        name: &str,
    ) -> impl Future<Output = Result<Option<StoredSecret>, StoreError>> + Send;

    /// The names and times of the workspace's own secrets, by name.
    fn list_workspace_secrets(
        &self,
        ws: WorkspaceId,
    ) -> impl Future<Output = Result<Vec<SecretInfo>, StoreError>> + Send;

    // The suppression list.

    /// Adds entries (kind and normalised value, see `overture_core::suppression`) to the
    /// workspace's suppression list with `reason`; an entry already there keeps its first
    /// reason. Returns how many were new.
    fn add_suppressions(
        &self,
        ws: WorkspaceId,
        entries: &[(SuppressionKind, String)],
        reason: &str,
        now: Timestamp,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Removes an entry; says whether it was there.
    fn remove_suppression(
        &self,
        ws: WorkspaceId,
        kind: SuppressionKind,
        value: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// The workspace's suppression list, by kind and value.
    fn list_suppressions(
        &self,
        ws: WorkspaceId,
    ) -> impl Future<Output = Result<Vec<Suppression>, StoreError>> + Send;

    /// The entry that suppresses a lead (its profile, its address, or its address's domain),
    /// if any. `claim_due_actions` runs the same check for every action it claims.
    fn lead_suppression(
        &self,
        ws: WorkspaceId,
        lead: LeadId,
    ) -> impl Future<Output = Result<Option<Suppression>, StoreError>> + Send;

    /// The lead an incoming email is about: the lead of an email we sent whose `Message-ID` is
    /// in `refers_to`, else the lead whose address is `from` (one with an open enrollment
    /// first).
    fn inbound_lead(
        &self,
        ws: WorkspaceId,
        refers_to: &[String],
        from: &str,
    ) -> impl Future<Output = Result<Option<LeadId>, StoreError>> + Send;

    /// The `Message-ID` of the last email sent for an enrollment (a done `email` action's
    /// external id), so that a follow-up threads under it.
    fn last_email_of(
        &self,
        ws: WorkspaceId,
        enrollment: EnrollmentId,
    ) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;

    /// The lead's unsubscribe token: unguessable (122 random bits), created the first time it
    /// is asked for and the same afterwards.
    fn unsubscribe_token(
        &self,
        ws: WorkspaceId,
        lead: LeadId,
        now: Timestamp,
    ) -> impl Future<Output = Result<String, StoreError>> + Send;

    /// Carries out an unsubscribe by token, in one transaction: the lead's profile and address
    /// go on the suppression list (reason `unsubscribed`). `None` for a token nobody was given.
    /// Doing it twice changes nothing more.
    fn unsubscribe(
        &self,
        token: &str,
        now: Timestamp,
    ) -> impl Future<Output = Result<Option<Unsubscribed>, StoreError>> + Send;

    // Leads.

    /// Imports leads onto a list, in one transaction.
    ///
    /// Creates the list if it is missing; inserts leads not stored yet (the key is the
    /// workspace and the normalised profile URL); updates stored ones with
    /// [`NewLead::update_from`] (present values replace, absent ones never erase); puts every
    /// given lead on the list; appends a `leads_imported` event. Rows with the same URL are
    /// merged in order first, so counts are per distinct URL. `progress` is called with the
    /// number of rows processed so far every few thousand rows, the last time with
    /// `leads.len()` before the transaction commits. A person erased earlier (a hashed entry of
    /// [`Store::erase_lead`] matches their profile URL or address) goes back on the suppression
    /// list in clear, so they are never contacted. On any error nothing changes.
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

    /// Erases a person, in one transaction: the lead row, its list memberships, enrollments,
    /// invitations, cooldowns, connections and unsubscribe token are deleted; its queued actions
    /// are deleted and its other actions keep only their kind, state and times (the limits
    /// count them); its events keep their kind and time without the lead or details, and their
    /// webhook deliveries are deleted. What stays is a suppression entry per profile URL and
    /// address holding their hashes ([`erased_value`](crate::erased_value), reason
    /// [`ERASED_REASON`](crate::ERASED_REASON)), so that an import ([`Store::import_leads`],
    /// [`Store::import_history`]) recognises the person and puts them back on the suppression
    /// list. An
    /// unknown lead (or another workspace's) is `NotFound` and changes nothing.
    fn erase_lead(
        &self,
        ws: WorkspaceId,
        id: LeadId,
        now: Timestamp,
    ) -> impl Future<Output = Result<crate::Erasure, StoreError>> + Send;

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

    // Enrollments: leads moving through campaigns (the campaign engine).

    /// The leads of the campaign's list that may be enrolled now, in ascending id order: not
    /// enrolled in this campaign yet, without an open enrollment in another campaign of the
    /// workspace, and (with [`ContactPolicy::SkipContactedElsewhere`]) never contacted by
    /// another campaign. An unknown campaign or list is `NotFound`.
    fn enrollable_leads(
        &self,
        ws: WorkspaceId,
        campaign: CampaignId,
        policy: ContactPolicy,
    ) -> impl Future<Output = Result<Vec<LeadId>, StoreError>> + Send;

    /// How many open (`active` or `waiting`) enrollments each account carries, in the order
    /// given; accounts without any count 0.
    fn enrollment_loads(
        &self,
        ws: WorkspaceId,
        accounts: &[AccountId],
    ) -> impl Future<Output = Result<Vec<(AccountId, u64)>, StoreError>> + Send;

    /// Enrolls leads at step 0, `active` and due at `now`, in one transaction. A lead already
    /// in the campaign, or with an open enrollment in another campaign of the workspace, is
    /// skipped (one person is never worked by two seats of a workspace at once). Returns how
    /// many were enrolled.
    fn enroll_leads(
        &self,
        ws: WorkspaceId,
        campaign: CampaignId,
        leads: &[NewEnrollment],
        now: Timestamp,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// One enrollment.
    fn enrollment(
        &self,
        ws: WorkspaceId,
        id: EnrollmentId,
    ) -> impl Future<Output = Result<EnrollmentRecord, StoreError>> + Send;

    /// A campaign's enrollments, in ascending id order.
    fn list_enrollments(
        &self,
        ws: WorkspaceId,
        campaign: CampaignId,
    ) -> impl Future<Output = Result<Vec<EnrollmentRecord>, StoreError>> + Send;

    /// The lead's open enrollment in the workspace, if any (there is at most one).
    fn open_enrollment(
        &self,
        ws: WorkspaceId,
        lead: LeadId,
    ) -> impl Future<Output = Result<Option<EnrollmentRecord>, StoreError>> + Send;

    /// Up to `limit` open enrollments of any workspace due at `now`, earliest due first.
    fn due_enrollments(
        &self,
        now: Timestamp,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<EnrollmentRecord>, StoreError>> + Send;

    /// The accounts worth polling, in id order: those that carry open enrollments or have
    /// invitations pending (an acceptance must be seen before the governor withdraws).
    fn accounts_to_watch(
        &self,
    ) -> impl Future<Output = Result<Vec<OpenAccount>, StoreError>> + Send;

    /// Changes one enrollment (see [`EnrollmentUpdate`] for when it applies); returns whether
    /// it applied.
    fn update_enrollment(
        &self,
        ws: WorkspaceId,
        update: EnrollmentUpdate,
        now: Timestamp,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Applies a change set in one transaction: all of it or nothing. Every referenced row must
    /// belong to `ws` (`NotFound` otherwise).
    fn apply_changes(
        &self,
        ws: WorkspaceId,
        changes: Changes,
        now: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// How each text variant of the campaign's steps did, one row per step and variant that
    /// sent anything, by step then variant. Sends are the campaign's done actions that carry
    /// a variant ([`NewAction::variant`]); an invitation counts only when it carried its note.
    /// A success is, for an invitation, that the invitation it created was accepted; for a
    /// message or an email, that the person replied (a `reply_received` event) after it was
    /// sent and before the enrollment's next message or email was. With `step`, only that
    /// step's rows (the engine allocates one step at a time). An unknown campaign has no rows.
    fn variant_stats(
        &self,
        ws: WorkspaceId,
        campaign: CampaignId,
        step: Option<u32>,
    ) -> impl Future<Output = Result<Vec<VariantStats>, StoreError>> + Send;

    // The effect ledger.

    /// The instants the account's actions of `kind` count at for the limits, from `since` on
    /// (see [`ActionHistory`]), each list in ascending order.
    fn action_history(
        &self,
        account: AccountId,
        kind: ActionKind,
        since: Timestamp,
    ) -> impl Future<Output = Result<ActionHistory, StoreError>> + Send;

    /// [`Store::action_history`] without the planned actions (`planned` is empty): what the
    /// limits see just before one more action is carried out. A backend may answer it with
    /// less work.
    fn effect_history(
        &self,
        account: AccountId,
        kind: ActionKind,
        since: Timestamp,
    ) -> impl Future<Output = Result<ActionHistory, StoreError>> + Send {
        async move {
            let mut history = self.action_history(account, kind, since).await?;
            history.planned.clear();
            Ok(history)
        }
    }

    /// Commits the intent to carry out a claimed action, before the channel is called. If an
    /// earlier attempt left an intent without a result, nothing changes and that intent is
    /// returned. A stale fence is a `Conflict`.
    fn record_intent(
        &self,
        intent: Intent,
    ) -> impl Future<Output = Result<IntentOutcome, StoreError>> + Send;

    /// Records how an attempt ended, together with every change it causes, in one
    /// transaction; returns the action as stored. A stale fence is a `Conflict` and changes
    /// nothing.
    fn complete_effect(
        &self,
        outcome: EffectOutcome,
    ) -> impl Future<Output = Result<Action, StoreError>> + Send;

    /// [`Store::record_intent`] for several actions at once (the engine's actions of one turn,
    /// each of another account), answering each in the order given. Each intent stands on its
    /// own: one that is refused (a stale fence) leaves the others recorded. A backend may
    /// commit them together, in one commit; the default records them one after the other.
    /// An `Err` of the whole call (the database is unreachable) may leave some of them
    /// recorded, as a crash would: they are in flight, for reconciliation.
    fn record_intents(
        &self,
        intents: Vec<Intent>,
    ) -> impl Future<Output = Result<Vec<Result<IntentOutcome, StoreError>>, StoreError>> + Send
    {
        async move {
            let mut answers = Vec::with_capacity(intents.len());
            for intent in intents {
                answers.push(self.record_intent(intent).await);
            }
            Ok(answers)
        }
    }

    /// [`Store::complete_effect`] for several actions at once, answering each in the order
    /// given. Each outcome stands on its own: with its changes, it is recorded whole or not
    /// at all, and one that is refused leaves the others recorded. A backend may commit them
    /// together; the default records them one after the other. An `Err` of the whole call may
    /// leave some of them recorded (the others stay claimed with their intents, as after a
    /// crash).
    fn complete_effects(
        &self,
        outcomes: Vec<EffectOutcome>,
    ) -> impl Future<Output = Result<Vec<Result<Action, StoreError>>, StoreError>> + Send {
        async move {
            let mut answers = Vec::with_capacity(outcomes.len());
            for outcome in outcomes {
                answers.push(self.complete_effect(outcome).await);
            }
            Ok(answers)
        }
    }

    /// Takes over every claimed action of any workspace whose intent is committed without a
    /// result, whatever its lease (start-up reconciliation: one engine per store), with a new
    /// lease and fence.
    fn in_flight_intents(
        &self,
        now: Timestamp,
        lease: SignedDuration,
    ) -> impl Future<Output = Result<Vec<InFlightEffect>, StoreError>> + Send;

    /// The workspace's effects that happened or may have happened (done, in doubt, in
    /// flight), oldest first, for reports.
    fn effect_log(
        &self,
        ws: WorkspaceId,
    ) -> impl Future<Output = Result<Vec<EffectEntry>, StoreError>> + Send;

    /// The earliest instant something is due: a queued action, an expiring lease or an open
    /// enrollment; `None` when nothing is.
    fn next_due(&self) -> impl Future<Output = Result<Option<Timestamp>, StoreError>> + Send;

    /// How many actions each account has, by kind and state, across workspaces (for metrics).
    fn action_tally(&self) -> impl Future<Output = Result<Vec<ActionTally>, StoreError>> + Send;

    // Back-offs, poll cursors and invitations for the engine.

    /// Stores a back-off, or moves a stored one of the same axis later (never earlier), and
    /// returns it as stored.
    fn set_backoff(
        &self,
        backoff: Backoff,
    ) -> impl Future<Output = Result<Backoff, StoreError>> + Send;

    /// The account's back-offs, expired ones included, by axis.
    fn backoffs(
        &self,
        account: AccountId,
    ) -> impl Future<Output = Result<Vec<Backoff>, StoreError>> + Send;

    /// When the account was last polled for `kind`.
    fn poll_cursor(
        &self,
        account: AccountId,
        kind: PollKind,
    ) -> impl Future<Output = Result<Option<Timestamp>, StoreError>> + Send;

    /// Where the mailbox's reading of new mail stands, as its channel gave it; moved with
    /// `Changes::mailbox_cursors`.
    fn mailbox_cursor(
        &self,
        account: AccountId,
    ) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;

    /// Moves the poll cursor.
    fn set_poll_cursor(
        &self,
        account: AccountId,
        kind: PollKind,
        at: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The newest invitation from the account to the lead, if any.
    fn latest_invitation(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        lead: LeadId,
    ) -> impl Future<Output = Result<Option<Invitation>, StoreError>> + Send;

    /// Every invitation from the account to the lead, oldest first.
    fn invitations_to(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        lead: LeadId,
    ) -> impl Future<Output = Result<Vec<Invitation>, StoreError>> + Send;

    /// How many invitations of the account are pending (what the pending cap counts).
    fn pending_count(
        &self,
        ws: WorkspaceId,
        account: AccountId,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// The account's pending invitations, oldest first.
    fn pending_invitations(
        &self,
        ws: WorkspaceId,
        account: AccountId,
    ) -> impl Future<Output = Result<Vec<Invitation>, StoreError>> + Send;

    // An account's history from outside Overture (its LinkedIn data export).

    /// Loads an account's history in one transaction and says what changed; loading the same
    /// history again changes nothing, and a later history merges into an earlier one.
    ///
    /// - Everyone the history names goes on `history.list` (created when missing). A new
    ///   person is stored with the given data; a stored one keeps theirs, only empty fields
    ///   are filled.
    /// - Connections are stored per account and person; a stored one keeps the earlier date.
    /// - An invitation to a person the account has a stored invitation to, sent within
    ///   [`SAME_SENDING`](crate::SAME_SENDING) of it, is that invitation (the engine's own, one
    ///   found on the sent list, or one from an earlier history): it is not stored again, and
    ///   when the history says it was accepted and it is pending or vanished, it becomes
    ///   accepted. Any other invitation is stored without campaign, accepted or pending as the
    ///   history says. A stored pending invitation to the same person sent before it has left
    ///   the sent list (LinkedIn keeps one per person): it becomes vanished at the new sending;
    ///   one sent after it makes the history's one vanished instead, unless it was accepted.
    /// - Every pending or vanished invitation of the account to a person among the history's
    ///   connections whose connection dates from its sending or later (less
    ///   [`CONNECTED_SLACK`](crate::CONNECTED_SLACK)) becomes accepted, at the connection's
    ///   date or its sending, whichever is later.
    /// - A person erased earlier goes back on the suppression list in clear, as with
    ///   [`Store::import_leads`].
    /// - A `history_imported` event records the counts when anything changed.
    ///
    /// An unknown account is `NotFound`; on any error nothing changes.
    fn import_history(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        history: &AccountHistory,
        now: Timestamp,
    ) -> impl Future<Output = Result<HistoryOutcome, StoreError>> + Send;

    /// The account's first-degree connections as stored, in lead id order.
    fn connections(
        &self,
        ws: WorkspaceId,
        account: AccountId,
    ) -> impl Future<Output = Result<Vec<StoredConnection>, StoreError>> + Send;
}
