//! Problems at the top of a file: YAML syntax, keys, name, accounts, leads, settings; and one
//! file with many problems, all reported.

use overture_campaign::{Diagnostic, ValidationContext, parse_campaign};
use overture_core::Tier;

use crate::{check, check_with, ctx};

/// The head of a valid campaign, then `steps: [invite]` on lines 4–5.
const STEPS: &str = "steps:\n  - invite\n";

#[test]
fn yaml_syntax_errors_carry_saphyr_positions() {
    check(
        "name: \"unterminated\naccounts: [alice]\n",
        &["c.yaml:1:7: invalid YAML: invalid indentation in quoted scalar"],
    );
    check(
        "name: t\naccounts: [alice\nsteps: []\n",
        &["c.yaml:3:6: invalid YAML: illegal placement of ':' indicator"],
    );
    check(
        "name: t\nname: u\n",
        &["c.yaml:2:1: duplicate key (a key may appear once in a mapping; remove or rename one)"],
    );
}

#[test]
fn file_shape() {
    let empty =
        "c.yaml:1:1: the file is empty (a campaign needs `name`, `accounts`, `leads` and `steps`)";
    check("", &[empty]);
    check("# only a comment\n", &[empty]);
    check(
        "- invite\n",
        &["c.yaml:1:1: a campaign file must be a mapping, like `name: founders-q1`, found a list"],
    );
    check(
        &format!("name: t\naccounts: [alice]\nleads: {{ list: founders }}\n{STEPS}---\nname: u\n"),
        &["c.yaml:7:1: a file holds one campaign (move this document to its own file)"],
    );
    check(
        "{}",
        &[
            "c.yaml:1:1: missing `name` (add one, like `name: founders-q1`)",
            "c.yaml:1:1: missing `accounts` (list the senders, like `accounts: [alice]`)",
            "c.yaml:1:1: missing `leads` (name a list, like `leads: { list: founders }`)",
            "c.yaml:1:1: missing `steps` (list what to do, like `steps: [visit_profile, invite]`)",
        ],
    );
    check(
        "name: t\naccounts: [alice]\n1: x\nleads: { list: founders }\n",
        &[
            "c.yaml:1:1: missing `steps` (list what to do, like `steps: [visit_profile, invite]`)",
            "c.yaml:3:1: keys must be text, found a number",
        ],
    );
}

#[test]
fn unknown_top_level_keys() {
    let head = "name: t\naccounts: [alice]\nleads: { list: founders }\n";
    check(
        &format!("{head}step:\n  - invite\n"),
        &[
            "c.yaml:1:1: missing `steps` (list what to do, like `steps: [visit_profile, invite]`)",
            "c.yaml:4:1: unknown key `step` (did you mean `steps`?)",
        ],
    );
    check(
        &format!("{head}{STEPS}colour: blue\n"),
        &[
            "c.yaml:6:1: unknown key `colour` (expected one of `name`, `accounts`, `mailboxes`, `leads`, `settings`, `steps`)",
        ],
    );
    check(
        &format!("{head}{STEPS}priority: 3\n"),
        &["c.yaml:6:1: unknown key `priority` (it belongs under `settings`)"],
    );
    check(
        &format!("{head}{STEPS}invite: {{}}\n"),
        &["c.yaml:6:1: unknown key `invite` (steps go in the `steps` list)"],
    );
}

#[test]
fn name() {
    let rest = format!("accounts: [alice]\nleads: {{ list: founders }}\n{STEPS}");
    check(
        &format!("name: 2024\n{rest}"),
        &["c.yaml:1:7: `name` must be text, found a number (put it in quotes)"],
    );
    check(
        &format!("name: \"\"\n{rest}"),
        &["c.yaml:1:7: `name` is empty (write some text)"],
    );
    check(&format!("name: \"2024\"\n{rest}"), &[]);
    // A value written as nothing points at its key.
    check(
        &format!("name:\n{rest}"),
        &["c.yaml:1:1: `name` must be text, found nothing"],
    );
    check(
        &format!("name: ~\n{rest}"),
        &["c.yaml:1:7: `name` must be text, found nothing"],
    );
}

