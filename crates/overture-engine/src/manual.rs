//! Invitations sent by hand outside Overture, found through the channel's sent list so that
//! the governor counts and withdraws them too (`govern_manual_invites`).
//!
//! Each invitation on the sent list that the store does not know becomes a stored invitation
//! without a campaign: its person is added as a lead on the [`MANUAL_LIST`] list (or found, when
//! already a lead), and it is recorded as pending with the channel's id and sending time.
//! Nothing is ever recorded twice: an invitation is known when the account has one with the
//! same channel id, or one to the same person sent within a day of it (the engine's own, whose
//! id the channel did not give back). Invitations younger than [`SETTLE`] are left for the next
//! look: one may be the engine's own, sent a moment ago by another worker.

use std::collections::HashSet;

use jiff::{SignedDuration, Timestamp};
use overture_channel::{Channel, ChannelError, Channels, SentInvitation};
use overture_clock::Clock;
use overture_core::{Account, Invitation, NewLead, WorkspaceId};
use overture_store::{InvitationQuery, NewInvitation, Store, StoreError};

use crate::{Engine, EngineError, plus};

/// The lead list the people invited by hand go on.
pub const MANUAL_LIST: &str = "sent-by-hand";

/// How old an invitation on the sent list must be before it is taken for one sent by hand.
pub const SETTLE: SignedDuration = SignedDuration::from_hours(1);

/// The most pages of the sent list read at one look (100 invitations a page).
const MAX_PAGES: usize = 50;

/// Two sendings of the same person this close are the same invitation.
const SAME_SENDING: SignedDuration = SignedDuration::from_hours(24);

impl<S: Store, C: Channels, K: Clock> Engine<S, C, K> {
    /// Records the account's invitations sent by hand that the store does not know yet, and
    /// returns how many. A channel that cannot list them now (rate limited, session expired…)
    /// is tried again at the next look; the engine's own calls notice and handle the account's
    /// state. `pending` is the account's pending invitations as stored.
    pub(crate) async fn discover_manual_invites(
        &mut self,
        ws: WorkspaceId,
        account: &Account,
        pending: &[Invitation],
        now: Timestamp,
    ) -> Result<u64, EngineError> {
        let sent = match self.sent_list(account).await {
            Ok(sent) => sent,
            Err(error) => {
                tracing::info!(account = %account.name, %error, "sent list not read now");
                return Ok(0);
            }
        };
        let settled = plus(now, -SETTLE);
        // Most of the list is the engine's own pending invitations: only what is not among
        // them needs the whole history.
        let pending_ids: HashSet<&str> = pending
            .iter()
            .filter_map(|i| i.external_id.as_deref())
            .collect();
        let fresh: Vec<&SentInvitation> = sent
            .iter()
            .filter(|i| i.sent_at <= settled && !pending_ids.contains(i.invitation_id.as_str()))
            .collect();
        if fresh.is_empty() {
            return Ok(0);
        }
        let query = InvitationQuery {
            after: None,
            account: Some(account.id),
            state: None,
            sent_before: None,
            limit: u32::MAX,
        };
        let known = self.store.list_invitations(ws, query).await?;
        let mut recorded = 0;
        for item in fresh {
            if known
                .iter()
                .any(|k| k.external_id.as_deref() == Some(item.invitation_id.as_str()))
            {
                continue;
            }
            let lead = match self.store.lead_by_url(ws, &item.profile_url).await? {
                Some(lead) => lead,
                None => {
                    let new = NewLead::new(item.profile_url.clone());
                    self.store
                        .import_leads(ws, MANUAL_LIST, &[new], now, &|_| {})
                        .await?;
                    match self.store.lead_by_url(ws, &item.profile_url).await? {
                        Some(lead) => lead,
                        None => continue,
                    }
                }
            };
            if known
                .iter()
                .any(|k| k.lead_id == lead.id && same_sending(k, item.sent_at))
            {
                continue;
            }
            let new = NewInvitation {
                workspace_id: ws,
                account_id: account.id,
                lead_id: lead.id,
                campaign_id: None,
                external_id: Some(item.invitation_id.clone()),
                note: None,
                sent_at: item.sent_at,
            };
            match self.store.record_invitation(new).await {
                Ok(_) => recorded += 1,
                // Already pending under another id: the store keeps one per person.
                Err(StoreError::Conflict { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(recorded)
    }

    /// The account's whole sent list, as far as [`MAX_PAGES`] pages go.
    async fn sent_list(&self, account: &Account) -> Result<Vec<SentInvitation>, ChannelError> {
        let channel = self.channels.channel(account)?;
        let mut all = Vec::new();
        let mut cursor = None;
        for _ in 0..MAX_PAGES {
            let page = channel.sent_invitations(cursor, 100).await?;
            all.extend(page.items);
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        Ok(all)
    }
}

/// Whether a stored invitation was sent within [`SAME_SENDING`] of `sent_at`.
fn same_sending(known: &Invitation, sent_at: Timestamp) -> bool {
    known.sent_at.duration_since(sent_at).abs() < SAME_SENDING
}
