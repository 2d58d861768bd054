//! Rules across steps: labels and branch targets, reachability, invitations before waiting for
//! them, and note lengths against the senders' tiers.

use std::collections::BTreeMap;

use overture_core::Tier;
use overture_core::sequence::{BranchTarget, StepKind, is_template};

use overture_message::{Template, vars};

use crate::diagnostic::{Pos, Report, TextField};
use crate::steps::ParsedStep;
use overture_core::suggest;

/// Runs every cross-step rule; `tiers` holds the campaign's known accounts.
pub(crate) fn check_steps(
    steps: &[ParsedStep],
    tiers: &BTreeMap<&str, Tier>,
    report: &mut Report<'_>,
) {
    let labels = check_labels(steps, report);
    let targets_ok = check_targets(steps, &labels, report);
    check_notes(steps, tiers, report);
    check_templates(steps, report);
    // Flow needs every step and target understood; otherwise it would only repeat the problems.
    if targets_ok && steps.iter().all(|s| s.kind.is_some()) {
        check_flow(steps, &labels, report);
    }
}

/// Reports duplicate labels; returns each label's step index (its first use).
fn check_labels<'s>(
    steps: &'s [ParsedStep],
    report: &mut Report<'_>,
) -> BTreeMap<&'s str, (usize, Pos)> {
    let mut labels: BTreeMap<&str, (usize, Pos)> = BTreeMap::new();
    for (index, step) in steps.iter().enumerate() {
        let Some((label, at)) = &step.label else {
            continue;
        };
        if let Some((_, first)) = labels.get(label.as_str()) {
            let message = format!(
                "duplicate label `{label}` (already used on line {}; rename one)",
                first.line
            );
            report.error(*at, message);
        } else {
            labels.insert(label, (index, *at));
        }
    }
    labels
}

/// Reports labels no step carries and jumps that go backwards; true when all targets are fine.
fn check_targets(
    steps: &[ParsedStep],
    labels: &BTreeMap<&str, (usize, Pos)>,
    report: &mut Report<'_>,
) -> bool {
    let mut ok = true;
    for (index, step) in steps.iter().enumerate() {
        for (target, at) in &step.targets {
            let BranchTarget::Label(label) = target else {
                continue;
            };
            match labels.get(label.as_str()) {
                None => {
                    ok = false;
                    let message = match suggest::did_you_mean(label, labels.keys().copied()) {
                        Some(near) => format!("unknown label `{label}` (did you mean `{near}`?)"),
                        None => format!(
                            "unknown label `{label}` (add `label: {label}` to a later step, or use `next`, `end` or `withdraw`)"
                        ),
                    };
                    report.error(*at, message);
                }
                Some((target_index, _)) if *target_index <= index => {
                    ok = false;
                    let message = format!(
                        "label `{label}` is not after this step (branches only jump forward)"
                    );
                    report.error(*at, message);
                }
                Some(_) => {}
            }
        }
    }
    ok
}

/// Reports plain notes longer than the strictest sender's tier allows.
fn check_notes(steps: &[ParsedStep], tiers: &BTreeMap<&str, Tier>, report: &mut Report<'_>) {
    let Some((handle, tier)) = tiers.iter().min_by_key(|(_, tier)| tier.note_limit()) else {
        return;
    };
    let limit = tier.note_limit();
    for step in steps {
        let Some(StepKind::Invite(invite)) = &step.kind else {
            continue;
        };
        for (note, at) in invite.notes.iter().zip(&step.note_pos) {
            let length = note.chars().count();
            // A templated note's length is only known once rendered; the engine checks it then.
            if length > limit && !is_template(note) {
                let message = format!(
                    "note is {length} characters, over the {limit} that {tier} account `{handle}` allows (shorten it by {})",
                    length - limit
                );
                report.error(*at, message);
            }
        }
    }
}

/// The text of a step's field and variant, when the step was understood.
pub(crate) fn text_of(kind: &StepKind, field: TextField, variant: usize) -> Option<&str> {
    match (kind, field) {
        (StepKind::Invite(invite), TextField::Note) => invite.notes.get(variant),
        (StepKind::Message(message), TextField::Text) => message.texts.get(variant),
        (StepKind::Email(email), TextField::Subject) => {
            email.variants.get(variant).map(|v| &v.subject)
        }
        (StepKind::Email(email), TextField::Body) => email.variants.get(variant).map(|v| &v.body),
        (StepKind::Email(email), TextField::Html) => {
            email.variants.get(variant).and_then(|v| v.html.as_ref())
        }
        _ => None,
    }
    .map(String::as_str)
}

