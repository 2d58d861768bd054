//! Spintax: `{Hi|Hello|Hey} {{ first_name }}`, one of several spellings of a message chosen per
//! lead, so that a campaign's notes do not all read alike.
//!
//! - A group `{a|b|c}` becomes one of its alternatives; groups nest (`{Hi|Hey {there|you}}`),
//!   and an alternative may be empty (`{very |}good`).
//! - Template tags pass through untouched, inside groups too: `{{ … }}`, `{% … %}` and
//!   `{# … #}` are the template engine's, filled in after the spin, so a lead's data is never
//!   spun. `{{{ first_name }}|there}` is a group whose first alternative is a tag; a group
//!   cannot otherwise start with `{`, `%` or `#` (escape it: `{\{…`).
//! - `\{`, `\}`, `\|` and `\\` stand for the character itself; any other backslash is kept as
//!   it is. A `|` outside a group is plain text.
//! - The choice is seeded: the same seed (the caller derives it from the lead, the step and the
//!   variant) gives byte-identical text, so a retried message is the same message. Each group
//!   draws by its place in the source, so a choice in one group never shifts another's.
//!
//! [`Spintax::longest`] renders the longest spelling, which is what length limits are checked
//! against; [`Spintax::spellings`] counts them. No crate parses this dialect (with template tags
//! passed through and positions in errors), hence this small hand-written parser; it is
//! property-tested here and fuzzed (`fuzz/fuzz_targets/spintax.rs`).

use std::fmt;

use serde::Serialize;

use crate::planner::unit;

/// How deep groups may nest: no message needs more, and it bounds the parser's recursion.
pub const MAX_DEPTH: usize = 16;

/// A parsed spintax text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spintax {
    parts: Vec<Part>,
}

/// A piece of a sequence: text, or a group of alternatives.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Group {
        /// The group's place among all groups of the source, in order of their `{`.
        index: u64,
        alternatives: Vec<Vec<Part>>,
    },
}

/// Where in the source a problem is: a byte offset and a 1-based line and column (in
/// characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Position {
    /// Byte offset from the start.
    pub offset: usize,
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Why a spintax text does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpintaxError {
    /// A group opened here is never closed.
    #[error("{at}: the group opened here has no closing `}}` (write `\\{{` for a literal brace)")]
    Unclosed {
        /// Where the group opens.
        at: Position,
    },
    /// A `}` closes no group.
    #[error("{at}: this `}}` closes no group (write `\\}}` for a literal brace)")]
    UnexpectedClose {
        /// Where the brace is.
        at: Position,
    },
    /// Groups nest deeper than [`MAX_DEPTH`].
    #[error("{at}: groups nest more than {MAX_DEPTH} deep here")]
    TooDeep {
        /// Where the group that is one too deep opens.
        at: Position,
    },
    /// A template tag opened here is never closed.
    #[error("{at}: the template tag `{open}` opened here has no closing `{close}`")]
    UnclosedTag {
        /// Where the tag opens.
        at: Position,
        /// How it opens: `{{`, `{%` or `{#`.
        open: &'static str,
        /// How it should close.
        close: &'static str,
    },
}

impl Spintax {
    /// Parses `source`.
    pub fn parse(source: &str) -> Result<Self, SpintaxError> {
        let mut parser = Parser {
            source,
            pos: 0,
            groups: 0,
        };
        let (parts, end) = parser.sequence(0)?;
        match end {
            End::Eof => Ok(Self { parts }),
            // A top-level sequence ends only at the end of the text or at a stray `}`
            // (a `|` at depth 0 is text).
            End::Bar | End::Close => Err(SpintaxError::UnexpectedClose {
                at: position(source, parser.pos.saturating_sub(1)),
            }),
        }
    }

    /// One spelling, chosen by `seed`: the same seed always gives the same text.
    pub fn render(&self, seed: u64) -> String {
        let mut out = String::new();
        render(&self.parts, seed, &mut out);
        out
    }

    /// The longest spelling, in characters (the first of equally long ones): what a length
    /// limit must allow.
    pub fn longest(&self) -> String {
        longest(&self.parts).1
    }

    /// How many spellings there are (saturating at `u64::MAX`). Spellings that happen to read
    /// the same count separately.
    pub fn spellings(&self) -> u64 {
        spellings(&self.parts)
    }

    /// Whether the text has any group at all.
    pub fn spins(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, Part::Group { .. }))
    }
}

fn render(parts: &[Part], seed: u64, out: &mut String) {
    for part in parts {
        match part {
            Part::Text(text) => out.push_str(text),
            Part::Group {
                index,
                alternatives,
            } => {
                let n = alternatives.len();
                let u = unit(seed, &[*index]);
                // `u` is in [0, 1), so the product is below `n`; `min` guards rounding.
                let pick = ((u * n as f64) as usize).min(n.saturating_sub(1));
                if let Some(alternative) = alternatives.get(pick) {
                    render(alternative, seed, out);
                }
            }
        }
    }
}

