//! The user's own LinkedIn data export ("Get a copy of your data"): finding its files in a zip
//! or a folder, parsing them across the eras and spreadsheet re-saves they come in, and the
//! analysis of pending invitations, acceptance, growth and conversations.
//!
//! Each file is found by its name without regard to case; its header row is found by its
//! content (newer `Connections.csv` files start with a note), columns are mapped by name, and
//! columns that come and go between eras are optional. Each file has its own date parser
//! ([`dates`]). A problem names the file, the line and the field, and nothing panics on any
//! input.
//!
//! Nothing here reads the clock or the environment: the caller passes `now` and the time zone
//! in which the export's `Sent At` times are read. Only [`ExportFiles::read_path`] reads files.

mod analysis;
mod connections;
pub mod dates;
mod error;
mod files;
mod invitations;
mod messages;
mod names;
mod parse;
mod profile;
pub mod sample;
mod table;
mod withdraw_list;

pub use analysis::{
    Analysis, AnalysisOptions, ConnectionStats, DEFAULT_WITHDRAW_AFTER_DAYS, IncomingStats,
    InvitationStats, MessageStats, OLDEST_SHOWN, OutgoingStats, Owner, OwnerSource,
    PendingInvitation, REINVITE_COOLDOWN_DAYS, Withdrawal, age_days, analyze,
};
pub use connections::Connection;
pub use error::{ExportError, FieldProblem};
pub use files::{ExportFile, ExportFiles, FileKind, MAX_FILE_BYTES};
pub use invitations::{Direction, Invitation};
pub use messages::{Conversation, Sender};
pub use names::{Match, Matches, NameKey, match_invitations};
pub use parse::{LinkedInExport, parse_export};
pub use profile::ProfileName;
pub use withdraw_list::write_withdraw_list;
