//! What the lint measures, read off one rendered note: the sandbox's acceptance and reply
//! models use it, so that a note the lint passes does measurably better in simulations.

use serde::Serialize;

use super::patterns;

/// What the lint's rules see in a rendered note or message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct NoteFeatures {
    /// The text names the person or their company (the opposite of `no-personalisation`).
    pub personalised: bool,
    /// It uses a stock phrase (`generic-opener`).
    pub generic_opener: bool,
    /// It sells: prices, discounts, a demo, "our product", a booking link (`selling`).
    pub selling: bool,
    /// It carries a link (`link-in-invite`).
    pub link: bool,
    /// It gives a reason to connect: a shared event, group, school or acquaintance, their
    /// post, their work (the opposite of `no-reason`).
    pub common_ground: bool,
    /// Words in capitals, piles of exclamation marks or emoji (`shouting`, `exclamations`,
    /// `emoji`).
    pub shouting: bool,
}

/// Measures a rendered `note` with the lint's own patterns; `recipient` holds what identifies
/// the person (their first name, their company), for personalisation.
///
/// A recipient value counts when it appears as whole words, in any case, so that a short first
/// name such as "El" is not found inside "feel". The phrases are then looked for in what the
/// sender wrote, with the recipient's values set aside, as the lint reads a template with its
/// variables blanked out: a company called "Kalo Group" is no shared group, and a person called
/// "Demo" no pitch.
pub fn note_features(note: &str, recipient: &[&str]) -> NoteFeatures {
    let lower = note.to_lowercase();
    let mut spans: Vec<(usize, usize)> = recipient
        .iter()
        .map(|r| r.trim().to_lowercase())
        // Most values are not in the note at all: the cheap test first.
        .filter(|r| r.chars().count() >= 2 && lower.contains(r.as_str()))
        .flat_map(|r| word_spans(note, &r))
        .collect();
    spans.sort_unstable();
    let written = set_aside(note, &spans);
    let written = written.as_str();
    NoteFeatures {
        personalised: !spans.is_empty(),
        generic_opener: patterns::GENERIC.is_match(written),
        selling: patterns::SELLING.is_match(written),
        link: patterns::LINK.is_match(written),
        common_ground: patterns::REASON.is_match(written),
        shouting: patterns::loud_word(written).is_some()
            || patterns::exclamations(written).is_some()
            || patterns::emoji_pile(written).is_some(),
    }
}

/// The byte ranges where `needle` (in lower case) occurs in `text` as whole words, in any case:
/// no letter or digit right before or after.
fn word_spans(text: &str, needle: &str) -> Vec<(usize, usize)> {
    let same = |c: char, n: char| c == n || c.to_lowercase().eq(std::iter::once(n));
    let mut spans = Vec::new();
    for (start, _) in text.char_indices() {
        if text[..start]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
        {
            continue;
        }
        let mut rest = text[start..].char_indices();
        if !needle
            .chars()
            .all(|n| rest.next().is_some_and(|(_, c)| same(c, n)))
        {
            continue;
        }
        match rest.next() {
            Some((_, c)) if c.is_alphanumeric() => {}
            Some((at, _)) => spans.push((start, start + at)),
            None => spans.push((start, text.len())),
        }
    }
    spans
}

/// `text` with each of the sorted byte ranges `spans` replaced by a space.
fn set_aside(text: &str, spans: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for &(start, end) in spans {
        if start >= last {
            out.push_str(&text[last..start]);
            out.push(' ');
            last = end;
        } else if end > last {
            // Overlapping values (a first name inside the company): extend the blank.
            last = end;
        }
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests;
