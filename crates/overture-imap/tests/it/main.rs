//! The crate's one integration-test binary.

mod classify;
mod dovecot;
mod mailbox;
mod url;
