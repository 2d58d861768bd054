//! Campaign files: YAML kept in version control, read into Overture's typed campaign definition.
//!
//! [`parse_campaign`] takes the text of a file and returns either a validated [`CampaignSpec`]
//! or every problem found, each with the file, line and column it points at (see
//! `docs/campaigns.md` for the schema and the rules).
//!
//! This crate does no IO: the caller reads the file and passes its text and name in, along with
//! a [`ValidationContext`] listing the workspace's accounts and lists. It depends only on
//! `overture-core`, `overture-message` (every text must be a template that compiles, with
//! known variables) and the YAML parser; it must not depend on a store, a channel, a runtime
//! or any other Overture crate.

mod campaign;
mod check;
mod diagnostic;
mod node;
mod settings;
mod steps;

pub use diagnostic::{CampaignText, Diagnostic, TextField, ValidationContext};

use overture_core::sequence::CampaignSpec;
use saphyr::{LoadableYamlNode, MarkedYaml};

use crate::diagnostic::{Pos, Report};

/// Parses and validates the campaign file `file_name` whose text is `source`.
///
/// Returns the campaign, or every problem found, in file order. `file_name` is only used in the
/// diagnostics; nothing is read from disk.
pub fn parse_campaign(
    file_name: &str,
    source: &str,
    ctx: &ValidationContext,
) -> Result<CampaignSpec, Vec<Diagnostic>> {
    parse_campaign_texts(file_name, source, ctx).map(|(spec, _)| spec)
}

/// [`parse_campaign`], also saying where each text (note, message, email subject and body)
/// is in the file, so that the lint's findings and the per-lead checks can point there.
pub fn parse_campaign_texts(
    file_name: &str,
    source: &str,
    ctx: &ValidationContext,
) -> Result<(CampaignSpec, Vec<CampaignText>), Vec<Diagnostic>> {
    let mut report = Report::new(file_name);
    let mut documents = match MarkedYaml::load_from_str(source) {
        Ok(documents) => documents,
        Err(error) => {
            report.error(
                Pos::from_marker(error.marker()),
                yaml_error_message(error.info()),
            );
            return Err(report.finish());
        }
    };
    for document in &mut documents {
        // Deeper than any valid campaign file, so every value that matters is covered.
        node::point_empty_values_at_keys(document, 8);
    }
    let mut documents = documents.iter();
    let spec = match documents.next() {
        Some(root) => campaign::read_campaign(root, &mut report, ctx),
        None => {
            let message =
                "the file is empty (a campaign needs `name`, `accounts`, `leads` and `steps`)";
            report.error(Pos::START, message);
            None
        }
    };
    for extra in documents {
        report.error(
            node::pos(extra),
            "a file holds one campaign (move this document to its own file)",
        );
    }
    match spec {
        Some(spec) if report.count() == 0 => Ok(spec),
        _ => Err(report.finish()),
    }
}

/// Saphyr's message about a syntax error, in this crate's style.
fn yaml_error_message(info: &str) -> String {
    if info == "duplicated key in mapping" {
        return "duplicate key (a key may appear once in a mapping; remove or rename one)"
            .to_owned();
    }
    format!("invalid YAML: {}", info.trim_end_matches('.'))
}
