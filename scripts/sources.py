"""The Markdown sources as the checks, the PDF and EPUB steps and the hooks read them: pages per language,
front matter, headings, links, each file's text read once per process (cached by modification time), and
the Problem every rule reports. Rule modules (guard, html_policy, glossary, terminology, spelling,
easy_language, frontmatter) build on this module; scripts/checks.py runs them all. Nothing here imports a
rule, so the modules form layers without import cycles (tests/test_architecture.py).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from scripts import project


def languages(docs: Path) -> tuple[str, ...]:
    """The built languages of the project docs belongs to, the default first (a sandbox copy may have one
    more than the repository the code runs from; scripts/project.py: for_docs)."""
    return project.for_docs(docs).locales


def default_language(docs: Path) -> str:
    """The original language of the project docs belongs to; every other language translates it."""
    return project.for_docs(docs).default.locale


class _LanguageNames(dict):
    """Language names in the (English) messages of the checks: "de" -> "German", from Babel's data."""

    def __missing__(self, locale: str) -> str:
        self[locale] = project.language_name(locale)
        return self[locale]


LANGUAGE_NAMES = _LanguageNames()


HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")


HEADING_ID = re.compile(r"\{\s*#([A-Za-z0-9_-]+)[^}]*\}\s*$")


FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{rel(self.path)}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Heading:
    line: int
    level: int
    text: str
    id: str | None


def rel(path: Path, root: Path | None = None) -> Path:
    """The path as a contributor types it (relative to the repository when possible)."""
    try:
        return path.resolve().relative_to((root or Path.cwd()).resolve())
    except ValueError:
        return path


def pages(docs: Path, lang: str) -> list[str]:
    base = docs / lang
    return sorted(p.relative_to(base).as_posix() for p in base.rglob("*.md"))


def split_front_matter(text: str) -> tuple[str | None, int]:
    """(front matter text or None, line number where the body starts, 1-based)."""
    if not text.startswith("---\n"):
        return None, 1
    end = text.find("\n---\n", 4)
    if end < 0:
        return text[4:], 1
    fm = text[4 : end + 1]
    return fm, fm.count("\n") + 3


def front_matter(path: Path, text: str) -> tuple[dict, list[Problem]]:
    fm, _ = split_front_matter(text)
    if fm is None:
        return {}, []
    if not text.startswith("---\n") or "\n---\n" not in text[3:]:
        return {}, [Problem(path, 1, "front matter starts with '---' but has no closing '---' line")]
    try:
        data = yaml.safe_load(fm) or {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        reason = getattr(err, "problem", None) or str(err)
        return {}, [
            Problem(path, line, f"invalid YAML in the front matter: {reason}. Put text with a colon in quotes.")
        ]
    if not isinstance(data, dict):
        return {}, [Problem(path, 2, "the front matter must be 'key: value' lines")]
    return data, []


@functools.lru_cache(maxsize=2048)  # the live preview checks the same unchanged pages on every rebuild
def headings(text: str) -> tuple[Heading, ...]:
    """ATX headings outside code fences, with their explicit { #id } if any."""
    found, in_fence = [], False
    for number, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        m = HEADING.match(line)
        if not m:
            continue
        title = m.group(2)
        id_match = HEADING_ID.search(title)
        found.append(
            Heading(number, len(m.group(1)), HEADING_ID.sub("", title).strip(), id_match.group(1) if id_match else None)
        )
    return tuple(found)


LINK = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\](\(([^)\s]*)(?:\s+\"[^\"]*\")?\)|\[([^\]]*)\])")


def body_lines(text: str):
    """(line number, line) of the Markdown body outside front matter and code fences."""
    _, start = split_front_matter(text)
    in_fence = False
    for number, line in enumerate(text.splitlines(), 1):
        if number < start:
            continue
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        if not in_fence:
            yield number, re.sub(r"`[^`]*`", "", line)


@functools.lru_cache(maxsize=2048)
def links(text: str) -> tuple[tuple[int, bool, str, str], ...]:
    """(line, is_image, alt or text, target) of every Markdown link and image, in order."""
    found = []
    for number, line in body_lines(text):
        for m in LINK.finditer(line):
            target = m.group(4) if m.group(4) is not None else f"[{m.group(5) or m.group(2)}]"
            found.append((number, m.group(1) == "!", m.group(2), target))
    return tuple(found)


LEGAL_AS_OF = "legal_as_of"


LEGAL_AS_OF_FORMAT = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def source_text(path: Path) -> str:
    """A source file's text. Bytes that are not UTF-8 become U+FFFD so that the rules still run and name
    the file; the encoding rule reports the bytes themselves."""
    return _source_text(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4096)
def _source_text(path: Path, _mtime: int) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")


def _under(path: Path, base: Path) -> bool:
    return path.resolve().is_relative_to(base.resolve())


def page_in_docs(docs: Path, page: str) -> str:
    """A page as `mark-translated` takes it (`lessons/effort.md`, also with docs/<locale>/ in front),
    checked to stay inside every language folder. Raises ValueError otherwise."""
    for lang in languages(docs):
        page = page.removeprefix(f"docs/{lang}/")
    for lang in languages(docs):
        base = (docs / lang).resolve()
        target = (base / page).resolve()
        if not target.is_relative_to(base) or target == base or target.suffix != ".md":
            raise ValueError(f"{page}: not a page inside {rel(docs)}/{lang}/; name it as in `lessons/effort.md`")
    return page
