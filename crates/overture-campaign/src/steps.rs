//! Reading the `steps` list: one list item per step, a step name or a mapping with one action.

use overture_core::sequence::{
    Branch, BranchTarget, Condition, Duration, Email, EmailContent, Invite, Message, StepKind,
    WaitForAcceptance,
};

use crate::diagnostic::{Pos, Report, TextField};
use crate::node::{self, Fields, Node, Within};
use overture_core::suggest;

/// Every step name, in the order the documentation lists them.
pub(crate) const STEP_NAMES: [&str; 12] = [
    "visit_profile",
    "follow",
    "like_recent_post",
    "invite",
    "wait",
    "wait_for_acceptance",
    "message",
    "email",
    "branch",
    "withdraw",
    "tag",
    "end",
];

/// The keys each step's mapping accepts, to explain a key indented one level too little.
const STEP_FIELDS: [(&str, &[&str]); 5] = [
    ("invite", &["note", "without_note_if_quota_exhausted"]),
    (
        "wait_for_acceptance",
        &["within", "accepted", "not_accepted"],
    ),
    ("message", &["text"]),
    ("email", &["subject", "body", "html"]),
    ("branch", &["if", "then", "else"]),
];

/// A step as read, with the positions the cross-step checks point at.
#[derive(Debug)]
pub(crate) struct ParsedStep {
    /// Where the list item starts.
    pub(crate) pos: Pos,
    /// The label and where its value is.
    pub(crate) label: Option<(String, Pos)>,
    /// The action; `None` when it had problems (already reported).
    pub(crate) kind: Option<StepKind>,
    /// The branch targets written in the step, with their positions; kept even when the rest of
    /// the step has problems, so unknown labels are reported too.
    pub(crate) targets: Vec<(BranchTarget, Pos)>,
    /// Where each note of an `invite` is, in the order of `Invite::notes`.
    pub(crate) note_pos: Vec<Pos>,
    /// Every text of the step (notes, message texts, email subjects and bodies), where it is.
    pub(crate) texts: Vec<(TextField, usize, Pos)>,
}

/// Reads one item of the `steps` list.
pub(crate) fn read_step(item: &Node<'_>, report: &mut Report<'_>) -> ParsedStep {
    let mut step = ParsedStep {
        pos: node::pos(item),
        label: None,
        kind: None,
        targets: Vec::new(),
        note_pos: Vec::new(),
        texts: Vec::new(),
    };
    if let Some(name) = node::as_str(item) {
        if is_step_name(name, step.pos, report) {
            step.kind = read_action(name, step.pos, None, report, &mut step);
        }
        return step;
    }
    let Some(entries) = node::entries(item, report) else {
        let message = format!(
            "a step must be a step name or a mapping like `wait: 2d`, found {}",
            node::describe(item)
        );
        report.error(step.pos, message);
        return step;
    };
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e.key)
        .filter(|key| STEP_NAMES.contains(key))
        .collect();
    let mut action = None;
    let mut unknown = false;
    for entry in &entries {
        if entry.key == "label" {
            step.label = read_label(entry.value, report);
        } else if !STEP_NAMES.contains(&entry.key) {
            unknown = true;
            let owner = STEP_FIELDS
                .iter()
                .find(|(name, keys)| actions.contains(name) && keys.contains(&entry.key));
            let message = match owner {
                Some((name, _)) => format!(
                    "`{}` belongs inside `{name}` (indent it under `{name}:`)",
                    entry.key
                ),
                None => unknown_step(entry.key, true),
            };
            report.error(entry.key_pos, message);
        } else if let Some((first, _)) = action {
            let message = format!(
                "a step does one thing, and this one already does `{first}` (make `{}` its own list item)",
                entry.key
            );
            report.error(entry.key_pos, message);
        } else {
            action = Some((entry.key, entry));
        }
    }
    match action {
        Some((name, entry)) => {
            let value = (!node::is_null(entry.value)).then_some(entry.value);
            step.kind = read_action(name, entry.key_pos, value, report, &mut step);
        }
        None if !unknown => {
            let message = format!(
                "this step has no action (add {})",
                node::one_of(&STEP_NAMES)
            );
            report.error(step.pos, message);
        }
        None => {}
    }
    step
}

