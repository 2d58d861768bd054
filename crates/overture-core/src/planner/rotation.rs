//! Sender rotation: which of a campaign's accounts takes each new lead.

use crate::ids::{AccountId, LeadId};

/// Assigns each lead, in order, to the least-loaded account; ties go to the account listed
/// first. `loads` are the campaign's accounts in campaign order with the number of open
/// enrollments each carries now. Deterministic: the same input gives the same assignment.
///
/// Returns nothing when there are no accounts.
pub fn assign_senders(loads: &[(AccountId, u64)], leads: &[LeadId]) -> Vec<(LeadId, AccountId)> {
    let mut loads = loads.to_vec();
    let mut out = Vec::with_capacity(leads.len());
    for &lead in leads {
        let Some(slot) = loads
            .iter_mut()
            .enumerate()
            .min_by_key(|(i, (_, load))| (*load, *i))
            .map(|(_, slot)| slot)
        else {
            return Vec::new();
        };
        slot.1 += 1;
        out.push((lead, slot.0));
    }
    out
}
