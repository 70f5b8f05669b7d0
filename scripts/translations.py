"""Translation drift: which translated pages follow an older version of their original.

The default language of mkdocs.yml (German) is the original; every other language translates it. Each
translated page records the original version it was brought up to date with, as a hash of the original
file in its front matter (`translation_of: 1a2b3c4d5e6f`). That survives shallow clones; git history,
where present, adds the date of the original's change and the commits in between.
`handbook.py mark-translated PAGE` records the current original version after a translation is updated.
A page that `handbook.py add-language` copied and nobody has translated yet says `untranslated: true`
(state "untranslated"; the page shows a notice, overrides/hooks/content.py).
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from scripts import project
from scripts.sources import LANGUAGE_NAMES, front_matter, page_in_docs, pages, split_front_matter

KEY = "translation_of"
UNTRANSLATED = "untranslated"  # front matter: the page is still a copy of another language's text


def german_hash(text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()[:12]


@dataclass
class Status:
    page: str
    state: str  # "current", "outdated", "untracked" or "untranslated"
    changed: str | None = None  # date of the newest German change (YYYY-MM-DD), if git knows it
    commits: list[str] = field(default_factory=list)  # "abc1234 subject", newest first
    history: bool = True  # False when the clone is too shallow to find the matching version
    lang: str = ""  # the translation's locale (status() fills both in)
    original: str = ""  # the locale of the original it translates


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=root, capture_output=True)


def _history(root: Path, german: Path, recorded: str) -> tuple[str | None, list[str], bool]:
    rel = german.resolve().relative_to(root.resolve()).as_posix()
    log = _git(root, "log", "--format=%H %cs %s", "--", rel)
    if log.returncode != 0:
        return None, [], False
    entries = [line.split(" ", 2) for line in log.stdout.decode().splitlines() if line.strip()]
    if not entries:
        return None, [], False
    between = []
    for sha, _date, subject in entries:
        blob = _git(root, "show", f"{sha}:{rel}")
        if blob.returncode == 0 and german_hash(blob.stdout) == recorded:
            return entries[0][1], between, True
        between.append(f"{sha[:7]} {subject}")
    return entries[0][1], between, False


def status(docs: Path, root: Path | None = None) -> list[Status]:
    """Every translated page of every translation, per language in the order of mkdocs.yml, then by page."""
    root = root or docs.parent
    model = project.for_docs(docs)
    original = model.default.locale
    result = []
    for lang in model.translations:
        for page in pages(docs, original):
            german, english = docs / original / page, docs / lang / page
            if not english.exists():
                continue
            meta, _ = front_matter(english, english.read_text(encoding="utf-8"))
            recorded = str(meta.get(KEY, "") or "")
            current = german_hash(german.read_bytes())
            where = {"lang": lang, "original": original}
            if meta.get(UNTRANSLATED) is True:
                result.append(Status(page, "untranslated", **where))
            elif not recorded:
                result.append(Status(page, "untracked", **where))
            elif recorded == current:
                result.append(Status(page, "current", **where))
            else:
                changed, commits, history = _history(root, german, recorded)
                result.append(Status(page, "outdated", changed, commits, history, **where))
    return result


def mark(docs: Path, page: str, lang: str | None = None) -> str:
    """Record the current original version in the translated page's front matter (and drop its
    `untranslated: true`: the translator says it is translated now); returns the hash.
    Writes only inside docs/<lang>/ (default: the one translation, else ValueError): a page such as
    `../../x` is refused (ValueError)."""
    page = page_in_docs(docs, page)
    model = project.for_docs(docs)
    if lang is None:
        if len(model.translations) != 1:
            raise ValueError(f"name the language: one of {', '.join(model.translations)}")
        lang = model.translations[0]
    if lang not in model.translations:
        raise ValueError(f"{lang}: not a translation; the translations are {', '.join(model.translations)}")
    german, english = docs / model.default.locale / page, docs / lang / page
    value = german_hash(german.read_bytes())
    text = english.read_text(encoding="utf-8")
    fm, _ = split_front_matter(text)
    if fm is not None and re.search(rf"^{UNTRANSLATED}:.*\n", fm, re.M):
        fm = re.sub(rf"^{UNTRANSLATED}:.*\n", "", fm, count=1, flags=re.M)
        text = "---\n" + fm + text[4 + len(split_front_matter(text)[0]) :]
    if fm is None:
        text = f"---\n{KEY}: {value}\n---\n\n" + text
    elif re.search(rf"^{KEY}:.*$", fm, re.M):
        new_fm = re.sub(rf"^{KEY}:.*$", f"{KEY}: {value}", fm, count=1, flags=re.M)
        text = "---\n" + new_fm + text[4 + len(fm) :]
    else:
        text = "---\n" + fm + f"{KEY}: {value}\n" + text[4 + len(fm) :]
    english.write_text(text, encoding="utf-8")
    return value


def report(entries: list[Status]) -> str:
    lines = []
    several = len({entry.lang for entry in entries}) > 1
    for entry in entries:
        where, original = f"docs/{entry.lang}/{entry.page}", LANGUAGE_NAMES[entry.original]
        language = f"--language {entry.lang} " if several else ""
        if entry.state == "current":
            continue
        if entry.state == "untranslated":
            lines.append(
                f"{where}: untranslated (a copy made by add-language); translate it, then run "
                f"`python3 scripts/handbook.py mark-translated {language}{entry.page}`"
            )
            continue
        if entry.state == "untracked":
            lines.append(
                f"{where}: no '{KEY}:' in the front matter; run "
                f"`python3 scripts/handbook.py mark-translated {language}{entry.page}` once it matches the "
                f"{original} page"
            )
            continue
        when = f" on {entry.changed}" if entry.changed else ""
        lines.append(f"{where}: outdated, the {original} original changed{when}")
        if entry.commits:
            lines += [f"    {c}" for c in entry.commits]
        if not entry.history:
            lines.append(
                "    (the version it follows is not in this clone's history: fetch more history for the commits)"
            )
    for lang in dict.fromkeys(entry.lang for entry in entries):
        mine = [e for e in entries if e.lang == lang]
        current = sum(e.state == "current" for e in mine)
        lines.append(
            f"{current} of {len(mine)} {LANGUAGE_NAMES[lang]} pages are up to date with their "
            f"{LANGUAGE_NAMES[mine[0].original]} original."
        )
    if not entries:
        lines.append("0 of 0 translated pages are up to date with their original.")
    return "\n".join(lines)
