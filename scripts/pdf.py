"""The PDF handbook per language, made from the built HTML site with WeasyPrint.

Works from `site/` alone (plus mkdocs.yml for the page order and strings), so it keeps working if the
site generator changes: only `extract_article()` knows the theme's markup. See decisions/0001-pdf.md.

Output per language (paths from mkdocs.yml extra.strings):
  site/pdf/handbuch.pdf, site/pdf/arbeitsblaetter.pdf, site/en/pdf/handbook.pdf, site/en/pdf/worksheets.pdf
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
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from bs4 import BeautifulSoup

from scripts.checks import page_url
from scripts.environment import ROOT

CSS_FILE = Path(__file__).with_name("pdf.css")
WORKSHEETS_SECTION = "worksheets/"
MONTHS = {
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"],
}


class PdfError(RuntimeError):
    """A PDF could not be made as it should be; the message names the file."""


# --- configuration -----------------------------------------------------------------------------

class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml with its !ENV tags (their default value is enough here)."""


def _env_tag(loader, node):
    if isinstance(node, yaml.SequenceNode):
        values = loader.construct_sequence(node)
        return os.environ.get(values[0], values[-1]) if values else None
    return os.environ.get(loader.construct_scalar(node))


_ConfigLoader.add_constructor("!ENV", _env_tag)


def load_config(path: Path = ROOT / "mkdocs.yml") -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_ConfigLoader)


def i18n_config(config: dict) -> dict:
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "i18n" in plugin:
            return plugin["i18n"]
    raise PdfError("mkdocs.yml: no i18n plugin configured")


def languages(config: dict) -> list[str]:
    return [lang["locale"] for lang in i18n_config(config)["languages"] if lang.get("build", True)]


def default_language(config: dict) -> str:
    return next(l["locale"] for l in i18n_config(config)["languages"] if l.get("default"))


def nav_parts(config: dict, lang: str) -> list[tuple[str, list[str]]]:
    """[(translated part title, [page paths])] in navigation order."""
    lang_cfg = next(l for l in i18n_config(config)["languages"] if l["locale"] == lang)
    translations = lang_cfg.get("nav_translations") or {}
    parts = []
    for entry in config["nav"]:
        if isinstance(entry, dict):
            (title, children), = entry.items()
            paths = [c if isinstance(c, str) else next(iter(c.values())) for c in children]
            parts.append((translations.get(title, title), paths))
        else:
            parts.append(("", [entry]))
    return parts


@dataclass
class Edition:
    label: str
    iso: str
    date: datetime

    def display(self, lang: str) -> str:
        month = MONTHS[lang][self.date.month - 1]
        return (f"{self.date.day}. {month} {self.date.year}" if lang == "de"
                else f"{self.date.day} {month} {self.date.year}")


