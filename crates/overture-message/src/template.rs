//! Templates: spintax spun for the lead, then a Jinja template filled with the lead's data.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use minijinja::{AutoEscape, Environment, ErrorKind, UndefinedBehavior};
use overture_core::planner::derive;
use overture_core::spintax::{Position, Spintax, SpintaxError};
use overture_core::suggest::did_you_mean;
use regex::Regex;

use crate::filters;
use crate::spelling::{Form, Spelling};
use crate::vars::Vars;

/// How many spellings of one template are kept compiled; beyond, each is compiled when used.
const MAX_COMPILED: usize = 1024;

/// The seed of a lead's spelling of a step's variant: a retry of the same step renders the
/// same text, and another lead, step or variant draws afresh.
pub fn seed(lead: i64, step: u32, variant: u32) -> u64 {
    // "spin" in ASCII: a salt of its own, so spins draw apart from other seeded choices.
    derive(
        0x7370_696e,
        &[lead.cast_unsigned(), u64::from(step), u64::from(variant)],
    )
}

/// Why a template cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// The spintax does not parse.
    #[error(transparent)]
    Spintax(#[from] SpintaxError),
    /// The template syntax is wrong (in at least one spelling).
    #[error("{at}: {message}")]
    Syntax {
        /// Where, in the template's source.
        at: Position,
        /// The byte range in the source.
        span: (usize, usize),
        /// What is wrong.
        message: String,
    },
}

impl TemplateError {
    /// The byte range of the source the error points at.
    pub fn span(&self) -> (usize, usize) {
        match self {
            TemplateError::Spintax(error) => {
                let at = match error {
                    SpintaxError::Unclosed { at }
                    | SpintaxError::UnexpectedClose { at }
                    | SpintaxError::TooDeep { at }
                    | SpintaxError::UnclosedTag { at, .. } => at.offset,
                };
                (at, at + 1)
            }
            TemplateError::Syntax { span, .. } => *span,
        }
    }
}

/// Why a template did not render for a lead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RenderError {
    /// The variables the text prints that the lead has no value for, without a fallback.
    pub missing: Vec<String>,
    /// What went wrong, for the user.
    pub message: String,
}

/// A compiled spelling.
#[derive(Debug)]
struct Compiled {
    /// An environment holding just this spelling, as template `t`.
    env: Environment<'static>,
    /// Variables the spelling uses (`company`, `custom.source`, `sender.first_name`).
    variables: Arc<BTreeSet<String>>,
}

/// A message template, ready to render for any lead.
#[derive(Debug)]
pub struct Template {
    source: String,
    spintax: Spintax,
    compiled: Mutex<HashMap<String, Arc<Compiled>>>,
    variables: BTreeSet<String>,
}

impl Template {
    /// Parses `source` and compiles every group's every alternative at least once, so a
    /// syntax error in any spelling is found now, with its place in `source`.
    pub fn new(source: &str) -> Result<Self, TemplateError> {
        let spintax = Spintax::parse(source)?;
        check_filters(&spintax, source)?;
        let mut template = Template {
            source: source.to_owned(),
            spintax,
            compiled: Mutex::new(HashMap::new()),
            variables: BTreeSet::new(),
        };
        let samples = Spelling::samples(&template.spintax, Form::Template);
        let mut variables = BTreeSet::new();
        for sample in &samples {
            let compiled = template.compile(&sample.text).map_err(|error| {
                let (start, end) = error
                    .range()
                    .map_or((0, sample.text.len()), |r| (r.start, r.end));
                let span = sample.span(start, end, source);
                TemplateError::Syntax {
                    at: Position::of(source, span.0),
                    span,
                    message: syntax_message(&error),
                }
            })?;
            variables.extend(compiled.variables.iter().cloned());
        }
        template.variables = variables;
        Ok(template)
    }

    /// The source as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The parsed spintax.
    pub fn spintax(&self) -> &Spintax {
        &self.spintax
    }

    /// Distinct spellings as a reader sees them (tags as written): each alternative of each
    /// group at least once, then the longest.
    pub fn sample_spellings(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for spelling in Spelling::samples(&self.spintax, Form::Plain) {
            if !out.contains(&spelling.text) {
                out.push(spelling.text);
            }
        }
        out
    }

    /// Every variable some spelling uses, as [`Vars::get`] names them.
    pub fn variables(&self) -> &BTreeSet<String> {
        &self.variables
    }

    /// The text a lead gets: the spelling `seed` picks, filled with `vars`, tidied (see
    /// [`tidy`]).
    pub fn render(&self, vars: &Vars, seed: u64) -> Result<String, RenderError> {
        self.render_raw(&self.spintax.render_template(seed), vars)
            .map(|t| tidy(&t))
    }

    /// The longest spelling filled with `vars`, tidied: what the length limit must allow.
    pub fn render_longest(&self, vars: &Vars) -> Result<String, RenderError> {
        self.render_raw(&self.spintax.longest_template(), vars)
            .map(|t| tidy(&t))
    }