/// Whether `name` is a step, reporting it when it is not.
fn is_step_name(name: &str, at: Pos, report: &mut Report<'_>) -> bool {
    let known = STEP_NAMES.contains(&name);
    if !known {
        report.error(at, unknown_step(name, false));
    }
    known
}

/// "unknown step `visit` (did you mean `visit_profile`?)".
fn unknown_step(name: &str, in_mapping: bool) -> String {
    let extra = if in_mapping { Some("label") } else { None };
    let candidates = STEP_NAMES.iter().copied().chain(extra);
    match suggest::did_you_mean(name, candidates) {
        Some(near) => format!("unknown step `{name}` (did you mean `{near}`?)"),
        None => format!(
            "unknown step `{name}` (expected {})",
            node::one_of(&STEP_NAMES)
        ),
    }
}

/// Reads a label: letters, digits, `-` and `_`, and not a branch target word.
fn read_label(value: &Node<'_>, report: &mut Report<'_>) -> Option<(String, Pos)> {
    let at = node::pos(value);
    let label = node::non_empty_text(value, report, "label")?;
    if BranchTarget::RESERVED.contains(&label) {
        let message =
            format!("`{label}` cannot be a label, it is a branch target (pick another name)");
        report.error(at, message);
        return None;
    }
    if !label
        .chars()
        .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    {
        let message = format!("label `{label}` may only use letters, digits, `-` and `_`");
        report.error(at, message);
        return None;
    }
    Some((label.to_owned(), at))
}

/// Reads the action `name` with its value (`None` for a bare name or an empty value).
fn read_action(
    name: &str,
    at: Pos,
    value: Option<&Node<'_>>,
    report: &mut Report<'_>,
    step: &mut ParsedStep,
) -> Option<StepKind> {
    let simple = match name {
        "visit_profile" => Some(StepKind::VisitProfile),
        "follow" => Some(StepKind::Follow),
        "like_recent_post" => Some(StepKind::LikeRecentPost),
        "withdraw" => Some(StepKind::Withdraw),
        "end" => Some(StepKind::End),
        _ => None,
    };
    if let Some(kind) = simple {
        match value {
            Some(v) if !node::entries(v, report).is_some_and(|e| e.is_empty()) => {
                report.error(
                    node::pos(v),
                    format!("`{name}` takes no value (write `- {name}`)"),
                );
                return None;
            }
            _ => return Some(kind),
        }
    }
    let Some(value) = value else {
        if name == "invite" {
            return Some(StepKind::Invite(Invite::default()));
        }
        report.error(at, needs_value(name));
        return None;
    };
    match name {
        "invite" => read_invite(value, report, step).map(StepKind::Invite),
        "wait" => read_duration(value, report, "wait").map(|duration| StepKind::Wait { duration }),
        "wait_for_acceptance" => {
            read_wait_for_acceptance(value, report, step).map(StepKind::WaitForAcceptance)
        }
        "message" => read_message(value, report, step).map(StepKind::Message),
        "email" => read_email(value, report, step).map(StepKind::Email),
        "branch" => read_branch(value, report, step).map(StepKind::Branch),
        "tag" => node::non_empty_text(value, report, "tag").map(|tag| StepKind::Tag {
            tag: tag.to_owned(),
        }),
        // Only names from `STEP_NAMES` get here, and each is handled above.
        _ => None,
    }
}

/// What to write when a step that needs a value has none.
fn needs_value(name: &str) -> String {
    let example = match name {
        "wait" => "needs a duration, like `wait: 2d`",
        "wait_for_acceptance" => "needs `within`, like `wait_for_acceptance: { within: 14d }`",
        "message" => "needs `text`, like `message: { text: \"Thanks for connecting\" }`",
        "email" => "needs `subject` and `body`, like `email: { subject: \"Hello\", body: \"…\" }`",
        "branch" => "needs `if`, like `branch: { if: has_email, then: next, else: end }`",
        "tag" => "needs a tag, like `tag: warm`",
        _ => "needs a value",
    };
    format!("`{name}` {example}")
}

