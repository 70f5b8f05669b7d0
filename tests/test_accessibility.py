"""Every page usable by everyone: axe-core (WCAG 2.2 A and AA) on every page of both languages at
desktop and phone width, and the keyboard alone for the skip link, focus, search and language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from helpers import LANGS, ROOT, page_paths, url_path

pytestmark = pytest.mark.browser
PAGES = page_paths()
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.mark.parametrize("width", [1280, 375], ids=["desktop", "phone"])
@pytest.mark.parametrize("lang", LANGS)
def test_axe_finds_no_wcag_violation_on_any_page(server, browser, lang, width):
    assert AXE.exists(), "axe-core missing: `make test` installs it with npm ci"
    script = AXE.read_text(encoding="utf-8")
    # bypass_csp: axe is injected as an inline script, which the site's Content-Security-Policy forbids.
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    tab = context.new_page()
    found = []
    for path in [url_path(lang, md) for md in PAGES] + [f"/{'en/' if lang == 'en' else ''}missing-page/"]:
        tab.goto(server + path, wait_until="load")
        tab.add_script_tag(content=script)
        result = tab.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
        for violation in result["violations"]:
            found.append(f"{path}: {violation['id']} ({violation['impact']}): {violation['nodes'][0]['html'][:120]}")
    context.close()
    assert found == []


def test_axe_would_notice_a_barrier(server, browser):
    """The check above can fail: an image without alt text and grey-on-white text are reported."""
    context = browser.new_context(bypass_csp=True)  # the injected style and script, as above
    page = context.new_page()
    page.goto(server + "/")
    page.evaluate("""() => {
        const main = document.querySelector('article');
        main.insertAdjacentHTML('beforeend',
          '<img src="assets/images/logo.svg"><p style="color:#ccc;background:#fff">kaum lesbar</p>');
    }""")
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    context.close()
    assert {"image-alt", "color-contrast"} <= {v["id"] for v in result["violations"]}


def focused(page) -> dict:
    return page.evaluate("""() => {
        const el = document.activeElement, style = getComputedStyle(el);
        return {tag: el.tagName, cls: el.className || '', href: el.getAttribute('href'),
                outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
                text: (el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 40)};
    }""")


def test_skip_link_is_first_and_focus_is_visible(server, page):
    page.goto(server + "/lessons/effort/")
    page.keyboard.press("Tab")
    first = focused(page)
    assert "md-skip" in first["cls"], first
    assert first["outline"], "the skip link shows no focus outline"
    page.keyboard.press("Enter")
    assert urlsplit(page.url).fragment, "the skip link did not jump into the content"
    for _ in range(12):
        page.keyboard.press("Tab")
        state = focused(page)
        assert state["outline"], f"no visible focus on {state}"


def test_search_works_with_the_keyboard_alone(server, page):
    page.goto(server + "/en/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.classList.contains('md-search__input')")
    page.keyboard.type("channels", delay=20)
    page.wait_for_selector(".md-search-result__item")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: urlsplit(url).path not in ("/en/", ""), timeout=10000)
    assert urlsplit(page.url).path.startswith("/en/")


def test_language_switch_works_with_the_keyboard_alone(server, page):
    page.goto(server + "/course/prerequisites/")
    for _ in range(40):
        page.keyboard.press("Tab")
        state = focused(page)
        if (
            state["tag"] == "A"
            and state["href"]
            and "/en/" in (state["href"] or "")
            and "md-select__link" in state["cls"]
        ):
            break
    else:
        pytest.fail("the English link of the language switch is not reachable with Tab")
    assert page.locator("a.md-select__link[hreflang='en']").first.is_visible()
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: urlsplit(url).path == "/en/course/prerequisites/", timeout=10000)
