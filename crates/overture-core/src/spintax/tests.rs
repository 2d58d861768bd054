use std::collections::BTreeSet;

use proptest::prelude::*;

use super::*;

fn spin(source: &str) -> Spintax {
    Spintax::parse(source).unwrap()
}

/// Every spelling of `source`, from enough seeds to see them all.
fn seen(source: &str, seeds: u64) -> BTreeSet<String> {
    let s = spin(source);
    (0..seeds).map(|seed| s.render(seed)).collect()
}

#[test]
fn groups_nest_and_alternatives_may_be_empty() {
    let all = seen("{Hi|Hey {there|you}}, {very |}good", 400);
    let expected: BTreeSet<String> = [
        "Hi, very good",
        "Hi, good",
        "Hey there, very good",
        "Hey there, good",
        "Hey you, very good",
        "Hey you, good",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(all, expected);
    assert_eq!(spin("{Hi|Hey {there|you}}, {very |}good").spellings(), 6);
}

#[test]
fn template_tags_pass_through_unspun() {
    let source = "{Hi|Hello} {{ first_name | default(\"there\") }}{% if company %}, {at|from} {{ company }}{% endif %}{# a|b #}";
    for text in seen(source, 200) {
        assert!(
            text.contains("{{ first_name | default(\"there\") }}"),
            "{text}"
        );
        assert!(text.contains("{% if company %}") && text.contains("{% endif %}"));
        assert!(text.contains("{# a|b #}"), "{text}");
    }
    // Inside a group too.
    assert_eq!(
        seen("{{{ first_name }}|friend}", 100),
        ["friend", "{{ first_name }}"]
            .into_iter()
            .map(String::from)
            .collect()
    );
}

#[test]
fn escapes_stand_for_the_character() {
    assert_eq!(
        spin(r"\{not a group\} a\|b c\\d \n").render(1),
        r"{not a group} a|b c\d \n"
    );
    assert_eq!(spin("a|b outside a group").render(7), "a|b outside a group");
    assert_eq!(seen(r"{x\|y|z}", 100).len(), 2);
}

#[test]
fn the_same_seed_gives_the_same_text_and_groups_draw_independently() {
    let s = spin("{a|b|c|d} {e|f|g|h} {i|j|k|l}");
    for seed in 0..50 {
        assert_eq!(s.render(seed), s.render(seed));
    }
    // Changing the first group's options does not move the others' choices.
    let t = spin("{a|b} {e|f|g|h} {i|j|k|l}");
    for seed in 0..50 {
        assert_eq!(s.render(seed)[2..], t.render(seed)[2..]);
    }
}

#[test]
fn the_longest_spelling_is_what_limits_check() {
    let s = spin("{Hi|Hello there} {{ first_name }}, {great|wonderful} to {meet|connect}");
    assert_eq!(
        s.longest(),
        "Hello there {{ first_name }}, wonderful to connect"
    );
    assert!(!spin("no groups").spins());
    assert!(s.spins());
}

#[test]
fn errors_say_where() {
    let err = |source: &str| Spintax::parse(source).unwrap_err().to_string();
    assert_eq!(
        err("Hi\n  {there|you"),
        "2:3: the group opened here has no closing `}` (write `\\{` for a literal brace)"
    );
    assert_eq!(
        err("Hi} there"),
        "1:3: this `}` closes no group (write `\\}` for a literal brace)"
    );
    assert_eq!(
        err("Hi {{ first_name }"),
        "1:4: the template tag `{{` opened here has no closing `}}`"
    );
    let deep = "{a".repeat(MAX_DEPTH + 1) + &"}".repeat(MAX_DEPTH + 1);
    assert!(matches!(
        Spintax::parse(&deep),
        Err(SpintaxError::TooDeep { .. })
    ));
    let ok = "{a".repeat(MAX_DEPTH) + &"}".repeat(MAX_DEPTH);
    assert!(Spintax::parse(&ok).is_ok(), "{ok}");
}

/// A spintax tree, for generating sources whose spellings are known.
#[derive(Debug, Clone)]
enum Tree {
    Text(String),
    Group(Vec<Vec<Tree>>),
}

fn tree() -> impl Strategy<Value = Vec<Tree>> {
    let leaf = "[a-z {}|\\\\é]{0,6}".prop_map(Tree::Text);
    let node = leaf.prop_recursive(3, 24, 4, |inner| {
        prop::collection::vec(prop::collection::vec(inner, 0..3), 1..4).prop_map(Tree::Group)
    });
    prop::collection::vec(node, 0..4)
}

/// The source text of a tree, with the special characters of text escaped.
fn source(trees: &[Tree]) -> String {
    let mut out = String::new();
    for t in trees {
        match t {
            Tree::Text(text) => {
                for c in text.chars() {
                    if matches!(c, '{' | '}' | '|' | '\\') {
                        out.push('\\');
                    }
                    out.push(c);
                }
            }
            Tree::Group(alternatives) => {
                out.push('{');
                let inner: Vec<String> = alternatives.iter().map(|a| source(a)).collect();
                out.push_str(&inner.join("|"));
                out.push('}');
            }
        }
    }
    out
}

/// Every spelling of a tree.
fn spellings_of(trees: &[Tree]) -> BTreeSet<String> {
    let mut all = BTreeSet::from([String::new()]);
    for t in trees {
        let next: BTreeSet<String> = match t {
            Tree::Text(text) => std::iter::once(text.clone()).collect(),
            Tree::Group(alternatives) => {
                alternatives.iter().flat_map(|a| spellings_of(a)).collect()
            }
        };
        all = all
            .iter()
            .flat_map(|a| next.iter().map(move |b| format!("{a}{b}")))
            .collect();
    }
    all
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parsing_never_panics(source in ".{0,64}") {
        let _ = Spintax::parse(&source);
    }

    #[test]
    fn every_rendering_is_a_spelling_and_none_is_longer_than_the_longest(
        trees in tree(),
        seeds in prop::collection::vec(any::<u64>(), 1..8),
    ) {
        let text = source(&trees);
        // Where a group's text starts with `{`, `%` or `#` it reads as a template tag: skip
        // those sources (the unit tests cover tags).
        prop_assume!(!text.contains("{{") && !text.contains("{%") && !text.contains("{#"));
        let parsed = Spintax::parse(&text).unwrap();
        let all = spellings_of(&trees);
        let longest = parsed.longest();
        prop_assert!(all.contains(&longest), "{} not among {:?}", longest, all);
        let max = all.iter().map(|s| s.chars().count()).max().unwrap_or(0);
        prop_assert_eq!(longest.chars().count(), max);
        for seed in seeds {
            let text = parsed.render(seed);
            prop_assert!(all.contains(&text), "{} not among {:?}", text, all);
            prop_assert_eq!(&text, &parsed.render(seed));
        }
    }

    #[test]
    fn plain_text_is_unchanged(text in "[^{}|\\\\]{0,80}", seed: u64) {
        prop_assert_eq!(Spintax::parse(&text).unwrap().render(seed), text);
    }
}

#[test]
fn template_source_keeps_an_escaped_brace_a_brace() {
    // Rendered plainly, `\{\{ x \}\}` reads like a tag; as template source it must not be one.
    let s = spin(r"\{\{ x \}\} {Hi|Hi} {{ first_name }}");
    assert_eq!(s.render(3), "{{ x }} Hi {{ first_name }}");
    assert_eq!(
        s.render_template(3),
        r#"{{ "{" }}{{ "{" }} x }} Hi {{ first_name }}"#
    );
    assert_eq!(s.longest_template(), s.render_template(3));
}

#[test]
fn walking_points_every_piece_at_its_source() {
    let source = "Hi {there|{{ first_name }}}\\|!";
    let s = spin(source);
    let mut pieces = Vec::new();
    s.walk(&mut |_, _| 1, &mut |piece, at| pieces.push((piece, at)));
    assert_eq!(
        pieces,
        [
            (Piece::Text("Hi "), 0),
            (Piece::Tag("{{ first_name }}"), 10),
            (Piece::Escaped('|'), 27),
            (Piece::Text("!"), 29),
        ]
    );
    assert_eq!(s.tags(), [("{{ first_name }}", 10)]);
    assert_eq!(s.widest(), 2);
    assert_eq!(spin("{a|{b|c|d}}").widest(), 3);
    assert_eq!(spin("plain").widest(), 0);
}
