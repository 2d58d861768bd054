//! [`LinkedInChannels`]: the channel of each LinkedIn account whose session is loaded.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use overture_channel::{ChannelError, Channels};
use overture_core::{Account, AccountId};

use crate::LinkedInChannel;

/// Hands out the [`LinkedInChannel`] of each account whose session was loaded into it with
/// [`Self::insert`]. An account without one gets [`ChannelError::SessionExpired`]: the
/// engine pauses it as needing credentials, and nothing is sent.
///
/// The map is shared and may change while the engine runs (new cookies stored with
/// `overture account set --cookies-file` are loaded by whoever watches the store).
#[derive(Debug, Default)]
pub struct LinkedInChannels {
    channels: RwLock<HashMap<AccountId, Arc<LinkedInChannel>>>,
}

impl LinkedInChannels {
    /// No channels yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the channel of `account`, replacing the one it had.
    pub fn insert(&self, account: AccountId, channel: LinkedInChannel) {
        self.channels
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(account, Arc::new(channel));
    }

    /// Forgets the channel of `account`; says whether it had one.
    pub fn remove(&self, account: AccountId) -> bool {
        self.channels
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&account)
            .is_some()
    }

    /// Whether `account` has a channel.
    pub fn contains(&self, account: AccountId) -> bool {
        self.channels
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .contains_key(&account)
    }
}

impl Channels for LinkedInChannels {
    type Channel = Arc<LinkedInChannel>;

    fn channel(&self, account: &Account) -> Result<Arc<LinkedInChannel>, ChannelError> {
        self.channels
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&account.id)
            .cloned()
            .ok_or(ChannelError::SessionExpired)
    }
}
