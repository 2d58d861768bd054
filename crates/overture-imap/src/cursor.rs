//! Where the INBOX was last read: `UIDVALIDITY:LASTUID`.

use std::fmt;
use std::str::FromStr;

/// A position in the INBOX: the mailbox's `UIDVALIDITY` and the last UID read. Written as
/// `UIDVALIDITY:LASTUID` (`1796565315:42`), the form [`InboundPage::cursor`] carries.
///
/// [`InboundPage::cursor`]: overture_channel::InboundPage::cursor
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// The mailbox's `UIDVALIDITY`; when the server reports another, every UID changed meaning.
    pub uid_validity: u32,
    /// The highest UID already read.
    pub last_uid: u32,
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.uid_validity, self.last_uid)
    }
}

impl FromStr for Cursor {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            format!(
                "IMAP cursor {s:?} is not UIDVALIDITY:LASTUID; pass no cursor to read the \
                 recent mail again"
            )
        };
        let (validity, last) = s.split_once(':').ok_or_else(bad)?;
        Ok(Cursor {
            uid_validity: validity.parse().map_err(|_| bad())?,
            last_uid: last.parse().map_err(|_| bad())?,
        })
    }
}
