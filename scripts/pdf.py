"""The PDFs per language, made from the built HTML site with WeasyPrint.

Works from `site/` alone (plus mkdocs.yml for the page order and strings, and the pages' front matter),
so it keeps working if the site generator changes: only `extract_article()` knows the theme's markup.
See decisions/0001-pdf-from-built-html.md.

Output per language (paths from mkdocs.yml extra.strings):
  site/pdf/handbuch.pdf, site/pdf/arbeitsblaetter.pdf, site/en/pdf/handbook.pdf, site/en/pdf/worksheets.pdf

Two documents per language:
- the handbook ("book"): every page in navigation order, typeset as a book (cover with the edition's
  month, contents, each part on a new page, chapters running on);
- the worksheets ("worksheets"): the pages under worksheets/ except the section's index page, as a
  fillable form with its own cover and contents, each worksheet on a new page.

What stays on the web: a page whose front matter says `pdf: false` is in neither PDF; an element with
the class `web-only` is left out, and if it is a heading, so is its whole section (up to the next heading
of the same or a higher level), e.g. `### Suchen { #search .web-only }`.

Answer fields (`<div class="hb-field" data-lines="N" data-label="…">`): N = 1 is a short answer (one
line); N >= 2 is free text, at least three handwritten lines of 8 mm. A table with two or more rows that
are empty (or empty but for a label in the first cell) is a template to write in: rows of 10 mm, the
paper's full width, and in the worksheets a landscape page from five columns on and a text field in
every empty cell.
"""

from __future__ import annotations

import hashlib
import html
import logging
import os
import posixpath
import re
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from scripts import filesystem, project
from scripts.environment import ROOT
from scripts.project import page_url
from scripts.sources import front_matter

CSS_FILE = Path(__file__).with_name("pdf.css")
DOCS = ROOT / "docs"
WORKSHEETS_SECTION = "worksheets/"
KINDS = ("book", "worksheets")
MM = 72 / 25.4  # PDF points per millimetre
LINE_MM = 8.0  # one handwritten line
SHORT_FIELD_MM = 10.0  # a one-line answer field
WRITE_ROW_MM = 10.0  # a row to write in
MIN_FREE_TEXT_LINES = 3
WIDE_TABLE_COLUMNS = 5  # writing tables this wide get a landscape page
FIELD_FONT_PT = 10.0  # text typed into answer fields
CELL_FONT_PT = 9.0  # text typed into table cells (two lines fit a 10 mm row)
CHECKBOX_MM = 4.5
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


class PdfError(RuntimeError):
    """A PDF could not be made as it should be; the message names the file."""


# --- configuration (scripts/project.py reads mkdocs.yml and knows the languages) -------------------


def nav_parts(config: dict, lang: str) -> list[tuple[str, list[str]]]:
    """[(translated part title, [page paths])] in navigation order (every page of the site)."""
    block = project.of_config(config).language(lang).block
    translations = block.get("nav_translations") or {}
    parts = []
    for entry in config["nav"]:
        if isinstance(entry, dict):
            ((title, children),) = entry.items()
            paths = [c if isinstance(c, str) else next(iter(c.values())) for c in children]
            parts.append((translations.get(title, title), paths))
        else:
            parts.append(("", [entry]))
    return parts


def page_meta(lang: str, path: str, docs: Path = DOCS) -> dict:
    """The front matter of docs/<lang>/<path>."""
    source = docs / lang / path
    meta, problems = front_matter(source, source.read_text(encoding="utf-8"))
    if problems:
        raise PdfError(str(problems[0]))
    return meta


def in_pdf(lang: str, path: str, docs: Path = DOCS) -> bool:
    """False for pages that stay on the web (front matter `pdf: false`)."""
    value = page_meta(lang, path, docs).get("pdf", True)
    if not isinstance(value, bool):
        raise PdfError(f"docs/{lang}/{path}: front matter pdf: {value!r} must be true or false")
    return value


def pdf_parts(config: dict, lang: str, kind: str = "book", docs: Path = DOCS) -> list[tuple[str, list[str]]]:
    """The parts and pages that go into one PDF, in navigation order."""
    parts = []
    for title, paths in nav_parts(config, lang):
        chosen = [p for p in paths if in_pdf(lang, p, docs)]
        if kind == "worksheets":
            chosen = [p for p in chosen if p.startswith(WORKSHEETS_SECTION) and posixpath.basename(p) != "index.md"]
        if chosen:
            parts.append((title, chosen))
    return parts


# --- edition -------------------------------------------------------------------------------------


@dataclass
class Edition:
    date: datetime  # UTC
    commit: str  # short hash, "+" when built from uncommitted changes
    tag: str | None = None  # the release tag, when this commit has one

    @property
    def iso(self) -> str:
        return self.date.isoformat(timespec="seconds")

    def month(self, lang: str) -> str:
        """ "November 2026" in the language of the PDF."""
        from babel.dates import format_date

        return format_date(self.date.date(), format="LLLL y", locale=lang)


def _git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)


