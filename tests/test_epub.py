"""The e-reader edition (EPUB 3) of each language: valid for epubcheck without a warning, the handbook's
chapters in order, navigation by parts, its language, the site's fonts, inline diagrams with their alt
text, links that land, accessibility metadata, the same bytes twice, and a download link with its size."""

from __future__ import annotations

import io
import json
import posixpath
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from helpers import LANGS, PROJECT, html_path, page_url, resolve
from lxml import etree
from PIL import Image

from scripts import epub
from scripts import pdf as pdf_module

CONFIG = PROJECT.config
STRINGS = CONFIG["extra"]["strings"]
NS = {"opf": epub.OPF_NS, "dc": epub.DC_NS, "x": epub.XHTML_NS, "svg": epub.SVG_NS, "ops": epub.EPUB_NS}
SPINE_EXTRAS = {"cover", "titlepage", "nav"}


def book(site: Path, lang: str) -> Path:
    return site / STRINGS[lang]["epub_url"]


def package(archive: zipfile.ZipFile) -> etree._Element:
    return etree.fromstring(archive.read(f"{epub.OEBPS}/content.opf"))


def epubcheck_command() -> list[str]:
    """Debian's /usr/bin/epubcheck is the jar itself (it needs `java -jar`); elsewhere it is a script."""
    found = shutil.which("epubcheck")
    if found is None:
        pytest.fail("epubcheck not found: run `make setup` (installs Debian's epubcheck package)")
    with open(found, "rb") as fh:
        return ["java", "-jar", found] if fh.read(2) == b"PK" else [found]


