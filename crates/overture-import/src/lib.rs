//! overture-import