/// A campaign with `accounts` on line 2 given as `value`.
fn accounts(value: &str) -> String {
    format!("name: t\naccounts: {value}\nleads: {{ list: founders }}\n{STEPS}")
}

#[test]
fn accounts_are_known_and_listed_once() {
    check(
        &accounts("[alice, dave]"),
        &["c.yaml:2:19: unknown account `dave` (known: alice, bob, carol)"],
    );
    check(
        &accounts("[alise]"),
        &["c.yaml:2:12: unknown account `alise` (did you mean `alice`?)"],
    );
    check(
        &accounts("[alice, alice]"),
        &["c.yaml:2:19: account `alice` is listed twice (remove one)"],
    );
    check(
        &accounts("[]"),
        &["c.yaml:2:11: `accounts` is empty (list at least one sender, like `[alice]`)"],
    );
    check(
        &accounts("alice"),
        &["c.yaml:2:11: `accounts` must be a list, like `accounts: [alice]`, found text"],
    );
    check(
        &accounts("[alice, 7]"),
        &["c.yaml:2:19: `accounts` must be text, found a number (put it in quotes)"],
    );
    check_with(
        &ValidationContext::new(),
        &accounts("[alice]"),
        &[
            "c.yaml:2:12: unknown account `alice` (no accounts are set up yet; add the account first)",
        ],
    );
    check(&accounts("\n  - bob\n  - carol"), &[]);
}

/// A campaign with `leads` on line 3 given as `value`.
fn leads(value: &str) -> String {
    format!("name: t\naccounts: [alice]\nleads: {value}\n{STEPS}")
}

#[test]
fn leads_name_a_known_list() {
    check(
        &leads("{ lst: founders }"),
        &[
            "c.yaml:3:8: `leads` needs `list`, like `leads: { list: founders }`",
            "c.yaml:3:10: unknown key `lst` in `leads` (did you mean `list`?)",
        ],
    );
    check(
        &leads("founders"),
        &["c.yaml:3:8: `leads` must be a mapping, like `leads: { list: founders }`, found text"],
    );
    let lists = ctx().with_lists(["founders", "investors"]);
    check_with(&lists, &leads("{ list: founders }"), &[]);
    check_with(
        &lists,
        &leads("{ list: fonders }"),
        &["c.yaml:3:16: unknown list `fonders` (did you mean `founders`?)"],
    );
    check_with(
        &lists,
        &leads("{ list: engineers }"),
        &["c.yaml:3:16: unknown list `engineers` (known: founders, investors)"],
    );
    check_with(
        &ctx().with_lists(Vec::<String>::new()),
        &leads("{ list: founders }"),
        &["c.yaml:3:16: unknown list `founders` (no such list yet; import leads into it first)"],
    );
    // Without known lists, any list name goes.
    check(&leads("{ list: engineers }"), &[]);
}

#[test]
fn settings_have_types_and_defaults() {
    let head = "name: t\naccounts: [alice]\nleads: { list: founders }\n";
    check(
        &format!(
            "{head}settings:\n  stop_on_reply: maybe\n  priority: high\n  limits: {{ invites_per_day: 5 }}\n  skip_if_contacted: true\n{STEPS}"
        ),
        &[
            "c.yaml:5:18: `stop_on_reply` must be true or false, found text",
            "c.yaml:6:13: `priority` must be a whole number, found text",
            "c.yaml:7:3: unknown key `limits` (per-campaign limits are not supported yet; the accounts' limits apply)",
            "c.yaml:8:3: unknown key `skip_if_contacted` in `settings` (did you mean `skip_if_contacted_by_any_campaign`?)",
        ],
    );
    check(
        &format!("{head}settings: {{ priority: 1.5 }}\n{STEPS}"),
        &["c.yaml:4:23: `priority` must be a whole number, found a decimal number"],
    );
    check(
        &format!("{head}settings: {{ priority: 3000000000 }}\n{STEPS}"),
        &["c.yaml:4:23: `priority` is out of range (use a small number like 10)"],
    );
    check(
        &format!("{head}settings: [stop_on_reply]\n{STEPS}"),
        &[
            "c.yaml:4:11: `settings` must be a mapping, like `settings: { stop_on_reply: true }`, found a list",
        ],
    );

    let spec = parse_campaign(
        "c.yaml",
        &format!("{head}settings: {{ priority: -2, stop_on_reply: false }}\n{STEPS}"),
        &ctx(),
    )
    .expect("valid");
    assert_eq!(spec.settings.priority, -2);
    assert!(!spec.settings.stop_on_reply);
    assert!(
        spec.settings.skip_if_contacted_by_any_campaign,
        "defaults to true"
    );
    let spec =
        parse_campaign("c.yaml", &format!("{head}settings:\n{STEPS}"), &ctx()).expect("valid");
    assert_eq!(spec.settings, Default::default());
}

