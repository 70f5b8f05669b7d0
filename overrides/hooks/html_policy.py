"""Refuse a page whose rendered article or <head> holds markup outside the allowlists (scripts/html_policy.py),
and name a page too deeply nested for the Markdown renderer instead of printing a RecursionError.

This hook is the one place the check runs during a build: `mkdocs build`, the live preview
(`mkdocs serve`) and `handbook.py build` (which runs `mkdocs build`) all pass through it, and a page
is refused before it is written. A second call in scripts/builder.py would only check the same pages again.
It runs after the hooks that change the article (priority -100), on what is written: after
overrides/hooks/markup.py has drawn the diagrams into the page.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from scripts import html_policy
from scripts.sources import rel

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

    from scripts.sources import Problem


def _refuse(problems: list[Problem]) -> None:
    if problems:
        listing = "\n".join(f"  {p}" for p in problems)
        raise PluginError(
            "markup that is not allowed in the handbook's pages (see the allowlist in "
            f"scripts/html_policy.py):\n{listing}"
        )


def _source(page: Page) -> Path | None:
    """The page's Markdown file (None for a page a plugin generates, which MkDocs gives no source path)."""
    return Path(page.file.abs_src_path) if page.file.abs_src_path else None


def on_pre_page(page: Page, config: MkDocsConfig, files: Files) -> Page:
    """Name the page when its Markdown is too deep for the renderer: Python-Markdown recurses once per
    level of nesting, and MkDocs would print a RecursionError with thousands of lines of traceback.
    scripts/guard.py refuses the known cases (lists, quotes, emphasis, HTML blocks) before the build;
    this catches any other, at the one place MkDocs renders a page (`Page.render`, called right after
    this event in mkdocs.commands.build._populate_page)."""
    render = page.render
    source = _source(page)

    def render_or_refuse(*args: Any, **kwargs: Any) -> None:
        try:
            return render(*args, **kwargs)
        except RecursionError:
            raise PluginError(
                f"{rel(source) if source else page.file.src_uri}: the page is nested too deeply for the "
                "Markdown renderer (lists, quotes, emphasis or HTML inside each other); "
                "flatten it or split it into several pages"
            ) from None

    page.render = render_or_refuse  # type: ignore[method-assign]  # wrapped on purpose, see above
    return page


@event_priority(-100)  # after every other hook has changed the page
def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    built = page.url + "index.html" if not page.url or page.url.endswith("/") else page.url
    _refuse(html_policy.check_page(output, _source(page), built))
    return output


@event_priority(40)  # after markup.py (50) and before search_per_language.py (0) writes the 404 pages away
def on_post_template(output: str, template_name: str, config: MkDocsConfig) -> str:
    if template_name == "404.html":
        template = Path(config.config_file_path).parent / "overrides" / "404.html"
        _refuse(html_policy.check_page(output, template if template.is_file() else None, template_name))
    return output
