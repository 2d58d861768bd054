//! Inputs and outputs of the [`Store`](crate::Store) methods the campaign engine uses:
//! enrollments, the effect ledger, back-offs, poll cursors and the change sets that are
//! applied in one transaction.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use overture_core::{
    AccountId, AccountStatus, ActionId, ActionKind, Cooldown, Degree, Enrollment, EnrollmentId,
    EnrollmentState, InvitationEvent, InvitationId, LeadId, NewEvent, SuppressionKind, WorkspaceId,
};

use crate::types::{ClaimedAction, NewAction, NewInvitation};
use crate::variants::VariantChoice;

/// Which leads of a campaign's list may be enrolled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactPolicy {
    /// Leave out leads another campaign of the workspace has already contacted (sent an
    /// invitation to, or carried out any action towards).
    SkipContactedElsewhere,
    /// Enroll them too.
    IncludeContactedElsewhere,
}

/// A lead to enroll in a campaign, with its sender and its chosen text variants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEnrollment {
    /// The person.
    pub lead: LeadId,
    /// The sender seat assigned to the person.
    pub account: AccountId,
    /// The variant index per step chosen at enrollment (0 for a step with one text or none);
    /// `None` for a step with several, whose variant is allocated when the lead's action for
    /// it is planned (see [`Changes::variants`]).
    pub variants: Vec<Option<u32>>,
}

/// An enrollment as the engine sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollmentRecord {
    /// The enrollment.
    pub enrollment: Enrollment,
    /// The variant index the lead keeps per step; `None` while a step with several variants
    /// has not been planned for the lead yet.
    pub variants: Vec<Option<u32>>,
    /// How many times the current step's action was planned anew after a failure; part of the
    /// idempotency key.
    pub attempt: u32,
    /// Whether a visit, follow or like of this enrollment is done (a warmed-up lead).
    pub warmed_up: bool,
    /// How far the lead is from the enrollment's sender, as the last visit showed it; before
    /// any visit, first for a lead among the sender's stored connections (`Store::connections`,
    /// from a data export).
    pub degree: Option<Degree>,
    /// The connections the lead and the sender share, as the last visit showed them.
    pub mutual_connections: Option<u32>,
    /// Why the enrollment stopped, when it did.
    pub reason: Option<String>,
}

impl EnrollmentRecord {
    /// The variant the lead keeps for `step`, if one is chosen.
    pub fn variant(&self, step: u32) -> Option<u32> {
        let index = usize::try_from(step).ok()?;
        self.variants.get(index).copied().flatten()
    }
}

/// A change of an enrollment, applied only when the enrollment is still open (`active` or
/// `waiting`) and at `expect_step`; otherwise it is skipped, so a late result never revives a
/// finished enrollment. Moving to a closed state cancels the enrollment's queued actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollmentUpdate {
    /// The enrollment.
    pub id: EnrollmentId,
    /// The step it must be at for the change to apply.
    pub expect_step: u32,
    /// Its new step index.
    pub step: u32,
    /// Its new state.
    pub state: EnrollmentState,
    /// When it is due next (`None`: it waits for an action or an event).
    pub next_due_at: Option<Timestamp>,
    /// The new attempt counter of the current step.
    pub attempt: u32,
    /// Why it stopped, for a closed state.
    pub reason: Option<String>,
}

/// The axis an account backs off on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BackoffAxis {
    /// One action kind.
    Action(ActionKind),
    /// Invitations with a note (the note quota).
    InviteNote,
}

impl fmt::Display for BackoffAxis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BackoffAxis::Action(kind) => f.write_str(kind.as_str()),
            BackoffAxis::InviteNote => f.write_str("invite_note"),
        }
    }
}

impl FromStr for BackoffAxis {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        if s == "invite_note" {
            return Ok(BackoffAxis::InviteNote);
        }
        s.parse::<ActionKind>()
            .map(BackoffAxis::Action)
            .map_err(|e| e.to_string())
    }
}

/// Until when an account leaves an axis alone, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backoff {
    /// The account.
    pub account: AccountId,
    /// What it leaves alone.
    pub axis: BackoffAxis,
    /// Not before this instant.
    pub until: Timestamp,
    /// Why (the channel error's code).
    pub reason: String,
}

/// What a poll cursor tracks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PollKind {
    /// New connections (accepted invitations).
    Connections,
    /// Replies.
    Replies,
}

impl PollKind {
    /// The name used in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            PollKind::Connections => "connections",
            PollKind::Replies => "replies",
        }
    }
}

/// The instants an account's actions of one kind count at, for the limits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionHistory {
    /// Effects that happened or may have happened: done, in doubt, and in flight (intent
    /// committed without a result), at their intent instant.
    pub effects: Vec<Timestamp>,
    /// Actions queued or claimed without an intent yet, at their due time.
    pub planned: Vec<Timestamp>,
    /// Among `effects`: the invitations that carried a note.
    pub notes: Vec<Timestamp>,
}

/// The intent to carry out a claimed action, committed before the channel is called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Intent {
    /// The action.
    pub action: ActionId,
    /// The fence of the claim.
    pub fence: i64,
    /// When the effect is attempted.
    pub at: Timestamp,
    /// Whether an invitation carries its note.
    pub with_note: bool,
}

/// The ledger entry of an action whose intent is committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectRecord {
    /// The action.
    pub action: ActionId,
    /// When the intent was committed.
    pub intent_at: Timestamp,
    /// Whether an invitation carried its note.
    pub with_note: bool,
    /// How many attempts failed with an error that allows a retry.
    pub failures: u32,
}

