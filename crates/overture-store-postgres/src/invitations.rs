//! Invitations and re-invite cooldowns.

use jiff::Timestamp;
use overture_core::{
    AccountId, CampaignId, Cooldown, Invitation, InvitationEvent, InvitationId, LeadId, WorkspaceId,
};
use overture_store::{InvitationQuery, NewInvitation, StoreError};
use sqlx::PgConnection;
use sqlx::postgres::PgRow;

use crate::postgres_store::{
    PostgresStore, col, col_opt_ts, col_parse, col_ts, commit, db_err, exec, found, from_ms, ms,
    row, row_or, rows, scalar,
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
pub(crate) fn decode(row: &PgRow) -> Result<Invitation, StoreError> {
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
pub(crate) async fn require_owned(
    c: &mut PgConnection,
    ws: WorkspaceId,
    account: AccountId,
    lead: Option<LeadId>,
    campaign: Option<CampaignId>,
) -> Result<(), StoreError> {
    let (has_account, has_lead, has_campaign) = found(
        row(
            c,
            sqlx::query(
                "SELECT EXISTS (SELECT 1 FROM accounts WHERE id = $2 AND workspace_id = $1) AS account,
                        ($3::BIGINT IS NULL OR EXISTS
                            (SELECT 1 FROM leads WHERE id = $3 AND workspace_id = $1)) AS lead,
                        ($4::BIGINT IS NULL OR EXISTS
                            (SELECT 1 FROM campaigns WHERE id = $4 AND workspace_id = $1)) AS campaign",
            )
            .bind(ws.get())
            .bind(account.get())
            .bind(lead.map(LeadId::get))
            .bind(campaign.map(CampaignId::get)),
            |row| {
                Ok((
                    col::<bool>(row, WHAT, "account")?,
                    col::<bool>(row, WHAT, "lead")?,
                    col::<bool>(row, WHAT, "campaign")?,
                ))
            },
        )
        .await?,
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

/// Stores the state a transition left an invitation in.
pub(crate) async fn store_state(
    c: &mut PgConnection,
    invitation: &Invitation,
) -> Result<(), StoreError> {
    exec(
        c,
        sqlx::query("UPDATE invitations SET state = $2, resolved_at = $3 WHERE id = $1")
            .bind(invitation.id.get())
            .bind(invitation.state.as_str())
            .bind(invitation.resolved_at.map(ms)),
        db_err(WHAT, invitation.id),
    )
    .await?;
    Ok(())
}

/// The statement of one page of invitations with the filters of `query`.
///
/// Only the filters given appear in it (an absent one binds NULL to a parameter no condition
/// reads): a prepared statement's generic plan cannot drop an optional condition
/// (`$2 IS NULL OR …`), so it would use no index for it and sort every invitation of the
/// workspace for each page.
fn list_sql(query: &InvitationQuery) -> String {
    let filter = |given: bool, condition: &'static str, absent: &'static str| {
        if given { condition } else { absent }
    };
    format!(
        concat!(
            "SELECT ",
            invitation_columns!(),
            " FROM invitations WHERE workspace_id = $1 AND {} AND {} AND {} AND {}
              ORDER BY id LIMIT $5"
        ),
        filter(
            query.account.is_some(),
            "account_id = $2",
            "$2::BIGINT IS NULL"
        ),
        filter(query.state.is_some(), "state = $3", "$3::TEXT IS NULL"),
        filter(
            query.sent_before.is_some(),
            "sent_at < $4",
            "$4::BIGINT IS NULL"
        ),
        filter(query.after.is_some(), "id > $6", "$6::BIGINT IS NULL"),
    )
}

impl PostgresStore {
    pub(crate) async fn record_invitation_impl(
        &self,
        new: NewInvitation,
    ) -> Result<Invitation, StoreError> {
        let ws = new.workspace_id;
        let key = format!("account {} to lead {}", new.account_id, new.lead_id);
        let mut tx = self.begin().await?;
        require_owned(
            &mut tx,
            ws,
            new.account_id,
            Some(new.lead_id),
            new.campaign_id,
        )
        .await?;
        let invitation = found(
            row_or(
                &mut tx,
                sqlx::query(concat!(
                    "INSERT INTO invitations
                        (workspace_id, account_id, lead_id, campaign_id, external_id, note,
                         sent_at, state)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending')
                     RETURNING ",
                    invitation_columns!()
                ))
                .bind(ws.get())
                .bind(new.account_id.get())
                .bind(new.lead_id.get())
                .bind(new.campaign_id.map(CampaignId::get))
                .bind(new.external_id)
                .bind(new.note)
                .bind(ms(new.sent_at)),
                db_err("pending invitation", &key),
                decode,
            )
            .await?,
            WHAT,
            &key,
        )?;
        commit(tx).await?;
        Ok(invitation)
    }

    pub(crate) async fn transition_invitation_impl(
        &self,
        ws: WorkspaceId,
        id: InvitationId,
        event: InvitationEvent,
        at: Timestamp,
    ) -> Result<Invitation, StoreError> {
        let mut tx = self.begin().await?;
        let mut invitation = found(
            row(
                &mut tx,
                sqlx::query(concat!(
                    "SELECT ",
                    invitation_columns!(),
                    " FROM invitations WHERE workspace_id = $1 AND id = $2 FOR UPDATE"
                ))
                .bind(ws.get())
                .bind(id.get()),
                decode,
            )
            .await?,
            WHAT,
            id,
        )?;
        invitation
            .transition(event, at)
            .map_err(|e| StoreError::conflict(WHAT, e))?;
        store_state(&mut tx, &invitation).await?;
        commit(tx).await?;
        Ok(invitation)
    }

    pub(crate) async fn list_invitations_impl(
        &self,
        ws: WorkspaceId,
        query: InvitationQuery,
    ) -> Result<Vec<Invitation>, StoreError> {
        let mut c = self.conn().await?;
        rows(
            &mut c,
            sqlx::query(sqlx::AssertSqlSafe(list_sql(&query)))
                .bind(ws.get())
                .bind(query.account.map(AccountId::get))
                .bind(query.state.map(|s| s.as_str()))
                .bind(query.sent_before.map(ms))
                .bind(i64::from(query.limit))
                .bind(query.after.map(InvitationId::get)),
            decode,
        )
        .await
    }

    pub(crate) async fn extend_cooldown_impl(
        &self,
        cooldown: Cooldown,
    ) -> Result<Cooldown, StoreError> {
        let ws = cooldown.workspace_id;
        let mut tx = self.begin().await?;
        require_owned(
            &mut tx,
            ws,
            cooldown.account_id,
            Some(cooldown.lead_id),
            None,
        )
        .await?;
        // The cooldown never gets shorter: an earlier instant leaves the stored one.
        let stored: i64 = found(
            scalar(
                &mut tx,
                sqlx::query(
                    "INSERT INTO cooldowns (workspace_id, account_id, lead_id, reinvite_not_before)
                     VALUES ($1, $2, $3, $4)
                     ON CONFLICT (workspace_id, account_id, lead_id) DO UPDATE
                        SET reinvite_not_before =
                            GREATEST(cooldowns.reinvite_not_before, excluded.reinvite_not_before)
                     RETURNING reinvite_not_before",
                )
                .bind(ws.get())
                .bind(cooldown.account_id.get())
                .bind(cooldown.lead_id.get())
                .bind(ms(cooldown.reinvite_not_before)),
            )
            .await?,
            "cooldown",
            cooldown.lead_id,
        )?;
        commit(tx).await?;
        Ok(Cooldown {
            reinvite_not_before: from_ms("cooldown", stored)?,
            ..cooldown
        })
    }

    pub(crate) async fn cooldown_impl(
        &self,
        ws: WorkspaceId,
        account: AccountId,
        lead: LeadId,
    ) -> Result<Option<Cooldown>, StoreError> {
        let mut c = self.conn().await?;
        let stored: Option<i64> = scalar(
            &mut c,
            sqlx::query(
                "SELECT reinvite_not_before FROM cooldowns
                 WHERE workspace_id = $1 AND account_id = $2 AND lead_id = $3",
            )
            .bind(ws.get())
            .bind(account.get())
            .bind(lead.get()),
        )
        .await?;
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
