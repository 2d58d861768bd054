//! The Channel port over the Voyager client: [`LinkedInChannel`], one account's channel.

use jiff::Timestamp;
use overture_channel::{
    Channel, ChannelError, Connection, InviteRequest, LikeOutcome, MessageRequest, Page, Profile,
    Reply, SentInvitation, SentMessage, ThreadMessage,
};
use overture_core::ProfileUrl;
use tokio::sync::OnceCell;

use crate::client::VoyagerClient;
use crate::endpoints::SENT_PAGE_MAX;
use crate::ops::{Recipient, next_start};
use crate::parse::MeRow;

/// One LinkedIn account's channel, through its [`VoyagerClient`].
///
/// A visit is the profile read the web client makes when the page opens. `follow` and
/// `like_recent_post` answer
/// [`ChannelError::Permanent`] ("not supported by the LinkedIn client yet"): the reference
/// names no endpoint for them.
#[derive(Debug)]
pub struct LinkedInChannel {
    client: VoyagerClient,
    me: OnceCell<MeRow>,
}

impl LinkedInChannel {
    /// The channel of the account `client` speaks for.
    pub fn new(client: VoyagerClient) -> Self {
        Self {
            client,
            me: OnceCell::new(),
        }
    }

    /// The client underneath, for operations the port does not have (the sent count).
    pub fn client(&self) -> &VoyagerClient {
        &self.client
    }

    /// The session's own member, looked up once.
    async fn me(&self) -> Result<&MeRow, ChannelError> {
        self.me
            .get_or_try_init(|| async {
                match &self.client.self_profile_id {
                    Some(id) => Ok(MeRow {
                        profile_id: id.clone(),
                        ..MeRow::default()
                    }),
                    None => self.client.me().await,
                }
            })
            .await
    }
}

fn not_supported(what: &str) -> ChannelError {
    ChannelError::Permanent {
        detail: format!("{what} is not supported by the LinkedIn client yet"),
    }
}

fn profile_url(slug: &str) -> Result<ProfileUrl, ChannelError> {
    ProfileUrl::parse(&format!("https://www.linkedin.com/in/{slug}/")).map_err(|e| {
        ChannelError::Permanent {
            detail: format!("LinkedIn answered an invalid profile slug: {e}"),
        }
    })
}

/// The message's `originToken`: a UUID, derived from the idempotency key so that a message
/// found in a thread after a crash can be matched to its key.
pub fn origin_token(idempotency_key: &str) -> String {
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, idempotency_key.as_bytes()).to_string()
}

impl Channel for LinkedInChannel {
    async fn lookup_profile(&self, profile: &ProfileUrl) -> Result<Profile, ChannelError> {
        let row = self.client.profile(profile.slug()).await?;
        Ok(Profile {
            member_id: row.profile_id,
            profile_url: profile.clone(),
            degree: row.degree,
            // The profile decoration carries no mutual-connection count.
            mutual_connections: 0,
            invitation_pending: row.invitation_pending,
        })
    }

    /// Reads the profile as the web client does when its page opens. Whether LinkedIn counts
    /// the read as a view (the person's "who viewed your profile") is not documented.
    async fn visit(&self, profile: &ProfileUrl) -> Result<Profile, ChannelError> {
        self.lookup_profile(profile).await
    }

    async fn follow(&self, _profile: &ProfileUrl) -> Result<(), ChannelError> {
        Err(not_supported("following"))
    }

    async fn like_recent_post(&self, _profile: &ProfileUrl) -> Result<LikeOutcome, ChannelError> {
        Err(not_supported("liking a post"))
    }

    async fn invite(&self, request: InviteRequest) -> Result<SentInvitation, ChannelError> {
        let row = self.client.profile(request.profile.slug()).await?;
        let note = request.note.as_deref().filter(|n| !n.trim().is_empty());
        let (invitation_id, at) = self.client.invite(&row.profile_id, note).await?;
        let sent_at = at.unwrap_or(Timestamp::UNIX_EPOCH);
        Ok(SentInvitation {
            invitation_id,
            profile_url: request.profile,
            sent_at,
            with_note: note.is_some(),
        })
    }

