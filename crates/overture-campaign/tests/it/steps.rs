//! Problems in `steps`, one kind per test; the steps start on line 5 (see `with_steps`).

use overture_campaign::{ValidationContext, parse_campaign};
use overture_core::Tier;
use overture_core::sequence::{BranchTarget, Duration, Invite, StepKind, WaitForAcceptance};

use crate::{check, check_with, ctx, with_steps};

const ALL_STEPS: &str = "`visit_profile`, `follow`, `like_recent_post`, `invite`, `wait`, \
                         `wait_for_acceptance`, `message`, `email`, `branch`, `withdraw`, `tag`, `end`";

#[test]
fn step_names() {
    check(
        &with_steps(&["  - visit"]),
        &["c.yaml:5:5: unknown step `visit` (did you mean `visit_profile`?)"],
    );
    check(
        &with_steps(&["  - frobnicate"]),
        &[&format!(
            "c.yaml:5:5: unknown step `frobnicate` (expected one of {ALL_STEPS})"
        )],
    );
    check(
        &with_steps(&["  - invte: { note: hi }"]),
        &["c.yaml:5:5: unknown step `invte` (did you mean `invite`?)"],
    );
    check(
        &with_steps(&["  - 42"]),
        &["c.yaml:5:5: a step must be a step name or a mapping like `wait: 2d`, found a number"],
    );
    check(
        &with_steps(&["  - label: start"]),
        &[&format!(
            "c.yaml:5:5: this step has no action (add one of {ALL_STEPS})"
        )],
    );
    check(
        &with_steps(&["  - { follow: ~, visit_profile: ~ }"]),
        &[
            "c.yaml:5:18: a step does one thing, and this one already does `follow` (make `visit_profile` its own list item)",
        ],
    );
    check(
        &with_steps(&["  - follow: yes"]),
        &["c.yaml:5:13: `follow` takes no value (write `- follow`)"],
    );
    check(
        &with_steps(&["  - visit_profile: ~", "  - follow: {}", "  - end:"]),
        &[],
    );
    check(
        &with_steps(&[]),
        &[
            "c.yaml:4:1: `steps` must be a list, like `steps: [visit_profile, invite]`, found nothing",
        ],
    );
    check(
        "name: t\naccounts: [alice]\nleads: { list: founders }\nsteps: []\n",
        &["c.yaml:4:8: `steps` is empty (add at least one step, like `- invite`)"],
    );
}

#[test]
fn durations() {
    let wait = |value: &str| with_steps(&[&format!("  - wait: {value}")]);
    check(
        &wait("3x"),
        &["c.yaml:5:11: duration `3x` has unknown unit `x` (use w, d, h or m)"],
    );
    check(
        &wait("-1d"),
        &["c.yaml:5:11: duration `-1d` is negative (durations count forward, like `2d`)"],
    );
    check(
        &wait("0d"),
        &["c.yaml:5:11: `wait` must be longer than zero (like `2d`)"],
    );
    check(
        &wait("3"),
        &["c.yaml:5:11: duration `3` needs a unit after the number: w, d, h or m (like `2d`)"],
    );
    check(
        &wait("12h1d"),
        &["c.yaml:5:11: duration `12h1d` must list each unit once, largest first (like `1d12h`)"],
    );
    check(
        &wait("400d"),
        &["c.yaml:5:11: duration `400d` is too long (at most 365d)"],
    );
    check(
        &wait("[1d]"),
        &["c.yaml:5:11: `wait` must be a duration like `2d`, found a list"],
    );
    check(
        &with_steps(&["  - wait"]),
        &["c.yaml:5:5: `wait` needs a duration, like `wait: 2d`"],
    );
    check(
        &with_steps(&["  - wait:"]),
        &["c.yaml:5:5: `wait` needs a duration, like `wait: 2d`"],
    );
    for ok in ["30m", "12h", "3d", "1w", "1d12h", "1w2d3h4m"] {
        check(&wait(ok), &[]);
    }
    let spec = parse_campaign("c.yaml", &wait("1d12h"), &ctx()).expect("valid");
    let expected = Duration::parse("36h").expect("valid");
    assert_eq!(spec.steps[0].kind, StepKind::Wait { duration: expected });
}

