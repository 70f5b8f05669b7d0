"""What readers see on the web: headings that never break inside a word, glossary definitions that open
for mouse, keyboard and touch, the logo and favicon, diagrams, headings and boxes in the palette, the
language switcher and wide tables (issue 13, web part). Chromium through Playwright."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import DOCS, LANGS, PREFIX, PROJECT, html_path, page_paths, url_path
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
PAGES = page_paths()
STRINGS = {
    "de": {"logo_alt": "Digitale Teilhabe – zur Startseite", "name": "Deutsch"},
    "en": {"logo_alt": "Digital participation – to the home page", "name": "English"},
}

# Every word of every h1-h3, as pieces that may not be broken: a word is split after each hyphen it is
# written with ("Social-Media-Führerschein": "Social-", "Media-", "Führerschein"), because a line break
# after a written hyphen is an ordinary break. Anything else is a failure: a word on two lines (broken
# by overflow-wrap or by automatic hyphenation, which headings therefore do not use: hyphens: manual in
# handbook.css) or sticking out of its heading.
HEADING_WORDS = r"""async () => {
  await document.fonts.ready;
  const problems = [];
  const headings = document.querySelectorAll("article h1, article h2, article h3");
  for (const h of headings) {
    const nodes = [], starts = [];
    let text = "";
    const walker = document.createTreeWalker(h, NodeFilter.SHOW_TEXT, {acceptNode: n =>
      n.parentElement.closest(".headerlink") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
    for (let n; (n = walker.nextNode());) { nodes.push(n); starts.push(text.length); text += n.data; }
    const at = offset => {
      let i = nodes.length - 1;
      while (i > 0 && starts[i] > offset) i--;
      return [nodes[i], offset - starts[i]];
    };
    const limit = h.getBoundingClientRect();
    const pieces = /[^\s\-\u2010]+[\-\u2010]?|[\-\u2010]/g;
    for (let m; (m = pieces.exec(text));) {
      const range = document.createRange();
      range.setStart(...at(m.index));
      range.setEnd(...at(m.index + m[0].length));
      const boxes = [...range.getClientRects()].filter(b => b.width > 0.5);
      if (!boxes.length) continue;
      const height = Math.min(...boxes.map(b => b.height));
      const tops = boxes.map(b => b.top).sort((a, b) => a - b);
      const lines = 1 + tops.slice(1).filter((t, i) => t - tops[i] > height / 2).length;
      const right = Math.max(...boxes.map(b => b.right));
      if (lines > 1 || right > limit.right + 1) {
        problems.push(`${h.tagName.toLowerCase()}#${h.id}: "${m[0]}" ` +
                      (lines > 1 ? `on ${lines} lines` : `sticks out by ${Math.round(right - limit.right)} px`));
      }
    }
  }
  return {count: headings.length, problems};
}"""


@pytest.mark.parametrize("width", [320, 375, 1280])
@pytest.mark.parametrize("lang", LANGS)
def test_headings_never_break_inside_a_word(server, browser, lang, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    tab = context.new_page()
    problems, headings = [], 0
    for md in PAGES:
        tab.goto(server + url_path(lang, md), wait_until="load")
        result = tab.evaluate(HEADING_WORDS)
        headings += result["count"]
        problems += [f"{md}: {p}" for p in result["problems"]]
    context.close()
    assert headings > 2 * len(PAGES), "no headings measured"
    assert problems == []


def test_the_heading_check_notices_a_broken_word(server, browser):
    """The check above can fail: a title squeezed beside a float breaks inside its words."""
    # bypass_csp: the injected style attribute would be blocked by the site's Content-Security-Policy.
    context = browser.new_context(viewport={"width": 375, "height": 800}, bypass_csp=True)
    tab = context.new_page()
    tab.goto(server + "/worksheets/editorial-plan/", wait_until="load")
    tab.evaluate("""() => {
        const h1 = document.querySelector("article h1");
        h1.insertAdjacentHTML("afterbegin", '<span style="float:right;width:300px;height:1em"></span>');
        h1.style.overflowWrap = "anywhere";
    }""")
    assert tab.evaluate(HEADING_WORDS)["problems"]
    context.close()


# --- glossary terms --------------------------------------------------------------------------------


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


@pytest.mark.parametrize("lang", LANGS)
def test_glossary_terms_are_marked_once_and_only_in_running_text(site, lang):
    from scripts import glossary

    entries = {t.id: t for t in glossary.terms(DOCS / lang / "glossary.md")}
    marked_pages = 0
    for md in PAGES:
        article = soup_of(html_path(site, lang, md)).select_one("article")
        assert not article.select("abbr[title]"), f"{md}: glossary terms as <abbr title> again"
        terms = article.select("a.hb-term")
        ids = [a["href"].split("#")[1] for a in terms]
        assert len(ids) == len(set(ids)), f"{md}: a term marked more than once: {ids}"
        for link in terms:
            assert not link.find_parent(re.compile(r"^(h[1-6]|a|th|summary|code)$")), (md, str(link.parent)[:120])
            assert not link.find_parent(class_="admonition-title"), md
            term_id = link["href"].split("#")[1]
            definition = article.find(id=link["aria-describedby"])
            assert definition is not None, (md, term_id)
            assert definition.get_text() == entries[term_id].hint, (md, term_id)
            box = definition.find_parent(class_="hb-term-def")
            assert box.has_attr("hidden") and box.has_attr("data-search-exclude"), md
            more = box.select_one("a.hb-term-def__link")
            assert more["href"] == link["href"], md
            if md == "glossary.md":  # cross-references, never a term inside its own entry
                assert link["href"] == f"#{term_id}"
                own = link.find_previous(re.compile(r"^h[23]$"))
                assert own.get("id") != term_id, (md, term_id)
        marked_pages += bool(terms)
        if md == "glossary.md":  # the headwords stay headings
            assert not article.select("h3 a.hb-term")
    assert marked_pages >= len(PAGES) // 2
    # The hidden definitions stay out of the search index (data-search-exclude): results show the text.
    index = (site / PREFIX[lang] / "search" / "search_index.json").read_text(encoding="utf-8")
    more = {"de": "Zum Eintrag im Glossar", "en": "Go to the glossary entry"}[lang]
    assert more not in index


def test_mark_terms_marks_first_use_in_running_text_only():
    from scripts.glossary import Term, mark_terms

    terms = [
        Term("Impressum", "imprint", "Anbieterkennzeichnung.", 1),
        Term("post", "post", "A piece.", 2),
        Term("Hate Speech", "hate-speech", "Hass.", 3),
    ]
    html = (
        '<h2 id="x">Impressum</h2><p>Ein <a href="y">Impressum</a> und <code>Impressum</code>.</p>'
        '<p class="admonition-title">Impressum</p><table><tr><th>Impressum</th></tr>'
        "<tr><td>Das Impressum-Muster, dann das Impressum und wieder Impressum.</td></tr></table>"
        "<p>You can post it. Post: a post. Hate-Speech-Filter, Hate Speech, Hate Speech.</p>"
    )
    out = mark_terms(html, terms, "../glossary/", "Zum Eintrag")
    soup = BeautifulSoup(out, "html.parser")
    links = soup.select("a.hb-term")
    assert [(a.get_text(), a.find_parent(["td", "p"]).name) for a in links] == [
        ("Impressum", "td"),
        ("Post", "p"),
        ("Hate Speech", "p"),
    ]
    assert "Das Impressum-Muster, dann das " in soup.td.get_text()  # a compound is not the term
    assert out.count("hb-term-def__text") == 3
    glossary_page = (
        '<h3 id="imprint">Impressum</h3><p>Ein Impressum nennt Hate Speech nicht.</p>'
        '<h3 id="hate-speech">Hate Speech</h3><p>Kein Impressum für Hate Speech.</p>'
    )
    out = mark_terms(glossary_page, terms, "", "Zum Eintrag", glossary_page=True)
    soup = BeautifulSoup(out, "html.parser")
    assert [a["href"] for a in soup.select("a.hb-term")] == ["#hate-speech", "#imprint"]


def test_first_use_in_running_text_is_the_marked_one(site):
    """On module 4 "Impressum" occurs many times, in headings too: only its first use in the text is
    a link, every other occurrence is plain text."""
    article = soup_of(html_path(site, "de", "course/module-4-legal-hate-speech.md")).select_one("article")
    link = article.select_one('a.hb-term[href$="#imprint"]')
    assert link is not None and link.get_text() == "Impressum"
    text = article.get_text()
    assert text.count("Impressum") > 2
    for tag in link.find_all_previous(string=re.compile(r"(?<![\w-])Impressum(?![\w-])")):
        if not tag.find_parent("article"):
            continue
        assert tag.find_parent(re.compile(r"^(h[1-6]|a)$")) or tag.find_parent(class_="hb-legal-note"), tag


def _term_page(browser, **options):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    return context, context.new_page()


def _visible(tab, term_id: str) -> bool:
    return tab.evaluate(
        """id => {
        const box = document.getElementById(id).closest(".hb-term-def");
        const r = box.getBoundingClientRect();
        return !box.hidden && getComputedStyle(box).display !== "none" && r.width > 0 && r.height > 0;
    }""",
        term_id,
    )


@pytest.mark.parametrize(
    "lang,path", [("de", "/course/module-4-legal-hate-speech/"), ("en", "/en/course/module-4-legal-hate-speech/")]
)
def test_glossary_definition_opens_on_hover_focus_and_tap(server, browser, lang, path):
    # Mouse: the definition shows while the pointer rests on the term, and Escape closes it.
    context, tab = _term_page(browser)
    tab.goto(server + path, wait_until="load")
    term = tab.locator("article a.hb-term").first
    describes = term.get_attribute("aria-describedby")
    assert not _visible(tab, describes)
    term.hover()
    tab.wait_for_function("id => !document.getElementById(id).closest('.hb-term-def').hidden", arg=describes)
    assert _visible(tab, describes)
    assert term.get_attribute("aria-expanded") == "true"
    tab.keyboard.press("Escape")
    assert not _visible(tab, describes)
    tab.mouse.move(0, 0)

    # Keyboard: Tab from the element before the term lands on the term and shows its definition.
    tab.evaluate("""() => {
        const term = document.querySelector("article a.hb-term");
        const all = [...document.querySelectorAll("a[href], button, input, [tabindex]")];
        const before = all.slice(0, all.indexOf(term)).reverse().find(el => el.offsetParent !== null
            && !el.closest(".hb-term-def") && el.tabIndex >= 0);
        before.focus();
    }""")
    for _ in range(5):
        tab.keyboard.press("Tab")
        if tab.evaluate("document.activeElement.classList.contains('hb-term')"):
            break
    assert tab.evaluate("document.activeElement.getAttribute('aria-describedby')") == describes
    assert _visible(tab, describes)
    tab.keyboard.press("Escape")
    assert not _visible(tab, describes)
    assert tab.evaluate("document.activeElement.classList.contains('hb-term')"), "Escape lost the focus"
    context.close()

    # Touch: a tap shows the definition instead of leaving the page; its link leads to the entry.
    context, tab = _term_page(browser, has_touch=True, is_mobile=True)
    tab.set_viewport_size({"width": 375, "height": 740})
    tab.goto(server + path, wait_until="load")
    term = tab.locator("article a.hb-term").first
    term.scroll_into_view_if_needed()
    term.tap()
    tab.wait_for_timeout(200)
    assert tab.url.endswith(path), "the tap left the page"
    assert _visible(tab, describes)
    assert tab.evaluate("document.documentElement.scrollWidth") <= 375, "the definition sticks out"
    more = tab.locator(f"#{describes} ~ a.hb-term-def__link")
    assert more.is_visible()
    tab.keyboard.press("Escape")
    assert not _visible(tab, describes)
    term.tap()
    more.tap()
    tab.wait_for_url(re.compile(r"/glossary/#"))
    assert tab.url.endswith("/glossary/#" + describes.removeprefix("hb-def-"))
    context.close()


# --- logo and favicon ------------------------------------------------------------------------------


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _hex(css_rgb: str) -> str:
    r, g, b = (int(float(x)) for x in re.findall(r"[\d.]+", css_rgb)[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_logo_stands_out_on_the_header_and_names_its_link(server, browser, scheme):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    tab = context.new_page()
    for lang in LANGS:
        tab.goto(server + "/" + PREFIX[lang], wait_until="load")
        header = _hex(tab.evaluate("getComputedStyle(document.querySelector('.md-header')).backgroundColor"))
        logo = (DOCS / "assets" / "images" / "logo.svg").read_text(encoding="utf-8")
        edges = re.findall(r'<path class="edge" fill="(#[0-9a-f]{6})"', logo)
        assert len(edges) >= 2, 'logo.svg: the shapes drawn on the header are marked class="edge"'
        for colour in edges:
            assert contrast(colour, header) >= 3, (scheme, colour, header)
        link = tab.locator(".md-header a.md-logo")
        assert link.get_attribute("aria-label") is None
        name = tab.evaluate("""() => {
            const img = document.querySelector('.md-header a.md-logo img');
            return img.getAttribute('alt');
        }""")
        assert name == STRINGS[lang]["logo_alt"]
        expect(link).to_have_accessible_name(STRINGS[lang]["logo_alt"])
    context.close()


def test_logo_and_favicon_are_plain_drawings_and_the_favicon_has_its_own_background():
    for name in ("logo.svg", "favicon.svg"):
        svg = (DOCS / "assets" / "images" / name).read_text(encoding="utf-8")
        assert "<text" not in svg and "<script" not in svg and "href" not in svg, name
        assert "currentColor" not in svg, f"{name}: an <img> cannot inherit a colour"
    favicon = (DOCS / "assets" / "images" / "favicon.svg").read_text(encoding="utf-8")
    badge = re.search(r'<rect [^>]*fill="(#[0-9a-f]{6})" stroke="(#[0-9a-f]{6})"', favicon)
    assert badge, "the favicon sits on a filled badge with a rim"
    fill, rim = badge.groups()
    # Seen on light browser chrome (white, light grey) by its fill and on dark chrome by its rim.
    for chrome in ("#ffffff", "#dee1e6"):
        assert contrast(fill, chrome) >= 3, chrome
    for chrome in ("#202124", "#35363a", "#1c1b22"):
        assert contrast(rim, chrome) >= 3, chrome


# --- diagrams -------------------------------------------------------------------------------------

DIAGRAM_TEXT = """() => [...document.querySelectorAll("article svg.hb-diagram")].map(svg => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const sizes = [...svg.querySelectorAll("text")].map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
    const panel = svg.querySelector(".d-panel");
    return {label: svg.getAttribute("aria-label"), role: svg.getAttribute("role"),
            font: getComputedStyle(svg.querySelector("text")).fontFamily,
            min: Math.min(...sizes), body: sizes.sort((a, b) => a - b)[Math.floor(sizes.length / 2)],
            panel: getComputedStyle(panel).fill, ink: getComputedStyle(svg.querySelector(".d-ink")).fill,
            page: getComputedStyle(document.body).backgroundColor};
}).concat([...document.querySelectorAll("article img[src*='diagrams/']")].map(() => ({img: true})))"""


@pytest.mark.parametrize("lang", LANGS)
def test_diagrams_are_drawn_in_the_page_and_readable(server, browser, lang):
    found = 0
    for scheme, width in (("light", 1280), ("dark", 1280), ("light", 375)):
        context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
        tab = context.new_page()
        for md in ("course/index.md", "worksheets/editorial-plan.md", "worksheets/goal-setting.md"):
            tab.goto(server + url_path(lang, md), wait_until="load")
            tab.evaluate("document.fonts.ready")
            for d in tab.evaluate(DIAGRAM_TEXT):
                assert not d.get("img"), f"{md}: a diagram is still an <img>"
                found += 1
                assert d["role"] == "img" and len(d["label"]) > 20, (md, d)
                assert d["font"].startswith('"Atkinson Hyperlegible"'), (md, d["font"])
                if width == 1280:
                    assert 16 <= d["body"] <= 18, (md, d)  # body text of the page: 16 px
                else:
                    assert d["min"] >= 12, (md, d)
                if scheme == "dark":
                    assert _luminance(_hex(d["ink"])) > 0.5, f"{md}: dark text on the dark page"
                    assert d["panel"] in ("none", "rgba(0, 0, 0, 0)") or _luminance(_hex(d["panel"])) < 0.1, (md, d)
        context.close()
    assert found >= 9


@pytest.mark.parametrize("lang", LANGS)
def test_diagrams_keep_their_title_for_the_pdf_and_their_size(site, lang):
    """The Markdown alt text is the drawing's name and its <title> (WeasyPrint's alternative text for the
    figure); width and height keep its place before the page's style sheet arrives."""
    for md in ("course/index.md", "worksheets/editorial-plan.md", "lessons/define-goals.md"):
        svg = soup_of(html_path(site, lang, md)).select_one("article svg.hb-diagram")
        assert svg is not None, md
        assert svg.title.get_text() == svg["aria-label"], md
        assert int(svg["width"]) > 0 and int(svg["height"]) > 0
        box = [float(v) for v in svg["viewbox"].split()]
        assert int(svg["width"]) / int(svg["height"]) == pytest.approx(box[2] / box[3], rel=0.01)
        assert not svg.find_all(id=True), f"{md}: ids inside a drawing could clash on the page"


