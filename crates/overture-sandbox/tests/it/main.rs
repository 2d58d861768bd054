//! Integration tests of the sandbox network through the Channel port.

mod determinism;
mod faults;
mod helpers;
mod log;
mod messages;
mod paging;
mod params;
mod properties;
mod rules;
mod timing;
