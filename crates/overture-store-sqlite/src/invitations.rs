//! Invitations and re-invite cooldowns.

use jiff::Timestamp;
use overture_core::{
    AccountId, CampaignId, Cooldown, Invitation, InvitationEvent, InvitationId, LeadId, WorkspaceId,
};
use overture_store::{InvitationQuery, NewInvitation, StoreError};
use rusqlite::{Connection, Row, params};

use crate::sqlite_store::{
    SqliteStore, col, col_opt_ts, col_parse, col_ts, db_err, exec, found, from_ms, limit, ms, row,
    row_or, rows, scalar,
};

const WHAT: &str = "invitation";

/// The columns `decode` reads, as a literal for `concat!` (the other modules that decode
/// invitations use it too).
macro_rules! invitation_columns {
    () => {
        "id, workspace_id, account_id, lead_id, campaign_id, external_id, note, sent_at, state, \
         resolved_at"
    };
}
pub(crate) use invitation_columns;

/// An invitation from a row with the invitation columns (the engine's look-ups read it too).
pub(crate) fn decode(row: &Row<'_>) -> Result<Invitation, StoreError> {
    Ok(Invitation {
        id: InvitationId(col(row, WHAT, "id")?),
        workspace_id: WorkspaceId(col(row, WHAT, "workspace_id")?),
        account_id: AccountId(col(row, WHAT, "account_id")?),
        lead_id: LeadId(col(row, WHAT, "lead_id")?),
        campaign_id: col::<Option<i64>>(row, WHAT, "campaign_id")?.map(CampaignId),
        external_id: col(row, WHAT, "external_id")?,
        note: col(row, WHAT, "note")?,
        sent_at: col_ts(row, WHAT, "sent_at")?,
        state: col_parse(row, WHAT, "state")?,
        resolved_at: col_opt_ts(row, WHAT, "resolved_at")?,
    })
}

/// Fails with `NotFound` unless the account, the lead and (when given) the campaign belong to
/// the workspace.
pub(crate) fn require_owned(
    conn: &Connection,
    ws: WorkspaceId,
    account: AccountId,
    lead: Option<LeadId>,
    campaign: Option<CampaignId>,
) -> Result<(), StoreError> {
    let (has_account, has_lead, has_campaign) = found(
        row(
            conn,
            "SELECT EXISTS (SELECT 1 FROM accounts WHERE id = ?2 AND workspace_id = ?1) AS account,
                    (?3 IS NULL OR EXISTS
                        (SELECT 1 FROM leads WHERE id = ?3 AND workspace_id = ?1)) AS lead,
                    (?4 IS NULL OR EXISTS
                        (SELECT 1 FROM campaigns WHERE id = ?4 AND workspace_id = ?1)) AS campaign",
            params![
                ws.get(),
                account.get(),
                lead.map(LeadId::get),
                campaign.map(CampaignId::get),
            ],
            |row| {
                Ok((
                    col::<bool>(row, WHAT, "account")?,
                    col::<bool>(row, WHAT, "lead")?,
                    col::<bool>(row, WHAT, "campaign")?,
                ))
            },
        )?,
        WHAT,
        "ownership",
    )?;
    if !has_account {
        return Err(StoreError::not_found("account", account));
    }
    if !has_lead {
        return Err(StoreError::not_found("lead", lead.map_or(0, LeadId::get)));
    }
    if !has_campaign {
        return Err(StoreError::not_found(
            "campaign",
            campaign.map_or(0, CampaignId::get),
        ));
    }
    Ok(())
}

/// The statement of one page of invitations with the filters of `query`.
///
/// Only the filters given appear in it (an absent one binds NULL to a parameter no condition
/// reads), so that SQLite pages through the index that matches them in id order: an optional
/// condition (`?2 IS NULL OR …`) can use no index, and every invitation of the workspace
/// would be read and sorted for each page.
pub(crate) fn list_sql(query: &InvitationQuery) -> String {
    let filter = |given: bool, condition: &'static str, absent: &'static str| {
        if given { condition } else { absent }
    };
    format!(
        concat!(
            "SELECT ",
            invitation_columns!(),
            " FROM invitations WHERE workspace_id = ?1 AND {} AND {} AND {} AND {}
              ORDER BY id LIMIT ?5"
        ),
        filter(query.account.is_some(), "account_id = ?2", "?2 IS NULL"),
        filter(query.state.is_some(), "state = ?3", "?3 IS NULL"),
        filter(query.sent_before.is_some(), "sent_at < ?4", "?4 IS NULL"),
        filter(query.after.is_some(), "id > ?6", "?6 IS NULL"),
    )
}

