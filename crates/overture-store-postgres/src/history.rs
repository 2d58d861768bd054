//! An account's history from outside Overture (`Store::import_history`): its people, its
//! connections and the invitations it sent, merged into what is stored; and the connections.
//!
//! A history is a few tens of thousands of rows at most (LinkedIn caps a network at 30,000
//! connections), loaded once in a while, so it goes row by row in one transaction.

use std::collections::HashMap;

use jiff::Timestamp;
use overture_core::{
    AccountId, EventKind, Invitation, InvitationEvent, InvitationState, LeadId, NewLead,
    WorkspaceId,
};
use overture_store::{
    AccountHistory, CONNECTED_SLACK, HistoryInvitation, HistoryOutcome, SAME_SENDING, StoreError,
    StoredConnection,
};
use sqlx::PgConnection;

use crate::invitations::{decode as decode_invitation, invitation_columns, require_owned};
use crate::leads::{decode as decode_lead, lead_columns};
use crate::postgres_store::{
    PostgresStore, col, col_ts, commit, db_err, exec, found, ms, row, row_or, rows, scalar,
    to_json, unavailable,
};

const WHAT: &str = "history";

impl PostgresStore {
    pub(crate) async fn import_history_impl(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        history: &AccountHistory,
        now: Timestamp,
    ) -> Result<HistoryOutcome, StoreError> {
        let mut tx = self.begin().await?;
        require_owned(&mut tx, ws, account, None, None).await?;
        // One import of an account's history at a time: the account's row stays locked until
        // the commit.
        exec(
            &mut tx,
            sqlx::query("SELECT id FROM accounts WHERE id = $1 FOR UPDATE").bind(account.get()),
            unavailable,
        )
        .await?;
        let mut outcome = HistoryOutcome::default();
        let people = store_people(&mut tx, ws, history, now, &mut outcome).await?;
        let lead_of =
            |url: &overture_core::ProfileUrl| found(people.get(url.slug()).copied(), "lead", url);
        let mut connected: HashMap<LeadId, Timestamp> = HashMap::new();
        for connection in &history.connections {
            let lead = lead_of(&connection.profile_url)?;
            let at = connection.connected_at;
            connected
                .entry(lead)
                .and_modify(|t| *t = (*t).min(at))
                .or_insert(at);
            outcome.connections_added += store_connection(&mut tx, ws, account, lead, at).await?;
        }
        let mut sent = Sent::load(&mut tx, ws, account).await?;
        let mut invitations: Vec<&HistoryInvitation> = history.invitations.iter().collect();
        invitations.sort_by_key(|i| i.sent_at);
        for invitation in invitations {
            let lead = lead_of(&invitation.profile_url)?;
            sent.merge(&mut tx, ws, account, lead, invitation, &mut outcome)
                .await?;
        }
        for (lead, connected_at) in &connected {
            for stored in sent.to(*lead) {
                let stale = matches!(
                    stored.state,
                    InvitationState::Pending | InvitationState::Vanished
                );
                if stale && *connected_at + CONNECTED_SLACK >= stored.sent_at {
                    let at = (*connected_at).max(stored.sent_at);
                    if transition(&mut tx, stored, InvitationEvent::Accept, at).await? {
                        outcome.invitations_accepted += 1;
                    }
                }
            }
        }
        if outcome.changed() {
            record_event(&mut tx, ws, account, &history.list, &outcome, now).await?;
        }
        commit(tx).await?;
        Ok(outcome)
    }

    pub(crate) async fn connections_impl(
        &self,
        ws: WorkspaceId,
        account: AccountId,
    ) -> Result<Vec<StoredConnection>, StoreError> {
        let mut c = self.conn().await?;
        rows(
            &mut c,
            sqlx::query(
                "SELECT lead_id, connected_at FROM connections
                  WHERE workspace_id = $1 AND account_id = $2 ORDER BY lead_id",
            )
            .bind(ws.get())
            .bind(account.get()),
            |row| {
                Ok(StoredConnection {
                    lead_id: LeadId(col(row, "connection", "lead_id")?),
                    connected_at: col_ts(row, "connection", "connected_at")?,
                })
            },
        )
        .await
    }
}

/// Stores the history's people (and a bare lead for anyone its connections or invitations
/// name without data), puts them on its list, and returns their lead ids by slug.
async fn store_people(
    tx: &mut PgConnection,
    ws: WorkspaceId,
    history: &AccountHistory,
    now: Timestamp,
    outcome: &mut HistoryOutcome,
) -> Result<HashMap<String, LeadId>, StoreError> {
    let list = list_id(tx, ws, &history.list, now).await?;
    let named = history
        .connections
        .iter()
        .map(|c| &c.profile_url)
        .chain(history.invitations.iter().map(|i| &i.profile_url))
        .map(|url| NewLead::new(url.clone()));
    // The given data first, so that it wins over the bare leads (and the earlier row over a
    // later one about the same person).
    let mut merged: Vec<NewLead> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for person in history.people.iter().cloned().chain(named) {
        match index.get(person.profile_url.slug()) {
            Some(&at) => {
                if let Some(earlier) = merged.get_mut(at) {
                    earlier.fill_from(&person);
                }
            }
            None => {
                index.insert(person.profile_url.slug().to_owned(), merged.len());
                merged.push(person);
            }
        }
    }
    let mut ids = HashMap::with_capacity(merged.len());
    for person in &merged {
        let id = store_person(tx, ws, person, now, outcome).await?;
        exec(
            tx,
            sqlx::query(
                "INSERT INTO lead_list_members (list_id, lead_id) VALUES ($1, $2)
                 ON CONFLICT DO NOTHING",
            )
            .bind(list)
            .bind(id.get()),
            unavailable,
        )
        .await?;
        ids.insert(person.profile_url.slug().to_owned(), id);
    }
    crate::erasure::suppress_erased(tx, ws, merged.iter(), now).await?;
    Ok(ids)
}

