//! The Channel port over the sandbox: [`SandboxChannel`] (one seat) and [`SandboxChannels`]
//! (accounts mapped to seats by name).

use jiff::Timestamp;
use overture_channel::{
    Channel, ChannelError, Channels, Connection, InviteRequest, LikeOutcome, MessageRequest, Page,
    Profile, Reply, SentInvitation, SentMessage, ThreadMessage,
};
use overture_core::{Account, ProfileUrl};

use crate::faults::Op;
use crate::network::SandboxNetwork;
use crate::state::SeatId;

/// One seat's channel in the sandbox. Calls lock the network's state, compute, and unlock;
/// none waits.
#[derive(Debug, Clone)]
pub struct SandboxChannel {
    net: SandboxNetwork,
    seat: SeatId,
    handle: String,
}

impl SandboxChannel {
    pub(crate) fn new(net: SandboxNetwork, seat: SeatId, handle: &str) -> Self {
        Self {
            net,
            seat,
            handle: handle.to_owned(),
        }
    }

    /// The seat's handle.
    pub fn handle(&self) -> &str {
        &self.handle
    }
}

impl Channel for SandboxChannel {
    async fn lookup_profile(&self, profile: &ProfileUrl) -> Result<Profile, ChannelError> {
        self.net
            .call(self.seat, Op::LookupProfile, Some(profile), None, |c| {
                c.lookup_profile(profile)
            })
    }

    async fn visit(&self, profile: &ProfileUrl) -> Result<Profile, ChannelError> {
        self.net
            .call(self.seat, Op::Visit, Some(profile), None, |c| {
                c.visit(profile)
            })
    }

    async fn follow(&self, profile: &ProfileUrl) -> Result<(), ChannelError> {
        self.net
            .call(self.seat, Op::Follow, Some(profile), None, |c| {
                c.follow(profile)
            })
    }

    async fn like_recent_post(&self, profile: &ProfileUrl) -> Result<LikeOutcome, ChannelError> {
        self.net
            .call(self.seat, Op::LikeRecentPost, Some(profile), None, |c| {
                c.like(profile)
            })
    }

    async fn invite(&self, request: InviteRequest) -> Result<SentInvitation, ChannelError> {
        self.net.call(
            self.seat,
            Op::Invite,
            Some(&request.profile),
            Some(&request.idempotency_key),
            |c| c.invite(&request),
        )
    }

    async fn sent_invitations(
        &self,
        cursor: Option<String>,
        page_size: u32,
    ) -> Result<Page<SentInvitation>, ChannelError> {
        self.net
            .call(self.seat, Op::SentInvitations, None, None, |c| {
                c.sent_invitations(cursor.as_deref(), page_size)
            })
    }

    async fn withdraw(&self, invitation_id: &str) -> Result<(), ChannelError> {
        self.net.call(self.seat, Op::Withdraw, None, None, |c| {
            c.withdraw(invitation_id)
        })
    }

    async fn connections_since(&self, since: Timestamp) -> Result<Vec<Connection>, ChannelError> {
        self.net
            .call(self.seat, Op::ConnectionsSince, None, None, |c| {
                c.connections_since(since)
            })
    }

    async fn send_message(&self, request: MessageRequest) -> Result<SentMessage, ChannelError> {
        self.net.call(
            self.seat,
            Op::SendMessage,
            Some(&request.profile),
            Some(&request.idempotency_key),
            |c| c.send_message(&request),
        )
    }

    async fn thread(
        &self,
        profile: &ProfileUrl,
        since: Timestamp,
    ) -> Result<Vec<ThreadMessage>, ChannelError> {
        self.net
            .call(self.seat, Op::Thread, Some(profile), None, |c| {
                c.thread(profile, since)
            })
    }

    async fn replies_since(&self, since: Timestamp) -> Result<Vec<Reply>, ChannelError> {
        self.net.call(self.seat, Op::RepliesSince, None, None, |c| {
            c.replies_since(since)
        })
    }
}

/// Every seat of a sandbox network as [`Channels`]: an account's channel is the seat whose
/// handle is the account's name.
#[derive(Debug, Clone)]
pub struct SandboxChannels {
    net: SandboxNetwork,
}

impl SandboxChannels {
    pub(crate) fn new(net: SandboxNetwork) -> Self {
        Self { net }
    }

    /// The network behind the channels.
    pub fn network(&self) -> &SandboxNetwork {
        &self.net
    }
}

impl Channels for SandboxChannels {
    type Channel = SandboxChannel;

    fn channel(&self, account: &Account) -> Result<SandboxChannel, ChannelError> {
        let seat = self.net.seat_for_account(&account.name).ok_or_else(|| {
            ChannelError::Permanent {
                detail: format!(
                    "account `{}` has no seat in the sandbox network; add one with the same handle",
                    account.name
                ),
            }
        })?;
        Ok(SandboxChannel::new(self.net.clone(), seat, &account.name))
    }
}
