"""`make bench`: how long contributors wait and how much readers download, against the budgets.

Every measurement runs several times; the table and the JSON results file give median, minimum and
maximum. Work happens in temporary directories and sandbox copies of the sources, never in docs/ or
site/. A budget is met when the median (times, scores) or the worst case (bytes) is within it.
Lighthouse's Largest Contentful Paint is held against the plain Material configuration of the same
content (PLAIN_MATERIAL), measured in the same Lighthouse session, run for run.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import platform
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from scripts import builder, environment, project
from scripts.environment import ROOT

KB = 1000  # kilobytes as in the budgets (and as browsers' network panels count them)
MB = 1000 * 1000
BENCH_NODE = ROOT / "bench"
RESULTS = ROOT / ".bench" / "results.json"
# What a sandbox needs to build the site: the sources, the theme overrides and the hooks' modules.
SANDBOX_ITEMS = ("mkdocs.yml", "docs", "overrides", "includes", "scripts", "checks")
LIGHTHOUSE_CATEGORIES = {"performance": 95, "accessibility": 100, "best-practices": 95, "seo": 95}
# Timings from the same Lighthouse runs (ms, Lighthouse's simulated mobile values), short names for the table.
LIGHTHOUSE_TIMINGS = {"largest-contentful-paint": "LCP", "first-contentful-paint": "FCP"}
# Timings with the budget "no worse than the plain Material configuration on the same pages": the median
# of all measured pages' runs pooled, against the plain site's pooled median plus a tolerance for
# run-to-run noise, (ms, share of that median), whichever is larger (decisions/0003, item 16).
PLAIN_BUDGETS = {"largest-contentful-paint": (50.0, 0.05)}
# The plain Material configuration those budgets compare with: a sandbox copy of the same sources,
# languages and navigation with the theme's defaults otherwise (decisions/0003).
PLAIN_MATERIAL = {
    # mkdocs.yml keys removed: our stylesheets (fonts.css among them) and script, and the repository,
    # for which Material's own header would ask api.github.com (a third-party request) on every page
    "drop": ("extra_css", "extra_javascript", "repo_url", "repo_name", "edit_uri"),
    # the theme block replaced (no custom_dir, palette, features, logo). `font: false` because Material's
    # default font setting would load Roboto from Google Fonts, a third-party request this site never makes.
    "theme": {"name": "material", "language": project.load().default.locale, "font": False},
    # the language blocks' own theme settings (the palette) removed as well
    "i18n_drop": ("theme",),
    # the only hooks kept make the content the same: the pages' text (operator, PDF links, glossary
    # terms) and each language's search index and 404 page; none touches the theme's markup
    "hooks": ("overrides/hooks/content.py", "overrides/hooks/search_per_language.py"),
}
PREVIEW_PAGE = "report/method.md"
RELOADED = "Reloading browsers"  # what `mkdocs serve` logs when a rebuilt site is being served
REBUILD_FAILED = "An error happened during the rebuild"


class BenchError(RuntimeError):
    pass


@dataclass
class Measurement:
    key: str
    label: str
    unit: str
    values: list[float]
    budget: float | None = None
    higher_is_better: bool = False
    judge: str = "median"  # the statistic held against the budget: "median" or "worst"
    details: dict = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def worst(self) -> float:
        return min(self.values) if self.higher_is_better else max(self.values)

    @property
    def judged(self) -> float:
        return self.worst if self.judge == "worst" else self.median

    @property
    def ok(self) -> bool | None:
        if self.budget is None:
            return None
        return self.judged >= self.budget if self.higher_is_better else self.judged <= self.budget

    def as_dict(self) -> dict:
        data = asdict(self)
        data.update(median=self.median, min=min(self.values), max=max(self.values), ok=self.ok)
        return data


def _fmt(value: float, unit: str) -> str:
    if unit == "score":
        return f"{value:.0f}"
    if unit in ("s", "MB"):
        return f"{value:.2f}"
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def table(measurements: list[Measurement]) -> str:
    rows = [("measurement", "unit", "runs", "median", "min", "max", "budget", "")]
    for m in measurements:
        budget = "" if m.budget is None else ("≥ " if m.higher_is_better else "≤ ") + _fmt(m.budget, m.unit)
        if m.budget is not None and m.judge == "worst":
            budget += " (each)"
        status = {None: "", True: "ok", False: "OVER BUDGET"}[m.ok]
        rows.append(
            (
                m.label,
                m.unit,
                str(len(m.values)),
                _fmt(m.median, m.unit),
                _fmt(min(m.values), m.unit),
                _fmt(max(m.values), m.unit),
                budget,
                status,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    numeric = {2, 3, 4, 5}
    lines = []
    for n, row in enumerate(rows):
        cells = [
            c.rjust(w) if i in numeric and n else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=False))
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_report(document: dict, before: dict | None = None) -> str:
    """A results file as a Markdown table; with `before`, the earlier figures beside the new ones."""
    earlier = {m["key"]: m for m in (before or {}).get("measurements", [])}
    head = (
        ["measurement", "unit"]
        + (["before (median)"] if before else [])
        + ["median", "min", "max", "runs", "budget", ""]
    )
    lines = [
        "| " + " | ".join(head) + " |",
        "|" + "|".join([" --- "] * 2 + [" ---: "] * (len(head) - 3) + [" --- "]) + "|",
    ]
    for m in document["measurements"]:
        unit = m["unit"]
        budget = "" if m["budget"] is None else ("≥ " if m["higher_is_better"] else "≤ ") + _fmt(m["budget"], unit)
        if m["budget"] is not None and m["judge"] == "worst":
            budget += " each"
        status = {None: "", True: "ok", False: "**over budget**"}[m["ok"]]
        row = [m["label"], unit]
        if before:
            row.append(_fmt(earlier[m["key"]]["median"], unit) if m["key"] in earlier else "")
        row += [
            _fmt(m["median"], unit),
            _fmt(m["min"], unit),
            _fmt(m["max"], unit),
            str(len(m["values"])),
            budget,
            status,
        ]
        lines.append("| " + " | ".join(row) + " |")
    for group, message in document.get("errors", {}).items():
        lines.append(f"\n**{group} failed:** {message.splitlines()[0]}")
    return "\n".join(lines)


def _git_commit() -> dict:
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
    )
    return {"commit": head.stdout.strip() or None, "uncommitted_changes": bool(dirty.stdout.strip())}


def results_document(measurements: list[Measurement], options: dict) -> dict:
    return {
        "schema": 1,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        **_git_commit(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "options": options,
        "measurements": [m.as_dict() for m in measurements],
        "over_budget": [m.label for m in measurements if m.ok is False],
    }


def _timed(func, *args, **kwargs) -> float:
    started = time.perf_counter()
    func(*args, **kwargs)
    return time.perf_counter() - started


def _run(cmd: list[str], cwd: Path = ROOT, env: dict | None = None) -> None:
    result = subprocess.run(cmd, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchError(f"{' '.join(cmd)} failed:\n{result.stdout}{result.stderr}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- sandboxes: copies of the sources, optionally with the content multiplied ----------------------


def make_sandbox(dest: Path, factor: int = 1) -> Path:
    """A git repository holding a copy of the sources (factor > 1: every page `factor` times)."""
    dest.mkdir(parents=True)
    for item in SANDBOX_ITEMS:
        source = ROOT / item
        if source.is_dir():
            shutil.copytree(source, dest / item, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, dest / item)
    if factor > 1:
        multiply(dest, factor)
    env = {
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@localhost",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@localhost",
        "GIT_AUTHOR_DATE": "2026-01-01T12:00:00Z",
        "GIT_COMMITTER_DATE": "2026-01-01T12:00:00Z",
    }
    for cmd in (["git", "init", "-q", "-b", "main"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "bench"]):
        _run(cmd, cwd=dest, env=env)
    return dest


def plain_material(box: Path, site_url: str) -> None:
    """Turn the sandbox's mkdocs.yml into the plain Material configuration (PLAIN_MATERIAL) for site_url."""
    import yaml

    config_file = box / "mkdocs.yml"
    config = project.load_config(config_file)
    for key in PLAIN_MATERIAL["drop"]:
        config.pop(key, None)
    config["theme"] = dict(PLAIN_MATERIAL["theme"])
    config["hooks"] = list(PLAIN_MATERIAL["hooks"])
    config["site_url"] = site_url
    i18n = [p["i18n"] for p in config.get("plugins", []) if isinstance(p, dict) and "i18n" in p]
    for language in i18n[0].get("languages", []) if i18n else []:
        for key in PLAIN_MATERIAL["i18n_drop"]:
            language.pop(key, None)
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


