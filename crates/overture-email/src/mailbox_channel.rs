//! [`MailboxChannel`]: the Channel port of an email account, sending through SMTP and reading
//! through IMAP.

use std::sync::Arc;

use jiff::Timestamp;
use overture_channel::{
    Channel, ChannelError, ChannelMap, Connection, EmailRequest, InboundPage, InviteRequest,
    LikeOutcome, MessageRequest, Page, Profile, Reply, SentEmail, SentInvitation, SentMessage,
    ThreadMessage,
};
use overture_clock::Clock;
use overture_core::ProfileUrl;
use overture_imap::ImapMailbox;

use crate::{SmtpMailer, message_id};

/// An email account's channel: it sends email through its SMTP server and reads its IMAP
/// mailbox (new mail, the Sent folder). Without an IMAP mailbox it reads nothing, and an email
/// whose answer was lost cannot be found (it ends in doubt rather than being sent again).
/// LinkedIn's operations answer `Permanent`.
pub struct MailboxChannel {
    mailer: SmtpMailer,
    inbox: Option<ImapMailbox>,
    clock: Arc<dyn Clock>,
    save_sent_copy: bool,
}

impl std::fmt::Debug for MailboxChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailboxChannel")
            .field("from", &self.mailer.sender().from.to_string())
            .field("reads_mail", &self.inbox.is_some())
            .field("save_sent_copy", &self.save_sent_copy)
            .finish_non_exhaustive()
    }
}

/// The channels of the email accounts whose servers and passwords are loaded.
pub type MailboxChannels = ChannelMap<MailboxChannel>;

impl MailboxChannel {
    /// A mailbox that sends with `mailer` and reads `inbox`, timing what it sends by `clock`.
    pub fn new(mailer: SmtpMailer, inbox: Option<ImapMailbox>, clock: Arc<dyn Clock>) -> Self {
        Self {
            mailer,
            inbox,
            clock,
            save_sent_copy: false,
        }
    }

    /// Saves a copy of each email sent in the Sent folder (IMAP `APPEND`), for servers that do
    /// not keep one themselves: the copy is how a lost answer is found after a crash.
    #[must_use]
    pub fn saving_sent_copies(mut self, save: bool) -> Self {
        self.save_sent_copy = save;
        self
    }
}

fn not_linkedin() -> ChannelError {
    ChannelError::Permanent {
        detail: "an email account cannot act on LinkedIn; use a LinkedIn account for this step"
            .to_owned(),
    }
}

impl Channel for MailboxChannel {
    async fn lookup_profile(&self, _profile: &ProfileUrl) -> Result<Profile, ChannelError> {
        Err(not_linkedin())
    }

    async fn visit(&self, _profile: &ProfileUrl) -> Result<Profile, ChannelError> {
        Err(not_linkedin())
    }

    async fn follow(&self, _profile: &ProfileUrl) -> Result<(), ChannelError> {
        Err(not_linkedin())
    }

    async fn like_recent_post(&self, _profile: &ProfileUrl) -> Result<LikeOutcome, ChannelError> {
        Err(not_linkedin())
    }

    async fn invite(&self, _request: InviteRequest) -> Result<SentInvitation, ChannelError> {
        Err(not_linkedin())
    }

    async fn sent_invitations(
        &self,
        _cursor: Option<String>,
        _page_size: u32,
    ) -> Result<Page<SentInvitation>, ChannelError> {
        Ok(Page {
            items: Vec::new(),
            next: None,
        })
    }

    async fn withdraw(&self, _invitation_id: &str) -> Result<(), ChannelError> {
        Err(not_linkedin())
    }

    async fn connections_since(&self, _since: Timestamp) -> Result<Vec<Connection>, ChannelError> {
        Ok(Vec::new())
    }

    async fn send_message(&self, _request: MessageRequest) -> Result<SentMessage, ChannelError> {
        Err(not_linkedin())
    }

    async fn thread(
        &self,
        _profile: &ProfileUrl,
        _since: Timestamp,
    ) -> Result<Vec<ThreadMessage>, ChannelError> {
        Ok(Vec::new())
    }

    async fn replies_since(&self, _since: Timestamp) -> Result<Vec<Reply>, ChannelError> {
        Ok(Vec::new())
    }

    async fn send_email(&self, request: EmailRequest) -> Result<SentEmail, ChannelError> {
        let (sent, raw) = self.mailer.send_keeping(&request, self.clock.now()).await?;
        if self.save_sent_copy
            && let Some(inbox) = &self.inbox
        {
            // The email went; a copy that cannot be saved only makes a later crash harder to
            // reconcile, so it is logged, not failed.
            match inbox.save_sent(&raw).await {
                Ok(true) => {}
                Ok(false) => {
                    tracing::warn!(message_id = %sent.message_id, "no Sent folder to save a copy in")
                }
                Err(e) => {
                    tracing::warn!(message_id = %sent.message_id, error = %e, "could not save a copy in the Sent folder")
                }
            }
        }
        Ok(sent)
    }

    async fn email_sent(&self, idempotency_key: &str) -> Result<Option<bool>, ChannelError> {
        let Some(inbox) = &self.inbox else {
            return Ok(None);
        };
        let id = message_id(idempotency_key, self.mailer.sender().domain());
        inbox.find_sent(&id).await
    }

    async fn inbound_since(&self, cursor: Option<String>) -> Result<InboundPage, ChannelError> {
        match &self.inbox {
            Some(inbox) => inbox.inbound_since(cursor.as_deref()).await,
            None => Ok(InboundPage::default()),
        }
    }
}
