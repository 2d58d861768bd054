//! The lint: what gets a note ignored, found before it is sent.
//!
//! [`lint`] reads a template as the leads will: every alternative of every spintax group is
//! read at least once, and so is the longest spelling, with template tags blanked out except
//! their quoted fallbacks. Each finding names its [rule](RULES) (a stable id, a severity, an
//! explanation and a fix), says what it found and points at the byte range of the source it
//! found it in. The score starts at 100 and loses [`Severity::penalty`] points for each rule
//! that fires, down to 0.
//!
//! [`note_features`] measures the same things on a rendered note; the sandbox's acceptance
//! model reads them, so that a better note does measurably better in simulations.

mod features;
mod patterns;
mod rules;

use std::collections::BTreeSet;
use std::sync::LazyLock;

use overture_core::Tier;
use regex::Regex;
use serde::Serialize;

use crate::kind::{TextKind, length};
use crate::spelling::{Form, Spelling};
use crate::template::Template;
use crate::vars::{ALWAYS_KNOWN, is_known, unknown_variable};

pub use features::{NoteFeatures, note_features};
pub use rules::{RULES, Rule, Severity, rule};

/// One thing the lint found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule's id.
    pub rule: &'static str,
    /// How bad it is.
    pub severity: Severity,
    /// What was found, for the user.
    pub message: String,
    /// The byte range of the source it was found in.
    pub span: (usize, usize),
}

/// The lint's verdict on a template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lint {
    /// From 0 to 100: 100 without findings.
    pub score: u32,
    /// What was found, in source order.
    pub findings: Vec<Finding>,
}

