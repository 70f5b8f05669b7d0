"""Checks on the Markdown sources. Each problem names the file and line and says what to do.

Used by the build (overrides/hooks/language_parity.py), by `handbook.py check`, by pre-commit and CI.
"""

from __future__ import annotations

import functools
import os
import re
from datetime import date
from pathlib import Path

from scripts import project
from scripts.sources import (
    LANGUAGE_NAMES,
    LEGAL_AS_OF,
    LEGAL_AS_OF_FORMAT,
    Heading,
    Problem,
    body_lines,
    default_language,
    front_matter,
    headings,
    languages,
    links,
    pages,
    rel,
    source_text,
    split_front_matter,
)


def page_parity(docs: Path) -> list[Problem]:
    """Every page exists in every language folder, at the same relative path."""
    problems = []
    langs = languages(docs)
    sets = {lang: set(pages(docs, lang)) for lang in langs}
    for lang in langs:
        for other in langs:
            for page in sorted(sets[other] - sets[lang]):
                problems.append(
                    Problem(
                        docs / lang / page,
                        1,
                        f"missing {LANGUAGE_NAMES[lang]} page: {rel(docs / other / page)} has no twin here. "
                        f"Add it at this path (same file name in both language folders).",
                    )
                )
    return problems


def heading_id_parity(docs: Path) -> list[Problem]:
    """Every heading has an explicit English id, and twins have the same ids in the same order."""
    problems = []
    for page in pages(docs, default_language(docs)):
        per_lang = {}
        for lang in languages(docs):
            path = docs / lang / page
            if not path.exists():
                continue  # reported by page_parity
            hs = headings(source_text(path))
            for h in hs:
                if h.id is None:
                    problems.append(
                        Problem(
                            path,
                            h.line,
                            f"heading '{h.text}' has no id: "
                            "end it with { #english-id } (the same id in both languages)",
                        )
                    )
            per_lang[lang] = (path, hs)
        original = per_lang.pop(default_language(docs), None)
        if original is None:
            continue
        for path, hs in per_lang.values():
            problems += _heading_twins(original, (path, hs), LANGUAGE_NAMES[default_language(docs)])
    return problems


def _shown_id(heading: Heading) -> str:
    """A heading id as a message shows it: '#why', with invisible characters written out ('#why<U+200B>'),
    since two ids that look the same in a message would say nothing."""
    shown = "".join(c if c.isprintable() else f"<U+{ord(c):04X}>" for c in heading.id or "")
    return f"'#{shown}'"


def _heading_twins(original: tuple[Path, list[Heading]], twin: tuple[Path, list[Heading]], name: str) -> list[Problem]:
    """The first difference of heading ids between a page of the original language and its translation."""
    (de_path, de_hs), (en_path, en_hs) = original, twin
    for i in range(max(len(de_hs), len(en_hs))):
        de_h = de_hs[i] if i < len(de_hs) else None
        en_h = en_hs[i] if i < len(en_hs) else None
        if de_h and en_h and (de_h.id, de_h.level) == (en_h.id, en_h.level):
            continue
        if en_h is None:
            return [
                Problem(
                    en_path,
                    len(source_text(en_path).splitlines()),
                    f"heading {_shown_id(de_h)} ({rel(de_path)}:{de_h.line}) is missing here",
                )
            ]
        if de_h is None:
            return [Problem(en_path, en_h.line, f"heading {_shown_id(en_h)} has no {name} twin in {rel(de_path)}")]
        here = f"heading id {_shown_id(en_h)}" if en_h.id else "heading without an id"
        there = _shown_id(de_h) if de_h.id else "heading, which has no id"
        return [  # one difference per page: the rest usually follows from it
            Problem(
                en_path,
                en_h.line,
                f"{here} (level {en_h.level}) differs from the {name} {there} (level {de_h.level}) at "
                f"{rel(de_path)}:{de_h.line}; use the same ids, in the same order, in both languages",
            )
        ]
    return []


