//! The example files in `examples/campaigns/` parse cleanly, and their specs stay as reviewed.

use std::path::PathBuf;

use overture_campaign::parse_campaign;
use overture_core::sequence::{BranchTarget, Jump, StepKind};

use crate::ctx;

fn examples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/campaigns")
}

fn read_example(name: &str) -> String {
    let path = examples_dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

#[test]
fn every_example_parses_cleanly() {
    let entries = std::fs::read_dir(examples_dir()).expect("examples/campaigns exists");
    let mut names: Vec<String> = entries
        .map(|entry| {
            entry
                .expect("readable entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(".yaml"))
        .collect();
    names.sort();
    assert!(
        names.len() >= 3,
        "expected at least three examples, found {names:?}"
    );
    for name in names {
        let text = read_example(&name);
        if let Err(diagnostics) = parse_campaign(&name, &text, &ctx()) {
            let shown: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
            panic!("{name} has problems:\n{}", shown.join("\n"));
        }
    }
}

#[test]
fn founders_example_spec() {
    let spec = parse_campaign(
        "founders-q1.yaml",
        &read_example("founders-q1.yaml"),
        &ctx(),
    )
    .expect("valid example");
    insta::assert_yaml_snapshot!("founders_q1", spec);
}

#[test]
fn recruiting_example_branches_to_the_email_fallback() {
    let spec = parse_campaign(
        "recruiting-backend.yaml",
        &read_example("recruiting-backend.yaml"),
        &ctx(),
    )
    .expect("valid example");
    let (index, wait) = spec
        .steps
        .iter()
        .enumerate()
        .find_map(|(i, step)| match &step.kind {
            StepKind::WaitForAcceptance(wait) => Some((i, wait)),
            _ => None,
        })
        .expect("has a wait_for_acceptance");
    assert_eq!(
        wait.not_accepted,
        BranchTarget::Label("by-email".to_owned())
    );
    let fallback = spec.step_index("by-email").expect("label exists");
    assert_eq!(
        spec.resolve(index, &wait.not_accepted),
        Some(Jump::To(fallback))
    );
    assert_eq!(spec.steps[fallback].kind, StepKind::Withdraw);
    assert!(
        matches!(&spec.steps[fallback + 1].kind, StepKind::Email(email) if email.variants.len() == 2)
    );
    assert_eq!(
        spec.resolve(index, &wait.accepted),
        Some(Jump::To(index + 1))
    );
}

#[test]
fn no_input_panics() {
    // Every prefix of every example: cut-off strings, half-written mappings, dangling keys.
    for name in [
        "founders-q1.yaml",
        "recruiting-backend.yaml",
        "invite-only.yaml",
    ] {
        let text = read_example(name);
        for (cut, _) in text.char_indices() {
            let _ = parse_campaign(name, &text[..cut], &ctx());
        }
    }
    let deep = format!("steps: {}", "[".repeat(100_000));
    assert!(parse_campaign("deep.yaml", &deep, &ctx()).is_err());
    let wide = format!("steps: [{}]", "wait: 1d, ".repeat(10_000));
    assert!(parse_campaign("wide.yaml", &wide, &ctx()).is_err());
}
