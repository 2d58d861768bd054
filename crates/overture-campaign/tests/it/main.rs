//! Integration tests of `overture-campaign`: whole files in, a spec or diagnostics out.

mod email;
mod examples;
mod problems;
mod steps;

use overture_campaign::{ValidationContext, parse_campaign};
use overture_core::Tier;

/// alice, bob and carol, all Premium, and the mailbox carol-mail; lists are not checked.
fn ctx() -> ValidationContext {
    ValidationContext::new()
        .with_account("alice", Tier::Premium)
        .with_account("bob", Tier::Premium)
        .with_account("carol", Tier::Premium)
        .with_mailbox("carol-mail")
}

/// Parses `yaml` as `c.yaml` and asserts the exact diagnostics (none means it must parse).
fn check(yaml: &str, expected: &[&str]) {
    check_with(&ctx(), yaml, expected);
}

/// Like `check`, with a given context.
fn check_with(ctx: &ValidationContext, yaml: &str, expected: &[&str]) {
    let got: Vec<String> = match parse_campaign("c.yaml", yaml, ctx) {
        Ok(_) => Vec::new(),
        Err(diagnostics) => diagnostics.iter().map(ToString::to_string).collect(),
    };
    assert_eq!(got, expected, "for:\n{yaml}");
}

/// A valid campaign head (lines 1–4) followed by `steps` lines, so steps start on line 5.
fn with_steps(steps: &[&str]) -> String {
    let mut yaml = String::from("name: t\naccounts: [alice]\nleads: { list: founders }\nsteps:\n");
    for line in steps {
        yaml.push_str(line);
        yaml.push('\n');
    }
    yaml
}
