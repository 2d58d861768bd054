"""Renders templates with Python's Jinja2 for the differential test (`differential.rs`).

Reads a JSON list of cases, each {"source": spelling, "vars": {"company": "…",
"custom.event": "…", "sender.first_name": "…"}}, from standard input and prints a JSON list
of {"ok": text} or {"error": message}. The environment is Overture's dialect: undefined
variables fail when printed or filtered but are false in a condition, and the three filters
of `src/filters.rs`, written again here from their documentation.
"""

import json
import sys

import jinja2


class SemiStrictUndefined(jinja2.StrictUndefined):
    """Fails like StrictUndefined, except that it is false in a condition."""

    def __bool__(self):
        return False


HONORIFICS = {"dr", "mr", "mrs", "ms", "mx", "prof"}
SMALL_WORDS = {"a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to"}


def clean_name(value):
    value = str(value)
    cuts = [i for i in (value.find(c) for c in ",|(/") if i >= 0]
    if cuts:
        value = value[: min(cuts)]
    kept = "".join(c if c.isalpha() or c in "-'’." else " " for c in value)
    word = ""
    for w in kept.split():
        if w.rstrip(".").lower() not in HONORIFICS:
            word = w
            break
    word = word.strip(".-'’")
    letters = [c for c in word if c.isalpha()]
    if all(c.isupper() for c in letters) or all(c.islower() for c in letters):
        out, start = [], True
        for c in word:
            out.append(c.upper() if start else c.lower())
            start = c in "-'’"
        return "".join(out)
    return word


def title_case(value):
    value = str(value)
    letters = [c for c in value if c.isalpha()]
    shouting = all(c.isupper() for c in letters)
    out, first = [], True
    pieces, current = [], ""
    for c in value:
        current += c
        if c.isspace():
            pieces.append(current)
            current = ""
    if current:
        pieces.append(current)
    for piece in pieces:
        word = piece.rstrip()
        space = piece[len(word):]
        word_letters = [c for c in word if c.isalpha()]
        acronym = (not shouting and 2 <= len(word_letters) <= 4
                   and all(c.isupper() for c in word_letters))
        lower = word.lower()
        if not word:
            pass
        elif acronym:
            out.append(word)
        elif not first and lower in SMALL_WORDS:
            out.append(lower)
        else:
            out.append(lower[:1].upper() + lower[1:])
        if word:
            first = False
        out.append(space)
    return "".join(out)


def first_word(value):
    words = str(value).split()
    return words[0].rstrip(",.;:") if words else ""


def context(flat):
    ctx = {"custom": {}, "sender": {}}
    for name, value in flat.items():
        head, _, rest = name.partition(".")
        if rest:
            ctx[head][rest] = value
        else:
            ctx[name] = value
    return ctx


def main():
    env = jinja2.Environment(undefined=SemiStrictUndefined, autoescape=False)
    env.filters.update(clean_name=clean_name, title_case=title_case, first_word=first_word)
    results = []
    for case in json.load(sys.stdin):
        try:
            text = env.from_string(case["source"]).render(context(case["vars"]))
            results.append({"ok": text})
        except jinja2.TemplateError as error:
            results.append({"error": f"{type(error).__name__}: {error}"})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
