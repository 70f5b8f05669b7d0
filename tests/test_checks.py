"""The source checks on tiny fixture trees (tests/fixtures/<case>/{de,en}/): each mistake is reported
with its file and line, and the correct tree passes."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import FIXTURES, assert_same_lines, case_lines, case_problems

from scripts import checks, spelling, terminology

CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name != "spelling")


@pytest.mark.parametrize("case", CASES)
def test_check_reports_file_and_line(case):
    """Every finding of the structure and terminology checks in full, exactly as often as expected.txt lists it."""
    docs = FIXTURES / case
    found = case_lines(case_problems(checks.structure(docs) + terminology.check(docs)), docs)
    assert_same_lines(found, docs / "expected.txt")


def test_spelling_reports_file_line_and_word():
    docs = FIXTURES / "spelling"
    assert_same_lines(case_lines(spelling.check(docs), docs), docs / "expected.txt")


def test_spelling_accepts_the_correct_tree():
    assert spelling.check(FIXTURES / "good") == []


def test_the_real_handbook_passes_every_check():
    problems = checks.run_all(Path(__file__).parent.parent / "docs")
    assert [str(p) for p in problems] == []


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


def test_heading_twin_messages_name_a_missing_id_and_show_invisible_characters(tmp_path):
    """A German heading without an id is not reported as '#None', and two ids that differ only in an
    invisible character do not read the same in the message."""
    from scripts.sources import Heading

    de, en = tmp_path / "de.md", tmp_path / "en.md"
    for path in (de, en):
        path.write_text("# T\n\n## W\n", encoding="utf-8")
    without = checks._heading_twins((de, [Heading(3, 2, "Warum", None)]), (en, [Heading(3, 2, "Why", "why")]), "German")
    assert [p.message.split(" at ")[0] for p in without] == [
        "heading id '#why' (level 2) differs from the German heading, which has no id (level 2)"
    ]
    hidden = checks._heading_twins(
        (de, [Heading(3, 2, "Warum", "why\u200b")]), (en, [Heading(3, 2, "Why", "why")]), "German"
    )
    assert [p.message.split(" at ")[0] for p in hidden] == [
        "heading id '#why' (level 2) differs from the German '#why<U+200B>' (level 2)"
    ]
