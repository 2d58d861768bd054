//! One spelling of a spintax text, with the way back from each byte of it to the source.

use overture_core::spintax::{Piece, Spintax};

/// A spelling, plain or as template source, that knows where each of its pieces came from.
#[derive(Debug, Clone)]
pub(crate) struct Spelling {
    /// The text.
    pub(crate) text: String,
    /// `(offset in text, offset in source, exact)` for each piece, in order; `exact` when the
    /// piece is a copy of the source, so offsets inside it map one to one.
    pieces: Vec<(usize, usize, bool)>,
    /// The byte ranges of the text that are template tags.
    pub(crate) tags: Vec<(usize, usize)>,
}

/// How escapes are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// As the characters they stand for: the text a reader sees.
    Plain,
    /// As template source, where an escaped `{` must not open a tag.
    Template,
}

impl Spelling {
    /// The spelling `choose` picks (see [`Spintax::walk`]).
    pub(crate) fn new(
        spintax: &Spintax,
        choose: &mut dyn FnMut(u64, usize) -> usize,
        form: Form,
    ) -> Self {
        let mut text = String::new();
        let mut pieces = Vec::new();
        let mut tags = Vec::new();
        spintax.walk(choose, &mut |piece, at| {
            let exact = !matches!(piece, Piece::Escaped(_));
            pieces.push((text.len(), at, exact));
            match piece {
                Piece::Tag(t) => {
                    tags.push((text.len(), text.len() + t.len()));
                    text.push_str(t);
                }
                Piece::Text(t) => text.push_str(t),
                Piece::Escaped('{') if form == Form::Template => text.push_str("{{ \"{\" }}"),
                Piece::Escaped(c) => text.push(c),
            }
        });
        Spelling { text, pieces, tags }
    }

    /// The spellings that show every alternative of every group at least once (every group at
    /// its `k`-th alternative, for each `k` below [`Spintax::widest`]), then the longest
    /// spelling, last.
    pub(crate) fn samples(spintax: &Spintax, form: Form) -> Vec<Self> {
        let mut samples: Vec<Self> = (0..spintax.widest().max(1))
            .map(|k| Self::uniform(spintax, k, form))
            .collect();
        samples.push(Self::new(spintax, &mut spintax.longest_choice(), form));
        samples
    }

    /// Every group at its `k`-th alternative (modulo its count).
    pub(crate) fn uniform(spintax: &Spintax, k: usize, form: Form) -> Self {
        Self::new(spintax, &mut |_, n| k % n.max(1), form)
    }

    /// Maps the byte range `start..end` of the text to the source. An escape maps to its
    /// backslash and character as a whole.
    /// The range is widened to whole characters of `source`.
    pub(crate) fn span(&self, start: usize, end: usize, source: &str) -> (usize, usize) {
        let source_len = source.len();
        // The piece holding byte `start`: the last that starts at or before it.
        let a = match self.pieces.partition_point(|p| p.0 <= start).checked_sub(1) {
            Some(i) => {
                let (from, at, exact) = self.pieces[i];
                if exact { at + (start - from) } else { at }
            }
            None => 0,
        };
        // The piece holding the byte before `end`: the last that starts before `end`.
        let b = match self.pieces.partition_point(|p| p.0 < end).checked_sub(1) {
            Some(i) if end > start => {
                let (from, at, exact) = self.pieces[i];
                if exact { at + (end - from) } else { at + 2 }
            }
            _ => a,
        };
        let mut a = a.min(source_len);
        while !source.is_char_boundary(a) {
            a -= 1;
        }
        let mut b = b.clamp(a, source_len);
        while !source.is_char_boundary(b) {
            b += 1;
        }
        (a, b)
    }
}
