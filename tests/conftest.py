"""Shared fixtures: one strict build of the real handbook per test session, a local web server,
and Chromium driven by Playwright. What tests share besides fixtures is in helpers.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import CHROMIUM_FLAGS, TEST_SITE_URL

from scripts import builder, environment, webserver

# Deprecations show, here and in the builds the tests start (pytest.ini shows the tests' own): an end of
# life (decisions/0004) announces itself through them.
os.environ.setdefault("PYTHONWARNINGS", "default::DeprecationWarning")


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The complete site with PDFs, built once (mkdocs build --strict) into a temporary directory."""
    out = tmp_path_factory.mktemp("build") / "site"
    builder.build(out, pdf=True, site_url=TEST_SITE_URL, quiet=True)
    return out


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
