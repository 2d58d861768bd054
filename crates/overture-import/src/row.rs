//! Turning one CSV record into a lead, and the checks on its cells.

use csv::ByteRecord;
use overture_core::{NewLead, ProfileUrl};

use crate::error::{RowError, RowProblem};
use crate::mapping::{ColumnPlan, LeadField, Target};

/// Reads one data row. `Ok(None)` is a row whose cells are all empty, which is skipped.
pub(crate) fn read_row(
    plan: &ColumnPlan,
    headers: &[String],
    record: &ByteRecord,
) -> Result<Option<NewLead>, RowError> {
    let column_error = |index: usize, problem| RowError {
        field: headers.get(index).cloned(),
        problem,
    };
    let url = cell(record, plan.profile_url).map_err(|p| column_error(plan.profile_url, p))?;
    if url.is_none() && record.iter().all(|c| c.trim_ascii().is_empty()) {
        return Ok(None);
    }
    if record.len() != headers.len() {
        return Err(RowError {
            field: None,
            problem: RowProblem::FieldCount {
                found: record.len(),
                expected: headers.len(),
            },
        });
    }
    let profile_url = ProfileUrl::parse(url.unwrap_or(""))
        .map_err(|e| column_error(plan.profile_url, e.into()))?;
    let mut lead = NewLead::new(profile_url);
    let mut full_name = None;
    for (index, target) in &plan.columns {
        let Some(value) = cell(record, *index).map_err(|p| column_error(*index, p))? else {
            continue;
        };
        let field = match target {
            Target::Custom(key) => {
                lead.custom.insert(key.clone(), value.to_owned());
                continue;
            }
            Target::Field(field) => field,
        };
        let slot = match field {
            LeadField::FirstName => &mut lead.first_name,
            LeadField::LastName => &mut lead.last_name,
            LeadField::Headline => &mut lead.headline,
            LeadField::Company => &mut lead.company,
            LeadField::Position => &mut lead.position,
            LeadField::Location => &mut lead.location,
            LeadField::Email if is_plausible_email(value) => &mut lead.email,
            LeadField::Email => {
                let problem = RowProblem::InvalidEmail {
                    value: value.to_owned(),
                };
                return Err(column_error(*index, problem));
            }
            LeadField::Tags => {
                let tags = value
                    .split([',', ';'])
                    .map(str::trim)
                    .filter(|t| !t.is_empty());
                lead.tags.extend(tags.map(str::to_owned));
                continue;
            }
            LeadField::FullName => {
                full_name = Some(value);
                continue;
            }
            LeadField::ProfileUrl | LeadField::Custom(_) | LeadField::Ignore => continue,
        };
        *slot = Some(value.to_owned());
    }
    if let Some(full_name) = full_name
        && lead.first_name.is_none()
        && lead.last_name.is_none()
    {
        let (first, last) = split_full_name(full_name);
        lead.first_name = first.map(str::to_owned);
        lead.last_name = last.map(str::to_owned);
    }
    Ok(Some(lead))
}

/// A cell as trimmed UTF-8 text; `None` when it is missing or empty.
fn cell(record: &ByteRecord, index: usize) -> Result<Option<&str>, RowProblem> {
    let Some(bytes) = record.get(index) else {
        return Ok(None);
    };
    let text = std::str::from_utf8(bytes).map_err(|_| RowProblem::NotUtf8)?;
    let text = text.trim();
    Ok((!text.is_empty()).then_some(text))
}

/// The light email check: one `@` with something before it, a domain with an inner dot, and
/// no white space or control characters. Deliverability is for later steps to find out.
pub(crate) fn is_plausible_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Splits a whole name into first and last name: `Last, First` when the part before the comma
/// is one word, otherwise the first word and the rest (`Ana Maria Example` gives `Ana` and
/// `Maria Example`). A single word is a first name.
pub(crate) fn split_full_name(full: &str) -> (Option<&str>, Option<&str>) {
    if let Some((last, first)) = full.split_once(',')
        && !last.trim().contains(char::is_whitespace)
    {
        return (non_empty(first), non_empty(last));
    }
    match full.trim().split_once(char::is_whitespace) {
        Some((first, last)) => (non_empty(first), non_empty(last)),
        None => (non_empty(full), None),
    }
}

fn non_empty(s: &str) -> Option<&str> {
    let s = s.trim();
    (!s.is_empty()).then_some(s)
}

#[cfg(test)]
mod tests;
