"""The fillable worksheets PDF of each language: its own document (title, cover with contents, no part
numbers, no filler pages, no glossary addresses), answer fields sized to the answer, every question on the
page of its field, an appearance stream for every field, the editorial plan as a landscape table to
write in, and a filled-in copy that shows every answer without clipping."""

from __future__ import annotations

import logging
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pytest
from bs4 import BeautifulSoup
from helpers import LANGS, PREFIX, html_path
from pdf_reading import (
    CONFIG,
    MM,
    STRINGS,
    bbox_pages,
    heading_text,
    line_words,
    outline_entries,
    page_fill,
    squash,
    text_of,
    worksheets,
)
from PIL import Image

from scripts import pdf as pdf_module

HANDWRITTEN_LINE_MM = 8.0
LEADING = 1.2  # line height of typed text in a field, as a share of the font size
PADDING_PT = 1.0  # what a viewer keeps free at each edge of a field


def sheets(lang: str) -> list[str]:
    return [p for _, paths in pdf_module.pdf_parts(CONFIG, lang, "worksheets") for p in paths]


def article(site: Path, lang: str, md: str):
    return BeautifulSoup(html_path(site, lang, md).read_text(encoding="utf-8"), "lxml").select_one("article")


@dataclass
class Widget:
    page: int  # 0-based
    name: str
    kind: str  # /Tx or /Btn
    multiline: bool
    rect: tuple  # x1, y1, x2, y2 in pt, y up
    font_size: float
    label: str
    annotation: object

    @property
    def width(self) -> float:
        return self.rect[2] - self.rect[0]

    @property
    def height(self) -> float:
        return self.rect[3] - self.rect[1]


def widgets(reader: pypdf.PdfReader) -> list[Widget]:
    found = []
    for number, page in enumerate(reader.pages):
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Widget":
                continue
            x1, y1, x2, y2 = (float(v) for v in annot["/Rect"])
            size = re.search(r"([\d.]+) Tf", str(annot.get("/DA", "")))
            found.append(
                Widget(
                    number,
                    str(annot.get("/T")),
                    str(annot.get("/FT")),
                    bool(int(annot.get("/Ff", 0)) & (1 << 12)),
                    (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)),
                    float(size.group(1)) if size else 0.0,
                    str(annot.get("/TU", "")),
                    annot,
                )
            )
    return found


def is_cell(widget: Widget) -> bool:
    return bool(re.search(r"-r\d+-c\d+$", widget.name))


def fits(font_size: float, lines: int, height: float) -> bool:
    """Lines of text of this size fit this height (pt)."""
    return lines * font_size * LEADING + 2 * PADDING_PT <= height + 0.01


@dataclass
class Question:
    md: str
    label: str
    lines: int
    prompt: list[str]  # what is said right before the field: the heading and the hint under it


def _visible_text(element) -> str:
    """Text as printed: without the glossary's hidden definitions."""
    copy = BeautifulSoup(str(element), "lxml")
    for hidden in copy.select(".hb-term-def, [hidden]"):
        hidden.decompose()
    return copy.get_text()


def _prompt(element) -> list[str]:
    """The question before an answer: the text right before it, and the heading above that if only a
    paragraph or two stand between them."""
    texts = []
    for previous in element.find_previous_siblings(limit=3):
        if previous.name in ("h2", "h3", "h4"):
            texts.append(heading_text(previous))
            break
        if previous.name != "p":
            break
        texts.append(" ".join(_visible_text(previous).split())[:50])
    return [t for t in texts if t]


def answer_fields(site: Path, lang: str) -> list[Question]:
    """The answer boxes of the worksheet pages, in order, with the question before each."""
    found = []
    for md in sheets(lang):
        for box in article(site, lang, md).select("div.hb-field"):
            found.append(Question(md, box.get("data-label", ""), int(box.get("data-lines", "3") or 3), _prompt(box)))
    return found


def checklist_items(site: Path, lang: str) -> list[tuple[str, list[str]]]:
    """(page, the question before the checklist) of every checklist item of the worksheet pages."""
    found = []
    for md in sheets(lang):
        for checklist in article(site, lang, md).select("ul.task-list"):
            prompt = _prompt(checklist)
            found += [(md, prompt)] * len(checklist.select(":scope > li.task-list-item"))
    return found