    /// A spelling given as template source, filled with `vars` exactly as Jinja renders it
    /// (untidied).
    pub fn render_raw(&self, spelling: &str, vars: &Vars) -> Result<String, RenderError> {
        let compiled = self.compile(spelling).map_err(|e| RenderError {
            missing: Vec::new(),
            message: syntax_message(&e),
        })?;
        let result = compiled
            .env
            .get_template("t")
            .and_then(|t| t.render(vars.value()));
        result.map_err(|error| {
            let missing: Vec<String> = compiled
                .variables
                .iter()
                .filter(|name| vars.get(name).is_none())
                .cloned()
                .collect();
            let message = match (error.kind(), missing.as_slice()) {
                (ErrorKind::UndefinedError, []) => "a value is missing".to_owned(),
                (ErrorKind::UndefinedError, names) => no_value_for(names),
                _ => syntax_message(&error),
            };
            RenderError { missing, message }
        })
    }

    /// The compiled form of a spelling, compiling it on first use.
    fn compile(&self, spelling: &str) -> Result<Arc<Compiled>, minijinja::Error> {
        let mut cache = self.compiled.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(found) = cache.get(spelling) {
            return Ok(found.clone());
        }
        let mut env = environment();
        env.add_template_owned("t", spelling.to_owned())?;
        let variables = env.get_template("t")?.undeclared_variables(true);
        let compiled = Arc::new(Compiled {
            env,
            variables: Arc::new(variables.into_iter().collect()),
        });
        if cache.len() < MAX_COMPILED {
            cache.insert(spelling.to_owned(), compiled.clone());
        }
        Ok(compiled)
    }
}

/// The filters a template may use: Jinja's own that this engine has, and Overture's.
pub const FILTERS: [&str; 50] = [
    "abs",
    "attr",
    "batch",
    "bool",
    "capitalize",
    "chain",
    "clean_name",
    "count",
    "d",
    "default",
    "dictsort",
    "e",
    "escape",
    "first",
    "first_word",
    "float",
    "format",
    "groupby",
    "indent",
    "int",
    "items",
    "join",
    "last",
    "length",
    "lines",
    "list",
    "lower",
    "map",
    "max",
    "min",
    "pprint",
    "reject",
    "rejectattr",
    "replace",
    "reverse",
    "round",
    "safe",
    "select",
    "selectattr",
    "slice",
    "sort",
    "split",
    "string",
    "sum",
    "title",
    "title_case",
    "trim",
    "unique",
    "upper",
    "zip",
];

/// `| name` in a tag, skipping quoted strings.
static FILTER_USE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#""[^"]*"|'[^']*'|\|\s*([A-Za-z_]\w*)"#)
        .unwrap_or_else(|e| panic!("bad pattern: {e}"))
});

/// Refuses a filter the engine does not have, where it is written (the engine itself would
/// only notice when rendering).
fn check_filters(spintax: &Spintax, source: &str) -> Result<(), TemplateError> {
    for (tag, at) in spintax.tags() {
        if tag.starts_with("{#") {
            continue;
        }
        for found in FILTER_USE.captures_iter(tag) {
            let Some(name) = found.get(1) else {
                continue;
            };
            if FILTERS.contains(&name.as_str()) {
                continue;
            }
            let near = did_you_mean(name.as_str(), FILTERS.iter().copied())
                .map(|n| format!("did you mean `{n}`? "))
                .unwrap_or_default();
            let span = (at + name.start(), at + name.end());
            return Err(TemplateError::Syntax {
                at: Position::of(source, span.0),
                span,
                message: format!(
                    "unknown filter `{}` ({near}the filters are Jinja's own, like `default`, `lower` and `title`, and clean_name, title_case and first_word)",
                    name.as_str()
                ),
            });
        }
    }
    Ok(())
}

/// "no value for `a`, `b`".
pub(crate) fn no_value_for(names: &[String]) -> String {
    let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    format!("no value for {}", names.join(", "))
}

/// The environment every template renders in.
fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.add_filter("clean_name", |v: &str| filters::clean_name(v));
    env.add_filter("title_case", |v: &str| filters::title_case(v));
    env.add_filter("first_word", |v: &str| filters::first_word(v));
    env
}

/// A minijinja error in this crate's words.
fn syntax_message(error: &minijinja::Error) -> String {
    let detail = error.detail().unwrap_or("");
    match error.kind() {
        ErrorKind::SyntaxError if !detail.is_empty() => format!("template syntax: {detail}"),
        ErrorKind::UnknownFilter => format!(
            "{detail} (the filters are Jinja's own and clean_name, title_case and first_word)"
        ),
        _ => {
            let kind = error.kind().to_string();
            if detail.is_empty() {
                kind
            } else {
                format!("{kind}: {detail}")
            }
        }
    }
}

/// The text as sent: no space or blank line at either end, runs of spaces and tabs as one
/// space, no space at the end of a line and no space before `,`, `.`, `!`, `?`, `;` or `:`
/// (what an empty optional part leaves behind).
pub fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.trim().split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut space = false;
        for c in line.trim().chars() {
            if c == ' ' || c == '\t' {
                space = true;
                continue;
            }
            if space && !matches!(c, ',' | '.' | '!' | '?' | ';' | ':') {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}
