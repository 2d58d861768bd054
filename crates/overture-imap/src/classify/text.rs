//! Word and phrase rules on subjects and bodies.

/// Subject fragments of absence notices, lower case (English, German, French, Spanish, Dutch,
/// Italian, Scandinavian).
const ABSENCE_SUBJECTS: &[&str] = &[
    "out of office",
    "out of the office",
    "automatic reply",
    "auto-reply",
    "autoreply",
    "auto reply",
    "abwesenheitsnotiz",
    "abwesend",
    "automatische antwort",
    "absence",
    "absent du bureau",
    "réponse automatique",
    "respuesta automática",
    "fuera de la oficina",
    "automatisch antwoord",
    "afwezig",
    "risposta automatica",
    "fuori ufficio",
    "autosvar",
    "frånvaro",
];

/// Opening phrases of absence notices, lower case.
const ABSENCE_OPENINGS: &[&str] = &[
    "i am out of the office",
    "i'm out of the office",
    "i am currently out of the office",
    "i'm currently out of the office",
    "i am out of office",
    "i'm out of office",
    "i am currently out of office",
    "i am away from the office",
    "i am currently away",
    "i'm currently away",
    "i am on vacation",
    "i'm on vacation",
    "i am on holiday",
    "i'm on holiday",
    "i am on leave",
    "i'm on leave",
    "thank you for your email. i am out",
    "thank you for your message. i am out",
    "thanks for your email. i'm out",
    "ich bin bis",
    "ich bin derzeit nicht im büro",
    "ich bin zurzeit nicht im büro",
    "ich bin momentan nicht im büro",
    "vielen dank für ihre nachricht. ich bin",
    "je suis absent",
    "je suis actuellement absent",
];

/// Words that, alone, ask to be left alone.
const STOP_WORDS: &[&str] = &[
    "unsubscribe",
    "remove me",
    "remove",
    "stop",
    "please remove me",
    "remove me please",
    "please unsubscribe",
    "unsubscribe please",
    "unsubscribe me",
    "please stop",
    "stop please",
    "abmelden",
    "austragen",
    "désabonner",
    "desinscribir",
];

/// Reply and forward prefixes, lower case, without the colon.
const PREFIXES: &[&str] = &[
    "re", "aw", "fwd", "fw", "wg", "sv", "antw", "tr", "rif", "r",
];

/// Whether the subject looks like an absence notice.
pub(super) fn is_absence_subject(subject: &str) -> bool {
    let subject = subject.to_lowercase();
    ABSENCE_SUBJECTS.iter().any(|s| subject.contains(s))
}

/// Whether the text written on top (before any quote) opens like an absence notice.
pub(super) fn opens_with_absence(body: &str) -> bool {
    let top: String = fresh_lines(body)
        .take(4)
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let top = collapse_spaces(&top);
    ABSENCE_OPENINGS.iter().any(|p| top.contains(p))
}

/// The subject without `Re:`, `AW:`, `Fwd:` and the like (repeated).
pub(super) fn strip_reply_prefixes(subject: &str) -> &str {
    let mut rest = subject.trim();
    'strip: loop {
        for prefix in PREFIXES {
            let Some(head) = rest.get(..prefix.len()) else {
                continue;
            };
            if !head.eq_ignore_ascii_case(prefix) {
                continue;
            }
            let after = rest[prefix.len()..].trim_start();
            if let Some(after) = after.strip_prefix(':') {
                rest = after.trim_start();
                continue 'strip;
            }
        }
        return rest;
    }
}

/// The token of `unsubscribe-<token>` (a subject or an address's local part), if that is what
/// `text` is.
pub(super) fn unsubscribe_token(text: &str) -> Option<String> {
    let text = text.trim();
    let head = text.get(..12)?;
    if !head.eq_ignore_ascii_case("unsubscribe-") {
        return None;
    }
    let token = &text[12..];
    let valid = !token.is_empty()
        && token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    valid.then(|| token.to_owned())
}

/// Whether `text` is one of the stop words, ignoring case and closing punctuation.
pub(super) fn is_stop_word(text: &str) -> bool {
    let text = text
        .trim()
        .trim_end_matches(['.', '!', ',', ';'])
        .trim()
        .to_lowercase();
    let text = collapse_spaces(&text);
    STOP_WORDS.contains(&text.as_str())
}

/// Whether a short text (a few lines above any quote) opens with a stop word.
pub(super) fn short_body_says_stop(body: &str) -> bool {
    let lines: Vec<&str> = fresh_lines(body).collect();
    let length: usize = lines.iter().map(|l| l.len()).sum();
    // A longer message that happens to start with "Stop" is a person writing, not a request;
    // taking it for a reply is the safer mistake (it stops the sequence too, but suppresses
    // nobody).
    if lines.len() > 4 || length > 120 {
        return false;
    }
    lines.first().is_some_and(|first| is_stop_word(first))
}

/// The non-empty lines written on top, up to the first quote or quote header.
pub(super) fn fresh_lines(body: &str) -> impl Iterator<Item = &str> {
    body.lines()
        .map(str::trim)
        .take_while(|line| !is_quote_start(line))
        .filter(|line| !line.is_empty())
}

fn is_quote_start(line: &str) -> bool {
    let lower = line.to_lowercase();
    line.starts_with('>')
        || lower.starts_with("-----original message")
        || lower.starts_with("-----ursprüngliche nachricht")
        || lower.starts_with("from: ")
        || lower.starts_with("von: ")
        || (lower.starts_with("on ") && lower.ends_with("wrote:"))
        || (lower.starts_with("am ") && lower.ends_with("schrieb:"))
        || (lower.starts_with("le ") && lower.ends_with("a écrit :"))
}

fn collapse_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
