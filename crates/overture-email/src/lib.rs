//! Outbound email for Overture: the message for an
//! [`EmailRequest`](overture_channel::EmailRequest), its DKIM signature, and sending it over
//! SMTP with the server's answers classified into the channel port's errors.
//!
//! - [`compose`] builds the message: plain text with an optional footer after a `-- ` line,
//!   an optional HTML alternative (`multipart/alternative`), a `Date` from the caller's clock,
//!   a `Message-ID` derived from the effect's idempotency key ([`message_id`], so a message
//!   can be found again after a crash), `In-Reply-To` and `References` when threading, and the
//!   RFC 8058 one-click unsubscribe headers ([`unsubscribe_headers`]).
//! - [`DkimKey`] generates RSA-2048 or Ed25519 keys for a domain and selector, keeps the
//!   private key as text to store, gives the DNS TXT record to publish
//!   ([`DkimKey::dns_record`]) and signs [`SIGNED_HEADERS`], which include
//!   `List-Unsubscribe` and `List-Unsubscribe-Post`.
//! - [`SmtpMailer`] sends through the server of an [`SmtpUrl`] (`smtps://` implicit TLS, or
//!   `smtp://` with required STARTTLS), logging in with a password that never appears in
//!   `Debug`, logs or errors; one connection per email, each step under a timeout.
//! - [`classify::classify`] is the pure function from an SMTP failure (reply code, enhanced
//!   status code, phase of the transaction) to a
//!   [`ChannelError`](overture_channel::ChannelError); `docs/email.md` tabulates it.
//!
//! - [`MailboxChannel`] is an email account's `Channel`: it sends through [`SmtpMailer`] (and
//!   can save a copy in the Sent folder), finds a lost answer's email in the Sent folder by
//!   its `Message-ID`, and reads new mail through `overture_imap::ImapMailbox`;
//!   [`MailboxChannels`] hands each account's channel to the engine.
//!
//! It depends on the channel port, the core, the clock and `overture-imap`; it reads no files
//! or environment, and time only through the clock it is given.

pub mod classify;
mod compose;
mod dkim;
mod mailbox_channel;
mod smtp_mailer;
mod smtp_url;

pub use compose::{
    ComposeError, LIST_UNSUBSCRIBE, LIST_UNSUBSCRIBE_POST, ONE_CLICK, Sender, UnsubscribeConfig,
    compose, message_id, unsubscribe_headers,
};
pub use dkim::{DkimAlgorithm, DkimError, DkimKey, RSA_BITS, SIGNED_HEADERS};
pub use lettre::Message;
pub use lettre::message::Mailbox;
pub use mailbox_channel::{MailboxChannel, MailboxChannels};
pub use smtp_mailer::{
    DEFAULT_COMMAND_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, MailerError, SmtpConfig, SmtpMailer,
};
pub use smtp_url::{SmtpSecurity, SmtpUrl, SmtpUrlError};
