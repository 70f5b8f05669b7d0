"""Pages that share well (issue 16): Open Graph metadata, preview images, the share button."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from helpers import (
    DOCS,
    LANGS,
    PREFIX,
    PROJECT,
    ROOT,
    TEST_SITE_URL,
    html_path,
    page_paths,
    url_path,
)
from PIL import Image

from scripts import pdf, social_images, sources
from scripts.social_images import Card, Painter, SocialImageError

PAGES = page_paths()
LOCALES = {"de": "de_DE", "en": "en_GB"}
CARD = Card(
    title="Soziale Medien kosten immer Aufwand", part="Teil 2: Drei Lehren", site_name="Digitale Teilhabe", lang="de"
)


def meta_tags(soup: BeautifulSoup) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for tag in soup.select("head meta[property], head meta[name]"):
        found.setdefault(tag.get("property") or tag["name"], []).append(tag.get("content", ""))
    return found


def description(lang: str, md: str) -> str:
    text = (DOCS / lang / md).read_text(encoding="utf-8")
    front, _ = sources.split_front_matter(text)
    return " ".join(yaml.safe_load(front)["description"].split())


def parts(lang: str) -> dict[str, str]:
    """Each page's part (top-level section) as mkdocs.yml's nav names it, translated."""
    config = PROJECT.config
    return {path: title for title, paths in pdf.nav_parts(config, lang) for path in paths}


def check_image(site: Path, url: str) -> None:
    assert url.startswith(TEST_SITE_URL), url
    file = site / url[len(TEST_SITE_URL) :]
    assert file.is_file(), f"{url}: no file {file}"
    data = file.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{file} is not a PNG"
    assert len(data) < social_images.MAX_BYTES, f"{file}: {len(data)} bytes"
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (1200, 630), (file, image.size)


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_has_open_graph_metadata_and_its_image(site, lang):
    manifest = json.loads((site / "assets" / "social" / "manifest.json").read_text(encoding="utf-8"))
    part_of = parts(lang)
    other = [LOCALES[x] for x in LANGS if x != lang]
    for md in PAGES:
        soup = BeautifulSoup(html_path(site, lang, md).read_text(encoding="utf-8"), "lxml")
        tags = meta_tags(soup)
        address = TEST_SITE_URL + url_path(lang, md).lstrip("/")
        single = {k: v[0] for k, v in tags.items() if len(v) == 1}
        assert single.get("og:url") == address, md
        assert single.get("og:type") == ("website" if md == "index.md" else "article"), md
        assert single.get("og:locale") == LOCALES[lang], md
        assert tags.get("og:locale:alternate") == other, md
        assert single.get("og:description") == description(lang, md), md
        assert single.get("twitter:card") == "summary_large_image", md
        assert single.get("og:site_name") and single["og:site_name"] in soup.title.get_text(), md
        assert (single.get("og:image:width"), single.get("og:image:height")) == ("1200", "630"), md
        h1 = soup.select_one("article h1")
        for link in h1.select(".headerlink"):
            link.decompose()
        title = h1.get_text().strip()
        assert single.get("og:title") == title, md
        assert title in single.get("og:image:alt", ""), md
        check_image(site, single["og:image"])
        # What the image was drawn from: the page's title and part, for this very image.
        entry = manifest[PROJECT.page_url(md, lang)]
        assert (entry["title"], entry["part"]) == (title, part_of[md]), md
        assert single["og:image"] == TEST_SITE_URL + entry["image"], md


@pytest.mark.parametrize("lang", LANGS)
def test_404_page_has_open_graph_metadata_and_its_image(site, lang):
    strings = PROJECT.strings(lang)
    soup = BeautifulSoup((site / PREFIX[lang] / "404.html").read_text(encoding="utf-8"), "lxml")
    single = {k: v[0] for k, v in meta_tags(soup).items()}
    assert single["og:url"] == f"{TEST_SITE_URL}{PREFIX[lang]}404.html"
    assert single["og:title"] == strings["not_found_title"]
    assert single["og:description"] == strings["not_found_text"]
    assert single["og:locale"] == LOCALES[lang]
    check_image(site, single["og:image"])


def test_unchanged_image_is_not_drawn_again(tmp_path):
    first = Painter(ROOT, tmp_path)
    data = first.image(CARD)
    assert (first.drawn, first.reused) == (1, 0)
    second = Painter(ROOT, tmp_path)  # a later build
    assert second.image(CARD) == data
    assert (second.drawn, second.reused) == (0, 1)
    second.image(Card(**{**CARD.__dict__, "part": "Teil 3: Social-Media-Führerschein"}))
    assert second.drawn == 1, "a changed part must be drawn afresh"


def test_images_are_reproducible_without_metadata(tmp_path):
    one = Painter(ROOT, tmp_path / "a").render(CARD)
    two = Painter(ROOT, tmp_path / "b").render(CARD)
    assert one == two
    chunks, at = [], 8
    while at < len(one):
        size = int.from_bytes(one[at : at + 4], "big")
        chunks.append(one[at + 4 : at + 8].decode("ascii"))
        at += 12 + size
    assert not {"tEXt", "zTXt", "iTXt", "tIME", "eXIf"} & set(chunks), chunks


def test_long_titles_wrap_onto_three_lines_then_shrink(tmp_path):
    font = social_images.font_file(ROOT, tmp_path)
    width = 1056
    big, short = social_images.fit_title("Ziele festlegen", font, width)
    assert len(short) == 1 and big.size == max(social_images.TITLE_SIZES)
    title = "Modul 4: Rechtliches, Hate Speech und der Umgang mit Anfeindungen im Social-Media-Führerschein"
    small, lines = social_images.fit_title(title, font, width)
    assert len(lines) <= 3 and small.size < big.size
    assert all(small.getlength(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == title.replace(" ", ""), "nothing lost or added but spaces"
    _, cut = social_images.fit_title(title * 4, font, width)
    assert len(cut) == 3 and cut[-1].endswith("…")


def test_characters_outside_the_font_are_named(tmp_path):
    painter = Painter(ROOT, tmp_path)
    assert painter.missing_glyphs("Öffentlichkeitsarbeit „Ziele“ – ß") == ""
    assert painter.missing_glyphs("Ziele ✓ 😀") == "✓😀"


def test_missing_colour_and_unknown_logo_shape_are_clear_errors(tmp_path):
    css = tmp_path / "handbook.css"
    css.write_text(":root > * { --md-primary-fg-color: #1d5a61; }\n", encoding="utf-8")
    with pytest.raises(SocialImageError, match=r"handbook\.css: no '--md-primary-bg-color: #rrggbb;'"):
        social_images.read_colours(css)
    svg = tmp_path / "logo.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="4" height="4"/></svg>')
    with pytest.raises(SocialImageError, match=r"logo\.svg: <rect> is not a shape"):
        social_images._Logo(svg).draw(32)
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path d="M0 0C1 1 2 2 3 3z"/></svg>')
    with pytest.raises(SocialImageError, match=r"logo\.svg: path command 'C'"):
        social_images._Logo(svg).draw(32)


# The share button in Chromium. ---------------------------------------------------------------------

NO_SHARE = "Object.defineProperty(Navigator.prototype, 'share', {value: undefined, configurable: true});"
STUB_SHARE = """Object.defineProperty(Navigator.prototype, 'share', {configurable: true,
  value: function (data) { window.__shared = data; return Promise.resolve(); }});"""


def live_regions(tab) -> list[dict]:
    """The status regions in Chromium's accessibility tree (what a screen reader sees), with their
    live politeness and text."""
    cdp = tab.context.new_cdp_session(tab)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    by_id = {node["nodeId"]: node for node in nodes}

    def text(node: dict) -> str:
        if node.get("role", {}).get("value") in ("StaticText", "text"):
            return node.get("name", {}).get("value", "")
        return "".join(text(by_id[c]) for c in node.get("childIds", []) if c in by_id)

    return [
        {
            "live": {p["name"]: p["value"].get("value") for p in node.get("properties", [])}.get("live"),
            "text": text(node),
        }
        for node in nodes
        if node.get("role", {}).get("value") == "status" and not node.get("ignored")
    ]


def open_page(browser, server, path: str, script: str, requests: list[str]):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    context.add_init_script(script)
    tab = context.new_page()
    tab.goto(server + path, wait_until="networkidle")
    tab.on("request", lambda request: requests.append(request.url))
    return context, tab


@pytest.mark.browser
@pytest.mark.parametrize("lang,label,copied", [("de", "Teilen", "Link kopiert"), ("en", "Share", "Link copied")])
def test_share_button_copies_the_address_without_web_share(server, browser, lang, label, copied):
    requests: list[str] = []
    path = url_path(lang, "lessons/effort.md")
    context, tab = open_page(browser, server, path, NO_SHARE, requests)
    button = tab.get_by_role("button", name=label, exact=True)
    assert button.is_visible()
    status = tab.locator(".hb-share-status")
    assert status.get_attribute("role") == "status" and status.inner_text() == ""
    # Before the click the live region is already in the accessibility tree (not display: none), but
    # takes no room on the screen.
    assert live_regions(tab) == [{"live": "polite", "text": ""}]
    box = status.bounding_box()
    assert box is not None and box["width"] <= 1 and box["height"] <= 1
    tab.wait_for_timeout(500)
    assert requests == [], "nothing may be requested before the reader acts"
    button.click()
    tab.wait_for_function("() => document.querySelector('.hb-share-status').textContent.length > 0")
    assert status.inner_text() == copied and status.is_visible()
    assert live_regions(tab) == [{"live": "polite", "text": copied}]
    assert tab.evaluate("navigator.clipboard.readText()") == server + path
    assert requests == [], "copying requests nothing"
    context.close()


@pytest.mark.browser
def test_share_button_uses_web_share_and_works_from_the_keyboard(server, browser):
    requests: list[str] = []
    path = url_path("en", "lessons/define-goals.md")
    context, tab = open_page(browser, server, path + "#why", STUB_SHARE, requests)
    button = tab.locator(".hb-share-button")
    button.focus()
    tab.keyboard.press("Enter")
    tab.wait_for_function("() => window.__shared !== undefined")
    shared = tab.evaluate("window.__shared")
    assert shared["url"] == server + path, "the page's address, without the section"
    assert shared["title"] == tab.title()
    assert requests == []
    assert tab.locator(".hb-share-status").inner_text() == ""  # the share sheet is the confirmation
    context.close()


def test_share_button_is_left_out_of_the_pdf_markup():
    """scripts/pdf.py drops the whole toolbar (.hb-actions) the button sits in."""
    markup = (
        '<article class="md-content__inner"><div class="hb-actions"><span class="hb-share"><button '
        'class="md-content__button hb-share-button">Teilen</button><span class="hb-share-status"></span>'
        "</span></div><h1>T</h1></article>"
    )
    _, article = pdf.extract_article(markup, "x.html")
    assert article.select(".hb-share, .hb-share-button, .hb-share-status") == []
