"""The built site: both languages complete, switchable, searchable per language, self-contained."""

from __future__ import annotations

import json
import os
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from helpers import (
    DOCS,
    LANGS,
    PREFIX,
    build_sandbox,
    html_path,
    load_hook,
    make_sandbox,
    page_paths,
    page_url,
    resolve,
    soup_of,
)

from scripts import changes

PAGES = page_paths()


def built_pages(site, lang):
    """(page, HTML file) of every page of a language, its 404 page included (as "404")."""
    yield from ((md, html_path(site, lang, md)) for md in PAGES)
    yield "404", site / PREFIX[lang] / "404.html"


def test_the_handbook_has_the_pages_of_the_content_brief():
    assert len(PAGES) >= 25
    for section in ("report/", "lessons/", "course/", "worksheets/"):
        assert any(p.startswith(section) for p in PAGES), section
    for frame in ("glossary.md", "imprint.md", "privacy.md", "contributing/index.md"):
        assert frame in PAGES


def test_every_page_is_built_in_both_languages(site):
    built = {
        lang: sorted(
            str(p.relative_to(site / PREFIX[lang]))
            for p in (site / PREFIX[lang]).rglob("index.html")
            if lang == "en" or not str(p.relative_to(site)).startswith("en/")
        )
        for lang in LANGS
    }
    assert built["de"] == built["en"]
    for md in PAGES:
        for lang in LANGS:
            assert html_path(site, lang, md).exists(), (lang, md)


@pytest.mark.parametrize("lang", LANGS)
def test_html_lang_is_the_pages_language(site, lang):
    for md in PAGES:
        root = soup_of(html_path(site, lang, md)).html
        assert root["lang"] == lang, md


def test_heading_ids_are_the_same_in_both_languages(site):
    for md in PAGES:
        ids = {}
        for lang in LANGS:
            article = soup_of(html_path(site, lang, md)).select_one("article")
            ids[lang] = [h.get("id") for h in article.find_all(re.compile("^h[1-6]$"))]
            assert all(ids[lang]), f"{lang}/{md}: heading without id"
        assert ids["de"] == ids["en"], md


@pytest.mark.parametrize("lang", LANGS)
def test_language_switcher_points_to_the_twin(site, lang):
    other = "en" if lang == "de" else "de"
    for md in PAGES:
        soup = soup_of(html_path(site, lang, md))
        here = page_url(lang, md)
        switch = soup.select_one(f'a.md-select__link[hreflang="{other}"]')
        assert switch is not None, md
        assert resolve(here, switch["href"]) == page_url(other, md).rstrip("/") + (
            "/" if page_url(other, md) else ""
        ), md


