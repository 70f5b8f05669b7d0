"""The PDF handbook of each language: a real book, in its own language, tagged, fillable, reproducible."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest
from bs4 import BeautifulSoup

from conftest import LANGS, PREFIX, html_path, page_paths
from scripts import pdf as pdf_module

PAGES = page_paths()
CONFIG = pdf_module.load_config()
STRINGS = CONFIG["extra"]["strings"]


def book(site: Path, lang: str) -> Path:
    return site / STRINGS[lang]["pdf_url"]


def worksheets(site: Path, lang: str) -> Path:
    return site / STRINGS[lang]["worksheets_pdf_url"]


def text_of(path: Path, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-layout"]
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    out = subprocess.run([*args, str(path), "-"], capture_output=True, text=True, check=True).stdout
    return out


def squash(text: str) -> str:
    """One line of text; words hyphenated at a line end are joined again."""
    text = re.sub(r"[-\u2010]\n\s*(?=[a-zäöüß])", "", text.replace("\u00ad", ""))
    return re.sub(r"\s+", " ", text).strip()


def heading_text(tag) -> str:
    return re.sub(r"\s+", " ", tag.get_text()).rstrip("¶").strip()


def h1_titles(site: Path, lang: str) -> dict[str, str]:
    """Page titles in navigation order."""
    titles = {}
    for md in [p for _, paths in pdf_module.nav_parts(CONFIG, lang) for p in paths]:
        h1 = BeautifulSoup(html_path(site, lang, md).read_text(encoding="utf-8"), "lxml").select_one("article h1")
        titles[md] = heading_text(h1)
    return titles


def figure_alts(reader: pypdf.PdfReader) -> list:
    """/Alt of every /Figure element in the PDF's structure tree."""
    alts = []

    def walk(node):
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for kid in node:
                walk(kid)
        elif isinstance(node, dict):
            if node.get("/S") == "/Figure":
                alts.append(node.get("/Alt"))
            if "/K" in node:
                walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return alts


def outline_entries(reader: pypdf.PdfReader, items=None, depth=1):
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            yield from outline_entries(reader, item, depth + 1)
        else:
            yield depth, item.title, reader.get_destination_page_number(item)


@pytest.mark.parametrize("lang", LANGS)
def test_both_pdfs_exist_where_the_site_links_them(site, lang):
    assert book(site, lang).stat().st_size > 10_000
    assert worksheets(site, lang).stat().st_size > 5_000
    assert str(book(site, "de").relative_to(site)) == "pdf/handbuch.pdf"
    assert str(book(site, "en").relative_to(site)) == "en/pdf/handbook.pdf"


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_links_its_own_languages_pdf(site, lang):
    from test_site import page_url, resolve
    for md in PAGES:
        soup = BeautifulSoup(html_path(site, lang, md).read_text(encoding="utf-8"), "lxml")
        button = soup.select_one("a.hb-pdf-button")
        assert button is not None, md
        assert resolve(page_url(lang, md), button["href"]) == STRINGS[lang]["pdf_url"], md


@pytest.mark.parametrize("lang", LANGS)
def test_metadata_language_and_tags(site, lang):
    reader = pypdf.PdfReader(book(site, lang))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == lang
    assert "/StructTreeRoot" in root, "not a tagged PDF"
    assert root["/MarkInfo"]["/Marked"]
    assert reader.metadata.title == STRINGS[lang]["pdf_title"]
    assert reader.metadata.author
    assert 30 <= len(reader.pages) <= 400
    figures = figure_alts(reader)
    assert figures and all(figures), f"figures without alt text in the structure tree: {figures}"


@pytest.mark.parametrize("lang", LANGS)
def test_outline_mirrors_parts_pages_and_headings(site, lang):
    reader = pypdf.PdfReader(book(site, lang))
    entries = list(outline_entries(reader))
    top = [title for depth, title, _ in entries if depth == 1]
    parts = [title for title, _ in pdf_module.nav_parts(CONFIG, lang)]
    assert top == [STRINGS[lang]["pdf_contents"], *parts]
    second = [title for depth, title, _ in entries if depth == 2]
    assert second == list(h1_titles(site, lang).values())
    assert any(depth == 3 for depth, _, _ in entries) and any(depth == 4 for depth, _, _ in entries)
    assert max(depth for depth, _, _ in entries) <= 4
    for depth, title, number in entries:
        if depth == 2:
            assert squash(title)[:40] in squash(text_of(book(site, lang), number + 1)), title


@pytest.mark.parametrize("lang", LANGS)
def test_printed_contents_page_numbers_are_right(site, lang):
    pdf = book(site, lang)
    titles = h1_titles(site, lang)
    checked = 0
    for page_no in (2, 3, 4):
        for line in text_of(pdf, page_no).splitlines():
            match = re.match(r"^\s*(.+?)\s*\.{3,}\s*(\d+)\s*$", line)
            if not match:
                continue
            title, number = match.group(1).strip(), int(match.group(2))
            target = squash(text_of(pdf, number))
            assert squash(title)[:30] in target, f"TOC says {title!r} is on page {number}"
            checked += 1
    assert checked >= len(titles), f"only {checked} TOC entries found"