/// Reports a text that is no valid template (spintax or Jinja syntax, an unknown filter) or
/// uses a variable Overture does not know: it could be sent to no one.
fn check_templates(steps: &[ParsedStep], report: &mut Report<'_>) {
    for step in steps {
        let Some(kind) = &step.kind else {
            continue;
        };
        for &(field, variant, at) in &step.texts {
            let Some(text) = text_of(kind, field, variant) else {
                continue;
            };
            let what = if variant == 0 && text_count(kind, field) == 1 {
                format!("`{}`", field.key())
            } else {
                format!("`{}` {}", field.key(), variant + 1)
            };
            match Template::new(text) {
                Err(error) => report.error(at, format!("{what}: template error at {error}")),
                Ok(template) => {
                    for name in template.variables().iter().filter(|v| !vars::is_known(v)) {
                        report.error(at, format!("{what}: {}", vars::unknown_variable(name)));
                    }
                }
            }
        }
    }
}

/// How many variants a step's field has.
fn text_count(kind: &StepKind, field: TextField) -> usize {
    match (kind, field) {
        (StepKind::Invite(invite), TextField::Note) => invite.notes.len(),
        (StepKind::Message(message), TextField::Text) => message.texts.len(),
        (StepKind::Email(email), TextField::Subject | TextField::Body | TextField::Html) => {
            email.variants.len()
        }
        _ => 0,
    }
}

/// Follows every path: reports steps never reached and a `wait_for_acceptance` that some path
/// reaches without a pending invitation.
fn check_flow(
    steps: &[ParsedStep],
    labels: &BTreeMap<&str, (usize, Pos)>,
    report: &mut Report<'_>,
) {
    let count = steps.len();
    let mut reached = vec![false; count];
    // Whether every path reaching the step has sent an invitation not withdrawn since.
    let mut invited = vec![false; count];
    if let Some(first) = reached.first_mut() {
        *first = true;
    }
    for index in 0..count {
        if !reached[index] {
            continue;
        }
        let step = &steps[index];
        let invited_after = match &step.kind {
            Some(StepKind::Invite(_)) => true,
            Some(StepKind::Withdraw) => false,
            _ => invited[index],
        };
        for next in successors(index, step, labels) {
            // Branches only jump forward (checked before), so every predecessor of `next` is
            // visited before `next` itself.
            if next >= count {
                continue;
            }
            invited[next] = if reached[next] {
                invited[next] && invited_after
            } else {
                invited_after
            };
            reached[next] = true;
        }
        if matches!(step.kind, Some(StepKind::WaitForAcceptance(_))) && !invited[index] {
            let message = "`wait_for_acceptance` must come after an `invite` (on every path to it; add `- invite` before it)";
            report.error(step.pos, message);
        }
    }
    for index in 0..count {
        if !reached[index] && (index == 0 || reached[index - 1]) {
            let message =
                "this step is never reached (give it a label and branch to it, or remove it)";
            report.error(steps[index].pos, message);
        }
    }
}

/// The step indices a lead can go to after step `index`; `index + 1` may be past the end.
fn successors(
    index: usize,
    step: &ParsedStep,
    labels: &BTreeMap<&str, (usize, Pos)>,
) -> Vec<usize> {
    let next = index + 1;
    match &step.kind {
        Some(StepKind::End) => Vec::new(),
        Some(StepKind::WaitForAcceptance(wait)) => [&wait.accepted, &wait.not_accepted]
            .into_iter()
            .filter_map(|target| match target {
                BranchTarget::Next => Some(next),
                BranchTarget::End | BranchTarget::Withdraw => None,
                BranchTarget::Label(label) => labels.get(label.as_str()).map(|(i, _)| *i),
            })
            .collect(),
        Some(StepKind::Branch(branch)) => [&branch.then, &branch.otherwise]
            .into_iter()
            .filter_map(|target| match target {
                BranchTarget::Next => Some(next),
                BranchTarget::End | BranchTarget::Withdraw => None,
                BranchTarget::Label(label) => labels.get(label.as_str()).map(|(i, _)| *i),
            })
            .collect(),
        _ => vec![next],
    }
}
