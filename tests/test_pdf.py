"""The PDF handbook of each language: a real book, in its own language, tagged, reproducible; typeset
as a book (measure, hanging lists, parts on new pages, no near-empty pages, contents that end cleanly,
an edition by month); maintainer pages on the web only; download links that state size and pages; and
a release build that refuses placeholders. The fillable worksheets: tests/test_worksheet_pdf.py."""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pypdf
import pytest
from bs4 import BeautifulSoup
from helpers import LANGS, PREFIX, ROOT, html_path, make_sandbox, page_paths, page_url, resolve
from pdf_reading import (
    CONFIG,
    MM,
    STRINGS,
    bbox_pages,
    body_lines,
    book,
    book_pages,
    figure_alts,
    first_pages,
    full_line_lengths,
    h1_titles,
    heading_text,
    line_words,
    outline_entries,
    page_fill,
    squash,
    text_of,
    worksheets,
)
from PIL import Image

from scripts import builder
from scripts import pdf as pdf_module

PAGES = page_paths()


# --- the handbook --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_both_pdfs_exist_where_the_site_links_them(site, lang):
    assert book(site, lang).stat().st_size > 10_000
    assert worksheets(site, lang).stat().st_size > 5_000
    assert str(book(site, "de").relative_to(site)) == "pdf/handbuch.pdf"
    assert str(book(site, "en").relative_to(site)) == "en/pdf/handbook.pdf"


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_links_its_own_languages_pdf(site, lang):
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
    assert reader.metadata.subject == STRINGS[lang]["pdf_subtitle"]
    assert reader.metadata.author
    assert 30 <= len(reader.pages) <= 400
    figures = figure_alts(reader)
    assert figures and all(figures), f"figures without alt text in the structure tree: {figures}"


@pytest.mark.parametrize("lang", LANGS)
def test_outline_mirrors_parts_pages_and_headings(site, lang):
    reader = pypdf.PdfReader(book(site, lang))
    entries = list(outline_entries(reader))
    top = [title for depth, title, _ in entries if depth == 1]
    parts = [title for title, _ in pdf_module.pdf_parts(CONFIG, lang)]
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


@pytest.mark.parametrize("lang", LANGS)
def test_contents_end_cleanly(site, lang):
    """The printed contents fill one page, or two pages of which the second is at least half full: never a
    few lines spilling onto another page."""
    pdf = book(site, lang)
    reader = pypdf.PdfReader(pdf)
    contents_page, first_part = first_pages(reader)[:2]
    pages = first_part - contents_page
    assert pages in (1, 2), f"the contents take {pages} pages"
    fill = page_fill(pdf)[first_part - 2]
    assert fill >= (0.5 if pages == 2 else 0.3), f"the contents' last page is only {fill:.0%} full"


def test_longer_contents_take_two_well_filled_pages(site, tmp_path):
    """With twice as many pages (as the handbook may grow to), the contents break between two parts and
    both pages are well filled: never a few lines spilling over."""
    strings, ed = STRINGS["de"], pdf_module.edition()
    parts = pdf_module.collect(site, CONFIG, "de")
    many = [
        pdf_module.Part(
            f"{part.title} ({n})",
            f"{part.key}-{n}",
            [pdf_module.Chapter(c.source, f"{c.key}-{n}", c.title, "") for c in part.chapters],
        )
        for n in (1, 2)
        for part in parts
    ]
    document = pdf_module.assemble(many, "de", strings, CONFIG, ed, title=strings["pdf_title"], toc_only=True)
    targets = "".join(
        f'<h1 class="part-title" id="{p.key}">{p.title}</h1>'
        + "".join(f'<section class="chapter"><h1 id="{c.key}">{c.title}</h1></section>' for c in p.chapters)
        for p in many
    )
    target = tmp_path / "contents.pdf"
    pdf_module.render(
        document.replace("</body>", targets + "</body>"),
        target,
        site,
        "contents",
        extra_css=pdf_module._language_css(strings),
        fit=(many, "de", strings, CONFIG, ed, strings["pdf_title"]),
    )
    reader = pypdf.PdfReader(target)
    contents_page, first_part = first_pages(reader)[:2]
    assert first_part - contents_page == 2, f"the contents take {first_part - contents_page} pages"
    fills = page_fill(target)
    assert min(fills[contents_page - 1], fills[first_part - 2]) >= 0.5, fills[:4]
    second = " ".join(line_words(body_lines(bbox_pages(target)[contents_page])[0]))
    assert any(second.startswith(p.title) for p in many), f"the second page starts with {second!r}"


