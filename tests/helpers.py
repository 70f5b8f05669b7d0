"""What the tests share besides fixtures (those are in conftest.py): the project's languages and
pages, where a page lands in the built site, and sandboxes (copies of the sources to break on purpose).
Test modules import from here, never from conftest.py or from each other's modules."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from scripts import project
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


def page_paths() -> list[str]:
    return PROJECT.pages(PROJECT.default.locale)


def html_path(site: Path, lang: str, md_path: str) -> Path:
    return site / PROJECT.page_url(md_path, lang) / "index.html"


def url_path(lang: str, md_path: str) -> str:
    return "/" + PROJECT.page_url(md_path, lang)


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
    env = {**os.environ, **project.QUIET_END_OF_LIFE, "HANDBOOK_SITE_URL": TEST_SITE_URL}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(box / "site")],
        cwd=box,
        env=env,
        capture_output=True,
        text=True,
    )
