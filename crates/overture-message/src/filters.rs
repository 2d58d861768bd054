//! The filters people need on lead data, beyond Jinja's own: the same rules are written in
//! Python in the differential test (`tests/it/jinja2_render.py`), which checks that both agree.

/// Honorifics dropped before a first name.
const HONORIFICS: [&str; 6] = ["dr", "mr", "mrs", "ms", "mx", "prof"];

/// Words `title_case` keeps in lower case, except first.
const SMALL_WORDS: [&str; 12] = [
    "a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to",
];

/// `{{ first_name | clean_name }}`: a first name as a person would write it in a note.
///
/// `"Dr. ANNA-LENA (Anni) 🚀, PhD"` becomes `"Anna-Lena"`: everything from the first `,`, `|`,
/// `(` or `/` goes (credentials, nicknames, taglines), so do characters that are not letters,
/// marks, `-`, `'`, `’` or spaces (emoji), and a leading honorific; the first remaining word is
/// kept, with `.`, `-` and apostrophes trimmed from its ends; a word written all in capitals
/// or all in lower case is capitalised at the start and after each `-` or apostrophe.
pub(crate) fn clean_name(value: &str) -> String {
    let cut = value
        .find([',', '|', '(', '/'])
        .map_or(value, |i| &value[..i]);
    let kept: String = cut
        .chars()
        .map(|c| {
            if c.is_alphabetic() || c == '-' || c == '\'' || c == '’' || c == '.' {
                c
            } else {
                ' '
            }
        })
        .collect();
    let word = kept
        .split_whitespace()
        .find(|w| {
            let bare = w.trim_end_matches('.').to_lowercase();
            !HONORIFICS.contains(&bare.as_str())
        })
        .unwrap_or("");
    let word = word.trim_matches(|c| matches!(c, '.' | '-' | '\'' | '’'));
    let letters = || word.chars().filter(|c| c.is_alphabetic());
    let upper = letters().all(char::is_uppercase);
    let lower = letters().all(char::is_lowercase);
    if upper || lower {
        capitalise_parts(word)
    } else {
        word.to_owned()
    }
}

/// Upper case at the start and after `-` or an apostrophe, lower case elsewhere.
fn capitalise_parts(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut start = true;
    for c in word.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = matches!(c, '-' | '\'' | '’');
    }
    out
}

/// `{{ position | title_case }}`: `"head of SALES operations"` becomes
/// `"Head of Sales Operations"`.
///
/// Each word starts with a capital and goes on in lower case, except: a word of two to four
/// letters written in capitals stays as it is (`VP`, `CEO`, `EMEA`) unless the whole text is
/// in capitals; the small words (`of`, `and`, `the`, …) stay in lower case unless first.
/// Spaces are kept as written.
pub(crate) fn title_case(value: &str) -> String {
    let shouting = value
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(char::is_uppercase);
    let mut out = String::with_capacity(value.len());
    let mut first = true;
    for piece in value.split_inclusive(char::is_whitespace) {
        let word = piece.trim_end_matches(char::is_whitespace);
        let space = &piece[word.len()..];
        let letters = word.chars().filter(|c| c.is_alphabetic()).count();
        let acronym = !shouting
            && (2..=4).contains(&letters)
            && word
                .chars()
                .filter(|c| c.is_alphabetic())
                .all(char::is_uppercase);
        let lower = word.to_lowercase();
        if word.is_empty() {
        } else if acronym {
            out.push_str(word);
        } else if !first && SMALL_WORDS.contains(&lower.as_str()) {
            out.push_str(&lower);
        } else {
            let mut chars = lower.chars();
            if let Some(c) = chars.next() {
                out.extend(c.to_uppercase());
                out.push_str(chars.as_str());
            }
        }
        if !word.is_empty() {
            first = false;
        }
        out.push_str(space);
    }
    out
}

/// `{{ company | first_word }}`: `"Northwind Analytics, Inc."` becomes `"Northwind"`; the
/// first word, with `,`, `.`, `;`, `:` trimmed from its end.
pub(crate) fn first_word(value: &str) -> String {
    value
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_end_matches([',', '.', ';', ':'])
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_name_keeps_the_name_a_person_would_write() {
        let cases = [
            ("Dr. ANNA-LENA (Anni) 🚀, PhD", "Anna-Lena"),
            ("  maría  ", "María"),
            ("o'neil", "O'Neil"),
            ("McKenzie", "McKenzie"),
            ("Jean Pierre", "Jean"),
            ("Kim | Growth @ Northwind", "Kim"),
            ("Prof Dr Ingrid", "Ingrid"),
            ("🚀", ""),
            ("", ""),
        ];
        for (given, expected) in cases {
            assert_eq!(clean_name(given), expected, "{given:?}");
        }
    }

    #[test]
    fn title_case_keeps_acronyms_and_small_words() {
        let cases = [
            ("head of SALES operations", "Head of Sales Operations"),
            ("VP of engineering, EMEA", "VP of Engineering, EMEA"),
            ("HEAD OF PEOPLE", "Head of People"),
            ("the  data   team", "The  Data   Team"),
            ("", ""),
        ];
        for (given, expected) in cases {
            assert_eq!(title_case(given), expected, "{given:?}");
        }
    }

    #[test]
    fn first_word_drops_the_rest_and_trailing_punctuation() {
        assert_eq!(first_word("Northwind Analytics, Inc."), "Northwind");
        assert_eq!(first_word("Contoso, Ltd"), "Contoso");
        assert_eq!(first_word("  "), "");
    }
}
