//! Reading every file of an export into one value.

use jiff::tz::TimeZone;

use crate::export::connections::{Connection, read_connections};
use crate::export::error::ExportError;
use crate::export::files::{ExportFiles, FileKind};
use crate::export::invitations::{Invitation, read_invitations};
use crate::export::messages::{Conversation, read_messages};
use crate::export::profile::{ProfileName, read_profile};

/// Everything the analysis and the import use from an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedInExport {
    /// The zip or folder, as given.
    pub place: String,
    /// The files read, as named in messages, in the order read.
    pub files: Vec<String>,
    /// The owner's name from `Profile.csv`, when the export has it.
    pub profile: Option<ProfileName>,
    /// The rows of `Connections.csv`, in file order.
    pub connections: Vec<Connection>,
    /// Whether `Connections.csv` has its `URL` column (since mid-2023).
    pub connections_have_urls: bool,
    /// The rows of `Invitations.csv`, in file order.
    pub invitations: Vec<Invitation>,
    /// The conversations of `messages.csv`; `None` when the export has no such file.
    pub conversations: Option<Vec<Conversation>>,
}

/// Reads an export's files. `Connections.csv` and `Invitations.csv` must be there;
/// `messages.csv` and `Profile.csv` are read when they are. `Sent At` times are read in `tz`.
/// The first problem found is returned, naming its file, line and field.
pub fn parse_export(files: &ExportFiles, tz: &TimeZone) -> Result<LinkedInExport, ExportError> {
    // Both required files are looked for before either is read, so that a missing one is
    // reported before a problem inside the other.
    let connections_file = files.require(FileKind::Connections)?;
    let invitations_file = files.require(FileKind::Invitations)?;
    let mut read = Vec::new();
    let profile = match files.get(FileKind::Profile) {
        Some(file) => {
            read.push(file.name.clone());
            read_profile(&file.name, &file.bytes)?
        }
        None => None,
    };
    read.push(connections_file.name.clone());
    let (connections, connections_have_urls) =
        read_connections(&connections_file.name, &connections_file.bytes)?;
    read.push(invitations_file.name.clone());
    let invitations = read_invitations(&invitations_file.name, &invitations_file.bytes, tz)?;
    let conversations = match files.get(FileKind::Messages) {
        Some(file) => {
            read.push(file.name.clone());
            Some(read_messages(&file.name, &file.bytes)?)
        }
        None => None,
    };
    Ok(LinkedInExport {
        place: files.place.clone(),
        files: read,
        profile,
        connections,
        connections_have_urls,
        invitations,
        conversations,
    })
}