def test_diagram_texts_follow_the_handbook():
    folder = DOCS / "assets" / "images" / "diagrams"
    modules = {lang: (folder / f"four-modules-{lang}.svg").read_text(encoding="utf-8") for lang in LANGS}
    assert "Organisationsseite" in modules["de"] and "Unternehmensseite" not in modules["de"]
    assert "Gliederung dieses Handbuchs" in modules["de"] and "„und vielem mehr“" in modules["de"]
    assert "(Stand 2022)" in modules["de"] and "(as of 2022)" in modules["en"]
    assert "This handbook’s grouping" in modules["en"] and "“and much more”" in modules["en"]
    for lang, day, minutes in (
        ("de", "ca. 20 Min.", ("ca. 60 Min.", "2 × ca. 45 Min.", "ca. 20 Min.", "ca. 30 Min.", "5 Stunden")),
        ("en", "about 20 min", ("about 60 min", "2 × about 45 min", "about 20 min", "about 30 min", "5 hours")),
    ):
        rhythm = (folder / f"weekly-rhythm-{lang}.svg").read_text(encoding="utf-8")
        assert day in rhythm and all(m in rhythm for m in minutes), lang
        assert "15 Min" not in rhythm and "15 min" not in rhythm and "60 Min.: Texte" not in rhythm


