"""`make bench` and what it relies on: the local web server, the byte counts, the budgets, the sandbox
with multiplied content, the live preview, Lighthouse reports. No test here asserts a duration:
performance figures come from `make bench` alone."""

from __future__ import annotations

import gzip
import http.client
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import LANGS, PREFIX, ROOT, html_path, page_paths

from scripts import bench, builder, sources, webserver

FIXTURES = Path(__file__).parent / "data" / "lighthouse"


def _get(url: str, path: str, headers: dict | None = None) -> tuple[http.client.HTTPResponse, bytes]:
    host = url.split("//", 1)[1].rstrip("/")
    conn = http.client.HTTPConnection(host, timeout=10)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


# --- the web server ---------------------------------------------------------------------------------


def test_server_compresses_text_like_github_pages(site):
    with webserver.SiteServer(site) as server:
        response, body = _get(server.url, "/", {"Accept-Encoding": "gzip"})
        assert response.status == 200
        assert response.getheader("Content-Encoding") == "gzip"
        assert response.getheader("Cache-Control") == "max-age=600"
        assert gzip.decompress(body) == (site / "index.html").read_bytes()
        assert int(response.getheader("Content-Length")) == len(body)
        font = next((site / "assets" / "fonts").rglob("*.woff2"))
        path = "/" + font.relative_to(site).as_posix()
        response, body = _get(server.url, path, {"Accept-Encoding": "gzip"})
        assert response.getheader("Content-Encoding") is None, "woff2 is compressed already"
        assert response.getheader("Content-Type") == "font/woff2"
        assert body == font.read_bytes()


def test_server_revalidates_redirects_and_answers_404_per_language(site):
    with webserver.SiteServer(site) as server:
        first, _ = _get(server.url, "/en/")
        again, body = _get(server.url, "/en/", {"If-None-Match": first.getheader("ETag")})
        assert (again.status, body) == (304, b"")
        moved, _ = _get(server.url, "/en")
        assert (moved.status, moved.getheader("Location")) == (301, "/en/")
        for path, lang in (("/nowhere/", "de"), ("/en/nowhere/", "en")):
            response, body = _get(server.url, path)
            assert response.status == 404
            assert f'lang="{lang}"' in body.decode()


def test_server_counts_every_byte_it_sends(site):
    with webserver.SiteServer(site) as server:
        server.log.take()
        response, body = _get(server.url, "/search/search_index.json", {"Accept-Encoding": "gzip"})
        # The server records a transfer once its handler returns, which can be just after the client has
        # read the whole body: wait for the record (bounded), then there must be exactly one.
        deadline, taken = time.monotonic() + 5, []
        while not taken and time.monotonic() < deadline:
            taken = server.log.take() or time.sleep(0.02) or []
        (transfer,) = taken
        header_bytes = (
            len(f"HTTP/1.1 200 {response.reason}\r\n") + sum(len(f"{k}: {v}\r\n") for k, v in response.getheaders()) + 2
        )
        assert transfer.bytes == header_bytes + len(body)
        assert transfer.encoding == "gzip" and transfer.status == 200


# --- results and budgets ----------------------------------------------------------------------------


def test_budgets_judge_the_median_or_the_worst_case():
    slow_once = bench.Measurement("t", "time", "s", [1.0, 1.2, 9.0], budget=2.0)
    assert slow_once.median == 1.2 and slow_once.ok is True
    heavy_page = bench.Measurement("w", "weight", "kB", [10.0, 12.0, 31.0], budget=30.0, judge="worst")
    assert heavy_page.ok is False
    score = bench.Measurement("s", "score", "score", [96.0, 94.0, 99.0], budget=95.0, higher_is_better=True)
    assert score.median == 96.0 and score.ok is True
    assert bench.Measurement("s", "score", "score", [94.0], budget=95.0, higher_is_better=True).ok is False
    assert bench.Measurement("n", "no budget", "s", [3.0]).ok is None


def test_table_and_results_file_name_what_is_over_budget():
    measurements = [
        bench.Measurement("fast", "fast thing", "s", [1.0, 2.0, 3.0], budget=5.0),
        bench.Measurement("slow", "slow thing", "s", [6.0, 7.0, 8.0], budget=5.0),
    ]
    text = bench.table(measurements)
    lines = {line.split("  ")[0]: line for line in text.splitlines()}
    assert "OVER BUDGET" in lines["slow thing"] and "OVER BUDGET" not in lines["fast thing"]
    assert "2.00" in lines["fast thing"] and "1.00" in lines["fast thing"] and "3.00" in lines["fast thing"]
    document = bench.results_document(measurements, {"runs": 3})
    assert document["over_budget"] == ["slow thing"]
    slow = document["measurements"][1]
    assert (slow["median"], slow["min"], slow["max"], slow["ok"]) == (7.0, 6.0, 8.0, False)
    json.dumps(document)  # serialisable as the results file


