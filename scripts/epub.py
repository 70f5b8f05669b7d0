"""The e-reader edition: one EPUB 3 per language, made from the built HTML site like the PDFs.

The A4 PDF is hard to read on a phone; an EPUB reflows. It reads the same pages as the handbook PDF
(`pdf.collect(..., kind="book")`: navigation order, `pdf: false` and `.web-only` left out, glossary terms
as plain words, links rewritten to anchors inside the book), so both editions always have the same
chapters. Output per language (paths from mkdocs.yml extra.strings epub_url):
  site/pdf/handbuch.epub, site/en/pdf/handbook.epub

What is inside (checked by epubcheck in tests/test_epub.py):
- `mimetype` first and stored, then every entry sorted, deflated at a fixed level, dated with the
  edition (pdf.edition(): the last commit or SOURCE_DATE_EPOCH), never "now": same sources, same bytes;
- a cover picture (`properties="cover-image"`, the thumbnail reading apps show; drawn at build time with
  the preview images' font, colours and logo, see cover_image) on its own page with an alt text, then a
  title page (title, subtitle, edition, licence), the navigation document with parts -> chapters,
  one XHTML file per chapter (pages link to each other by file and fragment);
- the site's own fonts (WOFF2, a core media type of EPUB 3) with their OFL licence, and a stylesheet for
  reading: sizes in em, no fixed widths, so the reader's font size and margins win;
- diagrams stay inline SVG with role="img" and their <title> (the alt text from Markdown);
- accessibility metadata (schema.org). No `dcterms:conformsTo` claim: nobody has audited the book
  against EPUB Accessibility 1.1 / WCAG 2.1 AA with a checker such as DAISY Ace, so claiming it would
  not be true.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import sys
import time
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
from lxml import etree
from PIL import Image, ImageDraw, ImageFont

from scripts import pdf, project
from scripts import social_images as si
from scripts.environment import ROOT

XHTML_NS = "http://www.w3.org/1999/xhtml"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
EPUB_NS = "http://www.idpf.org/2007/ops"
OPF_NS = "http://www.idpf.org/2007/opf"
DC_NS = "http://purl.org/dc/elements/1.1/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
OEBPS = "EPUB"  # folder of the publication inside the zip
FONTS_CSS = Path("assets") / "stylesheets" / "fonts.css"
FONT_URL = re.compile(r'url\("?\.\./fonts/([^")]+)"?\)')
FONT_LICENCE = ROOT / "docs" / "assets" / "fonts" / "atkinson-hyperlegible" / "LICENSE"
LICENCE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"
COMPRESSION_LEVEL = 9
MEDIA_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".woff2": "font/woff2",
}
ACCESSIBILITY = {
    "schema:accessMode": ["textual", "visual"],
    "schema:accessModeSufficient": ["textual", "textual,visual"],
    "schema:accessibilityFeature": [
        "structuralNavigation",
        "tableOfContents",
        "alternativeText",
        "readingOrder",
        "displayTransformability",
    ],
    "schema:accessibilityHazard": ["none"],
}
# The HTML parser lowercases names; SVG inside XHTML needs them in their own case.
SVG_NAMES = {
    name.lower(): name
    for name in (
        "viewBox",
        "preserveAspectRatio",
        "textLength",
        "lengthAdjust",
        "gradientUnits",
        "gradientTransform",
        "patternUnits",
        "patternContentUnits",
        "patternTransform",
        "clipPathUnits",
        "maskUnits",
        "maskContentUnits",
        "markerWidth",
        "markerHeight",
        "markerUnits",
        "refX",
        "refY",
        "startOffset",
        "spreadMethod",
        "stdDeviation",
        "pathLength",
        "linearGradient",
        "radialGradient",
        "clipPath",
        "textPath",
        "foreignObject",
        "feGaussianBlur",
        "feOffset",
        "feBlend",
        "feFlood",
        "feComposite",
        "feMerge",
        "feMergeNode",
        "feColorMatrix",
        "feDropShadow",
    )
}

# Reading, not the page layout of the site: the reader's font size, margins and night mode win.
READING_CSS = """
html, body { font-family: "Atkinson Hyperlegible", sans-serif; line-height: 1.5; }
body { margin: 0 0.5em; }
h1, h2, h3, h4 { line-height: 1.25; page-break-after: avoid; break-after: avoid; }
h1 { font-size: 1.6em; margin: 0 0 0.8em; }
h2 { font-size: 1.3em; margin: 1.4em 0 0.5em; }
h3 { font-size: 1.1em; margin: 1.2em 0 0.4em; }
p, li { orphans: 2; widows: 2; }
a { color: #1a4f8b; }
blockquote { margin: 1em 0 1em 1em; padding-left: 0.8em; border-left: 0.2em solid #999; }
table { border-collapse: collapse; margin: 1em 0; max-width: 100%; }
th, td { border: 1px solid #999; padding: 0.25em 0.4em; text-align: left; vertical-align: top; }
th { background: #eeeeee; }
table { font-size: 0.9em; }
th, td { hyphens: auto; }
.hb-write-row td { height: 2em; }
svg.hb-diagram { display: block; max-width: 100%; height: auto; margin: 1em auto; }
img { max-width: 100%; height: auto; }
.admonition, details { margin: 1em 0; padding: 0.4em 0.8em; border-left: 0.25em solid #1a4f8b;
  background: #f3f6fa; page-break-inside: avoid; break-inside: avoid; }
.admonition.warning { border-left-color: #b35900; background: #fdf5ec; }
.admonition-title, summary { font-weight: bold; margin: 0.2em 0; }
.hb-legal-note { font-size: 0.9em; font-style: italic; }
.hb-placeholder { background: #fff3c4; color: #3d2c00; }
.hb-field { min-height: 5.4em; margin: 0.4em 0 1.2em; border: 1px solid #999; }
.hb-field[data-lines="1"] { min-height: 1.8em; }
.hb-field[data-lines="2"] { min-height: 3.6em; }
ul.task-list { list-style: none; padding-left: 0.2em; }
.task-list-indicator { display: none; }
body.cover-page { margin: 0; }
.cover-image { margin: 0; padding: 0; text-align: center; }
.cover-image img { max-width: 100%; max-height: 100vh; }
.cover { text-align: center; }
.cover-kicker { text-transform: uppercase; letter-spacing: 0.1em; margin-top: 3em; }
.cover-title { font-size: 2em; font-weight: bold; line-height: 1.2; margin: 0.5em 0; }
.cover-subtitle { font-size: 1.2em; margin-bottom: 2em; }
.cover-small, .cover-meta { font-size: 0.85em; }
nav ol { list-style: none; padding-left: 1em; }
nav > ol { padding-left: 0; }
"""


class EpubError(pdf.PdfError):
    """An EPUB could not be made as it should be; the message names the file. (A PdfError, so the CLI
    reports it like the PDF step's errors: a message, no traceback.)"""


@dataclass
class Resource:
    """One file of the publication: its path inside EPUB/, bytes, media type and manifest properties."""

    href: str
    data: bytes
    media_type: str
    properties: str = ""
    item_id: str = ""


# --- XHTML ---------------------------------------------------------------------------------------


def _copy_tree(source, parent: etree._Element, in_svg: bool = False) -> None:
    """Copy an element parsed as HTML into an XHTML tree: XHTML namespace, SVG namespace (with its names
    in their own case) below <svg>; comments and processing instructions go."""
    if not isinstance(source.tag, str):  # comment, processing instruction
        if parent is not None and source.tail:
            _append_text(parent, source.tail)
        return
    entering_svg = source.tag == "svg" and not in_svg
    in_svg = in_svg or source.tag == "svg"
    name = SVG_NAMES.get(source.tag, source.tag) if in_svg else source.tag
    element = etree.SubElement(
        parent, f"{{{SVG_NS if in_svg else XHTML_NS}}}{name}", nsmap={None: SVG_NS} if entering_svg else None
    )
    for key, value in source.attrib.items():
        if key == "xmlns" or key.startswith("xmlns:"):
            continue
        if in_svg:
            if key == "lang":
                key = XML_LANG
            elif key.startswith("xlink:"):
                key = f"{{{XLINK_NS}}}{key[6:]}"
            else:
                key = SVG_NAMES.get(key, key)
        element.set(key, value or "")
    element.text = source.text
    for child in source:
        _copy_tree(child, element, in_svg)
    element.tail = source.tail


def _append_text(parent: etree._Element, text: str) -> None:
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _document(lang: str, title: str) -> tuple[etree._Element, etree._Element]:
    """An empty XHTML document (html, body) with the stylesheet."""
    nsmap = {None: XHTML_NS, "epub": EPUB_NS}
    root = etree.Element(f"{{{XHTML_NS}}}html", nsmap=nsmap)
    root.set("lang", lang)
    root.set(XML_LANG, lang)
    if project.is_rtl(lang):  # a right-to-left language: the reading system lays out each page from it
        root.set("dir", "rtl")
    head = etree.SubElement(root, f"{{{XHTML_NS}}}head")
    etree.SubElement(head, f"{{{XHTML_NS}}}meta", charset="utf-8")
    etree.SubElement(head, f"{{{XHTML_NS}}}title").text = title
    etree.SubElement(head, f"{{{XHTML_NS}}}link", rel="stylesheet", type="text/css", href="style.css")
    body = etree.SubElement(root, f"{{{XHTML_NS}}}body")
    return root, body


def _serialise(root: etree._Element) -> bytes:
    """Well-formed XHTML: XML declaration, HTML5 doctype; the serializer writes void elements as <br/>
    and escapes only what XML needs (characters stay UTF-8, no named entities)."""
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>")


def _fragment(markup: str, parent: etree._Element) -> None:
    """HTML markup (a fragment) appended to parent as XHTML."""
    holder = lxml.html.fragment_fromstring(markup, create_parent="div")
    if holder.text:
        _append_text(parent, holder.text)
    for child in holder:
        _copy_tree(child, parent)


def _h(tag: str, parent: etree._Element, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{XHTML_NS}}}{tag}", {k.rstrip("_"): v for k, v in attrs.items()})
    element.text = text
    return element


# --- the cover picture ---------------------------------------------------------------------------

COVER_SIZE = (1600, 2400)  # portrait 2:3, the shape reading apps show covers in
COVER_MAX_BYTES = 200 * 1024
COVER_IMAGE = "images/cover.png"
COVER_MARGIN = 136
COVER_CACHE = ROOT / ".cache" / "social"  # the TTFs made from the site's WOFF2 fonts, shared with the previews


@dataclass(frozen=True)
class CoverText:
    """What the cover picture shows: the handbook's title (split at its colon into a large name and a
    line below), the kicker above it, the subtitle and the edition."""

    kicker: str
    title: str
    subtitle: str
    edition: str

    @property
    def alt(self) -> str:
        """The picture's text alternative: everything written on it, in reading order."""
        return f"{self.kicker}: {self.title}. {self.subtitle}. {self.edition}"


def cover_text(strings: dict, lang: str, ed: pdf.Edition) -> CoverText:
    edition = f"{strings['pdf_edition']} {ed.month(lang)}"
    if ed.tag:
        edition += f" · {strings['pdf_release']} {ed.tag}"
    return CoverText(strings["pdf_kicker"], strings["pdf_title"], strings["pdf_subtitle"], edition)


def _lines_at(
    text: str, font_path: Path, sizes: range, width: int, max_lines: int
) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest font size at which text fits on max_lines lines of width (social_images.wrap)."""
    for size in sizes:
        font = ImageFont.truetype(str(font_path), size)
        lines = si.wrap(text, font, width)
        if len(lines) <= max_lines and all(font.getlength(line) <= width for line in lines):
            return font, lines
    return font, lines


def cover_image(text: CoverText, root: Path = ROOT, cache: Path = COVER_CACHE) -> bytes:
    """The cover as a PNG drawn with the preview images' means (scripts/social_images.py: the site's
    font, the light scheme's colours, the logo from logo.svg): a petrol field with logo, kicker and
    title, a pale field with subtitle and edition, a clay edge. No metadata, so the same text gives the
    same bytes; a palette of 64 colours keeps it small."""
    try:
        colours = si.read_colours(root / si.STYLESHEET)
        bold = si.font_file(root, cache)
        regular = si.font_file(root, cache, si.REGULAR_FONT_FILES)
        logo = si._Logo(root / si.LOGO)
    except si.SocialImageError as error:
        raise EpubError(f"EPUB cover: {error}") from None
    width, height = COVER_SIZE
    inner = width - 2 * COVER_MARGIN
    field = 1500  # bottom of the petrol field
    image = Image.new("RGB", COVER_SIZE, colours["ground"])
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, 0, width, field), fill=colours["band"])
    mark = logo.draw(240)
    image.paste(mark, (COVER_MARGIN, 150), mark)
    if _title_block(pen, text, bold, colours, field) < 150 + 240 + 60:
        raise EpubError(
            f"mkdocs.yml: extra.strings pdf_title '{text.title}' is too long for the EPUB "
            "cover (it would run into the logo); shorten it"
        )
    # Subtitle and edition on the pale field, the clay edge at the foot.
    sub_font, sub_lines = _lines_at(text.subtitle, regular, range(72, 39, -4), inner, 3)
    y = field + 150
    for line in sub_lines:
        pen.text((COVER_MARGIN, y), line, font=sub_font, fill=colours["title"], anchor="la")
        y += round(sub_font.size * 1.3)
    pen.rectangle((COVER_MARGIN, y + 50, COVER_MARGIN + 140, y + 60), fill=colours["part"])
    edition_font = si._fit_line(text.edition, bold, 54, inner)
    pen.text((COVER_MARGIN, height - 170), text.edition, font=edition_font, fill=colours["muted"], anchor="ls")
    pen.rectangle((0, height - 40, width, height), fill=colours["part"])
    out = io.BytesIO()
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        out, format="PNG", optimize=True
    )
    data = out.getvalue()
    if len(data) > COVER_MAX_BYTES:
        raise EpubError(
            f"EPUB cover: the picture has {len(data)} bytes, more than {COVER_MAX_BYTES}; "
            "simplify the drawing in scripts/epub.py cover_image"
        )
    return data


def _title_block(pen: ImageDraw.ImageDraw, text: CoverText, bold: Path, colours: dict, field: int) -> int:
    """Kicker, rule and title on the petrol field, set from its bottom upwards: the name (before the
    colon) large, the rest of the title below it. Returns the top of the kicker."""
    inner = COVER_SIZE[0] - 2 * COVER_MARGIN
    name, _, rest = text.title.partition(": ")
    rest = rest[:1].upper() + rest[1:]  # a line of its own starts with a capital
    name_font, name_lines = _lines_at(name, bold, range(200, 99, -8), inner, 3)
    rest_font, rest_lines = _lines_at(rest, bold, range(96, 55, -4), inner, 3) if rest else (None, [])
    name_step, rest_step = round(name_font.size * 1.08), round(rest_font.size * 1.2) if rest_font else 0
    y = field - 150 - rest_step * len(rest_lines)
    for line in rest_lines:
        pen.text((COVER_MARGIN, y), line, font=rest_font, fill=colours["on_band"], anchor="la")
        y += rest_step
    y = field - 150 - rest_step * len(rest_lines) - (64 if rest_lines else 0) - name_step * len(name_lines)
    top = y
    for line in name_lines:
        pen.text((COVER_MARGIN, y), line, font=name_font, fill=colours["on_band"], anchor="la")
        y += name_step
    kicker_font = si._fit_line(text.kicker.upper(), bold, 52, inner)
    x = COVER_MARGIN
    for letter in text.kicker.upper():  # spaced capitals, as on the PDF's cover
        pen.text((x, top - 70), letter, font=kicker_font, fill=colours["on_band"], anchor="ls")
        x += kicker_font.getlength(letter) + kicker_font.size * 0.12
    pen.rectangle((COVER_MARGIN, top - 40, COVER_MARGIN + 140, top - 30), fill=colours["on_band"])
    return top - 70 - kicker_font.size


# --- the book ------------------------------------------------------------------------------------


def identifier(config: dict, lang: str) -> str:
    """The same book keeps its identifier from edition to edition: derived from the site's address."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, config["site_url"].rstrip("/") + "/#" + lang))


def _chapter_file(chapter: pdf.Chapter) -> str:
    return f"{chapter.key}.xhtml"


def _images(body: etree._Element, site: Path, source: str, resources: dict[str, Resource]) -> None:
    """Pictures (pdf.collect points them at the built site's files) come into the book under images/."""
    for img in body.iter(f"{{{XHTML_NS}}}img"):
        path = Path(unquote(urlsplit(img.get("src", "")).path)).resolve()
        media_type = MEDIA_TYPES.get(path.suffix.lower())
        if media_type is None or not path.is_relative_to(site):
            raise EpubError(
                f"{source}: image {img.get('src')} cannot go into the EPUB (use PNG, JPEG, "
                "GIF, WebP or SVG under docs/assets/)"
            )
        href = "images/" + path.relative_to(site).as_posix().replace("/", "-")
        resources.setdefault(href, Resource(href, path.read_bytes(), media_type))
        img.set("src", href)


def _link_targets(parts: list[pdf.Part], bodies: dict[str, etree._Element]) -> dict[str, str]:
    """Every id in the book -> the chapter file it is in."""
    targets = {}
    for part in parts:
        for chapter in part.chapters:
            for element in bodies[chapter.key].iter():
                if isinstance(element.tag, str) and element.get("id"):
                    targets[element.get("id")] = _chapter_file(chapter)
    return targets


def _rewrite_links(chapter: pdf.Chapter, body: etree._Element, targets: dict[str, str]) -> None:
    """pdf.collect made links inside the book one-document anchors (#key--id); here they become
    chapter file + fragment."""
    for a in body.iter(f"{{{XHTML_NS}}}a"):
        href = a.get("href", "")
        if not href.startswith("#"):
            continue
        fragment = href[1:]
        if fragment not in targets:
            raise EpubError(
                f"{chapter.source}: link {href} leads to no place in the EPUB; "
                "check the link's target page and heading id"
            )
        a.set("href", f"{targets[fragment]}#{fragment}")


def _drop_links_to_self(article_html: str, own_url: str) -> str:
    """A link to this EPUB means nothing inside it: it goes like the PDF's link to itself (with the line
    introducing it), reusing pdf's rule."""
    from bs4 import BeautifulSoup

    if own_url not in article_html:
        return article_html
    soup = BeautifulSoup(article_html, "lxml")
    body = soup.body
    for a in body.find_all("a", href=own_url):
        a["data-hb-self"] = "1"
    pdf._drop_self_links(body)
    return body.decode_contents()


def cover(lang: str, text: CoverText) -> bytes:
    """The cover page: the cover picture alone, with everything written on it as its alt text."""
    root, body = _document(lang, text.title)
    body.set(f"{{{EPUB_NS}}}type", "cover")
    body.set("class", "cover-page")
    section = _h("section", body, class_="cover-image")
    _h("img", section, src=COVER_IMAGE, alt=text.alt, role="doc-cover")
    return _serialise(root)


def title_page(lang: str, strings: dict, config: dict, ed: pdf.Edition) -> bytes:
    """The title page after the cover: title, subtitle, edition with its commit, the online address and
    the licence (the PDF cover's text), as text."""
    title = strings["pdf_title"]
    root, body = _document(lang, title)
    body.set(f"{{{EPUB_NS}}}type", "titlepage")
    section = _h("section", body, class_="cover")
    _h("p", section, strings["pdf_kicker"], class_="cover-kicker")
    _h("h1", section, title, class_="cover-title")
    _h("p", section, strings["pdf_subtitle"], class_="cover-subtitle")
    _fragment(pdf._edition_lines(strings, lang, ed), section)
    meta = _h("div", section, class_="cover-meta")
    online = config["site_url"].rstrip("/") + "/" + strings["home_url"]
    line = _h("p", meta, strings["pdf_online"] + " ")
    _h("a", line, online, href=online)
    _h("p", meta, strings["pdf_licence"])
    return _serialise(root)


def navigation(parts: list[pdf.Part], lang: str, strings: dict) -> bytes:
    """The navigation document: parts -> chapters, and the landmarks (cover, contents, start)."""
    root, body = _document(lang, strings["pdf_contents"])
    toc = _h("nav", body, id="toc", role="doc-toc")
    toc.set(f"{{{EPUB_NS}}}type", "toc")
    _h("h1", toc, strings["pdf_contents"])
    top = _h("ol", toc)
    for part in parts:
        chapters = top
        if part.title:
            item = _h("li", top)
            _h("a", item, part.title, href=_chapter_file(part.chapters[0]))
            chapters = _h("ol", item)
        for chapter in part.chapters:
            _h("a", _h("li", chapters), chapter.title, href=_chapter_file(chapter))
    landmarks = _h("nav", body, hidden="hidden")
    landmarks.set(f"{{{EPUB_NS}}}type", "landmarks")
    _h("h2", landmarks, strings["pdf_contents"])
    marks = _h("ol", landmarks)
    first = parts[0].chapters[0]
    for kind, href, label in (
        ("cover", "cover.xhtml", strings["pdf_title"]),
        ("titlepage", "titlepage.xhtml", strings["pdf_title"]),
        ("toc", "nav.xhtml#toc", strings["pdf_contents"]),
        ("bodymatter", _chapter_file(first), first.title),
    ):
        link = _h("a", _h("li", marks), label, href=href)
        link.set(f"{{{EPUB_NS}}}type", kind)
    return _serialise(root)


def stylesheet(site: Path, resources: dict[str, Resource]) -> bytes:
    """The site's @font-face rules (fonts.css) pointing at the fonts inside the book, then the reading
    styles. The font files and their OFL licence come along."""
    fonts_css = site / FONTS_CSS
    if not fonts_css.is_file():
        raise EpubError(f"{fonts_css}: the site's font stylesheet is missing; build the site first")
    css = fonts_css.read_text(encoding="utf-8")

    def embed(match: re.Match) -> str:
        font = (fonts_css.parent.parent / "fonts" / match.group(1)).resolve()
        if not font.is_file():
            raise EpubError(f"{fonts_css}: font {match.group(1)} not found (looked for {font})")
        href = "fonts/" + font.name
        resources.setdefault(href, Resource(href, font.read_bytes(), MEDIA_TYPES[font.suffix]))
        return f'url("{href}")'

    css = FONT_URL.sub(embed, re.sub(r"/\*.*?\*/\s*", "", css, flags=re.DOTALL))
    css = "/* Atkinson Hyperlegible (Braille Institute), SIL Open Font License 1.1: fonts/OFL.txt */\n" + css
    if not FONT_LICENCE.is_file():
        raise EpubError(f"{FONT_LICENCE}: the fonts' licence (OFL) is missing; it must travel with them")
    resources["fonts/OFL.txt"] = Resource("fonts/OFL.txt", FONT_LICENCE.read_bytes(), "text/plain")
    return (css + READING_CSS).encode("utf-8")


def package(
    lang: str, strings: dict, config: dict, ed: pdf.Edition, resources: list[Resource], spine: list[Resource]
) -> bytes:
    """content.opf: metadata (with accessibility), manifest and reading order."""
    root = etree.Element(
        f"{{{OPF_NS}}}package", nsmap={None: OPF_NS, "dc": DC_NS}, version="3.0", **{"unique-identifier": "book-id"}
    )
    root.set(XML_LANG, lang)
    meta = etree.SubElement(root, f"{{{OPF_NS}}}metadata")

    def dc(name: str, text: str, **attrs: str) -> None:
        etree.SubElement(meta, f"{{{DC_NS}}}{name}", attrs).text = text

    def prop(name: str, text: str) -> None:
        etree.SubElement(meta, f"{{{OPF_NS}}}meta", property=name).text = text

    dc("identifier", identifier(config, lang), id="book-id")
    dc("title", strings["pdf_title"])
    dc("creator", config.get("site_author", ""))
    dc("language", lang)
    dc("rights", strings["pdf_licence"])
    dc("description", strings["pdf_subtitle"])
    dc("date", ed.date.strftime("%Y-%m-%d"))
    prop("dcterms:modified", ed.date.strftime("%Y-%m-%dT%H:%M:%SZ"))
    for name, values in ACCESSIBILITY.items():
        for value in values:
            prop(name, value)
    prop("schema:accessibilitySummary", strings["epub_accessibility_summary"])
    manifest = etree.SubElement(root, f"{{{OPF_NS}}}manifest")
    for resource in resources:
        attrs = {"id": resource.item_id, "href": resource.href, "media-type": resource.media_type}
        if resource.properties:
            attrs["properties"] = resource.properties
        etree.SubElement(manifest, f"{{{OPF_NS}}}item", attrs)
    order = etree.SubElement(root, f"{{{OPF_NS}}}spine")
    if project.is_rtl(lang):  # pages turn from right to left
        order.set("page-progression-direction", "rtl")
    for resource in spine:
        etree.SubElement(order, f"{{{OPF_NS}}}itemref", idref=resource.item_id)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


CONTAINER = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
    b'<rootfiles><rootfile full-path="' + OEBPS.encode() + b'/content.opf" '
    b'media-type="application/oebps-package+xml"/></rootfiles></container>\n'
)


def write_zip(target: Path, files: dict[str, bytes], ed: pdf.Edition) -> None:
    """The container: mimetype first and stored; then every file sorted by name, deflated at a fixed
    level, with the edition's date and fixed permissions, so the same book gives the same bytes."""
    stamp = max(ed.date.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    tmp = target.with_suffix(".epub.tmp")
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(tmp, "w") as archive:
        for name in ["mimetype", *sorted(n for n in files if n != "mimetype")]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
                archive.writestr(info, files[name])
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, files[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=COMPRESSION_LEVEL)
    tmp.replace(target)


def build(site: Path, lang: str, target: Path | None = None, config: dict | None = None) -> dict:
    """Make the EPUB of one language from the built site. Returns its url, file, size and chapters."""
    started = time.perf_counter()
    site = Path(site).resolve()
    config = config or project.load().config
    strings = config["extra"]["strings"][lang]
    for key in ("epub_url", "epub_download_meta", "epub_accessibility_summary"):
        if key not in strings:
            raise EpubError(f"mkdocs.yml: extra.strings.{lang}.{key} is missing; add it beside pdf_url")
    ed = pdf.edition()
    target = Path(target) if target else site / strings["epub_url"]
    own_url = config["site_url"].rstrip("/") + "/" + strings["epub_url"]
    parts = pdf.collect(site, config, lang, kind="book")
    resources: dict[str, Resource] = {}
    style = stylesheet(site, resources)
    bodies, documents = {}, {}
    for part in parts:
        for chapter in part.chapters:
            root, body = _document(lang, chapter.title)
            section = _h("section", body, class_="chapter")
            section.set(f"{{{EPUB_NS}}}type", "chapter")
            _fragment(_drop_links_to_self(chapter.body, own_url), section)
            _images(body, site, chapter.source, resources)
            bodies[chapter.key], documents[chapter.key] = body, root
    targets = _link_targets(parts, bodies)
    chapters = [c for part in parts for c in part.chapters]
    text = cover_text(strings, lang, ed)
    resources[COVER_IMAGE] = Resource(COVER_IMAGE, cover_image(text), "image/png", "cover-image", item_id="cover-image")
    spine = [
        Resource("cover.xhtml", cover(lang, text), "application/xhtml+xml", item_id="cover"),
        Resource(
            "titlepage.xhtml", title_page(lang, strings, config, ed), "application/xhtml+xml", item_id="titlepage"
        ),
        Resource("nav.xhtml", navigation(parts, lang, strings), "application/xhtml+xml", "nav", item_id="nav"),
    ]
    for chapter in chapters:
        _rewrite_links(chapter, bodies[chapter.key], targets)
        has_svg = next(bodies[chapter.key].iter(f"{{{SVG_NS}}}svg"), None) is not None
        spine.append(
            Resource(
                _chapter_file(chapter),
                _serialise(documents[chapter.key]),
                "application/xhtml+xml",
                "svg" if has_svg else "",
                item_id=chapter.key,
            )
        )
    extra = [Resource("style.css", style, "text/css"), *sorted(resources.values(), key=lambda r: r.href)]
    for number, resource in enumerate(extra, 1):
        resource.item_id = resource.item_id or f"r{number}"
    files = {"mimetype": b"application/epub+zip", "META-INF/container.xml": CONTAINER}
    files[f"{OEBPS}/content.opf"] = package(lang, strings, config, ed, [*spine, *extra], spine)
    files.update({f"{OEBPS}/{r.href}": r.data for r in [*spine, *extra]})
    write_zip(target, files, ed)
    seconds = time.perf_counter() - started
    info = {
        "lang": lang,
        "url": strings["epub_url"],
        "file": str(target),
        "bytes": target.stat().st_size,
        "chapters": len(chapters),
        "seconds": round(seconds, 2),
    }
    print(
        f"[epub {lang}] done: {len(chapters)} chapters, {info['bytes'] / 1e6:.2f} MB, {seconds:.1f} s "
        f"-> {target.relative_to(site) if target.is_relative_to(site) else target}",
        flush=True,
    )
    return info


# --- download links ------------------------------------------------------------------------------

EPUB_LINK = re.compile(r'(<a\b[^>]*?\bhref=")([^"]+\.epub)("[^>]*>)(.*?)(</a>)', re.DOTALL)


def size_label(info: dict, strings: dict, lang: str) -> str:
    """ "EPUB, 0,4 MB, 35 Kapitel": pdf.size_label with the EPUB's string (chapters, not pages)."""
    return pdf.size_label(
        {"bytes": info["bytes"], "pages": info["chapters"]}, {"pdf_download_meta": strings["epub_download_meta"]}, lang
    )


def _annotate(text: str, here: str, lang: str, strings: dict, by_url: dict) -> tuple[str, int]:
    """One built page's EPUB links with their size (here: the page's folder, site-relative)."""
    count = 0

    def annotate(match: re.Match) -> str:
        nonlocal count
        info = by_url.get(posixpath.normpath(posixpath.join(here, match.group(2))))
        if info is None:
            return match.group(0)
        meta = f"({size_label(info, strings, lang)})"
        opening = pdf.TITLE.sub(
            lambda t: t.group(1) + re.sub(r" \(EPUB, [^)]*\)$", "", t.group(2)) + f" {html.escape(meta)}" + t.group(3),
            match.group(3),
            count=1,
        )
        inner = pdf.META.sub("", match.group(4))
        span = f'<span class="hb-pdf-meta"> {html.escape(meta)}</span>'
        if pdf.LABEL_END.search(inner):
            inner = pdf.LABEL_END.sub(lambda m: m.group(1) + span + m.group(2), inner, count=1)
        else:
            inner = inner.rstrip() + span
        count += 1
        return match.group(1) + match.group(2) + opening + inner + match.group(5)

    return EPUB_LINK.sub(annotate, text), count


def annotate_download_links(site: Path, results: list[dict], config: dict | None = None) -> int:
    """Every link to one of the EPUBs in the built pages states its size and chapters in the language of
    the page, like the PDF links (same markup: span.hb-pdf-meta). Run again, it replaces its earlier
    annotation. Returns the number of links annotated."""
    config = config or project.load().config
    described = project.of_config(config)
    site = Path(site)
    by_url = {r["url"]: r for r in results}
    total = 0
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        if ".epub" not in text:
            continue
        relative = page.relative_to(site).as_posix()
        lang = described.locale_at(relative)
        here = posixpath.dirname(relative)
        changed, count = _annotate(text, here + "/" if here else "", lang, config["extra"]["strings"][lang], by_url)
        if count:
            page.write_text(changed, encoding="utf-8")
            total += count
    return total


def build_all(site: Path) -> list[dict]:
    """The EPUB of every language, then the download links state their sizes."""
    site = Path(site).resolve()
    config = project.load().config
    started = time.perf_counter()
    results = [build(site, lang, config=config) for lang in project.load().locales]
    links = annotate_download_links(site, results, config)
    print(
        f"[epub] {len(results)} EPUBs done in {time.perf_counter() - started:.1f} s; "
        f"{links} download links state their size",
        flush=True,
    )
    return results


if __name__ == "__main__":  # pragma: no cover - handy for debugging
    build_all(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "site")
