//! Overture's embedded default store: [`SqliteStore`], the `overture_store::Store` port on a
//! single SQLite file.
//!
//! The file runs in WAL mode with one writer: a write pool of exactly one connection whose
//! transactions start with `BEGIN IMMEDIATE`, and a small pool of readers that never block it.
//! The schema comes from the embedded migrations in `migrations/` (the PostgreSQL store uses
//! the same file names). SQL stays inline in the method that uses it, one file per resource.
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
#[cfg(test)]
mod query_plans;
mod secrets;
mod sqlite_store;
mod store_impl;
mod suppressions;
mod users;
mod variants;
mod webhooks;

pub use sqlite_store::{SqliteOptions, SqliteStore};