def edition() -> Edition:
    """The edition: month of SOURCE_DATE_EPOCH or of the last commit (in UTC, so the same everywhere),
    the release tag (HANDBOOK_RELEASE_TAG, or a tag on the commit itself) and the commit."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        stamp = int(os.environ["SOURCE_DATE_EPOCH"])
    else:
        log = _git("log", "-1", "--format=%ct")
        if log.returncode != 0 or not log.stdout.strip():
            raise PdfError("cannot read the date of the last commit: build from a git clone or set SOURCE_DATE_EPOCH")
        stamp = int(log.stdout.strip())
    date = datetime.fromtimestamp(stamp, tz=UTC)
    tag = os.environ.get("HANDBOOK_RELEASE_TAG", "").strip() or None
    if tag is None:
        described = _git("describe", "--exact-match", "--tags", "HEAD")
        tag = described.stdout.strip() if described.returncode == 0 and described.stdout.strip() else None
    head = _git("rev-parse", "--short=7", "HEAD")
    commit = head.stdout.strip() if head.returncode == 0 else "unversioned"
    if head.returncode == 0 and _git("status", "--porcelain", "--untracked-files=no").stdout.strip():
        commit += "+"
    return Edition(date, commit, tag)


# --- pages ---------------------------------------------------------------------------------------


@dataclass
class Chapter:
    source: str  # docs/<lang>/<path>.md, for messages
    key: str  # unique anchor of the chapter inside the PDF
    title: str
    body: str  # processed article HTML


@dataclass
class Part:
    title: str
    key: str
    chapters: list[Chapter] = field(default_factory=list)


def extract_article(markup: str, source: str):
    """The page's main content. The one function that knows the theme (Material for MkDocs)."""
    soup = BeautifulSoup(markup, "lxml")
    article = soup.select_one("article.md-content__inner")
    if article is None:
        raise PdfError(f"{source}: no main content found in the built page")
    for junk in article.select(
        "a.headerlink, a.md-content__button, .md-source-file, script, "
        ".md-feedback, .hb-pdf-button, .hb-actions, .hb-pdf-meta"
    ):
        junk.decompose()
    return soup, article


def _key(path: str) -> str:
    return "p-" + re.sub(r"[^a-z0-9]+", "-", path[:-3].lower()).strip("-")


def _classes(tag: Tag) -> list[str]:
    return tag.get("class") or []


def _level(tag) -> int:
    return int(tag.name[1]) if isinstance(tag, Tag) and tag.name in HEADINGS else 0


def _siblings(tag: Tag, direction: str = "next"):
    node = getattr(tag, f"{direction}_sibling")
    while node is not None:
        if isinstance(node, Tag):
            yield node
        node = getattr(node, f"{direction}_sibling")


def drop_web_only(article: Tag) -> None:
    """Elements with the class web-only go; a web-only heading takes its section with it."""
    for element in article.select(".web-only"):
        if element.decomposed:
            continue
        level = _level(element)
        if level:
            for follower in list(_siblings(element)):
                if 0 < _level(follower) <= level:
                    break
                follower.decompose()
        element.decompose()


def plain_glossary_terms(article: Tag) -> None:
    """Glossary terms read as plain words on paper: no hover definitions, no marking."""
    for definition in article.select(".hb-term-def"):
        definition.decompose()
    for term in article.select("[aria-describedby]"):
        del term["aria-describedby"]
    for abbr in article.find_all("abbr"):
        abbr.unwrap()


def _blank(cell: Tag) -> bool:
    return not cell.get_text(strip=True) and cell.find(["img", "input", "textarea"]) is None


def _write_row(row: Tag) -> bool:
    """A row to write in: empty, or empty but for a label in its first cell."""
    cells = row.find_all("td")
    return len(cells) > 1 and all(_blank(td) for td in cells[1:])


def mark_writing_tables(article: Tag) -> None:
    """Tables with at least two rows to write in (empty, or empty but for a label in the first cell) are
    templates: rows of 10 mm, room to write in every column; wide ones get a landscape page."""
    for table in article.find_all("table"):
        rows = [row for row in table.select("tbody tr") if _write_row(row)]
        if len(rows) < 2:
            continue
        for row in rows:
            row["class"] = [*_classes(row), "hb-write-row"]
        table["class"] = [*_classes(table), "hb-write-table"]
        columns = max(len(row.find_all(["td", "th"])) for row in table.find_all("tr"))
        if columns >= WIDE_TABLE_COLUMNS:
            table["class"].append("hb-wide")
        # Room to write: a column to fill in gets a share by its heading (10 to 20 letters' worth), a
        # column of given labels 14; the table's own widths would follow the headings alone.
        headers = [th.get_text(" ", strip=True) for th in table.select("thead th")]
        headers += [""] * (columns - len(headers))
        body = [row.find_all("td") for row in table.select("tbody tr")]
        weights = []
        for index, header in enumerate(headers):
            filled = any(index < len(cells) and not _blank(cells[index]) for cells in body)
            weights.append(14 if filled else min(max(len(header), 10), 20))
        colgroup = BeautifulSoup("", "lxml").new_tag("colgroup")
        for weight in weights:
            colgroup.append(
                BeautifulSoup("", "lxml").new_tag("col", attrs={"style": f"width: {100 * weight / sum(weights):.2f}%"})
            )
        table.insert(0, colgroup)


def _is_answer(tag: Tag) -> bool:
    return (tag.name == "div" and "hb-field" in _classes(tag)) or (tag.name == "ul" and "task-list" in _classes(tag))