@pytest.mark.parametrize("lang", LANGS)
def test_epubcheck_finds_no_error_and_no_warning(site, lang, tmp_path):
    report = tmp_path / "report.json"
    run = subprocess.run(
        [*epubcheck_command(), str(book(site, lang)), "--json", str(report), "-q"],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert report.is_file(), run.stdout + run.stderr
    result = json.loads(report.read_text(encoding="utf-8"))
    messages = [
        f"{m['severity']} {m['ID']}: {m['message']} {[loc.get('path') for loc in m.get('locations', [])][:3]}"
        for m in result["messages"]
    ]
    checker = result["checker"]
    assert (checker["nFatal"], checker["nError"], checker["nWarning"]) == (0, 0, 0), messages
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("lang", LANGS)
def test_spine_holds_the_handbooks_pages_in_order(site, lang):
    """The same chapters as the handbook PDF (pages with `pdf: false` stay out of both), in order, after
    the cover, the title page and the contents."""
    with zipfile.ZipFile(book(site, lang)) as archive:
        opf = package(archive)
    spine = [ref.get("idref") for ref in opf.iterfind("opf:spine/opf:itemref", NS)]
    assert spine[:3] == ["cover", "titlepage", "nav"]
    expected = [pdf_module._key(path) for _, paths in pdf_module.pdf_parts(CONFIG, lang) for path in paths]
    assert [idref for idref in spine if idref not in SPINE_EXTRAS] == expected
    assert len(spine) - len(SPINE_EXTRAS) == sum(len(p) for _, p in pdf_module.pdf_parts(CONFIG, lang))


@pytest.mark.parametrize("lang", LANGS)
def test_metadata_language_identifier_edition_and_accessibility(site, lang):
    with zipfile.ZipFile(book(site, lang)) as archive:
        names = archive.namelist()
        first = archive.infolist()[0]
        opf = package(archive)
    assert names[0] == "mimetype" and first.compress_type == zipfile.ZIP_STORED and not first.extra
    assert names[1:] == sorted(names[1:])
    meta = opf.find("opf:metadata", NS)
    assert meta.findtext("dc:language", namespaces=NS) == lang
    assert opf.get(epub.XML_LANG) == lang
    identifier = meta.find("dc:identifier", NS)
    assert identifier.get("id") == opf.get("unique-identifier")
    assert identifier.text == epub.identifier(CONFIG, lang)
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", identifier.text)
    assert meta.findtext("dc:title", namespaces=NS) == STRINGS[lang]["pdf_title"]
    assert meta.findtext("dc:creator", namespaces=NS)
    assert "CC BY-SA 4.0" in meta.findtext("dc:rights", namespaces=NS)
    props: dict[str, list[str]] = {}
    for element in meta.iterfind("opf:meta[@property]", NS):
        props.setdefault(element.get("property"), []).append(element.text)
    edition = pdf_module.edition()
    assert props["dcterms:modified"] == [edition.date.strftime("%Y-%m-%dT%H:%M:%SZ")]
    assert {"textual", "visual"} <= set(props["schema:accessMode"])
    assert "textual" in props["schema:accessModeSufficient"]
    assert {"structuralNavigation", "tableOfContents", "alternativeText", "readingOrder"} <= set(
        props["schema:accessibilityFeature"]
    )
    assert props["schema:accessibilityHazard"] == ["none"]
    assert props["schema:accessibilitySummary"] == [STRINGS[lang]["epub_accessibility_summary"]]


@pytest.mark.parametrize("lang", LANGS)
def test_fonts_of_the_site_are_embedded_with_their_licence(site, lang):
    with zipfile.ZipFile(book(site, lang)) as archive:
        opf = package(archive)
        fonts = {
            i.get("href") for i in opf.iterfind("opf:manifest/opf:item", NS) if i.get("media-type") == "font/woff2"
        }
        css = archive.read(f"{epub.OEBPS}/style.css").decode()
        stored = {n: archive.read(n) for n in archive.namelist()}
    site_fonts = {p.name: p.read_bytes() for p in (site / "assets" / "fonts").rglob("*.woff2")}
    assert fonts and {posixpath.basename(f) for f in fonts} == set(site_fonts)
    for href in fonts:
        assert stored[f"{epub.OEBPS}/{href}"] == site_fonts[posixpath.basename(href)]
        assert f'url("{href}")' in css
    assert "@font-face" in css and '"Atkinson Hyperlegible"' in css.split("@font-face")[-1]
    assert b"SIL Open Font License" in stored[f"{epub.OEBPS}/fonts/OFL.txt"]


@pytest.mark.parametrize("lang", LANGS)
def test_navigation_has_the_parts_with_their_chapters(site, lang):
    with zipfile.ZipFile(book(site, lang)) as archive:
        nav = etree.fromstring(archive.read(f"{epub.OEBPS}/nav.xhtml"))
    toc = nav.find(".//x:nav[@ops:type='toc']", NS)
    items = toc.findall("x:ol/x:li", NS)
    parts = pdf_module.pdf_parts(CONFIG, lang)
    titled = [(title, paths) for title, paths in parts if title]
    assert [li.findtext("x:a", namespaces=NS) for li in items] == [t for t, _ in titled]
    for li, (_, paths) in zip(items, titled, strict=True):
        assert [a.get("href") for a in li.iterfind("x:ol/x:li/x:a", NS)] == [
            pdf_module._key(p) + ".xhtml" for p in paths
        ]
    assert nav.find(".//x:nav[@ops:type='landmarks']", NS) is not None


@pytest.mark.parametrize("lang", LANGS)
def test_every_link_lands_and_every_picture_has_a_text(site, lang):
    """Internal links point to a file of the book and an id in it; diagrams are inline SVG with role=img
    and a title; images have alt text; glossary terms are plain words (no hidden definitions)."""
    with zipfile.ZipFile(book(site, lang)) as archive:
        files = {
            n[len(epub.OEBPS) + 1 :]: archive.read(n) for n in archive.namelist() if n.startswith(epub.OEBPS + "/")
        }
    docs = {name: etree.fromstring(data) for name, data in files.items() if name.endswith(".xhtml")}
    ids = {
        name: {e.get("id") for e in doc.iter() if isinstance(e.tag, str) and e.get("id")} for name, doc in docs.items()
    }
    checked, diagrams = 0, 0
    for name, doc in docs.items():
        for a in doc.iterfind(".//x:a[@href]", NS):
            href = a.get("href")
            if urlsplit(href).scheme:
                continue
            target, _, fragment = href.partition("#")
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), target)) if target else name
            assert target in docs, (name, href)
            assert not fragment or fragment in ids[target], (name, href)
            checked += 1
        for img in doc.iterfind(".//x:img", NS):
            assert img.get("alt", "").strip() and img.get("src") in files, (name, img.get("src"))
        for svg in doc.iterfind(".//svg:svg", NS):
            assert svg.get("role") == "img" and svg.findtext("svg:title", namespaces=NS).strip(), name
            assert svg.get("viewBox"), name
            diagrams += 1
        assert doc.find(".//*[@class='hb-term-def']") is None, name
    assert checked > 100 and diagrams >= 3
    glossary = pdf_module._key("glossary.md") + ".xhtml"
    assert any(
        a.get("href", "").startswith(glossary + "#") for doc in docs.values() for a in doc.iterfind(".//x:a", NS)
    ), "no glossary term links to its own chapter"


