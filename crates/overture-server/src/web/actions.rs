//! What the dashboard's forms change, through the same use cases as the API and the command
//! line.

use overture_core::{Campaign, CampaignStatus, Invitation, InvitationId, WorkspaceId};
use overture_store::InvitationQuery;

use super::render::WebError;
use crate::AppState;

/// Starts (`start`) or pauses (`pause`) a campaign.
pub(crate) async fn set_campaign_status(
    state: &AppState,
    campaign: &Campaign,
    to: &str,
) -> Result<(), WebError> {
    match to {
        "pause" => {
            state
                .store
                .set_campaign(campaign.workspace_id, campaign.id, CampaignStatus::Paused)
                .await?;
            Ok(())
        }
        "start" => Err(WebError::Conflict(
            "Starting a campaign from the dashboard is not available yet; run `overture campaign start NAME`.".to_owned(),
        )),
        other => Err(WebError::BadRequest(format!(
            "`to` must be start or pause, not `{other}`"
        ))),
    }
}

/// Imports an uploaded CSV onto `list`; what it did, in words.
pub(crate) async fn import_leads(
    _state: &AppState,
    _ws: WorkspaceId,
    list: &str,
    file: Option<(String, Vec<u8>)>,
) -> Result<String, WebError> {
    if list.trim().is_empty() {
        return Err(WebError::BadRequest(
            "Name the list the leads go on.".to_owned(),
        ));
    }
    if file.is_none() {
        return Err(WebError::BadRequest(
            "Choose a CSV file to upload.".to_owned(),
        ));
    }
    Err(WebError::Conflict(
        "Uploading leads from the dashboard is not available yet; run `overture leads import FILE --list NAME`.".to_owned(),
    ))
}

/// The workspace's invitation `id` (`NotFound` for another workspace's).
async fn invitation_in(
    state: &AppState,
    ws: WorkspaceId,
    id: InvitationId,
) -> Result<Invitation, WebError> {
    let query = InvitationQuery {
        after: Some(InvitationId(id.get() - 1)),
        account: None,
        state: None,
        sent_before: None,
        limit: 1,
    };
    state
        .store
        .invitations(ws, query)
        .await?
        .into_iter()
        .find(|i| i.id == id)
        .ok_or(WebError::NotFound)
}

/// Queues the withdrawal of these invitations through the governor; what it did, in words.
pub(crate) async fn withdraw(
    state: &AppState,
    ws: WorkspaceId,
    ids: &[InvitationId],
) -> Result<String, WebError> {
    let mut invitations = Vec::with_capacity(ids.len());
    for &id in ids {
        invitations.push(invitation_in(state, ws, id).await?);
    }
    Err(WebError::Conflict(
        "Withdrawing from the dashboard is not available yet; run `overture invites withdraw`."
            .to_owned(),
    ))
}
