//! Which lead field each CSV column feeds: header aliases and explicit `--map` mappings.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use crate::error::{ImportError, MappingError};

/// A place a column's value can go.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LeadField {
    /// `NewLead::profile_url`, the person's key.
    ProfileUrl,
    /// `NewLead::first_name`.
    FirstName,
    /// `NewLead::last_name`.
    LastName,
    /// A whole name, split into first and last name when a row has neither.
    FullName,
    /// `NewLead::headline`.
    Headline,
    /// `NewLead::company`.
    Company,
    /// `NewLead::position`.
    Position,
    /// `NewLead::location`.
    Location,
    /// `NewLead::email`.
    Email,
    /// `NewLead::tags`, a comma or semicolon separated list.
    Tags,
    /// A custom field under the given name.
    Custom(String),
    /// The column is not imported.
    Ignore,
}

impl fmt::Display for LeadField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            LeadField::ProfileUrl => "profile_url",
            LeadField::FirstName => "first_name",
            LeadField::LastName => "last_name",
            LeadField::FullName => "full_name",
            LeadField::Headline => "headline",
            LeadField::Company => "company",
            LeadField::Position => "position",
            LeadField::Location => "location",
            LeadField::Email => "email",
            LeadField::Tags => "tags",
            LeadField::Custom(name) => return write!(f, "custom:{name}"),
            LeadField::Ignore => "ignore",
        };
        f.write_str(name)
    }
}

impl FromStr for LeadField {
    type Err = MappingError;

    /// Reads a field name as written in `--map`: a `NewLead` field name (`first_name`,
    /// `profile_url`, ...; case, `_`, `-` and spaces do not matter), `full_name`,
    /// `custom:NAME` or `ignore`.
    fn from_str(s: &str) -> Result<Self, MappingError> {
        let s = s.trim();
        if let Some((prefix, name)) = s.split_once(':')
            && prefix.trim().eq_ignore_ascii_case("custom")
        {
            let name = name.trim();
            if name.is_empty() {
                return Err(MappingError::EmptyCustomName);
            }
            return Ok(LeadField::Custom(name.to_owned()));
        }
        let field = match normalise_header(s).as_str() {
            "profileurl" => LeadField::ProfileUrl,
            "firstname" => LeadField::FirstName,
            "lastname" => LeadField::LastName,
            "fullname" => LeadField::FullName,
            "headline" => LeadField::Headline,
            "company" => LeadField::Company,
            "position" => LeadField::Position,
            "location" => LeadField::Location,
            "email" => LeadField::Email,
            "tags" => LeadField::Tags,
            "ignore" => LeadField::Ignore,
            _ => {
                return Err(MappingError::UnknownField {
                    field: s.to_owned(),
                });
            }
        };
        Ok(field)
    }
}

/// An explicit column mapping, as given with `--map "Column Header=field"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMapping {
    /// The column header as written in the file (matched exactly first, then ignoring case,
    /// spaces, `_` and `-`).
    pub column: String,
    /// Where the column's values go.
    pub field: LeadField,
}

/// Parses `Column Header=field` (see [`LeadField`]'s `FromStr` for field names). The last `=`
/// separates the two, so a header may itself contain `=`.
pub fn parse_mapping(spec: &str) -> Result<ColumnMapping, MappingError> {
    let Some((column, field)) = spec.rsplit_once('=') else {
        return Err(MappingError::MissingEquals {
            spec: spec.to_owned(),
        });
    };
    let column = column.trim();
    if column.is_empty() {
        return Err(MappingError::EmptyColumn {
            spec: spec.to_owned(),
        });
    }
    Ok(ColumnMapping {
        column: column.to_owned(),
        field: field.parse()?,
    })
}

/// Lower-cases a header and drops spaces, `_`, `-` and `.`, so `First Name`, `first_name` and
/// `firstName` compare equal.
pub(crate) fn normalise_header(header: &str) -> String {
    header
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '.') && !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The field a header feeds when no explicit mapping names it, by its normalised form.
fn alias(normalised: &str) -> Option<LeadField> {
    let field = match normalised {
        "firstname" | "givenname" | "first" | "forename" => LeadField::FirstName,
        "lastname" | "surname" | "familyname" | "last" => LeadField::LastName,
        "fullname" | "name" => LeadField::FullName,
        "linkedinurl" | "linkedin" | "profileurl" | "url" | "linkedinprofile"
        | "linkedinprofileurl" | "personlinkedinurl" | "profile" | "linkedinlink"
        | "profilelink" => LeadField::ProfileUrl,
        "company" | "companyname" | "organization" | "organisation" | "employer" => {
            LeadField::Company
        }
        "title" | "position" | "jobtitle" | "role" => LeadField::Position,
        "headline" => LeadField::Headline,
        "email" | "emailaddress" | "workemail" | "mail" => LeadField::Email,
        "location" | "city" => LeadField::Location,
        "tags" | "tag" | "labels" => LeadField::Tags,
        _ => return None,
    };
    Some(field)
}

