//! The re-invite cooldown: after a withdrawal LinkedIn refuses a new invitation to the same
//! person for about three weeks (`CANT_RESEND_YET`).

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::ids::{AccountId, LeadId, WorkspaceId};

/// How long after a withdrawal a person cannot be re-invited, by default (21 days).
pub const DEFAULT_REINVITE_COOLDOWN: SignedDuration = SignedDuration::from_hours(21 * 24);

/// Per (account, person): not before this instant may the account invite the person again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cooldown {
    /// Owning workspace.
    pub workspace_id: WorkspaceId,
    /// The sender.
    pub account_id: AccountId,
    /// The person.
    pub lead_id: LeadId,
    /// The earliest instant of a new invitation.
    pub reinvite_not_before: Timestamp,
}

impl Cooldown {
    /// Whether the account may invite the person at `now`.
    pub fn allows(&self, now: Timestamp) -> bool {
        now >= self.reinvite_not_before
    }

    /// Moves the cooldown to `until` if that is later; a cooldown never gets shorter.
    pub fn extend_to(&mut self, until: Timestamp) {
        self.reinvite_not_before = self.reinvite_not_before.max(until);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cooldown_allows_only_from_its_instant_and_never_shrinks() {
        let t: Timestamp = "2026-11-01T00:00:00Z".parse().unwrap();
        let mut c = Cooldown {
            workspace_id: WorkspaceId(1),
            account_id: AccountId(1),
            lead_id: LeadId(1),
            reinvite_not_before: t + DEFAULT_REINVITE_COOLDOWN,
        };
        assert!(!c.allows(t));
        assert!(c.allows(t + DEFAULT_REINVITE_COOLDOWN));
        c.extend_to(t);
        assert_eq!(c.reinvite_not_before, t + DEFAULT_REINVITE_COOLDOWN);
        c.extend_to(t + DEFAULT_REINVITE_COOLDOWN * 2);
        assert_eq!(c.reinvite_not_before, t + DEFAULT_REINVITE_COOLDOWN * 2);
    }
}