RAW_DANGER = re.compile(r"<\s*(script|iframe|object|embed|frame|form)\b|\bon[a-z]+\s*=\s*[\"']|javascript:", re.I)
RAW_RESOURCE = re.compile(r"<[^>]+\b(?:src|srcset|data|poster)\s*=\s*[\"']?\s*(?:https?:)?//", re.I)
RAW_IMG = re.compile(r"<img\b", re.I)


@functools.lru_cache(maxsize=2048)
def page_rules(path: Path, text: str) -> tuple[Problem, ...]:
    """One page on its own: front matter, one H1, no empty sections, alt texts, no unsafe HTML."""
    meta, problems = front_matter(path, text)
    if problems:
        return tuple(problems)
    if not str(meta.get("description", "")).strip():
        problems.append(
            Problem(
                path, 1, "no 'description:' in the front matter (one sentence for search engines and link previews)"
            )
        )
    problems += legal_date_rule(path, text, meta)
    hs = headings(text)
    h1s = [h for h in hs if h.level == 1]
    if len(h1s) != 1:
        line = h1s[1].line if len(h1s) > 1 else split_front_matter(text)[1]
        problems.append(Problem(path, line, f"a page needs exactly one '# ' title, found {len(h1s)}"))
    lines = text.splitlines()
    for here, following in zip(hs, [*hs[1:], None], strict=False):
        end = following.line - 1 if following else len(lines)
        body = [text for text in lines[here.line : end] if text.strip()]
        if not body and (following is None or following.level <= here.level):
            problems.append(
                Problem(path, here.line, f"section '{here.text}' is empty: write its text or remove the heading")
            )
    for number, is_image, alt, target in links(text):
        if is_image and not alt.strip():
            problems.append(
                Problem(
                    path,
                    number,
                    f"image {target} has no alt text: write what it shows between the brackets, ![like this](...)",
                )
            )
        if is_image and re.match(r"(?:https?:)?//", target):
            problems.append(
                Problem(
                    path,
                    number,
                    f"image {target} is loaded from another address; "
                    "put the file under docs/assets/ (privacy: no third-party requests)",
                )
            )
    for number, line in body_lines(text):
        if RAW_DANGER.search(line):
            problems.append(
                Problem(
                    path,
                    number,
                    "scripts, frames, forms and inline event handlers are not allowed in pages (privacy and safety)",
                )
            )
        if RAW_RESOURCE.search(line):
            problems.append(
                Problem(
                    path,
                    number,
                    "a resource is loaded from another address; put the "
                    "file under docs/assets/ (privacy: no third-party requests)",
                )
            )
        if RAW_IMG.search(line) and not re.search(r"\balt\s*=\s*[\"'][^\"']+", line):
            problems.append(Problem(path, number, "<img> without alt text"))
    return problems


# Statutes and regulations a page cites: such a page gives legal guidance and must say when it was
# last reviewed (front matter `legal_as_of: "YYYY-MM"`, shown under the title with "not legal advice").
LEGAL_CITATION = re.compile(
    r"§|\bArt\.\s*\d|\b(?:DSGVO|GDPR|StGB|StPO|DDG|MStV|KUG|TMG|BDSG|UrhG|DSA|BITV|BMG|BGB|SGB)\b"
)


