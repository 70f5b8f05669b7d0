"""Spell checking of both languages with Debian's hunspell dictionaries and the project word lists.

One hunspell process per language reads every page line by line (pipe mode, `hunspell -a`), so each
unknown word is reported with its file and line. Code, link targets, heading ids, HTML tags, tokens
and addresses are blanked out first; the line numbers stay those of the Markdown source.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from scripts.environment import ROOT
from scripts.sources import (
    FENCE,
    Problem,
    languages,
    pages,
    source_text,
    split_front_matter,
)

DICTIONARIES = {"de": "de_DE", "en": "en_GB"}
APT_HUNSPELL = "hunspell hunspell-de-de hunspell-en-gb"
WORDLISTS = {lang: ROOT / "checks" / f"wordlist-{lang}.txt" for lang in DICTIONARIES}


class SpellingError(RuntimeError):
    """The spell checker cannot run; the message says how to install it."""


_BLANK = [
    re.compile(r"`[^`]*`"),  # inline code
    re.compile(r"\{\{[^}]*\}\}"),  # build tokens
    re.compile(r"\{[:#.][^}]*\}|\{ *#[^}]*\}"),  # heading ids, attribute lists
    re.compile(r"\]\([^)]*\)|\]\[[^\]]*\]"),  # link and image targets
    re.compile(r"<[^>]*>"),  # HTML tags (their text stays)
    re.compile(r"(?:https?|mailto):\S+"),  # addresses
    re.compile(r"^\s*(?:>\s*)*(?:[-*+]|\d+\.)\s+(?:\[[ xX]\]\s+)?"),  # list bullets (also quoted), task boxes
    re.compile(r"^\s*!!!\s+\w+"),  # admonition type (its title stays)
    re.compile(r"[#*_|>\[\]\"]|-{2,}|={2,}"),  # Markdown punctuation, table rules
]
_DEFINITION = re.compile(r"^\s*(?:\[[^\]]+\]:|\*\[[^\]]+\]:)")


def prose_lines(text: str) -> list[str]:
    """The page as lines of plain words, one output line per source line."""
    fm, body_start = split_front_matter(text)
    out, in_fence = [], False
    for number, line in enumerate(text.splitlines(), 1):
        if number < body_start:
            out.append(line.split("description:", 1)[1] if line.startswith("description:") else "")
            continue
        if FENCE.match(line):
            in_fence = not in_fence
            out.append("")
            continue
        if in_fence or _DEFINITION.match(line):
            out.append("")
            continue
        for pattern in _BLANK:
            line = pattern.sub(" ", line)
        out.append(line)
    return out


def _hunspell(lang: str, lines: list[str]) -> list[list[str]]:
    """Unknown words per input line."""
    binary = shutil.which("hunspell")
    if not binary:
        raise SpellingError(
            "the spelling check needs hunspell, which is not installed: run `make setup` "
            f"(installs it), or: sudo apt-get install {APT_HUNSPELL}"
        )
    cmd = [binary, "-a", "-i", "utf-8", "-d", DICTIONARIES[lang]]
    if WORDLISTS[lang].exists():
        cmd += ["-p", str(WORDLISTS[lang])]
    stdin = "".join("^" + line.replace("\n", " ") + "\n" for line in lines)
    result = subprocess.run(cmd, input=stdin, capture_output=True, text=True, encoding="utf-8")
    if "Can't open affix or dictionary" in result.stderr:
        raise SpellingError(
            f"hunspell has no {DICTIONARIES[lang]} dictionary: run `make setup` (installs it), "
            f"or: sudo apt-get install {APT_HUNSPELL}"
        )
    if result.returncode != 0 or not result.stdout.startswith("@(#)"):
        raise SpellingError(f"hunspell -d {DICTIONARIES[lang]} failed: {result.stderr.strip()}")
    blocks, current = [], []
    for row in result.stdout.splitlines()[1:]:
        if row == "":
            blocks.append(current)
            current = []
        elif row[0] in "&#":
            current.append(row.split()[1])
    return blocks


def check(docs: Path = ROOT / "docs") -> list[Problem]:
    problems: list[Problem] = []
    # A language without a dictionary is not checked.
    for lang in [lang for lang in languages(Path(docs)) if lang in DICTIONARIES]:
        files = [(Path(docs) / lang / page) for page in pages(Path(docs), lang)]
        plan, lines = [], []
        for path in files:
            for number, line in enumerate(prose_lines(source_text(path)), 1):
                plan.append((path, number))
                lines.append(line)
        blocks = _hunspell(lang, lines) if lines else []
        if len(blocks) != len(lines):
            raise SpellingError(f"hunspell answered {len(blocks)} lines for {len(lines)}")
        for (path, number), words in zip(plan, blocks, strict=False):
            for word in dict.fromkeys(w.rstrip(".") for w in words):
                problems.append(
                    Problem(
                        path,
                        number,
                        f"spelling: '{word}' is not in the dictionary; fix it, "
                        f"or add it to checks/wordlist-{lang}.txt if it is right",
                    )
                )
    return problems
