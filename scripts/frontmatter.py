"""The front matter a page may carry: the keys the handbook uses, each with its type, text as plain text.

MkDocs hands every front matter key to the theme, and Material prints several of them into the page as
they are, without escaping: `title` (in <title> and the header), `subtitle` (navigation), `description`
(the meta description), `revision_date` (under the article), `author`; `template` even chooses the page
template (`redirect.html` with `location` sends readers elsewhere). So the schema is an allowlist: a key
the handbook does not use is refused rather than printed, and text values are plain text without the
characters that make HTML (< > & " and `), so whatever a template prints them into, they stay text.

Run for every page by guard.pages_rules(), that is by `checks.structure()` in `handbook.py check` and the
build. A broken YAML block is reported by sources.front_matter; the month format of `legal_as_of` by
checks.legal_date_rule, the presence of `description` by checks.page_rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from scripts.sources import Problem, front_matter, split_front_matter


@dataclass(frozen=True)
class Key:
    kind: str  # "text", "bool", "hash" or "checked elsewhere" (another check owns the value)
    purpose: str  # what the key is for, shown in CONTRIBUTING and in no message


SCHEMA: dict[str, Key] = {
    "description": Key("text", "one sentence for search engines and link previews (meta description)"),
    "legal_as_of": Key("checked elsewhere", "month the legal content was last reviewed (checks.legal_date_rule)"),
    "pdf": Key("bool", "false keeps the page out of the PDFs (scripts/pdf.py)"),
    "translation_of": Key("hash", "the German version an English page follows (scripts/translations.py)"),
    "easy_language": Key("bool", "true marks a page in Leichte Sprache / Easy Read (scripts/easy_language.py)"),
    "untranslated": Key(
        "bool", "true: a page `handbook.py add-language` copied, not translated yet; it shows a notice saying so"
    ),
}

# Keys the theme knows and a contributor may try: say where the handbook takes the value from instead.
THEME_KEYS = {
    "title": "the page title is its '# ' heading",
    "subtitle": "the navigation shows the page title only",
    "revision_date": "the date under each page comes from git, see overrides/hooks/page_dates.py",
    "template": "every page uses the handbook's template",
    "hide": "every page shows the navigation and table of contents",
}

NOT_PLAIN = re.compile(r"[<>&\"`]|[\x00-\x08\x0b-\x1f\x7f]")
PLAIN_ADVICE = {
    "<": "no tags; write 'less than' in words",
    ">": "no tags; write 'more than' in words",
    "&": "write 'und' or 'and' instead of &",
    '"': "use „…“ or “…” for quotes",
    "`": "no code formatting",
}
HASH = re.compile(r"^[0-9a-f]{12}$")
KIND_WORDS = {
    "text": "text (in quotes)",
    "bool": "true or false",
    "hash": "the 12-character hash `handbook.py mark-translated` writes",
}


def key_line(text: str, key: str) -> int:
    """The line of `key:` in the front matter (1 if it cannot be found, e.g. in a flow mapping)."""
    fm, _ = split_front_matter(text)
    for number, line in enumerate((fm or "").splitlines(), 2):
        if re.match(rf"{re.escape(key)}\s*:", line):
            return number
    return 1


def check(path: Path, text: str) -> list[Problem]:
    """Unknown keys, wrong types and markup in the front matter of one page."""
    meta, broken = front_matter(path, text)
    if broken:
        return []  # reported by checks.page_rules
    problems = []
    for key, value in meta.items():
        line = key_line(text, str(key))
        spec = SCHEMA.get(key) if isinstance(key, str) else None
        if spec is None:
            hint = f" ({THEME_KEYS[key]})" if key in THEME_KEYS else ""
            problems.append(
                Problem(
                    path,
                    line,
                    f"unknown front matter key '{key}'{hint}; the known keys are "
                    f"{', '.join(SCHEMA)}: remove it or correct its spelling",
                )
            )
            continue
        problem = value_problem(key, spec.kind, value)
        if problem:
            problems.append(Problem(path, line, problem))
    return problems


def value_problem(key: str, kind: str, value: object) -> str | None:
    """What is wrong with one value, or None. Never prints a value that is not a short plain scalar."""
    if kind == "checked elsewhere":
        return None
    wanted = KIND_WORDS[kind]
    if kind == "bool":
        return None if isinstance(value, bool) else f"{key}: must be {wanted}, not {_kind_of(value)}"
    if kind == "hash":
        if isinstance(value, int) and not isinstance(value, bool):
            return None  # a hash of digits only, written unquoted, reads as a number
        if isinstance(value, str) and HASH.match(value):
            return None
        return f"{key}: must be {wanted}, not {_kind_of(value)}"
    if not isinstance(value, str):
        return f"{key}: must be {wanted}, not {_kind_of(value)}"
    bad = NOT_PLAIN.search(value)
    if bad:
        char = bad.group()
        shown = char if char.isprintable() else f"\\x{ord(char):02x}"
        return (
            f"{key}: contains '{shown}'; write plain text without HTML or Markdown (the theme prints it "
            f"as it is): {PLAIN_ADVICE.get(char, 'remove the control character')}"
        )
    return None


def _kind_of(value: object) -> str:
    """A short name for the type of a YAML value (the value itself may be huge: never printed)."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return f"the text '{value[:40]}'"
    return {"list": "a list", "dict": "a set of keys", "date": "a date", "datetime": "a date"}.get(
        type(value).__name__, f"a {type(value).__name__}"
    )