def test_bench_report_puts_before_beside_after(tmp_path):
    old = bench.Measurement("site-build", "site build", "s", [4.0, 3.0, 5.0], budget=5.0)
    new = bench.Measurement("site-build", "site build", "s", [1.5, 1.7, 2.0], budget=5.0)
    before = bench.results_document([old], {})
    after = bench.results_document([new, bench.Measurement("new", "new thing", "kB", [40.0])], {})
    (tmp_path / "b.json").write_text(json.dumps(before))
    (tmp_path / "a.json").write_text(json.dumps(after))
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "handbook.py"),
            "bench-report",
            str(tmp_path / "a.json"),
            "--before",
            str(tmp_path / "b.json"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    rows = {line.split(" | ")[0].strip("| "): line.split(" | ") for line in result.stdout.splitlines()}
    assert rows["site build"][2:4] == ["4.00", "1.70"], "before median, then the new median"
    assert rows["new thing"][2] == "", "nothing to compare with"
    (tmp_path / "bad.json").write_text("{}")
    bad = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "handbook.py"), "bench-report", str(tmp_path / "bad.json")],
        capture_output=True,
        text=True,
    )
    assert bad.returncode != 0 and "not a `make bench` results file" in bad.stderr


def test_bench_refuses_an_unknown_measurement(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "handbook.py"),
            "bench",
            "--only",
            "speed",
            "--output",
            str(tmp_path / "r.json"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "unknown measurement speed" in result.stderr and "site-build" in result.stderr
    assert not (tmp_path / "r.json").exists()


def test_measurements_are_a_registry_in_the_order_make_bench_runs_them():
    assert bench.GROUPS == ("site-build", "pdf", "full-build", "outputs", "preview", "scaling", "weight", "lighthouse")
    assert all(callable(bench.MEASUREMENTS[name]) for name in bench.GROUPS)
    with pytest.raises(ValueError, match="weight registered twice"):
        bench.measurement("weight")(lambda b: [])
    # the help of `bench --only` names every measurement
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "handbook.py"), "bench", "--help"], capture_output=True, text=True
    )
    assert all(name in " ".join(result.stdout.split()).replace("- ", "-") for name in bench.GROUPS), result.stdout


# --- Lighthouse reports -----------------------------------------------------------------------------


def test_lighthouse_scores_are_read_from_the_report():
    report = json.loads((FIXTURES / "report.json").read_text())
    scores = bench.parse_lighthouse(report)
    expected = {c: round(report["categories"][c]["score"] * 100, 1) for c in bench.LIGHTHOUSE_CATEGORIES}
    assert scores == expected
    failed = bench.failed_audits(report)
    assert failed and all(report["audits"][a.split(" ")[0]]["score"] < 0.9 for a in failed)


def test_a_lighthouse_run_without_scores_is_an_error():
    report = json.loads((FIXTURES / "report.json").read_text())
    report["categories"]["performance"]["score"] = None
    report["runtimeError"] = {"message": "NO_FCP"}
    with pytest.raises(bench.BenchError, match="no performance score.*NO_FCP"):
        bench.parse_lighthouse(report)


def test_lighthouse_timings_are_read_from_the_report():
    report = json.loads((FIXTURES / "report.json").read_text())
    timings = bench.lighthouse_metrics(report)
    for metric in bench.LIGHTHOUSE_TIMINGS:
        assert timings[metric] == round(report["audits"][metric]["numericValue"], 3)
    assert "observed-first-contentful-paint" not in timings, "this report has no metrics audit"
    report["audits"]["metrics"] = {
        "details": {"items": [{"observedFirstContentfulPaint": 150, "observedLargestContentfulPaint": 1200}]}
    }
    observed = bench.lighthouse_metrics(report)
    assert (observed["observed-first-contentful-paint"], observed["observed-largest-contentful-paint"]) == (150, 1200)


