//! The permission matrix: what each [`Role`] may do.

use overture_core::Role;

/// Something a request does, as far as permissions go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read the workspace's data: accounts, leads, lists, campaigns, invitations, events,
    /// reports.
    ReadData,
    /// Change data: import and erase leads, create, start and pause campaigns, withdraw
    /// invitations, edit the suppression list.
    WriteData,
    /// Add, pause and change sender accounts and their secrets (sessions, mailboxes, keys).
    ManageAccounts,
    /// Add, change and remove the workspace's members (see [`can_grant`]).
    ManageMembers,
    /// Create and revoke API tokens (see [`can_issue_token`]).
    ManageTokens,
    /// Add, change and remove webhooks.
    ManageWebhooks,
    /// Rename or delete the workspace, and manage its owners and admins.
    ManageWorkspace,
}

impl Action {
    /// Every action, in the order of the matrix.
    pub const ALL: [Action; 7] = [
        Action::ReadData,
        Action::WriteData,
        Action::ManageAccounts,
        Action::ManageMembers,
        Action::ManageTokens,
        Action::ManageWebhooks,
        Action::ManageWorkspace,
    ];
}

/// Whether `role` may do `action` (the matrix in the crate's documentation).
pub fn allows(role: Role, action: Action) -> bool {
    match action {
        Action::ReadData => true,
        Action::WriteData => role >= Role::Member,
        Action::ManageAccounts
        | Action::ManageMembers
        | Action::ManageTokens
        | Action::ManageWebhooks => role >= Role::Admin,
        Action::ManageWorkspace => role == Role::Owner,
    }
}

/// Whether `actor` may give someone the role `role`, or change or remove a member who has it.
/// Owners manage everyone; admins manage members and viewers only, so nobody can make
/// themselves or anyone else more than they are.
pub fn can_grant(actor: Role, role: Role) -> bool {
    allows(actor, Action::ManageMembers) && (actor == Role::Owner || role < Role::Admin)
}

/// Whether `actor` may create (or revoke) an API token with the role `role`: a token never has
/// more than the person who makes it.
pub fn can_issue_token(actor: Role, role: Role) -> bool {
    allows(actor, Action::ManageTokens) && role <= actor
}

#[cfg(test)]
mod tests {
    use overture_core::Role::{self, Admin, Member, Owner, Viewer};

    use super::{Action, allows, can_grant, can_issue_token};

    #[track_caller]
    fn check(action: Action, expected: [bool; 4]) {
        let got = Role::ALL.map(|role| allows(role, action));
        assert_eq!(got, expected, "{action:?} for viewer, member, admin, owner");
    }

    #[test]
    fn matrix() {
        check(Action::ReadData, [true, true, true, true]);
        check(Action::WriteData, [false, true, true, true]);
        check(Action::ManageAccounts, [false, false, true, true]);
        check(Action::ManageMembers, [false, false, true, true]);
        check(Action::ManageTokens, [false, false, true, true]);
        check(Action::ManageWebhooks, [false, false, true, true]);
        check(Action::ManageWorkspace, [false, false, false, true]);
    }

    #[test]
    fn nobody_hands_out_more_than_they_have() {
        for target in Role::ALL {
            assert!(can_grant(Owner, target));
            assert!(can_issue_token(Owner, target));
            assert!(!can_grant(Member, target) && !can_grant(Viewer, target));
            assert!(!can_issue_token(Member, target) && !can_issue_token(Viewer, target));
        }
        assert!(can_grant(Admin, Member) && can_grant(Admin, Viewer));
        assert!(!can_grant(Admin, Admin) && !can_grant(Admin, Owner));
        assert!(can_issue_token(Admin, Admin) && can_issue_token(Admin, Viewer));
        assert!(!can_issue_token(Admin, Owner));
    }
}
