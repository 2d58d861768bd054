//! The session's own profile, read for the account check: what makes it look complete to the
//! people it invites (photo, headline, about, experience), and its connection count.

use serde_json::Value;

use super::{Doc, ParseError, find_key, find_profile, missing, str_of, urn_id, urn_of};

/// The account's own profile, as far as the account check needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnProfileRow {
    /// The profile id (`ACoAA…`).
    pub profile_id: String,
    /// The public slug.
    pub public_id: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Headline, when it has text.
    pub headline: Option<String>,
    /// Whether the profile has a photo.
    pub photo: bool,
    /// Whether the about section (`summary`) has text.
    pub about: bool,
    /// How many position groups the experience section lists (one per employer).
    pub position_groups: usize,
}

const POSITION_GROUP: &str = "urn:li:fsd_profilePositionGroup:";

/// Reads the profile lookup (`identity/dash/profiles?q=memberIdentity` with the full
/// decoration) of the account's own slug or profile id, in either shape.
pub fn own_profile(root: &Value, identity: &str) -> Result<OwnProfileRow, ParseError> {
    let doc = Doc::new(root);
    let found = find_profile(&doc, identity)
        .ok_or_else(|| missing("own profile", "no fsd_profile entity"))?;
    Ok(OwnProfileRow {
        profile_id: urn_of(found).map(urn_id).unwrap_or_default().to_owned(),
        public_id: str_of(found, "publicIdentifier")
            .unwrap_or(identity)
            .to_owned(),
        first_name: str_of(found, "firstName").unwrap_or_default().to_owned(),
        last_name: str_of(found, "lastName").unwrap_or_default().to_owned(),
        headline: localized(found, "headline", "multiLocaleHeadline"),
        photo: has_photo(&doc, found),
        about: localized(found, "summary", "multiLocaleSummary").is_some(),
        position_groups: position_groups(&doc, found),
    })
}

/// `obj[key]` when it has text, else the first value of `obj[multi]` (`{"en_US": …}`) that
/// has.
fn localized(obj: &Value, key: &str, multi: &str) -> Option<String> {
    let by_locale = obj
        .get(multi)
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.values())
        .filter_map(Value::as_str);
    str_of(obj, key)
        .into_iter()
        .chain(by_locale)
        .map(str::trim)
        .find(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Whether `profilePicture` (inline or referenced) names an image. A member without a photo
/// has no `profilePicture`, or one without a `displayImage…` field.
fn has_photo(doc: &Doc<'_>, profile: &Value) -> bool {
    doc.field(profile, "profilePicture")
        .and_then(Value::as_object)
        .is_some_and(|picture| {
            picture.iter().any(|(key, value)| {
                key.trim_start_matches('*').starts_with("displayImage") && !value.is_null()
            })
        })
}

/// How many position groups `profilePositionGroups` lists: a collection inline (`elements`) or
/// referenced (`*elements`), or, when the profile does not refer to it, the groups in
/// `included[]`.
fn position_groups(doc: &Doc<'_>, profile: &Value) -> usize {
    match doc.field(profile, "profilePositionGroups") {
        Some(Value::Array(groups)) => groups.len(),
        Some(collection) => doc.list(collection, "elements").len(),
        None => doc.included_with_prefix(POSITION_GROUP).count(),
    }
}

/// Reads `numConnections` from `relationships/connectionsSummary`.
pub fn connection_count(root: &Value) -> Result<u64, ParseError> {
    find_key(root, "numConnections")
        .and_then(Value::as_u64)
        .ok_or_else(|| missing("connections summary", "no numConnections"))
}
