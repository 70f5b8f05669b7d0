"""One term for one thing: the rules in checks/terminology.yml, applied to running text."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from scripts.sources import Problem, body_lines, languages, pages

RULES = Path(__file__).resolve().parent.parent / "checks" / "terminology.yml"
SKIP = re.compile(r"^\s*(?:!!!|\?\?\?|<|\*\[|\[[^\]]+\]:)")  # admonition titles, HTML, abbr and link definitions


def load(path: Path = RULES) -> dict[str, list[tuple[re.Pattern, str]]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {lang: [(re.compile(rule["pattern"]), rule["say"]) for rule in rules] for lang, rules in data.items()}


def prose(line: str) -> str:
    """The line without link targets, heading ids and attribute lists."""
    line = re.sub(r"\]\([^)]*\)|\]\[[^\]]*\]", "]", line)
    return re.sub(r"\{[^}]*\}", "", line)


def check(docs: Path, rules: dict | None = None) -> list[Problem]:
    rules = rules or load()
    problems = []
    for lang in languages(docs):
        for page in pages(docs, lang):
            path = docs / lang / page
            for number, line in body_lines(path.read_text(encoding="utf-8")):
                if SKIP.match(line):
                    continue
                text = prose(line)
                for pattern, say in rules.get(lang, []):  # a language without rules: unchecked
                    match = pattern.search(text)
                    if match:
                        problems.append(Problem(path, number, f"terminology: '{match.group(0)}' -> {say}"))
    return problems