def legal_date_rule(path: Path, text: str, meta: dict) -> list[Problem]:
    """Pages that cite a law carry the month their legal content was last reviewed, in a valid form."""
    value = meta.get(LEGAL_AS_OF)
    if value is not None:
        line = next((n for n, row in enumerate(text.splitlines(), 1) if row.startswith(LEGAL_AS_OF + ":")), 1)
        if not isinstance(value, str) or not LEGAL_AS_OF_FORMAT.match(value):
            return [
                Problem(
                    path,
                    line,
                    f"{LEGAL_AS_OF}: {value!r} is not a month; write it as "
                    f'{LEGAL_AS_OF}: "2026-11" (quoted, year-month)',
                )
            ]
        if value > date.today().strftime("%Y-%m"):
            return [
                Problem(
                    path,
                    line,
                    f"{LEGAL_AS_OF}: {value} lies in the future; write the month "
                    "in which the legal content was last checked",
                )
            ]
        return []
    for number, line in body_lines(text):
        if LEGAL_CITATION.search(line):
            return [
                Problem(
                    path,
                    number,
                    "this page cites a law, so readers need to know how current it "
                    f'is: add {LEGAL_AS_OF}: "YYYY-MM" (the month you checked it) '
                    "to the front matter",
                )
            ]
    return []


def link_parity(docs: Path) -> list[Problem]:
    """Twins link to the same targets and show the same images, in the same order."""
    problems = []
    original = default_language(docs)
    # diagram-de.svg ~ diagram-en.svg, [cc-by-sa-de] ~ [cc-by-sa-en]: a language's own variant of a file
    suffix = re.compile(rf"-({'|'.join(map(re.escape, languages(docs)))})(\.\w+|\])?$")
    norm = lambda t: suffix.sub(r"\2", t)  # noqa: E731
    for page in pages(docs, original):
        de_path = docs / original / page
        for lang in languages(docs)[1:]:
            en_path = docs / lang / page
            if en_path.exists():
                problems += _link_twins(de_path, en_path, norm, LANGUAGE_NAMES[original])
    return problems


def _link_twins(de_path: Path, en_path: Path, norm, name: str) -> list[Problem]:
    """The first difference of links and images between a page of the original language and its translation."""
    de_links = links(source_text(de_path))
    en_links = links(source_text(en_path))
    for i in range(max(len(de_links), len(en_links))):
        de_l = de_links[i] if i < len(de_links) else None
        en_l = en_links[i] if i < len(en_links) else None
        if de_l and en_l and de_l[1] == en_l[1] and norm(de_l[3]) == norm(en_l[3]):
            continue
        kind = "image" if (de_l or en_l)[1] else "link"
        if en_l is None:
            return [Problem(en_path, 1, f"{kind} {de_l[3]} ({rel(de_path)}:{de_l[0]}) is missing here")]
        if de_l is None:
            return [Problem(en_path, en_l[0], f"{kind} {en_l[3]} has no {name} twin in {rel(de_path)}")]
        return [
            Problem(
                en_path,
                en_l[0],
                f"{kind} {en_l[3]} differs from the {name} "
                f"{de_l[3]} at {rel(de_path)}:{de_l[0]}; keep the same links and "
                "images in the same order in both languages",
            )
        ]
    return []


def glossary_hints(docs: Path) -> list[Problem]:
    """A glossary entry's first paragraph is its hover text: plain and short."""
    from scripts import glossary

    problems = []
    for lang in languages(docs):
        path = docs / lang / "glossary.md"
        for entry in glossary.terms(path):
            if not entry.hint:
                problems.append(
                    Problem(path, entry.line, f"glossary term '{entry.term}' needs a first paragraph (its hover text)")
                )
            elif len(entry.hint) > glossary.MAX_HINT:
                problems.append(
                    Problem(
                        path,
                        entry.line,
                        f"the hover text of '{entry.term}' has "
                        f"{len(entry.hint)} characters; keep the first paragraph under "
                        f"{glossary.MAX_HINT}",
                    )
                )
    return problems


