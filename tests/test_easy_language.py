"""Leichte Sprache / Easy Read (issue 16, part 3): the check on fixtures that break one rule each
(tests/fixtures/easy-*/, German and English twins), the real pages passing it, and the header link on
every page of the built site.

Each easy-* fixture keeps its expected easy-language problems in expected-easy.txt; its expected.txt is
empty because test_checks.py runs every fixture through the structure and terminology checks, which
these trees pass (so a fixture fails only the rule it is about).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup
from helpers import DOCS, FIXTURES, PROJECT, TEST_SITE_URL, assert_same_lines, case_lines, lines_of

from scripts import checks, easy_language, sources

CASES = sorted(p.name for p in FIXTURES.glob("easy-*") if p.is_dir())
STRINGS = PROJECT.config["extra"]["strings"]


def expected(case: str) -> list[str]:
    return lines_of(FIXTURES / case / "expected-easy.txt")


@pytest.mark.parametrize("case", CASES)
def test_each_fixture_reports_exactly_its_rule_with_file_and_line(case):
    docs = FIXTURES / case
    assert_same_lines(case_lines(easy_language.check(docs), docs), docs / "expected-easy.txt")


def test_every_rule_has_a_breaking_fixture_in_both_languages():
    """Each rule's message appears for a German and an English fixture page."""
    rules = [
        "sentence has",
        "words on average",
        "clauses",
        "abbreviation",
        "is not explained",
        "percentage",
        "long word",
        "passive",
        "sentences on one line",
        "runs on",
        "needs the class",
    ]
    messages = [line for case in CASES for line in expected(case)]
    for rule in rules:
        for lang in PROJECT.locales:
            assert any(m.startswith(f"{lang}/") and rule in m for m in messages), (rule, lang)
    assert "easy-good" in CASES and expected("easy-good") == []


def test_the_real_pages_are_checked_and_pass():
    covered = {(path.relative_to(DOCS).as_posix(), lang) for path, lang in easy_language.easy_pages(DOCS)}
    assert covered == {("de/leichte-sprache.md", "de"), ("en/leichte-sprache.md", "en")}
    assert [str(p) for p in easy_language.check(DOCS)] == []


def test_handbook_check_runs_the_easy_language_check(tmp_path):
    """checks.run_all (`handbook.py check`) reports a broken easy page."""
    docs = tmp_path / "docs"
    for lang in PROJECT.locales:
        (docs / lang).mkdir(parents=True)
        (docs / lang / "page.md").write_text(
            (FIXTURES / "easy-percent" / lang / "page.md").read_text(encoding="utf-8"), encoding="utf-8"
        )
    found = case_lines(checks.run_all(docs, spelling=False), docs)
    assert_same_lines(found, FIXTURES / "easy-percent" / "expected-easy.txt")  # its findings, nothing else


@pytest.mark.parametrize(
    ("lang", "sentence", "clauses"),
    [
        ("de", "Wenn Sie Fragen haben, schreiben Sie uns.", 2),
        ("de", "Damit finden Sie die Seite.", 1),  # "damit" as an adverb, not a conjunction
        ("de", "Das ist die Seite, die Sie suchen, weil sie hilft.", 3),
        ("en", "Tap on it to come back to this page.", 1),
        ("en", "If you have questions, write to us, because we help.", 3),
    ],
)
def test_clause_heuristic(lang, sentence, clauses):
    assert easy_language.clause_count(sentence, lang) == clauses


@pytest.mark.parametrize(
    ("lang", "sentence", "found"),
    [
        ("en", "On a phone the menu is hidden at first.", "is hidden"),  # irregular participle in -en
        ("en", "The page was read by many people.", "was read"),
        ("en", "The course is run by a welfare organisation.", "is run"),
        ("en", "The handbook is written by the team.", "is written"),
        ("en", "The menu is open now.", None),  # adjective, no participle
        ("en", "The handbook is often ready.", None),
        ("en", "The menu is on the left.", None),
        ("de", "Das Handbuch wird vom Team geschrieben.", "wird … geschrieben"),
        ("de", "Das Menü öffnet sich.", None),
    ],
)
def test_passive_heuristic(lang, sentence, found):
    assert easy_language.passive(sentence, lang) == found


def test_sentences_do_not_end_at_abbreviations_or_list_numbers():
    assert easy_language.sentences("Das ist z. B. ein Satz. Und das ist gut.") == [
        "Das ist z. B. ein Satz.",
        "Und das ist gut.",
    ]
    assert len(easy_language.sentences("Teil 1. Dann lesen Sie weiter.")) == 1


# --- the header link ------------------------------------------------------------------------------


def _html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "assets" not in p.parts and "search" not in p.parts)


def test_every_built_page_links_to_the_easy_page_of_its_language(site):
    """Every HTML page of the built site (both languages, 404 pages too): one header link, with the
    label of its language, to the easy page of its language; aria-current only on that page."""
    pages = _html_pages(site)
    assert len(pages) >= 2 * len(sources.pages(DOCS, "de")), "fewer pages than expected"
    for path in pages:
        rel = path.relative_to(site).as_posix()
        lang = "en" if rel.startswith("en/") else "de"
        address = urljoin(TEST_SITE_URL, rel)
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        links = soup.select("header a.hb-easy-read__link")
        assert len(links) == 1, rel
        link = links[0]
        assert urljoin(address, link["href"]) == urljoin(TEST_SITE_URL, STRINGS[lang]["easy_read_url"]), rel
        assert link.get_text(strip=True) == STRINGS[lang]["easy_read"], rel
        assert link.find("svg") is not None, rel
        here = rel == STRINGS[lang]["easy_read_url"] + "index.html"
        assert (link.get("aria-current") == "page") == here, rel


@pytest.mark.parametrize(
    ("lang", "width"),
    [("de", 320), ("en", 320), ("de", 360), ("de", 375), ("en", 375), ("de", 768), ("de", 1280), ("en", 1280)],
)
def test_header_link_name_visibility_and_no_overflow(server, browser, lang, width):
    """The link's accessible name is its label at every width; the label shows beside the icon from
    360 px on (phones included), only the icon below; the header does not make the page scroll sideways."""
    context = browser.new_context(viewport={"width": width, "height": 700})
    tab = context.new_page()
    prefix = "en/" if lang == "en" else ""
    for path in ("", "course/module-4-legal-hate-speech/", "leichte-sprache/"):
        tab.goto(f"{server}/{prefix}{path}", wait_until="load")
        link = tab.locator("header").get_by_role("link", name=STRINGS[lang]["easy_read"], exact=True)
        assert link.count() == 1, path
        assert link.is_visible()
        label_width = link.locator(".hb-easy-read__label").evaluate("el => el.getBoundingClientRect().width")
        assert (label_width > 20) == (width >= 360), (path, label_width)
        overflow = tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (path, overflow)
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (path, box)
    context.close()


def test_easy_pages_render_larger_than_other_pages(server, page):
    sizes = {}
    for path in ("leichte-sprache/", "start/how-to-use/"):
        page.goto(f"{server}/{path}", wait_until="load")
        sizes[path] = page.evaluate("parseFloat(getComputedStyle(document.querySelector('article > p')).fontSize)")
    assert sizes["leichte-sprache/"] >= 1.2 * sizes["start/how-to-use/"], sizes
