//! Leads (the people to reach) and lead lists.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::ids::{LeadId, LeadListId, WorkspaceId};
use crate::profile_url::ProfileUrl;

/// The data known about a person, before or outside the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewLead {
    /// The person's key.
    pub profile_url: ProfileUrl,
    /// Given name.
    pub first_name: Option<String>,
    /// Family name.
    pub last_name: Option<String>,
    /// LinkedIn headline.
    pub headline: Option<String>,
    /// Current company.
    pub company: Option<String>,
    /// Current position (job title).
    pub position: Option<String>,
    /// Location as written on the profile.
    pub location: Option<String>,
    /// Email address, when known.
    pub email: Option<String>,
    /// Any other columns, by their header.
    pub custom: BTreeMap<String, String>,
    /// Free-form labels.
    pub tags: BTreeSet<String>,
}

impl NewLead {
    /// A lead with only its key.
    pub fn new(profile_url: ProfileUrl) -> Self {
        Self {
            profile_url,
            first_name: None,
            last_name: None,
            headline: None,
            company: None,
            position: None,
            location: None,
            email: None,
            custom: BTreeMap::new(),
            tags: BTreeSet::new(),
        }
    }

    /// Fills this lead's empty fields from `other` (a later row about the same person).
    /// Values already present win; tags are united.
    pub fn fill_from(&mut self, other: &NewLead) {
        for (mine, theirs) in self.fields_mut().into_iter().zip(other.fields()) {
            if mine.is_none() {
                mine.clone_from(theirs);
            }
        }
        for (k, v) in &other.custom {
            self.custom.entry(k.clone()).or_insert_with(|| v.clone());
        }
        self.tags.extend(other.tags.iter().cloned());
    }

    /// Updates this lead with newer data: every value present in `newer` replaces the old one,
    /// an absent value never erases one. Returns whether anything changed.
    pub fn update_from(&mut self, newer: &NewLead) -> bool {
        let before = self.clone();
        for (mine, theirs) in self.fields_mut().into_iter().zip(newer.fields()) {
            if theirs.is_some() {
                mine.clone_from(theirs);
            }
        }
        for (k, v) in &newer.custom {
            self.custom.insert(k.clone(), v.clone());
        }
        self.tags.extend(newer.tags.iter().cloned());
        *self != before
    }

    fn fields(&self) -> [&Option<String>; 7] {
        [
            &self.first_name,
            &self.last_name,
            &self.headline,
            &self.company,
            &self.position,
            &self.location,
            &self.email,
        ]
    }

    fn fields_mut(&mut self) -> [&mut Option<String>; 7] {
        [
            &mut self.first_name,
            &mut self.last_name,
            &mut self.headline,
            &mut self.company,
            &mut self.position,
            &mut self.location,
            &mut self.email,
        ]
    }
}

/// A lead as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lead {
    /// Store key.
    pub id: LeadId,
    /// Owning workspace.
    pub workspace_id: WorkspaceId,
    /// Everything known about the person.
    #[serde(flatten)]
    pub data: NewLead,
    /// When the lead was first stored.
    pub created_at: Timestamp,
    /// When the lead last changed.
    pub updated_at: Timestamp,
}

/// A named list of leads (a lead may be on several lists).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadList {
    /// Store key.
    pub id: LeadListId,
    /// Owning workspace.
    pub workspace_id: WorkspaceId,
    /// Unique in the workspace.
    pub name: String,
    /// When the list was created.
    pub created_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lead(slug: &str) -> NewLead {
        NewLead::new(ProfileUrl::parse(&format!("linkedin.com/in/{slug}")).unwrap())
    }

    #[test]
    fn fill_from_keeps_present_values_and_fills_empty_ones() {
        let mut first = lead("ana-example");
        first.first_name = Some("Ana".into());
        let mut later = lead("ana-example");
        later.first_name = Some("Anna".into());
        later.company = Some("Example GmbH".into());
        later.custom.insert("Source".into(), "event".into());
        later.tags.insert("vip".into());

        first.fill_from(&later);
        assert_eq!(first.first_name.as_deref(), Some("Ana"));
        assert_eq!(first.company.as_deref(), Some("Example GmbH"));
        assert_eq!(
            first.custom.get("Source").map(String::as_str),
            Some("event")
        );
        assert!(first.tags.contains("vip"));
    }

    #[test]
    fn update_from_replaces_with_present_values_and_reports_change() {
        let mut stored = lead("ana-example");
        stored.company = Some("Old Co".into());
        stored.email = Some("ana@example.com".into());
        let mut newer = lead("ana-example");
        newer.company = Some("New Co".into());

        assert!(stored.update_from(&newer));
        assert_eq!(stored.company.as_deref(), Some("New Co"));
        assert_eq!(stored.email.as_deref(), Some("ana@example.com"));
        assert!(!stored.update_from(&newer), "same data twice is no change");
    }
}

/// How far a person is from a sender seat in the network, as the seat's view of their profile
/// shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Degree {
    /// Already a connection.
    First,
    /// A connection of a connection.
    Second,
    /// Further away.
    Third,
    /// Outside the network.
    OutOfNetwork,
}

crate::account::str_enum!(Degree {
    First => "first",
    Second => "second",
    Third => "third",
    OutOfNetwork => "out_of_network",
});
