//! The phrases the rules look for, compiled once.
//!
//! They read the text a lead would see: template tags are blanked out first (see
//! `reading`), except the quoted fallbacks of `{{ … }}`, which the lead may see.

use std::sync::LazyLock;

use regex::Regex;

fn compile(patterns: &[&str]) -> Regex {
    compile_with("(?i)", patterns)
}

fn compile_with(flags: &str, patterns: &[&str]) -> Regex {
    let joined = patterns
        .iter()
        .map(|p| format!("(?:{p})"))
        .collect::<Vec<_>>()
        .join("|");
    // The patterns are constants of this file, checked by the tests.
    Regex::new(&format!("{flags}{joined}")).unwrap_or_else(|e| panic!("bad lint pattern: {e}"))
}

/// Stock phrases.
pub(crate) static GENERIC: LazyLock<Regex> = LazyLock::new(|| {
    compile(&[
        r"\bi(?:['’]d| would) (?:like|love) to (?:add you to|include you in|invite you to) my (?:professional )?network",
        r"\bi(?:['’]d| would) (?:like|love) to connect with you\b",
        r"\b(?:please )?(?:join|accept (?:my|this) invitation to join) my (?:professional )?network",
        r"\bi(?:['’]m| am) (?:looking|trying|hoping) to (?:expand|grow|build|extend) my (?:professional )?network",
        r"\b(?:expand|grow|extend|build)(?:ing)? my (?:professional )?network\b",
        r"\bi (?:came|come) across your profile",
        r"\bi (?:found|saw|viewed) your profile\b",
        r"\bhope (?:this|my (?:message|note)) finds you well",
        r"\bi see we have (?:a few |some )?mutual connections\b",
    ])
});

/// Selling in the first touch.
pub(crate) static SELLING: LazyLock<Regex> = LazyLock::new(|| {
    compile(&[
        r"[$€£]\s?\d",
        r"\d+\s?(?:%|percent)\s+(?:off|discount|cheaper|savings?)",
        r"\bdiscounts?\b",
        r"\bfree trial\b",
        r"\b(?:book|schedule|grab|set up|jump on|hop on)\s+(?:a\s+|an\s+|some\s+)?(?:quick\s+|short\s+|free\s+)?(?:\d+[- ]min(?:ute)?\s+)?(?:call|demo|meeting)\b",
        r"\bdemo\b",
        r"\bour (?:product|products|service|services|solution|solutions|platform|software|tool|app|agency|offer|offering|pricing)\b",
        r"\bpricing\b",
        r"\bspecial offer\b",
        r"\blimited[- ]time\b",
        r"\b(?:calendly\.com|cal\.com|meetings\.hubspot\.com|chilipiper\.com|savvycal\.com)",
        r"\b(?:increase|boost|double|triple|10x) your (?:revenue|sales|leads|pipeline|conversions?)\b",
    ])
});

/// Links.
pub(crate) static LINK: LazyLock<Regex> = LazyLock::new(|| {
    compile(&[
        r"\bhttps?://\S+",
        r"\bwww\.\S+",
        r"\b[a-z0-9][a-z0-9-]*\.(?:com|io|co|net|org|ai|app|dev|me|ly|so|xyz)\b(?:/\S*)?",
    ])
});

/// Common ground: a shared event, group, school or acquaintance, their content, the same role.
pub(crate) static REASON: LazyLock<Regex> = LazyLock::new(|| {
    compile(&[
        r"\b(?:both|also|same|fellow|too|in common|mutual|shared|alumn(?:us|a|i|ae)|classmates?|former colleagues?)\b",
        r"\b(?:events?|conferences?|summit|meetup|webinar|panel|talk|keynote|workshop|podcast|episode|article|post|comment|thread|newsletter|launch|group|community|forum|course|cohort|university|school|class of)\b",
        r"\b(?:saw|read|heard|noticed|enjoyed|loved|liked|watched|listened|attended|spoke|met|follow(?:ing)?|introduced|suggested|recommended|referred)\b",
        r"\b(?:your (?:work|team|role|approach|experience|research|project|company|book)|congrats|congratulations)\b",
    ])
});

/// Two exclamation marks in a row.
static BANGS: LazyLock<Regex> = LazyLock::new(|| compile(&[r"!\s*!+"]));

/// Words written in capitals (three letters or more).
static CAPS: LazyLock<Regex> = LazyLock::new(|| compile_with("", &[r"\b\p{Lu}{3,}\b"]));

/// Acronyms of four letters or more that are no shouting.
const ACRONYMS: [&str; 14] = [
    "APAC", "B2B", "B2C", "DACH", "EMEA", "GDPR", "HIPAA", "LATAM", "NASDAQ", "NYSE", "SAAS",
    "SOC2", "AWS", "HTML",
];

/// The first word of four capitals or more that is not a common acronym (`shouting`).
pub(crate) fn loud_word(text: &str) -> Option<regex::Match<'_>> {
    CAPS.find_iter(text)
        .find(|m| m.as_str().chars().count() >= 4 && !ACRONYMS.contains(&m.as_str()))
}

/// Exclamation marks that pile up (`exclamations`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exclamations<'t> {
    /// The first two (or more) in a row.
    InARow(regex::Match<'t>),
    /// More than two in the text, none in a row: the third one's byte offset, and how many.
    Many { third: usize, count: usize },
}

/// Whether exclamation marks pile up in `text`, and where.
pub(crate) fn exclamations(text: &str) -> Option<Exclamations<'_>> {
    if let Some(m) = BANGS.find(text) {
        return Some(Exclamations::InARow(m));
    }
    let (third, _) = text.match_indices('!').nth(2)?;
    Some(Exclamations::Many {
        third,
        count: text.matches('!').count(),
    })
}

/// The emoji of `text` with their byte offsets, when there are more than two (`emoji`).
pub(crate) fn emoji_pile(text: &str) -> Option<Vec<(usize, char)>> {
    let emoji: Vec<(usize, char)> = text.char_indices().filter(|(_, c)| is_emoji(*c)).collect();
    (emoji.len() > 2).then_some(emoji)
}

/// Whether `c` is an emoji (the pictographic blocks; not letters, digits or punctuation).
fn is_emoji(c: char) -> bool {
    matches!(u32::from(c),
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF)
}