#[test]
fn wait_for_acceptance() {
    check(
        &with_steps(&["  - invite", "  - wait_for_acceptance: { accepted: next }"]),
        &["c.yaml:6:26: `wait_for_acceptance` needs `within`, like `within: 14d`"],
    );
    check(
        &with_steps(&["  - invite", "  - wait_for_acceptance"]),
        &[
            "c.yaml:6:5: `wait_for_acceptance` needs `within`, like `wait_for_acceptance: { within: 14d }`",
        ],
    );
    check(
        &with_steps(&[
            "  - invite",
            "  - wait_for_acceptance: { within: 14d, timeout: 3d }",
        ]),
        &[
            "c.yaml:6:41: unknown key `timeout` in `wait_for_acceptance` (expected one of `within`, `accepted`, `not_accepted`)",
        ],
    );
    check(
        &with_steps(&[
            "  - invite",
            "  - wait_for_acceptance: { within: 14d, accepted: withdraw }",
        ]),
        &[
            "c.yaml:6:51: `accepted` cannot be `withdraw`, there is nothing to withdraw (use `next`, `end` or a label)",
        ],
    );
    check(
        &with_steps(&["  - wait_for_acceptance: { within: 14d }"]),
        &[
            "c.yaml:5:5: `wait_for_acceptance` must come after an `invite` (on every path to it; add `- invite` before it)",
        ],
    );
    check(
        &with_steps(&[
            "  - invite",
            "  - withdraw",
            "  - wait_for_acceptance: { within: 14d }",
        ]),
        &[
            "c.yaml:7:5: `wait_for_acceptance` must come after an `invite` (on every path to it; add `- invite` before it)",
        ],
    );
    // One path skips the second invitation after withdrawing the first.
    check(
        &with_steps(&[
            "  - invite",
            "  - wait_for_acceptance: { within: 7d, accepted: later, not_accepted: next }",
            "  - withdraw",
            "  - invite",
            "  - label: later",
            "    wait_for_acceptance: { within: 7d }",
        ]),
        &[],
    );
    check(
        &with_steps(&[
            "  - invite",
            "  - wait_for_acceptance: { within: 7d, accepted: next, not_accepted: retry }",
            "  - end",
            "  - label: retry",
            "    withdraw:",
            "  - wait_for_acceptance: { within: 7d }",
        ]),
        &[
            "c.yaml:10:5: `wait_for_acceptance` must come after an `invite` (on every path to it; add `- invite` before it)",
        ],
    );

    let spec = parse_campaign(
        "c.yaml",
        &with_steps(&["  - invite", "  - wait_for_acceptance: { within: 2w }"]),
        &ctx(),
    )
    .expect("valid");
    let expected = WaitForAcceptance {
        within: Duration::parse("14d").expect("valid"),
        accepted: BranchTarget::Next,
        not_accepted: BranchTarget::Withdraw,
    };
    assert_eq!(
        spec.steps[1].kind,
        StepKind::WaitForAcceptance(expected),
        "defaults"
    );
}

#[test]
fn labels_and_branches() {
    check(
        &with_steps(&[
            "  - label: ask",
            "    invite:",
            "  - wait_for_acceptance: { within: 14d, not_accepted: ask }",
        ]),
        &["c.yaml:7:55: label `ask` is not after this step (branches only jump forward)"],
    );
    check(
        &with_steps(&[
            "  - invite",
            "  - wait_for_acceptance: { within: 14d, not_accepted: by-mail }",
            "  - end",
            "  - label: by-email",
            "    email: { subject: Hi, body: Hello }",
        ]),
        &["c.yaml:6:55: unknown label `by-mail` (did you mean `by-email`?)"],
    );
    check(
        &with_steps(&[
            "  - label: end",
            "    invite:",
            "  - label: thank you",
            "    tag: x",
        ]),
        &[
            "c.yaml:5:12: `end` cannot be a label, it is a branch target (pick another name)",
            "c.yaml:7:12: label `thank you` may only use letters, digits, `-` and `_`",
        ],
    );
    check(
        &with_steps(&["  - label: a", "    invite:", "  - label: a", "    end:"]),
        &["c.yaml:7:12: duplicate label `a` (already used on line 5; rename one)"],
    );
    check(
        &with_steps(&[
            "  - invite",
            "  - end",
            "  - tag: never",
            "  - end",
            "  - label: unused",
            "    tag: x",
        ]),
        &[
            // One report for the whole unreachable run.
            "c.yaml:7:5: this step is never reached (give it a label and branch to it, or remove it)",
        ],
    );
}

