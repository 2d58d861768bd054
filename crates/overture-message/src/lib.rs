//! Messages: the invitation notes, LinkedIn messages and emails a campaign sends, from template
//! to the text a lead receives, and the checks that keep a bad one from going out.
//!
//! - [`Template`]: a message in Overture's dialect, [spintax](overture_core::spintax) first
//!   (`{Hi|Hello}`), then a Jinja template filled with the lead's data (`{{ first_name }}`,
//!   `{{ company | default("your team") }}`, `{% if … %}`). A variable that has no value and no
//!   fallback is an error, never an empty gap in a sent note. The spin is seeded by the lead,
//!   the step and the variant ([`seed`]), so a retry renders byte-identical text.
//! - [`Vars`]: what a template may use: the lead's fields, its custom fields under `custom.`,
//!   and the sender's under `sender.` ([`vars`] lists them).
//! - [`TextKind`]: invitation note, message, email subject or body, each with its limit.
//! - [`check`]: renders a template for a lead, the spelling it will get and the longest one,
//!   and says what is wrong (too long, empty, a missing value) and how to fix it.
//! - [`lint()`]: the rules for what gets invitations ignored (a generic opener, selling in the
//!   first touch, no reason to connect, …), each with a stable id, a severity, an
//!   explanation and a fix, and a score from 0 to 100. `docs/messages.md` lists them.
//!
//! This crate does no IO and reads no clock; the CLI and the engine feed it text and leads.

pub mod check;
mod filters;
mod kind;
pub mod lint;
mod spelling;
mod template;
pub mod vars;

pub use check::{Checked, Problem, check_lead};
pub use kind::{MESSAGE_LIMIT, SUBJECT_LIMIT, TextKind, length};
pub use lint::{Finding, Lint, NoteFeatures, RULES, Rule, Severity, lint, note_features, rule};
pub use template::{RenderError, Template, TemplateError, seed, tidy};
pub use vars::{Sender, Vars};
