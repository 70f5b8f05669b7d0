"""Shared fixtures: one strict build of the real handbook per test session, a local web server,
and Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scripts import builder, environment, project, webserver
from scripts.environment import ROOT

# Deprecations show, here and in the builds the tests start (pytest.ini shows the tests' own): an end of
# life (decisions/0004) announces itself through them.
os.environ.setdefault("PYTHONWARNINGS", "default::DeprecationWarning")

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


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The complete site with PDFs, built once (mkdocs build --strict) into a temporary directory."""
    out = tmp_path_factory.mktemp("build") / "site"
    builder.build(out, pdf=True, site_url=TEST_SITE_URL, quiet=True)
    return out


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


@pytest.fixture(scope="session")
def server(site):
    """The built site as GitHub Pages serves it (gzip, cache headers, per-language 404 pages)."""
    with webserver.SiteServer(site) as httpd:
        yield httpd.url.rstrip("/")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = environment.find_browser()
    if executable is None:
        pytest.fail(
            "no Chromium or Google Chrome found: run `make setup` (installs Debian's chromium) "
            f"or set ${environment.BROWSER_ENV}"
        )
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()