@pytest.mark.parametrize("lang", LANGS)
def test_cover_names_the_edition_by_month_and_the_commit_in_small_print(site, lang):
    """ "Ausgabe November 2026": the month (UTC) of the commit the cover names in small print."""
    from babel.dates import format_date

    cover = squash(text_of(book(site, lang), 1))
    named = re.search(re.escape(STRINGS[lang]["pdf_commit"]) + r" ([0-9a-f]{7})\+?", cover)
    assert named, f"no commit in small print on the cover: {cover}"
    epoch = (
        os.environ.get("SOURCE_DATE_EPOCH")
        or subprocess.run(
            ["git", "log", "-1", "--format=%ct", named.group(1)], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
    )
    month = format_date(datetime.fromtimestamp(int(epoch), tz=UTC).date(), "LLLL y", locale=lang)
    assert f"{STRINGS[lang]['pdf_edition']} {month}" in cover, cover
    assert f"{STRINGS[lang]['pdf_edition']} {named.group(1)}" not in cover, "the commit is not the edition"
    assert f"{STRINGS[lang]['pdf_edition']} {month}" in squash(text_of(worksheets(site, lang), 1))


def test_the_edition_is_the_month_in_utc_with_the_release_tag(monkeypatch):
    """Half an hour before December in UTC is already December in Kiribati: the edition says November."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(datetime(2026, 11, 30, 23, 30, tzinfo=UTC).timestamp())))
    monkeypatch.setenv("HANDBOOK_RELEASE_TAG", "v1.2.3")
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    time.tzset()
    try:
        ed = pdf_module.edition()
    finally:
        monkeypatch.undo()
        time.tzset()
    assert (ed.month("de"), ed.month("en")) == ("November 2026", "November 2026")
    assert ed.tag == "v1.2.3" and re.fullmatch(r"[0-9a-f]{7}\+?", ed.commit)
    assert ed.iso == "2026-11-30T23:30:00+00:00"


@pytest.mark.parametrize("lang", LANGS)
def test_lines_hold_60_to_75_characters(site, lang):
    pdf = book(site, lang)
    pages = len(pypdf.PdfReader(pdf).pages)
    lengths = full_line_lengths(pdf, 3, pages)
    assert len(lengths) > 200, "too few full lines of body text found"
    mean, median = statistics.mean(lengths), statistics.median(lengths)
    assert 60 <= mean <= 75 and 60 <= median <= 75, f"characters a line: mean {mean:.1f}, median {median}"


@pytest.mark.parametrize("lang", LANGS)
def test_each_part_starts_a_new_page(site, lang):
    pdf = book(site, lang)
    reader = pypdf.PdfReader(pdf)
    parts = [title for title, _ in pdf_module.pdf_parts(CONFIG, lang)]
    starts = first_pages(reader)[1:]
    assert len(starts) == len(parts)
    for title, number in zip(parts, starts, strict=False):
        lines = body_lines(bbox_pages(pdf)[number - 1])
        start = squash("\n".join(" ".join(line_words(line)) for line in lines[:3]))
        assert start.startswith(title), f"page {number} does not begin with the part {title!r}: {start[:80]!r}"


@pytest.mark.parametrize("lang", LANGS)
def test_no_page_is_under_a_quarter_full_except_a_parts_last_page(site, lang):
    pdf = book(site, lang)
    reader = pypdf.PdfReader(pdf)
    fills = page_fill(pdf)
    starts = first_pages(reader)
    part_ends = {number - 1 for number in starts[1:]} | {len(reader.pages)}
    thin = [
        (number, f"{fill:.0%}")
        for number, fill in enumerate(fills, 1)
        if number > 1 and number not in part_ends and fill < 0.25
    ]
    assert not thin, f"pages under a quarter full: {thin}"


def _wrapped_item(pdf: Path, text: str):
    """The first two lines of a list item in the PDF (found by its first words, after a bullet or
    number), or None."""
    words = text.split()[:4]
    for page in bbox_pages(pdf):
        lines = body_lines(page)
        for index, line in enumerate(lines[:-1]):
            found = line_words(line)
            if (found[:4] == words or found[1:5] == words) and "...." not in "".join(found):  # not contents
                return line, lines[index + 1]
    return None


@pytest.mark.parametrize("lang", LANGS)
def test_lists_and_checklists_hang(site, lang):
    """A wrapped line of a list item starts where the item's text starts, not under its bullet or box."""
    pdf = book(site, lang)
    checked = {"task": 0, "bullet": 0}
    for md in book_pages(lang):
        article = BeautifulSoup(html_path(site, lang, md).read_text(encoding="utf-8"), "lxml").select_one("article")
        for item in article.select("li"):
            if item.find(["ul", "ol", "p"]):
                continue
            text = " ".join(item.get_text(" ", strip=True).split())
            if len(text) < 140:
                continue
            kind = "task" if "task-list-item" in (item.get("class") or []) else "bullet"
            if checked[kind] >= 6:
                continue
            pair = _wrapped_item(pdf, text)
            if pair is None:
                continue
            first, second = pair
            first_word = next(w for w in first.findall("word") if w.text == text.split()[0])
            text_start = float(first_word.get("xMin"))
            assert abs(float(second.get("xMin")) - text_start) < 1.5, (
                f"{md}: wrapped line of {text[:40]!r} starts at {float(second.get('xMin')):.1f} pt, "
                f"text at {text_start:.1f} pt"
            )
            checked[kind] += 1
    assert checked["task"] >= 3 and checked["bullet"] >= 3, checked


def _writing_tables(site: Path, lang: str):
    """(page, header texts, number of empty rows) of every table with empty rows to write in."""
    for md in book_pages(lang):
        article = BeautifulSoup(html_path(site, lang, md).read_text(encoding="utf-8"), "lxml").select_one("article")
        for table in article.find_all("table"):
            empty = [row for row in table.select("tbody tr") if not row.get_text(strip=True)]
            if len(empty) >= 3:
                yield md, [heading_text(th) for th in table.select("thead th")], len(empty)


def row_gaps_mm(pdf: Path, page_number: int, x_mm: float, y_from_mm: float, dpi: int = 100) -> list[float]:
    """Heights of the rows of a table on a rendered page: distances between the horizontal rules crossing
    the vertical line x_mm below y_from_mm, as long as they look like rows (5 to 30 mm)."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page_number), "-l", str(page_number), str(pdf), f"{tmp}/p"],
            check=True,
        )
        image = Image.open(next(Path(tmp).glob("p-*.pgm")))
    x = int(x_mm * dpi / 25.4)
    pixels = image.load()
    rules, previous = [], False
    for y in range(int(y_from_mm * dpi / 25.4), image.size[1]):
        dark = pixels[x, y] < 215
        if dark and not previous:
            rules.append(y)
        previous = dark
    gaps = []
    for a, b in zip(rules, rules[1:], strict=False):
        gap = (b - a) * 25.4 / dpi
        if not 5 <= gap <= 30:
            break
        gaps.append(gap)
    return gaps


@pytest.mark.parametrize("lang", LANGS)
def test_the_editorial_plan_rows_are_tall_enough_to_write_in(site, lang):
    """Every empty row of a table to write in is at least 10 mm high in the handbook (measured on the
    rendered pages: the distance between the table's rules under the header row)."""
    pdf = book(site, lang)
    tables = list(_writing_tables(site, lang))
    assert tables, "no table with empty rows found (worksheets/editorial-plan.md)"
    for md, headers, empty_rows in tables:
        heights = []
        for number, page in enumerate(bbox_pages(pdf), 1):
            words = page.findall(".//word")
            for word in words:
                if word.text != headers[0].split()[0]:
                    continue
                row = [w.text for w in words if abs(float(w.get("yMin")) - float(word.get("yMin"))) < 2]
                if not all(h.split()[0] in row for h in headers):
                    continue
                heights += row_gaps_mm(
                    pdf, number, (float(word.get("xMin")) + 6) / MM, (float(word.get("yMax")) + 1) / MM
                )[:empty_rows]
        tall = [h for h in heights if h >= 9.8]
        assert len(tall) >= empty_rows, (
            f"{md}: rows of {[round(h, 1) for h in heights]} mm; {empty_rows} empty rows should be 10 mm or more"
        )


def _front_matter_flags(lang: str) -> tuple[list[str], list[str]]:
    """(pages with pdf: false, headings marked .web-only) in the sources."""
    docs = ROOT / "docs" / lang
    off = [p for p in PAGES if not pdf_module.in_pdf(lang, p)]
    web_only = []
    for md in PAGES:
        for line in (docs / md).read_text(encoding="utf-8").splitlines():
            match = re.match(r"^#{2,6}\s+(.*?)\s*\{[^}]*\.web-only\b[^}]*\}\s*$", line)
            if match:
                web_only.append(match.group(1))
    return off, web_only


@pytest.mark.parametrize("lang", LANGS)
def test_pages_and_sections_marked_for_the_web_are_not_printed(site, lang):
    off, web_only = _front_matter_flags(lang)
    outline = {title for _, title, _ in outline_entries(pypdf.PdfReader(book(site, lang)))}
    titles = {
        md: heading_text(
            BeautifulSoup(html_path(site, lang, md).read_text(encoding="utf-8"), "lxml").select_one("article h1")
        )
        for md in off
    }
    assert not {titles[md] for md in off} & outline, f"pdf: false pages in the PDF: {off}"
    assert not set(web_only) & outline, f"web-only sections in the PDF: {set(web_only) & outline}"


def test_pdf_false_and_web_only_are_left_out(site, tmp_path):
    """The two switches, tried on copies: front matter `pdf: false` drops a page from both PDFs, the class
    web-only drops an element and, on a heading, its whole section."""
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs, ignore=shutil.ignore_patterns("assets"))
    page = docs / "de" / "contributing" / "translation-status.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(
        text.replace("---\n", "---\npdf: false\n", 1) if "pdf: false" not in text else text, encoding="utf-8"
    )
    copy = tmp_path / "site"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("*.pdf"))
    how_to = copy / "start" / "how-to-use" / "index.html"
    # Start from a page with nothing marked, then mark one subsection.
    markup = re.sub(r'\s*class="web-only"', "", how_to.read_text(encoding="utf-8"))
    section = BeautifulSoup(markup, "lxml").select_one("article h3#search")
    assert section is not None, "start/how-to-use.md has no ### … { #search } section to try this on"
    hidden = heading_text(section)
    how_to.write_text(markup.replace('<h3 id="search"', '<h3 class="web-only" id="search"', 1), encoding="utf-8")
    parts = pdf_module.collect(copy, CONFIG, "de", docs=docs)
    chapters = {c.source: c for p in parts for c in p.chapters}
    assert "docs/de/contributing/translation-status.md" not in chapters
    assert "docs/de/contributing/index.md" in chapters or not pdf_module.in_pdf("de", "contributing/index.md")
    body = chapters["docs/de/start/how-to-use.md"].body
    assert hidden not in body and 'id="p-start-how-to-use--search"' not in body
    assert 'id="p-start-how-to-use--switch-language"' in body, "the next section must stay"
    with pytest.raises(pdf_module.PdfError, match="must be true or false"):
        page.write_text(re.sub(r"(?m)^pdf: .*\n", "", text).replace("---\n", "---\npdf: nein\n", 1), encoding="utf-8")
        pdf_module.collect(copy, CONFIG, "de", docs=docs)


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_holds_no_heading_of_the_other_language(site, lang):
    other = "en" if lang == "de" else "de"
    foreign = all_headings(site, other) - all_headings(site, lang)
    outline = {title for _, title, _ in outline_entries(pypdf.PdfReader(book(site, lang)))}
    assert len(outline) > len(book_pages(lang)) * 2
    assert not outline & foreign, f"{other} headings in the {lang} PDF: {sorted(outline & foreign)[:5]}"
    assert outline <= all_headings(site, lang) | {STRINGS[lang]["pdf_contents"]} | {
        title for title, _ in pdf_module.nav_parts(CONFIG, lang)
    }


