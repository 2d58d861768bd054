//! Email in campaign files: `mailboxes`, the `email` step that needs them, and the `branch`
//! step on `has_email`.

use overture_campaign::parse_campaign;
use overture_core::sequence::{Branch, BranchTarget, Condition, StepKind};

use crate::{check_with, ctx};

const FALLBACK: &str = "name: t
accounts: [alice]
mailboxes: [ana]
leads: { list: founders }
steps:
  - invite
  - wait_for_acceptance: { within: 7d, accepted: next, not_accepted: mail }
  - message: { text: \"Thanks for connecting\" }
  - end
  - label: mail
    branch: { if: has_email, then: next, else: end }
  - email: { subject: \"Hello {{ first_name }}\", body: \"A short note.\" }
";

#[test]
fn a_linkedin_to_email_fallback_reads() {
    let ctx = ctx().with_mailbox("ana");
    let spec = parse_campaign("c.yaml", FALLBACK, &ctx).expect("parses");
    assert_eq!(spec.mailboxes, ["ana"]);
    assert_eq!(
        spec.steps[4].kind,
        StepKind::Branch(Branch {
            condition: Condition::HasEmail,
            then: BranchTarget::Next,
            otherwise: BranchTarget::End,
        })
    );
    assert!(matches!(spec.steps[5].kind, StepKind::Email(_)));
}

#[test]
fn mailboxes_must_be_email_accounts() {
    check_with(
        &ctx().with_mailbox("ana"),
        &FALLBACK.replace("mailboxes: [ana]", "mailboxes: [anna]"),
        &["c.yaml:3:13: unknown mailbox `anna` (did you mean `ana`?)"],
    );
}

#[test]
fn a_branch_needs_a_known_condition_and_known_labels() {
    let bad = FALLBACK
        .replace("if: has_email", "if: has_mail")
        .replace("else: end", "else: nowhere");
    check_with(
        &ctx().with_mailbox("ana"),
        &bad,
        &[
            "c.yaml:11:19: unknown condition `has_mail` (did you mean `has_email`?)",
            "c.yaml:11:47: unknown label `nowhere` (add `label: nowhere` to a later step, or use `next`, `end` or `withdraw`)",
        ],
    );
}