def _short_text(tag: Tag) -> bool:
    """A paragraph of a few lines: the hint under a question (not a picture, not a long text)."""
    return tag.name == "p" and tag.find(["img", "svg", "table"]) is None and len(tag.get_text()) <= 400


def group_questions(soup: BeautifulSoup, article: Tag) -> None:
    """Each question stays on one page with its answer field: the heading (and the heading above it, if
    nothing stands between them), the hint and the field or checklist become one unbreakable group."""
    for answer in [t for t in article.find_all(["div", "ul"]) if _is_answer(t)]:
        if answer.parent is None or answer.find_parent(class_="hb-question") is not None:
            continue
        members = [answer]
        for previous in _siblings(answer, "previous"):
            if _level(previous):
                members.insert(0, previous)
                # The section heading above the question (and one paragraph under it) comes along.
                above = [t for _, t in zip(range(2), _siblings(previous, "previous"), strict=False)]
                if above and _level(above[0]) and _level(above[0]) < _level(previous):
                    members.insert(0, above[0])
                elif (
                    len(above) == 2
                    and _short_text(above[0])
                    and _level(above[1])
                    and _level(above[1]) < _level(previous)
                ):
                    members[:0] = [above[1], above[0]]
                break
            if not _short_text(previous) or len(members) > 2:
                break
            members.insert(0, previous)
        if len(members) == 1:
            continue
        group = soup.new_tag("div", attrs={"class": "hb-question"})
        members[0].insert_before(group)
        for member in members:
            group.append(member.extract())
    # A closing remark of a line or two after the last question stays with it, not alone on a page.
    children = [c for c in article.children if isinstance(c, Tag)]
    tail = []
    while children and _short_text(children[-1]) and len(tail) < 2:
        tail.insert(0, children.pop())
    if tail and children and "hb-question" in _classes(children[-1]):
        for paragraph in tail:
            children[-1].append(paragraph.extract())


def landscape_sections(soup: BeautifulSoup, article: Tag) -> None:
    """In the worksheets, a wide writing table moves onto a landscape page together with the heading and
    text introducing it, and with everything before it in the chapter when the table is in the chapter's
    first section (so that the worksheet does not begin with a page holding only its title).

    The handbook keeps such a table on a portrait page at the full width of the paper: a landscape page in
    the running text would leave the page before it part empty."""
    for table in article.select("table.hb-wide"):
        anchor = table.find_parent("div", class_="md-typeset__table") or table
        while anchor.parent is not article and anchor.parent is not None:
            anchor = anchor.parent
        members = [anchor]
        for previous in _siblings(anchor, "previous"):
            members.insert(0, previous)
            if _level(previous) and _level(previous) <= 3:
                break
        before = list(_siblings(members[0], "previous"))
        if len(before) <= 3 and all(_level(t) == 1 or t.name in ("p", "div") and not t.find("table") for t in before):
            members = [*reversed(before), *members]
        wrapper = soup.new_tag("div", attrs={"class": "hb-landscape"})
        members[0].insert_before(wrapper)
        for member in members:
            wrapper.append(member.extract())


@dataclass
class _Links:
    url: str  # site-relative URL of the page
    url_to_key: dict  # site-relative URL -> chapter key, for every page in this PDF
    site_url: str
    h1_id: str | None
    own_pdf: str  # site-relative path of the PDF being made
    print_site_urls: bool  # print the web address of pages that are not in this PDF


def _resolve(href: str, url: str) -> tuple[str, str] | None:
    """(site-relative target path, fragment) of a relative link; None for other schemes."""
    split = urlsplit(href)
    if split.scheme or href.startswith("//"):
        return None
    if not split.path:
        return url, split.fragment
    target = posixpath.normpath(posixpath.join(url, split.path))
    target = "" if target == "." else target
    return target, split.fragment


def _rewrite_link(a: Tag, links: _Links) -> None:
    href = a["href"]
    resolved = _resolve(href, links.url)
    if resolved is None:
        a["class"] = [*_classes(a), "external"]
        return
    target, fragment = resolved
    if target == links.own_pdf:
        a["data-hb-self"] = "1"
        return
    if target == links.url and not urlsplit(href).path:
        own = links.url_to_key[links.url]
        a["href"] = f"#{own}" if not fragment or fragment == links.h1_id else f"#{own}--{fragment}"
        return
    lookup = target if target.endswith("/") or "." in posixpath.basename(target) else target + "/"
    lookup = "" if lookup == "/" else lookup
    key = links.url_to_key.get(lookup)
    if key is None:
        a["href"] = links.site_url + lookup + (f"#{fragment}" if fragment else "")
        a["class"] = [*_classes(a), "external" if links.print_site_urls else "site"]
        return
    a["href"] = f"#{key}--{fragment}" if fragment else f"#{key}"


def _drop_self_links(article: Tag) -> None:
    """A link to the PDF itself means nothing inside it: the link goes, its paragraph if emptied, and the
    line introducing it ("Das ganze Handbuch in einer Datei:")."""
    for a in article.select("a[data-hb-self]"):
        parent = a.parent
        a.decompose()
        if (
            parent is not None
            and parent is not article
            and parent.name in ("p", "li")
            and not parent.get_text(strip=True)
            and parent.find(["img", "input"]) is None
        ):
            lead_in = next(_siblings(parent, "previous"), None)
            if lead_in is not None and lead_in.name == "p" and lead_in.get_text(strip=True).endswith(":"):
                lead_in.decompose()
            parent.decompose()