def writing_cells(site: Path, lang: str) -> list[tuple[str, int, int]]:
    """(page, columns of the table, row number) of every empty cell in a row to write in (a table with
    at least two rows that are empty but for a label in the first cell)."""
    found = []
    for md in sheets(lang):
        for table in article(site, lang, md).find_all("table"):
            columns = max(len(row.find_all(["td", "th"])) for row in table.find_all("tr"))
            rows = [
                r
                for r in table.select("tbody tr")
                if len(r.find_all("td")) > 1 and not any(td.get_text(strip=True) for td in r.find_all("td")[1:])
            ]
            if len(rows) < 2:
                continue
            for number, row in enumerate(rows, 1):
                found += [(md, columns, number) for td in row.find_all("td") if not td.get_text(strip=True)]
    return found


def page_texts(pdf: Path) -> list[str]:
    return [squash(" ".join(" ".join(line_words(row)) for row in page.findall(".//line"))) for page in bbox_pages(pdf)]


# --- its own document ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_own_title_cover_and_metadata(site, lang):
    pdf = worksheets(site, lang)
    reader = pypdf.PdfReader(pdf)
    strings = STRINGS[lang]
    assert reader.metadata.title == strings["pdf_worksheets_title"]
    assert reader.metadata.subject == strings["pdf_worksheets_subtitle"]
    assert reader.trailer["/Root"]["/Lang"] == lang
    cover = squash(text_of(pdf, 1))
    assert cover.startswith(strings["pdf_worksheets_title"]), cover[:80]
    assert not cover.startswith(strings["pdf_kicker"]), "the handbook's kicker is not this document's"
    assert strings["pdf_worksheets_intro"] in cover


@pytest.mark.parametrize("lang", LANGS)
def test_the_cover_lists_every_worksheet_with_its_page(site, lang):
    pdf = worksheets(site, lang)
    titles = [heading_text(article(site, lang, md).find("h1")) for md in sheets(lang)]
    entries = []
    for line in text_of(pdf, 1).splitlines():
        match = re.match(r"^\s*(.+?)\s*\.{3,}\s*(\d+)\s*$", line)
        if match:
            entries.append((match.group(1).strip(), int(match.group(2))))
    assert [squash(t)[:30] for t, _ in entries] == [squash(t)[:30] for t in titles]
    for title, number in entries:
        assert squash(title)[:30] in squash(text_of(pdf, number)), f"the cover says {title!r} is on page {number}"
    assert entries[0][1] == 2, "the first worksheet follows the cover: no contents or filler page between"


@pytest.mark.parametrize("lang", LANGS)
def test_no_part_numbers_no_index_page_and_no_filler_pages(site, lang):
    pdf = worksheets(site, lang)
    reader = pypdf.PdfReader(pdf)
    text = squash(text_of(pdf))
    for part, paths in pdf_module.nav_parts(CONFIG, lang):
        if any(p.startswith(pdf_module.WORKSHEETS_SECTION) for p in paths):
            assert part not in text, f"part title {part!r} in the worksheets"
    index_title = heading_text(article(site, lang, pdf_module.WORKSHEETS_SECTION + "index.md").find("h1"))
    outline = [title for _, title, _ in outline_entries(reader)]
    assert index_title not in outline, "the worksheets' index page only points at this PDF"
    own = STRINGS[lang]["worksheets_pdf_url"]
    for page in reader.pages:
        for ref in page.get("/Annots") or []:
            action = ref.get_object().get("/A") or {}
            assert not str(action.get("/URI", "")).endswith(own), "a link to this same PDF"
    # Each worksheet starts a page; only a worksheet's last page may be nearly empty.
    starts = [number + 1 for depth, _, number in outline_entries(reader) if depth == 1]
    assert len(starts) == len(sheets(lang))
    fills = page_fill(pdf)
    last_pages = {s - 1 for s in starts[1:]} | {len(reader.pages)}
    thin = [(n, f"{f:.0%}") for n, f in enumerate(fills, 1) if n > 1 and n not in last_pages and f < 0.25]
    assert not thin, f"pages under a quarter full: {thin}"
    assert all(fills[n - 1] > 0.05 for n in last_pages), "an empty page"


@pytest.mark.parametrize("lang", LANGS)
def test_glossary_terms_are_plain_words_and_no_site_addresses_are_printed(site, lang):
    pdf = worksheets(site, lang)
    site_url = CONFIG["site_url"].rstrip("/") + "/"
    texts = page_texts(pdf)
    assert site_url in re.sub(r"\s+", "", texts[0]), "the cover says where to read online"
    for number, text in enumerate(texts[1:], 2):
        assert site_url not in re.sub(r"\s+", "", text), f"page {number} prints an address of the site"
    glossary = pdf_module.page_url("glossary.md", PREFIX[lang])
    for page in pypdf.PdfReader(pdf).pages:
        for ref in page.get("/Annots") or []:
            uri = str((ref.get_object().get("/A") or {}).get("/URI", ""))
            assert glossary not in uri, f"a glossary link: {uri}"


