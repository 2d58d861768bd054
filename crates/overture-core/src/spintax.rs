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

/// A piece of a sequence. Every piece remembers the byte offset in the source it comes from,
/// so that a finding in a rendering can point back at the source.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    /// Plain text, as written (it holds no `{`: every `{` opens a group or a tag).
    Text { text: String, at: usize },
    /// A character written with a backslash escape.
    Escaped { ch: char, at: usize },
    /// A template tag (`{{ … }}`, `{% … %}`, `{# … #}`), kept verbatim.
    Tag { text: String, at: usize },
    /// A group of alternatives.
    Group {
        /// The group's place among all groups of the source, in order of their `{`.
        index: u64,
        alternatives: Vec<Vec<Part>>,
    },
}

/// What a rendering is made of, piece by piece: see [`Spintax::walk`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Plain text from the source.
    Text(&'a str),
    /// A character the source writes with a backslash escape (`\{` gives `{`).
    Escaped(char),
    /// A template tag, verbatim.
    Tag(&'a str),
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

    /// One spelling, chosen by `seed`: the same seed always gives the same text. Tags stay
    /// verbatim and escapes become their character.
    pub fn render(&self, seed: u64) -> String {
        let mut out = String::new();
        self.walk(&mut seeded(seed), &mut |piece, _| {
            push_plain(&mut out, piece)
        });
        out
    }

    /// The spelling chosen by `seed`, as template source for the template engine: like
    /// [`Spintax::render`], except that an escaped `{` is written `{{ "{" }}`, so that it stays
    /// a brace instead of opening a tag once the template engine reads the text.
    pub fn render_template(&self, seed: u64) -> String {
        let mut out = String::new();
        self.walk(&mut seeded(seed), &mut |piece, _| {
            push_template(&mut out, piece);
        });
        out
    }

    /// The longest spelling, in characters (the first of equally long ones): what a length
    /// limit must allow.
    pub fn longest(&self) -> String {
        let mut out = String::new();
        self.walk(&mut self.longest_choice(), &mut |piece, _| {
            push_plain(&mut out, piece);
        });
        out
    }

    /// [`Spintax::longest`] as template source (see [`Spintax::render_template`]).
    pub fn longest_template(&self) -> String {
        let mut out = String::new();
        self.walk(&mut self.longest_choice(), &mut |piece, _| {
            push_template(&mut out, piece);
        });
        out
    }

    /// Walks one spelling: `choose(group, alternatives)` picks each group's alternative (an
    /// index below `alternatives`, clamped if not), and `visit(piece, offset)` sees every piece
    /// with the byte offset in the source it comes from.
    pub fn walk<'s>(
        &'s self,
        choose: &mut dyn FnMut(u64, usize) -> usize,
        visit: &mut dyn FnMut(Piece<'s>, usize),
    ) {
        walk(&self.parts, choose, visit);
    }

    /// How many spellings there are (saturating at `u64::MAX`). Spellings that happen to read
    /// the same count separately.
    pub fn spellings(&self) -> u64 {
        spellings(&self.parts)
    }

    /// The most alternatives any group has (0 without groups): walking with every group at
    /// alternative `k % n`, for `k` below this, shows every alternative at least once.
    pub fn widest(&self) -> usize {
        widest(&self.parts)
    }

    /// Whether the text has any group at all.
    pub fn spins(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, Part::Group { .. }))
    }

    /// Every template tag with its byte offset in the source, in source order.
    pub fn tags(&self) -> Vec<(&str, usize)> {
        let mut tags = Vec::new();
        collect_tags(&self.parts, &mut tags);
        tags
    }

    /// The choice of alternative per group that gives the longest spelling, for
    /// [`Spintax::walk`].
    pub fn longest_choice(&self) -> impl FnMut(u64, usize) -> usize + use<> {
        let mut best = std::collections::HashMap::new();
        longest(&self.parts, &mut best);
        move |index, _| best.get(&index).copied().unwrap_or(0)
    }
}

/// The seeded choice: each group draws by its index alone.
fn seeded(seed: u64) -> impl FnMut(u64, usize) -> usize {
    move |index, n| {
        let u = unit(seed, &[index]);
        // `u` is in [0, 1), so the product is below `n`; `min` guards rounding.
        ((u * n as f64) as usize).min(n.saturating_sub(1))
    }
}

fn push_plain(out: &mut String, piece: Piece<'_>) {
    match piece {
        Piece::Text(text) | Piece::Tag(text) => out.push_str(text),
        Piece::Escaped(ch) => out.push(ch),
    }
}

fn push_template(out: &mut String, piece: Piece<'_>) {
    match piece {
        Piece::Text(text) | Piece::Tag(text) => out.push_str(text),
        Piece::Escaped('{') => out.push_str("{{ \"{\" }}"),
        Piece::Escaped(ch) => out.push(ch),
    }
}

