"""The glossary of one language: terms (H3 headings with ids) and their short explanation.

`docs/<lang>/glossary.md` is the single source: the build turns every term into a hover explanation
linked to its entry (overrides/hooks/content.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from scripts.checks import headings

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
    return [Term(h.text, h.id, _first_paragraph(lines, h.line), h.line)
            for h in headings(text) if h.level == 3 and h.id]


def abbreviations(entries: list[Term]) -> str:
    """Markdown `abbr` definitions, longest terms first so that compounds win."""
    out = []
    for entry in sorted(entries, key=lambda e: -len(e.term)):
        hint = entry.hint.replace("]", ")").replace("\n", " ")
        out.append(f"*[{entry.term}]: {hint}")
    return "\n".join(out)

