//! Integration tests of lead import and of the LinkedIn data export, on fixture files and
//! generated CSVs.

mod errors;
mod export;
mod formats;
mod merge;
mod rejected;
mod sample;

use std::path::PathBuf;

use overture_core::NewLead;
use overture_import::{ImportError, ImportOptions, LeadBatch, parse_mapping, read_leads};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn read_str(csv: &str, options: &ImportOptions) -> Result<LeadBatch, ImportError> {
    read_leads(csv.as_bytes(), "leads.csv", options)
}

fn options(maps: &[&str], skip_invalid: bool) -> ImportOptions {
    ImportOptions {
        mappings: maps.iter().map(|m| parse_mapping(m).unwrap()).collect(),
        skip_invalid,
    }
}

fn slugs(batch: &LeadBatch) -> Vec<&str> {
    batch.leads.iter().map(|l| l.profile_url.slug()).collect()
}

fn lead<'a>(batch: &'a LeadBatch, slug: &str) -> &'a NewLead {
    batch
        .leads
        .iter()
        .find(|l| l.profile_url.slug() == slug)
        .unwrap_or_else(|| panic!("no lead {slug}"))
}