def collect(site: Path, config: dict, lang: str, *, kind: str = "book", docs: Path = DOCS) -> list[Part]:
    """Read the built pages of one PDF in navigation order and prepare them for paper."""
    strings = config["extra"]["strings"][lang]
    prefix = project.of_config(config).prefix(lang)
    parts = pdf_parts(config, lang, kind, docs)
    url_to_key = {page_url(p, prefix): _key(p) for _, paths in parts for p in paths}
    site_url = config["site_url"].rstrip("/") + "/"
    own_pdf = strings["pdf_url"] if kind == "book" else strings["worksheets_pdf_url"]
    result = []
    for index, (title, paths) in enumerate(parts, 1):
        part = Part(title, f"part-{index}")
        for path in paths:
            source = f"docs/{lang}/{path}"
            url = page_url(path, prefix)
            built = site / url / "index.html"
            if not built.exists():
                raise PdfError(f"{source}: built page {built} is missing")
            soup, article = extract_article(built.read_text(encoding="utf-8"), source)
            key = _key(path)
            h1 = article.find("h1")
            if h1 is None:
                raise PdfError(f"{source}: the page has no H1 title")
            drop_web_only(article)
            plain_glossary_terms(article)
            h1_id = h1.get("id")
            for el in article.find_all(id=True):
                el["id"] = f"{key}--{el['id']}"
            h1["id"] = key
            links = _Links(url, url_to_key, site_url, h1_id, own_pdf, print_site_urls=kind == "book")
            for a in article.find_all("a", href=True):
                _rewrite_link(a, links)
            _drop_self_links(article)
            for term in article.select("a.hb-term"):
                if not term["href"].startswith("#"):  # the glossary is not in this PDF
                    term.unwrap()
            for img in article.find_all("img"):
                src = img.get("src", "")
                if urlsplit(src).scheme:
                    raise PdfError(
                        f"{source}: image {src} is loaded from another address; put the file under docs/assets/ instead"
                    )
                target = (site / posixpath.normpath(posixpath.join(url, src))).resolve()
                if not target.is_file():
                    raise PdfError(f"{source}: image {src} not found (looked for {target})")
                img["src"] = target.as_uri()
                if not img.get("alt"):
                    raise PdfError(f"{source}: image {src} has no alt text")
            mark_writing_tables(article)
            group_questions(soup, article)
            if kind == "worksheets":
                landscape_sections(soup, article)
            part.chapters.append(Chapter(source, key, h1.get_text(" ", strip=True), article.decode_contents()))
        result.append(part)
    return result


# --- document ------------------------------------------------------------------------------------


def json_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _language_css(strings: dict) -> str:
    page, of = json_str(strings["pdf_page"]), json_str(strings["pdf_of"])
    return f'@page {{ @bottom-center {{ content: {page} " " counter(page) " " {of} " " counter(pages); }} }}'


def direction(config: dict, lang: str) -> str:
    """ "rtl" or "ltr": the language's block in mkdocs.yml (theme.direction) or its locale (scripts/project.py)."""
    return project.of_config(config).language(lang).direction


def _head(lang: str, title: str, subject: str, config: dict, ed: Edition) -> str:
    esc = html.escape
    # dir only for a right-to-left language: WeasyPrint lays out the text and the pages' order from it
    rtl = ' dir="rtl"' if direction(config, lang) == "rtl" else ""
    return f"""<!DOCTYPE html>
<html lang="{lang}"{rtl}><head><meta charset="utf-8">
<title>{esc(title)}</title>
<meta name="author" content="{esc(config.get("site_author", ""))}">
<meta name="description" content="{esc(subject)}">
<meta name="dcterms.created" content="{ed.iso}">
<meta name="dcterms.modified" content="{ed.iso}">
<meta name="generator" content="Digitale Teilhabe handbook build (WeasyPrint)">
</head>"""


def _edition_lines(strings: dict, lang: str, ed: Edition) -> str:
    esc = html.escape
    line = f"{strings['pdf_edition']} {ed.month(lang)}"
    if ed.tag:
        line += f" · {strings['pdf_release']} {ed.tag}"
    return (
        f'<p class="cover-edition">{esc(line)}</p>'
        f'<p class="cover-small">{esc(strings["pdf_commit"])} {esc(ed.commit)}</p>'
    )


def contents(parts: list[Part], *, with_parts: bool = True) -> str:
    esc = html.escape
    if not with_parts:
        items = "".join(
            f'<li class="toc-page"><a href="#{c.key}">{esc(c.title)}</a></li>' for part in parts for c in part.chapters
        )
        return f"<ol>{items}</ol>"
    toc = []
    for part in parts:
        items = "".join(f'<li class="toc-page"><a href="#{c.key}">{esc(c.title)}</a></li>' for c in part.chapters)
        toc.append(
            f'<li class="toc-part" id="toc-{part.key}"><a href="#{part.key}">{esc(part.title)}</a><ol>{items}</ol></li>'
        )
    return f"<ol>{''.join(toc)}</ol>"