def edition() -> Edition:
    """Edition and date of the last commit (also in a shallow clone); SOURCE_DATE_EPOCH wins."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    log = git("log", "-1", "--format=%cI")
    if os.environ.get("SOURCE_DATE_EPOCH"):
        date = datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"])).astimezone()
    elif log.returncode == 0 and log.stdout.strip():
        date = datetime.fromisoformat(log.stdout.strip())
    else:
        raise PdfError("cannot read the date of the last commit: build from a git clone "
                       "or set SOURCE_DATE_EPOCH")
    described = git("describe", "--tags", "--always", "--dirty=+")
    label = described.stdout.strip() if described.returncode == 0 else "unversioned"
    return Edition(label, date.isoformat(timespec="seconds"), date)


# --- pages ---------------------------------------------------------------------------------------

@dataclass
class Chapter:
    source: str          # docs/<lang>/<path>.md, for messages
    key: str             # unique anchor of the chapter inside the PDF
    title: str
    body: str            # processed article HTML


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
    for junk in article.select("a.headerlink, a.md-content__button, .md-source-file, script, "
                               ".md-feedback, .hb-pdf-button"):
        junk.decompose()
    return soup, article


def _key(path: str) -> str:
    return "p-" + re.sub(r"[^a-z0-9]+", "-", path[:-3].lower()).strip("-")


def collect(site: Path, config: dict, lang: str, *, only: str | None = None) -> list[Part]:
    """Read the built pages of one language in navigation order and make their links PDF-internal."""
    prefix = "" if lang == default_language(config) else f"{lang}/"
    parts = [(title, [p for p in paths if only is None or p.startswith(only)])
             for title, paths in nav_parts(config, lang)]
    parts = [(title, paths) for title, paths in parts if paths]
    url_to_key = {page_url(p, prefix): _key(p) for _, paths in parts for p in paths}
    site_url = config["site_url"].rstrip("/") + "/"
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
            h1_id = h1.get("id")
            for el in article.find_all(id=True):
                el["id"] = f"{key}--{el['id']}"
            h1["id"] = key
            for a in article.find_all("a", href=True):
                a["href"] = _rewrite_link(a["href"], url, url_to_key, site_url, h1_id)
                if a["href"].startswith(("http:", "https:")):
                    a["class"] = [*a.get("class", []), "external"]
            for img in article.find_all("img"):
                src = img.get("src", "")
                if urlsplit(src).scheme:
                    raise PdfError(f"{source}: image {src} is loaded from another address; "
                                   "put the file under docs/assets/ instead")
                target = (site / posixpath.normpath(posixpath.join(url, src))).resolve()
                if not target.is_file():
                    raise PdfError(f"{source}: image {src} not found (looked for {target})")
                img["src"] = target.as_uri()
                if not img.get("alt"):
                    raise PdfError(f"{source}: image {src} has no alt text")
            part.chapters.append(Chapter(source, key, h1.get_text(" ", strip=True),
                                         article.decode_contents()))
        result.append(part)
    return result


def _rewrite_link(href: str, url: str, url_to_key: dict, site_url: str, h1_id: str | None) -> str:
    split = urlsplit(href)
    if split.scheme or href.startswith("//"):
        return href
    own_key = url_to_key.get(url)
    if not split.path:
        frag = split.fragment
        return f"#{own_key}" if not frag or frag == h1_id else f"#{own_key}--{frag}"
    target = posixpath.normpath(posixpath.join(url, split.path))
    target = "" if target == "." else target
    lookup = target if target.endswith("/") or "." in posixpath.basename(target) else target + "/"
    if lookup == "/":
        lookup = ""
    key = url_to_key.get(lookup)
    if key is None:
        return site_url + target + (f"#{split.fragment}" if split.fragment else "")
    if not split.fragment:
        return f"#{key}"
    return f"#{key}--{split.fragment}"


# --- document ------------------------------------------------------------------------------------

def _language_css(strings: dict) -> str:
    page, of = json_str(strings["pdf_page"]), json_str(strings["pdf_of"])
    return f'@page {{ @bottom-center {{ content: {page} " " counter(page) " " {of} " " counter(pages); }} }}'


def json_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def assemble(parts: list[Part], lang: str, strings: dict, config: dict, ed: Edition,
             *, title: str, form: bool = False) -> str:
    esc = html.escape
    site_url = config["site_url"].rstrip("/") + "/" + strings["home_url"]
    toc = []
    for part in parts:
        items = "".join(f'<li class="toc-page"><a href="#{c.key}">{esc(c.title)}</a></li>'
                        for c in part.chapters)
        toc.append(f'<li class="toc-part"><a href="#{part.key}">{esc(part.title)}</a><ol>{items}</ol></li>')
    body = []
    for part in parts:
        body.append(f'<h1 class="part-title" id="{part.key}">{esc(part.title)}</h1>')
        for chapter in part.chapters:
            body.append(f'<section class="chapter" data-source="{esc(chapter.source)}">{chapter.body}</section>')
    author = config.get("site_author", "")
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<title>{esc(title)}</title>
<meta name="author" content="{esc(author)}">
<meta name="description" content="{esc(strings['pdf_subtitle'])}">
<meta name="dcterms.created" content="{ed.iso}">
<meta name="dcterms.modified" content="{ed.iso}">
<meta name="generator" content="Digitale Teilhabe handbook build (WeasyPrint)">
</head><body class="{'form' if form else 'book'}">
<section class="cover">
  <p class="cover-kicker">{esc(strings['pdf_kicker'])}</p>
  <p class="cover-title" role="heading" aria-level="1">{esc(title)}</p>
  <p class="cover-subtitle">{esc(strings['pdf_subtitle'])}</p>
  <div class="cover-meta">
    <p>{esc(strings['pdf_edition'])} {esc(ed.label)} · {esc(ed.display(lang))}</p>
    <p>{esc(strings['pdf_online'])} <a href="{esc(site_url)}">{esc(site_url)}</a></p>
    <p>{esc(strings['pdf_licence'])}</p>
  </div>
</section>
<nav class="toc"><h1 id="toc">{esc(strings['pdf_contents'])}</h1><ol>{''.join(toc)}</ol></nav>
{''.join(body)}
</body></html>"""