# --- headings and boxes ---------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_title_outweighs_headings_and_boxes_use_body_size_and_palette(server, browser, scheme):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    tab = context.new_page()
    tab.goto(server + "/course/module-4-legal-hate-speech/", wait_until="load")
    style = tab.evaluate("""() => {
        const css = sel => getComputedStyle(document.querySelector(sel));
        return {h1: [css("article h1").fontWeight, css("article h1").color, css("article h1").fontSize],
                h2: [css("article h2").fontWeight, css("article h2").color, css("article h2").fontSize],
                p: css("article > p").fontSize,
                box: css("article .admonition > p:not(.admonition-title)").fontSize,
                boxes: [...document.querySelectorAll("article .admonition")].map(a =>
                    [a.className, getComputedStyle(a).borderLeftColor])};
    }""")
    assert int(style["h1"][0]) > int(style["h2"][0])
    assert style["h1"][1] != style["h2"][1]
    assert float(style["h1"][2][:-2]) > float(style["h2"][2][:-2])
    assert style["box"] == style["p"]
    palette = {
        "light": {"#1d5a61", "#2f7780", "#4a5a5c", "#9c3f14"},
        "dark": {"#6fb7bf", "#8fd0d7", "#a9bcbe", "#f2a979"},
    }[scheme]
    assert style["boxes"]
    for name, colour in style["boxes"]:
        assert _hex(colour) in palette, (name, colour)
    context.close()