def all_headings(site: Path, lang: str) -> set[str]:
    found = set()
    for md in PAGES:
        article = BeautifulSoup(html_path(site, lang, md).read_text(encoding="utf-8"), "lxml").select_one("article")
        found |= {heading_text(h) for h in article.find_all(re.compile("^h[1-3]$"))}
    return found


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
    assert internal > len(book_pages(lang)), "table of contents and cross references should be internal links"
    assert external >= 1
    text = re.sub(r"\s+", "", text_of(book(site, lang)))
    assert "(https://www.facebook.com/paritaetischer)" in text, "external address not printed for paper"


@pytest.mark.parametrize("lang", LANGS)
def test_glossary_terms_are_plain_words_on_paper(site, lang):
    """No hover definition is printed and no glossary address; the book links a term to its entry."""
    pdf = book(site, lang)
    text = squash(text_of(pdf))
    glossary = CONFIG["site_url"].rstrip("/") + "/" + pdf_module.page_url("glossary.md", PREFIX[lang])
    assert glossary not in text and "/glossary/#" not in text
    for md in book_pages(lang):
        article = BeautifulSoup(html_path(site, lang, md).read_text(encoding="utf-8"), "lxml").select_one("article")
        for definition in article.select(".hb-term-def"):
            words = squash(" ".join(definition.get_text(" ", strip=True).split()))[:60]
            assert not words or text.count(words) <= 1, (
                f"{md}: the definition of a term is printed beside it: {words!r}"
            )