# Pages written from the whole site (the translation status lists every page): more content makes them
# longer, but a bigger handbook still has one of each, so they are not copied.
WHOLE_SITE_TOKENS = ("{{ translation_status }}",)


def multiply(box: Path, factor: int) -> int:
    """Copy every page (both languages) factor-1 times next to itself and list the copies in the nav.

    Pages that list the whole site (WHOLE_SITE_TOKENS) are not copied: copied 16 times, the translation
    status page (0.3 s to check at 16x, its table growing with the content) made the measured growth
    quadratic, which a real handbook with 16 times the content would not see."""
    import yaml

    config_file = box / "mkdocs.yml"
    text = config_file.read_text(encoding="utf-8")
    start = text.find("\nnav:\n")
    if start < 0:
        raise BenchError(f"{config_file}: no top-level `nav:` block to extend")
    nav = project.load(box).config["nav"]
    locales = project.load(box).locales
    docs = box / "docs"
    copies = 0

    def expand(items: list) -> list:
        nonlocal copies
        out = []
        for item in items:
            if isinstance(item, dict):
                out.append({title: expand(children) for title, children in item.items()})
                continue
            out.append(item)
            source = (docs / locales[0] / item).read_text(encoding="utf-8")
            if any(token in source for token in WHOLE_SITE_TOKENS):
                continue
            for n in range(2, factor + 1):
                name = f"{item[:-3]}-x{n}.md"
                for lang in locales:
                    shutil.copy2(docs / lang / item, docs / lang / name)
                    copies += 1
                out.append(name)
        return out

    expanded = expand(nav)
    text = text[:start] + "\n" + yaml.safe_dump({"nav": expanded}, allow_unicode=True, sort_keys=False)
    config_file.write_text(text, encoding="utf-8")
    return copies