# --- fields ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_answer_fields_are_sized_to_the_answer(site, lang):
    reader = pypdf.PdfReader(worksheets(site, lang))
    found = widgets(reader)
    answers = [w for w in found if w.kind == "/Tx" and not is_cell(w)]
    questions = answer_fields(site, lang)
    assert [w.label for w in answers] == [q.label for q in questions], "fields and answer boxes differ"
    for widget, question in zip(answers, questions, strict=False):
        where = f"{question.md}: {question.label!r}"
        assert 8 <= widget.font_size <= 12, f"{where}: {widget.font_size} pt"
        if question.lines <= 1:
            assert not widget.multiline, f"{where}: a short answer is one line"
            assert 8 * MM <= widget.height <= 14 * MM, f"{where}: {widget.height / MM:.1f} mm high"
            assert fits(widget.font_size, 1, widget.height)
        else:
            lines = max(question.lines, 3)
            assert widget.multiline, f"{where}: free text needs a multi-line field"
            assert widget.height >= lines * HANDWRITTEN_LINE_MM * MM - 0.5, (
                f"{where}: {widget.height / MM:.1f} mm for {lines} handwritten lines"
            )
            assert fits(widget.font_size, lines, widget.height), f"{where}: {lines} typed lines do not fit"
    boxes = [w for w in found if w.kind == "/Btn"]
    assert len(boxes) == len(checklist_items(site, lang))
    for box in boxes:
        assert box.width >= 4 * MM - 0.1 and box.height >= 4 * MM - 0.1, (
            f"{box.name}: {box.width / MM:.1f} x {box.height / MM:.1f} mm"
        )
    cells = [w for w in found if is_cell(w)]
    assert len(cells) == len(writing_cells(site, lang))
    for cell in cells:
        assert cell.multiline and cell.height >= 8 * MM and fits(cell.font_size, 2, cell.height), cell.name


@pytest.mark.parametrize("lang", LANGS)
def test_every_field_has_an_appearance_stream(site, lang):
    found = widgets(pypdf.PdfReader(worksheets(site, lang)))
    assert found
    for widget in found:
        ap = widget.annotation.get("/AP")
        assert ap is not None and "/N" in ap, f"{widget.name}: no /AP /N"
        if widget.kind == "/Btn":
            assert {"/Off", "/on"} <= set(ap["/N"].keys()), widget.name


@pytest.mark.parametrize("lang", LANGS)
def test_each_question_is_on_the_page_of_its_field(site, lang):
    pdf = worksheets(site, lang)
    texts = page_texts(pdf)
    found = widgets(pypdf.PdfReader(pdf))
    answers = [w for w in found if w.kind == "/Tx" and not is_cell(w)]
    questions = answer_fields(site, lang)
    assert len(answers) == len(questions)
    for widget, question in zip(answers, questions, strict=False):
        assert question.prompt, f"{question.md}: {question.label!r} has no question before it"
        for text in question.prompt:
            assert squash(text) in texts[widget.page], (
                f"{question.md}: {text!r} is not on page {widget.page + 1} with its field {question.label!r}"
            )
    boxes = [w for w in found if w.kind == "/Btn"]
    items = checklist_items(site, lang)
    assert len(boxes) == len(items)
    for widget, (md, prompt) in zip(boxes, items, strict=False):
        for text in prompt:
            assert squash(text) in texts[widget.page], f"{md}: {text!r} is not on page {widget.page + 1}"


@pytest.mark.parametrize("lang", LANGS)
def test_wide_tables_to_write_in_are_landscape_with_rows_of_10mm(site, lang):
    reader = pypdf.PdfReader(worksheets(site, lang))
    cells = [w for w in widgets(reader) if is_cell(w)]
    wide = {md for md, columns, _ in writing_cells(site, lang) if columns >= pdf_module.WIDE_TABLE_COLUMNS}
    assert wide, "no wide table to write in (worksheets/editorial-plan.md)"
    first_column = [w for w in cells if w.name.endswith("-c1")]
    for widget in first_column:
        box = reader.pages[widget.page].mediabox
        assert float(box.width) > float(box.height), f"{widget.name} is not on a landscape page"
    pitches = [a.rect[1] - b.rect[1] for a, b in zip(first_column, first_column[1:], strict=False) if a.page == b.page]
    assert len(pitches) >= 9 and min(pitches) >= 10 * MM - 0.5, [round(p / MM, 1) for p in pitches]


# --- filled in -------------------------------------------------------------------------------------