impl Lint {
    /// Whether a finding is an error.
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

/// Lints `source`, a template of `kind` sent from an account of `tier`.
pub fn lint(source: &str, kind: TextKind, tier: Tier) -> Lint {
    let mut found = Found::new(kind);
    let whole = (0, source.len());
    if source.trim().is_empty() {
        found.add("empty", "the text is empty".to_owned(), whole);
        return found.finish();
    }
    let spintax = match overture_core::spintax::Spintax::parse(source) {
        Ok(spintax) => spintax,
        Err(error) => {
            let template_error = crate::TemplateError::from(error);
            found.add("syntax", template_error.to_string(), template_error.span());
            return found.finish();
        }
    };
    let variables = match Template::new(source) {
        Ok(template) => Some(template.variables().clone()),
        Err(error) => {
            found.add("syntax", error.to_string(), error.span());
            None
        }
    };
    let spellings = Spelling::samples(&spintax, Form::Plain);
    // `samples` puts the longest spelling last.
    let longest = spellings.len() - 1;
    let variables = variables.unwrap_or_default();
    let lead_vars: BTreeSet<&str> = variables
        .iter()
        .map(String::as_str)
        .filter(|v| !v.starts_with("sender.") && is_known(v))
        .collect();

    for name in variables.iter().filter(|v| !is_known(v)) {
        let span = find_in_tags(&spintax, source, name).unwrap_or(whole);
        let message = unknown_variable(name);
        found.add("unknown-variable", message, span);
    }

    for spelling in &spellings {
        let reading = reading(spelling);
        let map = |m: regex::Match<'_>| spelling.span(m.start(), m.end(), source);
        if !reading.chars().any(char::is_alphanumeric) {
            found.add(
                "empty",
                "the text has no words of its own, only variables or conditional parts".to_owned(),
                whole,
            );
        }
        if let Some(m) = patterns::GENERIC.find(&reading) {
            let message = format!("generic opener \"{}\"", m.as_str().trim());
            found.add("generic-opener", message, map(m));
        }
        for m in patterns::SELLING.find_iter(&reading) {
            let message = format!("selling in the first touch: \"{}\"", m.as_str().trim());
            found.add("selling", message, map(m));
        }
        for m in patterns::LINK.find_iter(&reading) {
            let message = format!("a link in the note: \"{}\"", m.as_str());
            found.add("link-in-invite", message, map(m));
        }
        let hook = lead_vars
            .iter()
            .any(|v| v.starts_with("custom.") || matches!(*v, "position" | "headline"));
        if !hook && !patterns::REASON.is_match(&reading) {
            let message = if spintax.spins() {
                "a spelling gives no reason to connect (no common ground, shared event, group, acquaintance, their post or role)"
            } else {
                "no reason to connect (no common ground, shared event, group, acquaintance, their post or role)"
            };
            found.add("no-reason", message.to_owned(), whole);
        }
        if let Some(m) = patterns::loud_word(&reading) {
            let message = format!("\"{}\" in capitals", m.as_str());
            found.add("shouting", message, map(m));
        }
        match patterns::exclamations(&reading) {
            Some(patterns::Exclamations::InARow(m)) => found.add(
                "exclamations",
                "exclamation marks in a row".to_owned(),
                map(m),
            ),
            Some(patterns::Exclamations::Many { third, count }) => found.add(
                "exclamations",
                format!("{count} exclamation marks (keep one at most)"),
                spelling.span(third, third + 1, source),
            ),
            None => {}
        }
        if let Some(emoji) = patterns::emoji_pile(&reading)
            && let Some(&(first, c)) = emoji.first()
        {
            let message = format!("{} emoji (keep two at most)", emoji.len());
            found.add(
                "emoji",
                message,
                spelling.span(first, first + c.len_utf8(), source),
            );
        }
    }

    if lead_vars.is_empty() {
        found.add(
            "no-personalisation",
            "no variable: every lead gets the same text".to_owned(),
            whole,
        );
    }
    if let (Some(limit), Some(spelling)) = (kind.limit(tier), spellings.get(longest)) {
        let estimate = estimate(spelling);
        if estimate > limit {
            let message = format!(
                "about {estimate} characters with typical lead data, over the {} limit of {limit}{}",
                kind.describe(),
                if kind == TextKind::Invite {
                    format!(" on a {} account", tier.as_str().replace('_', " "))
                } else {
                    String::new()
                }
            );
            found.add("too-long", message, whole);
        }
    }
    no_fallback(&spintax, &mut found);
    found.finish()
}

/// The text a reader sees: template tags blanked out with spaces, except the quoted strings
/// in `{{ … }}` (fallbacks); byte offsets are kept.
fn reading(spelling: &Spelling) -> String {
    let mut out = spelling.text.clone().into_bytes();
    for &(start, end) in &spelling.tags {
        let tag = &spelling.text[start..end];
        let prints = tag.starts_with("{{");
        let mut quote: Option<char> = None;
        for (i, c) in tag.char_indices() {
            let keep = match quote {
                Some(q) if c == q => {
                    quote = None;
                    false
                }
                Some(_) => true,
                None => {
                    if prints && (c == '"' || c == '\'') {
                        quote = Some(c);
                    }
                    false
                }
            };
            if !keep {
                out[start + i..start + i + c.len_utf8()].fill(b' ');
            }
        }
    }
    // Only whole characters were blanked, with ASCII spaces: still UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

/// The byte range of the first tag in `source` that names `variable`.
fn find_in_tags(
    spintax: &overture_core::spintax::Spintax,
    source: &str,
    variable: &str,
) -> Option<(usize, usize)> {
    let head = variable.split('.').next().unwrap_or(variable);
    spintax.tags().into_iter().find_map(|(tag, at)| {
        let i = tag.find(head)?;
        let end = (at + i + variable.len()).min(source.len());
        Some((at + i, end))
    })
}

/// Names in a tag: identifiers with their dotted parts.
static NAMES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#""[^"]*"|'[^']*'|\|\s*[A-Za-z_]\w*|\b[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*"#)
        .unwrap_or_else(|e| panic!("bad pattern: {e}"))
});

