//! Overture's scale-out store: [`PostgresStore`], the `overture_store::Store` port on a
//! PostgreSQL database, for several engines (or `serve` processes) sharing one database.
//!
//! The schema comes from the embedded migrations in `migrations/`, with the same file names
//! as the SQLite store's, translated: BIGINT Unix milliseconds for timestamps, identity ids,
//! JSON kept as text (both stores read and write it the same way). SQL stays inline in the
//! method that uses it, one file per resource; every change of more than one row is one
//! transaction. Claims (`claim_due_actions`, webhook deliveries) lock with
//! `FOR UPDATE SKIP LOCKED`, so workers on several machines claim at once and never take the
//! same row; writes of a claimed action lock its row and check its fence. Triggers notify
//! channel `overture_work` when work is queued, and each store keeps one connection that
//! listens to it (`work_notify`), so idle workers wake at once.
//!
//! Nothing outside this crate sees a `sqlx` type: every failure becomes a
//! `overture_store::StoreError`. This crate must not depend on the engine, the server or any
//! other backend.

mod account_leases;
mod accounts;
mod actions;
mod backoffs;
mod campaigns;
mod changes;
mod effects;
mod enrollments;
mod erasure;
mod events;
mod history;
mod invitations;
mod leads;
mod postgres_store;
mod secrets;
mod store_impl;
mod suppressions;
mod users;
mod variants;
mod webhooks;
mod work_notify;

#[cfg(feature = "testing")]
pub mod testing;

pub use postgres_store::{PostgresOptions, PostgresStore};