def all_headings(site: Path, lang: str) -> set[str]:
    found = set()
    for md in PAGES:
        article = BeautifulSoup(html_path(site, lang, md).read_text(encoding="utf-8"), "lxml").select_one("article")
        found |= {heading_text(h) for h in article.find_all(re.compile("^h[1-3]$"))}
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_holds_no_heading_of_the_other_language(site, lang):
    other = "en" if lang == "de" else "de"
    foreign = all_headings(site, other) - all_headings(site, lang)
    outline = {title for _, title, _ in outline_entries(pypdf.PdfReader(book(site, lang)))}
    assert len(outline) > len(PAGES) * 2
    assert not outline & foreign, f"{other} headings in the {lang} PDF: {sorted(outline & foreign)[:5]}"
    assert outline <= all_headings(site, lang) | {STRINGS[lang]["pdf_contents"]} | {
        title for title, _ in pdf_module.nav_parts(CONFIG, lang)}


@pytest.mark.parametrize("lang", LANGS)
def test_fonts_are_embedded_and_subset(site, lang):
    for path in (book(site, lang), worksheets(site, lang)):
        rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        fonts = rows.splitlines()[2:]
        assert fonts and any("Atkinson" in f for f in fonts)
        for row in fonts:
            columns = row.split()
            assert columns[-5] == "yes", f"{path.name}: font not embedded: {row}"
        assert any(re.match(r"[A-Z]{6}\+Atkinson", f) for f in fonts), "font not subset"


@pytest.mark.parametrize("lang", LANGS)
def test_links_inside_the_pdf_jump_and_external_links_are_clickable(site, lang):
    reader = pypdf.PdfReader(book(site, lang))
    internal = external = 0
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            action = annot.get("/A")
            if "/Dest" in annot or (action and action.get("/S") == "/GoTo"):
                internal += 1
            elif action and action.get("/S") == "/URI":
                external += 1
    assert internal > len(PAGES), "table of contents and cross references should be internal links"
    assert external >= 1
    text = re.sub(r"\s+", "", text_of(book(site, lang)))
    assert "(https://www.facebook.com/paritaetischer)" in text, "external address not printed for paper"


@pytest.mark.parametrize("lang", LANGS)
def test_worksheet_pdf_has_fillable_fields(site, lang):
    reader = pypdf.PdfReader(worksheets(site, lang))
    fields = reader.get_fields() or {}
    kinds = {f.get("/FT") for f in fields.values()}
    assert len(fields) >= 10
    assert "/Tx" in kinds and "/Btn" in kinds
    assert reader.trailer["/Root"]["/Lang"] == lang


def test_download_and_worksheet_pages_link_the_fillable_pdf(site):
    from test_site import page_url, resolve
    for lang in LANGS:
        for md in ["start/download.md", *[p for p in PAGES if p.startswith("worksheets/")]]:
            soup = BeautifulSoup(html_path(site, lang, md).read_text(encoding="utf-8"), "lxml")
            targets = {resolve(page_url(lang, md), a["href"]) for a in soup.select("article a[href]")}
            assert STRINGS[lang]["worksheets_pdf_url"] in targets, (lang, md)
            if md == "start/download.md":
                assert STRINGS[lang]["pdf_url"] in targets


@pytest.mark.slow
def test_two_builds_of_the_same_commit_are_identical(site, tmp_path):
    again = tmp_path / "site"
    shutil.copytree(site, again)
    for lang in LANGS:
        for path in (book(again, lang), worksheets(again, lang)):
            path.unlink()
    pdf_module.build_all(again)
    for lang in LANGS:
        assert book(again, lang).read_bytes() == book(site, lang).read_bytes()
        assert worksheets(again, lang).read_bytes() == worksheets(site, lang).read_bytes()


def test_a_missing_image_fails_with_the_pages_name(site, tmp_path):
    broken = tmp_path / "site"
    shutil.copytree(site, broken)
    images = sorted((broken / "assets" / "images" / "diagrams").glob("*-de.svg"))
    assert images
    for image in images:
        image.unlink()
    with pytest.raises(pdf_module.PdfError, match=r"docs/de/.+\.md: image .+-de\.svg not found"):
        pdf_module.job(broken, "de", "book")
    assert not book(broken, "de").with_suffix(".pdf.tmp").exists()


def test_a_missing_font_fails_instead_of_a_pdf_with_holes(site, tmp_path):
    broken = tmp_path / "site"
    shutil.copytree(site, broken)
    previous = book(broken, "en").read_bytes()
    next((broken / "assets" / "fonts" / "atkinson-hyperlegible").glob("*latin-400-normal.woff2")).unlink()
    with pytest.raises(pdf_module.PdfError, match=r"woff2"):
        pdf_module.job(broken, "en", "book")
    assert book(broken, "en").read_bytes() == previous, "the last good PDF must survive a failed build"