def _sample(widget: Widget, lines: int) -> str:
    """Long text: each line about as wide as the field holds (this text in Atkinson Hyperlegible takes
    about 0.41 of the font size a letter; 0.48 fills some 85 % of the field)."""
    chars = max(4, int((widget.width - 4 * PADDING_PT) / (0.48 * widget.font_size)))
    words = "Beispielantwort mit langem Text zum Ausfuellen und Pruefen des Feldes " * 8
    return "\n".join(f"{n}: " + words[: chars - 3].rstrip() for n in range(1, lines + 1))


def _ap_lines(widget: Widget) -> tuple[float, list[float]]:
    """Font size and the baselines (pt above the field's bottom) of the text in its appearance stream."""
    stream = widget.annotation["/AP"]["/N"].get_object().get_data().decode("latin-1")
    size = float(re.search(r"([\d.]+) Tf", stream).group(1))
    baselines, y = [], 0.0
    for match in re.finditer(r"(-?[\d.]+) (-?[\d.]+) Td\s*(?:<[0-9a-fA-F]*>|\(.*?\)) Tj", stream, re.S):
        y += float(match.group(2))
        baselines.append(y)
    return size, baselines


def _ink_columns(image: Image.Image, box: tuple[int, int, int, int]) -> list[int]:
    """The pixel columns with ink inside a box of the rendered page."""
    x0, y0, x1, y1 = box
    pixels = image.load()
    rows = range(max(y0, 0), min(y1, image.size[1]))
    return [x for x in range(max(x0, 0), min(x1, image.size[0])) if any(pixels[x, y] < 128 for y in rows)]


def _ink(image: Image.Image, box: tuple[int, int, int, int]) -> bool:
    return bool(_ink_columns(image, box))


@pytest.mark.parametrize("lang", LANGS)
def test_a_filled_form_shows_every_answer_unclipped(site, lang, tmp_path):
    """Fill every field with long text (as many lines as the answer is meant to have; two in a table cell)
    and tick every box, render the pages, and check each field: every line of text lies inside the
    field, and the first and the last line are there to see."""
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    source = worksheets(site, lang)
    reader = pypdf.PdfReader(source)
    questions = iter(answer_fields(site, lang))
    expected: dict[str, int] = {}
    values: dict[str, str] = {}
    for widget in widgets(reader):
        if widget.kind == "/Btn":
            values[widget.name] = "/on"
            continue
        if is_cell(widget):
            lines = 2
        else:
            question = next(questions)
            lines = max(question.lines, 3) if widget.multiline else 1
        expected[widget.name] = lines
        values[widget.name] = _sample(widget, lines)
    writer = pypdf.PdfWriter(clone_from=reader)
    writer.update_page_form_field_values(None, values, auto_regenerate=False)
    filled = tmp_path / f"filled-{lang}.pdf"
    writer.write(filled)

    dpi = 100
    subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), str(filled), str(tmp_path / "page")], check=True)
    images = {int(re.search(r"-(\d+)\.pgm$", p.name).group(1)) - 1: Image.open(p) for p in tmp_path.glob("page-*.pgm")}
    scale = dpi / 72
    checked = 0
    result = pypdf.PdfReader(filled)
    for widget in widgets(result):
        image = images[widget.page]
        page_height = float(result.pages[widget.page].mediabox.height)
        x1, y1, x2, y2 = widget.rect

        def pixels(left, bottom, right, top, page_height=page_height):
            return (
                int(left * scale),
                int((page_height - top) * scale),
                int(right * scale) + 1,
                int((page_height - bottom) * scale) + 1,
            )

        if widget.kind == "/Btn":
            cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
            assert _ink(image, pixels(cx - 1, cy - 1, cx + 1, cy + 1)), f"{widget.name}: no tick to see"
            checked += 1
            continue
        size, baselines = _ap_lines(widget)
        lines = expected[widget.name]
        assert len(baselines) == lines, f"{widget.name}: {len(baselines)} of {lines} lines in the appearance"
        assert size == widget.font_size
        lowest = baselines[-1] - 0.25 * size  # the descenders of the last line
        highest = baselines[0] + 0.75 * size  # the capitals of the first line
        assert lowest >= 0 and highest <= widget.height, (
            f"{widget.name}: {lines} lines of {size} pt do not fit {widget.height / MM:.1f} mm"
        )
        for baseline in (baselines[0], baselines[-1]):
            band = pixels(x1 + 1, y1 + baseline, x2 - 1, y1 + baseline + 0.6 * size)
            ink = _ink_columns(image, band)
            assert ink, f"{widget.name}: a line of the answer is not visible"
            # A viewer clips the text some 4 pt inside the field's right edge: text that reaches that
            # edge is cut off there.
            assert max(ink) < (x2 - 5 * PADDING_PT) * scale, f"{widget.name}: the line is cut off at the right"
        checked += 1
    assert checked == len(values)
