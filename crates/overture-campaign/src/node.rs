//! Reading saphyr's marked nodes: typed values with their positions, and precise complaints.

use saphyr::{MarkedYaml, Scalar, YamlData};

use crate::diagnostic::{Pos, Report};
use overture_core::suggest;

/// A YAML node with its span.
pub(crate) type Node<'i> = MarkedYaml<'i>;

/// The position of the first character of `node`.
pub(crate) fn pos(node: &Node<'_>) -> Pos {
    Pos::from_marker(&node.span.start)
}

/// Makes values written as nothing (`name:` at the end of a line) point at their key.
///
/// Saphyr places such an empty value right after the colon; its key is the clearer place to
/// point at. Campaign files nest a few levels only, so the walk stops at `depth` 0 rather than
/// follow a pathologically deep document.
pub(crate) fn point_empty_values_at_keys(node: &mut Node<'_>, depth: usize) {
    let Some(depth) = depth.checked_sub(1) else {
        return;
    };
    match &mut node.data {
        YamlData::Mapping(mapping) => {
            for (key, value) in mapping.iter_mut() {
                let span = value.span;
                let written_as_nothing = span.start.index() >= span.end.index();
                if written_as_nothing && matches!(value.data, YamlData::Value(Scalar::Null)) {
                    value.span = key.span;
                }
                point_empty_values_at_keys(value, depth);
            }
        }
        YamlData::Sequence(items) => {
            for item in items {
                point_empty_values_at_keys(item, depth);
            }
        }
        YamlData::Tagged(_, inner) => point_empty_values_at_keys(inner, depth),
        _ => {}
    }
}

/// The node's data, looking through tags (`!!str`, `!custom`), which campaign files do not use.
fn data<'n, 'i>(node: &'n Node<'i>) -> &'n YamlData<'i, Node<'i>> {
    match &node.data {
        YamlData::Tagged(_, inner) => data(inner),
        other => other,
    }
}

/// A phrase naming what the node holds, for "found …" in messages.
pub(crate) fn describe(node: &Node<'_>) -> &'static str {
    match data(node) {
        YamlData::Value(Scalar::Null) => "nothing",
        YamlData::Value(Scalar::Boolean(_)) => "true/false",
        YamlData::Value(Scalar::Integer(_)) => "a number",
        YamlData::Value(Scalar::FloatingPoint(_)) => "a decimal number",
        YamlData::Value(Scalar::String(_)) | YamlData::Representation(..) => "text",
        YamlData::Sequence(_) => "a list",
        YamlData::Mapping(_) => "a mapping",
        YamlData::Alias(_) => "an alias",
        YamlData::Tagged(..) | YamlData::BadValue => "an invalid value",
    }
}

/// Whether the node is empty: `~`, `null`, or nothing after the colon.
pub(crate) fn is_null(node: &Node<'_>) -> bool {
    matches!(data(node), YamlData::Value(Scalar::Null))
}

/// The node's text if it is a string scalar.
pub(crate) fn as_str<'n>(node: &'n Node<'_>) -> Option<&'n str> {
    match data(node) {
        YamlData::Value(Scalar::String(text)) => Some(text),
        YamlData::Representation(text, ..) => Some(text),
        _ => None,
    }
}

/// The node's text as written for scalars YAML read as numbers, so `wait: 3` can say "needs a unit".
pub(crate) fn scalar_text(node: &Node<'_>) -> Option<String> {
    match data(node) {
        YamlData::Value(Scalar::Integer(n)) => Some(n.to_string()),
        YamlData::Value(Scalar::FloatingPoint(x)) => Some(x.to_string()),
        _ => as_str(node).map(str::to_owned),
    }
}

/// The node's items if it is a list.
pub(crate) fn as_list<'n, 'i>(node: &'n Node<'i>) -> Option<&'n [Node<'i>]> {
    match data(node) {
        YamlData::Sequence(items) => Some(items),
        _ => None,
    }
}

/// The text of a field that must be text.
pub(crate) fn text<'n>(node: &'n Node<'_>, report: &mut Report<'_>, what: &str) -> Option<&'n str> {
    let found = as_str(node);
    if found.is_none() {
        let quote = match data(node) {
            YamlData::Value(Scalar::Boolean(_) | Scalar::Integer(_) | Scalar::FloatingPoint(_)) => {
                " (put it in quotes)"
            }
            _ => "",
        };
        report.error(
            pos(node),
            format!("`{what}` must be text, found {}{quote}", describe(node)),
        );
    }
    found
}

/// The text of a field that must be non-empty text.
pub(crate) fn non_empty_text<'n>(
    node: &'n Node<'_>,
    report: &mut Report<'_>,
    what: &str,
) -> Option<&'n str> {
    let found = text(node, report, what)?;
    if found.trim().is_empty() {
        report.error(pos(node), format!("`{what}` is empty (write some text)"));
        return None;
    }
    Some(found)
}

/// A field that must be `true` or `false`.
pub(crate) fn boolean(node: &Node<'_>, report: &mut Report<'_>, what: &str) -> Option<bool> {
    if let YamlData::Value(Scalar::Boolean(value)) = data(node) {
        return Some(*value);
    }
    report.error(
        pos(node),
        format!("`{what}` must be true or false, found {}", describe(node)),
    );
    None
}

