"""The rendered-HTML allowlist and the SVG rules (scripts/html_policy.py).

Hostile pull request cases are fixture trees: tests/fixtures/html-<case>/ is the `good` tree with hostile
Markdown from de/page.md:15 on, `expected-html.txt` what the allowlist reports (file:line: markup and why, in full) and
`expected.txt` what the fast Markdown-line check in scripts/checks.py reports (tests/test_checks.py runs
those). The pages are rendered with the site's Markdown extensions (fast, no MkDocs build); one case goes
through a real build. tests/fixtures/svg-<case>/ holds a hostile assets/goal-de.svg.
"""

from __future__ import annotations

import functools
import html
from pathlib import Path

import markdown
import pytest
from helpers import (
    DOCS,
    FIXTURES,
    PROJECT,
    assert_same_lines,
    build_sandbox,
    case_lines,
    case_problems,
    lines_of,
    make_sandbox,
)

from scripts import checks, html_policy, sources

HTML_CASES = sorted(p.name for p in FIXTURES.glob("html-*") if p.is_dir())
SVG_CASES = sorted(p.name for p in FIXTURES.glob("svg-*") if p.is_dir())


@functools.cache
def renderer_config() -> tuple[list[str], dict]:
    """The Markdown extensions of mkdocs.yml, without snippets (a fixture page includes nothing)."""
    names, configs = [], {}
    for entry in PROJECT.config["markdown_extensions"]:
        name, options = next(iter(entry.items())) if isinstance(entry, dict) else (entry, {})
        if name != "pymdownx.snippets":
            names.append(name)
            configs[name] = options or {}
    return names, configs


def built_page(source: Path) -> str:
    """The page as the theme wraps the rendered Markdown: the article is what the allowlist checks."""
    body = source.read_text(encoding="utf-8")
    _, start = sources.split_front_matter(body)
    names, configs = renderer_config()
    content = markdown.markdown(
        "\n" * (start - 1) + "\n".join(body.splitlines()[start - 1 :]), extensions=names, extension_configs=configs
    )
    return f'<html><body><article class="md-content__inner md-typeset">{content}</article></body></html>'


@pytest.mark.parametrize("case", HTML_CASES)
def test_hostile_markup_is_refused_naming_file_line_and_markup(case):
    source = FIXTURES / case / "de" / "page.md"
    problems = html_policy.check_page(built_page(source), source, "page/index.html")
    assert_same_lines(case_lines(problems, FIXTURES / case), FIXTURES / case / "expected-html.txt")
    for problem in problems:  # each says what to do, not only what is wrong
        assert any(word in problem.message for word in ("use", "remove", "put", "write", "link")), problem


def test_the_fast_line_check_misses_what_the_allowlist_catches():
    """Why the allowlist is the authority: most hostile cases pass the Markdown-line rules unnoticed."""
    missed = [
        case
        for case in HTML_CASES
        if lines_of(FIXTURES / case / "expected-html.txt") and not case_problems(checks.structure(FIXTURES / case))
    ]
    assert len(missed) >= 8, missed


@pytest.mark.parametrize("case", SVG_CASES)
def test_svg_that_could_run_or_fetch_is_refused(case):
    problems = html_policy.svg_files(FIXTURES / case)
    assert_same_lines(case_lines(problems, FIXTURES / case), FIXTURES / case / "expected.txt")
    assert len(problems) == 1, problems  # the case's one hostile construct, nothing else of the good tree


def test_the_handbooks_svgs_pass_and_diagrams_pass_the_stricter_inline_rules():
    assert html_policy.svg_files(DOCS) == []
    diagrams = sorted((DOCS / "assets" / "images" / "diagrams").glob("*.svg"))
    assert diagrams
    assert [p for d in diagrams for p in html_policy.svg_problems(d, inline=True)] == []


def test_a_style_element_is_allowed_in_an_svg_file_but_not_in_an_inlined_diagram(tmp_path):
    svg = tmp_path / "a.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg"><style>rect{fill:red}</style></svg>', encoding="utf-8")
    assert html_policy.svg_problems(svg) == []
    assert "'<style>' is not allowed" in html_policy.svg_problems(svg, inline=True)[0].message
    svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><style>@import "https://x.example/a.css";</style></svg>',
        encoding="utf-8",
    )
    assert "url() or @import" in html_policy.svg_problems(svg)[0].message


def test_built_pages_map_back_to_their_markdown(tmp_path):
    site = tmp_path / "site"
    assert html_policy.source_of(site, site / "index.html", DOCS) == DOCS / "de" / "index.md"
    assert (
        html_policy.source_of(site, site / "en" / "lessons" / "effort" / "index.html", DOCS)
        == DOCS / "en" / "lessons" / "effort.md"
    )
    assert html_policy.source_of(site, site / "en" / "404.html", DOCS) is None


def test_the_real_site_passes_the_allowlist(site):
    """Everything the handbook and theme produce (admonitions, tasks, glossary, diagrams, worksheet
    fields, page actions) is allowed: zero findings over every page of both languages and the 404s."""
    checked = [*site.rglob("index.html"), *site.rglob("404.html")]
    assert len(checked) > 70 and all(html_policy.article(p.read_text(encoding="utf-8")) for p in checked)
    assert [str(p) for p in html_policy.check_site(site)] == []


