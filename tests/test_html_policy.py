"""The rendered-HTML allowlist and the SVG rules (scripts/html_policy.py).

Hostile pull request cases are fixture trees: tests/fixtures/html-<case>/ is the `good` tree with hostile
Markdown from de/page.md:15 on, `expected-html.txt` what the allowlist reports (file:line: markup) and
`expected.txt` what the fast Markdown-line check in scripts/checks.py reports (tests/test_checks.py runs
those). The pages are rendered with the site's Markdown extensions (fast, no MkDocs build); one case goes
through a real build. tests/fixtures/svg-<case>/ holds a hostile assets/goal-de.svg.
"""

from __future__ import annotations

import functools
from pathlib import Path

import markdown
import pytest
from conftest import DOCS, ROOT, build_sandbox, make_sandbox

from scripts import checks, html_policy
from scripts.pdf import load_config

FIXTURES = Path(__file__).parent / "fixtures"
HTML_CASES = sorted(p.name for p in FIXTURES.glob("html-*") if p.is_dir())
SVG_CASES = sorted(p.name for p in FIXTURES.glob("svg-*") if p.is_dir())


def lines_of(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line]


def reported(problems, case: str) -> list[str]:
    return [str(p).split(f"fixtures/{case}/", 1)[-1] for p in problems]


@functools.cache
def renderer_config() -> tuple[list[str], dict]:
    """The Markdown extensions of mkdocs.yml, without snippets (a fixture page includes nothing)."""
    names, configs = [], {}
    for entry in load_config(ROOT / "mkdocs.yml")["markdown_extensions"]:
        name, options = next(iter(entry.items())) if isinstance(entry, dict) else (entry, {})
        if name != "pymdownx.snippets":
            names.append(name)
            configs[name] = options or {}
    return names, configs


def built_page(source: Path) -> str:
    """The page as the theme wraps the rendered Markdown: the article is what the allowlist checks."""
    body = source.read_text(encoding="utf-8")
    _, start = checks.split_front_matter(body)
    names, configs = renderer_config()
    content = markdown.markdown("\n" * (start - 1) + "\n".join(body.splitlines()[start - 1:]),
                                extensions=names, extension_configs=configs)
    return f'<html><body><article class="md-content__inner md-typeset">{content}</article></body></html>'


@pytest.mark.parametrize("case", HTML_CASES)
def test_hostile_markup_is_refused_naming_file_line_and_markup(case):
    source = FIXTURES / case / "de" / "page.md"
    problems = html_policy.check_page(built_page(source), source, "page/index.html")
    found = reported(problems, case)
    wanted = lines_of(FIXTURES / case / "expected-html.txt")
    assert len(found) == len(wanted), found
    for line in wanted:
        assert sum(f.startswith(line) for f in found) == 1, (line, found)
    for problem in problems:  # each says what to do, not only what is wrong
        assert any(word in problem.message for word in ("use", "remove", "put", "write", "link")), problem


def test_the_fast_line_check_misses_what_the_allowlist_catches():
    """Why the allowlist is the authority: most hostile cases pass the Markdown-line rules unnoticed."""
    missed = [case for case in HTML_CASES if lines_of(FIXTURES / case / "expected-html.txt")
              and not checks.structure(FIXTURES / case)]
    assert len(missed) >= 8, missed


@pytest.mark.parametrize("case", SVG_CASES)
def test_svg_that_could_run_or_fetch_is_refused(case):
    problems = html_policy.svg_files(FIXTURES / case)
    found = reported(problems, case)
    wanted = lines_of(FIXTURES / case / "expected.txt")
    assert len(found) == len(wanted) == 1, found
    assert found[0].startswith(wanted[0]), (wanted, found)


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
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg"><style>@import "https://x.example/a.css";</style>'
                   '</svg>', encoding="utf-8")
    assert "url() or @import" in html_policy.svg_problems(svg)[0].message


def test_built_pages_map_back_to_their_markdown(tmp_path):
    site = tmp_path / "site"
    assert html_policy.source_of(site, site / "index.html", DOCS) == DOCS / "de" / "index.md"
    assert html_policy.source_of(site, site / "en" / "lessons" / "effort" / "index.html", DOCS) == \
        DOCS / "en" / "lessons" / "effort.md"
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
    text = page.read_text(encoding="utf-8").rstrip("\n") + "\n\n<details ontoggle=alert(1) open><summary>Mehr</summary>x</details>\n"
    page.write_text(text, encoding="utf-8")
    result = build_sandbox(box)
    assert result.returncode != 0
    line = len(text.splitlines())
    assert f'docs/de/start/how-to-use.md:{line}: <details ontoggle="alert(1)">' in result.stderr, result.stderr[-2000:]
    assert "event handler" in result.stderr
    assert not (box / "site" / "start" / "how-to-use" / "index.html").exists()