/// A field that must be a whole number.
pub(crate) fn integer(node: &Node<'_>, report: &mut Report<'_>, what: &str) -> Option<i64> {
    if let YamlData::Value(Scalar::Integer(value)) = data(node) {
        return Some(*value);
    }
    report.error(
        pos(node),
        format!("`{what}` must be a whole number, found {}", describe(node)),
    );
    None
}

/// Texts given as one string or a list of strings (variants), each non-empty, with positions.
pub(crate) fn texts(node: &Node<'_>, report: &mut Report<'_>, what: &str) -> Vec<(String, Pos)> {
    let items = match as_list(node) {
        Some([]) => {
            let message = format!("`{what}` is an empty list (give at least one text)");
            report.error(pos(node), message);
            return Vec::new();
        }
        Some(items) => items,
        None => std::slice::from_ref(node),
    };
    items
        .iter()
        .filter_map(|item| {
            let found = non_empty_text(item, report, what)?;
            Some((found.to_owned(), pos(item)))
        })
        .collect()
}

/// One `key: value` pair of a mapping.
#[derive(Debug)]
pub(crate) struct Entry<'n, 'i> {
    pub(crate) key: &'n str,
    pub(crate) key_pos: Pos,
    pub(crate) value: &'n Node<'i>,
}

/// The pairs of a mapping, in file order; `None` when the node is not a mapping.
///
/// Keys that are not text are reported and left out.
pub(crate) fn entries<'n, 'i>(
    node: &'n Node<'i>,
    report: &mut Report<'_>,
) -> Option<Vec<Entry<'n, 'i>>> {
    let YamlData::Mapping(mapping) = data(node) else {
        return None;
    };
    let mut found = Vec::with_capacity(mapping.len());
    for (key, value) in mapping {
        match as_str(key) {
            Some(text) => found.push(Entry {
                key: text,
                key_pos: pos(key),
                value,
            }),
            None => report.error(
                pos(key),
                format!("keys must be text, found {}", describe(key)),
            ),
        }
    }
    Some(found)
}

/// The fields of a mapping whose keys are known in advance.
#[derive(Debug)]
pub(crate) struct Fields<'n, 'i> {
    /// Where the mapping starts, for "missing" complaints.
    pub(crate) pos: Pos,
    entries: Vec<Entry<'n, 'i>>,
}

impl<'n, 'i> Fields<'n, 'i> {
    /// The value of `key`, if present.
    pub(crate) fn get(&self, key: &str) -> Option<&'n Node<'i>> {
        self.entries.iter().find(|e| e.key == key).map(|e| e.value)
    }

    /// The value of a required `key`, reporting it as missing with a hint on how to write it.
    pub(crate) fn require(
        &self,
        report: &mut Report<'_>,
        key: &str,
        missing: &str,
    ) -> Option<&'n Node<'i>> {
        let found = self.get(key);
        if found.is_none() {
            report.error(self.pos, missing);
        }
        found
    }
}

/// Reads a mapping whose keys must be among `allowed`, reporting the others.
///
/// `within` names the mapping in messages (`in \`invite\``); `misplaced` may explain a key that
/// belongs elsewhere. Returns `None`, after reporting it, when the node is not a mapping.
pub(crate) fn fields<'n, 'i>(
    node: &'n Node<'i>,
    report: &mut Report<'_>,
    allowed: &[&str],
    within: &Within<'_>,
) -> Option<Fields<'n, 'i>> {
    let Some(entries) = entries(node, report) else {
        let message = format!(
            "{} must be a mapping, like `{}`, found {}",
            within.title,
            within.example,
            describe(node)
        );
        report.error(pos(node), message);
        return None;
    };
    for entry in &entries {
        if allowed.contains(&entry.key) {
            continue;
        }
        let message = match (within.misplaced)(entry.key) {
            Some(hint) => format!("unknown key `{}` ({hint})", entry.key),
            None => match suggest::did_you_mean(entry.key, allowed.iter().copied()) {
                Some(near) => format!(
                    "unknown key `{}`{} (did you mean `{near}`?)",
                    entry.key, within.suffix
                ),
                None => format!(
                    "unknown key `{}`{} (expected {})",
                    entry.key,
                    within.suffix,
                    one_of(allowed)
                ),
            },
        };
        report.error(entry.key_pos, message);
    }
    Some(Fields {
        pos: pos(node),
        entries,
    })
}

/// How a mapping is named in messages.
pub(crate) struct Within<'a> {
    /// Names the mapping at the start of a sentence: "the campaign", "`leads`".
    pub(crate) title: &'a str,
    /// After "unknown key `x`": empty at the top, or " in `invite`".
    pub(crate) suffix: &'a str,
    /// A short, valid example of the mapping.
    pub(crate) example: &'a str,
    /// Explains a key that belongs somewhere else.
    pub(crate) misplaced: &'a dyn Fn(&str) -> Option<String>,
}

/// "`a`", "`a` or `b`", "one of `a`, `b`, `c`".
pub(crate) fn one_of(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.as_slice() {
        [] => "nothing".to_owned(),
        [one] => one.clone(),
        [a, b] => format!("{a} or {b}"),
        many => format!("one of {}", many.join(", ")),
    }
}
