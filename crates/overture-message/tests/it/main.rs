//! Integration tests of templates, per-lead checks and the lint.

mod check;
mod differential;
mod lint;
mod template;

use overture_core::NewLead;
use overture_core::profile_url::ProfileUrl;

/// A fictional lead.
pub fn lead(first: Option<&str>, company: Option<&str>) -> NewLead {
    let url = ProfileUrl::parse("https://www.linkedin.com/in/example-lead").unwrap();
    let mut lead = NewLead::new(url);
    lead.first_name = first.map(str::to_owned);
    lead.last_name = Some("Quill".to_owned());
    lead.company = company.map(str::to_owned);
    lead.position = Some("head of data platform".to_owned());
    lead
}
