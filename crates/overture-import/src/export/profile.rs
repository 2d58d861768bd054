//! `Profile.csv`: the owner's own profile, one row under a header that starts
//! `First Name,Last Name,Maiden Name,Address,Birth Date,Headline,...`. Only the name is read:
//! it names the export's owner.

use crate::export::error::ExportError;
use crate::export::table::{Column, Table};

const COLUMNS: [Column; 2] = [
    Column::required("First Name"),
    Column::required("Last Name"),
];

/// The owner's name from `Profile.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileName {
    /// `First Name`.
    pub first_name: String,
    /// `Last Name`.
    pub last_name: String,
}

impl ProfileName {
    /// First and last name, joined by a space.
    pub fn full(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_owned()
    }
}

/// The name on the first row of `Profile.csv`; `None` when it has no row with a name.
pub(crate) fn read_profile(file: &str, bytes: &[u8]) -> Result<Option<ProfileName>, ExportError> {
    let mut table = Table::open(file, "Profile.csv", bytes, &COLUMNS)?;
    while table.next_row()? {
        let name = ProfileName {
            first_name: table.text(0)?.to_owned(),
            last_name: table.text(1)?.to_owned(),
        };
        if !name.full().is_empty() {
            return Ok(Some(name));
        }
    }
    Ok(None)
}