/// The variables a tag names (not its filters, strings or keywords).
fn tag_variables(tag: &str) -> Vec<&str> {
    let inner = tag.get(2..tag.len().saturating_sub(2)).unwrap_or("");
    NAMES
        .find_iter(inner)
        .map(|m| m.as_str())
        .filter(|m| !m.starts_with(['"', '\'', '|']))
        .filter(|m| is_known(m))
        .collect()
}

/// A length for the longest spelling with typical values in its `{{ … }}` tags.
fn estimate(spelling: &Spelling) -> usize {
    let mut total = 0;
    let mut last = 0;
    for &(start, end) in &spelling.tags {
        total += length(&spelling.text[last..start]);
        let tag = &spelling.text[start..end];
        if tag.starts_with("{{") {
            let quoted = quoted_lengths(tag).max().unwrap_or(0);
            let typical = tag_variables(tag)
                .into_iter()
                .map(typical_length)
                .max()
                .unwrap_or(0);
            total += quoted.max(typical);
        }
        last = end;
    }
    total + length(&spelling.text[last..])
}

fn quoted_lengths(tag: &str) -> impl Iterator<Item = usize> + '_ {
    NAMES
        .find_iter(tag)
        .map(|m| m.as_str())
        .filter(|m| m.starts_with(['"', '\'']))
        .map(|m| length(m).saturating_sub(2))
}

/// A typical value's length: long enough that most leads fit when the estimate does.
fn typical_length(variable: &str) -> usize {
    match variable.rsplit('.').next().unwrap_or(variable) {
        "first_name" => 9,
        "last_name" => 10,
        "full_name" => 20,
        "headline" => 60,
        "position" => 28,
        "email" => 25,
        "profile_url" => 45,
        _ => 20,
    }
}

/// Adds `no-fallback` for each printed variable many leads lack, with no `default` in its tag
/// and no `{% if %}` naming it.
fn no_fallback(spintax: &overture_core::spintax::Spintax, found: &mut Found) {
    let tags = spintax.tags();
    let guarded: BTreeSet<&str> = tags
        .iter()
        .filter(|(tag, _)| tag.starts_with("{%"))
        .flat_map(|(tag, _)| tag_variables(tag))
        .collect();
    for (tag, at) in &tags {
        if !tag.starts_with("{{") || tag.contains("default") {
            continue;
        }
        for variable in tag_variables(tag) {
            // A sender's profile is set once per account; validation checks it.
            let sender = variable.starts_with("sender.");
            if sender || ALWAYS_KNOWN.contains(&variable) || guarded.contains(variable) {
                continue;
            }
            let message = format!(
                "`{variable}` has no fallback: leads without one cannot get this text (add `| default(\"…\")`)"
            );
            found.add("no-fallback", message, (*at, at + tag.len()));
        }
    }
}

/// Findings as they are found: deduplicated, only for rules that apply to the kind.
struct Found {
    kind: TextKind,
    findings: Vec<Finding>,
}

impl Found {
    fn new(kind: TextKind) -> Self {
        Found {
            kind,
            findings: Vec::new(),
        }
    }

    fn add(&mut self, id: &'static str, message: String, span: (usize, usize)) {
        let Some(rule) = rule(id).filter(|r| r.kinds.contains(&self.kind)) else {
            return;
        };
        let same_place = |f: &Finding| f.rule == id && (f.span == span || f.message == message);
        if self.findings.iter().any(same_place) {
            return;
        }
        self.findings.push(Finding {
            rule: id,
            severity: rule.severity,
            message,
            span,
        });
    }

    fn finish(mut self) -> Lint {
        let order = |id: &str| RULES.iter().position(|r| r.id == id).unwrap_or(usize::MAX);
        self.findings
            .sort_by_key(|f| (f.span.0, order(f.rule), f.span.1));
        let fired: BTreeSet<&str> = self.findings.iter().map(|f| f.rule).collect();
        let penalty: u32 = fired
            .iter()
            .filter_map(|id| rule(id))
            .map(|r| r.severity.penalty())
            .sum();
        Lint {
            score: 100u32.saturating_sub(penalty),
            findings: self.findings,
        }
    }
}