@pytest.mark.parametrize("lang", LANGS)
def test_worksheet_pdf_has_fillable_fields(site, lang):
    reader = pypdf.PdfReader(worksheets(site, lang))
    fields = reader.get_fields() or {}
    kinds = {f.get("/FT") for f in fields.values()}
    assert len(fields) >= 10
    assert "/Tx" in kinds and "/Btn" in kinds
    assert reader.trailer["/Root"]["/Lang"] == lang


def test_download_and_worksheet_pages_link_the_fillable_pdf(site):
    for lang in LANGS:
        for md in ["start/download.md", *[p for p in PAGES if p.startswith("worksheets/")]]:
            soup = BeautifulSoup(html_path(site, lang, md).read_text(encoding="utf-8"), "lxml")
            targets = {resolve(page_url(lang, md), a["href"]) for a in soup.select("article a[href]")}
            assert STRINGS[lang]["worksheets_pdf_url"] in targets, (lang, md)
            if md == "start/download.md":
                assert STRINGS[lang]["pdf_url"] in targets


@pytest.mark.parametrize("lang", LANGS)
def test_download_links_state_size_and_page_count(site, lang):
    """Every link to a PDF says how big it is and how many pages it has, in the page's language,
    measured from the files the build wrote."""
    from babel.numbers import format_decimal

    expected = {}
    for url in (STRINGS[lang]["pdf_url"], STRINGS[lang]["worksheets_pdf_url"]):
        path = site / url
        size = format_decimal(round(max(path.stat().st_size / 1e6, 0.1), 1), format="0.0", locale=lang)
        pages = len(pypdf.PdfReader(path).pages)
        expected[url] = STRINGS[lang]["pdf_download_meta"].format(size=size, pages=pages)
    seen = set()
    for md in PAGES:
        soup = BeautifulSoup(html_path(site, lang, md).read_text(encoding="utf-8"), "lxml")
        for a in soup.select("a[href$='.pdf']"):
            target = resolve(page_url(lang, md), a["href"])
            assert target in expected, (md, a["href"])
            meta = a.select(".hb-pdf-meta")
            assert len(meta) == 1 and meta[0].get_text(strip=True) == f"({expected[target]})", (md, str(a)[:200])
            if a.get("title"):
                assert a["title"].endswith(f"({expected[target]})"), a["title"]
            seen.add((md, target))
    assert ("start/download.md", STRINGS[lang]["pdf_url"]) in seen
    assert ("start/download.md", STRINGS[lang]["worksheets_pdf_url"]) in seen
    assert "0 MB" not in expected[STRINGS[lang]["pdf_url"]]


