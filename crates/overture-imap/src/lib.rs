//! Inbound mail for the email channel: what arrived in a mailbox, classified as a reply, an
//! out-of-office answer, a bounce or an unsubscribe request, and whether an email we may have
//! sent is in the mailbox's Sent folder.
//!
//! Two halves:
//!
//! - [`classify`] (pure: no IO, no clock) turns the raw bytes of one message into an
//!   [`InboundEmail`](overture_channel::InboundEmail). Its rules are documented on the function
//!   and in `docs/email-inbound.md`.
//! - [`ImapMailbox`] talks IMAP over TLS (implicit TLS or STARTTLS, never plain text):
//!   [`ImapMailbox::inbound_since`] reads the INBOX by UID from a cursor and classifies each
//!   message; [`ImapMailbox::find_sent`] searches the Sent folder for a `Message-ID`, which is
//!   how a send that may or may not have happened before a crash is reconciled.
//!
//! The crate depends on the channel port (`overture-channel`) and the clock; it must not depend
//! on the engine, a store or the SMTP side, and it reads no configuration or environment: the
//! caller passes an [`ImapUrl`] and the password as a secret. The password never appears in a
//! log line, an error or `Debug` output.

mod classify;
mod cursor;
mod imap_mailbox;
mod imap_url;
mod tls;

pub use classify::{ClassifyError, UNSUBSCRIBE_PREFIX, classify, return_date};
pub use cursor::Cursor;
pub use imap_mailbox::{DEFAULT_LOOKBACK_DAYS, DEFAULT_PAGE_SIZE, ImapMailbox};
pub use imap_url::{ImapUrl, ImapUrlError, Security};
