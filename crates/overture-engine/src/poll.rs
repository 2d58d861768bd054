//! Polling the channels for acceptances and replies, at the configured cadence, inside each
//! account's working hours.

use jiff::{SignedDuration, Timestamp};
use overture_channel::{Channel, ChannelError, Channels, InboundKind, UNSUBSCRIBE_REF};
use overture_clock::Clock;
use overture_core::sequence::StepKind;
use overture_core::suppression::normalise_address;
use overture_core::{
    Account, AccountId, AccountKind, AccountStatus, EnrollmentState, EventKind, InvitationEvent,
    InvitationState, LeadId, SuppressionKind, WorkspaceId,
};
use overture_store::{Changes, EnrollmentUpdate, InvitationChange, PollKind, Store};
use serde_json::json;

use crate::{Engine, EngineError, TickReport, plus};

/// How far back the first poll of an account looks.
const FIRST_POLL: SignedDuration = SignedDuration::from_hours(30 * 24);

impl<S: Store, C: Channels, K: Clock> Engine<S, C, K> {
    /// Polls every account with open enrollments whose poll is due.
    pub(crate) async fn poll(
        &mut self,
        now: Timestamp,
        report: &mut TickReport,
    ) -> Result<(), EngineError> {
        let stale = self
            .open_accounts
            .as_ref()
            .is_none_or(|(read, _)| plus(*read, self.config.poll_every) <= now);
        if stale {
            let open = self.store.accounts_to_watch().await?;
            let list: Vec<_> = open.iter().map(|o| (o.workspace, o.account)).collect();
            self.next_poll
                .retain(|id, _| list.iter().any(|(_, account)| account == id));
            for &(_, account) in &list {
                if !self.next_poll.contains_key(&account) {
                    let last = self.store.poll_cursor(account, PollKind::Replies).await?;
                    let next = last.map_or(now, |t| plus(t, self.config.poll_every));
                    self.next_poll.insert(account, next);
                }
            }
            self.open_accounts = Some((now, list));
        }
        let accounts = self
            .open_accounts
            .as_ref()
            .map(|(_, list)| list.clone())
            .unwrap_or_default();
        for (ws, id) in accounts {
            if !self.serves(id, now) || self.next_poll.get(&id).is_some_and(|&t| t > now) {
                continue;
            }
            let account = self.account(ws, id).await?;
            let mut next = plus(now, self.config.poll_every);
            if account.status.may_act(now) {
                if account.working_hours.contains(&account.time_zone, now) {
                    self.poll_account(ws, &account, now).await?;
                    report.polled += 1;
                }
                if let Some(open) = account.working_hours.next_open(&account.time_zone, next) {
                    next = open;
                }
            }
            self.next_poll.insert(id, next);
        }
        Ok(())
    }

    /// Reads one account's new connections and replies and records what they change.
    async fn poll_account(
        &mut self,
        ws: WorkspaceId,
        account: &Account,
        now: Timestamp,
    ) -> Result<(), EngineError> {
        let channel = match self.channels.channel(account) {
            Ok(channel) => channel,
            Err(e) => return self.poll_failed(ws, account, &e, now).await,
        };
        if account.kind == AccountKind::Email {
            return self.poll_mailbox(ws, account, &channel, now).await;
        }
        let mut changes = Changes::default();
        let cursor = self
            .store
            .poll_cursor(account.id, PollKind::Connections)
            .await?;
        let since = cursor.unwrap_or(plus(now, -FIRST_POLL));
        let connections = match channel.connections_since(since).await {
            Ok(list) => list,
            Err(e) => return self.poll_failed(ws, account, &e, now).await,
        };
        for connection in connections {
            if cursor.is_some_and(|c| connection.connected_at <= c) {
                continue;
            }
            let Some(lead) = self.store.lead_by_url(ws, &connection.profile_url).await? else {
                continue;
            };
            let invitation = self
                .store
                .latest_invitation(ws, account.id, lead.id)
                .await?;
            let Some(invitation) = invitation.filter(|i| {
                matches!(
                    i.state,
                    InvitationState::Pending | InvitationState::Vanished
                )
            }) else {
                continue;
            };
            changes.invitations.push(InvitationChange::Transition {
                id: invitation.id,
                event: InvitationEvent::Accept,
                at: connection.connected_at.min(now),
            });
            changes.events.push(Self::event(
                ws,
                EventKind::InviteAccepted,
                now,
                Some(account.id),
                Some(lead.id),
                invitation.campaign_id,
                json!({ "invitation": invitation.id, "connected_at": connection.connected_at }),
            ));
            // An enrollment waiting for this acceptance takes its branch now.
            let wake = self.wake_waiting(ws, account.id, lead.id, now).await?;
            changes.enrollments.extend(wake);
        }
        changes
            .poll_cursors
            .push((account.id, PollKind::Connections, now));

        let cursor = self
            .store
            .poll_cursor(account.id, PollKind::Replies)
            .await?;
        let since = cursor.unwrap_or(plus(now, -FIRST_POLL));
        let replies = match channel.replies_since(since).await {
            Ok(list) => list,
            Err(e) => return self.poll_failed(ws, account, &e, now).await,
        };
        for reply in replies {
            if cursor.is_some_and(|c| reply.received_at <= c) {
                continue;
            }
            let Some(lead) = self.store.lead_by_url(ws, &reply.profile_url).await? else {
                continue;
            };
            let open = self.store.open_enrollment(ws, lead.id).await?;
            let campaign_id = open.as_ref().map(|r| r.enrollment.campaign_id);
            changes.events.push(Self::event(
                ws,
                EventKind::ReplyReceived,
                now,
                Some(account.id),
                Some(lead.id),
                campaign_id,
                json!({ "received_at": reply.received_at }),
            ));
            let Some(record) = open else {
                continue;
            };
            let e = &record.enrollment;
            let campaign = self.campaign(ws, e.campaign_id).await?;
            if campaign.spec.settings.stop_on_reply {
                changes.enrollments.push(EnrollmentUpdate {
                    id: e.id,
                    expect_step: e.step,
                    step: e.step,
                    state: EnrollmentState::Replied,
                    next_due_at: None,
                    attempt: record.attempt,
                    reason: Some("replied".into()),
                });
            }
        }
        changes
            .poll_cursors
            .push((account.id, PollKind::Replies, now));
        self.store.apply_changes(ws, changes, now).await?;
        Ok(())
    }