/// A campaign that invites with two notes and waits for the answer, with these `settings`
/// lines (from line 5); the steps follow.
fn with_settings(settings: &str) -> String {
    format!(
        "name: t\naccounts: [alice]\nleads: {{ list: founders }}\nsettings:\n{settings}steps:\n  - invite: {{ note: [\"One.\", \"Two.\"] }}\n  - wait_for_acceptance: {{ within: 30d }}\n"
    )
}

#[test]
fn a_campaign_tightens_the_governor_with_checked_values() {
    let spec = parse_campaign(
        "c.yaml",
        &with_settings(
            "  governor: { max_pending: 200, withdraw_after: 30d, smart_threshold: 2%, min_age: 5d }\n",
        ),
        &ctx(),
    )
    .expect("valid");
    let g = spec.settings.governor;
    assert_eq!(g.max_pending, Some(200));
    assert_eq!(g.withdraw_after.map(|d| d.to_string()), Some("30d".into()));
    assert_eq!(g.smart_threshold, Some(0.02));
    assert_eq!(g.min_age.map(|d| d.to_string()), Some("5d".into()));
    let spec = parse_campaign(
        "c.yaml",
        &with_settings("  governor: { smart_threshold: 0.05 }\n"),
        &ctx(),
    )
    .expect("valid");
    assert_eq!(spec.settings.governor.smart_threshold, Some(0.05));
    assert_eq!(spec.settings.governor.max_pending, None);

    check(
        &with_settings(
            "  governor:\n    max_pending: 0\n    withdraw_after: 3\n    smart_threshold: 150%\n    withdrawals_per_day: 10\n    smart: false\n    max_pendng: 3\n",
        ),
        &[
            "c.yaml:6:18: `max_pending` must be a whole number from 1 (like 200); to send no more invitations, pause the campaign",
            "c.yaml:7:21: duration `3` needs a unit after the number: w, d, h or m (like `2d`)",
            "c.yaml:8:22: `smart_threshold` must be a probability between 0 and 1, like 0.02 or 2%, found `150%`",
            "c.yaml:9:5: unknown key `withdrawals_per_day` (`withdrawals_per_day` is the account's own setting; change it with `overture account set NAME --governor withdrawals_per_day=…`)",
            "c.yaml:10:5: unknown key `smart` (give `smart_threshold` to withdraw this campaign's unlikely invitations; a campaign cannot turn the account's smart withdrawal off)",
            "c.yaml:11:5: unknown key `max_pendng` in `governor` (did you mean `max_pending`?)",
        ],
    );
    check(
        &with_settings("  governor: 400\n"),
        &[
            "c.yaml:5:13: `governor` must be a mapping, like `governor: { max_pending: 200, withdraw_after: 30d }`, found a number",
        ],
    );
}