def link_targets(docs: Path) -> list[Problem]:
    """Relative links and images point to files that exist, and anchors to headings that exist."""
    import posixpath
    from urllib.parse import unquote, urlsplit

    problems, ids = [], {}

    def ids_of(path: Path) -> set[str]:
        if path not in ids:
            ids[path] = {h.id for h in headings(source_text(path)) if h.id}
        return ids[path]

    for lang in languages(docs):
        for page in pages(docs, lang):
            path = docs / lang / page
            for number, is_image, _, target in links(source_text(path)):
                split = urlsplit(target)
                if target.startswith("[") or split.scheme or target.startswith("//"):
                    continue
                if not split.path:
                    if split.fragment and split.fragment not in ids_of(path):
                        problems.append(
                            Problem(
                                path,
                                number,
                                f"anchor #{split.fragment} does not exist on "
                                "this page; use the id of one of its headings",
                            )
                        )
                    continue
                resolved = Path(
                    posixpath.normpath(posixpath.join(posixpath.dirname(f"{lang}/{page}"), unquote(split.path)))
                )
                candidates = [docs / resolved]
                if resolved.parts and resolved.parts[0] in languages(docs):
                    # shared files: docs/de/x/../assets/a.svg is docs/assets/a.svg (as static-i18n resolves it)
                    candidates.append(docs / Path(*resolved.parts[1:]))
                found = next((c for c in candidates if c.is_file()), None)
                kind = "image" if is_image else "link"
                if found is None:
                    problems.append(
                        Problem(
                            path,
                            number,
                            f"{kind} target {split.path} does not exist; fix the path (relative to this page)",
                        )
                    )
                elif split.fragment and found.suffix == ".md" and split.fragment not in ids_of(found):
                    problems.append(
                        Problem(
                            path,
                            number,
                            f"anchor #{split.fragment} does not exist in "
                            f"{rel(found)}; use the id of one of its headings",
                        )
                    )
    return problems


def nav_entries(config_file: Path, docs: Path) -> list[Problem]:
    """Every page the navigation names exists in every language folder."""
    lines = source_text(config_file).splitlines()
    problems, in_nav = [], False
    for number, line in enumerate(lines, 1):
        if line.startswith("nav:"):
            in_nav = True
            continue
        if in_nav and line and not line.startswith((" ", "#")):
            break
        match = re.search(r"(?:^\s*-\s*|:\s*)([\w./-]+\.md)\s*$", line) if in_nav else None
        if match:
            for lang in languages(docs):
                if not (docs / lang / match.group(1)).is_file():
                    problems.append(
                        Problem(
                            config_file,
                            number,
                            f"the navigation names {match.group(1)}, "
                            f"which is missing in docs/{lang}/; add the page or fix the entry",
                        )
                    )
    return problems


def legal_date_parity(docs: Path) -> list[Problem]:
    """Twins were reviewed together: every translation carries the original page's legal_as_of."""
    problems = []
    for page in pages(docs, default_language(docs)):
        paths = [docs / lang / page for lang in languages(docs)]
        if not all(p.is_file() for p in paths):
            continue  # reported by page_parity
        values = [front_matter(p, source_text(p))[0].get(LEGAL_AS_OF) for p in paths]
        for path, value in zip(paths[1:], values[1:], strict=True):
            if str(value) != str(values[0]):
                problems.append(
                    Problem(
                        path,
                        1,
                        f"{LEGAL_AS_OF} differs from {rel(paths[0])} "
                        f"({value!r} here, {values[0]!r} there); review both and give "
                        "them the same month",
                    )
                )
    return problems


def structure(docs: Path) -> list[Problem]:
    """The checks the build runs before anything is rendered."""
    from scripts import guard  # links, paths outside the repository, encoding, sizes: before any file is read

    if unsafe := guard.tree(docs):
        return unsafe
    problems = guard.pages_rules(docs)  # nesting depth, headings, front matter schema
    problems += page_parity(docs) + heading_id_parity(docs) + glossary_hints(docs) + legal_date_parity(docs)
    for lang in languages(docs):
        for page in pages(docs, lang):
            path = docs / lang / page
            problems += page_rules(path, path.read_text(encoding="utf-8"))
    config = docs.parent / "mkdocs.yml"
    if config.is_file():
        problems += nav_entries(config, docs)
    problems += invisible_in_ids(docs)
    problems += duplicate_ids(docs)
    problems += other_language_links(docs)
    problems += pages_in_nav(docs)
    from scripts import html_policy  # lxml and nh3: loaded only when the checks run

    problems += html_policy.svg_files(docs)  # SVG files: drawing elements only
    problems += guard.file_types(docs)  # only the types of files the site needs are published
    return problems + link_parity(docs) + link_targets(docs)