    /// Reads a mailbox's new mail and records what it says: a reply stops the lead's
    /// sequence (as on LinkedIn), an absence notice with a return date holds the lead until
    /// then, a hard bounce puts the address on the suppression list, and an unsubscribe
    /// request the lead's address and profile. All in one transaction with the new cursor.
    async fn poll_mailbox(
        &mut self,
        ws: WorkspaceId,
        account: &Account,
        channel: &C::Channel,
        now: Timestamp,
    ) -> Result<(), EngineError> {
        let cursor = self.store.mailbox_cursor(account.id).await?;
        let page = match channel.inbound_since(cursor).await {
            Ok(page) => page,
            Err(e) => return self.poll_failed(ws, account, &e, now).await,
        };
        let mut changes = Changes::default();
        for mail in page.messages {
            let lead = self
                .store
                .inbound_lead(ws, &mail.refers_to, &mail.from)
                .await?;
            let open = match lead {
                Some(lead) => self.store.open_enrollment(ws, lead).await?,
                None => None,
            };
            let campaign_id = open.as_ref().map(|r| r.enrollment.campaign_id);
            let event =
                |kind, data| Self::event(ws, kind, now, Some(account.id), lead, campaign_id, data);
            let hold = |record: &overture_store::EnrollmentRecord,
                        state: EnrollmentState,
                        due: Option<Timestamp>,
                        reason: &str| EnrollmentUpdate {
                id: record.enrollment.id,
                expect_step: record.enrollment.step,
                step: record.enrollment.step,
                state,
                next_due_at: due,
                attempt: record.attempt,
                reason: Some(reason.to_owned()),
            };
            match &mail.kind {
                InboundKind::Reply => {
                    if lead.is_none() {
                        continue;
                    }
                    changes.events.push(event(
                        EventKind::ReplyReceived,
                        json!({ "received_at": mail.received_at, "channel": "email" }),
                    ));
                    if let Some(record) = &open {
                        let campaign = self.campaign(ws, record.enrollment.campaign_id).await?;
                        if campaign.spec.settings.stop_on_reply {
                            changes.enrollments.push(hold(
                                record,
                                EnrollmentState::Replied,
                                None,
                                "replied by email",
                            ));
                        }
                    }
                }
                InboundKind::OutOfOffice { until } => {
                    changes.events.push(event(
                        EventKind::OutOfOffice,
                        json!({ "until": until, "from": mail.from }),
                    ));
                    // Held until the person is back, then the sequence goes on.
                    if let (Some(record), Some(until)) = (&open, until)
                        && record.enrollment.state == EnrollmentState::Waiting
                        && *until > now
                    {
                        let due = record
                            .enrollment
                            .next_due_at
                            .map_or(*until, |d| d.max(*until));
                        changes.enrollments.push(EnrollmentUpdate {
                            reason: None,
                            ..hold(record, EnrollmentState::Waiting, Some(due), "")
                        });
                    }
                }
                InboundKind::Bounce {
                    recipient,
                    hard,
                    status,
                } => {
                    changes.events.push(event(
                        EventKind::EmailBounced,
                        json!({ "recipient": recipient, "hard": hard, "status": status }),
                    ));
                    if *hard && let Some(address) = normalise_address(recipient) {
                        let reason = format!("hard bounce {status}");
                        changes
                            .suppressions
                            .push((SuppressionKind::Address, address, reason));
                    }
                }
                InboundKind::Unsubscribe => {
                    // A token names the lead for sure (the subject of our mailto link); the
                    // store suppresses the lead's profile and address by it.
                    let token = mail
                        .refers_to
                        .iter()
                        .find_map(|r| r.strip_prefix(UNSUBSCRIBE_REF));
                    let by_token = match token {
                        Some(token) => self.store.unsubscribe(token, now).await?,
                        None => None,
                    };
                    let (lead, open) = match &by_token {
                        Some(done) => {
                            let open = self.store.open_enrollment(ws, done.lead).await?;
                            (Some(done.lead), open)
                        }
                        None => (lead, open),
                    };
                    let Some(lead_id) = lead else {
                        // Not a lead's: the sender's own address still goes on the list.
                        if let Some(address) = normalise_address(&mail.from) {
                            let entry = (SuppressionKind::Address, address, "unsubscribed".into());
                            changes.suppressions.push(entry);
                        }
                        continue;
                    };
                    let found = self.store.lead(ws, lead_id).await?;
                    changes.suppressions.push((
                        SuppressionKind::Profile,
                        found.data.profile_url.to_string(),
                        "unsubscribed".into(),
                    ));
                    for address in [found.data.email.as_deref(), Some(mail.from.as_str())]
                        .into_iter()
                        .flatten()
                        .filter_map(normalise_address)
                    {
                        let entry = (SuppressionKind::Address, address, "unsubscribed".into());
                        if !changes.suppressions.contains(&entry) {
                            changes.suppressions.push(entry);
                        }
                    }
                    changes
                        .events
                        .push(event(EventKind::Unsubscribed, json!({ "from": mail.from })));
                    if let Some(record) = &open {
                        changes.enrollments.push(hold(
                            record,
                            EnrollmentState::Stopped,
                            None,
                            "unsubscribed",
                        ));
                    }
                }
            }
        }
        if let Some(cursor) = page.cursor {
            changes.mailbox_cursors.push((account.id, cursor));
        }
        changes
            .poll_cursors
            .push((account.id, PollKind::Replies, now));
        self.store.apply_changes(ws, changes, now).await?;
        Ok(())
    }

