//! overture-campaign