#[test]
fn retry_after_withdrawal_is_checked_against_the_steps() {
    let spec = parse_campaign(
        "c.yaml",
        &with_settings("  retry_after_withdrawal: { max_attempts: 1, note_variant: 2 }\n"),
        &ctx(),
    )
    .expect("valid");
    let retry = spec.settings.retry_after_withdrawal.expect("opted in");
    assert_eq!((retry.max_attempts, retry.note_variant), (1, Some(1)));

    check(
        &with_settings("  retry_after_withdrawal: { max_attempts: 4, note_variant: 3 }\n"),
        &[
            "c.yaml:5:43: `max_attempts` must be from 1 to 3: a person who ignored that many invitations will not accept another",
        ],
    );
    check(
        &with_settings("  retry_after_withdrawal: { max_attempts: 1, note_variant: 3 }\n"),
        &["c.yaml:5:60: `note_variant` 3: the `invite` on line 7 has 2 notes (use 1 to 2)"],
    );
    check(
        &with_settings("  retry_after_withdrawal: { note_variant: 0 }\n"),
        &[
            "c.yaml:5:27: `retry_after_withdrawal` needs `max_attempts`, like `{ max_attempts: 1 }`",
            "c.yaml:5:43: `note_variant` counts the invite's notes from 1 (1 is the first note)",
        ],
    );
    check(
        "name: t\naccounts: [alice]\nleads: { list: founders }\nsettings: { retry_after_withdrawal: { max_attempts: 1 } }\nsteps: [invite]\n",
        &[
            "c.yaml:4:37: `retry_after_withdrawal` needs a `wait_for_acceptance` step: it invites again a lead whose invitation was withdrawn while the campaign waited for it",
        ],
    );
}

#[test]
fn many_problems_are_all_reported_in_file_order() {
    let yaml = "\
name: founders-q1
accounts: [alice, dave]
leads: { list: founders }
settings:
  stop_on_reply: yes
steps:
  - visit
  - wait: 3x
  - invite:
      note: \"\"
  - wait_for_acceptance: { within: 0d, not_accepted: fallback }
  - label: thanks
    message: { text: \"Thanks!\" }
  - label: thanks
    end:
colour: blue
";
    check(
        yaml,
        &[
            "c.yaml:2:19: unknown account `dave` (known: alice, bob, carol)",
            "c.yaml:5:18: `stop_on_reply` must be true or false, found text",
            "c.yaml:7:5: unknown step `visit` (did you mean `visit_profile`?)",
            "c.yaml:8:11: duration `3x` has unknown unit `x` (use w, d, h or m)",
            "c.yaml:10:13: `note` is empty (write some text)",
            "c.yaml:11:36: `within` must be longer than zero (like `2d`)",
            "c.yaml:11:54: unknown label `fallback` (add `label: fallback` to a later step, or use `next`, `end` or `withdraw`)",
            "c.yaml:14:12: duplicate label `thanks` (already used on line 12; rename one)",
            "c.yaml:16:1: unknown key `colour` (expected one of `name`, `accounts`, `mailboxes`, `leads`, `settings`, `steps`)",
        ],
    );
}

#[test]
fn diagnostics_display_as_file_line_column_message() {
    let diagnostic = Diagnostic {
        file: "campaigns/a.yaml".to_owned(),
        line: 3,
        column: 7,
        message: "unknown step `visit`".to_owned(),
    };
    assert_eq!(
        diagnostic.to_string(),
        "campaigns/a.yaml:3:7: unknown step `visit`"
    );
}

#[test]
fn columns_count_characters_not_bytes() {
    check(
        "name: \"Grüße\"\naccounts: [\"ålice\"]\nleads: { list: founders }\nsteps: [invite]\n",
        &["c.yaml:2:12: unknown account `ålice` (did you mean `alice`?)"],
    );
    check(
        "name: Grüße\nsteps: [ visitt ]\naccounts: [alice]\nleads: { list: founders }\n",
        &["c.yaml:2:10: unknown step `visitt` (did you mean `visit_profile`?)"],
    );
    let free = ValidationContext::new().with_account("alice", Tier::Free);
    check_with(
        &free,
        "name: t\naccounts: [alice]\nleads: { list: founders }\nsteps: [ { invite: { note: ok } }, { tag: \"ü\" }, { wait: 1x } ]\n",
        &["c.yaml:4:58: duration `1x` has unknown unit `x` (use w, d, h or m)"],
    );
}
