//! `Invitations.csv`: recent and still-pending invitations, sent and received.
//!
//! Header `From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl`; the two URL
//! columns exist since late 2023. `Sent At` is a clock time without a zone
//! (`1/29/26, 2:37 PM`), read in the zone the caller gives.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use overture_core::{NewLead, ProfileUrl};
use serde::Serialize;

use crate::export::dates::{self, SENT_AT_FORMS};
use crate::export::error::{ExportError, FieldProblem};
use crate::export::table::{Column, Table};

const FROM: usize = 0;
const TO: usize = 1;
const SENT_AT: usize = 2;
const MESSAGE: usize = 3;
const DIRECTION: usize = 4;
const INVITER_URL: usize = 5;
const INVITEE_URL: usize = 6;

const COLUMNS: [Column; 7] = [
    Column::required("From"),
    Column::required("To"),
    Column::required("Sent At"),
    Column::optional("Message", &[]),
    Column::required("Direction"),
    Column::optional("inviterProfileUrl", &["inviterurl"]),
    Column::optional("inviteeProfileUrl", &["inviteeurl"]),
];

/// Who sent an invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The owner received it.
    Incoming,
    /// The owner sent it.
    Outgoing,
}

/// One row of `Invitations.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    /// The physical line where the row starts, 1-based.
    pub line: u64,
    /// `From`: the inviter's name as the export writes it.
    pub from: String,
    /// `To`: the invitee's name as the export writes it.
    pub to: String,
    /// `Sent At`, read in the caller's zone.
    pub sent_at: Timestamp,
    /// `Message`: the note, when one was sent.
    pub message: Option<String>,
    /// `Direction`.
    pub direction: Direction,
    /// `inviterProfileUrl`, normalised, when the file has it.
    pub inviter_url: Option<ProfileUrl>,
    /// `inviteeProfileUrl`, normalised, when the file has it.
    pub invitee_url: Option<ProfileUrl>,
}

impl Invitation {
    /// The other person's name (the invitee of an outgoing invitation, the inviter of an
    /// incoming one), as the export writes it.
    pub fn other_name(&self) -> &str {
        match self.direction {
            Direction::Outgoing => &self.to,
            Direction::Incoming => &self.from,
        }
    }

    /// The other person's profile URL, when the export has it.
    pub fn other_url(&self) -> Option<&ProfileUrl> {
        match self.direction {
            Direction::Outgoing => self.invitee_url.as_ref(),
            Direction::Incoming => self.inviter_url.as_ref(),
        }
    }

    /// The other person as a lead, their name split into first and last the way lead import
    /// splits a full name; `None` without a profile URL.
    pub fn other_lead(&self) -> Option<NewLead> {
        let mut lead = NewLead::new(self.other_url()?.clone());
        let (first, last) = crate::row::split_full_name(self.other_name());
        lead.first_name = first.map(str::to_owned);
        lead.last_name = last.map(str::to_owned);
        Some(lead)
    }
}

/// The rows of `Invitations.csv`, `Sent At` read in `tz`.
pub(crate) fn read_invitations(
    file: &str,
    bytes: &[u8],
    tz: &TimeZone,
) -> Result<Vec<Invitation>, ExportError> {
    let mut table = Table::open(file, "Invitations.csv", bytes, &COLUMNS)?;
    let mut invitations = Vec::new();
    while table.next_row()? {
        let direction = match table.text(DIRECTION)? {
            d if d.eq_ignore_ascii_case("OUTGOING") => Direction::Outgoing,
            d if d.eq_ignore_ascii_case("INCOMING") => Direction::Incoming,
            "" => return Err(table.field_error(DIRECTION, FieldProblem::Empty)),
            other => {
                let value = other.to_owned();
                return Err(table.field_error(DIRECTION, FieldProblem::Direction { value }));
            }
        };
        invitations.push(Invitation {
            line: table.line(),
            from: table.text(FROM)?.to_owned(),
            to: table.text(TO)?.to_owned(),
            sent_at: table.date(SENT_AT, SENT_AT_FORMS, |t| dates::sent_at(t, tz))?,
            message: table.optional(MESSAGE)?,
            direction,
            inviter_url: table.profile_url(INVITER_URL)?,
            invitee_url: table.profile_url(INVITEE_URL)?,
        });
    }
    Ok(invitations)
}