# --- the measurements -------------------------------------------------------------------------------


class Bench:
    """What the measurements share: runs per measurement, a work folder, the site built once, a browser."""

    def __init__(
        self,
        runs: int,
        work: Path,
        log=print,
        *,
        site: Path | None = None,
        browser=None,
        scales: tuple[int, ...] = (1, 4, 16),
    ):
        """site: an already built site to measure (else one is built); browser: a Playwright browser;
        scales: the content multiples of the scaling measurement."""
        self.runs = runs
        self.scales = scales
        self.work = work
        self.log = log
        self.port = free_port()
        self.site_url = f"http://127.0.0.1:{self.port}/"
        self._site = site
        self._browser = browser
        self._own_browser = browser is None
        self._playwright = None

    # shared resources
    def site(self) -> Path:
        """The complete site (with PDFs) built once, for the address the local server will have."""
        if self._site is None:
            self.log("  building the site with PDFs once for the measurements that need it …")
            self._site = builder.build(self.work / "site", pdf=True, site_url=self.site_url, quiet=True)
        return self._site

    def browser(self):
        if self._browser is None:
            from playwright.sync_api import sync_playwright

            executable = environment.find_browser()
            if executable is None:
                raise BenchError("no Chromium or Google Chrome found: run `make setup`")
            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=executable,
                headless=True,
                args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
        return self._browser

    def close(self) -> None:
        if self._browser is not None and self._own_browser:
            self._browser.close()
            self._playwright.stop()

    def _repeat(self, what: str, func, runs: int | None = None) -> list[float]:
        values = []
        for n in range(runs or self.runs):
            values.append(func(n))
            self.log(f"  {what}: run {n + 1}: {values[-1]:.2f} s")
        return values

    # Lighthouse, mobile profile (its default), against the local build and against the plain Material
    # configuration of the same content (the baseline of the timing budgets)
    def plain_site(self, site_url: str) -> Path:
        """The same sources built with the plain Material configuration, for the address site_url."""
        self.log("  building the plain Material configuration of the same content …")
        box = make_sandbox(self.work / "plain")
        plain_material(box, site_url)
        builder.build_html(box / "site", quiet=True, root=box)
        return box / "site"

    def measure(self, name: str) -> list[Measurement]:
        """The registered measurement `name` (see MEASUREMENTS), run on this bench."""
        return MEASUREMENTS[name](self)