def assemble(
    parts: list[Part],
    lang: str,
    strings: dict,
    config: dict,
    ed: Edition,
    *,
    title: str,
    form: bool = False,
    toc_only: bool = False,
) -> str:
    """The handbook (form=False) or the worksheets (form=True) as one HTML document."""
    esc = html.escape
    if form:
        return _assemble_worksheets(parts, lang, strings, config, ed, title=title)
    site_url = config["site_url"].rstrip("/") + "/" + strings["home_url"]
    body = []
    for part in parts:
        body.append(f'<h1 class="part-title" id="{part.key}">{esc(part.title)}</h1>')
        for chapter in part.chapters:
            body.append(f'<section class="chapter" data-source="{esc(chapter.source)}">{chapter.body}</section>')
    return f"""{_head(lang, title, strings["pdf_subtitle"], config, ed)}<body class="book">
<section class="cover">
  <p class="cover-kicker">{esc(strings["pdf_kicker"])}</p>
  <p class="cover-title" role="heading" aria-level="1">{esc(title)}</p>
  <p class="cover-subtitle">{esc(strings["pdf_subtitle"])}</p>
  {_edition_lines(strings, lang, ed)}
  <div class="cover-meta">
    <p>{esc(strings["pdf_online"])} <a href="{esc(site_url)}">{esc(site_url)}</a></p>
    <p>{esc(strings["pdf_licence"])}</p>
  </div>
</section>
<nav class="toc"><h1 id="toc">{esc(strings["pdf_contents"])}</h1>{contents(parts)}</nav>
{"" if toc_only else "".join(body)}
</body></html>"""


def _assemble_worksheets(parts: list[Part], lang: str, strings: dict, config: dict, ed: Edition, *, title: str) -> str:
    esc = html.escape
    online = config["site_url"].rstrip("/") + "/" + page_url(WORKSHEETS_SECTION + "index.md", strings["home_url"])
    body = [
        f'<section class="chapter sheet" data-source="{esc(c.source)}">{c.body}</section>'
        for part in parts
        for c in part.chapters
    ]
    return f"""{_head(lang, title, strings["pdf_worksheets_subtitle"], config, ed)}<body class="form">
<section class="cover sheet-cover">
  <div class="cover-band">
    <p class="cover-title" role="heading" aria-level="1">{esc(title)}</p>
    <p class="cover-subtitle">{esc(strings["pdf_worksheets_subtitle"])}</p>
  </div>
  <div class="cover-body">
    <p class="cover-intro">{esc(strings["pdf_worksheets_intro"])}</p>
    <nav class="toc sheet-toc"><h2 id="toc">{esc(strings["pdf_contents"])}</h2>{contents(parts, with_parts=False)}</nav>
    <div class="cover-meta">
      {_edition_lines(strings, lang, ed)}
      <p>{esc(strings["pdf_online"])} <a href="{esc(online)}">{esc(online)}</a></p>
      <p>{esc(strings["pdf_licence"])}</p>
    </div>
  </div>
</section>
{"".join(body)}
</body></html>"""


def _field_height_mm(lines: int) -> float:
    return SHORT_FIELD_MM if lines <= 1 else max(lines, MIN_FREE_TEXT_LINES) * LINE_MM


def make_fillable(markup: str) -> str:
    """Answer boxes become text fields sized to the answer, checklist items check boxes, and the empty cells
    of tables to write in multi-line text fields. Names are stable: chapter, question and a number."""
    soup = BeautifulSoup(markup, "lxml")
    used: dict[str, int] = {}

    def name(element: Tag, suffix: str = "") -> str:
        chapter = element.find_parent("section", class_="chapter")
        heading = None
        for candidate in element.find_all_previous(HEADINGS):
            heading = candidate
            break
        base = (
            heading.get("id")
            if heading is not None and heading.get("id")
            else chapter.get("data-source", "field")
            if chapter is not None
            else "field"
        )
        base = re.sub(r"[^A-Za-z0-9-]+", "-", base + suffix).strip("-")
        used[base] = used.get(base, 0) + 1
        return base if used[base] == 1 else f"{base}-{used[base]}"

    count = 0
    for box in soup.select("div.hb-field"):
        lines = int(box.get("data-lines", "3") or 3)
        label = box.get("data-label", "")
        height = f"height: {_field_height_mm(lines):.1f}mm"
        if lines <= 1:
            control = soup.new_tag(
                "input",
                attrs={
                    "type": "text",
                    "name": name(box),
                    "title": label,
                    "class": "hb-answer hb-answer-short",
                    "style": height,
                },
            )
        else:
            control = soup.new_tag(
                "textarea",
                attrs={
                    "name": name(box),
                    "title": label,
                    "rows": str(max(lines, MIN_FREE_TEXT_LINES)),
                    "class": "hb-answer hb-answer-long",
                    "style": height,
                },
            )
        box.replace_with(control)
        count += 1
    for checkbox in soup.select(".task-list-item input[type=checkbox]"):
        del checkbox["disabled"]
        item = checkbox.find_parent("li")
        checkbox["name"] = name(checkbox, "-check")
        checkbox["title"] = (checkbox.get("aria-label") or (item.get_text(" ", strip=True) if item else ""))[:200]
        count += 1
    for table in soup.select("section.chapter table.hb-write-table"):
        headers = [th.get_text(" ", strip=True) for th in table.select("thead th")]
        for row_no, row in enumerate(table.select("tbody tr.hb-write-row"), 1):
            for col, cell in enumerate(row.find_all("td")):
                if _blank(cell):
                    label = headers[col] if col < len(headers) else ""
                    cell["class"] = [*_classes(cell), "hb-cell-field"]
                    cell.append(
                        soup.new_tag(
                            "textarea",
                            attrs={
                                "name": name(table, f"-r{row_no}-c{col + 1}"),
                                "title": f"{label} {row_no}".strip(),
                                "class": "hb-answer hb-answer-cell",
                                "rows": "2",
                            },
                        )
                    )
                    count += 1
    if count == 0:
        raise PdfError("the worksheet pages have no answer fields (div.hb-field, task lists, empty table cells)")
    return str(soup)


