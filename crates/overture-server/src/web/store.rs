//! [`WebStore`]: what the dashboard asks of the store beyond [`ServerStore`](crate::ServerStore):
//! users and their sessions, and the reads behind the pages. Object-safe, implemented for every
//! store.

use jiff::Timestamp;
use overture_core::{
    AccountId, ActionKind, Campaign, CampaignId, CampaignStatus, Lead, LeadId, LeadList, UserId,
    WorkspaceId,
};
use overture_store::{
    ActionHistory, EnrollmentRecord, LeadQuery, Membership, NewSession, SessionAuth, Store, User,
    UserStore, VariantStats,
};

use crate::server_store::Fut;

/// The store as the dashboard sees it.
pub trait WebStore: Send + Sync + 'static {
    /// The user with this address, if any.
    fn user_by_email<'a>(&'a self, email: &'a str) -> Fut<'a, Option<User>>;
    /// The workspaces a user belongs to.
    fn memberships(&self, user: UserId) -> Fut<'_, Vec<Membership>>;
    /// Stores a session.
    fn create_session(&self, session: NewSession) -> Fut<'_, ()>;
    /// The live session with this hash.
    fn session_by_hash<'a>(&'a self, hash: &'a str, now: Timestamp)
    -> Fut<'a, Option<SessionAuth>>;
    /// Records a session's use and moves its expiry.
    fn touch_session<'a>(
        &'a self,
        hash: &'a str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Fut<'a, bool>;
    /// Ends a session.
    fn delete_session<'a>(&'a self, hash: &'a str) -> Fut<'a, bool>;
    /// One lead (`NotFound` for another workspace's).
    fn lead(&self, ws: WorkspaceId, id: LeadId) -> Fut<'_, Lead>;
    /// A page of leads.
    fn leads(&self, ws: WorkspaceId, query: LeadQuery) -> Fut<'_, Vec<Lead>>;
    /// The workspace's lead lists with their sizes.
    fn lead_lists(&self, ws: WorkspaceId) -> Fut<'_, Vec<(LeadList, u64)>>;
    /// One campaign (`NotFound` for another workspace's).
    fn campaign(&self, ws: WorkspaceId, id: CampaignId) -> Fut<'_, Campaign>;
    /// Sets whether a campaign runs.
    fn set_campaign(
        &self,
        ws: WorkspaceId,
        id: CampaignId,
        status: CampaignStatus,
    ) -> Fut<'_, Campaign>;
    /// A campaign's enrollments.
    fn enrollments(&self, ws: WorkspaceId, campaign: CampaignId) -> Fut<'_, Vec<EnrollmentRecord>>;
    /// How each text variant of a campaign did.
    fn variants(&self, ws: WorkspaceId, campaign: CampaignId) -> Fut<'_, Vec<VariantStats>>;
    /// The instants an account's actions of `kind` count at, from `since` on.
    fn history(
        &self,
        account: AccountId,
        kind: ActionKind,
        since: Timestamp,
    ) -> Fut<'_, ActionHistory>;
}

impl<S: Store + Send + Sync + 'static> WebStore for S {
    fn user_by_email<'a>(&'a self, email: &'a str) -> Fut<'a, Option<User>> {
        Box::pin(UserStore::user_by_email(self, email))
    }

    fn memberships(&self, user: UserId) -> Fut<'_, Vec<Membership>> {
        Box::pin(UserStore::memberships(self, user))
    }

    fn create_session(&self, session: NewSession) -> Fut<'_, ()> {
        Box::pin(UserStore::create_session(self, session))
    }

    fn session_by_hash<'a>(
        &'a self,
        hash: &'a str,
        now: Timestamp,
    ) -> Fut<'a, Option<SessionAuth>> {
        Box::pin(UserStore::session_by_hash(self, hash, now))
    }

    fn touch_session<'a>(
        &'a self,
        hash: &'a str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Fut<'a, bool> {
        Box::pin(UserStore::touch_session(self, hash, now, expires_at))
    }

    fn delete_session<'a>(&'a self, hash: &'a str) -> Fut<'a, bool> {
        Box::pin(UserStore::delete_session(self, hash))
    }

    fn lead(&self, ws: WorkspaceId, id: LeadId) -> Fut<'_, Lead> {
        Box::pin(Store::lead(self, ws, id))
    }

    fn leads(&self, ws: WorkspaceId, query: LeadQuery) -> Fut<'_, Vec<Lead>> {
        Box::pin(self.list_leads(ws, query))
    }

    fn lead_lists(&self, ws: WorkspaceId) -> Fut<'_, Vec<(LeadList, u64)>> {
        Box::pin(self.list_lead_lists(ws))
    }

    fn campaign(&self, ws: WorkspaceId, id: CampaignId) -> Fut<'_, Campaign> {
        Box::pin(Store::campaign(self, ws, id))
    }

    fn set_campaign(
        &self,
        ws: WorkspaceId,
        id: CampaignId,
        status: CampaignStatus,
    ) -> Fut<'_, Campaign> {
        Box::pin(self.set_campaign_status(ws, id, status))
    }

    fn enrollments(&self, ws: WorkspaceId, campaign: CampaignId) -> Fut<'_, Vec<EnrollmentRecord>> {
        Box::pin(self.list_enrollments(ws, campaign))
    }

    fn variants(&self, ws: WorkspaceId, campaign: CampaignId) -> Fut<'_, Vec<VariantStats>> {
        Box::pin(self.variant_stats(ws, campaign, None))
    }

    fn history(
        &self,
        account: AccountId,
        kind: ActionKind,
        since: Timestamp,
    ) -> Fut<'_, ActionHistory> {
        Box::pin(self.action_history(account, kind, since))
    }
}