# --- the registry of measurements --------------------------------------------------------------------
# Each measurement is a function of the shared Bench (its built site, browser, work folder and runs)
# registered under the name `--only` takes; `make bench` runs them in the order they are registered.

MEASUREMENTS: dict[str, Callable[[Bench], list[Measurement]]] = {}


def measurement(name: str):
    """Registers the decorated function as the measurement `name`."""

    def register(func: Callable[[Bench], list[Measurement]]) -> Callable[[Bench], list[Measurement]]:
        if name in MEASUREMENTS:
            raise ValueError(f"measurement {name} registered twice")
        MEASUREMENTS[name] = func
        return func

    return register


# build times
@measurement("site-build")
def site_build(bench: Bench) -> list[Measurement]:
    values = bench._repeat("site build", lambda n: _timed(builder.build_html, bench.work / f"html-{n}", quiet=True))
    return [Measurement("site-build", "site build, both languages, no PDF", "s", values, budget=5.0)]


@measurement("pdf")
def pdf(bench: Bench) -> list[Measurement]:
    site = bench.site()
    config = project.load().config
    out = []
    for kind in ("book", "worksheets"):
        for lang in project.load().locales:
            code = (
                "import sys; from pathlib import Path; from scripts import pdf; "
                f"pdf.job(Path(sys.argv[1]), {lang!r}, {kind!r})"
            )
            values = bench._repeat(
                f"PDF {lang} {kind}", lambda n, code=code: _timed(_run, [sys.executable, "-c", code, str(site)])
            )
            out.append(Measurement(f"pdf-{lang}-{kind}", f"PDF {lang} {kind}, on its own", "s", values))
    values = bench._repeat("all PDFs", lambda n: _timed(_all_pdfs, site))
    out.append(Measurement("pdf-all", "all 4 PDFs, as make build makes them", "s", values))
    strings = config["extra"]["strings"]
    for lang in project.load().locales:
        for key in ("pdf_url", "worksheets_pdf_url"):
            path = site / strings[lang][key]
            out.append(
                Measurement(
                    f"size-{path.name}", f"size of {strings[lang][key]}", "MB", [path.stat().st_size / MB], budget=5.0
                )
            )
    return out


@measurement("full-build")
def full_build(bench: Bench) -> list[Measurement]:
    make = shutil.which("make")
    if make is None:
        raise BenchError("make is missing: apt-get install make")
    values = bench._repeat(
        "make build", lambda n: _timed(_run, [make, "build", f"ARGS=--site-dir {bench.work / f'full-{n}'}"])
    )
    return [Measurement("full-build", "make build (site and all PDFs)", "s", values, budget=60.0)]


# the outputs besides pages and PDFs (issue 16): the e-books, and the preview images a cold cache draws
@measurement("outputs")
def outputs(bench: Bench) -> list[Measurement]:
    from scripts import epub

    site = bench.site()
    config = project.load().config
    out = []
    for lang in project.load().locales:
        values = bench._repeat(
            f"EPUB {lang}",
            lambda n, lang=lang: _timed(
                epub.build, site, lang, target=bench.work / f"epub-{lang}-{n}.epub", config=config
            ),
        )
        out.append(Measurement(f"epub-{lang}", f"EPUB {lang}, on its own", "s", values))
        path = site / config["extra"]["strings"][lang]["epub_url"]
        out.append(
            Measurement(
                f"size-{path.name}",
                f"size of {config['extra']['strings'][lang]['epub_url']}",
                "MB",
                [path.stat().st_size / MB],
                budget=5.0,
            )
        )
    # The site build with an empty preview-image cache (a fresh clone, or a CI runner without the
    # cache) against the warm one every later build has: what drawing the images costs.
    box = make_sandbox(bench.work / "cold-cache")
    cold = bench._repeat("site build, empty image cache", lambda n: _cold_build(box, n))
    warm = bench._repeat(
        "site build, warm image cache", lambda n: _timed(builder.build_html, box / f"warm-{n}", quiet=True, root=box)
    )
    out.append(
        Measurement(
            "site-build-cold-images",
            "site build, preview images drawn (empty cache)",
            "s",
            cold,
            details={"warm_cache_s": warm},
        )
    )
    out.append(
        Measurement("site-build-warm-images", "site build, preview images from the cache", "s", warm, budget=5.0)
    )
    shutil.rmtree(box, ignore_errors=True)
    return out


