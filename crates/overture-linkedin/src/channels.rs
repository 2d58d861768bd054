//! [`LinkedInChannels`]: the channel of each LinkedIn account whose session is loaded.

use overture_channel::ChannelMap;

use crate::LinkedInChannel;

/// Hands out the [`LinkedInChannel`] of each account whose session was loaded into it
/// ([`ChannelMap::insert`]); an account without one gets `SessionExpired`, so the engine pauses
/// it as needing credentials and nothing is sent.
pub type LinkedInChannels = ChannelMap<LinkedInChannel>;