@pytest.mark.parametrize("lang", LANGS)
def test_search_index_holds_only_its_language_with_its_stemmer(site, lang):
    index = json.loads((site / PREFIX[lang] / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == [lang]
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert not any(loc.startswith("en/") for loc in locations)
    expected = {page_url("de", md) for md in PAGES}  # locations are relative to the language root
    assert expected <= locations | {""}
    titles = {doc["title"] for doc in index["docs"] if "#" not in doc["location"]}
    h1s = {soup_of(html_path(site, lang, md)).h1.get_text(" ", strip=True).rstrip("¶").strip() for md in PAGES}
    assert len(titles & h1s) >= len(PAGES) - 2


def test_english_pages_look_for_their_own_search_index(site):
    config = json.loads(soup_of(html_path(site, "en", "lessons/effort.md")).select_one("#__config").string)
    assert resolve("en/lessons/effort/", config["base"]) == "en/"
    config = json.loads(soup_of(html_path(site, "de", "lessons/effort.md")).select_one("#__config").string)
    assert resolve("lessons/effort/", config["base"] + "/") == ""


@pytest.mark.parametrize("lang,text", [("de", "Seite nicht gefunden"), ("en", "Page not found")])
def test_404_page_per_language(site, lang, text):
    soup = soup_of(site / PREFIX[lang] / "404.html")
    assert soup.html["lang"] == lang
    assert text in soup.h1.get_text()


@pytest.mark.parametrize("lang", LANGS)
def test_edit_link_opens_the_source_in_the_right_language_folder(site, lang):
    for md in PAGES:
        edit = soup_of(html_path(site, lang, md)).select_one('a[href*="/edit/main/docs/"]')
        assert edit is not None, md
        assert edit["href"].endswith(f"/edit/main/docs/{lang}/{md}"), (md, edit["href"])


MONTHS = {
    "de": (
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_shows_the_date_git_has_for_it(site, lang):
    for md in PAGES:
        date = soup_of(html_path(site, lang, md)).select_one("time.hb-page-date")
        assert date is not None, md
        log = subprocess.run(
            ["git", "log", "-1", "--format=%ct", "--", f"docs/{lang}/{md}"],
            cwd=DOCS.parent,
            capture_output=True,
            text=True,
        ).stdout.strip()
        if log:  # committed: the date of its newest commit, else the build date
            when = datetime.fromtimestamp(int(log), UTC)
            assert date["datetime"] == f"{when:%Y-%m-%d}", md
            assert MONTHS[lang][when.month - 1] in date.get_text() and str(when.year) in date.get_text(), md


def _git(repo: Path, *args: str, when: str | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "T"}
    env["GIT_COMMITTER_EMAIL"] = "t@example.org"
    if when:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def test_page_dates_come_from_one_git_log_per_build_and_know_uncommitted_pages(tmp_path, monkeypatch):
    """A build asks git once (`git log` over docs/, not once per page or language): every page of both
    languages gets the date of its own last commit, and a page not committed yet gets none (the hook then
    shows the build date)."""
    from types import SimpleNamespace

    repo = tmp_path / "repo"
    docs = repo / "docs"
    for lang in ("de", "en"):
        (docs / lang).mkdir(parents=True)
        for page in ("index.md", "a.md"):
            (docs / lang / page).write_text(f"# {page}\n", encoding="utf-8")
    _git(repo, "init", "-q")
    _git(repo, "add", "docs")
    _git(repo, "commit", "-q", "-m", "first", when="2026-03-04T05:06:07+00:00")
    for lang in ("de", "en"):
        (docs / lang / "a.md").write_text("# a\n\nchanged\n", encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "second", when="2026-05-06T07:08:09+00:00")
    (docs / "de" / "new.md").write_text("# new\n", encoding="utf-8")  # not committed

    calls = []
    real_run = subprocess.run

    def counting_run(args, *rest, **kwargs):
        calls.append(list(args))
        return real_run(args, *rest, **kwargs)

    monkeypatch.setattr(changes.subprocess, "run", counting_run)
    hook = load_hook(monkeypatch, "page_dates")
    config = SimpleNamespace(docs_dir=str(docs), theme={"language": "de"})  # one configuration per build
    shown = {}
    for lang in ("de", "en"):  # static-i18n builds each language with the same configuration
        hook.on_pre_build(config)
        for page in ("index.md", "a.md") + (("new.md",) if lang == "de" else ()):
            file = SimpleNamespace(abs_src_path=str(docs / lang / page), locale=lang)
            meta = {}
            hook.on_page_markdown("", SimpleNamespace(meta=meta, file=file), config, None)
            shown[f"{lang}/{page}"] = re.search(r'datetime="([^"]+)"', meta["revision_date"]).group(1)

    assert [c[:2] for c in calls if c[:2] == ["git", "log"]] == [["git", "log"]], calls
    today = f"{datetime.now(UTC):%Y-%m-%d}"
    assert shown == {
        "de/index.md": "2026-03-04",
        "en/index.md": "2026-03-04",
        "de/a.md": "2026-05-06",
        "en/a.md": "2026-05-06",
        "de/new.md": today,
    }
    assert changes.last_changes(tmp_path) == {}, "outside a repository: no dates (the build date is shown)"


def test_sitemap_lists_both_languages_with_alternates(site):
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "/en/lessons/effort/" in sitemap and "/lessons/effort/" in sitemap
    soup = BeautifulSoup(sitemap, "xml")
    for url in soup.find_all("url"):
        alternates = {link["hreflang"]: link["href"] for link in url.find_all("link")}
        assert set(alternates) == set(LANGS), url.loc.text
        assert all(href.startswith(("http://", "https://")) for href in alternates.values())


@pytest.mark.parametrize("lang", LANGS)
def test_pages_name_their_search_dialog_and_leave_alternates_to_the_sitemap(site, lang):
    label = {"de": "Suche", "en": "Search"}[lang]
    for md, path in built_pages(site, lang):
        soup = soup_of(path)
        assert soup.select_one('div.md-search[role="dialog"]')["aria-label"] == label, md
        # Material fetches sitemap.xml next to every <link rel="alternate"> in the head (404s).
        assert soup.head.select('link[rel="alternate"][hreflang]') == [], md
        assert soup.select("a.md-select__link[hreflang]"), f"{md}: the language switch is still there"


@pytest.mark.parametrize("lang", LANGS)
def test_scripts_are_deferred_theme_first(site, lang):
    """No script delays the first picture of a page (make bench: Lighthouse's total blocking time);
    the theme's script still runs before ours, which changes how it talks to the search worker."""
    for md, path in built_pages(site, lang):
        scripts = [tag for tag in soup_of(path).find_all("script") if tag.get("src")]
        names = [tag["src"].rsplit("/", 1)[-1] for tag in scripts]
        assert len(names) == 2 and names[0].startswith("bundle.") and names[1] == "handbook.js", (md, names)
        assert all(tag.has_attr("defer") and not tag.has_attr("async") for tag in scripts), (md, scripts)


@pytest.mark.parametrize("lang", LANGS)
def test_every_image_has_width_and_height(site, lang):
    """The browser keeps each image's place free before it arrives (no text jumping below it)."""
    count = drawings = 0
    for md, path in built_pages(site, lang):
        soup = soup_of(path)
        for img in soup.find_all("img"):
            count += 1
            assert int(img.get("width", 0)) > 0 and int(img.get("height", 0)) > 0, (md, str(img)[:160])
        for svg in soup.select("svg.hb-diagram"):  # diagrams, drawn into the page
            drawings += 1
            assert int(svg.get("width", 0)) > 0 and int(svg.get("height", 0)) > 0, (md, str(svg)[:160])
    assert count > len(PAGES), "expected the logo on every page"
    assert drawings >= 4, "expected the diagrams"


def test_markup_hook_stops_the_build_when_the_theme_changes_its_script_tag(monkeypatch):
    from types import SimpleNamespace

    from mkdocs.exceptions import PluginError

    markup = load_hook(monkeypatch, "markup")
    config = SimpleNamespace(extra={"strings": {"de": {"search_dialog": "Suche"}}}, theme={"language": "de"})
    page = (
        "<html><head></head><body>" + markup.DIALOG + "</div>"
        '<script src="../assets/javascripts/bundle.0123abcd.min.js"></script></body></html>'
    )
    fixed = markup._fix(page, "lessons/effort.md", config)
    assert '<script src="../assets/javascripts/bundle.0123abcd.min.js" defer></script>' in fixed
    assert 'aria-label="Suche"' in fixed
    with pytest.raises(PluginError, match=r"lessons/effort\.md: expected the theme's one"):
        markup._fix(page.replace("bundle.0123abcd.min.js", "app.js"), "lessons/effort.md", config)


@pytest.mark.parametrize("lang", LANGS)
def test_footer_links_imprint_privacy_and_licence(site, lang):
    for md in PAGES:
        soup = soup_of(html_path(site, lang, md))
        legal = soup.select_one("nav.hb-legal")
        targets = {resolve(page_url(lang, md), a["href"]) for a in legal.find_all("a")}
        assert {page_url(lang, "imprint.md"), page_url(lang, "privacy.md")} <= targets, md
        assert "CC BY-SA 4.0" in soup.select_one(".md-copyright").get_text()


def test_operator_placeholders_come_from_the_config(site):
    for lang in LANGS:
        text = soup_of(html_path(site, lang, "imprint.md")).select_one("article")
        marks = text.select(".hb-placeholder")
        assert marks and all("PLATZHALTER" in m.get_text() for m in marks)
        assert "{{" not in text.get_text()


@pytest.mark.parametrize("lang", LANGS)
def test_no_page_references_another_host(site, lang):
    """Static half of the privacy promise: nothing is loaded from elsewhere (links are fine)."""
    for md in PAGES:
        soup = soup_of(html_path(site, lang, md))
        for tag in soup.find_all(["script", "img", "iframe", "link", "source", "video", "audio"]):
            url = tag.get("src") or (
                tag.get("href")
                if tag.name == "link"
                and "alternate" not in tag.get("rel", [])
                and "canonical" not in tag.get("rel", [])
                else None
            )
            assert not url or not urlsplit(url).netloc, (md, str(tag)[:120])
        assert "fonts.googleapis" not in str(soup) and "fonts.gstatic" not in str(soup)


# Link texts that say nothing out of context (screen reader link lists, Lighthouse's link-text audit,
# whose list has "start"): German and English.
GENERIC_LINK_TEXTS = {
    "click here",
    "here",
    "more",
    "read more",
    "learn more",
    "more info",
    "start",
    "this",
    "link",
    "go",
    "hier",
    "hier klicken",
    "klicken sie hier",
    "mehr",
    "weiter",
    "weiterlesen",
    "mehr erfahren",
}


@pytest.mark.parametrize("lang", LANGS)
def test_every_link_says_where_it_goes(site, lang):
    """No link, in the text or in the navigation, is only 'here', 'more' or 'start'."""
    generic = []
    for md in PAGES:
        for a in soup_of(html_path(site, lang, md)).find_all("a", href=True):
            text = " ".join(a.get_text().split()).casefold()
            if text in GENERIC_LINK_TEXTS:
                generic.append((md, text, a["href"]))
    assert not generic, generic


def test_self_hosted_font_has_its_licence_beside_it():
    fonts = DOCS / "assets" / "fonts" / "atkinson-hyperlegible"
    assert list(fonts.glob("*.woff2"))
    assert "SIL Open Font License" in (fonts / "LICENSE").read_text()


# --- the build stops on incomplete or broken input --------------------------------------------


@pytest.mark.slow
def test_a_page_in_one_language_only_stops_the_build(tmp_path):
    box = make_sandbox(tmp_path)
    (box / "docs" / "en" / "lessons" / "effort.md").unlink()
    result = build_sandbox(box)
    assert result.returncode != 0
    assert "docs/en/lessons/effort.md" in result.stdout + result.stderr


@pytest.mark.slow
def test_a_dead_link_or_anchor_stops_the_build(tmp_path):
    box = make_sandbox(tmp_path)
    for lang in ("de", "en"):  # in both languages, or the language check stops the build first
        page = box / "docs" / lang / "lessons" / "effort.md"
        page.write_text(
            page.read_text(encoding="utf-8") + "\n[kaputt](gibt-es-nicht.md) und [Anker](define-goals.md#kein-anker)\n",
            encoding="utf-8",
        )
    result = build_sandbox(box)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert re.search(r"docs/de/lessons/effort\.md:\d+: link target gibt-es-nicht\.md does not exist", output)
    assert re.search(r"docs/de/lessons/effort\.md:\d+: anchor #kein-anker does not exist", output)


@pytest.mark.slow
def test_different_heading_ids_stop_the_build(tmp_path):
    box = make_sandbox(tmp_path)
    page = box / "docs" / "en" / "glossary.md"
    text = page.read_text(encoding="utf-8")
    first_id = re.search(r"^##+ .*\{ #([a-z0-9-]+) \}", text, re.M).group(1)
    page.write_text(text.replace(f"{{ #{first_id} }}", "{ #renamed-in-english }", 1), encoding="utf-8")
    result = build_sandbox(box)
    assert result.returncode != 0
    assert "docs/en/glossary.md" in result.stdout + result.stderr
    assert "renamed-in-english" in result.stdout + result.stderr


@pytest.mark.parametrize("lang", LANGS)
def test_glossary_terms_explain_themselves_and_link_their_entry(site, lang):
    from scripts import glossary

    entries = {t.id: t for t in glossary.terms(DOCS / lang / "glossary.md")}
    assert len(entries) >= 15
    linked_pages = 0
    for md in PAGES:
        if md == "glossary.md":
            continue
        soup = soup_of(html_path(site, lang, md))
        for link in soup.select("article a.hb-term"):
            target = resolve(page_url(lang, md), link["href"].split("#")[0])
            assert target == page_url(lang, "glossary.md"), (md, link["href"])
            term_id = link["href"].split("#")[1]
            assert term_id in entries, (md, term_id)
            # The explanation is text beside the link (opened by handbook.js), not a title tooltip.
            assert not link.find("abbr") and not link.has_attr("title"), (md, str(link)[:120])
            definition = soup.find(id=link["aria-describedby"])
            assert definition is not None and definition.get_text() == entries[term_id].hint, (md, term_id)
            linked_pages += 1
    assert linked_pages >= len(PAGES) // 2


@pytest.mark.parametrize("lang", LANGS)
def test_the_handbook_is_a_real_handbook(site, lang):
    """At least 25 pages and about 10,000 words of text per language, every page described."""
    words = 0
    for md in PAGES:
        soup = soup_of(html_path(site, lang, md))
        words += len(soup.select_one("article").get_text(" ").split())
        description = soup.select_one('meta[name="description"]')
        assert description and len(description["content"]) > 20, md
    assert len(PAGES) >= 25
    assert words >= 10_000, words


@pytest.mark.slow
def test_make_serve_previews_both_languages(tmp_path):
    """`make serve` (handbook.py serve): a live preview with both languages on the given address."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    from helpers import ROOT

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "handbook.py"), "serve", "--address", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        pages = {}
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and len(pages) < 2:
            for lang, path in (("de", "/"), ("en", "/en/")):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
                        pages[lang] = response.read().decode()
                except OSError:
                    time.sleep(0.5)
        assert '<html lang="de"' in pages.get("de", "")
        assert '<html lang="en"' in pages.get("en", "")
    finally:
        server.terminate()
        server.wait(timeout=20)


def _append(lang_text):
    def change(box):
        for lang, text in lang_text.items():
            page = box / "docs" / lang / "lessons" / "effort.md"
            page.write_text(page.read_text(encoding="utf-8") + text, encoding="utf-8")

    return change


def _front_matter(box):
    page = box / "docs" / "de" / "lessons" / "effort.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("description:", "description: Ziele: [offen\nx:", 1), encoding="utf-8")


def _nav(box):
    config = box / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "      - lessons/effort.md\n", "      - lessons/effort.md\n      - lessons/fehlt.md\n"
        ),
        encoding="utf-8",
    )


def _unsized_svg(box):
    for lang, alt in (("de", "Bild"), ("en", "Picture")):
        (box / "docs" / lang / "lessons" / "ohne-groesse.svg").write_text(
            '<svg xmlns="http://www.w3.org/2000/svg"><title>x</title></svg>', encoding="utf-8"
        )
        page = box / "docs" / lang / "lessons" / "effort.md"
        page.write_text(page.read_text(encoding="utf-8") + f"\n![{alt}](ohne-groesse.svg)\n", encoding="utf-8")


BAD_INPUT = {
    "invalid front matter": (_front_matter, ["docs/de/lessons/effort.md:2", "invalid YAML"]),
    "missing image": (
        _append(
            {"de": "\n![Bild](../assets/images/fehlt-de.svg)\n", "en": "\n![Picture](../assets/images/fehlt-en.svg)\n"}
        ),
        ["docs/de/lessons/effort.md:", "fehlt-de.svg does not exist"],
    ),
    "image without alt text": (
        _append({"de": "\n![](../assets/images/logo.svg)\n", "en": "\n![Logo](../assets/images/logo.svg)\n"}),
        ["docs/de/lessons/effort.md:", "has no alt text"],
    ),
    "script in Markdown": (
        _append({"de": "\n<script>alert(1)</script>\n"}),
        ["docs/de/lessons/effort.md:", "scripts, frames"],
    ),
    "iframe in Markdown": (
        _append({"en": '\n<iframe src="x.html"></iframe>\n'}),
        ["docs/en/lessons/effort.md:", "scripts, frames"],
    ),
    "inline event handler": (
        _append({"de": '\n<span onmouseover="x()">x</span>\n'}),
        ["docs/de/lessons/effort.md:", "inline event handlers"],
    ),
    "external image": (
        _append({"de": "\n![Bild](https://example.org/b.png)\n", "en": "\n![Pic](https://example.org/b.png)\n"}),
        ["docs/de/lessons/effort.md:", "loaded from another address"],
    ),
    "navigation entry to a missing file": (_nav, ["mkdocs.yml:", "names lessons/fehlt.md, which is missing"]),
    "image without a size": (
        _unsized_svg,
        ["lessons/effort.md", "ohne-groesse.svg: the <svg> element has neither width and height nor a viewBox"],
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_input_stops_the_build_naming_the_file(tmp_path, case):
    change, expected = BAD_INPUT[case]
    box = make_sandbox(tmp_path)
    change(box)
    result = build_sandbox(box)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-2000:]
    for text in expected:
        assert text in output, f"{text!r} not in the build's messages:\n{output[-1500:]}"


@pytest.mark.slow
def test_a_failed_build_keeps_the_last_good_site(tmp_path):
    from scripts import builder

    box = make_sandbox(tmp_path)
    out = tmp_path / "published"
    builder.build(out, pdf=False, quiet=True, root=box)
    good = (out / "lessons" / "effort" / "index.html").read_bytes()
    _append({"de": "\n<script>alert(1)</script>\n"})(box)
    with pytest.raises(builder.BuildError, match="scripts, frames"):
        builder.build(out, pdf=False, quiet=True, root=box)
    assert (out / "lessons" / "effort" / "index.html").read_bytes() == good
    assert not list(tmp_path.glob(".site-*")), "the failed build left its staging directory behind"
