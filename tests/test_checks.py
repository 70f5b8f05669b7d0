"""The source checks on tiny fixture trees (tests/fixtures/<case>/{de,en}/): each mistake is reported
with its file and line, and the correct tree passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts import checks, spelling, terminology

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name != "spelling")


def expected(case: str) -> list[str]:
    return [line for line in (FIXTURES / case / "expected.txt").read_text(encoding="utf-8").splitlines() if line]


def reported(problems) -> list[str]:
    return [str(p).replace(str(FIXTURES) + "/", "").split("fixtures/", 1)[-1] for p in problems]


@pytest.mark.parametrize("case", CASES)
def test_check_reports_file_and_line(case):
    docs = FIXTURES / case
    found = reported(checks.structure(docs) + terminology.check(docs))
    wanted = expected(case)
    if not wanted:
        assert found == []
    for line in wanted:
        assert any(f.startswith(f"{case}/{line}") for f in found), f"{line!r} not in {found}"


def test_spelling_reports_file_line_and_word():
    found = reported(spelling.check(FIXTURES / "spelling"))
    for line in expected("spelling"):
        assert any(f.startswith(f"spelling/{line}") for f in found), f"{line!r} not in {found}"
    assert len(found) == 2


def test_spelling_accepts_the_correct_tree():
    assert spelling.check(FIXTURES / "good") == []


def test_the_real_handbook_passes_every_check():
    problems = checks.run_all(Path(__file__).parent.parent / "docs")
    assert [str(p) for p in problems] == []


@pytest.mark.parametrize("case", [c for c in CASES if c.startswith("legal-")])
def test_legal_review_month_cases_report_exactly_their_problems(case):
    """Each legal fixture reports its expected problems and nothing else."""
    found = reported(checks.structure(FIXTURES / case) + terminology.check(FIXTURES / case))
    wanted = expected(case)
    assert len(found) == len(wanted), found
    for line in wanted:
        assert sum(f.startswith(f"{case}/{line}") for f in found) == 1, (line, found)