/// What [`Store::record_intent`](crate::Store::record_intent) found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntentOutcome {
    /// The intent is committed now: call the channel.
    Recorded(EffectRecord),
    /// An earlier attempt committed an intent without a result: reconcile, never call blindly.
    AlreadyRecorded(EffectRecord),
}

impl IntentOutcome {
    /// What a store answers for an intent the common case did not record, once it has found
    /// the action held with the intent's fence (under the row's lock): in state `state`, with
    /// the intent `existing` an earlier attempt left. `Ok(Some(..))` is the answer; `Ok(None)`
    /// means the intent is to be recorded now; an action that is not claimed is a
    /// `Conflict`.
    pub fn after_check(
        action: ActionId,
        state: overture_core::ActionState,
        existing: Option<EffectRecord>,
    ) -> Result<Option<Self>, crate::StoreError> {
        if state != overture_core::ActionState::Claimed {
            return Err(crate::StoreError::conflict(
                "action",
                format!("{action}: an action that is {state} cannot be carried out"),
            ));
        }
        Ok(existing.map(IntentOutcome::AlreadyRecorded))
    }
}

/// An action taken over for reconciliation, with its ledger entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InFlightEffect {
    /// The claim (a new lease and fence).
    pub claim: ClaimedAction,
    /// The ledger entry.
    pub effect: EffectRecord,
}

/// How an action's attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EffectResult {
    /// The effect happened.
    Done {
        /// The channel's id for what was created (an invitation id), if any.
        external_id: Option<String>,
    },
    /// The effect did not happen and will not be retried.
    Failed {
        /// Why.
        error: String,
    },
    /// The effect did not happen (or was refused); queue the action again at `due_at`, with
    /// its intent cleared.
    Retry {
        /// When to try again.
        due_at: Timestamp,
        /// The error, when the attempt failed (counted in `failures`); `None` when the action
        /// only waits for a limit.
        error: Option<String>,
    },
    /// Nobody can tell whether the effect happened; a person decides.
    InDoubt {
        /// Why.
        error: String,
    },
}

/// A change to an invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvitationChange {
    /// An invitation was sent (a pending one of the same sender and person is updated
    /// instead: its external id is filled in when missing).
    Sent(NewInvitation),
    /// The state machine moves; a refused transition is skipped.
    Transition {
        /// The invitation.
        id: InvitationId,
        /// What happened.
        event: InvitationEvent,
        /// When.
        at: Timestamp,
    },
}

/// Changes applied together in one transaction, all in one workspace.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Actions to queue (an idempotency key already queued inserts nothing).
    pub actions: Vec<NewAction>,
    /// Enrollment changes.
    pub enrollments: Vec<EnrollmentUpdate>,
    /// Variants enrollments keep from now on (a step's first choice stays).
    pub variants: Vec<VariantChoice>,
    /// Invitation changes.
    pub invitations: Vec<InvitationChange>,
    /// Cooldowns to store or extend.
    pub cooldowns: Vec<Cooldown>,
    /// Back-offs to store (a stored one is only moved later).
    pub backoffs: Vec<Backoff>,
    /// New account statuses.
    pub account_status: Vec<(AccountId, AccountStatus)>,
    /// Poll cursors to move.
    pub poll_cursors: Vec<(AccountId, PollKind, Timestamp)>,
    /// Tags to put on leads.
    pub tags: Vec<(LeadId, String)>,
    /// What visits showed of leads: how far each is from the enrollment's sender.
    pub proximity: Vec<Proximity>,
    /// Facts to append.
    pub events: Vec<NewEvent>,
    /// Mailboxes' reading cursors to move (see `Store::mailbox_cursor`).
    pub mailbox_cursors: Vec<(AccountId, String)>,
    /// Entries for the suppression list (kind, normalised value, reason): hard bounces and
    /// unsubscribe requests found in a mailbox.
    pub suppressions: Vec<(SuppressionKind, String, String)>,
}

impl Changes {
    /// Whether there is nothing to apply.
    pub fn is_empty(&self) -> bool {
        self == &Changes::default()
    }
}

/// How far a lead is from an enrollment's sender, as a visit of the profile showed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proximity {
    /// The enrollment (its sender and its lead).
    pub enrollment: EnrollmentId,
    /// The degree of connection.
    pub degree: Degree,
    /// The connections they share.
    pub mutual_connections: u32,
}

/// The result of an action's attempt with everything it changes, applied as one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectOutcome {
    /// The action.
    pub action: ActionId,
    /// The fence of the claim; a stale fence is a `Conflict` and changes nothing.
    pub fence: i64,
    /// When the result is recorded.
    pub at: Timestamp,
    /// How the attempt ended.
    pub result: EffectResult,
    /// What else changes (in the action's workspace).
    pub changes: Changes,
}

impl EffectResult {
    /// The event the result applies to its action's state.
    pub fn event(&self) -> overture_core::action::ActionEvent {
        use overture_core::action::ActionEvent;
        match self {
            EffectResult::Done { .. } => ActionEvent::Succeed,
            EffectResult::Failed { .. } => ActionEvent::Fail,
            EffectResult::Retry { .. } => ActionEvent::Release,
            EffectResult::InDoubt { .. } => ActionEvent::LoseTrack,
        }
    }
}

/// An effect that happened or may have happened, for reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectEntry {
    /// The sender.
    pub account: AccountId,
    /// The person.
    pub lead: Option<LeadId>,
    /// What was done.
    pub kind: ActionKind,
    /// When (the intent instant).
    pub at: Timestamp,
    /// Whether an invitation carried a note.
    pub with_note: bool,
}

/// An account with open enrollments or pending invitations, for polling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenAccount {
    /// The workspace.
    pub workspace: WorkspaceId,
    /// The account.
    pub account: AccountId,
}
