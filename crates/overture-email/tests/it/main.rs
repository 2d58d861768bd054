//! overture-email against a real SMTP server (Python's aiosmtpd) on loopback, and its DKIM
//! signatures against an independent verifier (Python's dkimpy).

mod dkim;
mod failures;
mod fallback;
mod send;
mod server;