/// How a step's settings mapping is named in messages.
fn step_shape<'a>(title: &'a str, suffix: &'a str, example: &'a str) -> Within<'a> {
    Within {
        title,
        suffix,
        example,
        misplaced: &|_| None,
    }
}

fn read_invite(value: &Node<'_>, report: &mut Report<'_>, step: &mut ParsedStep) -> Option<Invite> {
    let keys = ["note", "without_note_if_quota_exhausted"];
    let shape = step_shape(
        "`invite`",
        " in `invite`",
        "invite: { note: \"Hi {{ first_name }}\" }",
    );
    let fields = node::fields(value, report, &keys, &shape)?;
    let mut invite = Invite::default();
    if let Some(note) = fields.get("note") {
        for (text, at) in node::texts(note, report, "note") {
            step.texts.push((TextField::Note, invite.notes.len(), at));
            invite.notes.push(text);
            step.note_pos.push(at);
        }
    }
    if let Some(flag) = fields.get("without_note_if_quota_exhausted") {
        invite.without_note_if_quota_exhausted =
            node::boolean(flag, report, "without_note_if_quota_exhausted").unwrap_or_default();
    }
    Some(invite)
}

/// Reads a positive duration.
pub(crate) fn read_duration(
    value: &Node<'_>,
    report: &mut Report<'_>,
    what: &str,
) -> Option<Duration> {
    let at = node::pos(value);
    let Some(text) = node::scalar_text(value) else {
        let message = format!(
            "`{what}` must be a duration like `2d`, found {}",
            node::describe(value)
        );
        report.error(at, message);
        return None;
    };
    match Duration::parse(&text) {
        Ok(duration) if duration.is_zero() => {
            report.error(at, format!("`{what}` must be longer than zero (like `2d`)"));
            None
        }
        Ok(duration) => Some(duration),
        Err(error) => {
            report.error(at, error.to_string());
            None
        }
    }
}

fn read_wait_for_acceptance(
    value: &Node<'_>,
    report: &mut Report<'_>,
    step: &mut ParsedStep,
) -> Option<WaitForAcceptance> {
    let keys = ["within", "accepted", "not_accepted"];
    let example = "wait_for_acceptance: { within: 14d }";
    let shape = step_shape(
        "`wait_for_acceptance`",
        " in `wait_for_acceptance`",
        example,
    );
    let fields = node::fields(value, report, &keys, &shape)?;
    let missing = "`wait_for_acceptance` needs `within`, like `within: 14d`";
    let within = fields
        .require(report, "within", missing)
        .and_then(|v| read_duration(v, report, "within"));
    let mut target = |key: &str, default: BranchTarget| {
        let Some(value) = fields.get(key) else {
            return Some(default);
        };
        let found = read_target(value, report, key)?;
        step.targets.push((found.clone(), node::pos(value)));
        Some(found)
    };
    let accepted = target("accepted", BranchTarget::Next);
    let not_accepted = target("not_accepted", BranchTarget::Withdraw);
    Some(WaitForAcceptance {
        within: within?,
        accepted: accepted?,
        not_accepted: not_accepted?,
    })
}

