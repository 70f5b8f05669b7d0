"""The glossary of one language: terms (H3 headings with ids) and their short explanation.

`docs/<lang>/glossary.md` is the single source: the build links the first use of each term on a page
to its entry, with the short explanation as a definition that opens on hover, focus and tap
(`mark_terms()`, called by overrides/hooks/content.py; handbook.js opens and closes it).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from scripts.sources import headings

MAX_HINT = 200


@dataclass(frozen=True)
class Term:
    term: str
    id: str
    hint: str
    line: int


def _first_paragraph(lines: list[str], start: int) -> str:
    para = []
    for line in lines[start:]:
        if not line.strip():
            if para:
                break
            continue
        if line.startswith("#"):
            break
        para.append(line.strip())
    text = " ".join(para)
    text = re.sub(r"\[([^\]]+)\]\[[^\]]*\]|\[([^\]]+)\]\([^)]*\)", lambda m: m.group(1) or m.group(2), text)
    return re.sub(r"[*_`]", "", text)


def terms(path: Path) -> list[Term]:
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    return [
        Term(h.text, h.id, _first_paragraph(lines, h.line), h.line) for h in headings(text) if h.level == 3 and h.id
    ]


# Where a term is not running text: headings, links, code, table and list headers, box titles, the
# legal notice under a title, placeholders, drawings. Tags by name, other elements by class.
SKIP_TAGS = {
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "code",
    "pre",
    "kbd",
    "samp",
    "abbr",
    "script",
    "style",
    "svg",
    "button",
    "summary",
    "th",
    "dt",
    "label",
    "textarea",
    "select",
    "option",
    "title",
    "figcaption",
}
SKIP_CLASSES = {"admonition-title", "hb-placeholder", "hb-legal-note", "hb-term-def", "headerlink"}
# English terms are often also verbs ("post", "reach", "monitor"): a word right before a lower-case term
# that shows it is a verb here, or a different noun ("blog post"), leaves that occurrence unmarked.
NOT_THE_NOUN = {
    "to",
    "can",
    "could",
    "will",
    "would",
    "may",
    "might",
    "must",
    "should",
    "not",
    "never",
    "cannot",
    "you",
    "we",
    "they",
    "people",
    "i",
    "also",
    "only",
    "often",
    "usually",
    "still",
    "rarely",
    "rather",
    "easily",
    "directly",
    "blog",
}
PREVIOUS_WORD = re.compile(r"([A-Za-z]+)\W*$")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
TAG = re.compile(r"<!--.*?-->|<(/?)([a-zA-Z][a-zA-Z0-9]*)\b([^>]*)>", re.S)
CLASS = re.compile(r'\bclass="([^"]*)"')
ID = re.compile(r'\bid="([^"]*)"')


def term_pattern(entries: list[Term]) -> re.Pattern | None:
    """One pattern for all terms, longest first (so compounds win), whole words only: not a part of a
    longer word or of a hyphenated compound. A term written in lower case (English) also matches with a
    capital first letter, at the start of a sentence."""
    if not entries:
        return None
    alternatives = []
    for entry in sorted(entries, key=lambda e: -len(e.term)):
        first, rest = entry.term[0], re.escape(entry.term[1:])
        head = f"[{first}{first.upper()}]" if first.islower() else re.escape(first)
        alternatives.append(head + rest)
    return re.compile(r"(?<![\w-])(" + "|".join(alternatives) + r")(?![\w-])")


def _markup(entry: Term, text: str, href: str, more: str) -> str:
    # The definition is a <small> (a side note), not a <span>: the theme's search indexer compares
    # elements by tag name, so a <span data-search-exclude> would end at the first inner </span> and
    # the rest would land in the search index.
    target = html.escape(f"{href}#{entry.id}", quote=True)
    return (
        f'<span class="hb-term-wrap"><a class="hb-term" href="{target}" aria-describedby="hb-def-{entry.id}">'
        f'{text}</a><small class="hb-term-def" hidden data-search-exclude>'
        f'<span class="hb-term-def__text" id="hb-def-{entry.id}">{html.escape(entry.hint, quote=False)}</span> '
        f'<a class="hb-term-def__link" href="{target}">{html.escape(more, quote=False)}</a></small></span>'
    )


def mark_terms(content: str, entries: list[Term], href: str, more: str, *, glossary_page: bool = False) -> str:
    """The page's HTML with the first use of each term in running text marked: a link to its entry
    (href: the glossary page relative to this page, "" on the glossary page itself) and, beside it, the
    hidden definition with a link to the entry (text: more). Other uses stay plain text.

    On the glossary page the headwords (headings) are never marked, nor a term inside its own entry.
    Works on the HTML Python-Markdown writes, with a regular expression and a stack of open elements
    (no HTML parser: this runs for every page on every build and preview rebuild).
    """
    pattern = term_pattern(entries)
    if pattern is None:
        return content
    by_term = {e.term: e for e in entries}
    lookup = {}
    for entry in entries:
        lookup[entry.term] = entry
        lookup[entry.term[0].upper() + entry.term[1:]] = entry
    done: set[str] = set()
    stack: list[tuple[str, bool]] = []
    skipping = 0
    own_entry = None  # glossary page: the id of the entry being read
    out, pos = [], 0

    def text_until(end: int) -> None:
        nonlocal pos
        segment = content[pos:end]
        pos = end
        if skipping or len(done) == len(by_term):
            out.append(segment)
            return
        last = 0
        for match in pattern.finditer(segment):
            entry = lookup[match.group(1)]
            if entry.term in done or entry.id == own_entry:
                continue
            before = PREVIOUS_WORD.search(segment, max(0, match.start() - 20), match.start())
            if entry.term[0].islower() and before and before.group(1).lower() in NOT_THE_NOUN:
                continue
            done.add(entry.term)
            out.append(segment[last : match.start()])
            out.append(_markup(entry, match.group(1), href, more))
            last = match.end()
        out.append(segment[last:])

    for tag in TAG.finditer(content):
        text_until(tag.start())
        out.append(tag.group(0))
        pos = tag.end()
        closing, name = tag.group(1), (tag.group(2) or "").lower()
        if not name:
            continue  # a comment
        if closing:
            while stack:
                open_name, skip = stack.pop()
                skipping -= skip
                if open_name == name:
                    break
            continue
        attributes = tag.group(3)
        if glossary_page and name in ("h2", "h3"):
            heading_id = ID.search(attributes)
            own_entry = heading_id.group(1) if name == "h3" and heading_id else None
        if name in VOID or attributes.rstrip().endswith("/"):
            continue
        classes = CLASS.search(attributes)
        skip = name in SKIP_TAGS or bool(classes and SKIP_CLASSES & set(classes.group(1).split()))
        stack.append((name, skip))
        skipping += skip
    text_until(len(content))
    return "".join(out)