def make_fillable(markup: str) -> str:
    """Answer boxes become text fields, checklist items check boxes, empty table cells text fields."""
    soup = BeautifulSoup(markup, "lxml")
    count = 0

    def name() -> str:
        nonlocal count
        count += 1
        return f"field-{count:03d}"

    for box in soup.select("div.hb-field"):
        lines = int(box.get("data-lines", "3"))
        area = soup.new_tag("textarea", attrs={"name": name(), "rows": str(lines),
                                               "title": box.get("data-label", "")})
        box.replace_with(area)
    for checkbox in soup.select(".task-list-item input[type=checkbox]"):
        del checkbox["disabled"]
        checkbox["name"] = name()
        item = checkbox.find_parent("li")
        checkbox["title"] = item.get_text(" ", strip=True)[:120] if item else ""
    for table in soup.select("section.chapter table"):
        headers = [th.get_text(" ", strip=True) for th in table.select("thead th")]
        for row_no, row in enumerate(table.select("tbody tr"), 1):
            for col, cell in enumerate(row.find_all("td")):
                if not cell.get_text(strip=True):
                    label = headers[col] if col < len(headers) else ""
                    cell.append(soup.new_tag("input", attrs={"type": "text", "name": name(),
                                                             "title": f"{label} {row_no}".strip()}))
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


def render(document: str, target: Path, site: Path, label: str, *, forms: bool = False,
           extra_css: str = "") -> dict:
    from weasyprint import CSS, HTML
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
    try:
        fonts = FontConfiguration()
        stylesheets = [CSS(filename=str(site / "assets" / "stylesheets" / "fonts.css"),
                           url_fetcher=fetcher, font_config=fonts),
                       CSS(filename=str(CSS_FILE), url_fetcher=fetcher, font_config=fonts)]
        if extra_css:
            stylesheets.append(CSS(string=extra_css, font_config=fonts))
        doc = HTML(string=document, base_url=str(site) + "/", url_fetcher=fetcher).render(
            stylesheets=stylesheets, font_config=fonts, pdf_variant="pdf/ua-1", pdf_forms=forms)
        # The same sources give the same identifier wherever the site was built.
        portable = document.replace(site.resolve().as_uri(), "")
        identifier = hashlib.sha256(portable.encode()).hexdigest()[:32].encode()
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".pdf.tmp")
        doc.write_pdf(tmp, pdf_variant="pdf/ua-1", pdf_forms=forms, pdf_identifier=identifier)
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
    info = {"file": str(target), "pages": len(doc.pages), "bytes": target.stat().st_size,
            "seconds": round(seconds, 2)}
    print(f"[pdf {label}] done: {len(doc.pages)} pages, {info['bytes'] / 1e6:.2f} MB, "
          f"{seconds:.1f} s -> {target.relative_to(site)}", flush=True)
    return info


def job(site: Path, lang: str, kind: str) -> dict:
    """Make one PDF: kind is "book" (the whole handbook) or "worksheets" (fillable)."""
    config = load_config()
    strings = config["extra"]["strings"][lang]
    ed = edition()
    label = f"{lang} {kind}"
    only = WORKSHEETS_SECTION if kind == "worksheets" else None
    parts = collect(site, config, lang, only=only)
    print(f"[pdf {label}] {sum(len(p.chapters) for p in parts)} pages collected, laying out …", flush=True)
    title = strings["pdf_title"] if kind == "book" else strings["pdf_worksheets_title"]
    document = assemble(parts, lang, strings, config, ed, title=title, form=kind == "worksheets")
    if kind == "worksheets":
        document = make_fillable(document)
    url = strings["pdf_url"] if kind == "book" else strings["worksheets_pdf_url"]
    return render(document, site / url, site, label, forms=kind == "worksheets",
                  extra_css=_language_css(strings))


def build_all(site: Path, jobs: int | None = None) -> list[dict]:
    """All PDFs of all languages, two at a time on two cores."""
    site = Path(site).resolve()
    config = load_config()
    tasks = [(lang, kind) for kind in ("book", "worksheets") for lang in languages(config)]
    workers = jobs or min(len(tasks), os.cpu_count() or 1, 2)
    started = time.perf_counter()
    print(f"[pdf] making {len(tasks)} PDFs with {workers} worker(s)", flush=True)
    if workers == 1:
        results = [job(site, lang, kind) for lang, kind in tasks]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(job, site, lang, kind) for lang, kind in tasks]
            results = [f.result() for f in futures]
    print(f"[pdf] all PDFs done in {time.perf_counter() - started:.1f} s", flush=True)
    return results


if __name__ == "__main__":  # pragma: no cover - handy for debugging one language
    build_all(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "site")