def test_a_hostile_page_stops_the_real_build_naming_file_and_line(tmp_path):
    box = make_sandbox(tmp_path)
    page = box / "docs" / "de" / "start" / "how-to-use.md"
    text = (
        page.read_text(encoding="utf-8").rstrip("\n")
        + "\n\n<details ontoggle=alert(1) open><summary>Mehr</summary>x</details>\n"
    )
    page.write_text(text, encoding="utf-8")
    result = build_sandbox(box)
    assert result.returncode != 0
    line = len(text.splitlines())
    assert f'docs/de/start/how-to-use.md:{line}: <details ontoggle="alert(1)">' in result.stderr, result.stderr[-2000:]
    assert "event handler" in result.stderr
    assert not (box / "site" / "start" / "how-to-use" / "index.html").exists()


# --- the page's <head> ------------------------------------------------------------------------------------

THEME_HEAD = """<!doctype html>
<html lang="de" class="no-js">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'">
<meta name="viewport" content="width=device-width,initial-scale=1">
<link rel="canonical" href="https://example.org/handbuch/">
<link rel="icon" href="assets/images/favicon.svg">
<title>TITLE - Handbuch</title>
<link rel="stylesheet" href="assets/stylesheets/main.css">
<link rel="preload" href="assets/fonts/a.woff2" as="font" type="font/woff2" crossorigin>
<script>__md_scope=new URL(".",location)</script>
<meta property="og:title" content="Handbuch">
</head>
<body dir="ltr"><header>HEADER</header>
<article class="md-content__inner md-typeset"><h1 id="t">Title</h1></article>
<script src="assets/javascripts/bundle.js"></script>
</body></html>"""


def head_of(title: str) -> str:
    """A built page as Material writes it, with `title` where `{{ page.title | striptags }}` goes (the
    header prints the title as MkDocs gives it, with its entities)."""
    return THEME_HEAD.replace("TITLE", title).replace("HEADER", html.escape(title))


@pytest.mark.parametrize(
    ("title", "refused"),
    [
        (
            'So nutzen Sie </title><meta http-equiv="refresh" content="0;url=https://attacker.example/">',
            ['<meta http-equiv="refresh" content="0;url=https://attacker.example/">'],
        ),
        ("x</title><title>y", ["<title>"]),
        ("x</title><script>alert(1)</script>", ["<script>"]),
        ('x</title><base href="https://attacker.example/">', ['<base href="https://attacker.example/">']),
        (
            'x</title><link rel="stylesheet" href="https://attacker.example/a.css">',
            ['<link rel="stylesheet" href="https://attacker.example/a.css">'],
        ),
        ('x</title><script src="//attacker.example/a.js"></script>', ['<script src="//attacker.example/a.js">']),
        ('x</title></head><body onload="alert(1)"><div>', ['<body onload="alert(1)">', "<div>"]),
        ("x</title><svg onload=alert(1)>", ['<svg onload="alert(1)">']),
        ('x</title><html onclick="alert(1)">', ['<html lang="de" class="no-js" onclick="alert(1)">']),
    ],
)
def test_an_element_the_theme_does_not_write_into_head_is_refused(title, refused):
    """Material prints the title through `striptags`, which decodes `&lt;`: whatever the title smuggles
    into <head> (or pushes out of it) is named, reported on the page's title line."""
    found = html_policy.head_findings(head_of(title))
    assert found[: len(refused)] == refused, found  # after an <svg>, the theme's elements are drawing content too
    source = FIXTURES / "good" / "de" / "page.md"
    problems = [str(p) for p in html_policy.check_page(head_of(title), source, "page/index.html")]
    assert problems[0].endswith(
        f"{refused[0]} in the <head> of the built page page/index.html: the theme writes "
        "only meta, link, title and its own scripts there; this came from the page title "
        "(write it without '<' and '>') or a template (see HEAD_* in scripts/html_policy.py)"
    )
    assert problems[0].split("fixtures/")[-1].startswith("good/de/page.md:5: "), problems


def test_what_the_theme_writes_into_head_passes():
    assert html_policy.head_findings(head_of("Ziele &amp; Wege")) == []


def test_a_template_that_writes_a_meta_refresh_stops_the_real_build(tmp_path):
    """The second line of defence in a real build: overrides/ is changed by pull request too."""
    box = make_sandbox(tmp_path)
    template = box / "overrides" / "main.html"
    template.write_text(
        template.read_text(encoding="utf-8").replace(
            "{{ super() }}", '{{ super() }}<meta http-equiv="refresh" content="0;url=https://attacker.example/">', 1
        ),
        encoding="utf-8",
    )
    result = build_sandbox(box)
    assert result.returncode != 0
    assert (
        '<meta http-equiv="refresh" content="0;url=https://attacker.example/"> in the <head> of the built page'
        in result.stderr
    ), result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert not (box / "site" / "index.html").exists()