def run_all(docs: Path, *, spelling: bool = True) -> list[Problem]:
    """Everything `handbook.py check` runs: the build's checks, terminology and spelling."""
    from scripts import easy_language, terminology

    problems = structure(docs) + terminology.check(docs) + easy_language.check(docs)
    if spelling:
        from scripts import spelling as spell

        problems += spell.check()
    return problems


# --- rules the build and `check` share (issue 14): each is one line in structure() ---------------

# Characters that do not show but make two ids differ: format characters (zero-width space and joiners,
# soft hyphen, direction marks, BOM) and spaces other than the ordinary one.
INVISIBLE = re.compile(
    r"[\u00ad\u00a0\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u2000-\u200f\u2028-\u202f"
    r"\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0]"
)
ATTR_LIST = re.compile(r"\{[^}]*\}\s*$")


def _invisible_name(char: str) -> str:
    import unicodedata

    return f"U+{ord(char):04X} {unicodedata.name(char, 'invisible character')}"


def invisible_in_ids(docs: Path) -> list[Problem]:
    """A heading's { #id } holds only visible characters: a zero-width space makes an id that looks like
    the German twin's and like every link to it, but is not (the build would miss the anchor)."""
    problems = []
    for lang in languages(docs):
        for page in pages(docs, lang):
            path = docs / lang / page
            text = source_text(path)
            lines = text.splitlines()
            for h in headings(text):
                block = ATTR_LIST.search(lines[h.line - 1])
                char = INVISIBLE.search(block.group(0)) if block else None
                if char:
                    problems.append(
                        Problem(
                            path,
                            h.line,
                            f"heading id contains an invisible character "
                            f"({_invisible_name(char.group(0))}); delete the id and type "
                            "it again with a-z, 0-9 and '-' only",
                        )
                    )
    return problems


def duplicate_ids(docs: Path) -> list[Problem]:
    """Each explicit heading id occurs once per page: a second one would make links land on the first."""
    problems = []
    for lang in languages(docs):
        for page in pages(docs, lang):
            path = docs / lang / page
            first: dict[str, int] = {}
            for h in headings(source_text(path)):
                if h.id is None:
                    continue
                if h.id in first:
                    problems.append(
                        Problem(
                            path,
                            h.line,
                            f"heading id '#{h.id}' is already used at line "
                            f"{first[h.id]} of this page; give this heading its own id",
                        )
                    )
                else:
                    first[h.id] = h.line
    return problems


def other_language_links(docs: Path) -> list[Problem]:
    """A page links pages of its own language: a link into the other language's folder leaves the reader's
    language (the header's language switch is the way across) and the build rejects it."""
    import posixpath
    from urllib.parse import unquote, urlsplit

    problems = []
    for lang in languages(docs):
        for page in pages(docs, lang):
            path = docs / lang / page
            for number, _, _, target in links(source_text(path)):
                split = urlsplit(target)
                if target.startswith(("[", "//")) or split.scheme or not split.path:
                    continue
                resolved = posixpath.normpath(posixpath.join(posixpath.dirname(f"{lang}/{page}"), unquote(split.path)))
                other = resolved.split("/", 1)[0]
                if other in languages(docs) and other != lang:
                    own = resolved.split("/", 1)[1] if "/" in resolved else ""
                    problems.append(
                        Problem(
                            path,
                            number,
                            f"link {target} leads to the {LANGUAGE_NAMES[other]} "
                            f"page {other}/{own}; link the {LANGUAGE_NAMES[lang]} page instead "
                            "(the language switch in the header leads across)",
                        )
                    )
    return problems