    async fn sent_invitations(
        &self,
        cursor: Option<String>,
        page_size: u32,
    ) -> Result<Page<SentInvitation>, ChannelError> {
        let start = match cursor {
            Some(c) => c.parse::<u32>().map_err(|_| ChannelError::Permanent {
                detail: format!("invalid sent-list cursor {c:?}"),
            })?,
            None => 0,
        };
        let count = page_size.clamp(1, SENT_PAGE_MAX);
        let page = self.client.sent_invitations_page(start, count).await?;
        let next = next_start(start, count, page.rows.len(), page.total).map(|n| n.to_string());
        let items = page
            .rows
            .into_iter()
            .map(|r| {
                Ok(SentInvitation {
                    invitation_id: r.invitation_id,
                    profile_url: profile_url(&r.public_id)?,
                    sent_at: r.sent_at,
                    with_note: r.with_note,
                })
            })
            .collect::<Result<_, ChannelError>>()?;
        Ok(Page { items, next })
    }

    async fn withdraw(&self, invitation_id: &str) -> Result<(), ChannelError> {
        self.client.withdraw(invitation_id).await
    }

    async fn connections_since(&self, since: Timestamp) -> Result<Vec<Connection>, ChannelError> {
        self.client
            .connections_since(since)
            .await?
            .into_iter()
            .map(|r| {
                Ok(Connection {
                    profile_url: profile_url(&r.public_id)?,
                    connected_at: r.connected_at,
                })
            })
            .collect()
    }

    async fn send_message(&self, request: MessageRequest) -> Result<SentMessage, ChannelError> {
        let me = self.me().await?.profile_id.clone();
        let row = self.client.profile(request.profile.slug()).await?;
        let token = origin_token(&request.idempotency_key);
        let sent = self
            .client
            .send_message(
                &me,
                Recipient::Member(&row.profile_id),
                &request.text,
                &token,
            )
            .await?;
        Ok(SentMessage {
            message_id: sent.message_id,
            sent_at: sent.delivered_at.unwrap_or(Timestamp::UNIX_EPOCH),
        })
    }

    /// The messages of the one-to-one conversation with `profile`, read from the conversation
    /// list; a message the seat sent carries its `originToken` as the client token.
    async fn thread(
        &self,
        profile: &ProfileUrl,
        since: Timestamp,
    ) -> Result<Vec<ThreadMessage>, ChannelError> {
        let slug = profile.slug();
        Ok(self
            .client
            .messages_since(since)
            .await?
            .into_iter()
            .filter(|e| {
                e.from_public_id.eq_ignore_ascii_case(slug)
                    || e.participants.iter().any(|p| p.eq_ignore_ascii_case(slug))
            })
            .map(|e| ThreadMessage {
                from_seat: !e.from_public_id.eq_ignore_ascii_case(slug),
                text: e.text,
                sent_at: e.sent_at,
                client_token: e.origin_token,
            })
            .collect())
    }

    fn client_token(&self, idempotency_key: &str) -> String {
        origin_token(idempotency_key)
    }

    async fn replies_since(&self, since: Timestamp) -> Result<Vec<Reply>, ChannelError> {
        let me = self.me().await?.clone();
        let me_public = if me.public_id.is_empty() {
            self.client.me().await?.public_id
        } else {
            me.public_id
        };
        self.client
            .messages_since(since)
            .await?
            .into_iter()
            .filter(|e| !e.from_public_id.eq_ignore_ascii_case(&me_public))
            .map(|e| {
                Ok(Reply {
                    profile_url: profile_url(&e.from_public_id)?,
                    text: e.text,
                    received_at: e.sent_at,
                })
            })
            .collect()
    }
}
