//! Reading the top of a campaign file: `name`, `accounts`, `leads`, `settings` and `steps`.

use std::collections::BTreeMap;

use overture_core::Tier;
use overture_core::sequence::{CampaignSpec, LeadSource, Step};

use crate::check;
use crate::diagnostic::{CampaignText, Pos, Report, ValidationContext};
use crate::node::{self, Node, Within};
use crate::settings;
use crate::steps::{self, ParsedStep};
use overture_core::suggest;

const TOP_KEYS: [&str; 6] = [
    "name",
    "accounts",
    "mailboxes",
    "leads",
    "settings",
    "steps",
];

/// Reads and validates a whole campaign, with where its texts are; `None` when anything was
/// reported.
pub(crate) fn read_campaign(
    root: &Node<'_>,
    report: &mut Report<'_>,
    ctx: &ValidationContext,
) -> Option<(CampaignSpec, Vec<CampaignText>)> {
    let errors_before = report.count();
    let misplaced = |key: &str| {
        if settings::SETTINGS_KEYS.contains(&key) {
            Some("it belongs under `settings`".to_owned())
        } else if steps::STEP_NAMES.contains(&key) {
            Some("steps go in the `steps` list".to_owned())
        } else {
            None
        }
    };
    let shape = Within {
        title: "a campaign file",
        suffix: "",
        example: "name: founders-q1",
        misplaced: &misplaced,
    };
    let fields = node::fields(root, report, &TOP_KEYS, &shape)?;

    let name = fields
        .require(
            report,
            "name",
            "missing `name` (add one, like `name: founders-q1`)",
        )
        .and_then(|v| node::non_empty_text(v, report, "name"));
    let accounts = fields
        .require(
            report,
            "accounts",
            "missing `accounts` (list the senders, like `accounts: [alice]`)",
        )
        .and_then(|v| read_accounts(v, report, ctx));
    let mailboxes = match fields.get("mailboxes") {
        Some(v) if !node::is_null(v) => read_mailboxes(v, report, ctx),
        _ => Some(Vec::new()),
    };
    let leads = fields
        .require(
            report,
            "leads",
            "missing `leads` (name a list, like `leads: { list: founders }`)",
        )
        .and_then(|v| read_leads(v, report, ctx));
    let settings = match fields.get("settings") {
        Some(v) if !node::is_null(v) => settings::read_settings(v, report),
        _ => Some(settings::Read::default()),
    };
    let parsed_steps = fields
        .require(
            report,
            "steps",
            "missing `steps` (list what to do, like `steps: [visit_profile, invite]`)",
        )
        .and_then(|v| read_steps(v, report));

    if let Some(parsed) = &parsed_steps {
        let tiers = accounts
            .as_ref()
            .map(|a| account_tiers(a, ctx))
            .unwrap_or_default();
        check::check_steps(parsed, &tiers, report);
        if let Some(read) = &settings {
            settings::check_retry(read, parsed, report);
        }
    }
    if report.count() > errors_before {
        return None;
    }
    let parsed_steps = parsed_steps?;
    let texts = parsed_steps
        .iter()
        .enumerate()
        .flat_map(|(step, s)| {
            s.texts
                .iter()
                .map(move |&(field, variant, at)| CampaignText {
                    step,
                    field,
                    variant,
                    line: at.line,
                    column: at.column,
                })
        })
        .collect();
    let steps = parsed_steps
        .into_iter()
        .map(|s| {
            Some(Step {
                label: s.label.map(|(label, _)| label),
                kind: s.kind?,
            })
        })
        .collect::<Option<Vec<Step>>>()?;
    let spec = CampaignSpec {
        name: name?.to_owned(),
        accounts: accounts?,
        mailboxes: mailboxes?,
        leads: leads?,
        settings: settings?.settings,
        steps,
    };
    Some((spec, texts))
}

/// The tiers of the campaign's known accounts, by handle.
fn account_tiers<'a>(accounts: &'a [String], ctx: &ValidationContext) -> BTreeMap<&'a str, Tier> {
    accounts
        .iter()
        .filter_map(|handle| Some((handle.as_str(), ctx.tier_of(handle)?)))
        .collect()
}

