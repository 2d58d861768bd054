//! `Connections.csv`: the owner's first-degree connections.
//!
//! Since about 2021–22 the file starts with a note (`Notes:`, a quoted sentence, a blank
//! line) before the header `First Name,Last Name,URL,Email Address,Company,Position,Connected On`;
//! `URL` exists since mid-2023. Hidden members are rows with only a date.

use jiff::civil::Date;
use overture_core::{NewLead, ProfileUrl};

use crate::export::dates::{self, CONNECTED_ON_FORMS};
use crate::export::error::ExportError;
use crate::export::table::{Column, Table};

const FIRST_NAME: usize = 0;
const LAST_NAME: usize = 1;
const URL: usize = 2;
const EMAIL: usize = 3;
const COMPANY: usize = 4;
const POSITION: usize = 5;
const CONNECTED_ON: usize = 6;

const COLUMNS: [Column; 7] = [
    Column::required("First Name"),
    Column::required("Last Name"),
    Column::optional("URL", &["profileurl", "linkedinurl"]),
    Column::optional("Email Address", &["email"]),
    Column::optional("Company", &[]),
    Column::optional("Position", &[]),
    Column::required("Connected On"),
];

/// One row of `Connections.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    /// The physical line where the row starts, 1-based.
    pub line: u64,
    /// `First Name`, trimmed (empty for hidden members).
    pub first_name: String,
    /// `Last Name`, trimmed.
    pub last_name: String,
    /// `URL`, normalised; `None` in files before mid-2023 and for hidden members.
    pub profile_url: Option<ProfileUrl>,
    /// `Email Address`, when the person lets connections see it.
    pub email: Option<String>,
    /// `Company`.
    pub company: Option<String>,
    /// `Position`.
    pub position: Option<String>,
    /// `Connected On`.
    pub connected_on: Date,
}

impl Connection {
    /// A hidden member: a row with neither name nor URL. It counts in the total but matches
    /// nobody.
    pub fn is_hidden(&self) -> bool {
        self.first_name.is_empty() && self.last_name.is_empty() && self.profile_url.is_none()
    }

    /// The person as a lead: names, company, position and a plausible email address; `None`
    /// without a profile URL (files before mid-2023, hidden members).
    pub fn to_lead(&self) -> Option<NewLead> {
        let mut lead = NewLead::new(self.profile_url.clone()?);
        let text = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        lead.first_name = text(&self.first_name);
        lead.last_name = text(&self.last_name);
        lead.company.clone_from(&self.company);
        lead.position.clone_from(&self.position);
        lead.email = self
            .email
            .clone()
            .filter(|e| crate::row::is_plausible_email(e));
        Some(lead)
    }
}

/// The rows of `Connections.csv`, and whether the file has the `URL` column.
pub(crate) fn read_connections(
    file: &str,
    bytes: &[u8],
) -> Result<(Vec<Connection>, bool), ExportError> {
    let mut table = Table::open(file, "Connections.csv", bytes, &COLUMNS)?;
    let has_urls = table.has(URL);
    let mut connections = Vec::new();
    while table.next_row()? {
        connections.push(Connection {
            line: table.line(),
            first_name: table.text(FIRST_NAME)?.to_owned(),
            last_name: table.text(LAST_NAME)?.to_owned(),
            profile_url: table.profile_url(URL)?,
            email: table.optional(EMAIL)?,
            company: table.optional(COMPANY)?,
            position: table.optional(POSITION)?,
            connected_on: table.date(CONNECTED_ON, CONNECTED_ON_FORMS, dates::connected_on)?,
        });
    }
    Ok((connections, has_urls))
}