# --- rendering -----------------------------------------------------------------------------------


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.failures: list[str] = []

    def emit(self, record):
        message = record.getMessage()
        if "Failed" in message or "failed" in message or "Error" in message:
            self.failures.append(message)


class _Progress(logging.Handler):
    def __init__(self, label: str):
        super().__init__(logging.INFO)
        self.label = label
        self.last_page = 0

    def emit(self, record):
        message = record.getMessage()
        if not message.startswith(("Step 4", "Step 5", "Step 6")):
            return
        page = re.search(r"Page (\d+)", message)
        if page:
            number = int(page.group(1))
            if number - self.last_page < 25:
                return
            self.last_page = number
        print(f"[pdf {self.label}] {message}", flush=True)


def _fetcher(site: Path):
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    allowed = [site.resolve(), ROOT.resolve() / "docs" / "assets"]

    class LocalOnly(URLFetcher):
        """Files of the built site only: nothing is fetched from the network."""

        def fetch(self, url, headers=None):
            scheme = urlsplit(url).scheme
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme != "file":
                raise FatalURLFetchingError(f"refusing to fetch {url}: the PDF uses local files only")
            path = Path(urlsplit(url).path).resolve()
            if not any(path.is_relative_to(base) for base in allowed):
                raise FatalURLFetchingError(f"refusing to read {path}: outside the site")
            if not path.is_file():
                raise FatalURLFetchingError(f"missing file {path}")
            return super().fetch(url, headers)

    return LocalOnly()


def _appearance_streams(document, pdf) -> None:
    """Every form field gets an appearance stream (/AP /N): WeasyPrint writes none for text fields, and a
    check box only its checked look. Empty fields look empty; their frame is drawn on the page. With an
    appearance for every field, /NeedAppearances is false (poppler redraws fields over the table rules
    otherwise); a viewer makes the appearance of what the reader types."""
    import pydyf

    def empty(width: float, height: float):
        stream = pydyf.Stream(
            [b"/Tx BMC EMC"],
            {"Type": "/XObject", "Subtype": "/Form", "BBox": pydyf.Array((0, 0, round(width, 3), round(height, 3)))},
        )
        pdf.add_object(stream)
        return stream.reference

    form = pdf.catalog.get("AcroForm")
    if form is not None:  # every field has its appearance: viewers need not make their own
        form["NeedAppearances"] = "false"
    for obj in list(pdf.objects):
        if not isinstance(obj, pydyf.Dictionary) or obj.get("Subtype") != "/Widget":
            continue
        x1, y1, x2, y2 = (float(v) for v in obj["Rect"])
        width, height = abs(x2 - x1), abs(y2 - y1)
        if "AP" not in obj:
            obj["AP"] = pydyf.Dictionary({"N": empty(width, height)})
        elif obj.get("FT") == "/Btn" and "Off" not in obj["AP"]["N"]:
            obj["AP"]["N"]["Off"] = empty(width, height)


def _layout(document: str, site: Path, stylesheets: list, fonts, fetcher, forms: bool = False):
    from weasyprint import HTML

    return HTML(string=document, base_url=str(site) + "/", url_fetcher=fetcher).render(
        stylesheets=stylesheets, font_config=fonts, pdf_variant="pdf/ua-1", pdf_forms=forms
    )


def _content_bottom(page) -> float:
    """How far down the page (in CSS px from the top) its text reaches."""
    from weasyprint.formatting_structure.boxes import LineBox

    bottom = 0.0
    for box in page._page_box.descendants():
        if isinstance(box, LineBox):
            bottom = max(bottom, box.position_y + box.height)
    return bottom


# Densities of the printed contents, from airy to compact: font size, line height, gap above a part and
# above an entry. The first that fits on one page wins; if none does, the contents fill two pages.
TOC_DENSITIES = [(11.0, 1.35, 5.0, 1.2), (10.5, 1.3, 4.0, 0.8), (10.0, 1.25, 3.2, 0.5), (9.5, 1.2, 2.6, 0.2)]


def _toc_css(density: tuple, break_before: str | None = None) -> str:
    size, leading, part_gap, item_gap = density
    css = (
        f".book .toc {{ font-size: {size}pt; line-height: {leading}; }}\n"
        f".book .toc .toc-part > a {{ margin-top: {part_gap}mm; }}\n"
        f".book .toc .toc-page > a {{ margin-top: {item_gap}mm; }}\n"
    )
    if break_before:
        css += f".book .toc #{break_before} {{ break-before: page; }}\n"
    return css


