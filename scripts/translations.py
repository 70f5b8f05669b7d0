"""Translation drift: which English pages follow an older version of their German original.

Each English page records the German version it was brought up to date with, as a hash of the German
file in its front matter (`translation_of: 1a2b3c4d5e6f`). That survives shallow clones; git history,
where present, adds the date of the German change and the commits in between.
`handbook.py mark-translated PAGE` records the current German version after a translation is updated.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from scripts.sources import front_matter, page_in_docs, pages, split_front_matter

KEY = "translation_of"


def german_hash(text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()[:12]


@dataclass
class Status:
    page: str
    state: str  # "current", "outdated" or "untracked"
    changed: str | None = None  # date of the newest German change (YYYY-MM-DD), if git knows it
    commits: list[str] = field(default_factory=list)  # "abc1234 subject", newest first
    history: bool = True  # False when the clone is too shallow to find the matching version


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
    root = root or docs.parent
    result = []
    for page in pages(docs, "de"):
        german, english = docs / "de" / page, docs / "en" / page
        if not english.exists():
            continue
        meta, _ = front_matter(english, english.read_text(encoding="utf-8"))
        recorded = str(meta.get(KEY, "") or "")
        current = german_hash(german.read_bytes())
        if not recorded:
            result.append(Status(page, "untracked"))
        elif recorded == current:
            result.append(Status(page, "current"))
        else:
            changed, commits, history = _history(root, german, recorded)
            result.append(Status(page, "outdated", changed, commits, history))
    return result


def mark(docs: Path, page: str) -> str:
    """Record the current German version in the English page's front matter; returns the hash.
    Writes only inside docs/en/: a page such as `../../x` is refused (ValueError)."""
    page = page_in_docs(docs, page)
    german, english = docs / "de" / page, docs / "en" / page
    value = german_hash(german.read_bytes())
    text = english.read_text(encoding="utf-8")
    fm, _ = split_front_matter(text)
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
    for entry in entries:
        if entry.state == "current":
            continue
        if entry.state == "untracked":
            lines.append(
                f"docs/en/{entry.page}: no '{KEY}:' in the front matter; run "
                f"`python3 scripts/handbook.py mark-translated {entry.page}` once it matches the German page"
            )
            continue
        when = f" on {entry.changed}" if entry.changed else ""
        lines.append(f"docs/en/{entry.page}: outdated, the German original changed{when}")
        if entry.commits:
            lines += [f"    {c}" for c in entry.commits]
        if not entry.history:
            lines.append(
                "    (the version it follows is not in this clone's history: fetch more history for the commits)"
            )
    current = sum(e.state == "current" for e in entries)
    lines.append(f"{current} of {len(entries)} English pages are up to date with their German original.")
    return "\n".join(lines)