/// The longest rendering of `parts` and its length in characters.
fn longest(parts: &[Part]) -> (usize, String) {
    let mut text = String::new();
    let mut chars = 0;
    for part in parts {
        match part {
            Part::Text(t) => {
                chars += t.chars().count();
                text.push_str(t);
            }
            Part::Group { alternatives, .. } => {
                let mut best: Option<(usize, String)> = None;
                for alternative in alternatives {
                    let candidate = longest(alternative);
                    if best.as_ref().is_none_or(|b| candidate.0 > b.0) {
                        best = Some(candidate);
                    }
                }
                if let Some((n, t)) = best {
                    chars += n;
                    text.push_str(&t);
                }
            }
        }
    }
    (chars, text)
}

fn spellings(parts: &[Part]) -> u64 {
    parts.iter().fold(1u64, |acc, part| match part {
        Part::Text(_) => acc,
        Part::Group { alternatives, .. } => {
            let sum = alternatives
                .iter()
                .fold(0u64, |s, a| s.saturating_add(spellings(a)));
            acc.saturating_mul(sum)
        }
    })
}

/// How a sequence ended.
enum End {
    Eof,
    Bar,
    Close,
}

struct Parser<'a> {
    source: &'a str,
    /// Byte offset of the next character.
    pos: usize,
    /// Groups opened so far.
    groups: u64,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.source[self.pos..].chars().next()
    }

    fn peek_second(&self) -> Option<char> {
        let mut chars = self.source[self.pos..].chars();
        chars.next();
        chars.next()
    }

    /// Reads a sequence until the end of the text or, inside a group (`depth > 0`), a `|` or
    /// `}` of that group (consumed).
    fn sequence(&mut self, depth: usize) -> Result<(Vec<Part>, End), SpintaxError> {
        let mut parts = Vec::new();
        let mut text = String::new();
        while let Some(c) = self.peek() {
            match c {
                '\\' => {
                    self.pos += 1;
                    match self.peek() {
                        Some(next @ ('{' | '}' | '|' | '\\')) => {
                            text.push(next);
                            self.pos += next.len_utf8();
                        }
                        _ => text.push('\\'),
                    }
                }
                '{' => {
                    // `{{{ first_name }}|there}`: a group that starts with a tag.
                    let group_then_tag = self.source[self.pos..].starts_with("{{{")
                        || self.source[self.pos..].starts_with("{{%")
                        || self.source[self.pos..].starts_with("{{#");
                    let tag = match self.peek_second() {
                        _ if group_then_tag => None,
                        Some('{') => Some(("{{", "}}")),
                        Some('%') => Some(("{%", "%}")),
                        Some('#') => Some(("{#", "#}")),
                        _ => None,
                    };
                    if let Some((open, close)) = tag {
                        let start = self.pos;
                        let Some(len) = self.source[start + 2..].find(close) else {
                            return Err(SpintaxError::UnclosedTag {
                                at: position(self.source, start),
                                open,
                                close,
                            });
                        };
                        let end = start + 2 + len + close.len();
                        text.push_str(&self.source[start..end]);
                        self.pos = end;
                    } else {
                        if !text.is_empty() {
                            parts.push(Part::Text(std::mem::take(&mut text)));
                        }
                        parts.push(self.group(depth)?);
                    }
                }
                '|' if depth > 0 => {
                    self.pos += 1;
                    push_text(&mut parts, text);
                    return Ok((parts, End::Bar));
                }
                '}' => {
                    self.pos += 1;
                    push_text(&mut parts, text);
                    return Ok((parts, End::Close));
                }
                other => {
                    text.push(other);
                    self.pos += other.len_utf8();
                }
            }
        }
        push_text(&mut parts, text);
        Ok((parts, End::Eof))
    }

    /// Reads a group; `self.pos` is at its `{`.
    fn group(&mut self, depth: usize) -> Result<Part, SpintaxError> {
        let open = self.pos;
        if depth >= MAX_DEPTH {
            return Err(SpintaxError::TooDeep {
                at: position(self.source, open),
            });
        }
        self.pos += 1;
        let index = self.groups;
        self.groups += 1;
        let mut alternatives = Vec::new();
        loop {
            let (parts, end) = self.sequence(depth + 1)?;
            alternatives.push(parts);
            match end {
                End::Bar => {}
                End::Close => {
                    return Ok(Part::Group {
                        index,
                        alternatives,
                    });
                }
                End::Eof => {
                    return Err(SpintaxError::Unclosed {
                        at: position(self.source, open),
                    });
                }
            }
        }
    }
}

fn push_text(parts: &mut Vec<Part>, text: String) {
    if !text.is_empty() {
        parts.push(Part::Text(text));
    }
}

/// The line and column of byte `offset` in `source`.
fn position(source: &str, offset: usize) -> Position {
    let before = source.get(..offset).unwrap_or(source);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    Position {
        offset,
        line,
        column,
    }
}

#[cfg(test)]
mod tests;