/// What to do with one column, fixed once from the header row.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Target {
    /// One of the lead's own fields (never `Custom` or `Ignore`).
    Field(LeadField),
    /// A custom field under this key.
    Custom(String),
}

/// The header row turned into a plan: which column goes where. Ignored columns are absent,
/// so reading a row never touches them.
#[derive(Debug, Clone)]
pub(crate) struct ColumnPlan {
    /// `(column index, target)` for every imported column, in column order.
    pub columns: Vec<(usize, Target)>,
    /// The index of the profile URL column.
    pub profile_url: usize,
}

/// Builds the plan for `headers` (already trimmed) and the explicit `mappings`.
///
/// An explicit mapping wins over an alias: a column that would feed the same field through
/// its alias becomes a custom field instead, so nothing is lost. Two columns feeding the same
/// field or custom key otherwise are an error naming both.
pub(crate) fn plan_columns(
    file: &str,
    headers: &[String],
    mappings: &[ColumnMapping],
) -> Result<ColumnPlan, ImportError> {
    let normalised: Vec<String> = headers.iter().map(|h| normalise_header(h)).collect();
    let mut explicit: Vec<Option<LeadField>> = vec![None; headers.len()];
    for mapping in mappings {
        let index = find_column(headers, &normalised, &mapping.column).ok_or_else(|| {
            ImportError::MappedColumnNotFound {
                file: file.to_owned(),
                column: mapping.column.clone(),
                headers: headers.to_vec(),
            }
        })?;
        if explicit[index].is_some() {
            return Err(ImportError::ConflictingMappings {
                file: file.to_owned(),
                column: headers[index].clone(),
            });
        }
        explicit[index] = Some(mapping.field.clone());
    }

    let mut seen_headers: HashMap<&str, usize> = HashMap::new();
    let mut owners: HashMap<Target, usize> = HashMap::new();
    let mut columns = Vec::with_capacity(headers.len());
    for (index, header) in headers.iter().enumerate() {
        // A repeated header cannot be told apart by `--map` either, so it is always an error.
        if !header.is_empty()
            && let Some(first) = seen_headers.insert(header.as_str(), index)
        {
            return Err(ImportError::DuplicateHeader {
                file: file.to_owned(),
                header: header.clone(),
                first: first + 1,
                second: index + 1,
            });
        }
        let field = match &explicit[index] {
            Some(field) => field.clone(),
            None => match alias(&normalised[index]) {
                Some(field) if !explicit.iter().flatten().any(|f| *f == field) => field,
                // A column without a header has no name to keep its values under.
                _ if header.is_empty() => LeadField::Ignore,
                // Unknown, or its field is claimed by an explicit mapping: keep it as custom.
                _ => LeadField::Custom(header.clone()),
            },
        };
        let target = match field {
            LeadField::Ignore => continue,
            LeadField::Custom(name) => Target::Custom(name),
            field => Target::Field(field),
        };
        if let Some(&other) = owners.get(&target) {
            return Err(ImportError::SameField {
                file: file.to_owned(),
                field: target_name(&target),
                first: headers[other].clone(),
                second: header.clone(),
            });
        }
        owners.insert(target.clone(), index);
        columns.push((index, target));
    }

    let profile_url = owners
        .get(&Target::Field(LeadField::ProfileUrl))
        .copied()
        .ok_or_else(|| ImportError::NoProfileUrlColumn {
            file: file.to_owned(),
            headers: headers.to_vec(),
        })?;
    Ok(ColumnPlan {
        columns,
        profile_url,
    })
}

fn find_column(headers: &[String], normalised: &[String], column: &str) -> Option<usize> {
    let column = column.trim();
    headers.iter().position(|h| h == column).or_else(|| {
        let wanted = normalise_header(column);
        normalised.iter().position(|h| *h == wanted)
    })
}

fn target_name(target: &Target) -> String {
    match target {
        Target::Field(field) => field.to_string(),
        Target::Custom(name) => format!("custom:{name}"),
    }
}

#[cfg(test)]
mod tests;