fn walk<'a>(
    parts: &'a [Part],
    choose: &mut dyn FnMut(u64, usize) -> usize,
    visit: &mut dyn FnMut(Piece<'a>, usize),
) {
    for part in parts {
        match part {
            Part::Text { text, at } => visit(Piece::Text(text), *at),
            Part::Escaped { ch, at } => visit(Piece::Escaped(*ch), *at),
            Part::Tag { text, at } => visit(Piece::Tag(text), *at),
            Part::Group {
                index,
                alternatives,
            } => {
                let n = alternatives.len();
                let pick = choose(*index, n).min(n.saturating_sub(1));
                if let Some(alternative) = alternatives.get(pick) {
                    walk(alternative, choose, visit);
                }
            }
        }
    }
}

/// The length in characters of the longest rendering of `parts`, recording in `best` the
/// alternative each group takes for it.
fn longest(parts: &[Part], best: &mut std::collections::HashMap<u64, usize>) -> usize {
    let mut chars = 0;
    for part in parts {
        match part {
            Part::Text { text, .. } | Part::Tag { text, .. } => chars += text.chars().count(),
            Part::Escaped { .. } => chars += 1,
            Part::Group {
                index,
                alternatives,
            } => {
                let mut top: Option<(usize, usize)> = None;
                for (i, alternative) in alternatives.iter().enumerate() {
                    let n = longest(alternative, best);
                    if top.is_none_or(|(m, _)| n > m) {
                        top = Some((n, i));
                    }
                }
                if let Some((n, i)) = top {
                    chars += n;
                    best.insert(*index, i);
                }
            }
        }
    }
    chars
}

fn spellings(parts: &[Part]) -> u64 {
    parts.iter().fold(1u64, |acc, part| match part {
        Part::Group { alternatives, .. } => {
            let sum = alternatives
                .iter()
                .fold(0u64, |s, a| s.saturating_add(spellings(a)));
            acc.saturating_mul(sum)
        }
        _ => acc,
    })
}

fn widest(parts: &[Part]) -> usize {
    parts
        .iter()
        .map(|part| match part {
            Part::Group { alternatives, .. } => alternatives
                .iter()
                .map(|a| widest(a))
                .max()
                .unwrap_or(0)
                .max(alternatives.len()),
            _ => 0,
        })
        .max()
        .unwrap_or(0)
}

fn collect_tags<'a>(parts: &'a [Part], tags: &mut Vec<(&'a str, usize)>) {
    for part in parts {
        match part {
            Part::Tag { text, at } => tags.push((text, *at)),
            Part::Group { alternatives, .. } => {
                for alternative in alternatives {
                    collect_tags(alternative, tags);
                }
            }
            _ => {}
        }
    }
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
        // Where the plain text being read started.
        let mut text_start = self.pos;
        while let Some(c) = self.peek() {
            match c {
                '\\' => {
                    let at = self.pos;
                    match self.peek_second() {
                        Some(next @ ('{' | '}' | '|' | '\\')) => {
                            self.push_text(&mut parts, text_start, at);
                            parts.push(Part::Escaped { ch: next, at });
                            self.pos += 1 + next.len_utf8();
                            text_start = self.pos;
                        }
                        // Any other backslash is kept as it is, as text.
                        _ => self.pos += 1,
                    }
                }
                '{' => {
                    self.push_text(&mut parts, text_start, self.pos);
                    // `{{{ first_name }}|there}`: a group that starts with a tag.
                    let rest = &self.source[self.pos..];
                    let group_then_tag = rest.starts_with("{{{")
                        || rest.starts_with("{{%")
                        || rest.starts_with("{{#");
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
                        parts.push(Part::Tag {
                            text: self.source[start..end].to_owned(),
                            at: start,
                        });
                        self.pos = end;
                    } else {
                        parts.push(self.group(depth)?);
                    }
                    text_start = self.pos;
                }
                '|' if depth > 0 => {
                    self.push_text(&mut parts, text_start, self.pos);
                    self.pos += 1;
                    return Ok((parts, End::Bar));
                }
                '}' => {
                    self.push_text(&mut parts, text_start, self.pos);
                    self.pos += 1;
                    return Ok((parts, End::Close));
                }
                other => self.pos += other.len_utf8(),
            }
        }
        self.push_text(&mut parts, text_start, self.pos);
        Ok((parts, End::Eof))
    }

    /// Adds the source's text between `start` and `end`, if any, as a text part.
    fn push_text(&self, parts: &mut Vec<Part>, start: usize, end: usize) {
        if end > start {
            parts.push(Part::Text {
                text: self.source[start..end].to_owned(),
                at: start,
            });
        }
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

impl Position {
    /// The line and column of byte `offset` in `source` (clamped to its end).
    pub fn of(source: &str, offset: usize) -> Position {
        position(source, offset)
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