@pytest.mark.parametrize("lang", LANGS)
def test_cover_picture_is_the_books_thumbnail_and_its_first_page(site, lang):
    """Exactly one manifest item is the cover-image (reading apps show it as the book's thumbnail): a
    portrait PNG of modest size; the first page of the spine shows it with an alt text that says what is
    written on it."""
    with zipfile.ZipFile(book(site, lang)) as archive:
        opf = package(archive)
        covers = [
            i for i in opf.iterfind("opf:manifest/opf:item", NS) if "cover-image" in i.get("properties", "").split()
        ]
        assert len(covers) == 1
        href = covers[0].get("href")
        data = archive.read(f"{epub.OEBPS}/{href}")
        page = etree.fromstring(archive.read(f"{epub.OEBPS}/cover.xhtml"))
    assert covers[0].get("media-type") == "image/png" and data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) < 200 * 1024, len(data)
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (1600, 2400)
    first = opf.find("opf:spine/opf:itemref", NS).get("idref")
    assert opf.find(f"opf:manifest/opf:item[@id='{first}']", NS).get("href") == "cover.xhtml"
    assert page.find("x:body", NS).get(f"{{{epub.EPUB_NS}}}type") == "cover"
    images = page.findall(".//x:img", NS)
    assert [img.get("src") for img in images] == [href]
    alt = images[0].get("alt", "")
    strings = STRINGS[lang]
    assert strings["pdf_title"] in alt and strings["pdf_subtitle"] in alt and strings["pdf_edition"] in alt


def test_cover_picture_is_drawn_the_same_twice(tmp_path):
    """Same text, same bytes (no metadata, no time); another edition draws another picture."""
    text = epub.CoverText("Handbuch", "Digitale Teilhabe: Soziale Medien", "Ein Untertitel", "Ausgabe Mai 2026")
    one = epub.cover_image(text, cache=tmp_path)
    assert one == epub.cover_image(text, cache=tmp_path)
    assert one != epub.cover_image(epub.CoverText(**{**text.__dict__, "edition": "Ausgabe Juni 2026"}), cache=tmp_path)
    with Image.open(io.BytesIO(one)) as image:
        assert image.size == epub.COVER_SIZE and "exif" not in image.info and "dpi" not in image.info


def test_a_title_too_long_for_the_cover_is_named(tmp_path):
    text = epub.CoverText("Handbuch", "Ein sehr langer Titel " * 12, "Untertitel", "Ausgabe Mai 2026")
    with pytest.raises(epub.EpubError, match=r"mkdocs\.yml: extra\.strings pdf_title .* too long for the EPUB"):
        epub.cover_image(text, cache=tmp_path)