fn read_accounts(
    value: &Node<'_>,
    report: &mut Report<'_>,
    ctx: &ValidationContext,
) -> Option<Vec<String>> {
    let at = node::pos(value);
    let Some(items) = node::as_list(value) else {
        let message = format!(
            "`accounts` must be a list, like `accounts: [alice]`, found {}",
            node::describe(value)
        );
        report.error(at, message);
        return None;
    };
    if items.is_empty() {
        report.error(
            at,
            "`accounts` is empty (list at least one sender, like `[alice]`)",
        );
        return None;
    }
    let mut handles: Vec<String> = Vec::with_capacity(items.len());
    let mut valid = true;
    for item in items {
        let Some(handle) = node::non_empty_text(item, report, "accounts") else {
            valid = false;
            continue;
        };
        if handles.iter().any(|h| h == handle) {
            report.error(
                node::pos(item),
                format!("account `{handle}` is listed twice (remove one)"),
            );
            valid = false;
        } else if ctx.tier_of(handle).is_none() {
            let known = ctx.accounts.keys().map(String::as_str);
            let message = unknown_name(
                "account",
                handle,
                known,
                "no accounts are set up yet; add the account first",
            );
            report.error(node::pos(item), message);
            valid = false;
        }
        handles.push(handle.to_owned());
    }
    valid.then_some(handles)
}

fn read_mailboxes(
    value: &Node<'_>,
    report: &mut Report<'_>,
    ctx: &ValidationContext,
) -> Option<Vec<String>> {
    let Some(items) = node::as_list(value) else {
        let message = format!(
            "`mailboxes` must be a list, like `mailboxes: [ana]`, found {}",
            node::describe(value)
        );
        report.error(node::pos(value), message);
        return None;
    };
    let mut handles: Vec<String> = Vec::with_capacity(items.len());
    let mut valid = true;
    for item in items {
        let Some(handle) = node::non_empty_text(item, report, "mailboxes") else {
            valid = false;
            continue;
        };
        if handles.iter().any(|h| h == handle) {
            report.error(
                node::pos(item),
                format!("mailbox `{handle}` is listed twice (remove one)"),
            );
            valid = false;
        } else if !ctx.mailboxes.contains(handle) && ctx.any_account.is_none() {
            let known = ctx.mailboxes.iter().map(String::as_str);
            let message = unknown_name(
                "mailbox",
                handle,
                known,
                "no email accounts are set up yet; add one with `overture account add email`",
            );
            report.error(node::pos(item), message);
            valid = false;
        }
        handles.push(handle.to_owned());
    }
    valid.then_some(handles)
}

/// "unknown account `x` (did you mean `y`?)", or the known names, or what to do when there are none.
fn unknown_name<'a>(
    what: &str,
    given: &str,
    known: impl Iterator<Item = &'a str> + Clone,
    add: &str,
) -> String {
    if let Some(near) = suggest::did_you_mean(given, known.clone()) {
        return format!("unknown {what} `{given}` (did you mean `{near}`?)");
    }
    let names: Vec<&str> = known.take(11).collect();
    match names.len() {
        0 => format!("unknown {what} `{given}` ({add})"),
        1..=10 => format!("unknown {what} `{given}` (known: {})", names.join(", ")),
        _ => format!("unknown {what} `{given}` ({add})"),
    }
}

fn read_leads(
    value: &Node<'_>,
    report: &mut Report<'_>,
    ctx: &ValidationContext,
) -> Option<LeadSource> {
    let shape = Within {
        title: "`leads`",
        suffix: " in `leads`",
        example: "leads: { list: founders }",
        misplaced: &|_| None,
    };
    let fields = node::fields(value, report, &["list"], &shape)?;
    let list_node = fields.require(
        report,
        "list",
        "`leads` needs `list`, like `leads: { list: founders }`",
    )?;
    let list = node::non_empty_text(list_node, report, "list")?;
    if let Some(known) = &ctx.lists
        && !known.contains(list)
    {
        let names = known.iter().map(String::as_str);
        let message = unknown_name(
            "list",
            list,
            names,
            "no such list yet; import leads into it first",
        );
        report.error(node::pos(list_node), message);
        return None;
    }
    Some(LeadSource::List(list.to_owned()))
}

fn read_steps(value: &Node<'_>, report: &mut Report<'_>) -> Option<Vec<ParsedStep>> {
    let at: Pos = node::pos(value);
    let Some(items) = node::as_list(value) else {
        let message = format!(
            "`steps` must be a list, like `steps: [visit_profile, invite]`, found {}",
            node::describe(value)
        );
        report.error(at, message);
        return None;
    };
    if items.is_empty() {
        report.error(
            at,
            "`steps` is empty (add at least one step, like `- invite`)",
        );
        return None;
    }
    Some(
        items
            .iter()
            .map(|item| steps::read_step(item, report))
            .collect(),
    )
}