def test_timing_budget_is_the_plain_material_median_plus_its_tolerance():
    lcp, fcp = "largest-contentful-paint", "first-contentful-paint"
    absolute, share = bench.PLAIN_BUDGETS[lcp]
    plain = [{lcp: v, fcp: 900.0} for v in (1300.0, 1400.0, 2000.0)]
    ours = [{lcp: v, fcp: 800.0} for v in (1200.0, 1450.0, 1460.0)]
    page = {m.key: m for m in bench.timing_measurements("home de", "", ours, plain)}
    assert page["lighthouse-lcp-home-de"].label == "Lighthouse LCP, home de (/)"
    assert all(m.budget is None for m in page.values()), "single pages are reported, not budgeted"
    pooled = {m.key: m for m in bench.timing_measurements("all pages", None, ours, plain, budgeted=True)}
    mine, baseline = pooled["lighthouse-lcp-all-pages"], pooled["lighthouse-lcp-all-pages-plain-material"]
    assert baseline.values == [1300.0, 1400.0, 2000.0] and baseline.budget is None
    assert mine.budget == 1400.0 + max(absolute, share * 1400.0)
    assert mine.median == 1450.0 and mine.ok is True and mine.unit == "ms"
    assert "plain Material median 1400 ms" in mine.details["budget"]
    slower = [{lcp: v, fcp: 800.0} for v in (1500.0, 1600.0, 1300.0)]
    assert bench.timing_measurements("all pages", None, slower, plain, budgeted=True)[0].ok is False
    assert pooled["lighthouse-fcp-all-pages"].budget is None, "FCP is reported, not budgeted"
    with pytest.raises(bench.BenchError, match="home de \\(/\\) has no largest-contentful-paint"):
        bench.timing_measurements("home de", "", [{fcp: 800.0}], plain)