def test_annotating_the_download_links_twice_changes_nothing(site, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("*.pdf", "assets"))
    results = [
        {"url": STRINGS[lang][key], "bytes": 1_234_567, "pages": 42}
        for lang in LANGS
        for key in ("pdf_url", "worksheets_pdf_url")
    ]
    page = copy / "start" / "download" / "index.html"
    assert pdf_module.annotate_download_links(copy, results) > 0
    once = page.read_text(encoding="utf-8")
    assert "(PDF, 1,2 MB, 42 Seiten)" in once
    pdf_module.annotate_download_links(copy, results)
    assert page.read_text(encoding="utf-8") == once
    assert "(PDF, 1.2 MB, 42 pages)" in (copy / "en" / "start" / "download" / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_two_builds_of_the_same_commit_are_identical(site, tmp_path, monkeypatch):
    """Byte for byte, even in another time zone (the edition's month is taken in UTC)."""
    cover = squash(text_of(book(site, "de"), 1))
    assert f"{STRINGS['de']['pdf_commit']} {pdf_module.edition().commit}" in cover.replace("+ ", "+"), (
        "the cover does not name the checkout's commit (was a commit made during the test run?)"
    )
    again = tmp_path / "site"
    shutil.copytree(site, again)
    for lang in LANGS:
        for path in (book(again, lang), worksheets(again, lang)):
            path.unlink()
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    time.tzset()
    try:
        pdf_module.build_all(again)
    finally:
        monkeypatch.undo()
        time.tzset()
    for lang in LANGS:
        assert book(again, lang).read_bytes() == book(site, lang).read_bytes()
        assert worksheets(again, lang).read_bytes() == worksheets(site, lang).read_bytes()


def test_a_missing_image_fails_with_the_pages_name(site, tmp_path):
    """(Diagrams are drawn into the pages; an <img> of a page must exist in the built site.)"""
    broken = tmp_path / "site"
    shutil.copytree(site, broken, ignore=shutil.ignore_patterns("*.pdf"))
    page = html_path(broken, "de", "lessons/define-goals.md")
    markup = page.read_text(encoding="utf-8")
    page.write_text(
        markup.replace("</h1>", '</h1><p><img src="../../assets/images/missing-de.svg" alt="Fehlt"></p>', 1),
        encoding="utf-8",
    )
    with pytest.raises(
        pdf_module.PdfError, match=r"docs/de/lessons/define-goals\.md: image .+missing-de\.svg not found"
    ):
        pdf_module.job(broken, "de", "book")
    assert not book(broken, "de").exists() and not book(broken, "de").with_suffix(".pdf.tmp").exists()


def test_a_missing_font_fails_instead_of_a_pdf_with_holes(site, tmp_path):
    broken = tmp_path / "site"
    shutil.copytree(site, broken)
    previous = book(broken, "en").read_bytes()
    next((broken / "assets" / "fonts" / "atkinson-hyperlegible").glob("*latin-400-normal.woff2")).unlink()
    with pytest.raises(pdf_module.PdfError, match=r"woff2"):
        pdf_module.job(broken, "en", "book")
    assert book(broken, "en").read_bytes() == previous, "the last good PDF must survive a failed build"


# --- release builds --------------------------------------------------------------------------------


def _operator_lines(config_text: str) -> list[str]:
    block = re.search(r"^  operator:\n((?:    .*\n)+)", config_text, re.M)
    assert block, "mkdocs.yml has no extra.operator block"
    return [re.match(r"\s+(\w+):", line).group(1) for line in block.group(1).splitlines() if re.match(r"\s+\w+:", line)]


def test_a_release_build_refuses_placeholders_and_names_every_key(tmp_path):
    box = make_sandbox(tmp_path)
    config = box / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    keys = _operator_lines(text)
    placeholder = re.sub(
        r"^(    (\w+)): .*$",
        r'\1: "[PLATZHALTER / PLACEHOLDER: \2]"',
        re.search(r"^  operator:\n((?:    .*\n)+)", text, re.M).group(1),
        flags=re.M,
    )
    config.write_text(
        re.sub(r"^(  operator:\n)((?:    .*\n)+)", lambda m: m.group(1) + placeholder, text, count=1, flags=re.M),
        encoding="utf-8",
    )
    with pytest.raises(builder.BuildError) as refused:
        builder.build(tmp_path / "out" / "site", pdf=False, quiet=True, root=box, release=True)
    message = str(refused.value)
    for key in keys:
        assert f"extra.operator.{key}" in message
    assert "mkdocs.yml" in message
    assert not (tmp_path / "out" / "site").exists(), "nothing may be built"
    # A local or pull-request build keeps showing them, highlighted.
    out = builder.build(tmp_path / "local" / "site", pdf=False, quiet=True, root=box)
    assert 'class="hb-placeholder"' in (out / "imprint" / "index.html").read_text(encoding="utf-8")


def test_a_release_build_with_the_values_filled_in_succeeds(tmp_path):
    box = make_sandbox(tmp_path)
    config = box / "mkdocs.yml"
    text = re.sub(
        r'^(    (\w+)): "\[PLATZHALTER[^"\n]*"$',
        r'\1: "Beispielwert \2"',
        config.read_text(encoding="utf-8"),
        flags=re.M,
    )
    config.write_text(text, encoding="utf-8")
    assert builder.placeholders(config) == []
    out = builder.build(tmp_path / "out" / "site", pdf=False, quiet=True, root=box, release=True)
    imprint = (out / "imprint" / "index.html").read_text(encoding="utf-8")
    assert "Beispielwert name" in imprint and "hb-placeholder" not in imprint


def test_the_real_configuration_is_checked_by_the_release_command():
    """`handbook.py build --release` stops before building while mkdocs.yml holds placeholders (and lets
    the release through once the operator has filled them in)."""
    keys = builder.placeholders(ROOT / "mkdocs.yml")
    if not keys:
        builder.check_release(ROOT)  # filled in: the release check passes (raises BuildError otherwise)
        return
    import sys

    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "handbook.py"),
            "build",
            "--release",
            "--no-pdf",
            "--site-dir",
            str(Path(tempfile.gettempdir()) / "never-built"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    for key in keys:
        assert key in result.stderr
    assert not (Path(tempfile.gettempdir()) / "never-built").exists()
