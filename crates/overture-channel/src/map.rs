//! [`ChannelMap`]: a provider that hands out the channel loaded for each account.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use overture_core::{Account, AccountId};

use crate::{Channel, ChannelError, Channels};

/// Hands out the channel loaded for each account with [`Self::insert`] (a LinkedIn session, a
/// mailbox's servers and password). An account without one gets
/// [`ChannelError::SessionExpired`]: the engine pauses it as needing credentials, and nothing
/// is sent.
///
/// The map is shared and may change while the engine runs: whoever watches the stored
/// credentials loads new ones into it.
#[derive(Debug)]
pub struct ChannelMap<T> {
    channels: RwLock<HashMap<AccountId, Arc<T>>>,
}

impl<T> Default for ChannelMap<T> {
    fn default() -> Self {
        Self {
            channels: RwLock::new(HashMap::new()),
        }
    }
}

impl<T> ChannelMap<T> {
    /// No channels yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the channel of `account`, replacing the one it had.
    pub fn insert(&self, account: AccountId, channel: T) {
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

impl<T: Channel + 'static> Channels for ChannelMap<T> {
    type Channel = Arc<T>;

    fn channel(&self, account: &Account) -> Result<Arc<T>, ChannelError> {
        self.channels
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&account.id)
            .cloned()
            .ok_or(ChannelError::SessionExpired)
    }
}
