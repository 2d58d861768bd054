//! Checking a template for one lead: the text the lead will get, and what is wrong with it.
//!
//! [`check_lead`] renders the spelling the lead's seed picks, the text that will be sent, and
//! the longest spelling, the one a length limit must allow (a retry after an edit of the lead,
//! a new variant index: the longest is what is safe for any spelling). Each problem comes with
//! the fix.

use overture_core::Tier;
use serde::Serialize;

use crate::kind::{TextKind, length};
use crate::template::{RenderError, Template};
use crate::vars::Vars;

/// What is wrong with a template's text for one lead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Problem {
    /// The text is longer than the kind's limit.
    TooLong {
        /// Its length (see [`length`]).
        length: usize,
        /// The limit.
        limit: usize,
        /// Whether this is the longest spelling; `false` when the lead's own spelling is.
        longest: bool,
    },
    /// The text renders empty.
    Empty,
    /// The text prints variables the lead has no value for, without a fallback.
    Missing {
        /// The variables.
        variables: Vec<String>,
    },
    /// The template fails for this lead for another reason.
    Failed {
        /// Why.
        message: String,
    },
}

impl Problem {
    /// What is wrong, in a sentence for the user.
    pub fn message(&self, kind: TextKind) -> String {
        let what = kind.describe();
        match self {
            Problem::TooLong {
                length,
                limit,
                longest: true,
            } => format!(
                "the longest spelling of the {what} is {length} characters, over the limit of {limit}"
            ),
            Problem::TooLong { length, limit, .. } => {
                format!("the {what} is {length} characters, over the limit of {limit}")
            }
            Problem::Empty => format!("the {what} renders empty"),
            Problem::Missing { variables } => crate::template::no_value_for(variables),
            Problem::Failed { message } => message.clone(),
        }
    }

    /// How to fix it.
    pub fn fix(&self) -> String {
        match self {
            Problem::TooLong { length, limit, .. } => format!(
                "cut {} characters: shorten the longest alternatives of its `{{a|b}}` groups, use shorter fallbacks, or write a shorter variant",
                length - limit
            ),
            Problem::Empty => "give the text words of its own outside `{% if %}` blocks".to_owned(),
            Problem::Missing { variables } => {
                let first = variables.first().map_or("company", String::as_str);
                let fill = if let Some(field) = first.strip_prefix("sender.") {
                    format!(
                        "set the sending account's {} (`overture account set NAME --{} …`)",
                        field.replace('_', " "),
                        field.replace('_', "-")
                    )
                } else {
                    format!("fill the lead's `{first}`")
                };
                format!(
                    "add a fallback, `{{{{ {first} | default(\"…\") }}}}`, or wrap it in `{{% if {first} %}}…{{% endif %}}`, or {fill}"
                )
            }
            Problem::Failed { .. } => "correct the template".to_owned(),
        }
    }
}

/// A template checked for one lead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checked {
    /// The text the lead gets, when it renders.
    pub text: Option<String>,
    /// Its length.
    pub length: usize,
    /// The length of the longest spelling, when it renders.
    pub longest: Option<usize>,
    /// What is wrong; empty when the text may go out.
    pub problems: Vec<Problem>,
}

/// Renders `template` for a lead whose variables are `vars`, with the lead's `seed` (see
/// [`crate::seed`]), and checks it as a text of `kind` sent from an account of `tier`.
pub fn check_lead(
    template: &Template,
    vars: &Vars,
    seed: u64,
    kind: TextKind,
    tier: Tier,
) -> Checked {
    let mut problems = Vec::new();
    let limit = kind.limit(tier);
    let text = match template.render(vars, seed) {
        Ok(text) => Some(text),
        Err(error) => {
            problems.push(problem(error));
            None
        }
    };
    let length = text.as_deref().map_or(0, length);
    if let Some(text) = &text {
        if text.trim().is_empty() {
            problems.push(Problem::Empty);
        }
        if let Some(limit) = limit.filter(|&limit| length > limit) {
            problems.push(Problem::TooLong {
                length,
                limit,
                longest: false,
            });
        }
    }
    let mut longest = text.as_ref().map(|_| length);
    if template.spintax().spins() && text.is_some() {
        match template.render_longest(vars) {
            Ok(long) => {
                let n = crate::kind::length(&long);
                longest = Some(n.max(length));
                if let Some(limit) = limit.filter(|&limit| n > limit && length <= limit) {
                    problems.push(Problem::TooLong {
                        length: n,
                        limit,
                        longest: true,
                    });
                }
            }
            Err(error) => {
                let found = problem(error);
                if !problems.contains(&found) {
                    problems.push(found);
                }
            }
        }
    }
    Checked {
        text,
        length,
        longest,
        problems,
    }
}

fn problem(error: RenderError) -> Problem {
    if error.missing.is_empty() {
        Problem::Failed {
            message: error.message,
        }
    } else {
        Problem::Missing {
            variables: error.missing,
        }
    }
}