fn read_branch(value: &Node<'_>, report: &mut Report<'_>, step: &mut ParsedStep) -> Option<Branch> {
    let keys = ["if", "then", "else"];
    let example = "branch: { if: has_email, then: next, else: end }";
    let shape = step_shape("`branch`", " in `branch`", example);
    let fields = node::fields(value, report, &keys, &shape)?;
    let condition = fields
        .require(report, "if", "`branch` needs `if`, like `if: has_email`")
        .and_then(|v| {
            let name = node::non_empty_text(v, report, "if")?;
            let found = Condition::from_name(name);
            if found.is_none() {
                let known = Condition::NAMES.join(", ");
                let message = match suggest::did_you_mean(name, Condition::NAMES.iter().copied()) {
                    Some(near) => format!("unknown condition `{name}` (did you mean `{near}`?)"),
                    None => format!("unknown condition `{name}` (known: {known})"),
                };
                report.error(node::pos(v), message);
            }
            found
        });
    let mut target = |key: &str| {
        let Some(value) = fields.get(key) else {
            return Some(BranchTarget::Next);
        };
        let found = read_target(value, report, key)?;
        step.targets.push((found.clone(), node::pos(value)));
        Some(found)
    };
    let then = target("then");
    let otherwise = target("else");
    Some(Branch {
        condition: condition?,
        then: then?,
        otherwise: otherwise?,
    })
}

fn read_target(value: &Node<'_>, report: &mut Report<'_>, what: &str) -> Option<BranchTarget> {
    let word = node::non_empty_text(value, report, what)?;
    let target = BranchTarget::from_word(word);
    if what == "accepted" && target == BranchTarget::Withdraw {
        let message = "`accepted` cannot be `withdraw`, there is nothing to withdraw (use `next`, `end` or a label)";
        report.error(node::pos(value), message);
        return None;
    }
    Some(target)
}

fn read_message(
    value: &Node<'_>,
    report: &mut Report<'_>,
    step: &mut ParsedStep,
) -> Option<Message> {
    let shape = step_shape(
        "`message`",
        " in `message`",
        "message: { text: \"Thanks for connecting\" }",
    );
    let fields = node::fields(value, report, &["text"], &shape)?;
    let missing = "`message` needs `text`, like `text: \"Thanks for connecting\"`";
    let text = fields.require(report, "text", missing)?;
    let mut texts = Vec::new();
    for (t, at) in node::texts(text, report, "text") {
        step.texts.push((TextField::Text, texts.len(), at));
        texts.push(t);
    }
    (!texts.is_empty()).then_some(Message { texts })
}

fn read_email(value: &Node<'_>, report: &mut Report<'_>, step: &mut ParsedStep) -> Option<Email> {
    let items = match node::as_list(value) {
        Some([]) => {
            report.error(
                node::pos(value),
                "`email` is an empty list (give at least one `subject` and `body`)",
            );
            return None;
        }
        Some(items) => items,
        None => std::slice::from_ref(value),
    };
    let mut variants = Vec::new();
    let mut complete = true;
    for (variant, item) in items.iter().enumerate() {
        match read_email_content(item, report, variant, step) {
            Some(content) => variants.push(content),
            None => complete = false,
        }
    }
    complete.then_some(Email { variants })
}

fn read_email_content(
    value: &Node<'_>,
    report: &mut Report<'_>,
    variant: usize,
    step: &mut ParsedStep,
) -> Option<EmailContent> {
    let example = "email: { subject: \"Hello\", body: \"…\" }";
    let shape = step_shape("`email`", " in `email`", example);
    let fields: Fields<'_, '_> = node::fields(value, report, &["subject", "body", "html"], &shape)?;
    let subject = fields
        .require(
            report,
            "subject",
            "`email` needs `subject`, like `subject: \"Quick question\"`",
        )
        .and_then(|v| {
            step.texts.push((TextField::Subject, variant, node::pos(v)));
            node::non_empty_text(v, report, "subject")
        });
    let body = fields
        .require(
            report,
            "body",
            "`email` needs `body`, the text of the email",
        )
        .and_then(|v| {
            step.texts.push((TextField::Body, variant, node::pos(v)));
            node::non_empty_text(v, report, "body")
        });
    let html = match fields.get("html") {
        Some(v) => {
            step.texts.push((TextField::Html, variant, node::pos(v)));
            Some(node::non_empty_text(v, report, "html")?.to_owned())
        }
        None => None,
    };
    Some(EmailContent {
        subject: subject?.to_owned(),
        body: body?.to_owned(),
        html,
    })
}
