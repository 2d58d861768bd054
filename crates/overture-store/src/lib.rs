//! overture-store
