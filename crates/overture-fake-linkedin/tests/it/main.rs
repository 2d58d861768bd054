//! The fake LinkedIn over real HTTP on loopback.

mod client;
mod faults;
mod invitations;
mod messaging;
mod session;