def fit_contents(
    parts: list[Part],
    lang: str,
    strings: dict,
    config: dict,
    ed: Edition,
    title: str,
    site: Path,
    stylesheets: list,
    fonts,
    fetcher,
) -> str:
    """CSS that makes the printed contents end cleanly: one page, or two well-filled pages that break
    between parts. Measured by laying out the cover and the contents alone (fast)."""
    from weasyprint import CSS

    probe = assemble(parts, lang, strings, config, ed, title=title, toc_only=True)
    numbers = CSS(string='.toc a::after { content: leader(".") " 000"; }', font_config=fonts)

    def pages(css: str) -> int:
        doc = _layout(probe, site, [*stylesheets, CSS(string=css, font_config=fonts), numbers], fonts, fetcher)
        return len(doc.pages) - 1

    for density in TOC_DENSITIES:
        if pages(_toc_css(density)) == 1:
            return _toc_css(density)
    # Two pages: break before the part that splits the entries most evenly.
    sizes = [1 + len(p.chapters) for p in parts]
    total, running, best, best_gap = sum(sizes), 0, None, None
    for index, size in enumerate(sizes[:-1]):
        running += size
        gap = abs(total / 2 - running)
        if best_gap is None or gap < best_gap:
            best, best_gap = parts[index + 1].key, gap
    for density in TOC_DENSITIES:
        css = _toc_css(density, f"toc-{best}")
        if pages(css) == 2:
            return css
    return _toc_css(TOC_DENSITIES[-1])


def render(
    document: str,
    target: Path,
    site: Path,
    label: str,
    *,
    forms: bool = False,
    extra_css: str = "",
    fit: tuple | None = None,
) -> dict:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    started = time.perf_counter()
    failures, progress = _Collect(), _Progress(label)
    logger, progress_logger = logging.getLogger("weasyprint"), logging.getLogger("weasyprint.progress")
    logger.addHandler(failures)
    progress_logger.addHandler(progress)
    progress_logger.setLevel(logging.INFO)
    progress_logger.propagate = False
    fetcher = _fetcher(site)
    tmp = target.with_suffix(".pdf.tmp")
    try:
        fonts = FontConfiguration()
        stylesheets = [
            CSS(filename=str(site / "assets" / "stylesheets" / "fonts.css"), url_fetcher=fetcher, font_config=fonts),
            CSS(filename=str(CSS_FILE), url_fetcher=fetcher, font_config=fonts),
        ]
        if extra_css:
            stylesheets.append(CSS(string=extra_css, font_config=fonts))
        if fit is not None:
            stylesheets.append(CSS(string=fit_contents(*fit, site, stylesheets, fonts, fetcher), font_config=fonts))
        doc = _layout(document, site, stylesheets, fonts, fetcher, forms)
        # The same sources give the same identifier wherever the site was built.
        portable = document.replace(site.resolve().as_uri(), "")
        identifier = hashlib.sha256(portable.encode()).hexdigest()[:32].encode()
        target.parent.mkdir(parents=True, exist_ok=True)
        doc.write_pdf(
            tmp,
            pdf_variant="pdf/ua-1",
            pdf_forms=forms,
            pdf_identifier=identifier,
            finisher=_appearance_streams if forms else None,
        )
    except FatalURLFetchingError as err:
        raise PdfError(f"{target.name}: {err}") from None
    finally:
        logger.removeHandler(failures)
        progress_logger.removeHandler(progress)
    if failures.failures:
        tmp.unlink(missing_ok=True)
        raise PdfError(f"{target.name}: " + "; ".join(failures.failures))
    os.replace(tmp, target)
    seconds = time.perf_counter() - started
    info = {"file": str(target), "pages": len(doc.pages), "bytes": target.stat().st_size, "seconds": round(seconds, 2)}
    print(
        f"[pdf {label}] done: {len(doc.pages)} pages, {info['bytes'] / 1e6:.2f} MB, "
        f"{seconds:.1f} s -> {target.relative_to(site) if target.is_relative_to(site) else target}",
        flush=True,
    )
    return info


def job(site: Path, lang: str, kind: str, root: Path | None = None) -> dict:
    """Make one PDF: kind is "book" (the whole handbook) or "worksheets" (fillable). root: the sources
    the site was built from (a sandbox copy), else the repository."""
    if kind not in KINDS:
        raise PdfError(f"unknown PDF kind {kind!r}; known: {', '.join(KINDS)}")
    config = project.load(Path(root) if root else project.ROOT).config
    strings = config["extra"]["strings"][lang]
    ed = edition()
    label = f"{lang} {kind}"
    parts = collect(site, config, lang, kind=kind, docs=Path(root) / "docs" if root else DOCS)
    print(f"[pdf {label}] {sum(len(p.chapters) for p in parts)} pages collected, laying out …", flush=True)
    title = strings["pdf_title"] if kind == "book" else strings["pdf_worksheets_title"]
    document = assemble(parts, lang, strings, config, ed, title=title, form=kind == "worksheets")
    if kind == "worksheets":
        document = make_fillable(document)
    url = strings["pdf_url"] if kind == "book" else strings["worksheets_pdf_url"]
    fit = (parts, lang, strings, config, ed, title) if kind == "book" else None
    info = render(
        document, site / url, site, label, forms=kind == "worksheets", extra_css=_language_css(strings), fit=fit
    )
    from scripts import guard  # the size limit for a finished PDF (issue 14)

    if problem := guard.pdf_size_problem(site / url):
        raise PdfError(problem)
    return {**info, "lang": lang, "kind": kind, "url": url}


