//! `overture export import`: the export stored as an account's history, so that `invites
//! stats`, the governor's estimate and the pending cap start from what really happened.
//!
//! Connections become the account's first-degree people and the invitations it sent are
//! stored with their states (`Store::import_history` merges them with what is stored). People
//! without a profile URL (exports before mid-2023, hidden members) cannot be keys and are
//! counted as skipped; received invitations are not the account's to govern.

use jiff::Timestamp;
use jiff::civil::Date;
use overture_core::account::Zone;
use overture_import::export::{Direction, LinkedInExport, match_invitations};
use overture_store::{AccountHistory, HistoryConnection, HistoryInvitation, Store};
use serde::Serialize;

use super::{read_export, zone_named};
use crate::cli::ExportImport;
use crate::cmd::Ctx;
use crate::cmd::invites::account_named;
use crate::error::CliResult;
use crate::output::print_json;

/// What could not be stored, and why.
#[derive(Debug, Default, Serialize)]
struct Skipped {
    /// Connection rows with only a date.
    hidden_connections: u64,
    /// Connections without a profile URL (files before mid-2023).
    connections_without_url: u64,
    /// Invitations sent without the invitee's profile URL (files before late 2023).
    invitations_without_url: u64,
    /// Invitations received: not the account's to govern.
    incoming_invitations: u64,
}

#[derive(Debug, Serialize)]
struct ImportReport {
    account: String,
    tz: String,
    list: String,
    leads_imported: u64,
    leads_updated: u64,
    leads_unchanged: u64,
    connections_added: u64,
    invitations_added: u64,
    invitations_accepted: u64,
    invitations_superseded: u64,
    skipped: Skipped,
}

pub(super) async fn run(ctx: &Ctx, args: ExportImport) -> CliResult {
    let store = ctx.store(false).await?;
    let ws = ctx.settings.workspace();
    let account = account_named(&store, ws, &args.account).await?;
    let zone = match &args.tz {
        Some(name) => zone_named(name)?,
        None => account.time_zone.clone(),
    };
    // The whole export is read and checked before anything is stored.
    let export = read_export(&args.path, &zone)?;
    let list = format!("export-{}", account.name);
    let (history, skipped) = history(&export, &zone, list.clone());
    let outcome = store
        .import_history(ws, account.id, &history, ctx.now())
        .await?;
    let report = ImportReport {
        account: account.name.clone(),
        tz: zone.name().to_owned(),
        list,
        leads_imported: outcome.leads.imported,
        leads_updated: outcome.leads.updated,
        leads_unchanged: outcome.leads.unchanged,
        connections_added: outcome.connections_added,
        invitations_added: outcome.invitations_added,
        invitations_accepted: outcome.invitations_accepted,
        invitations_superseded: outcome.invitations_superseded,
        skipped,
    };
    if args.json {
        return print_json(&report);
    }
    print(&report, &history);
    Ok(())
}

fn print(r: &ImportReport, history: &AccountHistory) {
    println!(
        "Account `{}`: {} connection(s) and {} invitation(s) you sent, read in {}.",
        r.account,
        history.connections.len(),
        history.invitations.len(),
        r.tz
    );
    println!(
        "People on the list `{}`: {} new, {} filled in, {} unchanged.",
        r.list, r.leads_imported, r.leads_updated, r.leads_unchanged
    );
    println!(
        "Stored: {} new connection(s), {} new invitation(s), {} now accepted, {} replaced by a \
         later sending.",
        r.connections_added, r.invitations_added, r.invitations_accepted, r.invitations_superseded
    );
    let s = &r.skipped;
    let mut skipped = Vec::new();
    if s.hidden_connections > 0 {
        skipped.push(format!("{} hidden member(s)", s.hidden_connections));
    }
    if s.connections_without_url > 0 {
        skipped.push(format!(
            "{} connection(s) without a profile URL",
            s.connections_without_url
        ));
    }
    if s.invitations_without_url > 0 {
        skipped.push(format!(
            "{} invitation(s) without the invitee's profile URL",
            s.invitations_without_url
        ));
    }
    if !skipped.is_empty() {
        println!(
            "Skipped {} (older exports have no URLs; download a new one to include them).",
            skipped.join(", ")
        );
    }
    println!(
        "See the history with `overture invites stats --account {}`.",
        r.account
    );
}

/// The export as the account's history: connections and sent invitations with a profile URL,
/// each invitation accepted when its invitee is a connection (from the day of the connection,
/// read in `zone`).
fn history(export: &LinkedInExport, zone: &Zone, list: String) -> (AccountHistory, Skipped) {
    let mut skipped = Skipped::default();
    let mut history = AccountHistory {
        list,
        ..AccountHistory::default()
    };
    let day_start = |date: Date| -> Timestamp {
        zone.tz()
            .to_timestamp(date.to_datetime(jiff::civil::Time::midnight()))
            // A date of the export is far from the ends of the representable range.
            .unwrap_or(Timestamp::UNIX_EPOCH)
    };
    for connection in &export.connections {
        match connection.to_lead() {
            Some(lead) => {
                history.connections.push(HistoryConnection {
                    profile_url: lead.profile_url.clone(),
                    connected_at: day_start(connection.connected_on),
                });
                history.people.push(lead);
            }
            None if connection.is_hidden() => skipped.hidden_connections += 1,
            None => skipped.connections_without_url += 1,
        }
    }
    let matches = match_invitations(
        &export.connections,
        export.connections_have_urls,
        &export.invitations,
    );
    for (invitation, found) in export.invitations.iter().zip(&matches.0) {
        if invitation.direction == Direction::Incoming {
            skipped.incoming_invitations += 1;
            continue;
        }
        let Some(lead) = invitation.other_lead() else {
            skipped.invitations_without_url += 1;
            continue;
        };
        let accepted_at = found
            .and_then(|m| export.connections.get(m.connection))
            .map(|c| day_start(c.connected_on));
        history.invitations.push(HistoryInvitation {
            profile_url: lead.profile_url.clone(),
            sent_at: invitation.sent_at,
            note: invitation.message.clone(),
            accepted_at,
        });
        history.people.push(lead);
    }
    (history, skipped)
}