/// Inserts a new person, or fills the empty fields of a stored one; returns the lead's id.
async fn store_person(
    tx: &mut PgConnection,
    ws: WorkspaceId,
    person: &NewLead,
    now: Timestamp,
    outcome: &mut HistoryOutcome,
) -> Result<LeadId, StoreError> {
    let stored = row(
        tx,
        sqlx::query(concat!(
            "SELECT ",
            lead_columns!(),
            " FROM leads WHERE workspace_id = $1 AND profile_url = $2"
        ))
        .bind(ws.get())
        .bind(person.profile_url.as_url()),
        decode_lead,
    )
    .await?;
    let Some(stored) = stored else {
        outcome.leads.imported += 1;
        return write_lead(tx, ws, person, now).await;
    };
    let mut filled = stored.data.clone();
    filled.fill_from(person);
    if filled == stored.data {
        outcome.leads.unchanged += 1;
        return Ok(stored.id);
    }
    outcome.leads.updated += 1;
    write_lead(tx, ws, &filled, now).await
}

/// Inserts a lead, or replaces the data of the stored one with the same URL; returns its id.
async fn write_lead(
    tx: &mut PgConnection,
    ws: WorkspaceId,
    lead: &NewLead,
    now: Timestamp,
) -> Result<LeadId, StoreError> {
    let url = lead.profile_url.as_url();
    let id: i64 = found(
        row_or(
            tx,
            sqlx::query(
                "INSERT INTO leads (workspace_id, profile_url, first_name, last_name, headline,
                                    company, position, location, email, custom, tags, created_at,
                                    updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
                 ON CONFLICT (workspace_id, profile_url) DO UPDATE SET
                     first_name = excluded.first_name, last_name = excluded.last_name,
                     headline = excluded.headline, company = excluded.company,
                     position = excluded.position, location = excluded.location,
                     email = excluded.email, custom = excluded.custom, tags = excluded.tags,
                     updated_at = excluded.updated_at
                 RETURNING id",
            )
            .bind(ws.get())
            .bind(&url)
            .bind(lead.first_name.as_deref())
            .bind(lead.last_name.as_deref())
            .bind(lead.headline.as_deref())
            .bind(lead.company.as_deref())
            .bind(lead.position.as_deref())
            .bind(lead.location.as_deref())
            .bind(lead.email.as_deref())
            .bind(to_json("lead", &lead.custom)?)
            .bind(to_json("lead", &lead.tags)?)
            .bind(ms(now)),
            db_err("lead", &url),
            |row| col(row, "lead", "id"),
        )
        .await?,
        "lead",
        &url,
    )?;
    Ok(LeadId(id))
}

/// The id of the named list, created when missing.
async fn list_id(
    tx: &mut PgConnection,
    ws: WorkspaceId,
    name: &str,
    now: Timestamp,
) -> Result<i64, StoreError> {
    exec(
        tx,
        sqlx::query(
            "INSERT INTO lead_lists (workspace_id, name, created_at) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
        )
        .bind(ws.get())
        .bind(name)
        .bind(ms(now)),
        unavailable,
    )
    .await?;
    found(
        scalar(
            tx,
            sqlx::query("SELECT id FROM lead_lists WHERE workspace_id = $1 AND name = $2")
                .bind(ws.get())
                .bind(name),
        )
        .await?,
        "lead list",
        name,
    )
}

