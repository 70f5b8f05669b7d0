"""The site in a real browser (Chromium through Playwright), as readers use it."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest
from helpers import LANGS, PREFIX, page_paths, url_path

pytestmark = pytest.mark.browser
PAGES = page_paths()


def search(page, query: str) -> list[str]:
    """Type into the search box like a reader and return the hrefs of all results."""
    page.keyboard.press("/")
    box = page.locator("input.md-search__input")
    box.fill("")
    box.type(query, delay=20)
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    page.wait_for_timeout(300)
    # Material renders results in batches while the list scrolls: scroll until all are there.
    for _ in range(20):
        before = page.locator("a.md-search-result__link").count()
        page.locator(".md-search__scrollwrap").evaluate("el => el.scrollTo(0, el.scrollHeight)")
        page.wait_for_timeout(150)
        if page.locator("a.md-search-result__link").count() == before:
            break
    return page.eval_on_selector_all("a.md-search-result__link", "els => els.map(e => e.href)")


def pages_with_only(site, lang: str, stem_form: str, inflected: str) -> set[str]:
    """Pages whose indexed text contains `stem_form` but never the `inflected` form."""
    index = json.loads((site / PREFIX[lang] / "search" / "search_index.json").read_text(encoding="utf-8"))
    pages = {}
    for doc in index["docs"]:
        key = doc["location"].split("#")[0]
        pages[key] = pages.get(key, "") + " " + (doc["title"] + " " + doc["text"]).lower()
    # Not even as the start of a longer word: a prefix search alone must not explain the hit.
    return {
        page
        for page, text in pages.items()
        if re.search(rf"\b{stem_form}\b", text) and not re.search(rf"\b{inflected}", text)
    }


@pytest.mark.parametrize("lang,query,form", [("de", "Zielgruppen", "zielgruppe"), ("en", "channels", "channel")])
def test_search_finds_only_its_language_with_stemming(site, server, page, lang, query, form):
    expected = pages_with_only(site, lang, form, query.lower())
    assert expected, f"test needs a {lang} page that says '{form}' but never '{query}'"
    page.goto(f"{server}/{PREFIX[lang]}lessons/define-goals/")
    hrefs = search(page, query)
    assert hrefs, f"no results for {query!r}"
    paths = [urlsplit(h).path for h in hrefs]
    if lang == "de":
        assert not [p for p in paths if p.startswith("/en/")], "English pages in German search results"
    else:
        assert all(p.startswith("/en/") for p in paths), "German pages in English search results"
    found = {urlsplit(h).path[len("/" + PREFIX[lang]) :] for h in hrefs}
    assert found & expected, (
        f"stemming: {query!r} found none of the pages that only say {form!r}: {sorted(expected)[:5]}"
    )


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_loads_only_own_files_and_without_errors(server, browser, lang):
    own = urlsplit(server).netloc
    context = browser.new_context()
    tab = context.new_page()
    foreign, failed, errors, current = [], [], [], {"page": None}
    tab.on(
        "request",
        lambda request: (
            foreign.append(request.url)
            if urlsplit(request.url).scheme in ("http", "https", "ws", "wss") and urlsplit(request.url).netloc != own
            else None
        ),
    )
    tab.on(
        "response",
        lambda response: (
            failed.append((current["page"], response.url, response.status))
            if current["page"] and response.status >= 400
            else None
        ),
    )
    tab.on(
        "console",
        lambda message: (
            errors.append((current["page"], message.text)) if current["page"] and message.type == "error" else None
        ),
    )
    for md in PAGES:
        current["page"] = md
        tab.goto(server + url_path(lang, md), wait_until="networkidle")
    current["page"] = None
    tab.goto(server + "/" + PREFIX[lang] + "does-not-exist/", wait_until="load")
    context.close()
    assert foreign == []
    # Every request succeeds: Material once fetched sitemap.xml next to every page (two 404s per view).
    assert failed == []
    assert errors == []


@pytest.mark.parametrize("lang", LANGS)
def test_no_horizontal_scrolling_on_a_phone(server, browser, lang):
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    tab = context.new_page()
    too_wide = []
    for md in PAGES:
        tab.goto(server + url_path(lang, md), wait_until="load")
        width = tab.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            too_wide.append((md, width))
    context.close()
    assert too_wide == []


def test_language_switch_keeps_page_and_heading(server, page):
    page.goto(f"{server}/lessons/define-goals/#why")
    page.locator(".md-header .md-select button").first.focus()
    page.locator('a.md-select__link[hreflang="en"]').first.click()
    page.wait_for_load_state("load")
    assert urlsplit(page.url).path == "/en/lessons/define-goals/"
    assert urlsplit(page.url).fragment == "why"
    assert page.locator("html").get_attribute("lang") == "en"


@pytest.mark.parametrize("path", ["/", "/course/", "/en/lessons/define-goals/"])
def test_images_keep_their_shape_and_place(server, page, path):
    """width and height (added by the build) match each file's own proportions, so the space kept free
    before an image arrives is the space it then takes."""
    page.goto(server + path)
    page.wait_for_load_state("load")
    shapes = page.eval_on_selector_all(
        "img",
        """els => els.map(e => ({src: e.getAttribute("src"),
        w: +e.getAttribute("width"), h: +e.getAttribute("height"), nw: e.naturalWidth, nh: e.naturalHeight,
        shown: e.getBoundingClientRect().width / Math.max(1, e.getBoundingClientRect().height)}))""",
    )
    assert len(shapes) >= 1, shapes  # the logo
    for img in shapes:
        assert img["nw"] and img["nh"], f"{img['src']} did not load"
        assert img["w"] / img["h"] == pytest.approx(img["nw"] / img["nh"], rel=0.01), img
        if img["shown"] > 0.01:
            assert img["shown"] == pytest.approx(img["w"] / img["h"], rel=0.03), img
    # Diagrams are drawn into the page (inline SVG): the same holds for their width, height and viewBox.
    drawings = page.eval_on_selector_all(
        "article svg.hb-diagram",
        """els => els.map(e => ({
        w: +e.getAttribute("width"), h: +e.getAttribute("height"),
        vw: e.viewBox.baseVal.width, vh: e.viewBox.baseVal.height,
        shown: e.getBoundingClientRect().width / Math.max(1, e.getBoundingClientRect().height)}))""",
    )
    if path != "/":
        assert drawings, "expected a diagram on " + path
    for svg in drawings:
        assert svg["w"] / svg["h"] == pytest.approx(svg["vw"] / svg["vh"], rel=0.01), svg
        assert svg["shown"] == pytest.approx(svg["w"] / svg["h"], rel=0.03), svg


def test_colour_scheme_follows_the_system_and_the_readers_choice(server, browser):
    """Light and dark scheme: the theme's (deferred) script picks the system's scheme on a first visit,
    the toggle in the header switches it, and the choice is kept on the next page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    page = context.new_page()
    page.goto(f"{server}/lessons/effort/")
    toggle = page.locator('form[data-md-component="palette"] label:not([hidden])')
    toggle.wait_for(state="visible")  # all toggles are hidden until the script has run
    scheme = 'document.body.getAttribute("data-md-color-scheme")'
    checked = '(document.querySelector("input[name=__palette]:checked")?.id ?? null)'

    def click_toggle() -> str:
        before = page.evaluate(checked)
        toggle.click()
        page.wait_for_function(f"() => {checked} !== {json.dumps(before)}")
        return page.evaluate(scheme)

    assert page.evaluate(scheme) == "slate"
    dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
    # automatic (the system's dark) -> light -> dark -> automatic -> light
    assert [click_toggle() for _ in range(4)] == ["default", "slate", "slate", "default"]
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != dark
    page.goto(f"{server}/en/lessons/effort/")
    page.locator('form[data-md-component="palette"] label:not([hidden])').wait_for(state="visible")
    assert page.evaluate(scheme) == "default", "the reader's choice was not kept"
    context.close()


@pytest.mark.parametrize(
    "path,lang,title",
    [("/gibt-es-nicht/", "de", "Seite nicht gefunden"), ("/en/does-not-exist/", "en", "Page not found")],
)
def test_404_page_in_the_readers_language(server, page, path, lang, title):
    response = page.goto(server + path)
    assert response.status == 404
    assert page.locator("html").get_attribute("lang") == lang
    assert title in page.locator("h1").first.inner_text()
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith('"Atkinson')


def test_print_stylesheet_hides_navigation(server, page):
    page.goto(f"{server}/lessons/effort/")
    page.emulate_media(media="print")
    for selector in (".md-header", ".md-sidebar--primary", ".md-footer"):
        assert page.locator(selector).first.evaluate("el => getComputedStyle(el).display") == "none", selector
