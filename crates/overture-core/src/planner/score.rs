//! The lead score: who goes first when an account's budget is scarce.

/// What is known about a lead that makes a contact more likely to land.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LeadSignals {
    /// Whether the person is a second-degree connection of the sender, when known.
    pub second_degree: Option<bool>,
    /// Connections the sender and the person share, when known.
    pub mutual_connections: Option<u32>,
    /// Whether the sender already warmed the person up (visited, followed or liked).
    pub warmed_up: bool,
}

/// The score of a lead: higher goes first among candidates of the same campaign priority.
///
/// Warmed-up people first (the sequence already invested in them), then second-degree people,
/// then more mutual connections (capped, so one very connected person does not dominate).
pub fn lead_score(signals: LeadSignals) -> u32 {
    let warm = if signals.warmed_up { 1_000 } else { 0 };
    let second = if signals.second_degree == Some(true) {
        500
    } else {
        0
    };
    let mutual = signals.mutual_connections.unwrap_or(0).min(100) * 4;
    warm + second + mutual
}
