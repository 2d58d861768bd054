//! The errors every channel returns, classified so the engine reacts without reading text.
//!
//! The LinkedIn signals behind each variant are listed in the variant's documentation; the real
//! LinkedIn channel maps them, the sandbox produces them by the same rules.

use jiff::{SignedDuration, Timestamp};

/// A failed channel operation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChannelError {
    /// Too many requests of this kind for now (LinkedIn: a bare HTTP 429, or 400
    /// `MAX_INVITATION_SENT`, about an hour). Back off this action kind on this account.
    #[error("rate limited; retry after {retry_after:#}")]
    RateLimited {
        /// How long to wait.
        retry_after: SignedDuration,
    },
    /// The rolling weekly invitation cap is reached (LinkedIn: 400
    /// `CANT_INVITE_CONNECTION_LIMIT_REACHED` / `WEEKLY_CONNECTIONS_LIMIT_REACHED`). Stop
    /// invitations on this account until the window frees room.
    #[error("weekly invitation limit reached")]
    WeeklyCapReached {
        /// When room is expected, if the channel can tell.
        retry_after: Option<SignedDuration>,
    },
    /// The note quota is used up (LinkedIn: 429 `CUSTOM_INVITE_LIMIT_REACHED`); invitations
    /// without a note still work.
    #[error("invitation note quota used up")]
    NoteQuotaExhausted,
    /// An invitation is already pending, or the re-invite cooldown after a withdrawal is
    /// running (LinkedIn: 400 `CANT_RESEND_YET`). Mark the person cooling down.
    #[error("cannot invite this person again yet")]
    CannotReinviteYet,
    /// The session is dead (LinkedIn: 401, a redirect loop, `set-cookie: li_at=delete`).
    /// Pause the account until the user provides new credentials.
    #[error("session expired; new credentials needed")]
    SessionExpired,
    /// A security challenge (LinkedIn: `/checkpoint/challenge`, `authwall`, HTML where JSON was
    /// expected). Pause the account and tell the user; never retry automatically.
    #[error("security challenge: {detail}")]
    Challenge {
        /// What was seen.
        detail: String,
    },
    /// The account cannot act until its owner does something on LinkedIn that is not a security
    /// challenge (LinkedIn: 400 `PRIMARY_HANDLE_NOT_CONFIRMED`, no confirmed email address).
    /// Pause the account and tell the user what to do; never retry automatically.
    #[error("account needs attention: {detail}")]
    ActionRequired {
        /// What the owner must do.
        detail: String,
    },
    /// The account is restricted (LinkedIn: a restriction notice, or HTTP 999 from a blocked
    /// address). Nothing runs until it ends.
    #[error("account restricted")]
    Restricted {
        /// When the restriction is expected to end, if known.
        until: Option<Timestamp>,
    },
    /// This person cannot be reached (LinkedIn: 403 on a profile, a deleted member). Skip the
    /// lead, not the account.
    #[error("profile not reachable")]
    ProfileUnreachable,
    /// The recipient's address does not exist or refuses mail for good (SMTP 550, a hard
    /// bounce). Mark the address invalid and skip the lead's emails, not the mailbox.
    #[error("address refused: {detail}")]
    AddressInvalid {
        /// The server's answer.
        detail: String,
    },
    /// A passing fault (timeouts, 5xx). Safe to retry a read; a write may have happened.
    #[error("temporary failure: {detail}")]
    Transient {
        /// What happened.
        detail: String,
    },
    /// A failure that retrying will not fix (a malformed request, a message to a person who is
    /// not a connection).
    #[error("failed: {detail}")]
    Permanent {
        /// What happened.
        detail: String,
    },
}

/// The reaction class of an error, for the engine's decisions and for reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorClass {
    /// Back off one action kind on the account for a while.
    BackOff,
    /// Pause the whole account until a person acts.
    PauseAccount,
    /// Something about this person only.
    Lead,
    /// Retry later.
    Retry,
    /// Give up on this action.
    Fail,
}

impl ChannelError {
    /// How the engine should react.
    pub fn class(&self) -> ErrorClass {
        match self {
            ChannelError::RateLimited { .. }
            | ChannelError::WeeklyCapReached { .. }
            | ChannelError::NoteQuotaExhausted => ErrorClass::BackOff,
            ChannelError::SessionExpired
            | ChannelError::Challenge { .. }
            | ChannelError::ActionRequired { .. }
            | ChannelError::Restricted { .. } => ErrorClass::PauseAccount,
            ChannelError::CannotReinviteYet
            | ChannelError::ProfileUnreachable
            | ChannelError::AddressInvalid { .. } => ErrorClass::Lead,
            ChannelError::Transient { .. } => ErrorClass::Retry,
            ChannelError::Permanent { .. } => ErrorClass::Fail,
        }
    }

    /// A short stable name for logs, events and reports (`rate_limited`, `session_expired`, …).
    pub fn code(&self) -> &'static str {
        match self {
            ChannelError::RateLimited { .. } => "rate_limited",
            ChannelError::WeeklyCapReached { .. } => "weekly_cap_reached",
            ChannelError::NoteQuotaExhausted => "note_quota_exhausted",
            ChannelError::CannotReinviteYet => "cannot_reinvite_yet",
            ChannelError::SessionExpired => "session_expired",
            ChannelError::Challenge { .. } => "challenge",
            ChannelError::ActionRequired { .. } => "action_required",
            ChannelError::Restricted { .. } => "restricted",
            ChannelError::ProfileUnreachable => "profile_unreachable",
            ChannelError::AddressInvalid { .. } => "address_invalid",
            ChannelError::Transient { .. } => "transient",
            ChannelError::Permanent { .. } => "permanent",
        }
    }
}