impl SqliteStore {
    pub(crate) fn record_invitation_impl(
        &self,
        new: NewInvitation,
    ) -> Result<Invitation, StoreError> {
        let ws = new.workspace_id;
        let key = format!("account {} to lead {}", new.account_id, new.lead_id);
        self.write(|tx| {
            require_owned(tx, ws, new.account_id, Some(new.lead_id), new.campaign_id)?;
            found(
                row_or(
                    tx,
                    concat!(
                        "INSERT INTO invitations
                            (workspace_id, account_id, lead_id, campaign_id, external_id, note,
                             sent_at, state)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending')
                         RETURNING ",
                        invitation_columns!()
                    ),
                    params![
                        ws.get(),
                        new.account_id.get(),
                        new.lead_id.get(),
                        new.campaign_id.map(CampaignId::get),
                        new.external_id.as_deref(),
                        new.note.as_deref(),
                        ms(new.sent_at),
                    ],
                    db_err("pending invitation", &key),
                    decode,
                )?,
                WHAT,
                &key,
            )
        })
    }

    pub(crate) fn transition_invitation_impl(
        &self,
        ws: WorkspaceId,
        id: InvitationId,
        event: InvitationEvent,
        at: Timestamp,
    ) -> Result<Invitation, StoreError> {
        self.write(|tx| {
            let mut invitation = found(
                row(
                    tx,
                    concat!(
                        "SELECT ",
                        invitation_columns!(),
                        " FROM invitations WHERE workspace_id = ?1 AND id = ?2"
                    ),
                    [ws.get(), id.get()],
                    decode,
                )?,
                WHAT,
                id,
            )?;
            invitation
                .transition(event, at)
                .map_err(|e| StoreError::conflict(WHAT, e))?;
            exec(
                tx,
                "UPDATE invitations SET state = ?2, resolved_at = ?3 WHERE id = ?1",
                params![
                    id.get(),
                    invitation.state.as_str(),
                    invitation.resolved_at.map(ms)
                ],
                db_err(WHAT, id),
            )?;
            Ok(invitation)
        })
    }

    pub(crate) fn list_invitations_impl(
        &self,
        ws: WorkspaceId,
        query: InvitationQuery,
    ) -> Result<Vec<Invitation>, StoreError> {
        let params = params![
            ws.get(),
            query.account.map(AccountId::get),
            query.state.map(|s| s.as_str()),
            query.sent_before.map(ms),
            limit(query.limit),
            query.after.map(InvitationId::get),
        ];
        let sql = list_sql(&query);
        self.read(|c| rows(c, &sql, params, decode))
    }

    pub(crate) fn extend_cooldown_impl(&self, cooldown: Cooldown) -> Result<Cooldown, StoreError> {
        let ws = cooldown.workspace_id;
        let stored: i64 = self.write(|tx| {
            require_owned(tx, ws, cooldown.account_id, Some(cooldown.lead_id), None)?;
            // The cooldown never gets shorter: an earlier instant leaves the stored one.
            found(
                scalar(
                    tx,
                    "INSERT INTO cooldowns (workspace_id, account_id, lead_id, reinvite_not_before)
                     VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (workspace_id, account_id, lead_id) DO UPDATE
                        SET reinvite_not_before =
                            max(cooldowns.reinvite_not_before, excluded.reinvite_not_before)
                     RETURNING reinvite_not_before",
                    [
                        ws.get(),
                        cooldown.account_id.get(),
                        cooldown.lead_id.get(),
                        ms(cooldown.reinvite_not_before),
                    ],
                )?,
                "cooldown",
                cooldown.lead_id,
            )
        })?;
        Ok(Cooldown {
            reinvite_not_before: from_ms("cooldown", stored)?,
            ..cooldown
        })
    }

    pub(crate) fn cooldown_impl(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        lead: LeadId,
    ) -> Result<Option<Cooldown>, StoreError> {
        let stored: Option<i64> = self.read(|c| {
            scalar(
                c,
                "SELECT reinvite_not_before FROM cooldowns
                 WHERE workspace_id = ?1 AND account_id = ?2 AND lead_id = ?3",
                [ws.get(), account.get(), lead.get()],
            )
        })?;
        stored
            .map(|ms| {
                Ok(Cooldown {
                    workspace_id: ws,
                    account_id: account,
                    lead_id: lead,
                    reinvite_not_before: from_ms("cooldown", ms)?,
                })
            })
            .transpose()
    }
}