#[test]
fn invite_notes() {
    let note = |text: &str| with_steps(&["  - invite:", &format!("      note: \"{text}\"")]);
    check(&note(&"a".repeat(300)), &[]);
    check(&note(&"é".repeat(300)), &[]);
    check(
        &note(&"a".repeat(301)),
        &[
            "c.yaml:6:13: note is 301 characters, over the 300 that premium account `alice` allows (shorten it by 1)",
        ],
    );
    // A templated note is measured once rendered, by the engine.
    check(
        &note(&format!("{{{{ first_name }}}} {}", "a".repeat(400))),
        &[],
    );
    check(
        &note(""),
        &["c.yaml:6:13: `note` is empty (write some text)"],
    );

    let mixed = ValidationContext::new()
        .with_account("alice", Tier::Premium)
        .with_account("bob", Tier::Free);
    let both = format!(
        "name: t\naccounts: [alice, bob]\nleads: {{ list: founders }}\nsteps:\n  - invite:\n      note:\n        - short\n        - \"{}\"\n",
        "ü".repeat(201)
    );
    check_with(
        &mixed,
        &both,
        &[
            "c.yaml:8:11: note is 201 characters, over the 200 that free account `bob` allows (shorten it by 1)",
        ],
    );

    check(
        &with_steps(&["  - invite: { note: [] }"]),
        &["c.yaml:5:21: `note` is an empty list (give at least one text)"],
    );
    check(
        &with_steps(&["  - invite: { notes: hi }"]),
        &["c.yaml:5:15: unknown key `notes` in `invite` (did you mean `note`?)"],
    );
    check(
        &with_steps(&["  - invite: { without_note_if_quota_exhausted: no }"]),
        &["c.yaml:5:48: `without_note_if_quota_exhausted` must be true or false, found text"],
    );
    check(
        &with_steps(&["  - invite:", "    note: hi"]),
        &["c.yaml:6:5: `note` belongs inside `invite` (indent it under `invite:`)"],
    );

    let spec = parse_campaign(
        "c.yaml",
        &with_steps(&["  - invite: { note: [a, bcd], without_note_if_quota_exhausted: true }"]),
        &ctx(),
    )
    .expect("valid");
    let expected = Invite {
        notes: vec!["a".to_owned(), "bcd".to_owned()],
        without_note_if_quota_exhausted: true,
    };
    assert_eq!(spec.steps[0].kind, StepKind::Invite(expected.clone()));
    assert_eq!(expected.longest_note_chars(), Some(3));
}

#[test]
fn messages_emails_and_tags() {
    check(
        &with_steps(&["  - message: {}"]),
        &["c.yaml:5:14: `message` needs `text`, like `text: \"Thanks for connecting\"`"],
    );
    check(
        &with_steps(&["  - message"]),
        &[
            "c.yaml:5:5: `message` needs `text`, like `message: { text: \"Thanks for connecting\" }`",
        ],
    );
    check(
        &with_steps(&["  - message: hi"]),
        &[
            "c.yaml:5:14: `message` must be a mapping, like `message: { text: \"Thanks for connecting\" }`, found text",
        ],
    );
    check(
        &with_steps(&["  - message: { text: [\"Hi\", \"  \"] }"]),
        &["c.yaml:5:29: `text` is empty (write some text)"],
    );
    check(
        &with_steps(&["  - email: { subject: \"\", body: Hello }"]),
        &["c.yaml:5:23: `subject` is empty (write some text)"],
    );
    check(
        &with_steps(&[
            "  - email:",
            "      - { subject: A, body: One }",
            "      - { subject: B }",
        ]),
        &["c.yaml:7:9: `email` needs `body`, the text of the email"],
    );
    check(
        &with_steps(&["  - email: []"]),
        &["c.yaml:5:12: `email` is an empty list (give at least one `subject` and `body`)"],
    );
    check(
        &with_steps(&["  - tag"]),
        &["c.yaml:5:5: `tag` needs a tag, like `tag: warm`"],
    );
    check(
        &with_steps(&["  - tag: \"\""]),
        &["c.yaml:5:10: `tag` is empty (write some text)"],
    );
    check(
        &with_steps(&[
            "  - message: { text: [one, two] }",
            "  - email: { subject: Hi, body: Hello }",
            "  - tag: done",
        ]),
        &[],
    );
}

#[test]
fn texts_must_be_templates_with_known_variables() {
    check(
        &with_steps(&[
            "  - invite:",
            "      note:",
            "        - \"Hi {{ frist_name }}, we both spoke at the summit\"",
            "        - \"{Hi|Hello {{ first_name }}\"",
            "  - message: { text: \"Thanks {{ first_name | shout }}\" }",
            "  - email: { subject: \"About {{ sender.compnay }}\", body: \"Hi {{ custom.event }}\" }",
        ]),
        &[
            "c.yaml:7:11: `note` 1: unknown variable `frist_name` (did you mean `first_name`?)",
            "c.yaml:8:11: `note` 2: template error at 1:1: the group opened here has no closing `}` (write `\\{` for a literal brace)",
            "c.yaml:9:22: `text`: template error at 1:24: unknown filter `shout` (the filters are Jinja's own, like `default`, `lower` and `title`, and clean_name, title_case and first_word)",
            "c.yaml:10:23: `subject`: unknown variable `sender.compnay` (did you mean `sender.company`?)",
        ],
    );
}

#[test]
fn texts_are_located_for_later_checks() {
    use overture_campaign::{TextField, parse_campaign_texts};
    let yaml = with_steps(&[
        "  - invite: { note: [\"Hi {{ first_name }}\", \"Hello {{ first_name }}\"] }",
        "  - wait_for_acceptance: { within: 7d }",
        "  - message: { text: \"Thanks\" }",
    ]);
    let (_, texts) = parse_campaign_texts("c.yaml", &yaml, &ctx()).unwrap();
    let found: Vec<(usize, TextField, usize, usize)> = texts
        .iter()
        .map(|t| (t.step, t.field, t.variant, t.line))
        .collect();
    assert_eq!(
        found,
        [
            (0, TextField::Note, 0, 5),
            (0, TextField::Note, 1, 5),
            (2, TextField::Text, 0, 7),
        ]
    );
}
