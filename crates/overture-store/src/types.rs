//! Inputs and outputs of the [`Store`](crate::Store) methods that the domain core does not
//! define itself.

use jiff::Timestamp;
use overture_core::sequence::CampaignSpec;

use crate::variants::StepVariant;
use overture_core::{
    AccountId, Action, ActionKind, ActionState, Campaign, CampaignId, EnrollmentId, EventId,
    EventKind, InvitationId, InvitationState, LeadId, Suppression, WorkspaceId,
};

/// A workspace: one client of an agency, or one team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    /// Store key.
    pub id: WorkspaceId,
    /// Unique name.
    pub name: String,
}

/// What an import did, counted per distinct profile URL.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    /// Leads that were not stored before.
    pub imported: u64,
    /// Stored leads that the import changed.
    pub updated: u64,
    /// Stored leads the import brought nothing new for.
    pub unchanged: u64,
}

/// A page of leads, in ascending id order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadQuery {
    /// Only the leads on this list (an unknown list is `NotFound`).
    pub list: Option<String>,
    /// Only leads with a larger id (keyset pagination: pass the last id of the previous page).
    pub after: Option<LeadId>,
    /// At most this many.
    pub limit: u32,
}

/// A campaign definition to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCampaignVersion {
    /// Unique in the workspace.
    pub name: String,
    /// The definition as written; a change of this text is a new version.
    pub source: String,
    /// The validated definition.
    pub spec: CampaignSpec,
}

/// The result of applying a campaign definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    /// The campaign as stored now.
    pub campaign: Campaign,
    /// Whether a new version was stored (false when the source was identical).
    pub changed: bool,
}

/// A page of events, in ascending id order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventQuery {
    /// Only events with a larger id.
    pub after: Option<EventId>,
    /// Only these kinds (empty: every kind).
    pub kinds: Vec<EventKind>,
    /// At most this many.
    pub limit: u32,
}

/// A connection invitation that was just sent; it is stored as pending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInvitation {
    /// Owning workspace.
    pub workspace_id: WorkspaceId,
    /// The sender.
    pub account_id: AccountId,
    /// The invited person.
    pub lead_id: LeadId,
    /// The campaign that sent it, if any.
    pub campaign_id: Option<CampaignId>,
    /// The channel's own id for it, once known.
    pub external_id: Option<String>,
    /// The note sent with it.
    pub note: Option<String>,
    /// When it was sent.
    pub sent_at: Timestamp,
}

/// Which invitations to list, in ascending id order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationQuery {
    /// Only invitations with a larger id (the previous page's last), for paging.
    pub after: Option<InvitationId>,
    /// Only this sender's.
    pub account: Option<AccountId>,
    /// Only those in this state.
    pub state: Option<InvitationState>,
    /// Only those sent strictly before this instant.
    pub sent_before: Option<Timestamp>,
    /// At most this many.
    pub limit: u32,
}

/// A unit of outbound work to queue; it is stored as queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAction {
    /// Owning workspace.
    pub workspace_id: WorkspaceId,
    /// The account that carries it.
    pub account_id: AccountId,
    /// The person it is aimed at.
    pub lead_id: Option<LeadId>,
    /// The campaign that planned it.
    pub campaign_id: Option<CampaignId>,
    /// The enrollment that planned it.
    pub enrollment_id: Option<EnrollmentId>,
    /// What to do.
    pub kind: ActionKind,
    /// Kind-specific data as JSON text.
    pub payload: String,
    /// Not before this instant.
    pub due_at: Timestamp,
    /// Unique per effect in the workspace: queueing the same key again inserts nothing.
    pub idempotency_key: String,
    /// The campaign step and text variant it sends, for the variant statistics.
    pub variant: Option<StepVariant>,
}

/// An action taken by a worker under a lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedAction {
    /// The action, in state `claimed`.
    pub action: Action,
    /// The claim expires at this instant; after it another worker may take the action over.
    pub lease_until: Timestamp,
    /// The fence token of this claim: finishing the action needs it, and every claim
    /// increments it, so a worker whose lease was taken over cannot finish the action.
    pub fence: i64,
    /// The suppression-list entry that forbids the action's lead, found in the transaction that
    /// claimed it: the action must not be carried out.
    pub suppressed: Option<Suppression>,
    /// An intent an earlier claim committed without a result (the process died, or the
    /// channel could not tell what happened): the action must be reconciled with the channel
    /// before anything else, never carried out anew or put back in the queue blindly.
    pub in_flight: Option<crate::engine_types::EffectRecord>,
}

/// Splits a claim into waves that each hold at most one action of an account, in the
/// claim's order: the first wave has each account's first action, the next one each
/// account's second, and so on. The actions of one wave can be carried out together (their
/// intents and results recorded in one commit each, their channel calls at once), while an
/// account's actions still go one after the other, each after the previous one's result.
pub fn waves(claims: Vec<ClaimedAction>) -> Vec<Vec<ClaimedAction>> {
    let mut waves: Vec<Vec<ClaimedAction>> = Vec::new();
    let mut seen: std::collections::HashMap<AccountId, usize> = std::collections::HashMap::new();
    for claim in claims {
        let n = seen.entry(claim.action.account_id).or_default();
        if *n == waves.len() {
            waves.push(Vec::new());
        }
        waves[*n].push(claim);
        *n += 1;
    }
    waves
}

/// How many actions of one kind and state an account has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionTally {
    /// The account's workspace.
    pub workspace: WorkspaceId,
    /// The account.
    pub account: AccountId,
    /// The kind.
    pub kind: ActionKind,
    /// The state.
    pub state: ActionState,
    /// How many.
    pub count: u64,
}

/// What an unsubscribe did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsubscribed {
    /// The lead's workspace.
    pub workspace: WorkspaceId,
    /// The lead.
    pub lead: LeadId,
    /// The entries now on the list for the lead (its profile, and its address if it has one).
    pub entries: Vec<Suppression>,
}

/// Which actions to list, in ascending id order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionQuery {
    /// Only those in this state.
    pub state: Option<ActionState>,
    /// Only this account's.
    pub account: Option<AccountId>,
    /// At most this many.
    pub limit: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use overture_core::{ActionId, ActionKind, ActionState};

    fn claim(id: i64, account: i64) -> ClaimedAction {
        ClaimedAction {
            action: Action {
                id: ActionId(id),
                workspace_id: WorkspaceId::DEFAULT,
                account_id: AccountId(account),
                lead_id: None,
                campaign_id: None,
                enrollment_id: None,
                kind: ActionKind::Visit,
                payload: "{}".into(),
                due_at: Timestamp::UNIX_EPOCH,
                idempotency_key: format!("k{id}"),
                state: ActionState::Claimed,
                attempts: 1,
                last_error: None,
            },
            lease_until: Timestamp::UNIX_EPOCH,
            fence: 1,
            suppressed: None,
            in_flight: None,
        }
    }

    #[test]
    fn waves_hold_one_action_per_account_in_claim_order() {
        let claims = [(1, 7), (2, 7), (3, 8), (4, 7), (5, 9), (6, 8)]
            .map(|(id, account)| claim(id, account))
            .to_vec();
        let ids: Vec<Vec<i64>> = waves(claims)
            .iter()
            .map(|wave| wave.iter().map(|c| c.action.id.get()).collect())
            .collect();
        assert_eq!(ids, [vec![1, 3, 5], vec![2, 6], vec![4]]);
        assert!(waves(Vec::new()).is_empty());
    }
}