# --- language switcher ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_language_switcher_names_the_languages_and_marks_the_current_one(server, page, lang):
    page.goto(server + url_path(lang, "lessons/effort.md"), wait_until="load")
    button = page.locator(".md-header .hb-lang__button")
    assert button.locator(".hb-lang__name").inner_text() == STRINGS[lang]["name"]
    assert STRINGS[lang]["name"] in button.get_attribute("aria-label")  # visible name in the accessible one
    button.focus()
    links = page.locator(".md-header a.md-select__link[hreflang]")
    links.first.wait_for(state="visible")
    names = [links.nth(i).inner_text().strip() for i in range(links.count())]
    assert names == ["Deutsch", "English"]
    current = page.locator('.md-header a.md-select__link[aria-current="true"]')
    assert current.count() == 1 and current.get_attribute("hreflang") == lang
    mark = current.evaluate("el => [getComputedStyle(el, '::before').content, getComputedStyle(el).fontWeight]")
    assert mark[0] == '"✓"' and int(mark[1]) >= 700
    other = page.locator(".md-header a.md-select__link:not([aria-current])")
    assert other.evaluate("el => getComputedStyle(el, '::before').content") in ("none", "normal")


# --- wide tables ----------------------------------------------------------------------------------

TABLE_STATE = """() => {
    const outer = document.querySelector("article .hb-table-scroll");
    const scroller = outer.querySelector(".md-typeset__scrollwrap");
    const hint = outer.querySelector(".hb-table-scroll__hint");
    const r = hint.getBoundingClientRect();
    return {overflow: scroller.scrollWidth - scroller.clientWidth,
            table: outer.querySelector("table").getBoundingClientRect().width,
            scrollWidth: scroller.scrollWidth,
            hint: getComputedStyle(hint).display !== "none" && r.width > 0 && r.height > 0 ? hint.innerText : null,
            right: getComputedStyle(outer, "::after").opacity, left: getComputedStyle(outer, "::before").opacity,
            page: document.documentElement.scrollWidth};
}"""


