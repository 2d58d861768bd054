//! Integration tests of the webhook outbox: a receiver on loopback, a SQLite store on a
//! temporary file, a manual clock, and signatures checked by Python's `standardwebhooks`.

mod delivery;
mod guard;
mod receiver;
mod secrets;