def test_the_same_sources_make_the_same_bytes(site, tmp_path):
    first = epub.build(site, "de", target=tmp_path / "a.epub", config=CONFIG)
    second = epub.build(site, "de", target=tmp_path / "b.epub", config=CONFIG)
    assert (tmp_path / "a.epub").read_bytes() == (tmp_path / "b.epub").read_bytes()
    assert first["chapters"] == second["chapters"] > 0
    stamp = pdf_module.edition().date.timetuple()[:6]
    stamp = (*stamp[:5], stamp[5] - stamp[5] % 2)  # ZIP keeps times to two seconds
    with zipfile.ZipFile(tmp_path / "a.epub") as archive:
        assert {info.date_time for info in archive.infolist()} == {stamp}


@pytest.mark.parametrize("lang", LANGS)
def test_download_page_links_the_epub_with_its_size(site, lang):
    from babel.numbers import format_decimal

    url = STRINGS[lang]["epub_url"]
    with zipfile.ZipFile(site / url) as archive:
        chapters = sum(
            1 for ref in package(archive).iterfind("opf:spine/opf:itemref", NS) if ref.get("idref") not in SPINE_EXTRAS
        )
    size = format_decimal(round(max((site / url).stat().st_size / 1e6, 0.1), 1), format="0.0", locale=lang)
    expected = "(" + STRINGS[lang]["epub_download_meta"].format(size=size, pages=chapters) + ")"
    md = "start/download.md"
    soup = BeautifulSoup(html_path(site, lang, md).read_text(encoding="utf-8"), "lxml")
    links = [a for a in soup.select("article a[href$='.epub']") if resolve(page_url(lang, md), a["href"]) == url]
    assert len(links) == 1
    assert [m.get_text(strip=True) for m in links[0].select(".hb-pdf-meta")] == [expected]


def test_a_chapter_reads_well_on_a_phone(site, browser, tmp_path):
    """One chapter with a diagram, opened as a reading app would (its XHTML with the book's stylesheet):
    the embedded font is used, the diagram fits the narrow screen and is drawn."""
    with zipfile.ZipFile(book(site, "de")) as archive:
        archive.extractall(tmp_path)
    chapter = next(p for p in sorted((tmp_path / epub.OEBPS).glob("p-*.xhtml")) if b"<svg" in p.read_bytes())
    context = browser.new_context(viewport={"width": 400, "height": 800})
    page = context.new_page()
    try:
        page.goto(chapter.as_uri())
        page.evaluate("document.fonts.ready")
        assert page.evaluate("document.fonts.check('16px \"Atkinson Hyperlegible\"')")
        assert page.evaluate("[...document.fonts].some(f => f.status === 'loaded')")
        box = page.locator("svg.hb-diagram").first.bounding_box()
        assert box and 100 < box["width"] <= 400 and box["height"] > 100
        assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith('"Atkinson')
    finally:
        context.close()


# --- without the site ----------------------------------------------------------------------------


def test_svg_keeps_its_names_and_html_becomes_xhtml():
    _, body = epub._document("de", "t")
    epub._fragment(
        '<p>A&nbsp;b<br><img src="x.png" alt="x"></p><svg viewbox="0 0 1 1" role="img">'
        '<title>T</title><lineargradient gradientunits="userSpaceOnUse"/></svg>',
        body,
    )
    text = epub._serialise(body.getroottree().getroot()).decode()
    assert "<br/>" in text and "\u00a0" in text and "&nbsp;" not in text
    assert '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"' in text
    assert '<linearGradient gradientUnits="userSpaceOnUse"/>' in text
    etree.fromstring(text.encode())


def test_a_link_to_nowhere_names_the_page():
    chapter = pdf_module.Chapter("docs/de/x.md", "p-x", "X", "")
    _, body = epub._document("de", "t")
    epub._fragment('<p><a href="#p-y--gone">y</a></p>', body)
    with pytest.raises(epub.EpubError, match=r"docs/de/x\.md: link #p-y--gone leads to no place"):
        epub._rewrite_links(chapter, body, {"p-x": "p-x.xhtml"})


def test_a_site_without_its_font_stylesheet_is_named(tmp_path):
    with pytest.raises(epub.EpubError, match=r"fonts\.css: the site's font stylesheet is missing"):
        epub.stylesheet(tmp_path, {})
