//! [`Role`]: what a member of a workspace (or an API token) is, from most to least trusted.
//!
//! The role is a domain value because the store keeps it with every membership and token;
//! what each role may do (the permission matrix) is in `overture-auth`.

use serde::{Deserialize, Serialize};

/// A member's or a token's role in one workspace. The order is trust: `Viewer < Member <
/// Admin < Owner`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads the workspace's data; changes nothing.
    Viewer,
    /// Reads and changes data: leads, lists, campaigns, invitations.
    Member,
    /// A member who also manages sender accounts and their secrets, webhooks, API tokens and
    /// the members below admin.
    Admin,
    /// Everything, the workspace itself and its admins included.
    Owner,
}

crate::account::str_enum!(Role {
    Viewer => "viewer",
    Member => "member",
    Admin => "admin",
    Owner => "owner",
});

impl Role {
    /// Every role, from least to most trusted.
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Member, Role::Admin, Role::Owner];
}

#[cfg(test)]
mod tests {
    use super::Role;

    #[test]
    fn names_round_trip_and_order_is_trust() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!(Role::Viewer < Role::Member && Role::Member < Role::Admin);
        assert!(Role::Admin < Role::Owner);
        assert!("Admin".parse::<Role>().is_ok());
        assert!("root".parse::<Role>().is_err());
    }
}