# --- download links ------------------------------------------------------------------------------

PDF_LINK = re.compile(r'(<a\b[^>]*?\bhref=")([^"]+\.pdf)("[^>]*>)(.*?)(</a>)', re.S)
META = re.compile(r'<span class="hb-pdf-meta">.*?</span>', re.S)
TITLE = re.compile(r'(\btitle=")([^"]*)(")')
LABEL_END = re.compile(r'(<span class="hb-pdf-button__label">.*?)(</span>)', re.S)


def size_label(info: dict, strings: dict, lang: str) -> str:
    """ "PDF, 0,4 MB, 74 Seiten" in the language of the page."""
    from babel.numbers import format_decimal

    megabytes = max(info["bytes"] / 1e6, 0.1)
    size = format_decimal(round(megabytes, 1), format="0.0", locale=lang)
    return strings["pdf_download_meta"].format(size=size, pages=info["pages"])


def annotate_download_links(site: Path, results: list[dict], config: dict | None = None) -> int:
    """Every link to one of the PDFs in the built pages states its size and page count (in the language of
    the page): " (PDF, 0,4 MB, 74 Seiten)" after the link text, and in the link's title. Returns the
    number of links annotated. Run again, it replaces its earlier annotation."""
    config = config or project.load().config
    site = Path(site)
    by_url = {r["url"]: r for r in results}
    described = project.of_config(config)
    count = 0
    for page in sorted(site.rglob("*.html")):
        relative = page.relative_to(site).as_posix()
        lang = described.locale_at(relative)
        strings = config["extra"]["strings"][lang]
        text = page.read_text(encoding="utf-8")
        if ".pdf" not in text:
            continue
        url = posixpath.dirname(relative)
        url = url + "/" if url else ""

        def annotate(match: re.Match, url=url, strings=strings, lang=lang) -> str:
            nonlocal count
            target = posixpath.normpath(posixpath.join(url, match.group(2)))
            info = by_url.get(target)
            if info is None:
                return match.group(0)
            meta = f"({size_label(info, strings, lang)})"
            opening = match.group(3)
            if TITLE.search(opening):
                opening = TITLE.sub(
                    lambda t: (
                        t.group(1) + re.sub(r" \(PDF, [^)]*\)$", "", t.group(2)) + f" {html.escape(meta)}" + t.group(3)
                    ),
                    opening,
                    count=1,
                )
            inner = META.sub("", match.group(4))
            span = f'<span class="hb-pdf-meta"> {html.escape(meta)}</span>'
            if LABEL_END.search(inner):
                inner = LABEL_END.sub(lambda m: m.group(1) + span + m.group(2), inner, count=1)
            else:
                inner = inner.rstrip() + span
            count += 1
            return match.group(1) + match.group(2) + opening + inner + match.group(5)

        changed = PDF_LINK.sub(annotate, text)
        if changed != text:
            page.write_text(changed, encoding="utf-8")
    return count


def build_all(site: Path, jobs: int | None = None) -> list[dict]:
    """All PDFs of all languages, two at a time on two cores; then the download links state their sizes."""
    site = Path(site).resolve()
    tasks = [(site, lang, kind) for kind in KINDS for lang in project.load().locales]
    workers = jobs or min(len(tasks), os.cpu_count() or 1, 2)
    started = time.perf_counter()
    print(f"[pdf] making {len(tasks)} PDFs with {workers} worker(s)", flush=True)
    try:
        results = run_jobs(job, tasks, workers)
    except OSError as err:  # disk full, read-only folder: say what to do instead of a traceback
        raise PdfError(filesystem.os_error_message(err, site)) from None
    links = annotate_download_links(site, results)
    print(
        f"[pdf] all PDFs done in {time.perf_counter() - started:.1f} s; {links} download links state size and pages",
        flush=True,
    )
    return results


# --- worker processes ----------------------------------------------------------------------------

PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Pool initializer: the worker gets SIGKILL when the build process ends, however it ends (kill -9
    included), instead of living on under PID 1 (Linux prctl; elsewhere SIGTERM still cleans up)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (AttributeError, OSError):
            pass
    if os.getppid() != parent:  # the build died before prctl took effect
        os._exit(1)


def _pool(workers: int) -> ProcessPoolExecutor:
    """Workers forked from this process (so that PR_SET_PDEATHSIG refers to the build, also on Pythons
    whose default start method is forkserver) that die with it."""
    import multiprocessing

    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_die_with_parent, initargs=(os.getpid(),)
    )


def _stop(pool: ProcessPoolExecutor) -> None:
    """End the workers now: the build failed or was stopped, and their PDFs are not wanted."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()
    for process in processes:
        process.join(timeout=5)


def run_jobs(function, tasks: list[tuple], workers: int) -> list:
    """function(*task) for every task, in worker processes when workers > 1; results in task order. On
    any failure or interruption (SIGTERM raised as an exception, Ctrl+C) the workers are killed first."""
    if workers <= 1:
        return [function(*task) for task in tasks]
    pool = _pool(workers)
    try:
        futures = [pool.submit(function, *task) for task in tasks]
        results = [f.result() for f in futures]
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown(wait=True)
    return results


if __name__ == "__main__":  # pragma: no cover - handy for debugging one language
    build_all(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "site")