    /// A poll failed: errors about the account pause or restrict it; others wait for the next
    /// poll.
    async fn poll_failed(
        &mut self,
        ws: WorkspaceId,
        account: &Account,
        error: &ChannelError,
        now: Timestamp,
    ) -> Result<(), EngineError> {
        let (status, kind) = match error {
            ChannelError::SessionExpired => {
                (AccountStatus::NeedsCredentials, EventKind::AccountPaused)
            }
            ChannelError::Challenge { detail } => (
                AccountStatus::Paused {
                    reason: format!("security challenge: {detail}"),
                },
                EventKind::AccountPaused,
            ),
            ChannelError::ActionRequired { detail } => (
                AccountStatus::Paused {
                    reason: format!("account needs attention: {detail}"),
                },
                EventKind::AccountPaused,
            ),
            ChannelError::Restricted { until } => (
                AccountStatus::Restricted {
                    until: until.unwrap_or(plus(now, self.config.default_restriction)),
                },
                EventKind::AccountRestricted,
            ),
            _ => return Ok(()),
        };
        let mut data = json!({ "reason": error.code() });
        if kind == EventKind::AccountRestricted {
            data["pending"] = json!(self.restricted(ws, account.id, now).await?);
        }
        let mut changes = Changes::default();
        changes.account_status.push((account.id, status.clone()));
        changes.events.push(Self::event(
            ws,
            kind,
            now,
            Some(account.id),
            None,
            None,
            data,
        ));
        if let Some(cached) = self.accounts.get_mut(&account.id) {
            cached.status = status;
        }
        self.store.apply_changes(ws, changes, now).await?;
        Ok(())
    }
}

impl<S: Store, C: Channels, K: Clock> Engine<S, C, K> {
    /// The change that wakes the lead's enrollment if it waits at a `wait_for_acceptance` step
    /// for an invitation from `account`: its invitation was answered or withdrawn, so it takes
    /// its branch (or is invited again) now rather than when the wait runs out.
    pub(crate) async fn wake_waiting(
        &mut self,
        ws: WorkspaceId,
        account: AccountId,
        lead: LeadId,
        now: Timestamp,
    ) -> Result<Option<EnrollmentUpdate>, EngineError> {
        let Some(record) = self.store.open_enrollment(ws, lead).await? else {
            return Ok(None);
        };
        let e = &record.enrollment;
        let campaign = self.campaign(ws, e.campaign_id).await?;
        let waits = campaign
            .spec
            .steps
            .get(usize::try_from(e.step).unwrap_or(usize::MAX))
            .is_some_and(|s| matches!(s.kind, StepKind::WaitForAcceptance(_)));
        let wakes = waits && e.state == EnrollmentState::Waiting && e.account_id == Some(account);
        Ok(wakes.then_some(EnrollmentUpdate {
            id: e.id,
            expect_step: e.step,
            step: e.step,
            state: EnrollmentState::Waiting,
            next_due_at: Some(now),
            attempt: record.attempt,
            reason: None,
        }))
    }
}
