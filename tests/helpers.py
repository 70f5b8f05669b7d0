"""What the tests share besides fixtures (those are in conftest.py): the project's languages and
pages, where a page lands in the built site, and sandboxes (copies of the sources to break on purpose).
Test modules import from here, never from conftest.py or from each other's modules."""

from __future__ import annotations

import importlib.util
import posixpath
import shutil
import subprocess
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from scripts import builder, project
from scripts.environment import ROOT

DOCS = ROOT / "docs"
PROJECT = project.load()
LANGS = PROJECT.locales
PREFIX = {lang: PROJECT.prefix(lang) for lang in LANGS}
TEST_SITE_URL = "http://127.0.0.1:8000/"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Fixture trees for the source checks: tests/fixtures/<case>/{de,en}/ stands for docs/, beside the case's
# expected*.txt (what the checks must report, one "file:line: message" a line) and, for some, a mkdocs.yml.
FIXTURES = Path(__file__).parent / "fixtures"
# A fixture tree also holds the test's own files, which the file type rule (scripts/guard.py
# DOCS_FILE_TYPES) would refuse in a real docs/ folder: they are not the case's findings.
FIXTURE_FILES = {"expected.txt", "expected-html.txt", "expected-easy.txt", "mkdocs.yml"}


def case_problems(problems) -> list:
    """The problems of a fixture tree without those about the fixture's own expected*.txt and mkdocs.yml."""
    return [p for p in problems if not (p.path.name in FIXTURE_FILES and p.path.parent.parent == FIXTURES)]


def lines_of(path: Path) -> list[str]:
    """The non-empty lines of a fixture's expected*.txt."""
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line]


def page_paths() -> list[str]:
    return PROJECT.pages(PROJECT.default.locale)


def html_path(site: Path, lang: str, md_path: str) -> Path:
    return site / PROJECT.page_url(md_path, lang) / "index.html"


def url_path(lang: str, md_path: str) -> str:
    return "/" + PROJECT.page_url(md_path, lang)


def page_url(lang: str, md_path: str) -> str:
    """The site-relative address of a page: ("en", "lessons/effort.md") -> "en/lessons/effort/"."""
    return PROJECT.page_url(md_path, lang)


def resolve(from_url: str, href: str) -> str:
    """Site-relative target of a link on the page at from_url (relative, or absolute from the root)."""
    path = urlsplit(href).path
    if path.startswith("/"):
        return path[1:]
    target = posixpath.normpath(posixpath.join(from_url, path))
    return "" if target == "." else target.rstrip("/") + ("/" if path.endswith("/") else "")


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


HOOKS = ROOT / "overrides" / "hooks"


def load_hook(monkeypatch, name: str) -> ModuleType:
    """A build hook of overrides/hooks/ loaded as MkDocs loads it: by file path, with its folder on the
    import path for the siblings it imports (`_paths`), for this test only."""
    monkeypatch.syspath_prepend(str(HOOKS))
    spec = importlib.util.spec_from_file_location(f"{name}_hook", HOOKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_sandbox(tmp_path: Path) -> Path:
    """A copy of the sources to break on purpose. docs/, includes/ and overrides/ are copied, because the
    build refuses symbolic links there (scripts/guard.py); only the code (scripts/) is linked."""
    box = tmp_path / "repo"
    box.mkdir()
    for name in ("docs", "includes", "overrides"):
        shutil.copytree(ROOT / name, box / name, ignore=shutil.ignore_patterns("__pycache__"))
    (box / "scripts").symlink_to(ROOT / "scripts")
    (ROOT / ".cache").mkdir(exist_ok=True)
    (box / ".cache").symlink_to(ROOT / ".cache")  # build caches (preview images) shared with the real builds
    shutil.copy(ROOT / "mkdocs.yml", box / "mkdocs.yml")
    return box


def build_sandbox(box: Path) -> subprocess.CompletedProcess:
    env = builder.build_environment(HANDBOOK_SITE_URL=TEST_SITE_URL)
    return subprocess.run(
        builder.generator_command("build", "--strict", "--site-dir", str(box / "site")),
        cwd=box,
        env=env,
        capture_output=True,
        text=True,
    )


# --- a fixture's findings against its expected*.txt (issue 15) ------------------------------------------


def case_lines(problems, case: Path) -> list[str]:
    """Each problem as the checks print it, "file:line: message", with the file relative to the fixture
    case (so expected*.txt reads like docs/). A path inside the message (the twin, the mkdocs.yml) stays as
    printed from the repository root: the checks print it relative to the working directory, which is the
    root when the suite runs, and this keeps the lines the same from anywhere else."""
    from scripts.sources import rel

    printed, repository = str(rel(case)), FIXTURES.parent.parent
    from_root = case.relative_to(repository).as_posix() if case.is_relative_to(repository) else str(case)
    lines = []
    for problem in problems:
        file = problem.path.relative_to(case).as_posix() if problem.path.is_relative_to(case) else rel(problem.path)
        lines.append(f"{file}:{problem.line}: {problem.message.replace(printed, from_root)}")
    return lines


def assert_same_lines(found: list[str], expected: Path | list[str]) -> None:
    """The findings are exactly the expected lines (a fixture's expected*.txt, or a list), each as often: an
    extra, a duplicated or a reworded finding fails as much as a missing one (only "an expected line is among
    the findings" let those pass). The failure lists what is missing and what is unexpected, one line each."""
    from collections import Counter

    wanted = lines_of(expected) if isinstance(expected, Path) else list(expected)
    if sorted(found) == sorted(wanted):
        return
    where = "the expected lines"
    if isinstance(expected, Path):
        where = expected.relative_to(FIXTURES.parent.parent).as_posix()
    missing = sorted((Counter(wanted) - Counter(found)).elements())
    unexpected = sorted((Counter(found) - Counter(wanted)).elements())
    raise AssertionError(
        "\n".join(
            [
                f"the findings differ from {where}:",
                f"missing (expected, not reported): {len(missing)}",
                *(f"  - {line}" for line in missing),
                f"unexpected (reported, not expected): {len(unexpected)}",
                *(f"  + {line}" for line in unexpected),
            ]
        )
    )
