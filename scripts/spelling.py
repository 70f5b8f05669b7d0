"""Spell checking of both languages (pyspelling + hunspell de_DE/en_GB + project word lists).

pyspelling names the file and the word; this adds the line so a contributor can find it.
"""

from __future__ import annotations

import re
from pathlib import Path

from scripts.checks import Problem
from scripts.environment import ROOT

CONFIG = ROOT / "checks" / "pyspelling.yml"


def check(config: Path = CONFIG, root: Path = ROOT) -> list[Problem]:
    from pyspelling import spellcheck

    problems: list[Problem] = []
    for result in spellcheck(str(config), verbose=0):
        path = Path(result.context.split(": ", 1)[0])
        path = path if path.is_absolute() else root / path
        if result.error:
            problems.append(Problem(path, 1, f"spell checker failed: {result.error}"))
            continue
        lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        lang = "de" if f"{Path('docs', 'de')}" in str(path) else "en"
        for word in sorted({w.rstrip(".") for w in result.words}):
            pattern = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])")
            line = next((n for n, text in enumerate(lines, 1) if pattern.search(text)), 1)
            problems.append(Problem(path, line, f"spelling: '{word}' is not in the dictionary; fix it, "
                                                f"or add it to checks/wordlist-{lang}.txt if it is right"))
    return problems
