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


# A fixture tree stands for docs/ and also holds the test's own files, which the file type rule
# (scripts/guard.py DOCS_FILE_TYPES) would refuse in a real docs/ folder: they are not the case's findings.
FIXTURE_FILES = {"expected.txt", "expected-html.txt", "expected-easy.txt", "mkdocs.yml"}


def case_problems(problems) -> list:
    """The problems of a fixture tree without those about the fixture's own expected*.txt and mkdocs.yml."""
    return [p for p in problems if not (p.path.name in FIXTURE_FILES and p.path.parent.parent == FIXTURES)]


def reported(problems) -> list[str]:
    return [str(p).replace(str(FIXTURES) + "/", "").split("fixtures/", 1)[-1] for p in case_problems(problems)]


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


def test_a_fixture_file_is_refused_where_a_real_docs_folder_would_publish_it():
    """The filter above hides exactly the fixture's own files: the rule does see them."""
    problems = checks.structure(FIXTURES / "good")
    assert {p.path.name for p in problems} == {"expected.txt"}
    assert case_problems(problems) == []


# --- check PATHS ------------------------------------------------------------------------------------------


@pytest.fixture
def repo_with_problems(tmp_path) -> Path:
    """The good tree as docs/ with three problems: in an SVG, in a snippet, and on a page."""
    import shutil

    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "good", root / "docs", ignore=shutil.ignore_patterns("expected.txt"))
    svg = root / "docs" / "assets" / "goal-de.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', encoding="utf-8")
    (root / "includes").mkdir()
    (root / "includes" / "links.md").write_text("*" * 40 + "x\n", encoding="utf-8")
    page = root / "docs" / "en" / "other.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n" + "*a " * 20 + "x\n", encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("paths", "wanted"),
    [
        (["docs/assets"], {"docs/assets/goal-de.svg"}),
        (["docs/assets/goal-de.svg"], {"docs/assets/goal-de.svg"}),
        (["includes"], {"includes/links.md"}),
        (["includes/links.md", "docs/de/other.md"], {"includes/links.md", "docs/en/other.md"}),  # the twin too
        (["docs/de/page.md"], set()),
        (["docs"], {"docs/assets/goal-de.svg", "docs/en/other.md"}),
    ],
)
def test_check_paths_keeps_every_problem_under_the_paths_and_of_the_pages_twins(repo_with_problems, paths, wanted):
    """`check docs/assets` reported "0 page(s)" and nothing (only pages were kept); now every file under
    the named paths counts, and a page still brings its twin."""
    root = repo_with_problems
    docs = root / "docs"
    problems = checks.structure(docs)
    assert {p.path.relative_to(root).as_posix() for p in problems} == {
        "docs/assets/goal-de.svg",
        "includes/links.md",
        "docs/en/other.md",
    }, problems
    kept = checks.only_pages(problems, docs, checks.chosen_pages(docs, [root / p for p in paths]))
    assert {p.path.relative_to(root).as_posix() for p in kept} == wanted


def test_check_paths_outside_the_guarded_folders_are_refused(repo_with_problems):
    (repo_with_problems / "scripts").mkdir()
    with pytest.raises(ValueError, match="includes/ and overrides/"):
        checks.chosen_pages(repo_with_problems / "docs", [repo_with_problems / "scripts"])