@pytest.mark.slow
def test_plain_material_baseline_has_the_content_and_none_of_our_theme(tmp_path):
    """The baseline of the timing budgets: same pages in both languages, Material's defaults, no third-party
    request (no Google Fonts, no GitHub API)."""
    box = bench.make_sandbox(tmp_path / "box")
    bench.plain_material(box, "http://127.0.0.1:8123/")
    from mkdocs.utils import yaml_load

    config = yaml_load((box / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["theme"] == {"name": "material", "language": "de", "font": False}
    assert config["hooks"] == list(bench.PLAIN_MATERIAL["hooks"])
    assert not set(bench.PLAIN_MATERIAL["drop"]) & set(config)
    builder.build_html(box / "site", quiet=True, root=box)
    for lang in LANGS:
        for md in page_paths():
            page = html_path(box / "site", lang, md).read_text(encoding="utf-8")
            assert page.count("<h1") == 1 and f'lang="{lang}"' in page
            assert not re.search(r"fonts\.css|handbook\.(css|js)|rel=\"preload\"|md-source", page), md
            # What the browser fetches by itself: every src, and the <link>s (not the links readers follow).
            fetched = re.findall(r'\bsrc="https?://([^/"]+)', page) + re.findall(
                r'<link\b[^>]*\bhref="https?://([^/"]+)', page
            )
            assert set(fetched) <= {"127.0.0.1:8123"}, f"{lang} {md}: {fetched}"
            assert "fonts.googleapis.com" not in page and "api.github.com" not in page


# --- page weight ------------------------------------------------------------------------------------


@pytest.mark.browser
def test_page_weight_counts_what_the_browser_fetched_and_stays_within_budget(site, browser):
    """First visit: the home page and everything it loads; later pages: only what is not cached yet.
    Bytes, not seconds: the same on every machine, so their budgets can be a test."""
    measurer = bench.Bench(runs=1, work=site.parent, log=lambda *a: None, site=site, browser=browser)
    measurements = measurer.measure("weight")
    results = {m.key: m for m in measurements}
    for lang in LANGS:
        first = results[f"first-visit-{lang}"]
        paths = [t["path"] for t in first.details["requests"]]
        assert paths[0] == "/" + PREFIX[lang]
        assert any(p.endswith(".css") for p in paths) and any(p.endswith(".woff2") for p in paths)
        assert all(t["status"] < 400 for t in first.details["requests"]), first.details["requests"]
        home = gzip.compress(html_path(site, lang, "index.md").read_bytes(), 6)
        assert first.values[0] * bench.KB > len(home)
        later = results[f"next-page-{lang}"]
        assert sorted(later.details["bytes_per_page"]) == [p for p in page_paths() if p != "index.md"]
        # Cached: a later page costs less than the first visit (its own HTML and pictures only).
        assert max(later.values) < first.values[0] / 2
        index = site / PREFIX[lang] / "search" / "search_index.json"
        assert results[f"search-index-{lang}"].details["uncompressed_kB"] == index.stat().st_size / bench.KB
    assert [(m.label, m.worst) for m in measurements if m.ok is False] == []


# --- sandboxes with more content --------------------------------------------------------------------


@pytest.mark.slow
def test_multiplied_content_builds_in_both_languages(tmp_path):
    box = bench.make_sandbox(tmp_path / "box", factor=2)
    for lang in LANGS:
        originals = sources.pages(ROOT / "docs", lang)
        copies = sources.pages(box / "docs", lang)
        whole_site = [p for p in originals if "{{ translation_status }}" in (ROOT / "docs" / lang / p).read_text()]
        assert whole_site == ["contributing/translation-status.md"]
        assert len(copies) == 2 * len(originals) - len(whole_site)  # the status page lists all: one copy
    assert "report/method-x2.md" in (box / "mkdocs.yml").read_text()
    assert "translation-status-x2.md" not in (box / "mkdocs.yml").read_text()
    assert subprocess.run(["git", "status", "--porcelain"], cwd=box, capture_output=True, text=True).stdout == "", (
        "the sandbox is a clean git repository"
    )
    builder.build_html(box / "site", quiet=True, root=box)
    for lang in LANGS:
        copy = box / "site" / PREFIX[lang] / "report" / "method-x2" / "index.html"
        assert copy.read_text().count("<h1") == 1
        index = json.loads((box / "site" / PREFIX[lang] / "search" / "search_index.json").read_text())
        assert any(doc["location"].startswith("report/method-x2/") for doc in index["docs"])


def test_multiplying_needs_a_nav(tmp_path):
    box = tmp_path / "box"
    (box / "docs").mkdir(parents=True)
    (box / "mkdocs.yml").write_text("site_name: x\n")
    with pytest.raises(bench.BenchError, match="mkdocs.yml: no top-level `nav:` block"):
        bench.multiply(box, 2)


@pytest.mark.slow
def test_an_edited_template_is_not_served_from_the_template_cache(tmp_path):
    box = bench.make_sandbox(tmp_path / "box")
    builder.build_html(box / "site1", quiet=True, root=box)
    assert list((box / ".cache" / "jinja2").iterdir()), "compiled templates are cached"
    main = box / "overrides" / "main.html"
    main.write_text(main.read_text().replace("{{ super() }}", "<!-- edited template -->{{ super() }}", 1))
    builder.build_html(box / "site2", quiet=True, root=box)
    assert "<!-- edited template -->" not in (box / "site1" / "index.html").read_text()
    assert "<!-- edited template -->" in (box / "site2" / "index.html").read_text()
    assert "<!-- edited template -->" in (box / "site2" / "en" / "index.html").read_text()


# --- the live preview -------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.slow
def test_live_preview_shows_an_edit_in_both_languages(tmp_path, browser):
    """`make serve` rebuilds on save and the open page reloads (German, then English)."""
    measurer = bench.Bench(runs=2, work=tmp_path, log=lambda *a: None, browser=browser)
    served, visible = measurer.measure("preview")
    assert len(visible.values) == 2 and all(v > 0 for v in visible.values)
    assert visible.details["languages"] == ["de", "en"]
    assert all(0 < s <= v for s, v in zip(served.values, visible.values, strict=False)), "served before it is visible"


@pytest.mark.slow
def test_every_preview_rebuild_checks_the_sources_and_updates_translation_status(tmp_path):
    """MkDocs keeps hooks loaded between preview rebuilds: their state must not outlive one rebuild."""
    import urllib.request

    box = bench.make_sandbox(tmp_path / "box")
    with bench.preview_server(box, tmp_path / "serve.log") as (address, server, log_file):
        english = f"http://{address}/en/{bench.PREVIEW_PAGE[:-3]}/"
        notice = "This translation may be out of date"
        assert notice not in urllib.request.urlopen(english).read().decode()
        german = box / "docs" / "de" / bench.PREVIEW_PAGE
        before = log_file.read_text().count(bench.RELOADED)
        german.write_text(german.read_text(encoding="utf-8") + "\nEin neuer Absatz.\n", encoding="utf-8")
        bench.wait_for_rebuild(log_file, before, server)
        assert notice in urllib.request.urlopen(english).read().decode()
        failed = log_file.read_text().count(bench.REBUILD_FAILED)
        (box / "docs" / "de" / "lonely.md").write_text("---\ndescription: x\n---\n\n# Allein\n\nText.\n")
        bench.wait_for_rebuild(log_file, before + 1 + failed, server)
        log = log_file.read_text()
        assert log.count(bench.REBUILD_FAILED) == failed + 1, log[-2000:]
        after = log.split(bench.RELOADED)[-1]
        assert "problem(s) the build cannot go past" in after and "lonely.md" in after, after[-2000:]


@pytest.mark.slow
def test_profile_writes_where_the_build_spends_its_time(tmp_path):
    out = tmp_path / "profile.txt"
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "handbook.py"), "profile", "--output", str(out)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    tree = out.read_text()
    generator = builder.generator()  # mkdocs, or properdocs in the canary job
    assert f"{generator}/commands/build.py" in tree and "_populate_page" in tree
    assert re.search(r"Duration: \d+\.\d+", tree)