def mkdocs_config(docs: Path) -> Path | None:
    """mkdocs.yml beside docs/ (the repository, a sandbox) or inside the tree (a test fixture)."""
    return next((p for p in (docs.parent / "mkdocs.yml", docs / "mkdocs.yml") if p.is_file()), None)


def nav_pages(config_path: Path) -> set[str]:
    """The Markdown files the navigation names (paths inside a language folder)."""
    found: set[str] = set()

    def walk(item) -> None:
        if isinstance(item, str):
            if item.endswith(".md"):
                found.add(item)
        elif isinstance(item, dict):
            for value in item.values():
                walk(value)
        elif isinstance(item, list):
            for value in item:
                walk(value)

    walk((project.load_config(config_path) or {}).get("nav") or [])
    return found


def pages_in_nav(docs: Path) -> list[Problem]:
    """Every page appears in the navigation (mkdocs.yml `nav:`): a page left out is built but cannot be
    reached, and the strict build stops on it."""
    config_path = mkdocs_config(docs)
    if config_path is None:
        return []
    named = nav_pages(config_path)
    if not named:
        return []
    problems = []
    for lang in languages(docs):
        for page in pages(docs, lang):
            if page not in named:
                problems.append(
                    Problem(
                        docs / lang / page,
                        1,
                        f"{page} is not in the navigation: add it to "
                        f"`nav:` in {rel(config_path)} (or delete the page in both languages)",
                    )
                )
    return problems


def _located(path: Path) -> Path:
    """Where a file lies, without following it if it is a link (a link's problem concerns the link)."""
    return path.parent.resolve() / path.name


class Selection(set):
    """What `check PATHS` names: the pages (as `lessons/effort.md`, so `len()` counts pages) and the PATHS
    themselves, resolved: only_pages() keeps the problems of every file under them, not only of pages."""

    def __init__(self, chosen: set[str], paths: tuple[Path, ...]) -> None:
        super().__init__(chosen)
        self.paths = paths


def chosen_pages(docs: Path, paths: list[Path]) -> Selection:
    """The pages (as `lessons/effort.md`) that PATHS name: a Markdown file in a language folder, or every
    page under a folder; and the PATHS themselves (under docs/, includes/ or overrides/). Raises
    ValueError for a path elsewhere or one that does not exist."""
    chosen: set[str] = set()
    allowed = [docs, docs.parent / "includes", docs.parent / "overrides"]
    for path in paths:
        if not os.path.lexists(path):
            raise ValueError(f"{path}: no such file or folder")
        if not any(_located(path).is_relative_to(base.resolve()) for base in allowed):
            raise ValueError(
                f"{path}: outside {rel(docs)}/, includes/ and overrides/; name files or folders "
                f"there, such as {rel(docs)}/de/ (or no paths at all, to check everything)"
            )
        for lang in languages(docs):
            base = docs.resolve() / lang
            if _located(path) == docs.resolve():
                chosen.update(pages(docs, lang))
            elif _located(path).is_relative_to(base):
                if path.is_dir() and not path.is_symlink():
                    chosen.update(p.relative_to(base).as_posix() for p in path.resolve().rglob("*.md"))
                elif path.suffix == ".md":
                    chosen.add(_located(path).relative_to(base).as_posix())
    return Selection(chosen, tuple(_located(path) for path in paths))


def only_pages(problems: list[Problem], docs: Path, chosen: set[str]) -> list[Problem]:
    """The problems that concern what `check PATHS` named: every file under one of the PATHS (a folder
    selects everything under it: SVGs, snippets, links, assets, not only pages), and the chosen pages in
    either language (a page and its twin go together)."""
    wanted = {(docs / lang / page).resolve() for lang in languages(docs) for page in chosen}
    named = getattr(chosen, "paths", ())
    return [
        p
        for p in problems
        if p.path.resolve() in wanted or any(_located(p.path).is_relative_to(path) for path in named)
    ]