def _settled(tab) -> dict:
    """The table's state once the shades' fade (0.2 s) is over."""
    tab.wait_for_timeout(350)
    return tab.evaluate(TABLE_STATE)


@pytest.mark.parametrize("lang", LANGS)
def test_wide_table_scrolls_with_a_visible_hint_on_a_phone(server, browser, lang):
    hint = {"de": "seitlich wischen", "en": "scroll sideways"}[lang]
    context = browser.new_context(viewport={"width": 375, "height": 740}, has_touch=True, is_mobile=True)
    tab = context.new_page()
    tab.goto(server + url_path(lang, "worksheets/editorial-plan.md"), wait_until="load")
    tab.wait_for_selector("article .hb-table-scroll")
    state = _settled(tab)
    assert state["overflow"] > 20, state
    assert state["hint"] and hint in state["hint"], state
    assert state["right"] == "1" and state["left"] == "0", state
    assert state["page"] <= 375, "the page itself scrolls sideways"
    assert state["scrollWidth"] >= state["table"], "part of the table cannot be reached"
    scroller = tab.locator("article .md-typeset__scrollwrap").first
    assert scroller.get_attribute("tabindex") == "0" and scroller.get_attribute("aria-label")
    scroller.focus()  # keyboard users scroll it with the arrow keys
    tab.keyboard.press("ArrowRight")
    tab.wait_for_function("() => document.querySelector('article .md-typeset__scrollwrap').scrollLeft > 0")
    tab.evaluate("document.querySelector('article .md-typeset__scrollwrap').scrollLeft = 1e6")
    state = _settled(tab)
    assert state["right"] == "0" and state["left"] == "1", state
    context.close()

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto(server + url_path(lang, "worksheets/editorial-plan.md"), wait_until="load")
    tab.wait_for_selector("article .hb-table-scroll")
    state = _settled(tab)
    assert state["overflow"] <= 1 and state["hint"] is None and state["right"] == "0", state
    assert tab.locator("article .md-typeset__scrollwrap").first.get_attribute("tabindex") is None
    context.close()


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<rect onclick="alert(1)"/>',
        '<image href="https://example.org/x.png"/>',
        "<style>*{}</style>",
    ],
)
def test_a_diagram_that_could_run_or_fetch_anything_stops_the_build(tmp_path, payload):
    """Diagrams are drawn into the page, so their markup must be shapes and text only."""
    from helpers import build_sandbox, make_sandbox

    box = make_sandbox(tmp_path)
    svg = box / "docs" / "assets" / "images" / "diagrams" / "weekly-rhythm-de.svg"
    svg.write_text(svg.read_text(encoding="utf-8").replace("</svg>", payload + "</svg>"), encoding="utf-8")
    result = build_sandbox(box)
    assert result.returncode != 0
    assert "weekly-rhythm-de.svg" in result.stderr and "is not allowed in a diagram" in result.stderr


@pytest.mark.parametrize("lang", LANGS)
def test_heading_anchor_tooltips_speak_the_page_language(site, lang):
    """`toc: permalink_title` is one value for all languages; overrides/hooks/permalink_title.py gives each
    page its language's tooltip (English pages said "Link zu diesem Abschnitt")."""
    strings = PROJECT.config["extra"]["strings"]
    wanted = strings[lang]["permalink_title"]
    others = {strings[other]["permalink_title"] for other in LANGS if other != lang}
    assert wanted and wanted not in others
    counted = 0
    for md in PAGES:
        soup = BeautifulSoup(html_path(site, lang, md).read_text(encoding="utf-8"), "lxml")
        titles = [a.get("title") for a in soup.select("article a.headerlink")]
        assert titles, f"{md} ({lang}): no heading anchors"
        assert set(titles) == {wanted}, f"{md} ({lang}): anchor tooltips {set(titles)}, want {wanted!r}"
        counted += len(titles)
    assert counted > len(PAGES)