def _cold_build(box: Path, n: int) -> float:
    shutil.rmtree(box / ".cache", ignore_errors=True)
    return _timed(builder.build_html, box / f"cold-{n}", quiet=True, root=box)


# the live preview
@measurement("preview")
def preview(bench: Bench) -> list[Measurement]:
    box = make_sandbox(bench.work / "preview")
    with preview_server(box, bench.work / "preview-serve.log") as (address, server, log_file):
        context = bench.browser().new_context()
        page = context.new_page()

        def one(n: int) -> float:
            lang = project.load().locales[n % len(project.load().locales)]
            source = box / "docs" / lang / PREVIEW_PAGE
            original = source.read_text(encoding="utf-8")
            page.goto(f"http://{address}/{project.load().prefix(lang)}{PREVIEW_PAGE[:-3]}/", wait_until="load")
            page.wait_for_timeout(500)  # the page's live-reload request is waiting
            marker = f"Messmarke{secrets.token_hex(4)}"
            reloads = log_file.read_text().count(RELOADED)
            started = time.perf_counter()
            source.write_text(original + f"\n\n{marker}\n", encoding="utf-8")
            wait_for_rebuild(log_file, reloads, server)  # the rebuilt site is served
            served.append(time.perf_counter() - started)
            try:
                page.get_by_text(marker).wait_for(timeout=60_000)
            except Exception as err:
                raise BenchError(f"the edit did not appear in the preview; see {log_file}") from err
            seconds = time.perf_counter() - started
            source.write_text(original, encoding="utf-8")
            page.get_by_text(marker).wait_for(state="detached", timeout=60_000)
            return seconds

        served: list[float] = []
        values = bench._repeat("preview, edit to visible", one)
        context.close()
    return [
        Measurement("preview-served", "preview: edit rebuilt and served", "s", served),
        Measurement(
            "preview",
            f"preview: edit of {PREVIEW_PAGE} visible in the browser",
            "s",
            values,
            budget=2.0,
            details={
                "languages": [project.load().locales[n % len(project.load().locales)] for n in range(len(values))]
            },
        ),
    ]