/// Stores a connection, or moves a stored one's date earlier; 1 when it is new.
async fn store_connection(
    tx: &mut PgConnection,
    ws: WorkspaceId,
    account: AccountId,
    lead: LeadId,
    at: Timestamp,
) -> Result<u64, StoreError> {
    let added = exec(
        tx,
        sqlx::query(
            "INSERT INTO connections (workspace_id, account_id, lead_id, connected_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(ws.get())
        .bind(account.get())
        .bind(lead.get())
        .bind(ms(at)),
        unavailable,
    )
    .await?;
    if added == 0 {
        exec(
            tx,
            sqlx::query(
                "UPDATE connections SET connected_at = $3
                  WHERE account_id = $1 AND lead_id = $2 AND connected_at > $3",
            )
            .bind(account.get())
            .bind(lead.get())
            .bind(ms(at)),
            unavailable,
        )
        .await?;
    }
    Ok(added)
}

/// The account's stored invitations by person, kept up to date as the history merges in.
#[derive(Debug)]
struct Sent {
    by_lead: HashMap<LeadId, Vec<Invitation>>,
}

impl Sent {
    async fn load(
        tx: &mut PgConnection,
        ws: WorkspaceId,
        account: AccountId,
    ) -> Result<Self, StoreError> {
        let all = rows(
            tx,
            sqlx::query(concat!(
                "SELECT ",
                invitation_columns!(),
                " FROM invitations WHERE workspace_id = $1 AND account_id = $2 ORDER BY id"
            ))
            .bind(ws.get())
            .bind(account.get()),
            decode_invitation,
        )
        .await?;
        let mut by_lead: HashMap<LeadId, Vec<Invitation>> = HashMap::new();
        for invitation in all {
            by_lead
                .entry(invitation.lead_id)
                .or_default()
                .push(invitation);
        }
        Ok(Sent { by_lead })
    }

    fn to(&mut self, lead: LeadId) -> &mut [Invitation] {
        self.by_lead
            .get_mut(&lead)
            .map(Vec::as_mut_slice)
            .unwrap_or_default()
    }

    /// Merges one invitation of the history into what is stored (see `Store::import_history`).
    async fn merge(
        &mut self,
        tx: &mut PgConnection,
        ws: WorkspaceId,
        account: AccountId,
        lead: LeadId,
        invitation: &HistoryInvitation,
        outcome: &mut HistoryOutcome,
    ) -> Result<(), StoreError> {
        let stored = self.by_lead.entry(lead).or_default();
        let sent_at = invitation.sent_at;
        if let Some(same) = stored
            .iter_mut()
            .find(|i| i.sent_at.duration_since(sent_at).abs() < SAME_SENDING)
        {
            if let Some(accepted_at) = invitation.accepted_at
                && matches!(
                    same.state,
                    InvitationState::Pending | InvitationState::Vanished
                )
            {
                let at = accepted_at.max(same.sent_at);
                if transition(tx, same, InvitationEvent::Accept, at).await? {
                    outcome.invitations_accepted += 1;
                }
            }
            return Ok(());
        }
        for older in stored
            .iter_mut()
            .filter(|i| i.state == InvitationState::Pending && i.sent_at < sent_at)
        {
            if transition(tx, older, InvitationEvent::Vanish, sent_at).await? {
                outcome.invitations_superseded += 1;
            }
        }
        let newer = stored
            .iter()
            .filter(|i| i.state == InvitationState::Pending && i.sent_at > sent_at)
            .map(|i| i.sent_at)
            .min();
        let (state, resolved_at) = match (invitation.accepted_at, newer) {
            (Some(at), _) => (InvitationState::Accepted, Some(at.max(sent_at))),
            (None, Some(newer)) => (InvitationState::Vanished, Some(newer)),
            (None, None) => (InvitationState::Pending, None),
        };
        let key = format!("account {account} to lead {lead}");
        let inserted = found(
            row_or(
                tx,
                sqlx::query(concat!(
                    "INSERT INTO invitations
                        (workspace_id, account_id, lead_id, note, sent_at, state, resolved_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)
                     RETURNING ",
                    invitation_columns!()
                ))
                .bind(ws.get())
                .bind(account.get())
                .bind(lead.get())
                .bind(invitation.note.as_deref())
                .bind(ms(sent_at))
                .bind(state.as_str())
                .bind(resolved_at.map(ms)),
                db_err("pending invitation", &key),
                decode_invitation,
            )
            .await?,
            "invitation",
            &key,
        )?;
        stored.push(inserted);
        outcome.invitations_added += 1;
        Ok(())
    }
}

/// Applies `event` to a stored invitation at `at` when the state machine allows it; whether
/// it did.
async fn transition(
    tx: &mut PgConnection,
    invitation: &mut Invitation,
    event: InvitationEvent,
    at: Timestamp,
) -> Result<bool, StoreError> {
    if invitation.transition(event, at).is_err() {
        return Ok(false);
    }
    crate::invitations::store_state(tx, invitation).await?;
    Ok(true)
}

async fn record_event(
    tx: &mut PgConnection,
    ws: WorkspaceId,
    account: AccountId,
    list: &str,
    outcome: &HistoryOutcome,
    now: Timestamp,
) -> Result<(), StoreError> {
    let data = serde_json::json!({
        "list": list,
        "leads_imported": outcome.leads.imported,
        "leads_updated": outcome.leads.updated,
        "connections_added": outcome.connections_added,
        "invitations_added": outcome.invitations_added,
        "invitations_accepted": outcome.invitations_accepted,
        "invitations_superseded": outcome.invitations_superseded,
    });
    exec(
        tx,
        sqlx::query(
            "INSERT INTO events (workspace_id, kind, at, account_id, data)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(ws.get())
        .bind(EventKind::HistoryImported.as_str())
        .bind(ms(now))
        .bind(account.get())
        .bind(data.to_string()),
        db_err(WHAT, account),
    )
    .await?;
    Ok(())
}
