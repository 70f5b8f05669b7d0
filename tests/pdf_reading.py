"""Reading the built PDFs, shared by tests/test_pdf.py (the handbook) and tests/test_worksheet_pdf.py (the
fillable worksheets): their text, outline and structure tree, and measurements of the printed pages (lines,
margins, how far down each page is printed)."""

from __future__ import annotations

import functools
import re
import subprocess
import tempfile
from pathlib import Path
from xml.etree import ElementTree

import pypdf
from bs4 import BeautifulSoup
from helpers import PROJECT, html_path
from PIL import Image

from scripts import pdf as pdf_module

CONFIG = PROJECT.config
STRINGS = CONFIG["extra"]["strings"]
MM = 72 / 25.4


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
    text = re.sub(r"-\n\s*(?=[A-ZÄÖÜ])", "-", text)  # a compound's own hyphen at a line end
    return re.sub(r"\s+", " ", text).strip()


def heading_text(tag) -> str:
    return re.sub(r"\s+", " ", tag.get_text()).rstrip("¶").strip()


def book_pages(lang: str, kind: str = "book") -> list[str]:
    """The pages that go into the PDF, in navigation order."""
    return [p for _, paths in pdf_module.pdf_parts(CONFIG, lang, kind) for p in paths]


def h1_titles(site: Path, lang: str, kind: str = "book") -> dict[str, str]:
    """Page titles in navigation order (pages in the PDF only)."""
    titles = {}
    for md in book_pages(lang, kind):
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


# --- measuring printed pages ----------------------------------------------------------------------


def page_margins_mm() -> dict[str, tuple[float, float]]:
    """(top, bottom) page margins in mm from scripts/pdf.css, for portrait ("") and landscape pages."""
    css = pdf_module.CSS_FILE.read_text(encoding="utf-8")
    found = {}
    for name, block in re.findall(r"@page\s*(\w*)\s*\{(.*?)\n\}", css, re.S):
        margin = re.search(r"^\s*margin:\s*([\d.]+)mm\s+[\d.]+mm\s+([\d.]+)mm", block, re.M)
        if margin:
            found[name] = (float(margin.group(1)), float(margin.group(2)))
    return found


@functools.lru_cache(maxsize=16)
def bbox_pages(pdf: Path) -> list:
    """pdftotext -bbox-layout: per page, its <page> element (lines and words with positions in pt)."""
    out = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    out = re.sub(r"<!DOCTYPE[^>]*>", "", out).replace(' xmlns="http://www.w3.org/1999/xhtml"', "")
    return ElementTree.fromstring(out).findall(".//page")


def line_words(line) -> list[str]:
    return [w.text or "" for w in line.findall("word")]


def body_lines(page) -> list:
    """The lines of a page between the running header and the footer."""
    height = float(page.get("height"))
    top, bottom = page_margins_mm()["" if height > float(page.get("width")) else "landscape"]
    return [
        line
        for line in page.findall(".//line")
        if top * MM - 2 < float(line.get("yMin")) and float(line.get("yMax")) < height - bottom * MM + 2
    ]


def full_line_lengths(pdf: Path, first: int, last: int) -> list[int]:
    """Characters of every full line of body text (starting at the text column's left edge and reaching
    its right edge; headings, tables, lists and short last lines of paragraphs left out)."""
    counts = []
    for page in bbox_pages(pdf)[first - 1 : last]:
        if float(page.get("width")) > float(page.get("height")):
            continue
        lines = body_lines(page)
        if len(lines) < 5:
            continue
        heights = sorted(float(w.get("yMax")) - float(w.get("yMin")) for w in lines)
        body_height = heights[len(heights) // 2]
        left = min(float(w.get("xMin")) for w in lines)
        right = max(float(w.get("xMax")) for w in lines)
        for line in lines:
            if abs(float(line.get("yMax")) - float(line.get("yMin")) - body_height) > 0.5:
                continue
            if abs(float(line.get("xMin")) - left) < 1 and float(line.get("xMax")) > right - 0.08 * (right - left):
                counts.append(len(" ".join(line_words(line))))
    return counts


@functools.lru_cache(maxsize=16)
def page_fill(pdf: Path, dpi: int = 24) -> tuple[float, ...]:
    """How far down the text area each page is printed on (0 = empty, 1 = to the bottom margin),
    measured on the rendered page: the lowest ink between header and footer."""
    fills = []
    margins = page_margins_mm()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), str(pdf), f"{tmp}/p"], check=True)
        for image_file in sorted(Path(tmp).glob("p-*.pgm")):
            image = Image.open(image_file)
            width, height = image.size
            top, bottom = margins["" if height > width else "landscape"]
            y0, y1 = int(top * dpi / 25.4), int(height - bottom * dpi / 25.4)
            pixels = image.load()
            lowest = next((y for y in range(y1 - 1, y0, -1) if any(pixels[x, y] < 200 for x in range(width))), y0)
            fills.append((lowest - y0) / (y1 - y0))
    return tuple(fills)


def first_pages(reader: pypdf.PdfReader, depth: int = 1) -> list[int]:
    """1-based page numbers where the outline entries of one depth start."""
    return [number + 1 for level, _, number in outline_entries(reader) if level == depth]
