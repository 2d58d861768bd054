//! overture-store-sqlite