# growth with the amount of content
@measurement("scaling")
def scaling(bench: Bench) -> list[Measurement]:
    out, medians = [], {}
    for factor in bench.scales:
        box = make_sandbox(bench.work / f"scale-{factor}", factor)
        pages = sum(len(project.load(box).pages(lang)) for lang in project.load().locales)
        runs = bench.runs if factor < 16 else max(1, min(bench.runs, 3))
        values = bench._repeat(
            f"site build at {factor}x ({pages} pages)",
            lambda n, box=box: _timed(builder.build_html, box / f"site-{n}", quiet=True, root=box),
            runs,
        )
        medians[factor] = statistics.median(values)
        out.append(
            Measurement(
                f"scale-{factor}x",
                f"site build at {factor}x content ({pages} pages)",
                "s",
                values,
                details={"pages": pages},
            )
        )
        shutil.rmtree(box, ignore_errors=True)
    if 1 in medians and len(medians) > 1:
        top = max(medians)
        out.append(
            Measurement(
                f"growth-{top}x",
                f"time at {top}x content / time at 1x",
                "x",
                [medians[top] / medians[1]],
                budget=float(top + top // 4),
            )
        )
    return out


# what readers download
@measurement("weight")
def weight(bench: Bench) -> list[Measurement]:
    from scripts import webserver

    site = bench.site()
    out = []
    with webserver.SiteServer(site, port=bench.port) as server:
        for lang in project.load().locales:
            context = bench.browser().new_context(
                viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True
            )
            page = context.new_page()
            server.log.take()
            page.goto(f"{server.url}{project.load().prefix(lang)}", wait_until="networkidle")
            first = server.log.take()
            later, per_page = [], {}
            for md in project.load().pages(lang):
                if md == "index.md":
                    continue
                page.goto(server.url + project.page_url(md, project.load().prefix(lang)), wait_until="networkidle")
                sent = sum(t.bytes for t in server.log.take())
                per_page[md] = sent
                later.append(sent / KB)
            context.close()
            out.append(
                Measurement(
                    f"first-visit-{lang}",
                    f"first visit, home page ({lang}), transferred",
                    "kB",
                    [sum(t.bytes for t in first) / KB],
                    budget=250.0,
                    details={"requests": [asdict(t) for t in first]},
                )
            )
            heaviest = max(per_page, key=per_page.get)
            out.append(
                Measurement(
                    f"next-page-{lang}",
                    f"next page, warm cache ({lang}, each page)",
                    "kB",
                    later,
                    budget=30.0,
                    judge="worst",
                    details={"bytes_per_page": per_page, "heaviest": heaviest},
                )
            )
    for lang in project.load().locales:
        index = site / project.load().prefix(lang) / "search" / "search_index.json"
        raw = index.read_bytes()
        out.append(
            Measurement(
                f"search-index-{lang}",
                f"search index ({lang}), gzip",
                "kB",
                [len(gzip.compress(raw, 6)) / KB],
                details={"uncompressed_kB": len(raw) / KB},
            )
        )
    return out


@measurement("lighthouse")
def lighthouse(bench: Bench) -> list[Measurement]:
    from scripts import webserver

    modules = environment.ensure_node_modules(BENCH_NODE)
    cli = modules / "lighthouse" / "cli" / "index.js"
    node = shutil.which("node")
    browser = environment.find_browser()
    if node is None or browser is None:
        raise BenchError("Lighthouse needs node and Chromium: run `make setup`")
    site = bench.site()
    pages = {f"home {lang}": project.load().prefix(lang) for lang in project.load().locales}
    for lang in project.load().locales:
        pages[f"largest page {lang}"] = _largest_page(site, lang)
    plain_port = free_port()
    plain = bench.plain_site(f"http://127.0.0.1:{plain_port}/")
    scores: dict[str, dict[str, list[float]]] = {c: {} for c in LIGHTHOUSE_CATEGORIES}
    audits: dict[str, list[str]] = {}
    metrics: dict[tuple[str, str], list[dict]] = {}  # (configuration, page label): one dict per run

    def report(url: str, name: str) -> dict:
        path = bench.work / f"lighthouse-{name.replace(' ', '-')}.json"
        cmd = [
            node,
            str(cli),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={path}",
            "--only-categories=" + ",".join(LIGHTHOUSE_CATEGORIES),
            "--chrome-flags=--headless --no-sandbox --disable-gpu",
        ]
        _run(cmd, env={"CHROME_PATH": browser})
        return json.loads(path.read_text())

    with (
        webserver.SiteServer(site, port=bench.port) as server,
        webserver.SiteServer(plain, port=plain_port) as plain_server,
    ):
        for label, path in pages.items():
            for n in range(lighthouse_runs(bench.runs)):
                # Each run of ours is followed by one of the plain configuration, so a slow spell of
                # this shared machine falls on both alike.
                data = report(server.url + path, f"{label}-{n}")
                for category, values in parse_lighthouse(data).items():
                    scores[category].setdefault(label, []).append(values)
                audits[label] = failed_audits(data)
                metrics.setdefault(("site", label), []).append(lighthouse_metrics(data))
                baseline = lighthouse_metrics(report(plain_server.url + path, f"plain-{label}-{n}"))
                metrics.setdefault(("plain", label), []).append(baseline)
                ours = metrics["site", label][-1]
                bench.log(
                    f"  lighthouse {label}: run {n + 1}: "
                    + ", ".join(f"{c} {v[label][-1]:.0f}" for c, v in scores.items())
                    + "; "
                    + ", ".join(
                        f"{short} {ours.get(m, 0):.0f} ms (plain Material {baseline.get(m, 0):.0f})"
                        for m, short in LIGHTHOUSE_TIMINGS.items()
                    )
                    + "; first paint observed at "
                    f"{ours.get('observed-first-contentful-paint', 0):.0f} ms "
                    f"(plain {baseline.get('observed-first-contentful-paint', 0):.0f})"
                )
    out = []
    for category, budget in LIGHTHOUSE_CATEGORIES.items():
        for label, values in scores[category].items():
            out.append(
                Measurement(
                    f"lighthouse-{category}-{label.replace(' ', '-')}",
                    f"Lighthouse {category}, {label} (/{pages[label]})",
                    "score",
                    values,
                    budget=float(budget),
                    higher_is_better=True,
                    details={
                        "failed_audits": audits[label],
                        "metrics_per_run": metrics["site", label],
                        "plain_material_metrics_per_run": metrics["plain", label],
                    },
                )
            )
    for label, path in pages.items():
        out += timing_measurements(label, path, metrics["site", label], metrics["plain", label])
    # The budget is held on all pages' runs pooled: a single page's median of five can move by a whole
    # simulated round trip between sessions of the same build (decisions/0003, item 16).
    out += timing_measurements(
        f"all {len(pages)} pages",
        None,
        [r for label in pages for r in metrics["site", label]],
        [r for label in pages for r in metrics["plain", label]],
        budgeted=True,
    )
    return out


def timing_measurements(
    label: str, path: str | None, runs: list[dict], plain_runs: list[dict], budgeted: bool = False
) -> list[Measurement]:
    """Lighthouse's timings (LIGHTHOUSE_TIMINGS) of one page (path) or of all pages pooled (path None),
    ours and the plain Material configuration's; with budgeted, ours held against the plain median plus
    its tolerance where PLAIN_BUDGETS says so."""
    where = label if path is None else f"{label} (/{path})"

    def values(reports: list[dict], metric: str) -> list[float]:
        if any(metric not in r for r in reports):
            raise BenchError(f"a Lighthouse run of {where} has no {metric}")
        return [r[metric] for r in reports]

    out = []
    for metric, short in LIGHTHOUSE_TIMINGS.items():
        key = f"lighthouse-{short.lower()}-{label.replace(' ', '-')}"
        plain = Measurement(
            f"{key}-plain-material", f"Lighthouse {short}, {label}, plain Material", "ms", values(plain_runs, metric)
        )
        budget, details = None, {}
        if budgeted and metric in PLAIN_BUDGETS:
            absolute, share = PLAIN_BUDGETS[metric]
            budget = plain.median + max(absolute, share * plain.median)
            details = {"budget": f"plain Material median {plain.median:.0f} ms + max({absolute:.0f} ms, {share:.0%})"}
        out += [
            Measurement(
                key, f"Lighthouse {short}, {where}", "ms", values(runs, metric), budget=budget, details=details
            ),
            plain,
        ]
    return out


def lighthouse_runs(runs: int) -> int:
    """Lighthouse's own advice against its run-to-run variance: the median of five runs (fewer only
    when fewer than three runs were asked for, for a quick look)."""
    return max(runs, 5) if runs >= 3 else runs


def _all_pdfs(site: Path) -> None:
    code = "import sys; from pathlib import Path; from scripts import pdf; pdf.build_all(Path(sys.argv[1]))"
    _run([sys.executable, "-c", code, str(site)])


@contextlib.contextmanager
def preview_server(box: Path, log_file: Path):
    """`make serve`'s command on a free port in the sandbox box: yields (address, process, log file)."""
    address = f"127.0.0.1:{free_port()}"
    cmd, env = builder.serve_command(address)
    with open(log_file, "w") as log:
        server = subprocess.Popen(cmd, cwd=box, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for_http(f"http://{address}/", server, log_file)
        yield address, server, log_file
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_for_rebuild(log_file: Path, before: int, server: subprocess.Popen, timeout: float = 60) -> None:
    """Until `mkdocs serve` has logged a rebuild (or a failed one) after `before` earlier ones."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log_file.read_text()
        if text.count(RELOADED) + text.count(REBUILD_FAILED) > before or server.poll() is not None:
            return
        time.sleep(0.005)
    raise BenchError(f"the preview did not rebuild within {timeout:.0f} s; see {log_file}")


def _wait_for_http(url: str, process: subprocess.Popen, log_file: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"the preview server stopped; its messages are in {log_file}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise BenchError(f"the preview server did not answer within {timeout:.0f} s; see {log_file}")


def _largest_page(site: Path, lang: str) -> str:
    pages = [md for md in project.load().pages(lang) if md != "index.md"]
    return max(
        (project.page_url(md, project.load().prefix(lang)) for md in pages),
        key=lambda url: (site / url / "index.html").stat().st_size,
    )


def parse_lighthouse(report: dict) -> dict[str, float]:
    """Category scores (0-100) from a Lighthouse JSON report; a missing score is an error."""
    out = {}
    for category in LIGHTHOUSE_CATEGORIES:
        entry = report.get("categories", {}).get(category)
        if entry is None or entry.get("score") is None:
            problem = report.get("runtimeError", {}).get("message", "no score")
            raise BenchError(f"Lighthouse gave no {category} score for {report.get('finalDisplayedUrl')}: {problem}")
        out[category] = round(entry["score"] * 100, 1)
    return out


METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
    "speed-index",
)


# What the browser really did before Lighthouse's simulation (ms after navigation): the simulated LCP
# counts every request that finished before the observed paint, so a paint that came late (a busy
# machine) inflates it; kept per run to tell such runs apart.
OBSERVED = {
    "observed-first-contentful-paint": "observedFirstContentfulPaint",
    "observed-largest-contentful-paint": "observedLargestContentfulPaint",
}


def lighthouse_metrics(report: dict) -> dict[str, float]:
    """The measured values behind the performance score (milliseconds; layout shift unitless), and the
    observed paints (OBSERVED) when the report has them."""
    audits = report.get("audits", {})
    out = {m: round(audits[m]["numericValue"], 3) for m in METRICS if m in audits}
    items = (audits.get("metrics", {}).get("details") or {}).get("items") or [{}]
    out.update({key: items[0][name] for key, name in OBSERVED.items() if name in items[0]})
    return out


def failed_audits(report: dict) -> list[str]:
    """Audits that cost points (score below 0.9), as `id (score)`, for the results file."""
    out = []
    for audit_id, audit in sorted(report.get("audits", {}).items()):
        score = audit.get("score")
        if (
            score is not None
            and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
            and score < 0.9
        ):
            out.append(f"{audit_id} ({score:.2f})")
    return out


GROUPS = tuple(MEASUREMENTS)


def run(groups: list[str], runs: int, output: Path, scales: tuple[int, ...], log=print) -> dict:
    unknown = [g for g in groups if g not in GROUPS]
    if unknown:
        raise BenchError(f"unknown measurement {', '.join(unknown)}; choose from {', '.join(GROUPS)}")
    measurements: list[Measurement] = []
    errors: dict[str, str] = {}
    work = Path(tempfile.mkdtemp(prefix="handbook-bench-"))
    bench = Bench(runs, work, log, scales=scales)
    try:
        for group in groups:
            log(f"[bench] {group}")
            try:
                measurements += bench.measure(group)
            except (BenchError, environment.SetupError, builder.BuildError) as err:
                # One failed measurement must not cost the others: report it and go on.
                errors[group] = str(err)
                log(f"[bench] {group} failed: {err}")
    finally:
        bench.close()
        shutil.rmtree(work, ignore_errors=True)
    document = results_document(measurements, {"groups": groups, "runs": runs, "scales": list(scales)})
    document["errors"] = errors
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    log("")
    log(table(measurements))
    for group, message in errors.items():
        log(f"FAILED {group}: {message}")
    return document
