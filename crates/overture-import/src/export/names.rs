//! Who is who across the files: a person is keyed by their normalised profile URL, and by
//! their full name where the export has no URL.

use std::collections::HashMap;
use std::fmt;

use crate::export::connections::Connection;
use crate::export::invitations::Invitation;

/// A full name as matching compares it: trimmed, inner white space collapsed to one space,
/// lower-cased. Never empty.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NameKey(String);

impl NameKey {
    /// The key of a full name; `None` when it is empty.
    pub fn new(full: &str) -> Option<Self> {
        let mut key = String::with_capacity(full.len());
        for word in full.split_whitespace() {
            if !key.is_empty() {
                key.push(' ');
            }
            key.extend(word.chars().flat_map(char::to_lowercase));
        }
        (!key.is_empty()).then_some(NameKey(key))
    }

    /// The key of a first and a last name, joined by a space.
    pub fn of_parts(first: &str, last: &str) -> Option<Self> {
        Self::new(&format!("{first} {last}"))
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for NameKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The connection an invitation's other person is, and how they were matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    /// The index of the connection in the export's connections.
    pub connection: usize,
    /// Matched by full name rather than by profile URL.
    pub by_name: bool,
}

/// For each invitation, in the same order, the connection its other person is, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matches(pub Vec<Option<Match>>);

/// Finds the connection each invitation's other person (the invitee of an outgoing
/// invitation, the inviter of an incoming one) is.
///
/// When the invitation names a profile URL and `Connections.csv` has its `URL` column, the
/// URL decides; a person it does not find is looked for by name among the connections without
/// a URL. Otherwise the full name decides, among all connections. Hidden members match nobody.
pub fn match_invitations(
    connections: &[Connection],
    connections_have_urls: bool,
    invitations: &[Invitation],
) -> Matches {
    let mut by_url: HashMap<&str, usize> = HashMap::with_capacity(connections.len());
    let mut by_name: HashMap<NameKey, usize> = HashMap::new();
    let mut by_name_without_url: HashMap<NameKey, usize> = HashMap::new();
    for (index, connection) in connections.iter().enumerate() {
        if let Some(url) = &connection.profile_url {
            by_url.entry(url.slug()).or_insert(index);
        }
        let Some(name) = NameKey::of_parts(&connection.first_name, &connection.last_name) else {
            continue;
        };
        if connection.profile_url.is_none() {
            by_name_without_url.entry(name.clone()).or_insert(index);
        }
        by_name.entry(name).or_insert(index);
    }
    let found = |map: &HashMap<NameKey, usize>, invitation: &Invitation| {
        NameKey::new(invitation.other_name())
            .and_then(|name| map.get(&name).copied())
            .map(|connection| Match {
                connection,
                by_name: true,
            })
    };
    let matches = invitations
        .iter()
        .map(|invitation| match invitation.other_url() {
            Some(url) if connections_have_urls => by_url
                .get(url.slug())
                .map(|&connection| Match {
                    connection,
                    by_name: false,
                })
                .or_else(|| found(&by_name_without_url, invitation)),
            _ => found(&by_name, invitation),
        })
        .collect();
    Matches(matches)
}
